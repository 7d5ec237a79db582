"""A meeting's time has a plausible range (R-GEN-04, R-MEET-01): from three months back (a
meeting registered afterwards) to two years ahead, at most a day long. Year 1 and 9999 are
refused by the service and shown next to the field, with everything typed kept; a meeting
that has aged out of the range can still be changed in other ways."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Meeting
from meetings.services import save_minutes, update_meeting
from tests.meetings.conftest import at, make_meeting
from tests.meetings.test_views import LOCAL, _error, _post

OSLO = ZoneInfo("Europe/Oslo")
# The first minutes of year 1 in Oslo are still year 0 in UTC: what broke PostgreSQL.
START_OF_YEAR_1 = datetime(1, 1, 1, 0, 30, tzinfo=OSLO)
END_OF_YEAR_9999 = datetime(9999, 12, 31, 23, 30, tzinfo=OSLO)


def refused_fields(call) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        call()
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field"),
    [
        (START_OF_YEAR_1, START_OF_YEAR_1 + timedelta(hours=1), "starts_at"),
        (END_OF_YEAR_9999 - timedelta(hours=1), END_OF_YEAR_9999, "starts_at"),
        (at(7, 9), END_OF_YEAR_9999, "ends_at"),
        (at(7, 9), at(8, 10), "ends_at"),  # 25 hours
        (at(-92, 9), at(-92, 10), "starts_at"),
        (at(740, 9), at(740, 10), "starts_at"),
    ],
)
def test_a_meeting_at_an_impossible_time_is_refused_R_GEN_04_R_MEET_01(
    log2, starts_at, ends_at, field
):
    errors = refused_fields(lambda: make_meeting(log2, starts_at=starts_at, ends_at=ends_at))

    assert list(errors) == [field]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("starts_at", "ends_at"), [(at(-85, 9), at(-85, 10)), (at(7, 8), at(8, 8))]
)
def test_a_meeting_held_lately_or_lasting_a_whole_day_is_plausible_R_GEN_04_R_MEET_01(
    log2, starts_at, ends_at
):
    meeting = make_meeting(log2, starts_at=starts_at, ends_at=ends_at)

    assert (meeting.starts_at, meeting.ends_at) == (starts_at, ends_at)


def test_moving_a_meeting_to_year_9999_is_refused_R_GEN_04_R_MEET_05(log2):
    meeting = make_meeting(log2)

    errors = refused_fields(
        lambda: update_meeting(
            meeting, by=log2.holder, starts_at=at(7, 9), ends_at=END_OF_YEAR_9999
        )
    )

    assert list(errors) == ["ends_at"]
    assert Meeting.objects.get().ends_at == at(7, 10)


def test_a_meeting_held_long_ago_can_still_get_its_minutes_and_a_new_place_R_GEN_04(log2):
    meeting = make_meeting(log2, starts_at=at(-2, 9), ends_at=at(-2, 10))
    Meeting.objects.update(starts_at=at(-200, 9), ends_at=at(-200, 10))  # time has passed

    save_minutes(meeting, by=log2.holder, minutes="Avtalt oppfølging")
    update_meeting(meeting, by=log2.holder, place="Et annet rom")

    assert Meeting.objects.get().place == "Et annet rom"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_at": "0001-01-01T00:30", "ends_at": "0001-01-01T01:30"}, "starts_at", "tre"),
        ({"ends_at": "9999-12-31T23:30"}, "ends_at", "ett døgn"),
        ({"starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:30"}, "starts_at", "to år"),
    ],
)
def test_the_meeting_form_shows_an_impossible_time_next_to_the_field_and_keeps_it_R_GEN_04(
    client, holder, log2, changes, field, message
):
    meeting = make_meeting(log2)
    client.force_login(holder)
    edit = reverse("meetings:edit", args=[meeting.pk])
    edited = _post(log2, version=str(meeting.version), place="Rom som ikke skal glemmes")

    for url, data in [(reverse("meetings:create", args=[log2.pk]), _post(log2)), (edit, edited)]:
        response = client.post(url, data | changes | {"place": "Rom som ikke skal glemmes"})

        html = response.content.decode()
        assert response.status_code == 200
        assert message in _error(response, f"id_{field}")
        assert f'value="{changes[field]}"' in html
        assert 'value="Rom som ikke skal glemmes"' in html
    assert Meeting.objects.get().starts_at == at(7, 9)


def test_the_edit_form_of_a_meeting_held_long_ago_still_saves_R_GEN_04(client, holder, log2):
    meeting = make_meeting(log2, starts_at=at(-2, 9), ends_at=at(-2, 10))
    Meeting.objects.update(starts_at=at(-200, 9), ends_at=at(-200, 10))
    client.force_login(holder)
    data = _post(
        log2,
        starts_at=at(-200, 9).strftime(LOCAL),
        ends_at=at(-200, 10).strftime(LOCAL),
        version=str(meeting.version),
        place="Et annet rom",
    )

    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)

    assert response.status_code == 302
    assert Meeting.objects.get().place == "Et annet rom"


def test_the_database_refuses_a_meeting_time_no_page_could_show_R_GEN_04(log2):
    """Whatever writes it (a script, the shell, a future bug), not only the service."""
    from django.db import IntegrityError, transaction

    meeting = make_meeting(log2)

    for starts_at, ends_at in [
        (datetime(1, 1, 1, 10, tzinfo=UTC), datetime(1, 1, 1, 11, tzinfo=UTC)),
        (at(7, 9), datetime(9999, 12, 31, 23, 30, tzinfo=UTC)),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at, ends_at=ends_at)

    assert Meeting.objects.get().starts_at == at(7, 9)
