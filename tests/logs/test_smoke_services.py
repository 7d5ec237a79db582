from logs.queries import concerns_visible_to, logs_visible_to
from organisations.enums import Role
from tests.factories import make_concern


def test_make_log_and_concern_R_LOG_01(log, holder, actor, guardian_user):
    concern = make_concern(log, actors=[actor])
    assert list(logs_visible_to(holder, Role.HOLDER)) == [log]
    assert list(logs_visible_to(actor, Role.ACTOR)) == [log]
    assert list(concerns_visible_to(guardian_user, Role.GUARDIAN)) == [concern]
    assert log.child.birth_date is not None
