"""Only the holder changes the log: every holder service refuses everyone else (R-ROLE-04)."""

import pytest

from audit.models import AuditEvent
from common.errors import ReadOnlyError
from logs.enums import (
    LogStatus,
)
from logs.models import Revision
from logs.services import (
    extend_deadline,
    mark_deadline_passed,
)
from tests.logs.services.helpers import (
    HOLDER_SERVICES,
    in_days,
    reload,
)

# --- only the holder changes the log --------------------------------------------------------


@pytest.mark.parametrize("service", HOLDER_SERVICES)
@pytest.mark.parametrize(
    "persona",
    ["other_holder", "holder_other_unit", "leader", "actor", "guardian_user", "outsider"],
)
def test_anyone_but_the_holder_calling_a_holder_service_is_refused_R_ROLE_04(
    request, scene, service, persona
):
    user = request.getfixturevalue(persona)
    revisions, events = Revision.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ReadOnlyError):
        HOLDER_SERVICES[service](scene, user)

    assert Revision.objects.count() == revisions
    assert AuditEvent.objects.count() == events
    assert reload(scene.log).status == LogStatus.ACTIVE


def test_another_holder_is_refused_before_the_deadline_rules_are_checked_R_ROLE_04(
    scene, other_holder
):
    with pytest.raises(ReadOnlyError):
        mark_deadline_passed(scene.measure, by=other_holder)
    with pytest.raises(ReadOnlyError):
        extend_deadline(scene.measure, by=other_holder, deadline=in_days(-5))
