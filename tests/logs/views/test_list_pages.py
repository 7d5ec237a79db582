"""The log pages through the Django test client: the list and the role (R-HOLD-01, R-ROLE-01).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

from tests.factories import (
    make_concern,
)
from tests.logs.views.helpers import (
    consent_for,
    detail_url,
    in_days,
    login,
    page,
)

# --- the list and the role (R-HOLD-01, R-ROLE-01) -------------------------------------------


def test_the_holder_list_marks_a_log_with_an_overdue_measure_R_HOLD_01_R_MEAS_02(
    client, holder, log
):
    make_concern(log, deadline=in_days(-1))
    login(client, holder)

    html = page(client.get("/logger/"))

    assert "Mine stafettbarn" in html
    assert "Sara Stafett" in html
    assert "row--overdue" in html


def test_a_multi_role_user_working_as_leader_gets_no_log_list_R_ROLE_03(
    client, multi_role_user, unit
):
    from tests.factories import make_log

    make_log(multi_role_user, unit, first_name="Lekkasje")
    login(client, multi_role_user, role="leader")
    assert client.get("/logger/").status_code == 404

    login(client, multi_role_user, role="holder")
    assert "Lekkasje" in page(client.get("/logger/"))


def test_a_consent_whose_file_is_gone_is_a_404_not_a_500_R_LOG_02(client, holder, log):
    consent = consent_for(log)
    consent.file.storage.delete(consent.file.name)
    login(client, holder)

    assert client.get(f"/logger/samtykke/{consent.pk}/fil/").status_code == 404


def test_removing_a_guardian_asks_first_then_removes_R_LOG_05(client, holder, unit):
    from tests.factories import make_log

    log = make_log(holder, unit, guardians=2)
    guardian = log.guardians.first()
    login(client, holder)

    confirm = client.get(f"/logger/foresatte/{guardian.pk}/fjern/")
    assert confirm.status_code == 200
    assert "mister tilgangen" in confirm.content.decode()
    assert log.guardians.count() == 2

    response = client.post(f"/logger/foresatte/{guardian.pk}/fjern/")
    assert response["Location"] == detail_url(log)
    assert log.guardians.count() == 1
