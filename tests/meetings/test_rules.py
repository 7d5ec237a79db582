"""Who may do what with a meeting: every predicate of meetings.rules, for every persona.

The predicates assume the meeting was fetched through meetings.queries (logs/access.py
`fetch` does that), so each row names only the personas who can see it; every other
persona is asserted not to see the meeting at all (a 404, R-ROLE-07).
"""

import pytest

from logs.enums import Level, LogStatus
from logs.models import Log
from meetings import rules
from meetings.models import Meeting
from meetings.queries import meetings_visible_to
from meetings.services import cancel_meeting
from organisations.enums import Role
from tests.meetings.conftest import make_meeting

NOT_HOLDER = "Bare stafettholderen kan endre denne loggen."
PASSIVE = "Loggen er passiv og kan ikke endres."
CANCELLED = "Møtet er avlyst og kan ikke endres."
# The meeting's holder, the actor invited to it and the child's guardian see it.
SEERS = ("holder", "actor", "guardian")


def yes(*names: str) -> dict:
    """True for `names`, False for everyone else who sees the meeting."""
    return {name: name in names for name in SEERS}


def says(default: str, **by_name: str) -> dict:
    """The words each person who sees the meeting gets: `default` unless named."""
    return {name: by_name.get(name, default) for name in SEERS}


# (requirement, state, predicate, persona → answer). can_create_meeting is asked of the log.
TABLE = [
    ("R-MEET-01", "planned", "can_create_meeting", yes("holder")),
    ("R-LOG-06", "passive_log", "can_create_meeting", yes()),
    ("R-MEET-05", "planned", "can_edit_meeting", yes("holder")),
    ("R-MEET-05", "cancelled", "can_edit_meeting", yes()),
    ("R-LOG-06", "passive_log", "can_edit_meeting", yes()),
    ("R-ROLE-04", "planned", "read_only_reason", says(NOT_HOLDER, holder="")),
    ("R-MEET-05", "cancelled", "read_only_reason", says(NOT_HOLDER, holder=CANCELLED)),
    ("R-LOG-06", "passive_log", "read_only_reason", says(PASSIVE)),
]


def _meeting(state: str, log: Log, personas: dict) -> Meeting:
    """A level 2 meeting of `log` with the holder, the guardian and the actor invited."""
    meeting = make_meeting(log, level=Level.TWO, actors=[personas["actor"][0]])
    if state == "cancelled":
        cancel_meeting(meeting, by=personas["holder"][0])
    elif state == "passive_log":
        Log.objects.filter(pk=log.pk).update(status=LogStatus.PASSIVE)
    return Meeting.objects.select_related("log").get(pk=meeting.pk)


@pytest.mark.parametrize(
    ("requirement", "state", "predicate", "expected"),
    TABLE,
    ids=[f"{row[0]}-{row[2]}-{row[1]}" for row in TABLE],
)
def test_each_meeting_rule_answers_each_persona_R_ROLE_04_R_ROLE_05_R_ROLE_06_R_ROLE_07(
    requirement, state, predicate, expected, log, personas
):
    meeting = _meeting(state, log, personas)
    for name, (user, role) in personas.items():
        sees = meetings_visible_to(user, role).filter(pk=meeting.pk).exists()
        if name not in expected:
            assert not sees, f"{name} sees the meeting ({state}, {requirement})"
            continue
        assert sees, f"{name} should see the meeting ({state}, {requirement})"
        subject = meeting.log if predicate == "can_create_meeting" else meeting
        answer = getattr(rules, predicate)(user, role, subject)
        assert (
            str(answer) == expected[name]
            if isinstance(expected[name], str)
            else (answer is expected[name])
        ), f"{predicate}({name}), {state}: {answer!r} ({requirement})"


def test_an_actor_not_invited_does_not_see_the_meeting_R_ROLE_05(log, actor):
    meeting = make_meeting(log)
    assert not meetings_visible_to(actor, Role.ACTOR).filter(pk=meeting.pk).exists()


def test_actors_are_invited_at_level_2_and_3_only_R_MEET_02():
    assert [rules.actors_allowed_at(level) for level in Level] == [False, True, True]


def test_every_predicate_of_meetings_rules_is_in_the_table():
    """A new rule gets a row, so that who may use it is written down (R-ROLE-07)."""
    predicates = {
        name
        for name in dir(rules)
        if (name.startswith("can_") or name.endswith("_reason")) and callable(getattr(rules, name))
    }
    assert predicates == {row[2] for row in TABLE}
