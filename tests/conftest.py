"""Persona fixtures (architecture.md): each test states who acts, and who must not see."""

import pytest

from organisations.enums import Role
from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _bokmal_unless_asked():
    """Each test starts in bokmål: a request in another language must not leak into the next
    test through the thread's active language."""
    from django.utils import translation

    translation.activate("nb")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: on SQLite a rolled-back test's ids come again,
    and a log page's sections kept under them (logs.page_cache) must not show in the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_and_predictable(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STAFETT_REQUIRE_2FA = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _no_sensitive_content_in_any_email():
    """Every e-mail queued anywhere in the suite is scanned: no national ID number and no
    sentinel case text in its subject or body (R-NOTIFY-01, R-SEC-03)."""
    from django.db.models.signals import post_save

    from notifications.models import OutgoingEmail
    from tests.factories import CONCERN_SENTINEL, VALID_NATIONAL_ID

    queued: list[str] = []

    def collect(sender, instance, created, **kwargs):
        if created:
            queued.append(f"{instance.subject}\n{instance.body}\n{instance.attachment}")

    uid = "tests-scan-every-email"
    post_save.connect(collect, sender=OutgoingEmail, weak=False, dispatch_uid=uid)
    yield
    post_save.disconnect(sender=OutgoingEmail, dispatch_uid=uid)
    leaks = [text for text in queued if VALID_NATIONAL_ID in text or CONCERN_SENTINEL in text]
    assert not leaks, f"Sensitive content in a queued e-mail: {leaks[:1]}"


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Testkommune")


@pytest.fixture
def unit(municipality):
    return UnitFactory(municipality=municipality, name="Testskolen")


@pytest.fixture
def other_unit(municipality):
    return UnitFactory(municipality=municipality, name="Testbarnehagen")


def _member(unit, role, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def holder(unit):
    return _member(unit, Role.HOLDER, first_name="Hanne", last_name="Holder")


@pytest.fixture
def other_holder(unit):
    return _member(unit, Role.HOLDER, first_name="Ola", last_name="Annen")


@pytest.fixture
def holder_other_unit(other_unit):
    return _member(other_unit, Role.HOLDER, first_name="Berit", last_name="Barnehage")


@pytest.fixture
def leader(unit):
    return _member(unit, Role.LEADER, first_name="Lena", last_name="Leder")


@pytest.fixture
def actor(unit):
    return _member(unit, Role.ACTOR, first_name="Anders", last_name="Aktør")


@pytest.fixture
def outsider(db):
    """A holder in another municipality."""
    other_unit = UnitFactory(municipality=MunicipalityFactory(name="Annen kommune"))
    return _member(other_unit, Role.HOLDER, first_name="Ute", last_name="Utenfor")


@pytest.fixture
def multi_role_user(unit):
    user = _member(unit, Role.LEADER, first_name="Mona", last_name="Mange")
    MembershipFactory(user=user, unit=unit, role=Role.HOLDER)
    return user


@pytest.fixture
def actor_other_unit(other_unit):
    return _member(other_unit, Role.ACTOR, first_name="Petra", last_name="PPT")


@pytest.fixture
def log(holder, unit):
    """An active level-1 log held by `holder`, with one guardian."""
    from tests.factories import make_log

    return make_log(holder, unit)


@pytest.fixture
def guardian_user(log):
    """A guardian of `log` with a login."""
    guardian = log.guardians.first()
    user = UserFactory(first_name="Gunn", last_name="Foresatt")
    guardian.user = user
    guardian.save()
    return user


@pytest.fixture
def actor_other_municipality(db):
    """An actor in a unit of another municipality: never attachable, never found."""
    far_unit = UnitFactory(
        municipality=MunicipalityFactory(name="Fjern kommune"), name="Fjernskolen"
    )
    return _member(far_unit, Role.ACTOR, first_name="Anne", last_name="Fjern")


@pytest.fixture
def municipality_admin(municipality):
    """The municipality's administrator (R-ROLE-02): staff, in the administrator group, with
    no role of their own in any unit."""
    from organisations.services import ensure_admin_group

    admin = UserFactory(first_name="Kari", last_name="Kommuneadmin", is_staff=True)
    admin.groups.add(ensure_admin_group())
    municipality.administrators.add(admin)
    return admin


@pytest.fixture
def operator(db):
    """An operator of the service (a superuser): the whole admin, the audit trail."""
    return UserFactory(first_name="Ola", last_name="Drift", is_staff=True, is_superuser=True)


@pytest.fixture
def personas(holder, other_holder, holder_other_unit, leader, actor, guardian_user, outsider):
    """Each persona with the role they work in, for tables of who may do what
    (tests/<app>/test_rules.py): the holder of `log`, another holder of the same unit, a
    holder of another unit, the unit's leader, an actor of the unit, the guardian of `log`
    with a login, and a holder in another municipality."""
    return {
        "holder": (holder, Role.HOLDER),
        "other_holder": (other_holder, Role.HOLDER),
        "holder_other_unit": (holder_other_unit, Role.HOLDER),
        "leader": (leader, Role.LEADER),
        "actor": (actor, Role.ACTOR),
        "guardian": (guardian_user, Role.GUARDIAN),
        "outsider": (outsider, Role.HOLDER),
    }


@pytest.fixture
def rq(settings):
    """The task queue in Redis, as STAFETT_TASK_QUEUE=redis sets it (tests.rq_queue)."""
    from tests.rq_queue import rq_queue

    yield from rq_queue(settings)
