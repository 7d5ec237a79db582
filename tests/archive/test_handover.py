"""A passive log's archive package: made by the worker, handed over atomically, retried
with backoff when the archive folder is missing or refuses, never lost (R-ARCH-01)."""

import importlib
import importlib.util
import io
import os
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from archive import arkivmelding, tasks
from archive.enums import HandoverStatus
from archive.models import ArchiveHandover
from archive.services import queue_handover, requeue_stale
from audit.models import AuditEvent
from logs import services
from logs.enums import LogStatus
from logs.models import Log
from tests.factories import VALID_NATIONAL_ID, make_concern

pytestmark = pytest.mark.django_db


def handover_tasks():
    return DBTaskResult.objects.filter(task_path=tasks.hand_over_log.module_path)


def packages(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def read_package(folder, log) -> dict[str, bytes]:
    with zipfile.ZipFile(folder / f"stafettlogg-{log.pk}.zip") as package:
        return {name: package.read(name) for name in package.namelist()}


def test_setting_a_log_passive_queues_its_handover_in_the_same_transaction_R_ARCH_01(log, holder):
    services.set_log_passive(log, by=holder, confirmed=True)
    handover = ArchiveHandover.objects.get(log=log)
    assert handover.status == HandoverStatus.PENDING
    assert handover.log_number == log.pk
    assert handover_tasks().filter(args_kwargs__args=[handover.pk]).count() == 1
    assert AuditEvent.objects.filter(action="log.archive_queued", log_id=log.pk).exists()


def test_a_passive_log_that_rolls_back_leaves_no_handover_R_ARCH_01(log, holder):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.set_log_passive(log, by=holder, confirmed=True)
        raise RuntimeError
    assert not ArchiveHandover.objects.exists()
    assert not handover_tasks().exists()


def test_a_refused_passive_queues_nothing_R_ARCH_01(log, holder):
    make_concern(log)
    with pytest.raises(ValidationError):
        services.set_log_passive(log, by=holder, confirmed=True)
    assert not ArchiveHandover.objects.exists()


def test_worker_hands_over_a_complete_package_R_ARCH_01(passive_log, archive_folder):
    """The real PDF/A (WeasyPrint) and the arkivmelding, in one zip in the folder."""
    handover = passive_log.archive_handover
    assert tasks.hand_over(handover.pk) == "handed_over"
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.HANDED_OVER
    assert handover.handed_over_at is not None
    assert handover.reference == f"stafettlogg-{passive_log.pk}.zip"
    assert packages(archive_folder) == [f"stafettlogg-{passive_log.pk}.zip"]
    files = read_package(archive_folder, passive_log)
    assert set(files) == {"arkivmelding.xml", f"stafettlogg-{passive_log.pk}.pdf"}
    xml = files["arkivmelding.xml"]
    assert_valid(xml)
    text = xml.decode()
    assert VALID_NATIONAL_ID in text  # in full: the archive package only
    assert passive_log.unit.municipality.org_number in text
    assert arkivmelding.title(passive_log) in text
    assert "Hanne Holder" in text  # the holder chain
    pdf = files[f"stafettlogg-{passive_log.pk}.pdf"]
    assert_pdfa(pdf)
    assert VALID_NATIONAL_ID in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    event = AuditEvent.objects.get(action="log.archived", log_id=passive_log.pk)
    assert VALID_NATIONAL_ID not in str(event.data)


def assert_valid(xml: bytes) -> None:
    """Against the Fiks Arkiv schema shipped in archive/schema/, and with everything an
    archivist needs that the schema leaves optional."""
    assert arkivmelding.missing_elements(xml) == []
    # xmlschema is in requirements-dev.txt; without it the required elements still count.
    if importlib.util.find_spec("xmlschema") is not None:
        schema = importlib.import_module("xmlschema").XMLSchema(str(arkivmelding.SCHEMA))
        schema.validate(io.BytesIO(xml))


def test_the_arkivmelding_validates_against_the_fiks_arkiv_schema_R_ARCH_01(passive_log):
    schema = pytest.importorskip("xmlschema").XMLSchema(str(arkivmelding.SCHEMA))
    schema.validate(io.BytesIO(arkivmelding.build(passive_log, pdf=b"%PDF", pdf_name="x.pdf")))


def test_an_arkivmelding_missing_a_required_element_is_found_out_R_ARCH_01(passive_log):
    xml = arkivmelding.build(passive_log, pdf=b"%PDF", pdf_name="x.pdf")
    broken = xml.replace(b"<tittel>", b"<beskrivelse>").replace(b"</tittel>", b"</beskrivelse>")
    assert "mappe/tittel" in arkivmelding.missing_elements(broken)
    schema = pytest.importorskip("xmlschema").XMLSchema(str(arkivmelding.SCHEMA))
    assert not schema.is_valid(io.BytesIO(broken))


def assert_pdfa(pdf: bytes) -> None:
    """PDF/A-2b as far as pypdf can tell (veraPDF is in neither Debian nor PyPI): the XMP
    identification and every font embedded."""
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data()
    assert b"pdfaid:part>2<" in raw or b'pdfaid:part="2"' in raw
    assert b"pdfaid:conformance>B<" in raw or b'pdfaid:conformance="B"' in raw
    catalog: Any = reader.trailer["/Root"]
    assert "/OutputIntents" in catalog
    fonts = 0
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (
                descendants[0].get_object()["/FontDescriptor"]
                if descendants
                else font["/FontDescriptor"]
            ).get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts += 1
    assert fonts


def test_arkivmelding_names_each_holder_of_a_transferred_log_R_ARCH_01(log, holder, other_holder):
    transfer = services.transfer_log(
        log, by=holder, to_user=other_holder, to_unit=log.unit, reason="Flytter"
    )
    services.accept_transfer(transfer, by=other_holder)
    log = services.set_log_passive(Log.objects.get(pk=log.pk), by=other_holder, confirmed=True)
    chain = arkivmelding.holder_chain(log)
    assert [h.name for h in chain] == ["Hanne Holder", "Ola Annen"]
    xml = arkivmelding.build(log, pdf=b"%PDF", pdf_name="x.pdf")
    assert_valid(xml)


@pytest.mark.usefixtures("fake_pdf")
def test_missing_archive_folder_fails_and_is_retried_with_backoff_R_ARCH_01(
    passive_log, archive_folder, settings
):
    settings.STAFETT_ARCHIVE_FOLDER = str(archive_folder / "not-mounted")
    handover = passive_log.archive_handover
    before = timezone.now()
    assert tasks.hand_over(handover.pk) == "retry"
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.FAILED
    assert handover.attempts == 1
    assert "FileNotFoundError" in handover.last_error
    assert handover.next_attempt_at >= before + timedelta(seconds=59)
    assert handover_tasks().filter(args_kwargs__args=[handover.pk]).count() == 2
    # The folder is back: the next attempt hands it over.
    settings.STAFETT_ARCHIVE_FOLDER = str(archive_folder)
    assert tasks.hand_over(handover.pk) == "handed_over"
    handover.refresh_from_db()
    assert (handover.status, handover.attempts) == (HandoverStatus.HANDED_OVER, 2)


@pytest.mark.usefixtures("fake_pdf")
def test_an_archive_folder_that_refuses_writing_fails_and_is_retried_R_ARCH_01(
    passive_log, archive_folder, monkeypatch
):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("archive.backends.open", refuse, raising=False)
    handover = passive_log.archive_handover
    assert tasks.hand_over(handover.pk) == "retry"
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.FAILED
    assert "PermissionError" in handover.last_error
    assert packages(archive_folder) == []


@pytest.mark.usefixtures("fake_pdf")
def test_a_crash_mid_write_leaves_no_half_package_R_ARCH_01(
    passive_log, archive_folder, monkeypatch
):
    """The worker dies while the zip is written: neither a package nor a half one."""

    def die(descriptor):
        raise SystemExit("killed")

    monkeypatch.setattr(os, "fsync", die)
    with pytest.raises(SystemExit):
        tasks.hand_over(passive_log.archive_handover.pk)
    assert not [name for name in packages(archive_folder) if name.endswith(".zip")]
    assert packages(archive_folder) == []  # the temporary file is cleaned away


@pytest.mark.usefixtures("fake_pdf")
def test_a_worker_killed_outright_leaves_only_a_temporary_file_R_ARCH_01(
    passive_log, archive_folder, monkeypatch
):
    """SIGKILL runs no cleanup: what is left is a hidden .part file, never a package,
    and the hand-over is tried again once the claim is stale."""
    real_replace = os.replace

    def killed(src, dst):
        raise SystemExit("killed")

    handover = passive_log.archive_handover
    monkeypatch.setattr("archive.backends.Path.unlink", lambda *a, **k: None)
    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(SystemExit):
        tasks.hand_over(handover.pk)
    names = packages(archive_folder)
    assert len(names) == 1 and names[0].startswith(".") and names[0].endswith(".part")
    monkeypatch.setattr(os, "replace", real_replace)
    later = timezone.now() + tasks.STALE_AFTER + timedelta(minutes=1)
    handover.refresh_from_db()
    handover.next_attempt_at = timezone.now() - timedelta(hours=1)
    handover.save()
    DBTaskResult.objects.all().delete()  # the task row the killed worker held
    assert requeue_stale(later) == 1
    assert tasks.hand_over(handover.pk) == "handed_over"
    assert f"stafettlogg-{passive_log.pk}.zip" in packages(archive_folder)


@pytest.mark.usefixtures("fake_pdf")
def test_fiks_arkiv_backend_refuses_clearly_and_is_retried_R_ARCH_01(passive_log, settings):
    settings.STAFETT_ARCHIVE_BACKEND = "archive.backends.FiksArkivBackend"
    handover = passive_log.archive_handover
    assert tasks.hand_over(handover.pk) == "retry"
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.FAILED
    assert "NotImplementedError" in handover.last_error
    assert "deployment.md" in handover.last_error


@pytest.mark.usefixtures("fake_pdf")
def test_a_handover_is_done_once_R_ARCH_01(passive_log):
    handover = passive_log.archive_handover
    assert tasks.hand_over(handover.pk) == "handed_over"
    assert tasks.hand_over(handover.pk) == "skipped"
    assert queue_handover(passive_log).pk == handover.pk
    assert ArchiveHandover.objects.count() == 1


def test_a_passive_log_from_before_the_archive_is_queued_by_the_sweep_R_ARCH_01(log):
    Log.objects.filter(pk=log.pk).update(status=LogStatus.PASSIVE, passive_at=timezone.now())
    assert requeue_stale(timezone.now()) == 1
    assert ArchiveHandover.objects.get(log=log).status == HandoverStatus.PENDING
    assert requeue_stale(timezone.now()) == 0


def test_a_handover_with_a_live_task_is_not_queued_twice_R_ARCH_01(passive_log):
    later = timezone.now() + timedelta(hours=1)
    ArchiveHandover.objects.filter(pk=passive_log.archive_handover.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert requeue_stale(later) == 0  # its task is still queued
