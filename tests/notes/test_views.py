"""Personal notes through the pages (R-NOTE-01): own notes only, saved with a version check."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notes.models import Note
from notes.services import create_note, update_note
from notes.views import PAGE_SIZE
from tests.pages import active_just_now

LIST = "/notater/"
CREATE = "/notater/ny/"
SENTINEL = "PRIVAT-SENTINEL"


def _edit(note) -> str:
    return f"/notater/{note.pk}/"


def _delete(note) -> str:
    return f"/notater/{note.pk}/slett/"


def test_creating_a_note_saves_it_and_confirms_R_NOTE_01(client, holder):
    client.force_login(holder)

    response = client.post(CREATE, {"text": "Ringe PPT\nOm kartleggingen"}, follow=True)

    note = Note.objects.get(owner=holder)
    assert note.text == "Ringe PPT\nOm kartleggingen"
    assert response.redirect_chain[-1][0] == LIST
    html = response.content.decode()
    assert "Notatet er lagret." in html
    assert "Ringe PPT" in html


def test_a_note_can_be_created_from_the_list_page_R_NOTE_01(client, actor):
    client.force_login(actor)

    response = client.post(LIST, {"text": "Husk møtet"}, follow=True)

    assert Note.objects.get(owner=actor).text == "Husk møtet"
    assert "Notatet er lagret." in response.content.decode()


def test_an_empty_note_is_refused_and_shown_next_to_the_field_R_NOTE_01(client, holder):
    client.force_login(holder)

    response = client.post(CREATE, {"text": "   "})

    assert response.status_code == 200
    assert "Notatet kan ikke være tomt." in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.parametrize("persona", ["holder", "leader", "actor", "guardian_user"])
def test_every_signed_in_role_may_keep_notes_R_NOTE_01(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    client.post(CREATE, {"text": f"Notat fra {persona}"})

    assert Note.objects.get(owner=user).text == f"Notat fra {persona}"
    assert client.get(LIST).status_code == 200


def test_edit_page_shows_the_text_and_the_version_R_NOTE_01(client, holder):
    note = create_note(by=holder, text="Første utkast")
    client.force_login(holder)

    html = client.get(_edit(note)).content.decode()

    assert "Første utkast" in html
    assert 'name="version" value="1"' in html


def test_editing_a_note_saves_the_new_text_R_NOTE_01(client, holder):
    note = create_note(by=holder, text="Første utkast")
    client.force_login(holder)

    response = client.post(_edit(note), {"text": "Andre utkast", "version": 1}, follow=True)

    note.refresh_from_db()
    assert note.text == "Andre utkast"
    assert note.version == 2
    assert "Notatet er lagret." in response.content.decode()


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_typed_text_R_SEC_05(client, holder):
    note = create_note(by=holder, text="Første utkast")
    update_note(note, by=holder, text="Endret i en annen fane", version=1)
    client.force_login(holder)

    response = client.post(_edit(note), {"text": "Min tekst som ikke må gå tapt", "version": 1})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Noen andre har endret dette mens du skrev." in html
    assert "Min tekst som ikke må gå tapt</textarea>" in html
    # The message is at the top, before the textarea.
    assert html.index("Noen andre har endret") < html.index("<textarea")
    note.refresh_from_db()
    assert note.text == "Endret i en annen fane"


def test_delete_asks_first_and_deletes_on_post_R_NOTE_01(client, holder):
    note = create_note(by=holder, text="Kan slettes")
    client.force_login(holder)

    confirm = client.get(_delete(note))
    assert confirm.status_code == 200
    assert "Vil du slette notatet" in confirm.content.decode()
    assert Note.objects.filter(pk=note.pk).exists()

    response = client.post(_delete(note), follow=True)

    assert not Note.objects.filter(pk=note.pk).exists()
    assert response.redirect_chain[-1][0] == LIST
    assert "Notatet er slettet." in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [_edit, _delete])
def test_another_users_note_is_not_found_R_NOTE_01(client, holder, other_holder, url, method):
    note = create_note(by=holder, text=SENTINEL)
    client.force_login(other_holder)

    response = getattr(client, method)(url(note), {"text": "Overskrevet", "version": 1})

    assert response.status_code == 404
    assert SENTINEL not in response.content.decode()
    note.refresh_from_db()
    assert note.text == SENTINEL


def test_another_users_note_never_appears_on_a_page_R_NOTE_01(client, holder, other_holder, leader):
    """User A's note text never appears on any page user B can GET (home, notes list)."""
    create_note(by=holder, text=f"{SENTINEL} om et barn")
    for reader in (other_holder, leader):
        client.force_login(reader)
        for url in ("/", LIST, CREATE):
            response = client.get(url)
            assert response.status_code == 200, url
            assert SENTINEL not in response.content.decode(), (reader, url)
    client.force_login(holder)
    assert SENTINEL in client.get("/").content.decode()


def test_holders_min_side_lists_own_notes_with_links_R_NOTE_01(client, holder):
    note = create_note(by=holder, text="Møte med helsesykepleier\nDetaljer")
    client.force_login(holder)

    html = client.get("/").content.decode()

    assert f'href="{_edit(note)}">Møte med helsesykepleier</a>' in html
    assert f'href="{CREATE}"' in html
    assert "Detaljer" not in html


def test_user_menu_links_to_notes_for_every_role_R_NOTE_01(client, actor):
    client.force_login(actor)
    assert f'href="{LIST}"' in client.get("/").content.decode()


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [LIST, "/"])
def test_notes_pages_use_the_same_number_of_queries_for_1_3_and_many_notes_R_NOTE_01(
    client, holder, url
):
    """Many: more than the list's page (PAGE_SIZE) and Min side (HOME_NOTES) show."""
    client.force_login(holder)
    create_note(by=holder, text="Ett")
    client.get(url)  # warm up the session and caches
    with_one = _queries_for(client, url)
    create_note(by=holder, text="To")
    create_note(by=holder, text="Tre")
    with_three = _queries_for(client, url)
    for n in range(PAGE_SIZE):
        create_note(by=holder, text=f"Notat {n}")

    assert with_three == with_one
    assert _queries_for(client, url) == with_one


def _posted_queries(client) -> int:
    active_just_now(client)  # a slow setup would make the page stamp it
    with CaptureQueriesContext(connection) as queries:
        response = client.post(CREATE, {"text": "Ring foresatte i morgen.\nOm møtet."})
    assert response.status_code == 302
    return len(queries)


def test_saving_a_note_costs_the_same_queries_with_1_3_and_many_notes_R_NOTE_01(client, holder):
    """The benchmark's write: a new note posted by a person who has 1, 3 or more notes
    than their list shows on a page."""
    client.force_login(holder)
    client.get(LIST)  # the first request after login stamps the session
    create_note(by=holder, text="Ett")
    counts = [_posted_queries(client)]
    create_note(by=holder, text="Tre")  # the third, with the one posted
    counts.append(_posted_queries(client))
    for n in range(PAGE_SIZE):
        create_note(by=holder, text=f"Notat {n}")
    counts.append(_posted_queries(client))
    assert Note.objects.filter(owner=holder).count() == PAGE_SIZE + 5
    assert counts == [counts[0]] * 3


def test_min_side_lists_the_five_latest_notes_newest_first_R_NOTE_01(client, holder):
    """Min side's notes come from a query compiled once (notes.queries.latest_notes): the
    same notes, in the same order, as the person's own notes page begins with."""
    notes = [create_note(by=holder, text=f"Notat nummer {n}") for n in range(7)]
    Note.objects.filter(pk=notes[0].pk).update(updated_at=timezone.now() + timedelta(hours=1))
    client.force_login(holder)

    html = client.get("/").content.decode()

    shown = [n for n in range(7) if f">Notat nummer {n}</a>" in html]
    assert shown == [0, 3, 4, 5, 6]
    order = [html.index(f">Notat nummer {n}</a>") for n in (0, 6, 5, 4, 3)]
    assert order == sorted(order)
