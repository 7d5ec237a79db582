"""Helpers for tests that read a page as the signed-in person sees it."""

import re
import time

from django.test import Client


def page_text(client, url: str) -> str:
    """The page at `url`, which must answer 200, as text."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def browser_of(user, *, csrf_checks: bool = False) -> Client:
    """Another browser, with cookies of its own, signed in as `user`; with `csrf_checks` it
    sends no form without its CSRF token, as a real browser's would be refused."""
    browser = Client(enforce_csrf_checks=csrf_checks)
    browser.force_login(user)
    return browser


def form_token(page: str, action: str) -> str:
    """The CSRF token in the form on `page` that posts to `action`."""
    found = re.search(
        rf'<form method="post" action="{re.escape(action)}"[^>]*>\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page,
    )
    assert found is not None, f"no form posting to {action} with its token"
    return found.group(1)


def active_just_now(client) -> None:
    """Stamp the session's last activity with the time now. A page writes the stamp when
    the last one is 10 seconds old (accounts.middleware), so a query count measured after
    a slow setup would count that write as the page's own; a request first does not
    prevent it, as the stamp it finds may be 9.9 seconds old."""
    from accounts.middleware import LAST_ACTIVITY

    session = client.session
    session[LAST_ACTIVITY] = time.time()
    session.save()
