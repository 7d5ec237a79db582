"""Queries compiled once per process (common.compiled, issue 9): the same rows as the
queryset they stand for, for any person; refused when the SQL depends on more than the
values given."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from common.compiled import CompiledObjects, CompiledRows, NotCompilable
from logs.models import Log
from notes.models import Note
from notes.services import create_note
from tests.factories import UserFactory


def _notes(shape, owner):
    return (
        Note.objects.filter(owner_id=owner).order_by("pk").values_list("pk", "text", "updated_at")
    )


def test_the_rows_are_the_querysets_for_each_person_issue_9(db):
    anna, bror = UserFactory(), UserFactory()
    create_note(by=anna, text="Annas notat")
    create_note(by=bror, text="Brors første")
    create_note(by=bror, text="Brors andre")
    compiled = CompiledRows(Note, _notes)

    for person in (anna, bror, anna):
        # Dates come back as dates, as the queryset gives them, on SQLite too.
        assert compiled.rows("all", person.pk) == list(_notes("all", person.pk))
    assert compiled.rows("all", UserFactory().pk) == []


def test_the_sql_is_compiled_once_per_shape_issue_9(db):
    built = []

    def build(shape, owner):
        built.append(shape)
        return _notes(shape, owner)

    compiled = CompiledRows(Note, build)
    for _ in range(3):
        compiled.rows("a", 1)
        compiled.rows("b", 1)

    assert built == ["a", "a", "b", "b"]  # twice each: the check that only the values move


def test_a_query_with_a_value_of_its_own_is_refused_issue_9(db):
    """A time in the SQL would be frozen at the first call: refused instead."""
    compiled = CompiledRows(
        Note,
        lambda shape, owner: Note.objects.filter(
            owner_id=owner, created_at__lt=timezone.now()
        ).values_list("pk"),
    )

    with pytest.raises(NotCompilable):
        compiled.rows("recent", 1)


def test_an_empty_queryset_gives_no_rows_and_asks_nothing_issue_9(db, django_assert_num_queries):
    compiled = CompiledRows(Note, lambda shape, owner: Note.objects.none().values_list("pk"))

    with django_assert_num_queries(0):
        assert compiled.rows("none", 1) == []


def test_an_id_no_column_can_hold_finds_nothing_issue_9(db, django_assert_num_queries):
    """An address typed by hand with a huge id is a 404, not a database error."""
    compiled = CompiledRows(Note, _notes)

    with django_assert_num_queries(0):
        assert compiled.rows("all", 2**63) == []


def test_objects_come_with_their_relations_as_select_related_gives_them_issue_9(
    log, holder, django_assert_num_queries
):
    compiled = CompiledObjects(
        Log,
        lambda shape, pk: Log.objects.filter(pk=pk),
        related=("child", "unit__municipality", "unit", "holder"),
    )
    expected = Log.objects.select_related("child", "unit__municipality", "holder").get(pk=log.pk)

    with django_assert_num_queries(1):
        (found,) = compiled.get("one", log.pk)
        seen = (found.child, found.unit, found.unit.municipality, found.holder)

    assert found == expected
    assert [obj.pk for obj in seen] == [
        log.child_id,
        log.unit_id,
        log.unit.municipality_id,
        holder.pk,
    ]
    assert found.created_at == expected.created_at  # a date as a date, on SQLite too
    assert found.child.first_name == expected.child.first_name
    assert not found._state.adding
    assert compiled.get("one", log.pk + 1000) == []


def test_a_value_of_a_positive_column_is_found_issue_9(log):
    """The stand-ins are positive: Django makes a lookup of a negative value on a positive
    column an empty query, which would have been kept as 'no rows' for everyone."""
    compiled = CompiledRows(
        Log, lambda shape, version: Log.objects.filter(version=version).values_list("pk")
    )

    assert compiled.rows("by version", log.version) == [(log.pk,)]


def test_a_query_the_stand_ins_make_empty_is_refused_not_kept_as_empty_issue_9(db):
    """Only `.none()` is kept as 'no rows'; a query that the stand-ins happen to empty (as a
    value its column cannot hold does) would answer nothing to everyone."""
    compiled = CompiledRows(
        Log,
        lambda shape, pk: Log.objects.filter(pk__in=[pk] if pk < 10**9 else []).values_list("pk"),
    )

    with pytest.raises(NotCompilable):
        compiled.rows("odd", 1)


def test_a_query_with_todays_date_is_compiled_anew_each_day_issue_9(log, monkeypatch):
    """A date changes too slowly for the two builds to see: the SQL is kept per day."""
    compiled = CompiledRows(
        Log,
        lambda shape, pk: Log.objects.filter(
            pk=pk, created_at__date__gt=timezone.localdate()
        ).values_list("pk"),
    )
    assert compiled.rows("future", log.pk) == []

    yesterday = timezone.localdate() - timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: yesterday)

    assert compiled.rows("future", log.pk) == [(log.pk,)]
    assert len(compiled._kept) == 1  # the other day's SQL is dropped, not kept forever


def test_columns_django_adds_for_its_own_ordering_are_left_out_issue_9(db):
    owner = UserFactory()
    create_note(by=owner, text="Et notat")
    compiled = CompiledRows(
        Note,
        lambda shape, owner_id: (
            Note.objects.filter(owner_id=owner_id)
            .order_by("updated_at")
            .distinct()
            .values_list("text")
        ),
    )

    assert compiled.rows("texts", owner.pk) == [("Et notat",)]


def test_objects_carry_the_querysets_annotations_issue_9(log, holder):
    """As the person is read on every request: with what is annotated (accounts.backends)."""
    compiled = CompiledObjects(
        Log,
        lambda shape, pk: Log.objects.filter(pk=pk).annotate(
            holder_email=F("holder__email"), next_version=F("version") + 1
        ),
    )

    (found,) = compiled.get("annotated", log.pk)

    assert (found.holder_email, found.next_version) == (holder.email, log.version + 1)
