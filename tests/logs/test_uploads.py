"""A consent must be a real, readable, unencrypted PDF of at most 10 MB (R-LOG-02)."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from logs.uploads import MAX_CONSENT_BYTES, validate_pdf
from tests.factories import make_pdf, pdf_upload


def upload(content: bytes, name: str = "samtykke.pdf"):
    # Not pdf_upload(): it replaces empty content with a real PDF.
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def written(writer: PdfWriter) -> bytes:
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf(password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(password)
    return written(writer)


def refusal_code(content: bytes) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf(upload(content))
    return excinfo.value.code


def test_a_real_one_page_pdf_is_accepted_R_LOG_02():
    validate_pdf(pdf_upload())


def test_a_real_pdf_of_several_pages_is_accepted_R_LOG_02():
    validate_pdf(pdf_upload(content=make_pdf(pages=5)))


def test_validation_leaves_the_file_at_its_start_so_all_of_it_is_stored_R_LOG_02():
    file = pdf_upload()

    validate_pdf(file)

    assert file.tell() == 0
    assert file.read() == make_pdf()


def test_a_png_renamed_to_pdf_is_refused_as_not_pdf_R_LOG_02():
    assert refusal_code(b"\x89PNG\r\n\x1a\n" + b"\0" * 200) == "not_pdf"


def test_a_text_file_renamed_to_pdf_is_refused_as_not_pdf_R_LOG_02():
    assert refusal_code(b"Samtykke: ja, vi samtykker.\n") == "not_pdf"


def test_an_html_page_claiming_to_be_a_pdf_is_refused_as_not_pdf_R_LOG_02():
    assert refusal_code(b"<html><script>alert(1)</script></html>") == "not_pdf"


def test_an_empty_file_is_refused_as_not_pdf_R_LOG_02():
    assert refusal_code(b"") == "not_pdf"


def test_a_file_with_only_a_pdf_header_is_refused_as_broken_R_LOG_02():
    assert refusal_code(b"%PDF-1.4 garbage") == "broken_pdf"


def test_a_truncated_pdf_is_refused_as_broken_R_LOG_02():
    assert refusal_code(make_pdf()[:300]) == "broken_pdf"


def test_a_password_protected_pdf_is_refused_as_encrypted_R_LOG_02():
    assert refusal_code(encrypted_pdf("hemmelig")) == "encrypted"


def test_a_pdf_encrypted_with_an_empty_password_is_refused_as_encrypted_R_LOG_02():
    assert refusal_code(encrypted_pdf("")) == "encrypted"


def test_a_pdf_without_pages_is_refused_R_LOG_02():
    assert refusal_code(written(PdfWriter())) == "empty_pdf"


def test_a_file_over_ten_megabytes_is_refused_as_too_large_R_LOG_02():
    content = make_pdf() + b"\n%" + b"0" * MAX_CONSENT_BYTES

    assert refusal_code(content) == "too_large"


def test_the_size_limit_is_ten_megabytes_R_LOG_02():
    assert MAX_CONSENT_BYTES == 10 * 1024 * 1024


def test_a_real_pdf_of_exactly_ten_megabytes_is_accepted_R_LOG_02():
    pdf = make_pdf()
    # A trailing comment line pads the file without making it unreadable.
    content = pdf + b"%" + b"0" * (MAX_CONSENT_BYTES - len(pdf) - 2) + b"\n"
    assert len(content) == MAX_CONSENT_BYTES

    validate_pdf(upload(content))


def test_a_pdf_that_makes_the_parser_fail_in_any_way_is_refused_R_LOG_02(monkeypatch):
    """pypdf raises many kinds of errors on malformed files: each is a clear refusal."""
    from logs import uploads

    def explode(*args, **kwargs):
        raise RecursionError("deeply nested objects")

    monkeypatch.setattr(uploads, "PdfReader", explode)
    with pytest.raises(ValidationError) as excinfo:
        uploads.validate_pdf(pdf_upload())
    assert excinfo.value.code == "broken_pdf"
