"""Management commands: a new municipality (the demo one is tests/home/test_seed_demo.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_create_municipality_prints_a_password_link(db):
    out = StringIO()
    call_command(
        "create_municipality",
        "--name=Ny",
        "--org-number=123456789",
        "--admin-email=it@ny.no",
        stdout=out,
    )
    assert "/konto/nytt-passord/" in out.getvalue()


def test_create_municipality_links_to_the_site_url_unless_told_otherwise_R_ROLE_02(db, settings):
    """Issue 7, item 18: no link points to port 8000 when the site is elsewhere."""
    settings.STAFETT_SITE_URL = "http://127.0.0.1:8123"
    found, given = StringIO(), StringIO()
    call_command(
        "create_municipality", "--name=En", "--org-number=123456789", "--admin-email=it@en.no",
        stdout=found,
    )  # fmt: skip
    call_command(
        "create_municipality", "--name=To", "--org-number=987654321", "--admin-email=it@to.no",
        "--base-url=https://stafett.to.no/",
        stdout=given,
    )  # fmt: skip

    assert "http://127.0.0.1:8123/konto/nytt-passord/" in found.getvalue()
    assert "https://stafett.to.no/konto/nytt-passord/" in given.getvalue()


def test_create_municipality_with_a_bad_org_number_says_so(db):
    with pytest.raises(CommandError, match="9 siffer"):
        call_command(
            "create_municipality", "--name=Ny", "--org-number=12", "--admin-email=it@ny.no"
        )
