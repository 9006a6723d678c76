"""Every page fits a phone: nothing scrolls sideways at 375 px, the header
leaves most of the screen to the page, and what a thumb taps is at least
24 × 24 px (WCAG 2.2, 2.5.8)."""

import pytest
from django.core.management import call_command

from profiles import workflow
from profiles.models import Profile
from sources.models import Source
from tests.browser.pages import READER_PAGES
from tests.browser.test_editorial_flow import sign_in
from tests.conftest import SEED
from tests.factories import SourceFactory, editor_user, reviewer_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 740}

EDITOR_PAGES = [
    "/profiles/liwa-al-baqir/edit/",
    "/profiles/new/",
    "/review/mine/",
    "/inbox/",
]
REVIEWER_PAGES = ["/review/", "/review/{request}/", "/review/{conflict}/"]


@pytest.fixture
def site(seed_text):
    """The seed in two versions, a request pending on it, and one written
    against version 1 that conflicts with version 2."""
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)
    profile = Profile.objects.get(slug="liwa-al-baqir")
    editor = editor_user(username="ed")
    reviewer_user(username="rev")

    def propose(size: str):
        return workflow.submit_change_request(
            profile=profile,
            author=editor,
            summary=f"Size {size}",
            proposals={"size": workflow.Proposal([size], [SourceFactory()])},
        )

    conflict = propose("About 3,000")
    workflow.approve(propose("About 4,000"), reviewer=reviewer_user())
    return {
        "source": Source.objects.order_by("pk").first().pk,
        "request": propose("About 5,000").pk,
        "conflict": conflict.pk,
    }


#: What is tapped on these pages, beside links inside sentences (which WCAG
#: exempts): footnote marks, buttons, radio buttons, the menu, page links.
TARGETS = (
    "sup.fn a, button, input[type=radio], input[type=checkbox], summary, "
    ".site-header nav a, .pagination a"
)
#: The most of a phone's height the header may take.
HEADER_PX = 110

MEASURE = """targets => ({
    page: document.documentElement.scrollWidth,
    screen: document.documentElement.clientWidth,
    header: document.querySelector(".site-header").getBoundingClientRect().height,
    small: [...document.querySelectorAll(targets)]
        .filter(e => e.checkVisibility())
        .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
        .filter(([, box]) => box.width < 24 || box.height < 24)
        .map(([html, box]) => `${html} ${box.width}x${box.height}`),
})"""


def measure(page, url: str) -> dict:
    page.goto(url)
    return page.evaluate(MEASURE, TARGETS)


def measure_every_page(live_server, browser, site) -> dict[str, dict]:
    measured = {}
    for username, paths in [
        (None, READER_PAGES),
        ("ed", EDITOR_PAGES),
        ("rev", REVIEWER_PAGES),
    ]:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if username:
            sign_in(page, live_server, username)
        for path in paths:
            measured[path] = measure(page, live_server.url + path.format(**site))
        context.close()
    return measured


def test_every_page_fits_a_phone(live_server, browser, site):
    measured = measure_every_page(live_server, browser, site)

    sideways = {p: m["page"] for p, m in measured.items() if m["page"] > m["screen"]}
    tall = {p: m["header"] for p, m in measured.items() if m["header"] > HEADER_PX}
    small = {p: m["small"] for p, m in measured.items() if m["small"]}

    assert sideways == {}, "pages wider than the phone"
    assert tall == {}, "headers taller than HEADER_PX"
    assert small == {}, "tap targets under 24 x 24 px"
