"""State changes of a person's own account, and how new people get in (activation)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_stubs_ext import StrOrPromise

from accounts.enums import Language
from accounts.models import ActivationToken, User
from audit.services import record
from common.errors import ReadOnlyError
from notifications.enums import Kind
from notifications.services import queue_email


@transaction.atomic
def update_settings(user, *, by, request=None, **fields) -> list[str]:
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
def set_language(user, *, language: str, request=None) -> None:
    """Remember the chosen language for the next login as well."""
    update_settings(user, by=user, request=request, language=language)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device shown during enrolment, created once and reused."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(user, *, device: TOTPDevice, token: str, request=None) -> bool:
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


def verify_second_factor(user, *, token: str, request=None) -> tuple[TOTPDevice | None, str]:
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
def issue_activation(*, channel: str, user=None, guardian=None, by=None) -> IssuedActivation:
    """A new single-use activation token for `user` and/or `guardian`, valid 7 days.

    A new letter for a guardian makes their earlier letters worthless. Side effect: an audit
    event (without the secrets).
    """
    if user is None and guardian is None:
        raise ValueError("An activation token needs a user or a guardian.")
    now = timezone.now()
    if channel == ActivationToken.Channel.LETTER and guardian is not None:
        ActivationToken.objects.filter(
            guardian=guardian,
            channel=ActivationToken.Channel.LETTER,
            used_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
    link_token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    token = ActivationToken.objects.create(
        channel=channel,
        user=user,
        guardian=guardian,
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


def record_activation_refused(*, reason: str, channel: str, request=None, token=None) -> None:
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
def activate(token: ActivationToken, *, password: str, email: str = "", request=None) -> User:
    """Use an activation token: set the password (Django's validators), create the login of a
    guardian who has none (with the e-mail they chose) and link it to the guardian.

    Raises ValidationError: code "used"/"expired" for the token, or keyed by "email" and
    "password1". Side effects: the token is used and the person's other open tokens revoked;
    audit events account.activated (and user.registered, guardian.linked).
    """
    from logs.services import link_guardian_login

    token = ActivationToken.objects.select_for_update().get(pk=token.pk)
    problem = token.problem()
    if problem:
        raise ValidationError(problem, code=problem)
    guardian = token.guardian
    user = token.user or (guardian.user if guardian is not None else None)
    errors: dict[str, list] = {}
    created = user is None
    if created:
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
    if guardian is not None and guardian.user_id != user.pk:
        link_guardian_login(guardian, user=user, by=user)
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
def revoke_activations(user, *, reason: str, by=None) -> int:
    """Close every open activation link or letter code of the person, e.g. once they have
    set a password another way (a forgotten letter must not stay a way in). `by` is who
    did it, when not the person themself."""
    from logs.models import Guardian

    now = timezone.now()
    open_tokens = ActivationToken.objects.filter(used_at__isnull=True, revoked_at__isnull=True)
    guardians = Guardian.objects.filter(user=user).values("pk")
    count = open_tokens.filter(user=user).update(revoked_at=now)
    count += open_tokens.filter(guardian__in=guardians).update(revoked_at=now)
    if count:
        record(
            actor=by or user, action="account.activations_revoked", obj=user, data={"why": reason}
        )
    return count


@transaction.atomic
def send_activation_email(user, *, by=None) -> None:
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


def has_open_activation(user) -> bool:
    return ActivationToken.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


@transaction.atomic
def invite_guardian(guardian, *, by) -> None:
    """Give a guardian with an e-mail address a login and e-mail the invitation (R-LOG-04).

    The person with that address is reused; otherwise a user without a usable password is
    created. Either way the guardian record is linked to it. Someone who can already log in
    gets a notice with a link; anyone else an activation link (7 days, single use). A login
    linked earlier but never activated is unlinked, and its invitation revoked, when the
    address has changed or been removed (it may have gone to the wrong person).
    Side effects: the user, the link (audited; the log's history shows it when the
    guardian activates), the token, the queued e-mail.
    """
    email = (guardian.email or "").strip().lower()
    person = User.objects.filter(email__iexact=email).first() if email else None
    if guardian.user_id is not None and guardian.user_id != getattr(person, "pk", None):
        if guardian.user.has_usable_password():
            return  # An activated login stays; the person keeps their own address current.
        guardian.user = None
        guardian.save(update_fields=["user"])
        guardian.activation_tokens.filter(used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(actor=by, action="guardian.unlinked", obj=guardian, log_id=guardian.log_id)
    if not email:
        return
    if person is None:
        person = User.objects.create_user(
            email, first_name=guardian.first_name, last_name=guardian.last_name
        )
        record(actor=by, action="user.registered", obj=person, data={"via": "guardian"})
    if not person.is_active:
        return
    # Someone who can already log in is linked only when they confirm, logged in, from the
    # e-mail: a mistyped address must not open a child's log to a stranger.
    confirm = person.has_usable_password()
    if not confirm and guardian.user_id != person.pk:
        guardian.user = person
        guardian.save(update_fields=["user"])
        record(actor=by, action="guardian.linked", obj=guardian, log_id=guardian.log_id)
    issued = issue_activation(
        channel=ActivationToken.Channel.EMAIL, user=person, guardian=guardian, by=by
    )
    context = {
        "municipality": guardian.log.unit.municipality.name,
        "link": issued.url,
        "valid_days": ACTIVATION_VALID_FOR.days,
        "confirm": confirm,
    }
    queue_email(
        kind=Kind.GUARDIAN_INVITATION,
        to=person.email,
        template="notifications/email/guardian_invitation",
        context=context,
        user=person,
    )


def is_confirmation(token: ActivationToken) -> bool:
    """A link asking a person who already has a login to confirm that they are a guardian."""
    return bool(token.guardian_id and token.user_id and token.user.has_usable_password())


@transaction.atomic
def confirm_guardianship(token: ActivationToken, *, by, request=None):
    """The invited person, logged in, confirms they are this guardian (R-LOG-04, R-GUAR-02).

    Side effects: the guardian is linked to their login (history, audit); the token is used.
    """
    from logs.services import link_guardian_login

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
    link_guardian_login(token.guardian, user=by, by=by)
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    record(
        actor=by,
        action="guardian.confirmed",
        obj=token.guardian,
        request=request,
        log_id=token.guardian.log_id,
    )
    return token.guardian


@transaction.atomic
def issue_guardian_letter(guardian, *, by) -> IssuedActivation:
    """*Skriv ut invitasjon*: a code for a printed letter to a guardian (R-LOG-04, R-GUAR-02).

    Only the log's holder, on an active log, and only while the guardian cannot log in yet.
    A new letter makes the previous code worthless. Side effects: the token; audit.
    """
    from logs.enums import LogStatus
    from logs.models import Guardian

    # Locked, so that two letters printed at once cannot leave two valid codes.
    guardian = (
        Guardian.objects.select_for_update(of=("self",))
        .select_related("log", "user")
        .get(pk=guardian.pk)
    )
    if guardian.log.holder_id != by.pk or guardian.log.status != LogStatus.ACTIVE:
        raise ReadOnlyError(_("Bare stafettholderen kan skrive ut invitasjoner."))
    if guardian.user is not None and guardian.user.has_usable_password():
        raise ValidationError(
            _("%(name)s har allerede en innlogging.") % {"name": guardian.first_name},
            code="has_login",
        )
    issued = issue_activation(
        channel=ActivationToken.Channel.LETTER, user=guardian.user, guardian=guardian, by=by
    )
    record(
        actor=by,
        action="guardian.invitation_printed",
        obj=guardian,
        log_id=guardian.log_id,
    )
    return issued


LOGIN_CHANGES = ("email", "password", "national_id", "reactivated")


def tell_about_login_change(user, *, change: str, to: str = "") -> None:
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


@transaction.atomic
def record_password_set(user, *, by) -> None:
    """An operator has set (or removed) someone's password in the admin (R-SEC-07).

    Side effects: the person is told at their login address; their open activation links
    are closed (the operator's password replaces them); audit user.password_set.
    """
    revoke_activations(user, reason="password_set", by=by)
    tell_about_login_change(user, change="password")
    record(actor=by, action="user.password_set", obj=user)
