"""Factories with no surprises: every object they make is valid and minimal."""

import factory
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.enums import Role
from organisations.models import Membership, Municipality, Unit

PASSWORD = "riktig-hest-batteri-stift"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    first_name = factory.Sequence(lambda n: f"Fornavn{n}")
    last_name = factory.Sequence(lambda n: f"Etternavn{n}")
    password = factory.django.Password(PASSWORD)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Kommune {n}")
    org_number = factory.Sequence(lambda n: f"{900000000 + n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.HOLDER


def totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def current_totp(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (offset in time steps)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"
