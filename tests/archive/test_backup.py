"""Backup and restore (issue 11, item 5): `manage.py backup` takes the database and the
upload folder together; restored into a fresh database and folder, the same log, consent
file and audit trail are served. On SQLite always; on PostgreSQL when the suite runs there
(pg_dump and pg_restore are Debian's postgresql-client)."""

import shutil
import tarfile
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from logs import services
from logs.models import Consent, Log
from tests.factories import make_log, make_pdf, pdf_upload
from tests.logs.views.helpers import detail_url, login, page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _tools():
    if connection.vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("pg_dump / pg_restore are not installed")


def audit_trail() -> list[tuple]:
    return list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "log_id"))


def test_a_restored_backup_serves_the_same_log_consent_and_audit_trail(
    client, holder, unit, tmp_path, settings
):
    log = make_log(holder, unit)
    content = make_pdf(pages=2)
    consent = services.upload_consent(
        log,
        by=holder,
        file=pdf_upload(content=content),
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    trail = audit_trail()
    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    backup = Path(out.getvalue().split("Backup written: ")[1].strip())
    with tarfile.open(backup) as archive:
        names = archive.getnames()
    assert "manifest.json" in names
    assert f"uploads/{consent.file.name}" in names

    # A fresh database and an empty upload folder.
    call_command("flush", interactive=False, verbosity=0)
    assert not Log.objects.exists()
    settings.MEDIA_ROOT = tmp_path / "new-uploads"

    call_command("restore", str(backup), stdout=StringIO())

    assert audit_trail() == trail
    restored = Log.objects.get(pk=log.pk)
    assert restored.child.full_name == log.child.full_name
    login(client, holder)
    assert log.child.full_name in page(client.get(detail_url(restored)))
    response = client.get(f"/logger/samtykke/{consent.pk}/fil/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert Consent.objects.get(pk=consent.pk).file.name == consent.file.name


def test_restore_refuses_a_damaged_backup_and_changes_nothing(holder, unit, tmp_path, settings):
    log = make_log(holder, unit)
    services.upload_consent(
        log, by=holder, file=pdf_upload(), valid_until=timezone.localdate() + timedelta(days=30)
    )
    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    backup = Path(out.getvalue().split("Backup written: ")[1].strip())
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(backup) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if data is not None and member.name.endswith(".pdf"):
                body = b"%PDF-broken"
                member.size = len(body)
                target.addfile(member, BytesIO(body))
            else:
                target.addfile(member, data)
    settings.MEDIA_ROOT = tmp_path / "empty"
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), stdout=StringIO())
    assert Log.objects.filter(pk=log.pk).exists()


def test_restore_refuses_an_upload_folder_that_is_not_empty(holder, unit, tmp_path, settings):
    make_log(holder, unit)
    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    backup = Path(out.getvalue().split("Backup written: ")[1].strip())
    settings.MEDIA_ROOT = tmp_path / "busy"
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "something").write_bytes(b"x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), stdout=StringIO())
