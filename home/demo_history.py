"""Two years of a school's logs for the demo (`manage.py seed_demo`): enough concerns,
measures and evaluations, varied by month, category and outcome, that the leader's statistics
show shapes rather than only "<5" (R-LEAD-03, R-LEAD-05).

Every log goes through the services, as a holder would make it; then its dates are moved into
the past in a few bulk updates (a service never takes a date in the past, R-GEN-04), and the
statistics' rows are rebuilt once. Each concern, measure and evaluation names its child.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from logs import services
from logs.enums import Outcome
from logs.models import Log, Measure
from organisations.models import ConcernCategory, MeasureCategory, Unit
from stats.receivers import paused
from stats.services import rebuild

MONTHS = 24
LOGS_PER_MONTH = (5, 9)
SEED = 2026

FIRST_NAMES = [
    "Aksel",
    "Alma",
    "Amir",
    "Aurora",
    "Emil",
    "Frida",
    "Hedda",
    "Isak",
    "Jonas",
    "Leah",
    "Liam",
    "Linnea",
    "Lukas",
    "Maja",
    "Mathias",
    "Mia",
    "Nora",
    "Oliver",
    "Olivia",
    "Oskar",
    "Sara",
    "Selma",
    "Sofie",
    "Theo",
    "Tiril",
    "Tobias",
    "Vilde",
    "William",
    "Yasmin",
    "Zara",
]
LAST_NAMES = [
    "Aas",
    "Bakke",
    "Berg",
    "Dahl",
    "Eide",
    "Foss",
    "Haugen",
    "Holm",
    "Iversen",
    "Johansen",
    "Karlsen",
    "Lie",
    "Lunde",
    "Moe",
    "Nilsen",
    "Nguyen",
    "Rustad",
    "Solberg",
    "Strand",
    "Vik",
    "Ahmed",
    "Khan",
    "Ali",
]

# Per concern category: what the holder writes, and the goal; {name} is the child's first name.
CONCERNS: dict[str, tuple[str, str]] = {
    "Språk og kommunikasjon": (
        "{name} bruker få ord og blir ofte misforstått av de andre barna.",
        "{name} gjør seg forstått i lek og samtale.",
    ),
    "Sosial fungering og vennskap": (
        "{name} er mye alene i friminuttene og blir sjelden med i lek.",
        "{name} har noen å være sammen med hver dag.",
    ),
    "Atferd": (
        "{name} blir fort sint og havner i konflikter med de andre.",
        "{name} finner andre måter å vise at noe er vanskelig.",
    ),
    "Psykisk helse og trivsel": (
        "{name} virker trist og sier at det ikke er fint på skolen.",
        "{name} trives og sier ifra når noe er vanskelig.",
    ),
    "Fysisk helse og motorikk": (
        "{name} strever med grovmotorikk og unngår kroppsøving.",
        "{name} deltar i kroppsøving og lek ute.",
    ),
    "Læring og mestring": (
        "{name} henger etter i lesing og regning.",
        "{name} mestrer oppgaver på sitt nivå.",
    ),
    "Fravær": (
        "{name} har hatt mye fravær den siste måneden.",
        "{name} møter på skolen hver dag.",
    ),
    "Hjem og familie": (
        "{name} forteller om uro hjemme og virker sliten om morgenen.",
        "{name} og familien får den støtten de trenger.",
    ),
    "Annet": (
        "Vi er bekymret for {name} uten å vite hvorfor ennå.",
        "Vi forstår hva {name} trenger.",
    ),
}
# Per measure category: the measure, and how often it works (weights of desired, some, no
# effect, registered in error), so that "what works" has something to say.
MEASURES: dict[str, tuple[str, tuple[int, int, int, int]]] = {
    "Tilpasset opplæring": ("Lesekurs i liten gruppe for {name} tre ganger i uka.", (6, 3, 1, 0)),
    "Samtale med barnet": ("Faste samtaler mellom {name} og kontaktlærer.", (4, 4, 2, 0)),
    "Foreldresamarbeid": ("Ukentlig kontakt med foreldrene til {name}.", (5, 3, 2, 0)),
    "Veiledning": ("Veiledning av de voksne rundt {name}.", (3, 4, 3, 0)),
    "Kartlegging": ("Kartlegging av hva {name} mestrer og strever med.", (3, 5, 1, 1)),
    "Henvisning": ("Henvisning av {name} til PPT.", (2, 3, 4, 1)),
    "Helsetjeneste": ("{name} får samtaler med helsesykepleier.", (5, 3, 2, 0)),
    "Sosial trening": ("{name} er med i vennegruppe i friminuttene.", (7, 2, 1, 0)),
    "Annet": ("Tett oppfølging av {name} i hverdagen.", (3, 3, 3, 1)),
}
OUTCOMES = [
    Outcome.DESIRED_EFFECT,
    Outcome.SOME_EFFECT,
    Outcome.NO_EFFECT,
    Outcome.REGISTERED_IN_ERROR,
]
EVALUATIONS = {
    Outcome.DESIRED_EFFECT: "{name} har hatt god nytte av tiltaket.",
    Outcome.SOME_EFFECT: "Det går litt bedre for {name}, men det trengs mer oppfølging.",
    Outcome.NO_EFFECT: "Tiltaket har ikke hjulpet {name} så langt.",
    Outcome.REGISTERED_IN_ERROR: "Tiltaket for {name} ble registrert ved en feil.",
}
CHILD_VOICES = (
    "Jeg vil ha noen å leke med.",
    "Det er vanskelig når det er mye bråk.",
    "Jeg liker å tegne.",
    "",
)


@dataclass
class _Dates:
    """The dates each row is moved back to once the services have made it."""

    rows: dict[type[Model], list[tuple[Model, dict[str, Any]]]] = field(default_factory=dict)

    def add(self, row: Model, **values: Any) -> None:
        self.rows.setdefault(type(row), []).append((row, values))

    def apply(self) -> None:
        for model, rows in self.rows.items():
            fields: set[str] = set()
            for row, values in rows:
                for name, value in values.items():
                    setattr(row, name, value)
                fields |= set(values)
            model._default_manager.bulk_update(
                [row for row, _values in rows], sorted(fields), batch_size=500
            )


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _History:
    def __init__(self, holders: Sequence[User], unit: Unit) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - made-up data, not a secret
        self.holders, self.unit = holders, unit
        self.today = timezone.localdate()
        self.dates = _Dates()
        municipality = unit.municipality_id
        self.concern_categories = {
            c.name: c
            for c in ConcernCategory.objects.filter(municipality_id=municipality, is_active=True)
        }
        self.measure_categories = {
            c.name: c
            for c in MeasureCategory.objects.filter(municipality_id=municipality, is_active=True)
        }

    def child(self, created: date) -> dict[str, Any]:
        rng = self.rng
        born = created - timedelta(days=rng.randint(6 * 365, 13 * 365))
        return {
            "first_name": rng.choice(FIRST_NAMES),
            "last_name": rng.choice(LAST_NAMES),
            "national_id": "",
            "birth_date": born,
            "address": f"Skoleveien {rng.randint(1, 60)}",
            "postcode": "0150",
            "place": "Oslo",
            "email": "",
        }

    def log(self, created: date) -> int:
        """One log made on `created`, with its concerns, measures and evaluations."""
        rng = self.rng
        holder = rng.choice(self.holders)
        child = self.child(created)
        name = child["first_name"]
        guardian = {
            "first_name": rng.choice(FIRST_NAMES),
            "last_name": child["last_name"],
            "phone": "912 34 567",
            "email": "",
            "address": child["address"],
            "postcode": "0150",
            "place": "Oslo",
        }
        level = rng.choice((1, 1, 1, 2, 2, 3))
        log = services.create_log(
            by=holder, unit=self.unit, child=child, guardians=[guardian], level=level
        )
        self.dates.add(log, created_at=_at(created, 9))
        all_closed = True
        for index in range(rng.choice((1, 1, 2, 2, 3))):
            opened = min(created + timedelta(days=index * rng.randint(3, 40)), self.today)
            all_closed &= self.concern(log, holder, name, opened)
        age = (self.today - created).days
        if all_closed and age > 180 and rng.random() < 0.7:
            services.set_log_passive(log, by=holder, confirmed=True)
            passive = min(created + timedelta(days=rng.randint(120, 170)), self.today)
            self.dates.add(log, created_at=_at(created, 9), passive_at=_at(passive, 15))
        return 1

    def concern(self, log: Log, holder: User, name: str, opened: date) -> bool:
        """A concern with one to three measures; whether it ended closed."""
        rng = self.rng
        category = rng.choice(list(self.concern_categories))
        description, goal = CONCERNS.get(category, CONCERNS["Annet"])
        measures = [rng.choice(list(self.measure_categories)) for _ in range(rng.randint(1, 3))]
        first, *more = measures
        concern = services.create_concern(
            log,
            by=holder,
            category=self.concern_categories[category],
            description=description.format(name=name),
            goal=goal.format(name=name),
            child_voice=rng.choice(CHILD_VOICES),
            measure=self.measure_fields(first, name, log.level),
        )
        made = [concern.measures.get()]
        for later in more:
            made.append(
                services.add_measure(concern, by=holder, **self.measure_fields(later, name, 2))
            )
        self.dates.add(concern, created_at=_at(opened, 10))
        evaluated = [self.settle(m, holder, name, opened, i) for i, m in enumerate(made)]
        age = (self.today - opened).days
        if all(evaluated) and age > 60 and rng.random() < 0.8:
            services.close_concern(concern, by=holder)
            closed = min(opened + timedelta(days=rng.randint(60, 120)), self.today)
            self.dates.add(concern, created_at=_at(opened, 10), closed_at=_at(closed, 14))
            return True
        return False

    def measure_fields(self, category: str, name: str, level: int) -> dict[str, Any]:
        text, _weights = MEASURES.get(category, MEASURES["Annet"])
        # No actors: each would be sent a notice of every measure of two years (the demo's
        # own logs show actors at work).
        return {
            "category": self.measure_categories[category],
            "description": text.format(name=name),
            "deadline": self.today + timedelta(days=30),
            "actors": [],
        }

    def settle(self, measure: Measure, holder: User, name: str, opened: date, index: int) -> bool:
        """Move the measure into the past and, if it is old enough, evaluate it."""
        rng = self.rng
        created = min(opened + timedelta(days=index * rng.randint(5, 30)), self.today)
        deadline = created + timedelta(days=rng.randint(20, 90))
        self.dates.add(measure, created_at=_at(created, 11), deadline=deadline)
        if deadline > self.today - timedelta(days=rng.randint(0, 30)) and rng.random() < 0.85:
            return False  # still running, or overdue now and then
        _text, weights = MEASURES.get(measure.category.name, MEASURES["Annet"])
        if deadline < self.today and rng.random() < 0.08:
            measure.deadline = deadline  # overdue first, as the service requires
            measure.save(update_fields=["deadline"])
            evaluation = services.mark_deadline_passed(measure, by=holder)
        else:
            outcome = rng.choices(OUTCOMES, weights=weights)[0]
            evaluation = services.evaluate_measure(
                measure, by=holder, outcome=outcome, text=EVALUATIONS[outcome].format(name=name)
            )
        evaluated = min(deadline + timedelta(days=rng.randint(-10, 10)), self.today)
        self.dates.add(evaluation, evaluated_at=_at(max(evaluated, created), 13))
        return True


def seed_history(*, holders: Sequence[User], unit: Unit) -> int:
    """Two years of logs in `unit`, held by `holders` in turn; idempotent (a unit that has a
    log older than a year gets none). Returns the number of logs made."""
    today = timezone.localdate()
    if Log.objects.filter(unit=unit, created_at__lt=_at(today - timedelta(days=365), 0)).exists():
        return 0
    history = _History(holders, unit)
    made = 0
    with paused():
        for back in range(MONTHS, 0, -1):
            month = (today.replace(day=1) - timedelta(days=30 * back)).replace(day=1)
            for _ in range(history.rng.randint(*LOGS_PER_MONTH)):
                day = month + timedelta(days=history.rng.randint(0, 27))
                made += history.log(min(day, today - timedelta(days=1)))
        history.dates.apply()
    # The dates moved past the services, so past the statistics' receivers: rows anew.
    rebuild()
    return made
