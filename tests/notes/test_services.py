"""Personal notes: private to their author, tied to nothing, their text never audited
(R-NOTE-01, R-SEC-01, R-SEC-05)."""

import json

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from common.errors import ConflictError
from notes.models import Note
from notes.queries import notes_visible_to
from notes.services import create_note, delete_note, update_note

SECRET = "Ring BUP om HEMMELIG-SENTINEL"


def audit_dump() -> str:
    return json.dumps(
        [[e.action, e.object_type, e.object_id, e.data] for e in AuditEvent.objects.all()]
    )


def test_create_note_stores_the_trimmed_text_for_its_author_R_NOTE_01(holder):
    note = create_note(by=holder, text=f"  {SECRET}\nmer tekst  ")

    assert note.owner == holder
    assert note.text == f"{SECRET}\nmer tekst"
    assert note.title == SECRET
    assert note.version == 1


@pytest.mark.parametrize("persona", ["holder", "actor", "guardian_user"])
def test_holders_actors_and_guardians_can_keep_notes_R_NOTE_01(request, persona):
    user = request.getfixturevalue(persona)

    note = create_note(by=user, text="Husk møtet")

    assert list(notes_visible_to(user)) == [note]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_create_note_with_empty_text_is_refused_R_NOTE_01(holder, text):
    with pytest.raises(ValidationError) as excinfo:
        create_note(by=holder, text=text)

    assert "text" in excinfo.value.message_dict
    assert not Note.objects.exists()


def test_update_note_changes_the_text_and_the_version_R_NOTE_01(holder):
    note = create_note(by=holder, text="Første utkast")

    update_note(note, by=holder, text="Andre utkast", version=note.version)

    note.refresh_from_db()
    assert note.text == "Andre utkast"
    assert note.version == 2


def test_update_note_with_empty_text_is_refused_and_the_old_text_stays_R_NOTE_01(holder):
    note = create_note(by=holder, text="Første utkast")

    with pytest.raises(ValidationError) as excinfo:
        update_note(note, by=holder, text="  ")

    assert "text" in excinfo.value.message_dict
    note.refresh_from_db()
    assert note.text == "Første utkast"


def test_update_note_with_a_stale_version_is_a_conflict_and_the_first_save_survives_R_SEC_05(
    holder,
):
    note = create_note(by=holder, text="Utkast")
    seen = note.version
    update_note(note, by=holder, text="Først lagret", version=seen)

    with pytest.raises(ConflictError):
        update_note(note, by=holder, text="Andre forsøk", version=seen)

    note.refresh_from_db()
    assert note.text == "Først lagret"


def test_delete_note_removes_it_R_NOTE_01(holder):
    note = create_note(by=holder, text="Slett meg")

    delete_note(note, by=holder)

    assert not Note.objects.filter(pk=note.pk).exists()


def test_another_person_cannot_edit_or_delete_a_note_R_NOTE_01_R_ROLE_07(holder, other_holder):
    note = create_note(by=holder, text=SECRET)

    with pytest.raises(Note.DoesNotExist):
        update_note(note, by=other_holder, text="Overskrevet")
    with pytest.raises(Note.DoesNotExist):
        delete_note(note, by=other_holder)

    note.refresh_from_db()
    assert note.text == SECRET


@pytest.mark.parametrize("persona", ["other_holder", "leader", "actor", "outsider"])
def test_a_note_is_visible_to_nobody_but_its_author_R_NOTE_01(request, holder, persona):
    create_note(by=holder, text=SECRET)
    user = request.getfixturevalue(persona)

    assert not notes_visible_to(user).exists()


def test_a_note_is_tied_to_no_log_R_NOTE_01():
    field_names = {field.name for field in Note._meta.get_fields()}

    assert "log" not in field_names
    assert "meeting" not in field_names


def test_the_audit_trail_records_each_change_of_a_note_but_never_its_text_R_NOTE_01_R_SEC_01(
    holder,
):
    note = create_note(by=holder, text=SECRET)
    update_note(note, by=holder, text=f"{SECRET} endret")
    delete_note(note, by=holder)

    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["note.created", "note.deleted", "note.edited"]
    assert "HEMMELIG-SENTINEL" not in audit_dump()
    assert "BUP" not in audit_dump()
