"""The pages the benchmark measures, the personas who ask for them, and their sessions."""

import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db.models import Count
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from accounts.models import User
from bench.scales import BENCH_PASSWORD, PERSONAS
from logs.enums import LogStatus
from logs.models import Log
from logs.queries import logs_visible_to
from organisations.enums import Role
from organisations.models import Municipality
from organisations.queries import ACTIVE_ROLE_SESSION_KEY

BARE = "fortunes"
ADMIN = "admin"  # a municipality administrator with no role: the whole city's statistics
ADMIN_EMAIL = "kommune@bench.stafettlogg.no"
OPERATOR = "operator"  # runs the service: the Django admin, the whole audit trail
OPERATOR_EMAIL = "drift@bench.stafettlogg.no"
LOGIN = "login"
SIGNED_IN = "signed in, no page"
MIXED = "mixed"


@dataclass
class Page:
    name: str
    persona: str  # "" for the signed-out bare page and the login
    path: str
    method: str = "GET"
    expected: int = 200
    form: dict | None = None  # a POST's fields
    mix: list["Page"] = field(default_factory=list)  # a mixed load: these, in turn


def heavy_log_id(holder: User) -> int:
    """The persona holder's biggest log (bench.plan gives them a heavy one)."""
    pk = (
        Log.objects.filter(holder=holder)
        .annotate(n=Count("concerns"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise LookupError(f"No benchmark data: {holder.email} holds no log. Run generate_data.")
    return pk


def personas() -> dict:
    found = {u.email: u for u in get_user_model().objects.filter(email__in=PERSONAS.values())}
    missing = [email for email in PERSONAS.values() if email not in found]
    if missing:
        raise LookupError(f"No benchmark data: {missing} missing. Run generate_data first.")
    people = {role: found[email] for role, email in PERSONAS.items()}
    return {
        **people,
        ADMIN: municipality_administrator(people["leader"]),
        OPERATOR: operator(),
    }


def city(leader: User) -> Municipality:
    """The municipality the benchmark's leader works in."""
    municipality = Municipality.objects.filter(units__memberships__user=leader).first()
    if municipality is None:
        raise LookupError("No benchmark data: the leader works in no municipality.")
    return municipality


def municipality_administrator(leader: User) -> User:
    """The administrator of the leader's municipality, with no role of their own: the one
    who sees the whole city's statistics (R-LEAD-03). Made on first use, so that data
    generated before there was one can still be measured."""
    municipality = city(leader)
    admin, _created = get_user_model().objects.get_or_create(
        email=ADMIN_EMAIL, defaults={"first_name": "Kari", "last_name": "Kommune"}
    )
    municipality.administrators.add(admin)
    return admin


def operator() -> User:
    """The service's operator (a superuser with a second factor): the Django admin at a
    city's scale. Made on first use, as the administrator is."""
    person, _created = get_user_model().objects.get_or_create(
        email=OPERATOR_EMAIL,
        defaults={
            "first_name": "Ola",
            "last_name": "Drift",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    TOTPDevice.objects.get_or_create(user=person, defaults={"name": "bench", "confirmed": True})
    return person


def pages(people: dict) -> list[Page]:
    log = heavy_log_id(people["holder"])
    municipality = city(people["leader"])
    # The unit with the most logs: its delete page counts them all.
    busiest = (
        Log.objects.values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
        .values_list("unit", flat=True)
        .first()
    )
    login = {"username": people["holder"].email, "password": BENCH_PASSWORD}
    return [
        Page(BARE, "", "/bench/fortunes/"),
        # What every signed-in page pays before its own work (session, person, roles, the
        # middleware), and nothing else: the floor under every row below.
        Page(SIGNED_IN, "holder", "/konto/okt/"),
        Page("Min side (holder)", "holder", "/"),
        Page("Min side (actor)", "actor", "/"),
        Page("Min side (guardian)", "guardian", "/"),
        Page("Mine stafettbarn", "holder", "/logger/"),
        Page("log page (holder)", "holder", f"/logger/{log}/"),
        Page("log page (actor)", "actor", f"/logger/{log}/"),
        Page("log page (guardian)", "guardian", f"/logger/{log}/"),
        Page("Aktører", "holder", "/aktorer/"),
        Page("Aktører search 'an'", "holder", "/aktorer/?q=an"),
        Page("actor picker 'an'", "holder", "/aktorer/sok/?q=an&picker=actor"),
        Page("upcoming meetings", "holder", "/moter/"),
        Page("past meetings", "holder", "/moter/?tidligere=1"),
        Page("Min side (leader)", "leader", "/"),
        Page("Min side (municipality)", ADMIN, "/"),
        Page("Statistikk (leader)", "leader", "/statistikk/"),
        Page("Statistikk (municipality)", ADMIN, "/statistikk/"),
        Page("Statistikk CSV (municipality)", ADMIN, "/statistikk/statistikk.csv"),
        # The operator's admin on a city's data: the whole audit trail, searched, and the
        # pages that once listed every person or named every object.
        Page("admin: audit trail", OPERATOR, "/admin/audit/auditevent/"),
        Page("admin: audit search", OPERATOR, "/admin/audit/auditevent/?q=log."),
        Page("admin: units", OPERATOR, "/admin/organisations/unit/"),
        Page(
            "admin: municipality",
            OPERATOR,
            f"/admin/organisations/municipality/{municipality.pk}/change/",
        ),
        Page("admin: delete a unit", OPERATOR, f"/admin/organisations/unit/{busiest or 0}/delete/"),
        Page(MIXED, "mix", "", mix=mixed_load(people)),
        # A staff person's password step: Argon2 is most of its cost.
        Page(LOGIN, "", "/konto/logg-inn/", method="POST", expected=302, form=login),
    ]


def _visible_logs(user: User, role: str, count: int) -> list[int]:
    logs = logs_visible_to(user, Role(role)).exclude(status=LogStatus.PASSIVE).order_by("pk")
    return list(logs.values_list("pk", flat=True)[:count])


def mixed_load(people: dict) -> list[Page]:
    """A day's mix, 100 requests in a fixed shuffled order: about half log pages (each
    persona's own logs in turn), Min side, lists, the actor pages, and 5 % writes (a
    personal note)."""

    def log_pages(persona: str, count: int) -> list[str]:
        return [f"/logger/{pk}/" for pk in _visible_logs(people[persona], persona, count)]

    wanted = [
        (22, "holder", log_pages("holder", 20)),
        (15, "actor", log_pages("actor", 20)),
        (10, "guardian", log_pages("guardian", 5)),
        (10, "holder", ["/"]),
        (5, "actor", ["/"]),
        (5, "guardian", ["/"]),
        (3, "leader", ["/"]),
        (12, "holder", ["/logger/"]),
        (5, "holder", ["/moter/"]),
        (2, "holder", ["/moter/?tidligere=1"]),
        (3, "holder", ["/aktorer/"]),
        (3, "holder", ["/aktorer/sok/?q=an&picker=actor"]),
    ]
    mix = []
    for count, persona, paths in wanted:
        mix += [Page(paths[i % len(paths)], persona, paths[i % len(paths)]) for i in range(count)]
    note = {"text": "Ring foresatte i morgen.\nOm møtet."}
    mix += [Page("/notater/ny/", "holder", "/notater/ny/", "POST", 302, note)] * 5
    random.Random(0).shuffle(mix)  # noqa: S311 - an order, not a secret
    return mix


def create_session(user: User, role: str) -> str:
    """A signed-in session as the login and the second factor leave it, made directly."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[ACTIVE_ROLE_SESSION_KEY] = role
    now = time.time()
    store[SIGNED_IN_AT] = now
    store[LAST_ACTIVITY] = now
    store.create()
    return store.session_key


def sessions(people: dict) -> dict[str, str]:
    return {role: create_session(user, role) for role, user in people.items()}
