"""The archive package of a passive log: the complete archival PDF/A (exports.render, the
whole log with the full national ID number) and its arkivmelding (R-ARCH-01)."""

from django.utils import timezone

from archive import arkivmelding
from archive.backends import Package
from exports.render import ALL_PARTS, render_log_pdf
from logs.models import Log


def package_name(log_number: int) -> str:
    """No personal data in a file name: the log's number only."""
    return f"stafettlogg-{log_number}"


def build_package(log: Log) -> Package:
    pdf = render_log_pdf(log, viewer=None, parts=ALL_PARTS, archival=True)
    name = package_name(log.pk)
    pdf_name = f"{name}.pdf"
    xml = arkivmelding.build(log, pdf=pdf, pdf_name=pdf_name, now=timezone.now())
    return Package(name=name, files={"arkivmelding.xml": xml, pdf_name: pdf})
