"""Real-browser fixtures: the system Chromium driven by Playwright's sync API.

No browser is ever downloaded: the tests use /usr/bin/chromium and fail, not
skip, without it, because CI must run them.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from profiles import workflow
from tests.factories import SourceFactory, editor_user, publish_profile

# Playwright's sync API runs an event loop in the test thread, and Django's
# async-safety check would otherwise refuse every ORM call made beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Nothing but the page under test may reach the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need the system Chromium at {CHROMIUM}; install it "
            "(e.g. `apt-get install chromium`). Playwright must not download one."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make test` (it runs npm ci).")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe_violations(page, axe_source):
    """Runs axe-core on the current page; returns its violations as
    "rule: target" lines, empty when there are none. The script is evaluated
    through the browser's devtools channel, so the page's CSP stays on."""

    def check() -> list[str]:
        page.evaluate(axe_source)
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{violation['id']}: {node['target']} ({violation['help']})"
            for violation in result["violations"]
            for node in violation["nodes"]
        ]

    return check


def _propose(summary: str, **values):
    """A pending request by "ed" on a new "Example Brigade", citing a fresh
    source for each field."""
    return workflow.submit_change_request(
        profile=publish_profile("Example Brigade"),
        author=editor_user(username="ed"),
        summary=summary,
        proposals={
            field: workflow.Proposal(value, [SourceFactory()])
            for field, value in values.items()
        },
    )


@pytest.fixture
def pending(db):
    """A pending request by "ed" on the size of "Example Brigade"."""
    return _propose("Bigger", size=["About 900"])


@pytest.fixture
def two_fields(db):
    """A pending request by "ed" on the size and weapons of "Example Brigade"."""
    return _propose("Size and weapons", size=["About 900"], weapons=["Rifles"])
