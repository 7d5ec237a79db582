import io

import pytest
from pypdf import PdfReader


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


@pytest.fixture
def made():
    """Run the worker's task for an export, as `manage.py run_worker` would."""
    from exports.models import Export
    from exports.tasks import make_export

    def run(export):
        make_export(export.pk)
        return Export.objects.get(pk=export.pk)

    return run
