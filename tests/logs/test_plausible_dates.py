"""Every date typed into a log has a plausible range (R-GEN-04): a birth date, a measure's
deadline, a consent's end and a glimpse's date in year 1 or 9999 is refused by the service,
and the page shows why next to the field, with everything typed kept. A date already
stored is not held to the range again when something else is changed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from logs.enums import LogKind
from logs.models import Child, Consent, Glimpse, Log, Measure
from logs.services import (
    add_measure,
    create_concern,
    create_glimpse,
    create_log,
    extend_deadline,
    update_child,
    update_measure,
    upload_consent,
)
from organisations.enums import Role
from tests.factories import (
    child_data,
    guardian_data,
    make_concern,
    make_log,
    measure_category,
    pdf_upload,
)
from tests.logs.views.helpers import concern_data, field_error, new_log_data

YEAR_1 = date(1, 1, 1)
YEAR_9999 = date(9999, 12, 31)
IMPOSSIBLE = [YEAR_1, YEAR_9999]


def today():
    return timezone.localdate()


def years_from_today(years: int, days: int = 0):
    day = today()
    return day.replace(year=day.year + years, day=min(day.day, 28)) + timedelta(days=days)


def refused_fields(call) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        call()
    return excinfo.value.message_dict


# --- the services: the rule's home ----------------------------------------------------------


@pytest.mark.parametrize("born", [YEAR_1, YEAR_9999, years_from_today(-26)])
def test_a_typed_birth_date_outside_the_last_25_years_is_refused_R_GEN_04(holder, unit, born):
    child = child_data(national_id="", birth_date=born)

    errors = refused_fields(
        lambda: create_log(by=holder, unit=unit, child=child, guardians=[guardian_data()])
    )

    assert list(errors) == ["birth_date"]
    assert not Log.objects.exists()


def test_a_birth_date_24_years_ago_is_plausible_R_GEN_04(holder, unit):
    born = years_from_today(-24)

    log = make_log(holder, unit, national_id="", birth_date=born)

    assert log.child.birth_date == born


def test_an_expectant_mother_born_40_years_ago_can_have_a_pregnancy_log_R_GEN_04_R_LOG_01(
    holder, unit
):
    """In a pregnancy log the person is the mother: a child's 25-year range would refuse her."""
    born = years_from_today(-40)

    log = create_log(
        by=holder,
        unit=unit,
        kind=LogKind.PREGNANCY,
        child=child_data(national_id="", birth_date=born),
        guardians=[],
    )
    update_child(log, by=holder, **child_data(national_id="", birth_date=years_from_today(-41)))

    assert Child.objects.get().birth_date == years_from_today(-41)


@pytest.mark.parametrize("born", [YEAR_1, YEAR_9999, years_from_today(-61)])
def test_an_impossible_birth_date_is_refused_in_a_pregnancy_log_too_R_GEN_04(holder, unit, born):
    errors = refused_fields(
        lambda: create_log(
            by=holder,
            unit=unit,
            kind=LogKind.PREGNANCY,
            child=child_data(national_id="", birth_date=born),
            guardians=[],
        )
    )

    assert list(errors) == ["birth_date"]


def test_the_new_log_page_takes_a_mothers_birth_date_for_a_pregnancy_log_R_GEN_04_R_LOG_01(
    client, holder, unit
):
    client.force_login(holder)
    born = years_from_today(-40)
    data = new_log_data(
        unit,
        guardians=0,
        consent=False,
        kind=LogKind.PREGNANCY,
        **{"child-national_id": "", "child-birth_date": born.isoformat()},
    )

    response = client.post(reverse("logs:create"), data)

    assert response.status_code == 302, field_error(
        response.content.decode(), "id_child-birth_date"
    )
    assert Child.objects.get().birth_date == born


@pytest.mark.parametrize("born", IMPOSSIBLE)
def test_changing_the_birth_date_to_an_impossible_one_is_refused_R_GEN_04(holder, log, born):
    errors = refused_fields(
        lambda: update_child(log, by=holder, **child_data(national_id="", birth_date=born))
    )

    assert list(errors) == ["birth_date"]
    assert Child.objects.get().birth_date != born


def test_a_stored_birth_date_that_has_aged_out_of_range_does_not_block_other_changes_R_GEN_04(
    holder, unit
):
    log = make_log(holder, unit, national_id="", birth_date=years_from_today(-20))
    Child.objects.update(birth_date=years_from_today(-30))  # registered long ago

    update_child(log, by=holder, **child_data(national_id="", birth_date=years_from_today(-30)))

    assert Child.objects.get().birth_date == years_from_today(-30)


@pytest.mark.parametrize("until", [YEAR_1, YEAR_9999, years_from_today(5, days=1)])
def test_a_consent_ending_in_the_past_or_over_5_years_ahead_is_refused_R_GEN_04_R_LOG_02(
    holder, log, until
):
    errors = refused_fields(
        lambda: upload_consent(log, by=holder, file=pdf_upload(), valid_until=until)
    )

    assert list(errors) == ["valid_until"]
    assert not Consent.objects.exists()


@pytest.mark.parametrize("deadline", [YEAR_1, YEAR_9999, years_from_today(2, days=1)])
def test_a_new_deadline_in_the_past_or_over_2_years_ahead_is_refused_R_GEN_04_R_MEAS_01(
    holder, log, deadline
):
    concern = make_concern(log)
    measure = concern.measures.get()
    fields = {
        "category": measure_category(log.unit.municipality),
        "description": "Samtaler",
        "deadline": deadline,
        "actors": [],
    }

    new_concern = refused_fields(
        lambda: create_concern(
            log, by=holder, category=concern.category, description="Ny", goal="Mål", measure=fields
        )
    )
    new_measure = refused_fields(lambda: add_measure(concern, by=holder, **fields))
    changed = refused_fields(lambda: update_measure(measure, by=holder, deadline=deadline))
    extended = refused_fields(lambda: extend_deadline(measure, by=holder, deadline=deadline))

    assert list(new_concern) == ["measure_deadline"]
    assert [list(new_measure), list(changed), list(extended)] == [["deadline"]] * 3
    assert Measure.objects.get().deadline == today() + timedelta(days=30)


def test_a_deadline_that_has_passed_does_not_block_other_changes_of_the_measure_R_GEN_04(
    holder, log
):
    measure = make_concern(log, deadline=today() - timedelta(days=3)).measures.get()

    update_measure(measure, by=holder, description="Samtaler hver uke")

    assert Measure.objects.get().description == "Samtaler hver uke"


@pytest.mark.parametrize("day", [YEAR_1, YEAR_9999, today() + timedelta(days=1)])
def test_a_glimpse_dated_in_the_future_or_over_a_year_ago_is_refused_R_GEN_04_R_GLIM_01(
    holder, log, day
):
    errors = refused_fields(
        lambda: create_glimpse(log, by=holder, role=Role.HOLDER, text="Fint", happened_on=day)
    )

    assert list(errors) == ["happened_on"]
    assert not Glimpse.objects.exists()


# --- the pages: the message next to the field, nothing typed lost ------------------------


def _pages(log, measure):
    """(url, data, field id, message) of every log form with a date."""
    new_log = new_log_data(log.unit, **{"child-national_id": "", "child-birth_date": "0001-01-01"})
    new_log_consent = new_log_data(log.unit, **{"consent-valid_until": "9999-12-31"})
    child = {
        f"child-{k}": v or "" for k, v in child_data(national_id="", birth_date="").items()
    } | {"child-birth_date": "0001-01-01", "version": str(log.version)}
    measure_form = {
        "category": str(measure.category_id),
        "description": "Samtaler",
        "deadline": "9999-12-31",
    }
    return [
        ("/logger/ny/", new_log, "id_child-birth_date", "mer enn 25 år tilbake"),
        ("/logger/ny/", new_log_consent, "id_consent-valid_until", "mer enn fem år fram"),
        (f"/logger/{log.pk}/barn/", child, "id_child-birth_date", "mer enn 25 år tilbake"),
        (
            f"/logger/{log.pk}/samtykke/",
            {"file": pdf_upload(), "valid_until": "9999-12-31", "given_by": "guardians"},
            "id_valid_until",
            "mer enn fem år fram",
        ),
        (
            f"/logger/{log.pk}/oppmerksomheter/ny/",
            concern_data(log, **{"measure-deadline": "9999-12-31"}),
            "id_measure-deadline",
            "mer enn to år fram",
        ),
        (
            f"/logger/oppmerksomheter/{measure.concern_id}/tiltak/ny/",
            measure_form,
            "id_deadline",
            "mer enn to år fram",
        ),
        (
            f"/logger/tiltak/{measure.pk}/",
            measure_form | {"version": str(measure.version)},
            "id_deadline",
            "mer enn to år fram",
        ),
        (
            f"/logger/tiltak/{measure.pk}/frist/",
            {"action": "extend", "deadline": "9999-12-31"},
            "id_deadline",
            "mer enn to år fram",
        ),
        (
            f"/logger/{log.pk}/lysglimt/ny/",
            {"text": "Fint i dag", "happened_on": "0001-01-01"},
            "id_happened_on",
            "mer enn ett år tilbake",
        ),
    ]


def test_every_log_form_shows_an_impossible_date_next_to_its_field_and_keeps_it_R_GEN_04(
    client, holder, log
):
    measure = make_concern(log).measures.get()
    client.force_login(holder)
    before = [Log.objects.count(), Consent.objects.count(), Measure.objects.count()]

    shown = []
    for url, data, field_id, message in _pages(log, measure):
        response = client.post(url, data)
        html = response.content.decode()
        kept = f'value="{data.get(field_id.removeprefix("id_"))}"' in html
        error = field_error(html, field_id)
        shown.append((url, field_id, response.status_code, message in error, kept))

    assert shown == [(url, field, 200, True, True) for url, _d, field, _m in _pages(log, measure)]
    assert [Log.objects.count(), Consent.objects.count(), Measure.objects.count()] == before
    assert not Glimpse.objects.exists()
    assert Child.objects.get(logs=log).birth_date.year == 1986
