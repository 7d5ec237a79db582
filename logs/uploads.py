"""Checks that an uploaded consent is a real, readable PDF (R-LOG-02)."""

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from pypdf import PdfReader

MAX_CONSENT_BYTES = 10 * 1024 * 1024


def validate_pdf(upload: File) -> None:
    """Refuse anything but an unencrypted PDF that parses, at most 10 MB."""
    if upload.size > MAX_CONSENT_BYTES:
        raise ValidationError(
            _("Filen er for stor (%(size)s MB). Største tillatte størrelse er 10 MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime != "application/pdf":
        raise ValidationError(
            _("Filen er ikke en PDF. Last opp samtykket som PDF."), code="not_pdf"
        )
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(
                _("PDF-en er passordbeskyttet. Last opp en PDF uten passord."), code="encrypted"
            )
        if len(reader.pages) == 0:
            raise ValidationError(_("PDF-en har ingen sider."), code="empty_pdf")
    except ValidationError:
        raise
    # pypdf raises many kinds of errors on a malformed file; every one means «broken».
    except Exception:
        raise ValidationError(
            _("PDF-en kan ikke leses. Den kan være skadet; prøv å skanne eller lagre den på nytt."),
            code="broken_pdf",
        ) from None
    finally:
        upload.seek(0)
