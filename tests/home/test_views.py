"""*Min side* per role (R-ROLE-01)."""

import pytest

from organisations.enums import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.parametrize(
    ("role", "section"),
    [
        (Role.LEADER, "Stafettholdere og aktører"),
        (Role.HOLDER, "Mine stafettbarn"),
        (Role.ACTOR, "Mine aktørbarn"),
    ],
)
def test_each_role_has_its_own_min_side_R_ROLE_01(client, unit, role, section):
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=role)
    client.force_login(user)
    assert section in client.get("/").content.decode()


def test_user_without_role_is_told_whom_to_ask(client, db):
    client.force_login(UserFactory())
    assert "ingen rolle" in client.get("/").content.decode()
