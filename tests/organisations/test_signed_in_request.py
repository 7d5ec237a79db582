"""What every signed-in request costs before its page, and that nothing it reads is stale:
the person, their roles and their second factor are read in one query on every request
(organisations.backends.RoleBackend, accounts.middleware.SecondFactorDeviceMiddleware), so a
change takes effect on the very next request (R-ROLE-01, R-GEN-03, R-SEC-01)."""

import pytest
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import LazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import ACTIVE_ROLE_SESSION_KEY
from accounts.middleware import SecondFactorDeviceMiddleware
from organisations.backends import RoleBackend
from organisations.enums import Role
from organisations.models import Membership
from tests.factories import MembershipFactory, UserFactory, make_log
from tests.redis_db import redis_for_tests, redis_url_for_tests

LOGIN = reverse("accounts:login")
TOTP_SETUP = reverse("accounts:totp_setup")


def _verified(client, user) -> TOTPDevice:
    """Signed in with a confirmed TOTP device, as the login's second step leaves it."""
    device = TOTPDevice.objects.create(user=user, name="telefon", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def test_a_signed_in_json_request_costs_one_query_R_GEN_03(
    client, holder, django_assert_num_queries
):
    """Before issue 9: four (session, person, roles with a DISTINCT join, guardian EXISTS),
    five with a second factor; then two (the session; the person with roles and device).
    Now one: the session and the person in one statement (accounts.sessions)."""
    client.force_login(holder)
    client.get("/")  # the first request after login stamps the session (one write)
    with django_assert_num_queries(1):
        response = client.get(reverse("accounts:session_status"))
    assert response.status_code == 200


def test_a_page_with_no_data_of_its_own_costs_one_query_with_2fa_R_ROLE_01(
    client, leader, settings, django_assert_num_queries
):
    """A page with the header and no data of its own (the password form; the leader's Min
    side was this page while it was empty). Before issue 9: six (session, person, TOTP
    device, roles, guardian EXISTS, the header's units with a DISTINCT join). Now one: the
    session with the person, their roles, device and the header's names."""
    settings.STAFETT_REQUIRE_2FA = True
    _verified(client, leader)
    client.get("/")  # the first request after login stamps the session (one write)
    with django_assert_num_queries(1):
        response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    assert "Testskolen" in response.content.decode()
    assert "Testkommune" in response.content.decode()


def test_a_guardians_request_asks_for_no_membership_with_2fa_R_SEC_02(
    client, guardian_user, settings, django_assert_num_queries
):
    """Whether a person must have a second factor follows from their roles, read with the
    person: a guardian (no membership) is not asked for one, and costs no query for it. Nor
    for the header's units: a guardian works in none. A page with no data of its own costs
    the session with the person, one statement."""
    settings.STAFETT_REQUIRE_2FA = True
    client.force_login(guardian_user)
    client.get("/")  # the first request after login stamps the session (one write)
    with django_assert_num_queries(1):
        response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 200  # not sent to set up a second factor


def test_a_new_membership_asks_for_a_second_factor_on_the_next_request_R_SEC_02(
    client, guardian_user, unit, settings
):
    settings.STAFETT_REQUIRE_2FA = True
    client.force_login(guardian_user)
    assert client.get("/").status_code == 200
    MembershipFactory(user=guardian_user, unit=unit, role=Role.HOLDER)

    assert client.get("/").url == TOTP_SETUP


def test_a_removed_role_is_gone_on_the_next_request_R_ROLE_01(client, multi_role_user):
    client.force_login(multi_role_user)
    session = client.session
    session[ACTIVE_ROLE_SESSION_KEY] = Role.HOLDER.value
    session.save()
    assert 'value="holder"' in client.get("/").content.decode()
    Membership.objects.filter(user=multi_role_user, role=Role.HOLDER).delete()
    html = client.get("/").content.decode()
    assert 'value="holder"' not in html
    assert "Rolle: Virksomhetsleder" in html
    # The holder's pages are closed at once, not only the switcher.
    assert client.get(reverse("logs:create")).status_code in (403, 404)


def test_the_last_role_removed_leaves_no_role_on_the_next_request_R_ROLE_01(client, holder):
    client.force_login(holder)
    assert "Rolle: Stafettholder" in client.get("/").content.decode()
    Membership.objects.filter(user=holder).delete()
    html = client.get("/").content.decode()
    assert "Stafettholder" not in html
    assert client.get(reverse("logs:list")).status_code == 404


def test_an_added_or_changed_role_shows_on_the_next_request_R_ROLE_01(client, holder, unit):
    client.force_login(holder)
    client.get("/")
    MembershipFactory(user=holder, unit=unit, role=Role.LEADER)
    assert 'value="leader"' in client.get("/").content.decode()
    Membership.objects.filter(user=holder, role=Role.LEADER).update(role=Role.ACTOR)
    html = client.get("/").content.decode()
    assert 'value="leader"' not in html
    assert 'value="actor"' in html


def test_a_linked_guardian_has_the_guardian_role_on_the_next_request_R_ROLE_01(
    client, holder, unit
):
    person = UserFactory()
    client.force_login(person)
    client.get("/")
    guardian = make_log(holder, unit).guardians.first()
    guardian.user = person
    guardian.save()
    assert "Rolle: Foresatt" in client.get("/").content.decode()


def test_a_deactivated_person_is_signed_out_on_the_next_request_R_SEC_07(client, holder):
    client.force_login(holder)
    assert client.get("/").status_code == 200
    holder.is_active = False
    holder.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_changed_password_signs_out_other_sessions_on_the_next_request_R_GEN_03(client, holder):
    client.force_login(holder)
    assert client.get("/").status_code == 200
    holder.set_password("et-helt-nytt-passord-2026")
    holder.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_after_logout_the_next_request_is_signed_out_R_GEN_03(client, holder):
    client.force_login(holder)
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_removed_second_factor_stops_verifying_on_the_next_request_R_SEC_02(
    client, holder, settings
):
    settings.STAFETT_REQUIRE_2FA = True
    device = _verified(client, holder)
    assert client.get("/").status_code == 200
    device.delete()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == TOTP_SETUP


def test_a_replaced_second_factor_does_not_verify_the_old_session_R_SEC_02(
    client, holder, settings
):
    """The person has a confirmed device, but not the one this session verified with."""
    settings.STAFETT_REQUIRE_2FA = True
    device = _verified(client, holder)
    assert client.get("/").status_code == 200
    device.delete()
    TOTPDevice.objects.create(user=holder, name="ny telefon", confirmed=True)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == TOTP_SETUP


def test_an_unconfirmed_second_factor_does_not_verify_R_SEC_02(client, holder, settings):
    settings.STAFETT_REQUIRE_2FA = True
    device = _verified(client, holder)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == TOTP_SETUP


def test_another_persons_device_does_not_verify_R_SEC_02(client, holder, settings):
    settings.STAFETT_REQUIRE_2FA = True
    TOTPDevice.objects.create(user=holder, name="min", confirmed=True)
    someone_else = TOTPDevice.objects.create(user=UserFactory(), name="annen", confirmed=True)
    client.force_login(holder)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = someone_else.persistent_id
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == TOTP_SETUP


@pytest.mark.parametrize("user_id", ["", "abc", None, "999999999"])
def test_a_session_with_a_bad_or_unknown_person_is_signed_out(db, user_id):
    assert RoleBackend().get_user(user_id) is None


@pytest.fixture
def sessions_in_redis(settings):
    """The settings REDIS_URL gives (stafett/settings.py), on a Redis database of its own."""
    connection = redis_for_tests()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url_for_tests(),
        }
    }
    settings.SESSION_ENGINE = "accounts.cached_sessions"
    yield
    connection.flushdb()
    connection.close()


def test_with_sessions_in_redis_a_signed_in_request_costs_one_query_R_GEN_03(
    client, holder, sessions_in_redis, django_assert_num_queries
):
    """Several app servers share the sessions through Redis: the person, with roles and
    device, is then the one query before the page."""
    client.force_login(holder)
    client.get("/")
    with django_assert_num_queries(1):
        response = client.get(reverse("accounts:session_status"))
    assert response.status_code == 200


def test_with_sessions_in_redis_logout_and_deactivation_hold_on_the_next_request_R_GEN_03(
    client, holder, sessions_in_redis
):
    client.force_login(holder)
    assert client.get("/").status_code == 200
    holder.is_active = False
    holder.save()
    assert client.get("/").status_code == 302
    holder.is_active = True
    holder.save()
    client.force_login(holder)
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def _user_after_second_factor(session_key: str | None, rf):
    """request.user as the views see it, after the middleware up to the second factor."""
    request = rf.get("/")
    if session_key:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = session_key
    SessionMiddleware(_no_page).process_request(request)
    AuthenticationMiddleware(_no_page).process_request(request)
    seen = []

    def view(request):
        seen.append(request.user)
        return HttpResponse()

    SecondFactorDeviceMiddleware(view)(request)
    return seen[0]


def _no_page(request) -> HttpResponse:
    return HttpResponse()


def test_the_request_holds_the_person_not_a_lazy_object_R_GEN_03(client, holder, rf):
    """Issue 9: request.user was a lazy object around Django's lazy object, and a page reads
    it hundreds of times. After the second-factor middleware it is the person, with
    django-otp's attributes; someone not signed in is the anonymous user."""
    device = _verified(client, holder)

    signed_in = _user_after_second_factor(client.session.session_key, rf)
    nobody = _user_after_second_factor(None, rf)

    assert not isinstance(signed_in, LazyObject)
    assert signed_in.pk == holder.pk
    assert signed_in.is_verified()
    assert signed_in.otp_device.pk == device.pk
    assert not isinstance(nobody, LazyObject)
    assert isinstance(nobody, AnonymousUser)
    assert not nobody.is_verified()
