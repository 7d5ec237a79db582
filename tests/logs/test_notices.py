"""Notices caused by changes in a log (R-NOTIFY-01, R-GLIM-01)."""

import pytest
from django.utils import timezone

from logs.services import add_measure, create_glimpse, publish_glimpse, set_level, update_measure
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from tests.factories import make_concern, measure_category


def _to(kind) -> set[str]:
    return set(OutgoingEmail.objects.filter(kind=kind).values_list("to", flat=True))


@pytest.fixture
def level_two(holder, log):
    return set_level(log, by=holder, level=2)


def test_publishing_a_glimpse_notifies_actors_and_guardians_with_a_login_R_NOTIFY_01(
    holder, log, actor, actor_other_unit, guardian_user, other_holder, level_two
):
    make_concern(log, actors=[actor, actor_other_unit])
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Fint", happened_on=timezone.localdate()
    )
    assert not _to(Kind.GLIMPSE)

    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)

    assert _to(Kind.GLIMPSE) == {actor.email, actor_other_unit.email, guardian_user.email}
    body = OutgoingEmail.objects.filter(kind=Kind.GLIMPSE).first().body
    assert f"/logger/{log.pk}/#glimpse-{glimpse.pk}" in body
    assert "Fint" not in body


def test_a_glimpse_published_at_once_notifies_too_but_not_its_author_R_NOTIFY_01(
    holder, log, actor, guardian_user
):
    make_concern(log, actors=[actor])
    create_glimpse(
        log,
        by=guardian_user,
        role=Role.GUARDIAN,
        text="Hjemme gikk det fint",
        happened_on=timezone.localdate(),
        publish=True,
    )
    assert _to(Kind.GLIMPSE) == {actor.email}


def test_an_unpublished_glimpse_and_a_deactivated_person_get_nothing_R_NOTIFY_01(
    holder, log, actor, guardian_user
):
    make_concern(log, actors=[actor])
    guardian_user.is_active = False
    guardian_user.save()
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Fint", happened_on=timezone.localdate()
    )
    assert not _to(Kind.GLIMPSE)
    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)
    assert _to(Kind.GLIMPSE) == {actor.email}


def test_a_new_concern_notifies_its_measures_actors_R_NOTIFY_01(holder, log, actor):
    concern = make_concern(log, actors=[actor])
    email = OutgoingEmail.objects.get(kind=Kind.MEASURE_ACTOR)
    assert email.to == actor.email
    assert email.user == actor
    assert f"#measure-{concern.measures.get().pk}" in email.body


def test_a_new_measure_notifies_its_actors_R_NOTIFY_01(holder, log, actor):
    concern = make_concern(log)
    add_measure(
        concern,
        by=holder,
        category=measure_category(log.unit.municipality),
        description="Noe nytt",
        deadline=timezone.localdate(),
        actors=[actor],
    )
    assert _to(Kind.MEASURE_ACTOR) == {actor.email}


def test_only_actors_added_in_an_edit_are_notified_R_NOTIFY_01(
    holder, log, actor, actor_other_unit, level_two
):
    measure = make_concern(log, actors=[actor]).measures.get()
    update_measure(measure, by=holder, actors=[actor, actor_other_unit])
    update_measure(measure, by=holder, description="Endret tekst")
    emails = OutgoingEmail.objects.filter(kind=Kind.MEASURE_ACTOR)
    assert sorted(emails.values_list("to", flat=True)) == sorted(
        [actor.email, actor_other_unit.email]
    )


def test_a_holder_who_is_also_the_actor_is_not_told_about_their_own_measure(holder, log, unit):
    from organisations.services import add_membership

    add_membership(user=holder, unit=unit, role=Role.ACTOR)
    make_concern(log, actors=[holder])
    assert not _to(Kind.MEASURE_ACTOR)
