"""The holder's latest notes on Min side are rendered once per set of rows they show and
kept (home.views, common.splice.rendered_for_rows, issue 9): a note written, edited or
deleted shows on the next view, in the page's language, and a person never sees another's
notes (R-NOTE-01)."""

import pytest

from notes.services import create_note, delete_note, update_note
from tests.factories import MembershipFactory, UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

SECTION = "home/_notes.html"


@pytest.fixture
def seen(client, holder):
    """The holder has one note and has looked at Min side: its notes are kept."""
    create_note(by=holder, text="Ring foresatte\nOm møtet")
    client.force_login(holder)
    assert "Ring foresatte" in page_text(client, "/")
    return client


def test_the_notes_are_rendered_once_then_kept_R_NOTE_01(seen):
    response = seen.get("/")

    assert SECTION not in [t.name for t in response.templates]
    assert ">Ring foresatte</a>" in response.content.decode()


def test_a_new_note_shows_at_once_R_NOTE_01(seen, holder):
    create_note(by=holder, text="Bestill tolk")

    response = seen.get("/")
    assert SECTION in [t.name for t in response.templates]
    assert ">Bestill tolk</a>" in response.content.decode()


def test_an_edited_and_a_deleted_note_show_at_once_R_NOTE_01(seen, holder):
    note = holder.notes.get()
    update_note(note, by=holder, text="Ring foresatte i morgen", version=note.version)
    page = page_text(seen, "/")
    assert "Ring foresatte i morgen" in page

    delete_note(holder.notes.get(), by=holder)
    page = page_text(seen, "/")
    assert "Ring foresatte" not in page and "Du har ingen notater." in page


def test_the_kept_notes_follow_the_language_R_NOTE_01(seen):
    seen.cookies["django_language"] = "en"
    page = page_text(seen, "/")

    assert "Personal notes" in page and "Personlige notater" not in page


def test_another_holder_never_gets_the_kept_notes_R_NOTE_01(seen, client, unit):
    other = UserFactory(first_name="Olga", last_name="Annen")
    MembershipFactory(user=other, unit=unit, role="holder")
    seen.logout()
    client.force_login(other)

    page = page_text(client, "/")
    assert "Ring foresatte" not in page and "Du har ingen notater." in page
