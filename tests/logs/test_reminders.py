"""Time-driven reminders and the switches for them (R-NOTIFY-01, R-LOG-02, R-MEAS-02)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from logs.reminders import send_reminders
from logs.services import evaluate_measure, extend_deadline, upload_consent
from notifications.enums import Kind, ReminderKind
from notifications.models import NotificationPreferences, OutgoingEmail, SentReminder
from tests.factories import make_concern, pdf_upload


def _emails(kind):
    return OutgoingEmail.objects.filter(kind=kind)


@pytest.fixture
def today():
    return timezone.localdate()


def test_send_reminders_twice_sends_each_reminder_once_R_NOTIFY_01(holder, log, today):
    make_concern(log, deadline=today + timedelta(days=3))
    make_concern(log, deadline=today + timedelta(days=10))
    upload_consent(log, by=holder, file=pdf_upload(), valid_until=today + timedelta(days=20))

    call_command("send_reminders", verbosity=0)
    call_command("send_reminders", verbosity=0)

    assert _emails(Kind.DEADLINE).count() == 1
    assert _emails(Kind.CONSENT_EXPIRY).count() == 1
    assert set(
        OutgoingEmail.objects.filter(kind__in=[Kind.DEADLINE, Kind.CONSENT_EXPIRY]).values_list(
            "to", flat=True
        )
    ) == {holder.email}
    assert SentReminder.objects.count() == 2


def test_deadline_in_three_days_then_passed_are_two_reminders_to_the_holder_R_NOTIFY_01(
    holder, log, today
):
    concern = make_concern(log, deadline=today + timedelta(days=3))
    measure = concern.measures.get()

    for day in range(8):  # a week of hourly runs, one run a day is enough to show it
        send_reminders(today + timedelta(days=day))
        send_reminders(today + timedelta(days=day))

    kinds = list(SentReminder.objects.order_by("id").values_list("kind", "object_id"))
    assert kinds == [
        (ReminderKind.DEADLINE_SOON, measure.pk),
        (ReminderKind.DEADLINE_PASSED, measure.pk),
    ]
    subjects = list(_emails(Kind.DEADLINE).order_by("id").values_list("subject", flat=True))
    assert subjects == ["Frist for et tiltak nærmer seg", "Fristen for et tiltak er passert"]
    assert f"/logger/{log.pk}/#measure-{measure.pk}" in _emails(Kind.DEADLINE).first().body


def test_a_new_deadline_is_reminded_again_R_MEAS_04(holder, log, today):
    measure = make_concern(log, deadline=today + timedelta(days=2)).measures.get()
    send_reminders(today)
    extend_deadline(measure, by=holder, deadline=today + timedelta(days=20))
    send_reminders(today + timedelta(days=18))
    send_reminders(today + timedelta(days=18))
    assert _emails(Kind.DEADLINE).count() == 2


def test_an_evaluated_measure_or_a_passive_log_gets_no_reminder_R_NOTIFY_01(holder, log, today):
    measure = make_concern(log, deadline=today + timedelta(days=1)).measures.get()
    evaluate_measure(measure, by=holder, outcome="desired_effect", text="Bra")
    send_reminders(today + timedelta(days=5))
    assert not _emails(Kind.DEADLINE).exists()


def test_only_the_current_consent_is_reminded_R_LOG_02(holder, log, today):
    upload_consent(log, by=holder, file=pdf_upload(), valid_until=today + timedelta(days=5))
    upload_consent(log, by=holder, file=pdf_upload(), valid_until=today + timedelta(days=300))
    send_reminders(today)
    assert not _emails(Kind.CONSENT_EXPIRY).exists()


def test_the_reminder_is_in_the_holders_language_R_GEN_02(holder, log, today):
    holder.language = "en"
    holder.save()
    deadline = today + timedelta(days=2)
    make_concern(log, deadline=deadline)
    send_reminders(today)
    body = _emails(Kind.DEADLINE).get().body
    english_month = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][deadline.month - 1]
    assert english_month in body


def test_preferences_switch_the_optional_reminders_off_R_NOTIFY_01(holder, log, today):
    NotificationPreferences.objects.create(user=holder, deadline=False, consent_expiry=False)
    make_concern(log, deadline=today + timedelta(days=1))
    upload_consent(log, by=holder, file=pdf_upload(), valid_until=today + timedelta(days=20))

    send_reminders(today)

    assert not _emails(Kind.DEADLINE).exists()
    assert not _emails(Kind.CONSENT_EXPIRY).exists()
    # Switched off is decided: switching on again later does not send old reminders.
    assert SentReminder.objects.count() == 2
    NotificationPreferences.objects.filter(user=holder).update(deadline=True)
    send_reminders(today)
    assert not _emails(Kind.DEADLINE).exists()


def test_preferences_switch_glimpse_and_measure_notices_off_R_NOTIFY_01(
    holder, log, actor, guardian_user
):
    from logs.services import create_glimpse, set_level

    NotificationPreferences.objects.create(user=actor, measure_actor=False, glimpse=False)
    NotificationPreferences.objects.create(user=guardian_user, glimpse=False)
    set_level(log, by=holder, level=2)
    make_concern(log, actors=[actor])
    create_glimpse(
        log, by=holder, role="holder", text="Fint", happened_on=timezone.localdate(), publish=True
    )
    assert not _emails(Kind.MEASURE_ACTOR).exists()
    assert not _emails(Kind.GLIMPSE).exists()


def test_essential_emails_cannot_be_switched_off_R_NOTIFY_01(holder):
    preferences = NotificationPreferences(
        user=holder, glimpse=False, measure_actor=False, deadline=False, consent_expiry=False
    )
    for kind in (Kind.ACTIVATION, Kind.GUARDIAN_INVITATION, Kind.MEETING, Kind.TRANSFER):
        assert preferences.wants(kind)
    assert not preferences.wants(Kind.GLIMPSE)


def test_send_reminders_also_requeues_emails_a_dead_worker_left_R_SEC_04(holder, log):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale = OutgoingEmail.objects.filter(kind=Kind.GUARDIAN_INVITATION).get()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    OutgoingEmail.objects.filter(pk=stale.pk).update(next_attempt_at=an_hour_ago)
    # Its worker took the task an hour ago and never finished it.
    DBTaskResult.objects.filter(args_kwargs__args=[stale.pk]).update(
        status=TaskResultStatus.RUNNING, started_at=an_hour_ago
    )
    call_command("send_reminders", verbosity=0)
    stale.refresh_from_db()
    assert stale.next_attempt_at > timezone.now() - timedelta(minutes=1)


def test_settings_page_switches_notices_off_and_on_R_NOTIFY_01(client, holder):
    client.force_login(holder)
    page = client.get("/konto/innstillinger/").content.decode()
    assert "Varsler på e-post" in page
    data = {
        "first_name": holder.first_name,
        "last_name": holder.last_name,
        "email": holder.email,
        "phone": "",
        "language": "nb",
        "notify-shown": "1",
        "notify-glimpse": "on",
        "notify-measure_actor": "on",
    }
    response = client.post("/konto/innstillinger/", data)
    assert response.status_code == 302
    preferences = NotificationPreferences.objects.get(user=holder)
    assert (preferences.glimpse, preferences.measure_actor) == (True, True)
    assert (preferences.deadline, preferences.consent_expiry) == (False, False)

    client.post("/konto/innstillinger/", data | {"notify-deadline": "on"})
    preferences.refresh_from_db()
    assert preferences.deadline


def test_a_settings_post_without_the_fieldset_leaves_the_choices_alone_R_NOTIFY_01(client, holder):
    NotificationPreferences.objects.create(user=holder, glimpse=False)
    client.force_login(holder)
    data = {
        "first_name": "Ny",
        "last_name": holder.last_name,
        "email": holder.email,
        "phone": "",
        "language": "nb",
    }
    assert client.post("/konto/innstillinger/", data).status_code == 302
    preferences = NotificationPreferences.objects.get(user=holder)
    assert (preferences.glimpse, preferences.deadline) == (False, True)
