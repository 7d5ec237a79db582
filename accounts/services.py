"""State changes of a person's own account."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import record


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
