"""State changes of a person's own account, and how new people get in (activation)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_stubs_ext import StrOrPromise

from accounts import signals
from accounts.enums import Language
from accounts.models import ActivationToken, User
from audit.services import record
from notifications.enums import Kind
from notifications.services import queue_email


@transaction.atomic
def update_settings(
    user: User, *, by: User, request: HttpRequest | None = None, **fields: Any
) -> list[str]:
    """Save own contact information and language (R-GEN-01).

    Returns the names of the fields that changed. Side effect: an audit event naming the
    changed fields (never their values).
    """
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.full_clean()
        user.save(update_fields=changed)
        record(
            actor=by,
            action="account.settings_changed",
            obj=user,
            request=request,
            data={"fields": changed},
        )
    return changed


@transaction.atomic
def set_language(user: User, *, language: str, request: HttpRequest | None = None) -> None:
    """Remember the chosen language for the next login as well."""
    update_settings(user, by=user, request=request, language=language)


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device shown during enrolment, created once and reused."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(
    user: User, *, device: TOTPDevice, token: str, request: HttpRequest | None = None
) -> bool:
    """Finish enrolment when the code from the app is right.

    Side effects: the device becomes the user's only confirmed TOTP device; an audit event.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    allowed, _info = device.verify_is_allowed()
    if not allowed or not device.verify_token(token):
        record(actor=user, action="auth.2fa_failed", obj=user, request=request)
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="auth.2fa_enrolled", obj=user, request=request)
    return True


def verify_second_factor(
    user: User, *, token: str, request: HttpRequest | None = None
) -> tuple[TOTPDevice | None, str]:
    """Check a login code. Returns (device, "") or (None, reason) with reason
    "throttled" or "invalid". Reused codes are invalid (the device remembers the last step).
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return None, "invalid"
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            record(actor=user, action="auth.2fa_throttled", obj=user, request=request)
            return None, "throttled"
        if device.verify_token(token):
            return device, ""
        record(actor=user, action="auth.2fa_failed", obj=user, request=request)
        return None, "invalid"


# --- activation (R-GUAR-02, R-LEAD-01, R-LOG-04) ---------------------------------------------

ACTIVATION_VALID_FOR = timedelta(days=7)
# The letter's code: RFC 4648 base32 letters, 28 of them = 140 bits, printed in groups of 4.
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CODE_LENGTH = 28
# Digits a person may type for the letters they look like; the alphabet has no 0, 1 or 8.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(value: str) -> str:
    """The code as stored (hashed): capitals, no spaces or dashes, look-alike digits fixed."""
    value = (value or "").upper().translate(_LOOKALIKES)
    return "".join(c for c in value if c in CODE_ALPHABET)


def format_code(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


class Invitee(Protocol):
    """A guardian as accounts sees one: logs.Guardian, which accounts never imports."""

    @property
    def pk(self) -> Any: ...

    @property
    def log_id(self) -> int: ...


@dataclass(frozen=True)
class IssuedActivation:
    """A new token with its secrets in plain text: shown once (e-mail, letter), never stored."""

    token: ActivationToken
    link_token: str
    code: str

    @property
    def url(self) -> str:
        return settings.STAFETT_SITE_URL + reverse("accounts:activate", args=[self.link_token])

    @property
    def printable_code(self) -> str:
        return format_code(self.code)


@transaction.atomic
def issue_activation(
    *,
    channel: str,
    user: User | None = None,
    guardian: Invitee | None = None,
    by: User | None = None,
) -> IssuedActivation:
    """A new single-use activation token for `user` and/or `guardian`, valid 7 days.

    A new letter for a guardian makes their earlier letters worthless. Side effect: an audit
    event (without the secrets).
    """
    if user is None and guardian is None:
        raise ValueError("An activation token needs a user or a guardian.")
    now = timezone.now()
    if channel == ActivationToken.Channel.LETTER and guardian is not None:
        ActivationToken.objects.filter(
            guardian_id=guardian.pk,
            channel=ActivationToken.Channel.LETTER,
            used_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
    link_token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    token = ActivationToken.objects.create(
        channel=channel,
        user=user,
        guardian_id=guardian.pk if guardian is not None else None,
        token_hash=_hash(link_token),
        code_hash=_hash(code),
        created_by=by,
        created_at=now,
        expires_at=now + ACTIVATION_VALID_FOR,
    )
    record(
        actor=by,
        action="activation.issued",
        obj=token,
        log_id=guardian.log_id if guardian is not None else None,
        data={"channel": channel, "user": user.pk if user else None},
    )
    return IssuedActivation(token=token, link_token=link_token, code=code)


def find_activation(*, link: str = "", code: str = "") -> tuple[ActivationToken | None, str]:
    """The token behind a link or a typed code, and what is wrong with it:
    "" (usable), "unknown", "used" or "expired"."""
    if link:
        token = ActivationToken.objects.filter(token_hash=_hash(link)).first()
    else:
        normalised = normalise_code(code)
        token = (
            ActivationToken.objects.filter(code_hash=_hash(normalised)).first()
            if len(normalised) == CODE_LENGTH
            else None
        )
    if token is None:
        return None, "unknown"
    return token, token.problem()


def record_activation_refused(
    *,
    reason: str,
    channel: str,
    request: HttpRequest | None = None,
    token: ActivationToken | None = None,
) -> None:
    record(
        action="activation.refused",
        obj=token,
        request=request,
        data={"reason": reason, "channel": channel},
    )


def needs_email(token: ActivationToken) -> bool:
    """A guardian with no login yet chooses the e-mail address they will log in with."""
    return token.user_id is None and (token.guardian is None or token.guardian.user_id is None)


@transaction.atomic
def activate(
    token: ActivationToken, *, password: str, email: str = "", request: HttpRequest | None = None
) -> User:
    """Use an activation token: set the password (Django's validators), create the login of a
    guardian who has none (with the e-mail they chose) and link it to the guardian.

    Raises ValidationError: code "used"/"expired" for the token, or keyed by "email" and
    "password1". Side effects: the token is used and the person's other open tokens revoked;
    audit events account.activated (and user.registered); signals.activated, whose receiver
    in logs links a guardian's login (guardian.linked).
    """
    token = ActivationToken.objects.select_for_update().get(pk=token.pk)
    problem = token.problem()
    if problem:
        raise ValidationError(problem, code=problem)
    guardian = token.guardian
    user = token.user or (guardian.user if guardian is not None else None)
    errors: dict[str, list[str]] = {}
    created = user is None
    if user is None:
        if guardian is None:
            raise ValueError("A token without a user is a guardian's (ActivationToken.Meta).")
        email = (email or "").strip().lower()
        if not email:
            errors["email"] = [_("Skriv e-postadressen du vil logge inn med.")]
        elif User.objects.filter(email__iexact=email).exists():
            errors["email"] = [
                _(
                    "Denne e-postadressen er allerede i bruk. Velg en annen, eller be "
                    "stafettholderen legge inn e-postadressen din på loggen."
                )
            ]
        language = translation.get_language() or settings.LANGUAGE_CODE
        user = User(
            email=email,
            first_name=guardian.first_name,
            last_name=guardian.last_name,
            phone=guardian.phone,
            language=language if language in Language.values else Language.NB,
        )
    elif not user.is_active:
        raise ValidationError(_("Denne brukeren er deaktivert."), code="inactive")
    elif user.has_usable_password():
        # A letter or link must never replace a password the person has already chosen.
        raise ValidationError(problem or "used", code="used")
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password1"] = error.messages
    if created and "email" not in errors:
        try:
            user.full_clean(exclude=["password", "national_id"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field if field == "email" else "__all__", messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    if created:
        record(actor=user, action="user.registered", obj=user, data={"via": "activation"})
    # A guardian's token: logs links the login to the guardian (R-GUAR-02).
    signals.activated.send(sender=ActivationToken, token=token, user=user)
    now = timezone.now()
    token.used_at = now
    token.user = user
    token.save(update_fields=["used_at", "user"])
    others = ActivationToken.objects.filter(used_at__isnull=True, revoked_at__isnull=True)
    if guardian is not None:
        others.filter(guardian=guardian).update(revoked_at=now)
    others.filter(user=user).update(revoked_at=now)
    record(
        actor=user,
        action="account.activated",
        obj=user,
        request=request,
        log_id=guardian.log_id if guardian is not None else None,
        data={"channel": token.channel},
    )
    return user


@transaction.atomic
def revoke_activations(user: User, *, reason: str, by: User | None = None) -> int:
    """Close every open activation link or letter code of the person, e.g. once they have
    set a password another way (a forgotten letter must not stay a way in). `by` is who
    did it, when not the person themself."""
    now = timezone.now()
    open_tokens = ActivationToken.objects.filter(used_at__isnull=True, revoked_at__isnull=True)
    count = open_tokens.filter(user=user).update(revoked_at=now)
    count += open_tokens.filter(guardian__user=user).update(revoked_at=now)
    if count:
        record(
            actor=by or user, action="account.activations_revoked", obj=user, data={"why": reason}
        )
    return count


@transaction.atomic
def send_activation_email(user: User, *, by: User | None = None) -> None:
    """E-mail a new staff user (holder, actor, leader) a link to set their password
    (R-LEAD-01). Side effects: an activation token; the e-mail queued in this transaction."""
    issued = issue_activation(channel=ActivationToken.Channel.EMAIL, user=user, by=by)
    queue_email(
        kind=Kind.ACTIVATION,
        to=user.email,
        template="notifications/email/activation",
        context={"link": issued.url, "valid_days": ACTIVATION_VALID_FOR.days},
        user=user,
    )


def has_open_activation(user: User) -> bool:
    return ActivationToken.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


def is_confirmation(token: ActivationToken) -> bool:
    """A link asking a person who already has a login to confirm that they are a guardian."""
    return bool(token.guardian_id and token.user is not None and token.user.has_usable_password())


@transaction.atomic
def confirm_invitation(
    token: ActivationToken, *, by: User, request: HttpRequest | None = None
) -> ActivationToken:
    """The invited person, logged in, confirms the invitation sent to them (R-LOG-04,
    R-GUAR-02): what it is for is done by the receivers of signals.invitation_confirmed
    (a guardian's, in logs).

    Raises ValidationError with the token's problem, or "unknown" when the token is not a
    confirmation for `by`. Side effects: the receivers'; the token is used.
    """
    token = (
        ActivationToken.objects.select_for_update(of=("self",))
        .select_related("guardian")
        .get(pk=token.pk)
    )
    problem = token.problem()
    if problem:
        raise ValidationError(problem, code=problem)
    if token.user_id != by.pk or token.guardian_id is None:
        raise ValidationError("unknown", code="unknown")
    signals.invitation_confirmed.send(sender=ActivationToken, token=token, by=by, request=request)
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    return token


LOGIN_CHANGES = ("email", "password", "national_id", "reactivated")


def tell_about_login_change(user: User, *, change: str, to: str = "") -> None:
    """Tell the person at their login address (or `to`, the old one) that someone else
    changed their way in (R-SEC-07): they are the one who can tell if it was not agreed.

    Callers run it inside the transaction of the change. Side effect: the queued e-mail.
    """
    if change not in LOGIN_CHANGES:
        raise ValueError(f"Unknown login change: {change}")
    queue_email(
        kind=Kind.ACCOUNT_CHANGED,
        to=to or user.email,
        template="notifications/email/account_changed",
        context={"change": change, "login_url": reverse(settings.LOGIN_URL)},
        user=user,
    )


def tell_about_new_role(user: User, *, role_label: StrOrPromise, unit_name: str) -> None:
    """Tell a person who can already log in that someone gave them a role (R-SEC-07): a
    role reaches children's logs, so they should know, and say so if it was not agreed.

    Callers run it inside the transaction of the change. Side effect: the queued e-mail.
    """
    queue_email(
        kind=Kind.ACCOUNT_CHANGED,
        to=user.email,
        template="notifications/email/account_changed",
        context={
            "change": "role",
            "role": role_label,
            "unit": unit_name,
            "login_url": reverse(settings.LOGIN_URL),
        },
        user=user,
    )


# How a password came to be set, for change_password.
PASSWORD_REASONS = ("password_changed", "password_reset", "password_set")


@transaction.atomic
def change_password(
    user: User,
    *,
    by: User,
    password: str | None,
    reason: str,
    request: HttpRequest | None = None,
) -> None:
    """Set a person's password (None: remove it), the one way every page sets one (R-SEC-07).

    `reason`: "password_changed" (the person, logged in), "password_reset" (through «Glemt
    passord»), "password_set" (an operator, in the admin). The caller has validated the
    password. Side effects, all in this transaction: the person's open activation links and
    letter codes are closed (a forgotten letter must not stay a way in); audit
    account.password_changed, or, set by someone else, user.password_set and the person is
    told at their login address.
    """
    if reason not in PASSWORD_REASONS:
        raise ValueError(f"Unknown reason for a password change: {reason}")
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    revoke_activations(user, reason=reason, by=by)
    if by.pk == user.pk:
        record(
            actor=by,
            action="account.password_changed",
            obj=user,
            request=request,
            data={"via": reason},
        )
        return
    tell_about_login_change(user, change="password")
    record(actor=by, action="user.password_set", obj=user, request=request)


@transaction.atomic
def end_sessions(user: User, *, by: User | None = None) -> int:
    """Sign the person out everywhere, at once (R-LEAD-01): every live session of theirs is
    deleted, from the database and, with Redis (cached_db), from the cache as well.

    Sessions carry no column naming their person, so the live ones are read and decoded;
    they last at most STAFETT_SESSION_MAX_AGE, which keeps them few. A deactivated person
    is refused by the sign-in backend on their next request anyway (is_active); this makes
    sure nothing of theirs stays behind. Side effect: audit account.sessions_ended.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return 0  # sessions not kept in the database: the backend's is_active check alone
    live = store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
    reader = store_class()
    ended = 0
    for key, data in live.values_list("session_key", "session_data").iterator():
        if reader.decode(data).get(SESSION_KEY) == str(user.pk):
            store_class(session_key=key).delete()
            ended += 1
    if ended:
        record(actor=by or user, action="account.sessions_ended", obj=user, data={"count": ended})
    return ended
