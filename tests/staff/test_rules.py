"""The staff rules, each refusal in the words shown (R-LEAD-01, R-ROLE-03, R-SEC-07)."""

import pytest

from organisations.enums import Role
from staff.rules import (
    deactivate_refusal,
    email_change_refusal,
    remove_role_refusal,
    role_refusal,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.HOLDER, True), (Role.ACTOR, True), (Role.LEADER, False), (Role.GUARDIAN, False)],
)
def test_a_leader_gives_holder_and_actor_roles_only_R_LEAD_01(role, allowed):
    assert (role_refusal(role.value) == "") is allowed


def test_the_email_is_the_persons_own_once_they_have_a_password_R_SEC_07():
    assert email_change_refusal(UserFactory()) != ""
    waiting = UserFactory()
    waiting.set_unusable_password()
    assert email_change_refusal(waiting) == ""


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("self", "deg selv"),
        ("inactive", "allerede"),
        ("roles_elsewhere", "utenfor"),
        ("guardian", "utenfor"),
        ("logs_elsewhere", "utenfor"),
        ("fine", ""),
    ],
)
def test_who_a_leader_may_deactivate_R_LEAD_01(case, words):
    leader, person = UserFactory(), UserFactory()
    if case == "inactive":
        person.is_active = False
    refusal = deactivate_refusal(
        leader,
        leader if case == "self" else person,
        roles_elsewhere=case == "roles_elsewhere",
        guardian=case == "guardian",
        logs_elsewhere=1 if case == "logs_elsewhere" else 0,
    )
    assert (words in refusal) if words else refusal == ""


@pytest.mark.parametrize(
    ("role", "logs", "last", "words"),
    [
        (Role.LEADER, 0, False, "bare gi rollene"),
        (Role.HOLDER, 2, False, "aktive logger"),
        (Role.ACTOR, 0, True, "eneste rolle"),
        (Role.HOLDER, 0, False, ""),
        (Role.ACTOR, 3, False, ""),  # an actor holds no logs: the count is a holder's
    ],
)
def test_which_role_a_leader_may_take_away_R_LEAD_01(role, logs, last, words):
    refusal = remove_role_refusal(role.value, logs_in_unit=logs, last_role=last)
    assert (words in refusal) if words else refusal == ""
