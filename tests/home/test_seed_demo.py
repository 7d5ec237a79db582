"""The demo municipality (`manage.py seed_demo`, which `make run` loads)."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from organisations.enums import Role
from organisations.models import ConcernCategory, MeasureCategory, Membership, Municipality, Unit


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


def test_the_demo_municipalitys_categories_are_named_in_nb_nn_and_en_R_GEN_06(db):
    call_command("seed_demo", stdout=StringIO())

    for model in (ConcernCategory, MeasureCategory):
        assert model.objects.exists()
        assert not model.objects.filter(name_nn="").exists()
        assert not model.objects.filter(name_en="").exists()
