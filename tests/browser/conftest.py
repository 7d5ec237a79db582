"""Playwright on Debian's Chromium against a live server, with axe-core on every page.

Chromium is found at $CHROMIUM_PATH or /usr/bin/chromium; otherwise Playwright's own build is
used if it has been installed (`playwright install chromium`, where the network allows). If
neither exists the tests fail with a message: they are never skipped in silence.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from notifications.enums import Kind
from notifications.models import OutgoingEmail

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are
# synchronous on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if Path(candidate).exists():
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    with sync_playwright() as playwright:
        try:
            instance = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as error:  # pragma: no cover - only on a machine without Chromium
            pytest.fail(
                "No Chromium for the browser tests: install Debian's `chromium`, set "
                f"CHROMIUM_PATH, or run `playwright install chromium` ({error})"
            )
        yield instance
        instance.close()


def _open_page(browser, base_url: str, problems: list[str], **context_options) -> Page:
    """A page in a fresh browser context that records CSP violations and JavaScript errors."""
    context = browser.new_context(base_url=base_url, locale="nb-NO", **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error"
            and "Content Security Policy" in message.text
            # axe itself, evaluated by check_axe (no URL), copies style sheets that @import
            # others (the Django admin's forms.css) into inline styles: not the page's doing.
            and message.location.get("url")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    return page


@pytest.fixture
def page(browser, live_server, settings) -> Iterator[Page]:
    settings.STAFETT_DEBUG = True
    problems: list[str] = []
    page = _open_page(browser, live_server.url, problems)
    yield page
    page.context.close()
    assert not problems, f"The browser reported: {problems}"


@pytest.fixture
def new_page(browser, live_server, settings):
    """Open another page in a fresh browser context (no cookies): a second browser or device.

    Call it as `new_page()`; the same CSP and JavaScript checks as for `page` apply.
    """
    settings.STAFETT_DEBUG = True
    problems: list[str] = []
    pages: list[Page] = []

    def open_page(**context_options) -> Page:
        pages.append(_open_page(browser, live_server.url, problems, **context_options))
        return pages[-1]

    yield open_page
    for opened in pages:
        opened.context.close()
    assert not problems, f"The browser reported: {problems}"


def check_axe(page: Page) -> None:
    """Fail on any serious or critical WCAG 2.2 A/AA violation on the page (R-GEN-06)."""
    try:
        _check_axe(page)
    except PlaywrightError as error:
        # A click just before may have started a navigation: axe then ran on a document
        # being replaced. Check the page it lands on instead.
        if not NAVIGATING.search(str(error)):
            raise
        page.wait_for_load_state("load")
        _check_axe(page)


# What the browser says when a script runs while the document is being replaced.
NAVIGATING = re.compile(
    r"reading 'documentElement'|Execution context was destroyed|navigat", re.IGNORECASE
)


def _check_axe(page: Page) -> None:
    page.wait_for_load_state("load")
    # Let finite animations end first (a dialog fading in has too little contrast mid-way).
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map((a) => a.finished.catch(() => null)))"""
    )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's strict CSP does not apply.
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    serious = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in serious
    ]
    assert not serious, f"axe on {page.url}:\n" + "\n".join(details)


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/konto/logg-inn/")
    check_axe(page)
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def choose_actor(page: Page, query: str, label: str, *, picker: str = "#id_actors") -> None:
    """Search an actor picker from the keyboard and choose the first hit (R-MEET-04)."""
    combobox = page.locator(picker).get_by_role("combobox")
    combobox.click()
    combobox.fill(query)
    page.locator(picker).get_by_role("option").first.wait_for()
    combobox.press("ArrowDown")
    combobox.press("Enter")
    page.locator(picker).get_by_role("checkbox", name=label).wait_for()
    assert page.locator(picker).get_by_role("checkbox", name=label).is_checked()


def activation_path(to: str) -> str:
    """The path of the activation link in the e-mail to `to`, from the outbox (R-LEAD-01)."""
    email = OutgoingEmail.objects.get(kind=Kind.ACTIVATION, to=to)
    link = re.search(r"https?://[^/\s]+(/konto/aktiver/\S+/)", email.body)
    assert link is not None, f"No activation link in {email.body!r}"
    return link.group(1)
