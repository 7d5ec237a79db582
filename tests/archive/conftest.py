"""Scenes shared by the archive tests: a passive log, an archive folder, a fast renderer."""

import pytest

from logs import services
from tests.factories import make_pdf


@pytest.fixture(autouse=True)
def archive_folder(settings, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    settings.STAFETT_ARCHIVE_FOLDER = str(folder)
    settings.STAFETT_ARCHIVE_BACKEND = "archive.backends.FolderBackend"
    return folder


@pytest.fixture
def fake_pdf(monkeypatch):
    """A small PDF instead of WeasyPrint's, for the tests about the hand-over's mechanics
    (the real PDF/A has its own tests)."""
    monkeypatch.setattr("archive.package.render_log_pdf", lambda *args, **kwargs: make_pdf())


@pytest.fixture
def passive_log(log, holder):
    return services.set_log_passive(log, by=holder, confirmed=True)
