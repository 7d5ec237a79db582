"""The level rule: who may be attached at which level (R-LOG-03)."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from logs.enums import (
    Level,
)
from logs.services import (
    add_measure,
    set_level,
    update_measure,
)
from tests.factories import (
    make_concern,
    make_log,
)
from tests.logs.services.helpers import (
    error_fields,
    evaluate,
    measure_fields,
    new_concern,
    reload,
)

# --- the level rule -------------------------------------------------------------------------


def test_at_level_1_create_concern_refuses_an_actor_from_another_unit_on_measure_actors_R_LOG_03_R_CONC_01(  # noqa: E501
    log, actor_other_unit
):
    with pytest.raises(ValidationError) as excinfo:
        new_concern(log, measure=measure_fields(log, actors=[actor_other_unit]))

    assert "measure_actors" in error_fields(excinfo)
    assert not log.concerns.exists()


def test_at_level_1_create_concern_accepts_an_actor_from_the_holders_unit_R_CONC_01(log, actor):
    concern = new_concern(log, measure=measure_fields(log, actors=[actor]))

    assert list(concern.measures.get().actors.all()) == [actor]


@pytest.mark.parametrize("level", [Level.TWO, Level.THREE])
def test_after_raising_the_level_create_concern_accepts_an_actor_from_another_unit_R_LOG_03(
    log, holder, actor_other_unit, level
):
    set_level(log, by=holder, level=level)

    concern = new_concern(log, measure=measure_fields(log, actors=[actor_other_unit]))

    assert list(concern.measures.get().actors.all()) == [actor_other_unit]


def test_at_level_1_add_measure_refuses_an_actor_from_another_unit_on_actors_R_LOG_03_R_MEAS_01(
    log, holder, actor_other_unit
):
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        add_measure(concern, by=holder, **measure_fields(log, actors=[actor_other_unit]))

    assert "actors" in error_fields(excinfo)
    assert concern.measures.count() == 1


def test_after_set_level_2_add_measure_accepts_an_actor_from_another_unit_R_LOG_03_R_MEAS_01(
    log, holder, actor_other_unit
):
    concern = make_concern(log)
    set_level(log, by=holder, level=Level.TWO)

    measure = add_measure(concern, by=holder, **measure_fields(log, actors=[actor_other_unit]))

    assert list(measure.actors.all()) == [actor_other_unit]


def test_at_level_1_update_measure_refuses_an_actor_from_another_unit_R_LOG_03(
    log, holder, actor, actor_other_unit
):
    measure = make_concern(log, actors=[actor]).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        update_measure(measure, by=holder, actors=[actor, actor_other_unit])

    assert "actors" in error_fields(excinfo)
    assert list(measure.actors.all()) == [actor]


@pytest.mark.parametrize("level", [Level.ONE, Level.TWO, Level.THREE])
def test_an_actor_from_another_municipality_is_always_refused_R_LOG_03_R_CONC_01_R_MEAS_01(
    log, holder, actor_other_municipality, level
):
    set_level(log, by=holder, level=level)
    concern = make_concern(log)

    with pytest.raises(ValidationError) as on_concern:
        new_concern(log, measure=measure_fields(log, actors=[actor_other_municipality]))
    with pytest.raises(ValidationError) as on_measure:
        add_measure(concern, by=holder, **measure_fields(log, actors=[actor_other_municipality]))

    assert "measure_actors" in error_fields(on_concern)
    assert "actors" in error_fields(on_measure)
    assert log.concerns.count() == 1


def test_a_person_without_the_actor_role_cannot_be_attached_R_CONC_01(log, holder, other_holder):
    set_level(log, by=holder, level=Level.THREE)

    with pytest.raises(ValidationError) as excinfo:
        new_concern(log, measure=measure_fields(log, actors=[other_holder]))

    assert "measure_actors" in error_fields(excinfo)


def test_a_deactivated_actor_cannot_be_attached_R_CONC_01(log, actor):
    actor.is_active = False
    actor.save()

    with pytest.raises(ValidationError) as excinfo:
        new_concern(log, measure=measure_fields(log, actors=[actor]))

    assert "measure_actors" in error_fields(excinfo)


def test_lowering_to_level_1_with_open_outside_actors_is_refused_R_LOG_03(
    holder, unit, actor_other_unit
):
    log = make_log(holder, unit, level=Level.TWO)
    make_concern(log, actors=[actor_other_unit])

    with pytest.raises(ValidationError) as excinfo:
        set_level(log, by=holder, level=Level.ONE)

    assert "level" in error_fields(excinfo)
    assert reload(log).level == Level.TWO


def test_lowering_to_level_1_is_refused_when_one_of_several_actors_is_from_outside_R_LOG_03(
    holder, unit, actor, actor_other_unit
):
    log = make_log(holder, unit, level=Level.TWO)
    make_concern(log, actors=[actor, actor_other_unit])

    with pytest.raises(ValidationError) as excinfo:
        set_level(log, by=holder, level=Level.ONE)

    assert "level" in error_fields(excinfo)
    assert reload(log).level == Level.TWO


def test_lowering_to_level_1_is_allowed_once_outside_actors_measures_are_evaluated_R_LOG_03(
    holder, unit, actor, actor_other_unit
):
    log = make_log(holder, unit, level=Level.TWO)
    evaluate(make_concern(log, actors=[actor_other_unit]).measures.get())
    make_concern(log, actors=[actor])

    set_level(log, by=holder, level=Level.ONE)

    assert reload(log).level == Level.ONE


def test_set_level_records_the_old_level_in_the_history_and_the_audit_trail_R_LOG_03(log, holder):
    set_level(log, by=holder, level=Level.THREE, version=log.version)

    log = reload(log)
    assert log.level == Level.THREE
    assert log.version == 2
    assert log.revisions.get(action="log.level_changed").before == {"level": 1}
    assert AuditEvent.objects.get(action="log.level_changed").data == {"level": 3}


def test_set_level_to_an_unknown_level_is_refused_R_LOG_03(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        set_level(log, by=holder, level=0)

    assert "level" in error_fields(excinfo)
