"""Factories with no surprises: every object they make is valid and minimal."""

from typing import cast

import factory
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
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


def make_person(**fields) -> User:
    """A person (typed as the user model, which the factory is not)."""
    return cast(User, UserFactory(**fields))


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


def make_actor(unit, first_name: str, last_name: str, **fields):
    """A person who is an actor in `unit`."""
    user = UserFactory(first_name=first_name, last_name=last_name, **fields)
    MembershipFactory(user=user, unit=unit, role=Role.ACTOR)
    return user


def totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def current_totp(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (offset in time steps)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


# --- logs -----------------------------------------------------------------------------------

VALID_NATIONAL_ID = "15108695088"  # a valid test number (python-stdnum's own example)
# Case text no e-mail may ever carry (R-NOTIFY-01); tests/conftest.py scans every e-mail.
CONCERN_SENTINEL = "SENTINEL-OPPMERKSOMHET-7F3A"


def make_pdf(pages: int = 1) -> bytes:
    """A small real PDF, made with pypdf."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "samtykke.pdf", content: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content or make_pdf(), content_type="application/pdf")


def _category(model, municipality, name: str):
    """A category named in nb, nn and en as the default lists are (R-GEN-01)."""
    from organisations.services import CATEGORY_TRANSLATIONS

    nynorsk, english = CATEGORY_TRANSLATIONS.get(name, (name, name))
    return model.objects.get_or_create(
        municipality=municipality, name=name, defaults={"name_nn": nynorsk, "name_en": english}
    )[0]


def concern_category(municipality, name: str = "Språk og kommunikasjon"):
    from organisations.models import ConcernCategory

    return _category(ConcernCategory, municipality, name)


def measure_category(municipality, name: str = "Tilpasset opplæring"):
    from organisations.models import MeasureCategory

    return _category(MeasureCategory, municipality, name)


def child_data(**changes) -> dict:
    data = {
        "first_name": "Sara",
        "last_name": "Stafett",
        "national_id": VALID_NATIONAL_ID,
        "birth_date": None,
        "address": "Skoleveien 1",
        "postcode": "0150",
        "place": "Oslo",
        "email": "",
    }
    data.update(changes)
    return data


def guardian_data(**changes) -> dict:
    data = {
        "first_name": "Gunn",
        "last_name": "Foresatt",
        "phone": "912 34 567",
        "email": "gunn@example.no",
        "address": "Skoleveien 1",
        "postcode": "0150",
        "place": "Oslo",
    }
    data.update(changes)
    return data


def make_log(holder, unit, *, guardians: int = 1, level: int = 1, **child_changes):
    """A log made the way a holder makes one: through the service."""
    from logs.services import create_log

    return create_log(
        by=holder,
        unit=unit,
        child=child_data(**child_changes),
        guardians=[guardian_data(first_name=f"Foresatt{i}") for i in range(guardians)],
        level=level,
    )


def make_concern(log, *, actors=(), deadline=None, description="Bekymring for språket"):
    """A concern with its first measure, through the service.

    A `deadline` in the past is what a measure has once its deadline has passed: it is made
    with today's deadline (the service takes none in the past) and then aged.
    """
    from datetime import timedelta

    from django.utils import timezone

    from logs.models import Measure
    from logs.services import create_concern

    today = timezone.localdate()
    deadline = deadline or today + timedelta(days=30)
    municipality = log.unit.municipality
    concern = create_concern(
        log,
        by=log.holder,
        category=concern_category(municipality),
        description=description,
        goal="Bedre språk",
        child_voice="Jeg vil lese mer",
        measure={
            "category": measure_category(municipality),
            "description": "Lesegruppe to ganger i uka",
            "deadline": max(deadline, today),
            "actors": list(actors),
        },
    )
    if deadline < today:
        # Saved, not updated: the statistics follow saves (stats.receivers).
        for measure in Measure.objects.filter(concern=concern):
            measure.deadline = deadline
            measure.save(update_fields=["deadline"])
    return concern
