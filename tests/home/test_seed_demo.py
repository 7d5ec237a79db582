"""The demo municipality (`manage.py seed_demo`, which `make run` loads)."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from logs.enums import Outcome
from logs.models import Concern, Evaluation, Log
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
    assert Membership.objects.filter(role=Role.HOLDER).count() == 3
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


def test_the_leaders_school_has_two_years_that_the_statistics_show_as_shapes_R_LEAD_03(db, client):
    """Two holders in the leader's school, one of them an actor as well; two years of logs
    whose monthly numbers are mostly shown, not hidden; every concern names its child."""
    call_command("seed_demo", stdout=StringIO())
    school = Unit.objects.get(name="Solbakken skole")
    holders = Membership.objects.filter(unit=school, role=Role.HOLDER)
    assert holders.count() == 2
    two_roles = get_user_model().objects.get(email="toroller@demo.stafettlogg.no")
    assert set(two_roles.memberships.values_list("role", flat=True)) == {Role.HOLDER, Role.ACTOR}
    logs = Log.objects.filter(unit=school)
    oldest = logs.order_by("created_at").first().created_at
    assert (timezone.now() - oldest).days > 700
    assert logs.count() > 100
    for concern in Concern.objects.filter(log__unit=school).select_related("log__child"):
        assert concern.log.child.first_name in concern.description
    for evaluation in Evaluation.objects.filter(measure__concern__log__unit=school).exclude(
        outcome=Outcome.DEADLINE_PASSED
    ):
        assert evaluation.measure.concern.log.child.first_name in evaluation.text

    client.force_login(get_user_model().objects.get(email="leder@demo.stafettlogg.no"))
    response = client.get(reverse("stats:index"))
    tables = {
        entry["table"].spec.slug: entry["table"]
        for section in response.context["sections"]
        for entry in section["tables"]
    }
    months = tables["logs-month"]
    assert sum(row.total.value is not None and row.total.value >= 5 for row in months.rows) >= 8
    works = tables["what-works"]
    assert sum(c.value is not None and c.value >= 5 for r in works.rows for c in r.cells) >= 3
    assert tables["measures-unit"].totals.total.value > 100
