"""What a key of kept HTML is made of (common.kept_html.plain, issue 9): plain values as they
are, whatever the order the checks run in, and each dataclass row by its own fields. The
leader's staff table (R-LEAD-02) and the layout's navigation (R-GEN-07) are kept under such
keys: a key that missed a field would show a stale row."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.utils.safestring import mark_safe

from common.kept_html import digest, plain
from logs.enums import Level
from organisations.enums import Role


@dataclass(frozen=True)
class _Row:
    pk: int
    name: str
    at: datetime
    day: date
    flag: bool
    share: float
    none: None
    role: Role


@dataclass(frozen=True)
class _Other:
    pk: int
    label: str


AT = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


def test_a_row_is_its_fields_in_order_with_enums_as_values_R_LEAD_02():
    row = _Row(7, "Åse", AT, date(2026, 12, 3), True, 0.5, None, Role.ACTOR)

    assert plain(row) == ("_Row", 7, "Åse", AT, date(2026, 12, 3), True, 0.5, None, "actor")


def test_each_dataclass_gives_its_own_fields_R_GEN_07():
    assert plain(
        [_Other(1, "a"), _Row(2, "b", AT, date(2026, 1, 1), False, 1.0, None, Role.HOLDER)]
    ) == (
        ("_Other", 1, "a"),
        ("_Row", 2, "b", AT, date(2026, 1, 1), False, 1.0, None, "holder"),
    )


def test_subclasses_of_plain_types_are_their_plain_value():
    """An enum member that is an int or a str, and a safe string, are keyed on their value."""
    assert plain(Level.TWO) == Level.TWO.value and type(plain(Level.TWO)) is int
    assert plain(mark_safe("<b>x</b>")) == "<b>x</b>"
    assert digest([Role.HOLDER]) == digest(["holder"])


def test_a_row_changes_its_key_when_any_field_does_R_LEAD_02():
    row = _Row(7, "Åse", AT, date(2026, 12, 3), True, 0.5, None, Role.ACTOR)
    changed = _Row(7, "Åse", AT, date(2026, 12, 3), False, 0.5, None, Role.ACTOR)

    assert digest([row]) != digest([changed])


def test_anything_else_is_refused():
    with pytest.raises(TypeError, match="give its fields"):
        plain({"a": 1})


def test_a_tuple_of_rows_takes_plain_items_as_they_are_and_the_rest_through_plain():
    """The rows of a query are mostly plain values, taken as they are (issue 9); an enum, a
    lazy translation or a nested row among them is still made plain."""
    from django.utils.translation import gettext_lazy

    rows = [(1, "a", AT, None, True), (2, Role.HOLDER, gettext_lazy("Rolle"), (3, Level.TWO))]
    assert plain(rows) == ((1, "a", AT, None, True), (2, "holder", "Rolle", (3, 2)))
    assert type(plain(rows)[1][3][1]) is int
    with pytest.raises(TypeError, match="give its fields"):
        plain([(1, {"a": 1})])
