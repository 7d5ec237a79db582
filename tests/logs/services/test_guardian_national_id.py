"""A guardian's national ID number: registered by the holder, never in the history or audit
in full, and what it does at the guardian's first ID-porten login (R-SEC-02, R-SEC-03)."""

import json
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import User
from audit.models import AuditEvent
from logs.models import Guardian, Revision
from logs.services import (
    GuardianConflict,
    add_guardian,
    id_logins,
    link_guardians_by_national_id,
    update_guardian,
)
from logs.services.id_logins import NO_EMAIL_DOMAIN
from notifications.enums import Kind
from notifications.services import queue_email
from tests.factories import UserFactory, guardian_data, make_log

pytestmark = pytest.mark.django_db

NUMBER = "01019010046"
OTHER_NUMBER = "01019010127"


def _no_number_anywhere(*numbers: str) -> None:
    audit = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))
    history = json.dumps(list(Revision.objects.values_list("before", "after")))
    for number in numbers:
        assert number not in audit
        assert number not in history


def _guardian_without_login(log, holder, **changes) -> Guardian:
    data = guardian_data(first_name="Ivar", last_name="Idsen", email="", national_id=NUMBER)
    return add_guardian(log, by=holder, **(data | changes))


# --- registering the number ------------------------------------------------------------------


def test_the_holder_registers_a_guardians_number_without_it_in_history_or_audit_R_SEC_03(
    log, holder
):
    guardian = _guardian_without_login(log, holder)
    assert Guardian.objects.get(pk=guardian.pk).national_id == NUMBER
    update_guardian(guardian, by=holder, national_id=OTHER_NUMBER)
    assert Guardian.objects.get(pk=guardian.pk).national_id == OTHER_NUMBER
    edited = log.revisions.get(action="guardian.edited")
    assert edited.before == {"national_id": "010190 *****"}
    assert edited.after == {"national_id": "010190 *****"}
    audit = AuditEvent.objects.get(action="guardian.edited")
    assert audit.data == {"fields": ["national_id"]}
    _no_number_anywhere(NUMBER, OTHER_NUMBER)


def test_an_invalid_number_is_refused_on_its_field_R_SEC_03(log, holder):
    with pytest.raises(ValidationError) as refused:
        _guardian_without_login(log, holder, national_id="01019010047")
    assert "national_id" in refused.value.message_dict


def test_correcting_the_number_unlinks_a_login_known_by_the_old_one_R_SEC_02(log, holder):
    guardian = _guardian_without_login(log, holder)
    person = link_guardians_by_national_id(NUMBER, person=None)
    assert Guardian.objects.get(pk=guardian.pk).user == person
    update_guardian(guardian, by=holder, national_id=OTHER_NUMBER)
    assert Guardian.objects.get(pk=guardian.pk).user is None
    assert AuditEvent.objects.filter(action="guardian.unlinked", object_id=guardian.pk).exists()


# --- the first login through ID-porten -------------------------------------------------------


def test_a_number_nobody_has_matches_nobody_R_SEC_02(log, holder):
    assert link_guardians_by_national_id(NUMBER, person=None) is None
    assert not User.objects.filter(national_id=NUMBER).exists()


def test_first_login_makes_one_account_for_all_of_the_guardians_records_R_SEC_02(holder, unit, log):
    first = _guardian_without_login(log, holder)
    second = _guardian_without_login(make_log(holder, unit), holder)
    users_before = User.objects.count()

    person = link_guardians_by_national_id(NUMBER, person=None)

    assert User.objects.count() == users_before + 1
    assert person.national_id == NUMBER
    assert (person.first_name, person.last_name) == ("Ivar", "Idsen")
    assert not person.has_usable_password()
    assert person.email.endswith(f"@{NO_EMAIL_DOMAIN}")
    assert {g.user_id for g in Guardian.objects.filter(pk__in=[first.pk, second.pk])} == {person.pk}
    registered = AuditEvent.objects.get(action="user.registered", object_id=person.pk)
    assert registered.data == {"via": "idporten"}
    linked = AuditEvent.objects.filter(action="guardian.linked", actor=person)
    assert set(linked.values_list("object_id", flat=True)) == {str(first.pk), str(second.pk)}
    assert Revision.objects.filter(action="guardian.linked", by=person).count() == 2
    _no_number_anywhere(NUMBER)
    # The second login finds the same account.
    assert link_guardians_by_national_id(NUMBER, person=person) == person
    assert User.objects.count() == users_before + 1


def test_the_account_takes_the_guardians_address_when_nobody_uses_it_R_SEC_02(log, holder):
    guardian = _guardian_without_login(log, holder)
    Guardian.objects.filter(pk=guardian.pk).update(email="ivar@example.no")
    person = link_guardians_by_national_id(NUMBER, person=None)
    assert person.email == "ivar@example.no"


def test_an_address_in_use_is_never_matched_R_SEC_02(log, holder):
    """The address belongs to someone who can log in: linked only if they confirm the
    invitation themselves; the number's owner gets their own account."""
    owner = UserFactory(email="ivar@example.no")
    guardian = _guardian_without_login(log, holder, email="ivar@example.no")
    assert Guardian.objects.get(pk=guardian.pk).user is None
    person = link_guardians_by_national_id(NUMBER, person=None)
    assert person != owner
    assert person.email.endswith(f"@{NO_EMAIL_DOMAIN}")
    assert Guardian.objects.get(pk=guardian.pk).user == person


def test_records_already_linked_to_one_login_log_in_as_it_R_SEC_02(holder, unit, log):
    """Invited by e-mail (a login without a password): that login, which gets the number,
    and the guardian's other records are linked to it too."""
    invited = _guardian_without_login(log, holder, email="ivar@example.no")
    login = Guardian.objects.get(pk=invited.pk).user
    assert login is not None and not login.national_id
    other = _guardian_without_login(make_log(holder, unit), holder)

    person = link_guardians_by_national_id(NUMBER, person=None)

    assert person == login
    login.refresh_from_db()
    assert login.national_id == NUMBER
    assert Guardian.objects.get(pk=other.pk).user == login
    assert AuditEvent.objects.filter(action="user.national_id_changed", object_id=login.pk)
    _no_number_anywhere(NUMBER)


def test_a_login_with_the_number_gets_the_unlinked_records_R_SEC_02(log, holder):
    person = UserFactory(national_id=NUMBER)
    guardian = _guardian_without_login(log, holder)
    assert link_guardians_by_national_id(NUMBER, person=person) == person
    assert Guardian.objects.get(pk=guardian.pk).user == person


def _unchanged(*guardians: Guardian) -> dict[int, int | None]:
    return {g.pk: Guardian.objects.get(pk=g.pk).user_id for g in guardians}


def test_records_of_two_logins_are_refused_and_nothing_linked_R_SEC_02(holder, unit, log):
    first = _guardian_without_login(log, holder, email="a@example.no")
    second = _guardian_without_login(make_log(holder, unit), holder, email="b@example.no")
    third = _guardian_without_login(make_log(holder, unit), holder)
    before = _unchanged(first, second, third)
    users = User.objects.count()
    with pytest.raises(GuardianConflict):
        link_guardians_by_national_id(NUMBER, person=None)
    assert _unchanged(first, second, third) == before
    assert User.objects.count() == users
    assert not User.objects.filter(national_id=NUMBER).exists()


def test_records_of_another_login_than_the_numbers_are_refused_R_SEC_02(holder, unit, log):
    person = UserFactory(national_id=NUMBER)
    linked = _guardian_without_login(log, holder, email="a@example.no")
    unlinked = _guardian_without_login(make_log(holder, unit), holder)
    before = _unchanged(linked, unlinked)
    with pytest.raises(GuardianConflict):
        link_guardians_by_national_id(NUMBER, person=person)
    assert _unchanged(linked, unlinked) == before
    assert before[unlinked.pk] is None


def test_a_linked_login_with_another_number_is_refused_R_SEC_02(log, holder):
    guardian = _guardian_without_login(log, holder, email="a@example.no")
    login = Guardian.objects.get(pk=guardian.pk).user
    User.objects.filter(pk=login.pk).update(national_id=OTHER_NUMBER)
    with pytest.raises(GuardianConflict):
        link_guardians_by_national_id(NUMBER, person=None)


def test_a_deactivated_login_is_returned_untouched_R_SEC_02(holder, unit, log):
    guardian = _guardian_without_login(log, holder, email="a@example.no")
    login = Guardian.objects.get(pk=guardian.pk).user
    User.objects.filter(pk=login.pk).update(is_active=False)
    other = _guardian_without_login(make_log(holder, unit), holder)
    assert link_guardians_by_national_id(NUMBER, person=None) == login
    login.refresh_from_db()
    assert not login.national_id
    assert Guardian.objects.get(pk=other.pk).user is None


def test_an_account_made_meanwhile_is_used_not_a_second_one_R_SEC_02(log, holder):
    """Two first logins at once: the second found no account before the first made it.
    The unique number refuses a second account; the one made first is used."""
    guardian = _guardian_without_login(log, holder)
    made_meanwhile = UserFactory(national_id=NUMBER)
    users = User.objects.count()
    assert link_guardians_by_national_id(NUMBER, person=None) == made_meanwhile
    assert User.objects.count() == users
    assert Guardian.objects.get(pk=guardian.pk).user == made_meanwhile


def test_no_mail_goes_to_an_account_without_an_address_R_NOTIFY_01(log, holder):
    _guardian_without_login(log, holder)
    person = link_guardians_by_national_id(NUMBER, person=None)
    sent = queue_email(
        kind=Kind.GUARDIAN_INVITATION,
        to=person.email,
        template="notifications/email/guardian_invitation",
        context={},
        user=person,
    )
    assert sent is None


# --- two first logins at once (PostgreSQL) ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_first_logins_at_once_make_one_account_R_SEC_02(monkeypatch, holder, unit, log):
    """Both found no account before either made one; the records' lock makes the second
    wait, and it finds the account the first made."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks; run with DATABASE_URL")
    _guardian_without_login(log, holder)
    _guardian_without_login(make_log(holder, unit), holder)
    original = id_logins._new_login

    def slow_new_login(guardian, national_id):
        made = original(guardian, national_id)
        time.sleep(0.3)
        return made

    monkeypatch.setattr(id_logins, "_new_login", slow_new_login)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run():
        try:
            barrier.wait()
            outcomes.append(link_guardians_by_national_id(NUMBER, person=None).pk)
        except Exception as error:  # reported in the assertion below
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    person = User.objects.get(national_id=NUMBER)
    assert outcomes == [person.pk, person.pk], outcomes
    assert set(Guardian.objects.filter(national_id=NUMBER).values_list("user", flat=True)) == {
        person.pk
    }
