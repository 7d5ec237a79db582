import pytest

from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_holder_logs_in_and_sees_min_side_R_ROLE_01(page, holder):
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Min side")
    check_axe(page)
