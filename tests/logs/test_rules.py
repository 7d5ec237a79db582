"""Who may do what in a log: every predicate of logs.rules, for every persona, in one table.

The predicates assume the object was fetched through logs.queries (logs/access.py does
that), so each row names only the personas who can see the log in that state; every other
persona is asserted not to see it at all (a 404, R-ROLE-07) rather than given an answer.
"""

from datetime import date
from typing import Any

import pytest

from common.errors import ReadOnlyError
from logs import rules
from logs.enums import ConcernStatus, LogStatus, MeasureStatus
from logs.models import Concern, Glimpse, Log, Measure, Transfer
from logs.queries import logs_visible_to
from logs.services import (
    accept_transfer,
    create_glimpse,
    transfer_log,
    update_concern,
    update_measure,
    withdraw_transfer,
)
from organisations.enums import Role
from tests.factories import make_concern

NOT_HOLDER = "Bare stafettholderen kan endre denne loggen."
PASSIVE = "Loggen er passiv og kan ikke endres."
PENDING = "Loggen venter på overføring og kan ikke endres så lenge."
CLOSED = "Oppmerksomheten er avsluttet og kan ikke endres."
EVALUATED = "Tiltaket er evaluert og kan ikke endres."
ONLY_HOLDER_WITHDRAWS = "Bare stafettholderen kan trekke tilbake overføringen."
ONLY_RECIPIENT = "Bare mottakeren kan svare på overføringen."
NOT_NOW = "Loggen kan ikke endres nå."


def _seers(state: str) -> list[str]:
    """Who sees the log: its holder, the actor on its measure, the child's guardian, and
    while a transfer waits, its recipient (R-ROLE-04…07, R-TRAN-04)."""
    if state == "transfer_pending":
        return ["holder", "other_holder", "actor", "guardian"]
    return ["holder", "actor", "guardian"]


def yes(state: str, *names: str) -> dict:
    """True for `names`, False for everyone else who sees the log in `state`."""
    return {name: name in names for name in _seers(state)}


def says(state: str, default: str, **by_name: str) -> dict:
    """The words each person who sees the log gets: `default` unless named."""
    return {name: by_name.get(name, default) for name in _seers(state)}


A, P, T = "active", "passive", "transfer_pending"
NO = NOT_HOLDER

# (requirement, state of the log, predicate, what it is asked about, persona → answer).
TABLE = [
    # Only the holder, working as holder, changes an active log.
    ("R-ROLE-04", A, "holds", "log", yes(A, "holder")),
    ("R-ROLE-04", A, "can_edit_log", "log", yes(A, "holder")),
    ("R-ROLE-04", A, "read_only_reason", "log", says(A, NOT_HOLDER, holder="")),
    ("R-LOG-06", P, "can_edit_log", "log", yes(P)),
    ("R-LOG-06", P, "read_only_reason", "log", says(P, PASSIVE)),
    ("R-TRAN-03", T, "can_edit_log", "log", yes(T)),
    ("R-TRAN-03", T, "read_only_reason", "log", says(T, PENDING)),
    ("R-TRAN-03", T, "holds", "log", yes(T, "holder")),
    # Concerns and measures: the log's rule first, then their own state.
    ("R-ROLE-04", A, "can_edit_concern", "open_concern", yes(A, "holder")),
    ("R-CONC-02", A, "can_edit_concern", "closed_concern", yes(A)),
    ("R-CONC-02", A, "concern_read_only_reason", "closed_concern", says(A, NO, holder=CLOSED)),
    ("R-LOG-06", P, "can_edit_concern", "open_concern", yes(P)),
    ("R-LOG-08", A, "measure_read_only_reason", "open_measure", says(A, NO, holder="")),
    ("R-MEAS-03", A, "measure_read_only_reason", "evaluated", says(A, NO, holder=EVALUATED)),
    ("R-TRAN-03", T, "measure_read_only_reason", "open_measure", says(T, PENDING)),
    # Glimpses: holder, actors and guardians add them to an active log.
    ("R-GLIM-01", A, "can_add_glimpse", "log", yes(A, "holder", "actor", "guardian")),
    ("R-GLIM-01", P, "can_add_glimpse", "log", yes(P)),
    ("R-GLIM-01", T, "can_add_glimpse", "log", yes(T)),
    ("R-GLIM-01", A, "add_glimpse_refusal", "log", says(A, "")),
    ("R-GLIM-01", P, "add_glimpse_refusal", "log", says(P, NOT_NOW)),
    ("R-GLIM-01", A, "can_publish_glimpse", "actors_draft", yes(A, "holder", "actor")),
    ("R-GLIM-01", A, "can_publish_glimpse", "published_glimpse", yes(A)),
    ("R-GLIM-01", P, "can_publish_glimpse", "actors_draft", yes(P)),
    # Transfers: the holder sends and withdraws, the recipient decides.
    ("R-TRAN-01", A, "can_transfer_log", "log", yes(A, "holder")),
    ("R-TRAN-01", P, "can_transfer_log", "log", yes(P)),
    ("R-TRAN-04", T, "can_withdraw_transfer", "transfer", yes(T, "holder")),
    ("R-TRAN-04", T, "withdraw_refusal", "transfer", says(T, ONLY_HOLDER_WITHDRAWS, holder="")),
    ("R-TRAN-04", T, "can_decide_transfer", "transfer", yes(T, "other_holder")),
    ("R-TRAN-04", T, "decide_refusal", "transfer", says(T, ONLY_RECIPIENT, other_holder="")),
    # Need to know: guardians, consent, history and the access list.
    ("R-ROLE-05", A, "can_see_sensitive_details", "log", yes(A, "holder", "guardian")),
    ("R-TRAN-04", T, "can_see_sensitive_details", "log", yes(T, "holder", "other_holder", "guardian")),  # noqa: E501
    ("R-SEC-01", A, "can_see_access_log", "log", yes(A, "holder", "guardian")),
    ("R-SEC-01", T, "can_see_access_log", "log", yes(T, "holder", "guardian")),
]  # fmt: skip


def _ask(predicate: str, user, role, subject):
    if predicate == "can_see_sensitive_details":
        return rules.can_see_sensitive_details(role)
    return getattr(rules, predicate)(user, role, subject)


def _scene(state: str, log: Log, personas: dict) -> dict:
    """The log in `state`, with a concern whose measure has the actor, a draft glimpse by
    the actor and a published one by the holder; the subjects read back from the database."""
    concern = make_concern(log, actors=[personas["actor"][0]])
    draft = create_glimpse(
        log, by=personas["actor"][0], role=Role.ACTOR, text="Fin dag", happened_on=date.today()
    )
    published = create_glimpse(
        log,
        by=personas["holder"][0],
        role=Role.HOLDER,
        text="Flott innsats",
        happened_on=date.today(),
        publish=True,
    )
    transfer = None
    if state == "passive":
        Log.objects.filter(pk=log.pk).update(status=LogStatus.PASSIVE)
    elif state == "transfer_pending":
        transfer = transfer_log(
            log,
            by=personas["holder"][0],
            to_user=personas["other_holder"][0],
            to_unit=log.unit,
            reason="Flytter",
        )
    log = Log.objects.get(pk=log.pk)
    concern = Concern.objects.get(pk=concern.pk)
    concern.log = log
    measure = Measure.objects.get(concern=concern)
    measure.concern = concern
    closed, evaluated = Concern.objects.get(pk=concern.pk), Measure.objects.get(pk=measure.pk)
    closed.log, closed.status = log, ConcernStatus.CLOSED
    evaluated.concern, evaluated.status = concern, MeasureStatus.EVALUATED
    subjects: dict[str, Any] = {
        "log": log,
        "open_concern": concern,
        "closed_concern": closed,
        "open_measure": measure,
        "evaluated": evaluated,
        "actors_draft": Glimpse.objects.get(pk=draft.pk),
        "published_glimpse": Glimpse.objects.get(pk=published.pk),
    }
    subjects["actors_draft"].log = subjects["published_glimpse"].log = log
    if transfer is not None:
        subjects["transfer"] = Transfer.objects.get(pk=transfer.pk)
        subjects["transfer"].log = log
    return subjects


@pytest.mark.parametrize(
    ("requirement", "state", "predicate", "subject", "expected"),
    TABLE,
    ids=[f"{row[0]}-{row[2]}-{row[3]}-{row[1]}" for row in TABLE],
)
def test_each_log_rule_answers_each_persona_R_ROLE_04_R_ROLE_05_R_ROLE_06_R_ROLE_07(
    requirement, state, predicate, subject, expected, log, personas
):
    subjects = _scene(state, log, personas)
    for name, (user, role) in personas.items():
        sees = logs_visible_to(user, role).filter(pk=log.pk).exists()
        if name not in expected:
            assert not sees, f"{name} sees the log in state {state} ({requirement})"
            continue
        assert sees, f"{name} should see the log in state {state} ({requirement})"
        answer = _ask(predicate, user, role, subjects[subject])
        assert (
            str(answer) == str(expected[name])
            if isinstance(expected[name], str)
            else (answer is expected[name])
        ), f"{predicate}({name}) on {subject}, {state}: {answer!r} ({requirement})"


def test_the_holder_working_in_another_role_may_not_change_the_log_R_ROLE_01_R_ROLE_04(log, holder):
    """The rule is the person *and* the role they work in (R-ROLE-01)."""
    for role in (Role.LEADER, Role.ACTOR, Role.GUARDIAN, None):
        assert not rules.holds(holder, role, log)
        assert not rules.can_edit_log(holder, role, log)
        assert rules.read_only_reason(holder, role, log) == NOT_HOLDER
        assert not rules.can_see_access_log(holder, role, log) or role == Role.GUARDIAN


def test_every_predicate_of_logs_rules_is_in_the_table():
    """A new rule gets a row, so that who may use it is written down (R-ROLE-07)."""
    predicates = {
        name
        for name in dir(rules)
        if (name.startswith(("can_", "holds")) or name.endswith(("_reason", "_refusal")))
        and callable(getattr(rules, name))
    }
    assert predicates == {row[2] for row in TABLE}


def test_services_refuse_in_the_words_of_the_rules_R_ROLE_04_R_CONC_02_R_TRAN_04(
    log, holder, other_holder, unit
):
    """A refusal the service raises is the one the pages show: the words live in logs.rules."""
    concern = make_concern(log)
    measure = Measure.objects.get(concern=concern)
    Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.CLOSED)
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.EVALUATED)
    with pytest.raises(ReadOnlyError, match=f"^{CLOSED}$"):
        update_concern(concern, by=holder, description="Ny tekst")
    with pytest.raises(ReadOnlyError, match=f"^{EVALUATED}$"):
        update_measure(measure, by=holder, description="Ny tekst")
    transfer = transfer_log(log, by=holder, to_user=other_holder, to_unit=unit, reason="Flytter")
    with pytest.raises(ReadOnlyError, match=f"^{ONLY_HOLDER_WITHDRAWS}$"):
        withdraw_transfer(transfer, by=other_holder)
    with pytest.raises(ReadOnlyError, match=f"^{ONLY_RECIPIENT}$"):
        accept_transfer(transfer, by=holder)
    with pytest.raises(ReadOnlyError, match=f"^{NOT_NOW}$"):
        create_glimpse(log, by=holder, role=Role.HOLDER, text="Fint", happened_on=date.today())
