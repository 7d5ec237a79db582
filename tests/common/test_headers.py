"""Security headers on every page; no caching of signed-in pages."""

import pytest


@pytest.mark.django_db
def test_login_page_has_a_strict_csp_without_inline_script_or_style(client):
    response = client.get("/konto/logg-inn/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_authenticated_pages_are_not_stored(client, holder):
    client.force_login(holder)
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_pages_contain_no_inline_script_or_style(client, holder):
    client.force_login(holder)
    html = client.get("/konto/innstillinger/").content.decode()
    assert "<script>" not in html
    assert "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html


def test_a_form_without_a_valid_csrf_token_gets_a_translated_page_R_GEN_02(holder):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(holder)
    response = client.post("/konto/innstillinger/", {"first_name": "X"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "siden var for gammel" in html
    assert "<style" not in html
