"""Glimpses, proved through the services (R-GLIM-01)."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from common.errors import ReadOnlyError
from logs.models import Glimpse
from logs.queries import glimpses_visible_to
from logs.services import (
    create_glimpse,
    publish_glimpse,
)
from organisations.enums import Role
from tests.factories import (
    make_concern,
    make_log,
)
from tests.logs.services.helpers import (
    all_audit_text,
    error_fields,
    reload,
    today,
    years_ago,
)

# --- glimpses -------------------------------------------------------------------------------


def test_the_holder_creates_a_glimpse_R_GLIM_01(log, holder):
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="  Leste høyt for klassen  ", happened_on=today()
    )

    assert glimpse.text == "Leste høyt for klassen"
    assert glimpse.author == holder
    assert glimpse.author_role == Role.HOLDER
    assert not glimpse.is_published
    assert AuditEvent.objects.filter(action="glimpse.created", log_id=log.pk).exists()
    assert "Leste" not in all_audit_text()


def test_an_attached_actor_creates_a_glimpse_R_GLIM_01(log, actor):
    make_concern(log, actors=[actor])

    glimpse = create_glimpse(
        log, by=actor, role=Role.ACTOR, text="Hjalp en venn", happened_on=today()
    )

    assert glimpse.author_role == Role.ACTOR


def test_a_guardian_creates_a_glimpse_R_GLIM_01(log, guardian_user):
    glimpse = create_glimpse(
        log, by=guardian_user, role=Role.GUARDIAN, text="Sov godt", happened_on=today()
    )

    assert glimpse.author == guardian_user
    assert glimpse.author_role == Role.GUARDIAN


def test_an_actor_not_attached_to_the_log_cannot_create_a_glimpse_R_GLIM_01_R_ROLE_07(log, actor):
    with pytest.raises(ReadOnlyError):
        create_glimpse(log, by=actor, role=Role.ACTOR, text="Inntrenger", happened_on=today())

    assert not Glimpse.objects.exists()


def test_a_guardian_of_another_child_cannot_create_a_glimpse_R_GLIM_01_R_ROLE_07(
    log, holder, unit, guardian_user
):
    other_log = make_log(holder, unit, first_name="Annen", national_id="", birth_date=years_ago(5))

    with pytest.raises(ReadOnlyError):
        create_glimpse(
            other_log, by=guardian_user, role=Role.GUARDIAN, text="Feil barn", happened_on=today()
        )


def test_the_leader_role_cannot_create_a_glimpse_R_GLIM_01_R_ROLE_03(log, leader):
    with pytest.raises(ReadOnlyError):
        create_glimpse(log, by=leader, role=Role.LEADER, text="Leder", happened_on=today())


def test_a_glimpse_without_text_is_refused_R_GLIM_01(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        create_glimpse(log, by=holder, role=Role.HOLDER, text="   ", happened_on=today())

    assert "text" in error_fields(excinfo)


def test_a_glimpse_without_a_date_is_refused_R_GLIM_01(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        create_glimpse(log, by=holder, role=Role.HOLDER, text="Fin dag", happened_on=None)

    assert "happened_on" in error_fields(excinfo)


@pytest.mark.parametrize("persona", ["actor", "guardian_user"])
def test_actors_and_guardians_see_only_published_glimpses_and_their_own_R_GLIM_01(
    request, log, holder, actor, persona
):
    make_concern(log, actors=[actor])
    user = request.getfixturevalue(persona)
    role = Role.ACTOR if persona == "actor" else Role.GUARDIAN
    draft = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    published = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Publisert", happened_on=today(), publish=True
    )
    own = create_glimpse(log, by=user, role=role, text="Mitt eget", happened_on=today())

    visible = set(glimpses_visible_to(user, role))

    assert visible == {published, own}
    assert draft not in visible


def test_the_holder_sees_every_glimpse_of_the_log_R_GLIM_01(log, holder, guardian_user):
    mine = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    theirs = create_glimpse(
        log, by=guardian_user, role=Role.GUARDIAN, text="Fra mor", happened_on=today()
    )

    assert set(glimpses_visible_to(holder, Role.HOLDER)) == {mine, theirs}


def test_the_holder_publishes_a_glimpse_R_GLIM_01(log, holder, actor):
    make_concern(log, actors=[actor])
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today())

    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)

    assert reload(glimpse).is_published
    assert glimpse in glimpses_visible_to(actor, Role.ACTOR)
    assert log.revisions.filter(action="glimpse.published").exists()


def test_the_holder_publishes_a_guardians_glimpse_R_GLIM_01(log, holder, guardian_user):
    glimpse = create_glimpse(
        log, by=guardian_user, role=Role.GUARDIAN, text="Fra mor", happened_on=today()
    )

    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)

    assert reload(glimpse).is_published


def test_publishing_a_glimpse_twice_is_refused_R_GLIM_01(log, holder):
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today(), publish=True
    )
    published_at = glimpse.published_at

    with pytest.raises(ReadOnlyError):
        publish_glimpse(glimpse, by=holder, role=Role.HOLDER)

    assert reload(glimpse).published_at == published_at


def test_the_leader_role_cannot_publish_a_glimpse_R_GLIM_01_R_ROLE_03(log, holder, leader):
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today())

    with pytest.raises(ReadOnlyError):
        publish_glimpse(glimpse, by=leader, role=Role.LEADER)

    assert not reload(glimpse).is_published


def test_an_actor_cannot_publish_the_holders_glimpse_R_GLIM_01(log, holder, actor):
    make_concern(log, actors=[actor])
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Flott", happened_on=today())

    with pytest.raises(ReadOnlyError):
        publish_glimpse(glimpse, by=actor, role=Role.ACTOR)

    assert not reload(glimpse).is_published


def test_no_glimpse_can_be_added_to_a_passive_log_by_anyone_R_GLIM_01_R_LOG_06(
    passive_log, guardian_user
):
    with pytest.raises(ReadOnlyError):
        create_glimpse(
            passive_log.log,
            by=guardian_user,
            role=Role.GUARDIAN,
            text="For sent",
            happened_on=today(),
        )
