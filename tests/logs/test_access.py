"""The one access fetcher (logs/access.py): invisible is a 404, visible but not changeable a
403 with the rule's words, for logs and for the objects in them (R-ROLE-07)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import RequestFactory

from common.errors import ReadOnlyError
from logs import access
from logs.models import Concern, Measure
from logs.services import transfer_log
from meetings import rules as meeting_rules
from meetings.queries import meetings_visible_to
from meetings.services import cancel_meeting
from organisations.enums import Role
from organisations.queries import ACTIVE_ROLE_SESSION_KEY
from tests.factories import make_concern
from tests.meetings.conftest import make_meeting


def _request(user, role: Role):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    request.session[ACTIVE_ROLE_SESSION_KEY] = role.value
    return request


def test_a_log_nobody_shows_the_outsider_is_a_404_R_ROLE_07(log, outsider, leader):
    for user, role in ((outsider, Role.HOLDER), (leader, Role.LEADER)):
        with pytest.raises(Http404):
            access.fetch_log(_request(user, role), log.pk)


def test_a_log_seen_but_not_changeable_is_a_403_that_says_why_R_ROLE_06(log, guardian_user):
    request = _request(guardian_user, Role.GUARDIAN)
    assert access.fetch_log(request, log.pk) == log
    with pytest.raises(ReadOnlyError) as refused:
        access.fetch_log(request, log.pk, for_edit=True)
    assert str(refused.value) == "Bare stafettholderen kan endre denne loggen."


def test_the_holder_fetches_the_log_to_change_it_R_ROLE_04(log, holder):
    assert access.fetch_log(_request(holder, Role.HOLDER), log.pk, for_edit=True) == log


def test_a_closed_concern_is_a_403_only_where_the_concern_itself_is_changed_R_CONC_02(log, holder):
    concern = make_concern(log)
    Concern.objects.filter(pk=concern.pk).update(status="closed")
    request = _request(holder, Role.HOLDER)
    assert access.fetch_concern(request, concern.pk) == concern
    with pytest.raises(ReadOnlyError) as refused:
        access.fetch_concern(request, concern.pk, while_open=True)
    assert str(refused.value) == "Oppmerksomheten er avsluttet og kan ikke endres."


def test_an_evaluated_measure_is_a_403_only_where_the_measure_is_changed_R_MEAS_03(log, holder):
    measure = Measure.objects.get(concern=make_concern(log))
    Measure.objects.filter(pk=measure.pk).update(status="evaluated")
    request = _request(holder, Role.HOLDER)
    assert access.fetch_measure(request, measure.pk) == measure
    with pytest.raises(ReadOnlyError) as refused:
        access.fetch_measure(request, measure.pk, while_open=True)
    assert str(refused.value) == "Tiltaket er evaluert og kan ikke endres."


def test_an_actor_not_on_the_concern_gets_a_404_for_it_and_its_measure_R_ROLE_05(log, actor):
    concern = make_concern(log)
    request = _request(actor, Role.ACTOR)
    with pytest.raises(Http404):
        access.fetch_concern(request, concern.pk)
    with pytest.raises(Http404):
        access.fetch_measure(request, concern.measures.get().pk, for_edit=False)


def test_a_guardian_record_is_changed_by_the_holder_only_R_ROLE_04_R_ROLE_06(
    log, holder, guardian_user
):
    guardian = log.guardians.get()
    assert access.fetch_guardian(_request(holder, Role.HOLDER), guardian.pk) == guardian
    with pytest.raises(ReadOnlyError):
        access.fetch_guardian(_request(guardian_user, Role.GUARDIAN), guardian.pk)
    # The printed letter is for the holder role only: a guardian gets a 404 there.
    with pytest.raises(Http404):
        access.fetch_guardian(
            _request(guardian_user, Role.GUARDIAN), guardian.pk, roles=(Role.HOLDER,)
        )


def test_a_transfer_is_answered_by_its_recipient_working_as_holder_only_R_TRAN_04(
    log, holder, multi_role_user, unit
):
    recipient = multi_role_user  # holder and leader of the unit
    transfer = transfer_log(log, by=holder, to_user=recipient, to_unit=unit, reason="Flytter")
    assert access.fetch_incoming_transfer(_request(recipient, Role.HOLDER), transfer.pk)
    with pytest.raises(Http404):
        access.fetch_incoming_transfer(_request(holder, Role.HOLDER), transfer.pk)
    with pytest.raises(Http404):
        access.fetch_incoming_transfer(_request(recipient, Role.LEADER), transfer.pk)
    # The sender sees it in the chain of holders.
    assert access.fetch_transfer(_request(holder, Role.HOLDER), transfer.pk) == transfer


def test_meetings_use_the_same_fetcher_with_their_own_query_and_rule_R_MEET_05(
    log, holder, guardian_user
):
    meeting = cancel_meeting(make_meeting(log), by=holder)

    def fetch(user, role):
        return access.fetch(
            _request(user, role),
            meetings_visible_to,
            meeting.pk,
            read_only_reason=meeting_rules.read_only_reason,
        )

    with pytest.raises(ReadOnlyError) as refused:
        fetch(holder, Role.HOLDER)
    assert str(refused.value) == "Møtet er avlyst og kan ikke endres."
    with pytest.raises(ReadOnlyError):
        fetch(guardian_user, Role.GUARDIAN)
