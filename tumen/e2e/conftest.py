"""Browser tests: Chromium (Debian's `chromium`) driven by Playwright against a live server.

The browser is the system's, never one Playwright downloads: `.ci/run` installs the Debian
package when it is missing, and without it these tests skip with the reason. Chromium runs
headless with the flags that keep it off the network (no updates, sync, translation, media
router or QUIC), and every request that is not for the live server is aborted as well.

The live server runs in a thread of this process against the test database. Its requests commit,
so the tests use `committed_db` (tumen/conftest.py), which lets Django empty the audit table after
each test. Officials are made per test with `make_official` and sign in through the login form.

Screenshots of the pages a test walks through go to `artifacts/screenshots/` (or
`$TUMEN_SCREENSHOTS`), named `<language>-<nn>-<page>.png`; a failing test leaves a picture of
each page it had open in `failures/` there.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tumen.e2e.browser import SCREENSHOTS, Desk, Shots

CHROMIUM = Path(os.environ.get("TUMEN_CHROMIUM", "/usr/bin/chromium"))
# Headless, no sandbox (CI runs as root), no GPU, and nothing that would call out to the network.
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-features=Translate,MediaRouter",
    "--disable-quic",
]
# What each language's official would send; Django maps zh-CN to zh-hans.
LOCALES = {"zh-hans": "zh-CN", "ko": "ko-KR", "en": "en-GB"}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """One Chromium for the package; closed before any other package's tests run.

    Playwright's sync API runs an event loop in this thread for as long as the browser is open,
    and Django refuses database calls from a thread with a running loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set. Here the calls are the test's own setup and checks and the
    flush after it, made between browser steps, never concurrently with them; so it is set for
    exactly as long as the browser is open, and the rest of the suite keeps Django's guard.
    """
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium "
            "fonts-noto-cjk; .ci/run does) or point TUMEN_CHROMIUM at one"
        )
        # CI sets TUMEN_E2E_REQUIRED, so that a lost browser fails the run instead of hiding.
        if os.environ.get("TUMEN_E2E_REQUIRED"):
            pytest.fail(reason)
        pytest.skip(reason)
    profile = tempfile.mkdtemp(prefix="tumen-e2e-profile-")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield from _chromium(playwright_api, profile)


def _chromium(playwright_api, profile: str) -> Iterator[object]:
    manager = playwright_api.sync_playwright().start()
    try:
        # A persistent context needs a directory we own; a plain launch makes its own fresh
        # profile, and each official gets a context of their own below.
        chromium = manager.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=LAUNCH_ARGS,
            env={**os.environ, "HOME": profile},
        )
        yield chromium
        chromium.close()
    finally:
        manager.stop()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def site(browser, committed_db, live_server) -> str:
    """The live server's base URL, over a database whose writes commit.

    `browser` comes first so that the database is set up (and flushed) while Django allows it.
    """
    return live_server.url


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def desks(request, browser, site) -> Iterator[object]:
    """desks(language) -> a factory of signed-out Desks, one browser context each."""
    opened: list[Desk] = []
    shots = Shots(SCREENSHOTS)
    host = urlsplit(site).netloc

    def keep_off_the_network(route) -> None:
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            route.abort()

    def open_desk(language: str = "zh-hans") -> Desk:
        context = browser.new_context(
            locale=LOCALES[language],
            viewport={"width": 1280, "height": 900},
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", keep_off_the_network)
        desk = Desk(context, site, language, shots)
        opened.append(desk)
        return desk

    yield open_desk

    failed = getattr(request.node, "report_call", None)
    for index, desk in enumerate(opened):
        if failed is not None and failed.failed and not desk.page.is_closed():
            failures = Shots(SCREENSHOTS / "failures")
            failures.take(desk.page, f"{request.node.name}-{index}")
        desk.context.close()
