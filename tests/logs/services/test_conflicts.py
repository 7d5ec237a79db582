"""Optimistic locking: someone else's save since the form was shown is a conflict (R-SEC-05)."""

import pytest

from common.errors import ConflictError
from logs.enums import (
    Level,
)
from logs.services import (
    set_level,
    update_child,
    update_concern,
    update_measure,
)
from tests.factories import (
    make_concern,
)
from tests.logs.services.helpers import (
    evaluate,
    reload,
)

# --- optimistic locking ---------------------------------------------------------------------


def test_update_concern_with_a_stale_version_is_a_conflict_and_the_first_save_survives_R_SEC_05(
    log, holder
):
    concern = make_concern(log)
    seen = concern.version
    update_concern(concern, by=holder, description="Først lagret", version=seen)

    with pytest.raises(ConflictError):
        update_concern(concern, by=holder, description="Andre forsøk", version=seen)

    assert reload(concern).description == "Først lagret"


def test_update_measure_with_a_stale_version_is_a_conflict_and_the_first_save_survives_R_SEC_05(
    log, holder
):
    measure = make_concern(log).measures.get()
    seen = measure.version
    update_measure(measure, by=holder, description="Først lagret", version=seen)

    with pytest.raises(ConflictError):
        update_measure(measure, by=holder, description="Andre forsøk", version=seen)

    assert reload(measure).description == "Først lagret"


def test_update_child_with_a_stale_version_is_a_conflict_and_the_first_save_survives_R_SEC_05(
    log, holder
):
    seen = log.version
    update_child(log, by=holder, address="Først lagret 1", version=seen)

    with pytest.raises(ConflictError):
        update_child(log, by=holder, address="Andre forsøk 2", version=seen)

    assert reload(log.child).address == "Først lagret 1"


def test_set_level_with_a_stale_version_is_a_conflict_R_SEC_05(log, holder):
    seen = log.version
    update_child(log, by=holder, address="Nyveien 3", version=seen)

    with pytest.raises(ConflictError):
        set_level(log, by=holder, level=Level.TWO, version=seen)

    assert reload(log).level == Level.ONE


def test_evaluating_a_measure_makes_an_earlier_edit_form_stale_R_SEC_05(log, holder):
    measure = make_concern(log).measures.get()
    seen = measure.version
    evaluate(measure)

    with pytest.raises(ConflictError):
        update_measure(measure, by=holder, description="Etter evaluering", version=seen)
