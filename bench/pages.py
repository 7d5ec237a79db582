"""The pages the benchmark measures, the personas who ask for them, and their sessions."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db.models import Count
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from bench.scales import BENCH_PASSWORD, PERSONAS
from logs.models import Log
from organisations.queries import ACTIVE_ROLE_SESSION_KEY

BARE = "fortunes"
LOGIN = "login"


@dataclass
class Page:
    name: str
    persona: str  # "" for the signed-out bare page and the login
    path: str
    method: str = "GET"
    expected: int = 200


def heavy_log_id(holder) -> int:
    """The persona holder's biggest log (bench.plan gives them a heavy one)."""
    return (
        Log.objects.filter(holder=holder)
        .annotate(n=Count("concerns"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def personas() -> dict:
    found = {u.email: u for u in get_user_model().objects.filter(email__in=PERSONAS.values())}
    missing = [email for email in PERSONAS.values() if email not in found]
    if missing:
        raise LookupError(f"No benchmark data: {missing} missing. Run generate_data first.")
    return {role: found[email] for role, email in PERSONAS.items()}


def pages(people: dict) -> list[Page]:
    log = heavy_log_id(people["holder"])
    return [
        Page(BARE, "", "/bench/fortunes/"),
        Page("Min side (holder)", "holder", "/"),
        Page("Mine stafettbarn", "holder", "/logger/"),
        Page("log page (holder)", "holder", f"/logger/{log}/"),
        Page("log page (actor)", "actor", f"/logger/{log}/"),
        Page("log page (guardian)", "guardian", f"/logger/{log}/"),
        Page("Aktører", "holder", "/aktorer/"),
        Page("Aktører search 'an'", "holder", "/aktorer/?q=an"),
        Page("actor picker 'an'", "holder", "/aktorer/sok/?q=an&picker=actor"),
        Page("past meetings", "holder", "/moter/?tidligere=1"),
        Page("Min side (leader)", "leader", "/"),
        Page(LOGIN, "", "/konto/logg-inn/", method="POST", expected=302),
    ]


def login_form(people: dict) -> dict:
    """A staff person's password step: Argon2 is most of its cost."""
    return {"username": people["holder"].email, "password": BENCH_PASSWORD}


def create_session(user, role: str) -> str:
    """A signed-in session as the login and the second factor leave it, made directly."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
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
