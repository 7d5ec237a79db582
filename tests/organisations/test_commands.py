"""Management commands: the demo municipality and a new municipality."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from organisations.enums import Role
from organisations.models import Membership, Municipality, Unit


def test_seed_demo_is_idempotent_and_prints_logins(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Municipality.objects.count(), Unit.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert counts == (
        Municipality.objects.count(),
        Unit.objects.count(),
        Membership.objects.count(),
    )
    assert Unit.objects.count() == 3
    assert Membership.objects.filter(role=Role.LEADER).count() == 1
    assert Membership.objects.filter(role=Role.HOLDER).count() == 2
    assert Membership.objects.filter(role=Role.ACTOR).count() >= 3
    assert "holder@demo.stafettlogg.no" in out.getvalue()
    assert (
        get_user_model()
        .objects.get(email="holder@demo.stafettlogg.no")
        .check_password("stafett-demo-2026")
    )


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
