"""Who a provider's answer is, and the login that follows (R-SEC-02, R-SEC-08).

A person is matched on the national ID number (`pid`) already registered on their account,
or, for the municipality's provider, on the stable identifier kept from their first login
(first found by the e-mail address of an account in that municipality): exactly one person
or nobody. The number itself is never written anywhere by this module: not in the audit
trail, not in a link, not in the session.
"""

import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from logs.services import GuardianConflict, link_guardians_by_national_id
from oidc.models import AuthMethod, EmployeeProvider, MatchOn, ProviderDevice, ProviderLink
from oidc.protocol import Provider
from organisations.queries import people_in
from organisations.services import administered_municipalities

IDPORTEN = "idporten"
EMPLOYEE_PREFIX = "employee-"
IDPORTEN_LEVELS = frozenset({"idporten-loa-substantial", "idporten-loa-high"})
# RFC 8176 methods that are a second factor, or more than one factor, by themselves.
SECOND_FACTOR_AMR = frozenset({"mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "sc", "mca"})
_PID = re.compile(r"^[0-9]{11}$")


class NotMatched(Exception):
    """The provider's answer names nobody who may sign in; `reason` is for the audit trail
    and picks the page: unknown, ambiguous, conflict, inactive, no_claim."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def idporten() -> Provider | None:
    """ID-porten as this installation is registered with it, or None when it is not."""
    if not settings.STAFETT_IDPORTEN_ISSUER:
        return None
    return Provider(
        key=IDPORTEN,
        method=IDPORTEN,
        issuer=settings.STAFETT_IDPORTEN_ISSUER,
        client_id=settings.STAFETT_IDPORTEN_CLIENT_ID,
        auth_method=settings.STAFETT_IDPORTEN_AUTH_METHOD,
        client_secret=settings.STAFETT_IDPORTEN_CLIENT_SECRET,
        private_key=settings.STAFETT_IDPORTEN_PRIVATE_KEY,
        scope="openid profile",
        acr_values=settings.STAFETT_IDPORTEN_ACR,
        strong_acr=IDPORTEN_LEVELS,
        claim="pid",
        match_on="national_id",
    )


def _employee(config: EmployeeProvider) -> Provider:
    return Provider(
        key=f"{EMPLOYEE_PREFIX}{config.pk}",
        method="employee_idp",
        issuer=config.issuer,
        client_id=config.client_id,
        auth_method=config.auth_method or AuthMethod.CLIENT_SECRET_BASIC,
        client_secret=config.client_secret,
        private_key=config.private_key,
        scope=config.scope,
        claim=config.claim,
        match_on=config.match_on,
    )


def provider_by_key(key: str) -> Provider | None:
    if key == IDPORTEN:
        return idporten()
    if not key.startswith(EMPLOYEE_PREFIX) or not key[len(EMPLOYEE_PREFIX) :].isdigit():
        return None
    config = EmployeeProvider.objects.filter(
        pk=int(key[len(EMPLOYEE_PREFIX) :]), enabled=True
    ).first()
    return _employee(config) if config is not None else None


def employee_buttons() -> list[dict[str, str]]:
    """The municipalities' providers for the login page: key and button text."""
    configs = EmployeeProvider.objects.filter(enabled=True).order_by("municipality__name")
    return [{"key": f"{EMPLOYEE_PREFIX}{c.pk}", "name": c.name} for c in configs]


def _municipality_of(provider: Provider) -> int:
    pk = int(provider.key[len(EMPLOYEE_PREFIX) :])
    return EmployeeProvider.objects.values_list("municipality_id", flat=True).get(pk=pk)


def match_person(provider: Provider, claims: dict[str, Any]) -> User:
    """The one person the provider's answer names, or NotMatched. For ID-porten, a guardian
    registered with the number is linked here, and gets a login at the first time
    (logs.services.link_guardians_by_national_id); records of another login: "conflict"."""
    if provider.match_on == "national_id":
        pid = claims.get("pid")
        if not isinstance(pid, str) or not _PID.match(pid):
            raise NotMatched("no_claim")
        candidates = _national_id_candidates(pid)
    else:
        candidates = _employee_candidates(provider, claims)
    if not candidates:
        raise NotMatched("unknown")
    if len(candidates) > 1:
        raise NotMatched("ambiguous")
    person = candidates[0]
    if not person.is_active:
        raise NotMatched("inactive")
    return person


def _national_id_candidates(pid: str) -> list[User]:
    """The login with the number, after the guardian records a holder registered with it are
    linked to it; or the login made for the guardian at their first login (R-SEC-02)."""
    candidates = list(User.objects.filter(national_id=pid)[:2])
    if len(candidates) > 1:
        return candidates
    try:
        person = link_guardians_by_national_id(pid, person=candidates[0] if candidates else None)
    except GuardianConflict:
        raise NotMatched("conflict") from None
    return [person] if person is not None else []


def _employee_candidates(provider: Provider, claims: dict[str, Any]) -> list[User]:
    subject = claims.get("sub")
    linked = list(
        User.objects.filter(provider_links__provider=provider.key, provider_links__subject=subject)[
            :2
        ]
    )
    if linked or provider.match_on == MatchOn.SUBJECT:
        return linked
    value = claims.get(provider.claim)
    if not isinstance(value, str) or "@" not in value:
        raise NotMatched("no_claim")
    # Only accounts of this municipality, and none already linked to another identifier
    # here: a recycled address at the provider must not inherit a former employee's account.
    people = people_in([_municipality_of(provider)]).filter(email__iexact=value.strip())
    return list(people.exclude(provider_links__provider=provider.key)[:2])


def second_factor_used(provider: Provider, claims: dict[str, Any]) -> bool:
    """Whether the provider says the person used more than a password: ID-porten's levels
    (substantial and high are two-factor) or `amr` (RFC 8176)."""
    if claims.get("acr") in provider.strong_acr:
        return True
    amr = claims.get("amr")
    return isinstance(amr, list) and bool(SECOND_FACTOR_AMR & {str(m) for m in amr})


def accept_login(
    provider: Provider, claims: dict[str, Any], *, request: HttpRequest
) -> tuple[User, ProviderDevice | None]:
    """Match the person, keep their stable identifier at the provider, and return them with
    the provider's second factor when it vouched for one. Refusals are audited (without the
    number; outside any transaction, so that the refusal stays) and raised as NotMatched; the
    login itself is audited by the signal."""
    try:
        person = match_person(provider, claims)
    except NotMatched as refusal:
        record(
            action="auth.oidc_refused",
            request=request,
            data={"method": provider.method, "reason": refusal.reason},
        )
        raise
    return _link(provider, claims, person)


@transaction.atomic
def _link(
    provider: Provider, claims: dict[str, Any], person: User
) -> tuple[User, ProviderDevice | None]:
    # The number is what counts for ID-porten: moved to another account by an administrator,
    # the identifier follows it.
    ProviderLink.objects.filter(provider=provider.key, subject=str(claims["sub"])).exclude(
        user=person
    ).delete()
    ProviderLink.objects.update_or_create(
        provider=provider.key,
        user=person,
        defaults={"subject": str(claims["sub"]), "last_login_at": timezone.now()},
    )
    device = None
    if second_factor_used(provider, claims):
        device, _created = ProviderDevice.objects.get_or_create(
            user=person, provider=provider.key, defaults={"name": provider.key, "confirmed": True}
        )
    return person, device


def refuse(provider: Provider | None, reason: str, *, request: HttpRequest) -> None:
    """Audit a callback that failed a check (state, code, token): the reason, never claims."""
    record(
        action="auth.oidc_refused",
        request=request,
        data={"method": provider.method if provider else "", "reason": reason},
    )


def login_options(sender: object, *, request: HttpRequest, **kwargs: Any) -> list[dict[str, Any]]:
    """The login page's buttons: ID-porten first, then each municipality's provider for its
    employees (accounts.signals.login_options)."""
    next_url = request.GET.get("next", "")
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    options: list[dict[str, Any]] = []
    if idporten() is not None:
        url = reverse("oidc:start", kwargs={"provider": IDPORTEN})
        options.append({"url": url + query, "label": _("Logg inn med ID-porten"), "primary": True})
    for button in employee_buttons():
        url = reverse("oidc:start", kwargs={"provider": button["key"]})
        label = _("%(name)s (for ansatte)") % {"name": button["name"]}
        options.append({"url": url + query, "label": label, "primary": False})
    return options


@transaction.atomic
def save_provider(config: EmployeeProvider, *, by: User, created: bool) -> EmployeeProvider:
    """Save a municipality's provider for employees (admin). Refused unless `by` administers
    the municipality, as stored and as posted (R-SEC-07). Audited without the secrets."""
    allowed = administered_municipalities(by)
    touched = {config.municipality_id}
    if config.pk is not None:
        touched.add(EmployeeProvider.objects.get(pk=config.pk).municipality_id)
    if allowed is not None and not touched <= allowed:
        raise PermissionDenied
    config.full_clean()
    config.save()
    action = "employee_provider.created" if created else "employee_provider.changed"
    record(actor=by, action=action, obj=config, data={"issuer": config.issuer})
    return config
