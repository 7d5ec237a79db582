"""The benchmark's data generator keeps every rule the services keep (issue 9, item 1)."""

from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F
from stdnum.no import fodselsnummer

from audit.models import AuditEvent
from bench.generate import Generator, existing_bench_data
from bench.scales import DEMO, PERSONAS
from logs.enums import ConcernStatus, Level, LogKind, LogStatus, MeasureStatus, TransferStatus
from logs.models import (
    Child,
    Concern,
    Evaluation,
    Glimpse,
    Guardian,
    Log,
    Measure,
    Revision,
    Transfer,
)
from meetings.enums import InviteeRole
from meetings.models import Invitation, Meeting
from organisations.enums import Role
from organisations.models import Membership
from organisations.queries import roles_of
from tests.factories import make_concern, make_log

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def written(django_db_setup, django_db_blocker):
    """Generated once for the module, and rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield Generator(seed=3).run("demo")
        transaction.set_rollback(True)


def _members(role):
    found = defaultdict(set)
    for user, unit in Membership.objects.filter(role=role).values_list("user", "unit"):
        found[user].add(unit)
    return found


def test_the_demo_scale_has_its_numbers(written):
    assert Log.objects.count() == DEMO.logs == written["logs.Log"]
    assert Log.objects.exclude(status=LogStatus.PASSIVE).count() == DEMO.active_logs
    assert existing_bench_data().startswith("Benchmark kommune")
    staff = Membership.objects.values("user").distinct().count()
    assert staff == DEMO.staff
    guardian_accounts = Guardian.objects.exclude(user=None).values("user").distinct().count()
    assert DEMO.guardian_accounts * 0.5 <= guardian_accounts <= DEMO.guardian_accounts + 1


def test_holders_hold_logs_in_their_own_units_R_ROLE_04(written):
    holders = _members(Role.HOLDER)
    for holder, unit in Log.objects.values_list("holder", "unit"):
        assert unit in holders[holder]
    active = get_user_model().objects.filter(is_active=True).values_list("pk", flat=True)
    assert set(
        Log.objects.exclude(status=LogStatus.PASSIVE).values_list("holder", flat=True)
    ) <= set(active)


def test_actors_are_attached_as_the_level_allows_R_LOG_03(written):
    actors = _members(Role.ACTOR)
    through = Measure.actors.through.objects.values_list(
        "user", "measure__concern__log__level", "measure__concern__log__unit",
        "measure__concern__log__transfers",
    )  # fmt: skip
    assert through.exists()
    for user, level, unit, transfer in through:
        assert actors[user], "an actor on a measure has an actor membership"
        if level == Level.ONE and transfer is None:
            assert unit in actors[user]
    holder_actor = Measure.objects.filter(actors=F("concern__log__holder"))
    assert not holder_actor.exists()


def test_measures_are_evaluated_once_and_closed_things_are_finished_R_MEAS_03(written):
    evaluated = Measure.objects.filter(status=MeasureStatus.EVALUATED)
    assert evaluated.count() == Evaluation.objects.count() > 0
    assert not Evaluation.objects.filter(measure__status=MeasureStatus.OPEN).exists()
    closed = Concern.objects.filter(status=ConcernStatus.CLOSED)
    assert not Measure.objects.filter(concern__in=closed, status=MeasureStatus.OPEN).exists()
    assert not closed.filter(closed_at=None).exists()
    passive = Log.objects.filter(status=LogStatus.PASSIVE)
    assert not Concern.objects.filter(log__in=passive, status=ConcernStatus.OPEN).exists()
    assert not passive.filter(passive_at=None).exists()
    for measure in Measure.objects.exclude(based_on=None).select_related("based_on"):
        assert measure.based_on.concern_id == measure.concern_id


def test_transfers_are_the_chain_of_holders_R_TRAN_04(written):
    pending = Transfer.objects.filter(status=TransferStatus.PENDING)
    assert pending.exists()
    assert set(pending.values_list("log", flat=True)) == set(
        Log.objects.filter(status=LogStatus.TRANSFER_PENDING).values_list("pk", flat=True)
    )
    assert max(Counter(pending.values_list("log", flat=True)).values()) == 1
    accepted = Transfer.objects.filter(status=TransferStatus.ACCEPTED).order_by("decided_at")
    assert accepted.exists()
    chains = defaultdict(list)
    for transfer in accepted:
        chains[transfer.log_id].append(transfer)
    for log in Log.objects.filter(pk__in=chains):
        chain = chains[log.pk]
        for before, after in pairwise(chain):
            assert after.from_holder_id == before.to_user_id
        assert (chain[-1].to_user_id, chain[-1].to_unit_id) == (log.holder_id, log.unit_id)
    for transfer in Transfer.objects.exclude(previous=None).select_related("previous"):
        assert transfer.previous.status == TransferStatus.FORWARDED
        assert transfer.from_holder_id == transfer.previous.to_user_id


def test_every_change_has_its_history_and_audit_and_reads_are_audited_R_SEC_01(written):
    assert Revision.objects.filter(action="log.created").count() == Log.objects.count()
    assert AuditEvent.objects.filter(action="log.created").count() == Log.objects.count()
    for action, model in (
        ("concern.created", Concern),
        ("measure.created", Measure),
        ("glimpse.created", Glimpse),
        ("meeting.created", Meeting),
    ):
        assert Revision.objects.filter(action=action).count() == model.objects.count(), action
        assert AuditEvent.objects.filter(action=action).count() == model.objects.count(), action
    assert Revision.objects.filter(action="measure.evaluated").count() == (
        Evaluation.objects.count()
    )
    passive = Log.objects.filter(status=LogStatus.PASSIVE).count()
    assert Revision.objects.filter(action="log.passive").count() == passive
    reads = Counter(AuditEvent.objects.filter(action="log.viewed").values_list("log_id", flat=True))
    assert set(reads) == set(Log.objects.values_list("pk", flat=True))
    assert sorted(reads.values())[-DEMO.heavy_logs :] == [500] * DEMO.heavy_logs


def test_the_heavy_logs_and_the_personas_are_there_R_ROLE_01(written):
    heavy = Log.objects.annotate(n=Count("concerns", distinct=True)).filter(n=10)
    assert heavy.count() == DEMO.heavy_logs
    for log in heavy:
        assert Measure.objects.filter(concern__log=log).count() == 30
        assert log.glimpses.count() == 10
        assert log.meetings.count() == 5
    people = {u.email: u for u in get_user_model().objects.filter(email__in=PERSONAS.values())}
    for role, email in PERSONAS.items():
        assert Role(role) in roles_of(people[email])
    holder_log = heavy.filter(holder=people[PERSONAS["holder"]]).get()
    assert holder_log.guardians.filter(user=people[PERSONAS["guardian"]]).exists()
    assert Measure.objects.filter(concern__log=holder_log, actors=people[PERSONAS["actor"]])


def test_children_guardians_and_meetings_are_valid_R_LOG_04(written):
    for number in Child.objects.exclude(national_id="").values_list("national_id", flat=True):
        assert fodselsnummer.is_valid(number)
    counts = Counter(Guardian.objects.values_list("log", flat=True))
    for log in Log.objects.filter(kind=LogKind.CHILD):
        assert 1 <= counts[log.pk] <= 4
    assert not Meeting.objects.filter(ends_at__lte=F("starts_at")).exists()
    for meeting in Meeting.objects.prefetch_related("invitations"):
        roles = Counter(i.role for i in meeting.invitations.all())
        assert roles[InviteeRole.HOLDER] == 1
    wrong_log = Invitation.objects.exclude(guardian=None).exclude(guardian__log=F("meeting__log"))
    assert not wrong_log.exists()


def test_every_foreign_key_leads_to_a_row(written):
    # SQLite checks them all here; PostgreSQL checked each row at its COPY, unless run as a
    # superuser (bench.generate.skip_foreign_key_triggers).
    connection.check_constraints()


def test_the_services_work_on_the_generated_data_afterwards(written):
    """The id sequences were moved past the generated rows."""
    holder = get_user_model().objects.get(email=PERSONAS["holder"])
    log = make_log(holder, holder.memberships.get(role=Role.HOLDER).unit)
    assert make_concern(log).pk > 0
