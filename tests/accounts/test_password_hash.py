"""The password hash: Argon2id at OWASP's recommended minimum, old hashes replaced on login
(R-SEC-02)."""

import pytest
from argon2 import extract_parameters
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher

from stafett import settings as production
from tests.factories import PASSWORD

LOGIN = "/konto/logg-inn/"


@pytest.fixture
def production_hashers(settings):
    # The suite hashes with MD5 for speed (tests/conftest.py); these tests need the real list.
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def _parameters(encoded: str):
    return extract_parameters(encoded.split("argon2", 1)[1])


def test_passwords_are_hashed_with_argon2id_at_owasps_minimum_or_above_R_SEC_02(
    production_hashers,
):
    encoded = get_hasher("default").encode(PASSWORD, "saltsaltsalt")
    parameters = _parameters(encoded)
    assert encoded.startswith("argon2$argon2id$")
    # OWASP: m = 19 MiB, t = 2, p = 1, or the same work spread differently.
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.memory_cost * parameters.time_cost >= 19 * 1024 * 2
    assert parameters.parallelism == 1


def test_a_hash_with_old_parameters_is_replaced_at_login_R_SEC_02(
    production_hashers, client, holder
):
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    holder.password = old
    holder.save(update_fields=["password"])

    response = client.post(LOGIN, {"username": holder.email, "password": PASSWORD})

    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.password != old
    new = _parameters(holder.password)
    assert (new.memory_cost, new.time_cost, new.parallelism) == (19 * 1024, 2, 1)
    assert holder.check_password(PASSWORD)


def test_a_current_hash_is_kept_at_login_R_SEC_02(production_hashers, client, holder):
    holder.set_password(PASSWORD)
    holder.save(update_fields=["password"])
    current = holder.password

    client.post(LOGIN, {"username": holder.email, "password": PASSWORD})

    holder.refresh_from_db()
    assert holder.password == current
