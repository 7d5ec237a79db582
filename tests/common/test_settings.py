"""Settings come from the environment and fail loudly on bad values (issue: foundation)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from stafett.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_names_the_variable_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("STAFETT_X", "kanskje")
    with pytest.raises(ImproperlyConfigured, match="STAFETT_X"):
        env_bool("STAFETT_X", False)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False), ("Yes", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("STAFETT_X", raw)
    assert env_bool("STAFETT_X", not expected) is expected


def test_env_int_refuses_text_and_too_small_numbers(monkeypatch):
    monkeypatch.setenv("STAFETT_N", "tjue")
    with pytest.raises(ImproperlyConfigured, match="STAFETT_N"):
        env_int("STAFETT_N", 1)
    monkeypatch.setenv("STAFETT_N", "3")
    with pytest.raises(ImproperlyConfigured, match="at least 30"):
        env_int("STAFETT_N", 60, minimum=30)


def test_env_str_without_default_is_required(monkeypatch):
    monkeypatch.delenv("STAFETT_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="STAFETT_MISSING"):
        env_str("STAFETT_MISSING")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.no, b.no,,")
    assert env_list("HOSTS", []) == ["a.no", "b.no"]


def _start(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"STAFETT_DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_start_without_secret_key_names_the_variable():
    result = _start({"ALLOWED_HOSTS": "x.no", "STAFETT_SITE_URL": "https://x.no"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" in result.stderr or "ImproperlyConfigured" in result.stderr


def test_a_bad_idle_timeout_stops_the_start_naming_it_R_GEN_03():
    result = _start({"STAFETT_DEBUG": "1", "STAFETT_IDLE_TIMEOUT": "twenty"})
    assert result.returncode != 0
    assert "STAFETT_IDLE_TIMEOUT" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STAFETT_IDLE_WARNING": "19"}, "STAFETT_IDLE_WARNING must be at least 20"),
        (
            {"STAFETT_IDLE_TIMEOUT": "60", "STAFETT_IDLE_WARNING": "60"},
            "STAFETT_IDLE_WARNING (60) must be shorter than STAFETT_IDLE_TIMEOUT (60)",
        ),
    ],
)
def test_an_idle_warning_under_20_seconds_or_past_the_time_out_stops_the_start_R_GEN_03(
    env, message
):
    """R-GEN-03, WCAG 2.2.1: the user gets at least 20 seconds to ask for more time, and the
    warning comes before the time-out; a setting that breaks either fails at start-up."""
    result = _start({"STAFETT_DEBUG": "1", **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_security_defaults_in_production_mode():
    """HSTS one year, secure cookies, SSL redirect when STAFETT_DEBUG is off."""
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.STAFETT_IDLE_TIMEOUT,"
        " s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"STAFETT_DEBUG"}}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "x.no",
            "STAFETT_SITE_URL": "https://x.no",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "1200", "5", "900"]


def test_production_start_without_the_site_address_names_the_variable():
    """Letters and e-mails carry links: in production the address must be given."""
    result = _start({"ALLOWED_HOSTS": "x.no", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "STAFETT_SITE_URL" in result.stderr
