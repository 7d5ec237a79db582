"""Queries compiled once per process (common.compiled, issue 9): the same rows as the
queryset they stand for, for any person; refused when the SQL depends on more than the
values given."""

import pytest
from django.utils import timezone

from accounts.models import User
from common.compiled import CompiledRows, NotCompilable
from notes.models import Note
from notes.services import create_note
from tests.factories import UserFactory


def _notes(shape, owner):
    return Note.objects.filter(owner=owner).order_by("pk").values_list("pk", "text", "updated_at")


def test_the_rows_are_the_querysets_for_each_person_issue_9(db):
    anna, bror = UserFactory(), UserFactory()
    create_note(by=anna, text="Annas notat")
    create_note(by=bror, text="Brors første")
    create_note(by=bror, text="Brors andre")
    compiled = CompiledRows(Note, _notes, value_model=User)

    for person in (anna, bror, anna):
        # Dates come back as dates, as the queryset gives them, on SQLite too.
        assert compiled.rows("all", person.pk) == list(_notes("all", person))
    assert compiled.rows("all", UserFactory().pk) == []


def test_the_sql_is_compiled_once_per_shape_issue_9(db, monkeypatch):
    built = []

    def build(shape, owner):
        built.append(shape)
        return _notes(shape, owner)

    compiled = CompiledRows(Note, build, value_model=User)
    for _ in range(3):
        compiled.rows("a", 1)
        compiled.rows("b", 1)

    assert built == ["a", "a", "b", "b"]  # twice each: the check that only the values move


def test_a_query_with_a_value_of_its_own_is_refused_issue_9(db):
    """A time in the SQL would be frozen at the first call: refused instead."""
    compiled = CompiledRows(
        Note,
        lambda shape, owner: Note.objects.filter(
            owner=owner, created_at__lt=timezone.now()
        ).values_list("pk"),
        value_model=User,
    )

    with pytest.raises(NotCompilable):
        compiled.rows("recent", 1)


def test_an_empty_queryset_gives_no_rows_and_asks_nothing_issue_9(db, django_assert_num_queries):
    compiled = CompiledRows(Note, lambda shape, owner: Note.objects.none().values_list("pk"))

    with django_assert_num_queries(0):
        assert compiled.rows("none", 1) == []
