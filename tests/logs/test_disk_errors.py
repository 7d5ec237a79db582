"""A disk that refuses a consent file loses nothing the person typed and saves nothing half
(R-GEN-04, R-LOG-02; issue 7, item 9): a message next to the file field, never a 500; no
log without its consent file, and no file without its consent.
"""

import errno
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from logs import services
from logs.models import Child, Consent, Guardian, Log
from logs.services import _common as services_common
from notifications.models import OutgoingEmail
from tests.factories import pdf_upload
from tests.logs.views.helpers import field_error, new_log_data

CREATE = "/logger/ny/"
DISK_ERROR = "Filen kunne ikke lagres"


def files_under(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def full_disk(monkeypatch):
    """Every write to the upload folder fails as on a full disk, after writing a little."""

    def refuse(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as half:
            half.write(b"%PDF-1.")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)


@pytest.fixture
def unwritable_folder(settings, tmp_path):
    """The upload folder really cannot be written to: a file stands where its folders should
    be (a read-only mode would not stop root, who runs the tests in CI containers)."""
    settings.MEDIA_ROOT = tmp_path / "blocked"
    settings.MEDIA_ROOT.mkdir()
    for folder in ("consents", "held"):
        (settings.MEDIA_ROOT / folder).write_bytes(b"not a folder")
    return settings.MEDIA_ROOT


def consent_data(**changes) -> dict:
    data = {
        "file": pdf_upload(),
        "valid_until": (timezone.localdate() + timedelta(days=200)).isoformat(),
        "given_by": "guardians",
    }
    return data | changes


def assert_nothing_saved(settings) -> None:
    assert not Consent.objects.exists()
    assert not any(p.parent.name in ("consents", "held") for p in files_under(settings.MEDIA_ROOT))


# --- the consent page -------------------------------------------------------------------


def test_a_disk_error_on_the_consent_page_is_a_message_at_the_file_field_R_GEN_04_R_LOG_02(
    client, holder, log, settings, full_disk
):
    client.force_login(holder)
    valid_until = (timezone.localdate() + timedelta(days=123)).isoformat()

    response = client.post(f"/logger/{log.pk}/samtykke/", consent_data(valid_until=valid_until))

    assert response.status_code == 200
    html = response.content.decode()
    assert DISK_ERROR in field_error(html, "id_file")
    assert f'value="{valid_until}"' in html
    assert_nothing_saved(settings)


def test_a_really_unwritable_folder_on_the_consent_page_is_a_message_R_GEN_04_R_LOG_02(
    client, holder, log, unwritable_folder
):
    client.force_login(holder)

    response = client.post(f"/logger/{log.pk}/samtykke/", consent_data())

    assert response.status_code == 200
    assert DISK_ERROR in field_error(response.content.decode(), "id_file")
    assert not Consent.objects.exists()


# --- the new-log page -------------------------------------------------------------------


def test_a_disk_error_when_creating_a_log_saves_nothing_and_keeps_what_was_typed_R_GEN_04(
    client, holder, unit, settings, full_disk
):
    client.force_login(holder)

    response = client.post(CREATE, new_log_data(unit))

    assert response.status_code == 200
    html = response.content.decode()
    assert DISK_ERROR in field_error(html, "id_consent-file")
    for typed in ("Sara", "Stafett", "Skoleveien 1", "Gunn", "Geir", "912 34 567"):
        assert f'value="{typed}"' in html, typed
    assert not Log.objects.exists()
    assert not Child.objects.exists()
    assert not Guardian.objects.exists()
    assert not OutgoingEmail.objects.exists()  # no invitation for a log that does not exist
    assert_nothing_saved(settings)


def test_a_really_unwritable_folder_when_creating_a_log_is_a_message_R_GEN_04_R_LOG_02(
    client, holder, unit, unwritable_folder
):
    client.force_login(holder)

    response = client.post(CREATE, new_log_data(unit))

    assert response.status_code == 200
    html = response.content.decode()
    assert DISK_ERROR in field_error(html, "id_consent-file")
    assert 'value="Sara"' in html
    assert not Log.objects.exists()


def test_after_a_disk_error_the_log_can_be_saved_without_the_consent_R_LOG_01(
    client, holder, unit, full_disk
):
    client.force_login(holder)
    client.post(CREATE, new_log_data(unit))

    response = client.post(CREATE, new_log_data(unit, consent=False))

    assert response.status_code == 302
    assert Log.objects.count() == 1


# --- the service: the file is the last thing written -------------------------------------


def test_a_failure_before_the_file_is_written_leaves_no_file_R_LOG_02(
    holder, log, settings, monkeypatch
):
    def broken_audit(**kwargs):
        if kwargs.get("action") == "consent.uploaded":
            raise RuntimeError("the database went away")

    monkeypatch.setattr(services_common, "record", broken_audit)

    with pytest.raises(RuntimeError):
        services.upload_consent(log, by=holder, file=pdf_upload(), valid_until=timezone.localdate())

    assert files_under(settings.MEDIA_ROOT) == []


def test_a_half_written_file_is_removed_when_the_disk_fails_R_LOG_02(
    holder, log, settings, full_disk
):
    with pytest.raises(ValidationError) as refused:
        services.upload_consent(log, by=holder, file=pdf_upload(), valid_until=timezone.localdate())

    assert set(refused.value.message_dict) == {"file"}
    assert files_under(settings.MEDIA_ROOT) == []
