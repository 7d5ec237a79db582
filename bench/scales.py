"""How much data each scale has, and the small pools of names the rows are made from."""

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class Scale:
    """One municipality's worth of data."""

    districts: int
    units: int
    staff: int
    guardian_accounts: int
    logs: int  # over `years`, most of them passive by now
    active_logs: int
    heavy_logs: int  # 10 concerns, 30 measures, 10 glimpses, 5 meetings, 500 reads each
    years: int = 10


OSLO = Scale(
    districts=15,
    units=400,
    staff=20_000,
    guardian_accounts=30_000,
    logs=200_000,
    active_logs=15_000,
    heavy_logs=5,
)
# A mid-sized municipality: Norway is about eight Oslos, spread over many municipalities.
TOWN = replace(
    OSLO,
    districts=4,
    units=60,
    staff=3_000,
    guardian_accounts=4_500,
    logs=30_000,
    active_logs=2_250,
    heavy_logs=1,
)
DEMO = Scale(
    districts=2, units=6, staff=60, guardian_accounts=40, logs=240, active_logs=40, heavy_logs=2
)

SCALES: dict[str, list[Scale]] = {
    "demo": [DEMO],
    "oslo": [OSLO],
    "national": [OSLO] + [TOWN] * 40,
}

# The benchmark's people, in the first municipality; every login has BENCH_PASSWORD.
BENCH_PASSWORD = "stafett-bench-2026"  # noqa: S105 - a published benchmark password
PERSONAS = {
    "holder": "holder@bench.stafettlogg.no",
    "actor": "aktor@bench.stafettlogg.no",
    "guardian": "foresatt@bench.stafettlogg.no",
    "leader": "leder@bench.stafettlogg.no",
}
MUNICIPALITY_PREFIX = "Benchmark kommune"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Anna Andreas Astrid Anders Berit Bjørn Camilla Christian Dina Daniel Eva Emil Frida "
    "Fredrik Guro Geir Hanne Henrik Ida Ivar Julie Jonas Kari Kristian Linn Lars Maja Magnus "
    "Nora Nils Oda Ole Pia Petter Randi Rune Sara Sander Tone Thomas Ulla Vegard Wenche "
    "Yusuf Zahra Amina Ali Hamza Fatima Noah Emma Jakob Ella Leah Filip Olivia Oskar"
)
LAST_NAMES = _words(
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen "
    "Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl "
    "Jørgensen Henriksen Lund Halvorsen Sørensen Jakobsen Moen Gundersen Iversen Strand "
    "Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie "
    "Amundsen Nguyen Rasmussen Ali Lunde Solheim Berge Moe Nygård Bakke Khan Ahmed"
)
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"})
UNIT_KINDS = ("skole", "barnehage", "helsestasjon", "skolehelsetjeneste", "PPT", "barnevern")
STREETS = ("Skoleveien", "Bjørkeveien", "Granveien", "Eikeveien", "Storgata", "Kirkeveien")


def ascii_name(name: str) -> str:
    return name.lower().translate(_ASCII)


def national_id(born: date, individual: int) -> str | None:
    """A valid fødselsnummer for `born` (or None when the check digit cannot be 10)."""
    if born.year < 2000:
        individual %= 500
    else:
        individual = 500 + individual % 500
    digits = [int(c) for c in f"{born:%d%m}{born.year % 100:02d}{individual:03d}"]
    k1 = 11 - sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    digits.append(k1)
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k2 = 11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    if k2 == 10:
        return None
    return "".join(map(str, digits)) + str(k2)
