"""Concerns, measures and evaluations, proved through the services (R-CONC, R-MEAS, R-LOG-08)."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from common.errors import ReadOnlyError
from logs.enums import (
    ConcernStatus,
    MeasureStatus,
    Outcome,
)
from logs.models import Evaluation
from logs.services import (
    add_measure,
    close_concern,
    create_concern,
    evaluate_measure,
    extend_deadline,
    mark_deadline_passed,
    update_concern,
    update_measure,
)
from organisations.models import ConcernCategory, MeasureCategory, Municipality
from tests.factories import (
    concern_category,
    make_concern,
)
from tests.logs.services.helpers import (
    all_audit_text,
    error_fields,
    evaluate,
    finish,
    in_days,
    measure_fields,
    new_concern,
    reload,
    today,
)

# --- concerns and measures ------------------------------------------------------------------


def test_create_concern_creates_the_first_measure_in_the_same_step_R_CONC_01(log, holder, actor):
    concern = new_concern(log, measure=measure_fields(log, actors=[actor], deadline=in_days(14)))

    measure = concern.measures.get()
    assert concern.status == ConcernStatus.OPEN
    assert concern.child_voice == "Jeg vil ha en venn"
    assert concern.created_by == holder
    assert measure.deadline == in_days(14)
    assert measure.status == MeasureStatus.OPEN
    assert measure.created_by == holder
    assert list(measure.actors.all()) == [actor]
    assert set(log.revisions.values_list("action", flat=True)) >= {
        "concern.created",
        "measure.created",
    }
    assert AuditEvent.objects.filter(action="concern.created", log_id=log.pk).exists()


def test_create_concern_reports_concern_and_measure_errors_together_R_CONC_01(log):
    with pytest.raises(ValidationError) as excinfo:
        new_concern(
            log,
            description="",
            goal="",
            measure={**measure_fields(log), "description": "", "deadline": None},
        )

    assert error_fields(excinfo) >= {
        "description",
        "goal",
        "measure_description",
        "measure_deadline",
    }
    assert not log.concerns.exists()


def test_create_concern_without_a_category_is_refused_on_category_R_CONC_01(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        create_concern(
            log, by=holder, description="Noe", goal="Noe bedre", measure=measure_fields(log)
        )

    assert "category" in error_fields(excinfo)


def test_create_concern_with_categories_of_another_municipality_is_refused_R_CONC_01(log, outsider):
    elsewhere = Municipality.objects.get(name="Annen kommune")
    foreign_concern = ConcernCategory.objects.create(municipality=elsewhere, name="Fremmed")
    foreign_measure = MeasureCategory.objects.create(municipality=elsewhere, name="Fremmed")

    with pytest.raises(ValidationError) as excinfo:
        new_concern(
            log,
            category=foreign_concern,
            measure={**measure_fields(log), "category": foreign_measure},
        )

    assert error_fields(excinfo) >= {"category", "measure_category"}


def test_add_measure_with_a_category_of_another_municipality_is_refused_R_MEAS_01(
    log, holder, outsider
):
    elsewhere = Municipality.objects.get(name="Annen kommune")
    foreign = MeasureCategory.objects.create(municipality=elsewhere, name="Fremmed")
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        add_measure(concern, by=holder, **{**measure_fields(log), "category": foreign})

    assert "category" in error_fields(excinfo)


def test_update_concern_with_a_category_of_another_municipality_is_refused_R_LOG_08(
    log, holder, outsider
):
    elsewhere = Municipality.objects.get(name="Annen kommune")
    foreign = ConcernCategory.objects.create(municipality=elsewhere, name="Fremmed")
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        update_concern(concern, by=holder, category=foreign)

    assert "category" in error_fields(excinfo)
    assert reload(concern).category == concern_category(log.unit.municipality)


def test_close_concern_with_an_open_measure_is_refused_R_CONC_02(log, holder):
    concern = make_concern(log)

    with pytest.raises(ValidationError):
        close_concern(concern, by=holder)

    assert reload(concern).status == ConcernStatus.OPEN


def test_close_concern_with_one_of_two_measures_evaluated_is_refused_R_CONC_02(log, holder):
    concern = make_concern(log)
    evaluate(concern.measures.get())
    add_measure(concern, by=holder, **measure_fields(log))

    with pytest.raises(ValidationError):
        close_concern(concern, by=holder)


def test_close_concern_after_evaluating_every_measure_closes_it_R_CONC_02(log, holder):
    concern = make_concern(log)
    evaluate(concern.measures.get())

    close_concern(concern, by=holder)

    concern = reload(concern)
    assert concern.status == ConcernStatus.CLOSED
    assert concern.closed_at is not None
    assert log.revisions.filter(action="concern.closed").exists()


def test_close_a_closed_concern_again_is_refused_R_CONC_02(log, holder):
    concern = finish(make_concern(log))

    with pytest.raises(ValidationError):
        close_concern(concern, by=holder)


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome.DESIRED_EFFECT,
        Outcome.SOME_EFFECT,
        Outcome.NO_EFFECT,
        Outcome.REGISTERED_IN_ERROR,
    ],
)
def test_evaluate_measure_records_the_outcome_text_and_childs_voice_R_MEAS_03_R_LOG_07(
    log, holder, outcome
):
    measure = make_concern(log).measures.get()

    evaluation = evaluate(measure, outcome=outcome)

    assert evaluation.outcome == outcome
    assert evaluation.text == "Tiltaket virket"
    assert evaluation.child_voice == "Det hjalp"
    assert evaluation.evaluated_by == holder
    assert reload(measure).status == MeasureStatus.EVALUATED
    assert AuditEvent.objects.get(action="measure.evaluated").data == {"outcome": outcome}


def test_evaluate_measure_twice_is_refused_R_MEAS_03(log):
    measure = make_concern(log).measures.get()
    evaluate(measure, outcome=Outcome.SOME_EFFECT)

    with pytest.raises(ValidationError):
        evaluate(measure, outcome=Outcome.NO_EFFECT)

    assert Evaluation.objects.get(measure=measure).outcome == Outcome.SOME_EFFECT


def test_evaluate_measure_with_outcome_deadline_passed_is_refused_R_MEAS_03_R_MEAS_04(log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        evaluate(measure, outcome=Outcome.DEADLINE_PASSED)

    assert "outcome" in error_fields(excinfo)
    assert reload(measure).is_open


def test_evaluate_measure_with_an_unknown_outcome_is_refused_R_MEAS_03(log):
    measure = make_concern(log).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        evaluate(measure, outcome="brilliant")

    assert "outcome" in error_fields(excinfo)


def test_evaluate_measure_without_a_text_is_refused_R_MEAS_03(log, holder):
    measure = make_concern(log).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        evaluate_measure(measure, by=holder, outcome=Outcome.NO_EFFECT, text="   ")

    assert "text" in error_fields(excinfo)
    assert reload(measure).is_open


def test_add_measure_based_on_an_evaluated_one_links_the_follow_up_R_MEAS_03(log, holder):
    concern = make_concern(log)
    first = concern.measures.get()
    evaluate(first, outcome=Outcome.SOME_EFFECT)

    follow_up = add_measure(concern, by=holder, based_on=first, **measure_fields(log))

    assert follow_up.based_on == first
    assert list(first.follow_ups.all()) == [follow_up]
    revision = log.revisions.get(action="measure.created", object_id=follow_up.pk)
    assert revision.after["based_on"] == first.pk


def test_add_measure_based_on_a_measure_of_another_concern_is_refused_R_MEAS_03(log, holder):
    concern = make_concern(log)
    other = make_concern(log, description="En annen bekymring").measures.get()

    with pytest.raises(ValidationError):
        add_measure(concern, by=holder, based_on=other, **measure_fields(log))

    assert concern.measures.count() == 1


def test_add_measure_to_a_closed_concern_is_refused_R_MEAS_01(log, holder):
    concern = finish(make_concern(log))

    with pytest.raises(ReadOnlyError):
        add_measure(concern, by=holder, **measure_fields(log))


def test_add_measure_without_a_deadline_is_refused_R_MEAS_01(log, holder):
    concern = make_concern(log)

    with pytest.raises(ValidationError) as excinfo:
        add_measure(concern, by=holder, **{**measure_fields(log), "deadline": None})

    assert "deadline" in error_fields(excinfo)


def test_mark_deadline_passed_before_the_deadline_is_refused_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=today()).measures.get()

    with pytest.raises(ValidationError):
        mark_deadline_passed(measure, by=holder)

    assert reload(measure).is_open


def test_mark_deadline_passed_on_an_overdue_measure_closes_it_without_effect_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()

    evaluation = mark_deadline_passed(measure, by=holder)

    assert evaluation.outcome == Outcome.DEADLINE_PASSED
    assert evaluation.text
    assert reload(measure).status == MeasureStatus.EVALUATED


def test_mark_deadline_passed_on_an_evaluated_measure_is_refused_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()
    evaluate(measure)

    with pytest.raises(ValidationError):
        mark_deadline_passed(measure, by=holder)

    assert Evaluation.objects.get(measure=measure).outcome == Outcome.DESIRED_EFFECT


def test_extend_deadline_to_a_past_date_is_refused_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-2)).measures.get()

    with pytest.raises(ValidationError) as excinfo:
        extend_deadline(measure, by=holder, deadline=in_days(-1))

    assert "deadline" in error_fields(excinfo)
    assert reload(measure).deadline == in_days(-2)


def test_extend_deadline_gives_an_overdue_measure_a_new_deadline_R_MEAS_04(log, holder):
    measure = make_concern(log, deadline=in_days(-2)).measures.get()

    extend_deadline(measure, by=holder, deadline=in_days(14))

    measure = reload(measure)
    assert measure.deadline == in_days(14)
    assert not measure.is_overdue()
    assert log.revisions.get(action="measure.edited").before == {
        "deadline": in_days(-2).isoformat()
    }


def test_extend_deadline_of_an_evaluated_measure_is_refused_R_MEAS_04_R_LOG_08(log, holder):
    measure = make_concern(log, deadline=in_days(-2)).measures.get()
    evaluate(measure)

    with pytest.raises(ReadOnlyError):
        extend_deadline(measure, by=holder, deadline=in_days(14))


def test_a_measure_past_its_deadline_and_not_evaluated_is_overdue_R_MEAS_02(log):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()

    assert measure.is_overdue()
    assert not measure.is_overdue(today=in_days(-1))


def test_a_measure_due_today_is_not_overdue_R_MEAS_02(log):
    measure = make_concern(log, deadline=today()).measures.get()

    assert not measure.is_overdue()


def test_an_evaluated_measure_is_never_overdue_R_MEAS_02(log):
    measure = make_concern(log, deadline=in_days(-1)).measures.get()
    evaluate(measure)

    assert not reload(measure).is_overdue()


def test_update_concern_keeps_the_old_text_in_the_history_R_LOG_08(log, holder):
    concern = make_concern(log, description="Gammel beskrivelse")

    update_concern(concern, by=holder, description="Ny beskrivelse", version=concern.version)

    concern = reload(concern)
    assert concern.description == "Ny beskrivelse"
    assert concern.version == 2
    revision = log.revisions.get(action="concern.edited")
    assert revision.before == {"description": "Gammel beskrivelse"}
    assert revision.after == {"description": "Ny beskrivelse"}


def test_update_concern_never_writes_the_case_text_into_the_audit_trail_R_SEC_01(log, holder):
    concern = make_concern(log, description="Gammel beskrivelse")

    update_concern(concern, by=holder, description="Hemmelig ny tekst")

    assert AuditEvent.objects.get(action="concern.edited").data == {"fields": ["description"]}
    assert "Hemmelig" not in all_audit_text()


def test_update_measure_keeps_the_old_text_in_the_history_R_LOG_08(log, holder):
    measure = make_concern(log).measures.get()

    update_measure(measure, by=holder, description="Ny plan", version=measure.version)

    assert reload(measure).description == "Ny plan"
    revision = log.revisions.get(action="measure.edited")
    assert revision.before == {"description": "Lesegruppe to ganger i uka"}
    assert revision.after == {"description": "Ny plan"}


def test_update_measure_records_changed_actors_in_the_history_R_LOG_08(log, holder, actor):
    measure = make_concern(log).measures.get()

    update_measure(measure, by=holder, actors=[actor])

    assert list(measure.actors.all()) == [actor]
    assert log.revisions.get(action="measure.edited").after == {"actors": [actor.pk]}


def test_update_an_evaluated_measure_is_refused_R_LOG_08(log, holder):
    measure = make_concern(log).measures.get()
    evaluate(measure)

    with pytest.raises(ReadOnlyError):
        update_measure(measure, by=holder, description="For sent")

    assert reload(measure).description == "Lesegruppe to ganger i uka"


def test_update_a_closed_concern_is_refused_R_LOG_08(log, holder):
    concern = finish(make_concern(log, description="Avsluttet tekst"))

    with pytest.raises(ReadOnlyError):
        update_concern(concern, by=holder, description="For sent")

    assert reload(concern).description == "Avsluttet tekst"
