"""A log's guardians, proved through the services (R-LOG-04, R-LOG-05)."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from logs.enums import (
    LogKind,
)
from logs.services import (
    add_guardian,
    create_log,
    remove_guardian,
    update_guardian,
)
from tests.factories import (
    child_data,
    guardian_data,
    make_log,
)
from tests.logs.services.helpers import (
    error_fields,
    reload,
)

# --- guardians ------------------------------------------------------------------------------


def test_add_guardian_adds_one_with_history_and_audit_R_LOG_04(log, holder):
    guardian = add_guardian(log, by=holder, **guardian_data(first_name="Per"))

    assert log.guardians.count() == 2
    assert log.revisions.filter(action="guardian.added", object_id=guardian.pk).exists()
    assert AuditEvent.objects.filter(action="guardian.added", log_id=log.pk).exists()


def test_add_a_fifth_guardian_is_refused_R_LOG_04(holder, unit):
    log = make_log(holder, unit, guardians=4)

    with pytest.raises(ValidationError):
        add_guardian(log, by=holder, **guardian_data(first_name="Femte"))

    assert log.guardians.count() == 4


def test_add_guardian_without_a_phone_number_is_refused_R_LOG_04(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        add_guardian(log, by=holder, **guardian_data(phone=""))

    assert "phone" in error_fields(excinfo)


def test_remove_the_last_guardian_of_a_childs_log_is_refused_R_LOG_05(log, holder):
    with pytest.raises(ValidationError):
        remove_guardian(log.guardians.get(), by=holder)

    assert log.guardians.count() == 1


def test_remove_one_of_two_guardians_keeps_the_other_and_the_history_R_LOG_05(holder, unit):
    log = make_log(holder, unit, guardians=2)
    first = log.guardians.first()

    remove_guardian(first, by=holder)

    assert log.guardians.count() == 1
    assert log.revisions.get(action="guardian.removed").before == {"name": str(first)}


def test_remove_the_last_guardian_of_a_pregnancy_log_is_allowed_R_LOG_05(holder, unit):
    log = create_log(
        by=holder,
        unit=unit,
        child=child_data(),
        guardians=[guardian_data()],
        kind=LogKind.PREGNANCY,
    )

    remove_guardian(log.guardians.get(), by=holder)

    assert log.guardians.count() == 0


def test_update_guardian_keeps_the_old_values_in_the_logs_history_R_LOG_04_R_LOG_08(log, holder):
    guardian = log.guardians.get()

    update_guardian(guardian, by=holder, phone="99 88 77 66")

    revision = log.revisions.get(action="guardian.edited")
    assert revision.before == {"phone": "912 34 567"}
    assert revision.after == {"phone": "99 88 77 66"}
    assert reload(guardian).phone == "99 88 77 66"


def test_update_guardian_with_an_invalid_phone_is_refused_R_LOG_04(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        update_guardian(log.guardians.get(), by=holder, phone="ring meg")

    assert "phone" in error_fields(excinfo)
