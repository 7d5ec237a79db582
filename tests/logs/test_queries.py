"""Who sees what of a log (R-ROLE-03…07): every list and page starts from logs.queries.

Every negative test has data in the database that would leak if the filter were wrong.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from logs.enums import Level, Outcome
from logs.queries import (
    actors_allowed_for,
    concerns_visible_to,
    consents_visible_to,
    glimpses_visible_to,
    guardians_visible_to,
    logs_visible_to,
    measures_visible_to,
    revisions_visible_to,
)
from logs.services import (
    add_measure,
    close_concern,
    create_glimpse,
    evaluate_measure,
    set_level,
    set_log_passive,
    upload_consent,
)
from organisations.enums import Role
from tests.factories import make_concern, make_log, measure_category, pdf_upload

SENTINEL = "HEMMELIG-SENTINEL"
ALL_QUERIES = [
    logs_visible_to,
    concerns_visible_to,
    measures_visible_to,
    glimpses_visible_to,
    guardians_visible_to,
    consents_visible_to,
    revisions_visible_to,
]


def today():
    return timezone.localdate()


@pytest.fixture
def full_log(log, holder, actor, other_holder, unit):
    """`log` with everything in it: a concern the actor is on, a concern with the sentinel text
    the actor is not on, a consent, history and a draft and a published glimpse."""
    shared = make_concern(log, actors=[actor], description="Delt bekymring")
    secret = make_concern(log, description=f"{SENTINEL} bekymring")
    add_measure(
        secret,
        by=holder,
        category=measure_category(unit.municipality),
        description=f"{SENTINEL} tiltak",
        deadline=today() + timedelta(days=10),
        actors=[],
    )
    upload_consent(log, by=holder, file=pdf_upload(), valid_until=today() + timedelta(days=90))
    draft = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    published = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Publisert", happened_on=today(), publish=True
    )
    return {"log": log, "shared": shared, "secret": secret, "draft": draft, "published": published}


@pytest.fixture
def other_childs_log(other_holder, unit):
    """Another child's log in the same unit, held by another holder, with sentinel text."""
    log = make_log(
        other_holder,
        unit,
        first_name="Annen",
        national_id="",
        birth_date=today() - timedelta(days=3000),
    )
    make_concern(log, description=f"{SENTINEL} annet barn")
    create_glimpse(
        log, by=other_holder, role=Role.HOLDER, text=SENTINEL, happened_on=today(), publish=True
    )
    return log


def texts(queryset, field="description") -> str:
    return " ".join(queryset.values_list(field, flat=True))


# --- holder ---------------------------------------------------------------------------------


def test_a_holder_sees_only_the_logs_they_hold_R_ROLE_04_R_HOLD_01(
    log, holder, other_holder, other_childs_log
):
    assert list(logs_visible_to(holder, Role.HOLDER)) == [log]
    assert list(logs_visible_to(other_holder, Role.HOLDER)) == [other_childs_log]


def test_a_holder_sees_no_concern_or_glimpse_of_another_holders_log_R_ROLE_04_R_ROLE_07(
    full_log, holder, other_childs_log
):
    assert SENTINEL + " annet barn" not in texts(concerns_visible_to(holder, Role.HOLDER))
    assert not glimpses_visible_to(holder, Role.HOLDER).filter(log=other_childs_log).exists()
    assert not guardians_visible_to(holder, Role.HOLDER).filter(log=other_childs_log).exists()


def test_a_holder_sees_everything_in_their_own_log_R_ROLE_04(full_log, holder):
    log = full_log["log"]

    assert set(concerns_visible_to(holder, Role.HOLDER)) == {full_log["shared"], full_log["secret"]}
    assert measures_visible_to(holder, Role.HOLDER).count() == 3
    assert set(glimpses_visible_to(holder, Role.HOLDER)) == {
        full_log["draft"],
        full_log["published"],
    }
    assert guardians_visible_to(holder, Role.HOLDER).count() == 1
    assert consents_visible_to(holder, Role.HOLDER).count() == 1
    assert revisions_visible_to(holder, Role.HOLDER).filter(log=log).exists()


def test_a_holder_still_sees_a_passive_log_R_ROLE_04_R_LOG_06(log, holder):
    set_log_passive(log, by=holder, confirmed=True)

    assert list(logs_visible_to(holder, Role.HOLDER)) == [log]


def test_the_active_role_is_the_lens_a_holder_working_as_actor_sees_none_of_their_logs_R_ROLE_01(
    log, holder
):
    assert not logs_visible_to(holder, Role.ACTOR).exists()
    assert not logs_visible_to(holder, Role.GUARDIAN).exists()


# --- actor ----------------------------------------------------------------------------------


def test_an_actor_sees_the_log_they_are_attached_to_R_ROLE_05(full_log, actor):
    assert list(logs_visible_to(actor, Role.ACTOR)) == [full_log["log"]]


def test_an_actor_sees_only_concerns_where_they_are_on_a_measure_R_ROLE_05(full_log, actor):
    concerns = concerns_visible_to(actor, Role.ACTOR)

    assert list(concerns) == [full_log["shared"]]
    assert SENTINEL not in texts(concerns)


def test_an_actor_sees_no_measure_of_a_concern_they_are_not_on_R_ROLE_05(full_log, actor):
    measures = measures_visible_to(actor, Role.ACTOR)

    assert SENTINEL not in texts(measures)
    assert not measures.filter(concern=full_log["secret"]).exists()


def test_an_actor_sees_every_measure_of_a_concern_they_are_on_R_ROLE_05(full_log, holder, actor):
    shared = full_log["shared"]
    colleague_measure = add_measure(
        shared,
        by=holder,
        category=measure_category(shared.log.unit.municipality),
        description="Tiltak uten aktøren",
        deadline=today() + timedelta(days=5),
        actors=[],
    )

    assert colleague_measure in measures_visible_to(actor, Role.ACTOR)


def test_an_actor_keeps_seeing_a_concern_after_their_measure_is_evaluated_R_ROLE_05(
    full_log, holder, actor
):
    evaluate_measure(
        full_log["shared"].measures.get(), by=holder, outcome=Outcome.NO_EFFECT, text="Ingen"
    )
    close_concern(full_log["shared"], by=holder)

    assert list(concerns_visible_to(actor, Role.ACTOR)) == [full_log["shared"]]


def test_an_actor_sees_published_glimpses_and_not_drafts_R_ROLE_05(full_log, actor):
    assert list(glimpses_visible_to(actor, Role.ACTOR)) == [full_log["published"]]


def test_an_actor_sees_no_guardians_consents_or_history_R_ROLE_05(full_log, actor):
    assert not guardians_visible_to(actor, Role.ACTOR).exists()
    assert not consents_visible_to(actor, Role.ACTOR).exists()
    assert not revisions_visible_to(actor, Role.ACTOR).exists()


def test_an_actor_not_attached_to_any_measure_sees_nothing_R_ROLE_05_R_ROLE_07(
    full_log, actor_other_unit
):
    for query in ALL_QUERIES:
        assert not query(actor_other_unit, Role.ACTOR).exists(), query.__name__


def test_an_actor_sees_nothing_of_another_childs_log_R_ROLE_05(full_log, actor, other_childs_log):
    assert other_childs_log not in logs_visible_to(actor, Role.ACTOR)
    assert "annet barn" not in texts(concerns_visible_to(actor, Role.ACTOR))
    assert not glimpses_visible_to(actor, Role.ACTOR).filter(log=other_childs_log).exists()


# --- guardian -------------------------------------------------------------------------------


def test_a_guardian_sees_the_whole_log_of_their_child_R_ROLE_06_R_GUAR_01(full_log, guardian_user):
    log = full_log["log"]

    assert list(logs_visible_to(guardian_user, Role.GUARDIAN)) == [log]
    assert set(concerns_visible_to(guardian_user, Role.GUARDIAN)) == {
        full_log["shared"],
        full_log["secret"],
    }
    assert SENTINEL in texts(measures_visible_to(guardian_user, Role.GUARDIAN))
    assert guardians_visible_to(guardian_user, Role.GUARDIAN).count() == 1
    assert consents_visible_to(guardian_user, Role.GUARDIAN).count() == 1
    assert revisions_visible_to(guardian_user, Role.GUARDIAN).exists()


def test_a_guardian_sees_published_glimpses_and_not_the_holders_drafts_R_ROLE_06(
    full_log, guardian_user
):
    assert list(glimpses_visible_to(guardian_user, Role.GUARDIAN)) == [full_log["published"]]


def test_a_guardian_sees_nothing_of_another_childs_log_R_ROLE_06_R_ROLE_07(
    full_log, guardian_user, other_childs_log
):
    assert other_childs_log not in logs_visible_to(guardian_user, Role.GUARDIAN)
    assert "annet barn" not in texts(concerns_visible_to(guardian_user, Role.GUARDIAN))
    assert (
        not measures_visible_to(guardian_user, Role.GUARDIAN)
        .filter(concern__log=other_childs_log)
        .exists()
    )
    assert (
        not glimpses_visible_to(guardian_user, Role.GUARDIAN).filter(log=other_childs_log).exists()
    )
    assert (
        not guardians_visible_to(guardian_user, Role.GUARDIAN).filter(log=other_childs_log).exists()
    )


# --- leader, outsider, nobody ---------------------------------------------------------------


def test_a_leader_sees_nothing_of_the_logs_in_their_own_unit_R_ROLE_03(full_log, leader):
    for query in ALL_QUERIES:
        assert not query(leader, Role.LEADER).exists(), query.__name__


def test_a_leader_who_also_holds_a_log_sees_it_only_in_the_holder_role_R_ROLE_03_R_ROLE_01(
    full_log, multi_role_user, unit
):
    own = make_log(multi_role_user, unit, first_name="Eget", national_id="", birth_date=today())

    for query in ALL_QUERIES:
        assert not query(multi_role_user, Role.LEADER).exists(), query.__name__
    assert list(logs_visible_to(multi_role_user, Role.HOLDER)) == [own]


@pytest.mark.parametrize("role", [Role.LEADER, Role.HOLDER, Role.ACTOR, Role.GUARDIAN, None])
def test_an_outsider_sees_nothing_in_any_role_R_ROLE_07(full_log, outsider, role):
    for query in ALL_QUERIES:
        assert not query(outsider, role).exists(), query.__name__


@pytest.mark.parametrize("role", [Role.HOLDER, Role.ACTOR, Role.GUARDIAN])
def test_an_anonymous_visitor_sees_nothing_R_ROLE_07(full_log, role):
    for query in ALL_QUERIES:
        assert not query(AnonymousUser(), role).exists(), query.__name__


def test_without_an_active_role_even_the_holder_sees_nothing_R_ROLE_07(full_log, holder):
    for query in ALL_QUERIES:
        assert not query(holder, None).exists(), query.__name__


# --- who may be attached --------------------------------------------------------------------


def test_at_level_1_only_actors_of_the_logs_unit_may_be_attached_R_LOG_03(
    log, actor, actor_other_unit, actor_other_municipality
):
    assert set(actors_allowed_for(log)) == {actor}


def test_at_level_2_actors_of_the_whole_municipality_may_be_attached_R_LOG_03(
    log, holder, actor, actor_other_unit, actor_other_municipality
):
    log = set_level(log, by=holder, level=Level.TWO)

    assert set(actors_allowed_for(log)) == {actor, actor_other_unit}


def test_holders_and_leaders_are_not_offered_as_actors_R_LOG_03(
    log, holder, other_holder, leader, actor
):
    assert set(actors_allowed_for(log, level=Level.THREE)) == {actor}


def test_an_actors_concerns_are_found_from_their_own_measures_alone_R_ROLE_05(actor):
    """Issue 9: the actor's concerns are one EXISTS over the person's measures, with no
    filter on the logs as well (a concern with one of their measures is in one of their
    logs). With that filter, PostgreSQL read every open concern of the municipality to
    answer the actor's Min side: 65 ms at Oslo's scale instead of 4."""
    sql = str(concerns_visible_to(actor, Role.ACTOR).query)

    assert sql.count("EXISTS") == 1
    assert "logs_log" not in sql
