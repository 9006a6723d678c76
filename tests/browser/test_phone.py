"""Every page fits a phone: nothing scrolls sideways at 375 px, the header
leaves most of the screen to the page, and what a thumb taps is at least
24 × 24 px (WCAG 2.2, 2.5.8)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from profiles import workflow
from profiles.models import ChangeRequest, Profile
from sources.models import Source
from tests.browser.pages import READER_PAGES
from tests.browser.test_editorial_flow import sign_in
from tests.conftest import SEED
from tests.factories import (
    SourceFactory,
    editor_user,
    reviewer_user,
)

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


#: The conflict's controls (every radio button, label and textarea of the size's
#: decision), their count, the pairs of them whose boxes overlap (a label
#: holds its radio button, so those pairs are left out), and the widths.
CONFLICT_OVERLAPS = """() => {
    const controls = [...document.querySelectorAll(
        "#change-size .field-decision :is(input[type=radio], label, textarea)"
    )];
    const overlaps = [];
    controls.forEach((a, i) => controls.slice(i + 1).forEach(b => {
        if (a.contains(b) || b.contains(a)) return;
        const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        if (p.left < q.right && q.left < p.right
            && p.top < q.bottom && q.top < p.bottom) {
            overlaps.push(`${a.outerHTML.slice(0, 60)} / ${b.outerHTML.slice(0, 60)}`);
        }
    }));
    return {
        count: controls.length,
        overlaps,
        page: document.documentElement.scrollWidth,
        screen: document.documentElement.clientWidth,
    };
}"""


def test_a_conflicts_controls_do_not_overlap_on_a_phone(live_server, browser, site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "rev")
    page.goto(f"{live_server.url}/review/{site['conflict']}/")

    measured = page.evaluate(CONFLICT_OVERLAPS)
    fieldset = page.get_by_role("group", name="Value to publish for Size")
    width = fieldset.bounding_box()["width"]
    options = fieldset.locator(".radio-option")
    boxes = [options.nth(i).bounding_box() for i in range(options.count())]
    fieldset.get_by_text("Use the edited value below").click()
    expect(fieldset.get_by_label("Use the edited value below")).to_be_checked()
    context.close()

    # three choices of value; accept, reject and send back (each a radio and
    # its label); the edited value with its label; the reason's label
    assert measured["count"] == 15
    assert measured["overlaps"] == []
    assert measured["page"] <= measured["screen"]
    assert len(boxes) == 3
    assert all(box["height"] >= 24 for box in boxes)
    # each choice spans the fieldset, but for its border and padding
    assert all(box["width"] > width - 40 for box in boxes)


def test_a_conflicts_three_values_sit_side_by_side_on_a_desk(
    live_server, browser, site
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, "rev")
    page.goto(f"{live_server.url}/review/{site['conflict']}/")

    values = page.locator("#change-size .conflict-value")
    boxes = [values.nth(i).bounding_box() for i in range(values.count())]
    headings = values.locator("h4").all_inner_texts()
    context.close()

    assert headings == [
        "In version 1, when this request was written",
        "Published now, version 2",
        "Proposed in this request",
    ]
    assert len({box["y"] for box in boxes}) == 1
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]
    assert boxes[1]["x"] + boxes[1]["width"] <= boxes[2]["x"]


def test_a_request_with_fields_sent_back_and_its_follow_up_fit_a_phone(
    live_server, browser, two_fields
):
    change_request = two_fields
    workflow.approve(
        change_request,
        reviewer=reviewer_user(username="rev"),
        decisions={
            "weapons": workflow.FieldDecision(
                False, "Which rifles? Name them, with a source.", send_back=True
            )
        },
    )
    follow_up = ChangeRequest.objects.get(status="changes_requested")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "ed")

    measured = {
        pk: measure(page, f"{live_server.url}/review/{pk}/")
        for pk in (change_request.pk, follow_up.pk)
    }
    context.close()

    assert {pk: m["page"] <= m["screen"] for pk, m in measured.items()} == {
        change_request.pk: True,
        follow_up.pk: True,
    }
    assert {pk: m["small"] for pk, m in measured.items()} == {
        change_request.pk: [],
        follow_up.pk: [],
    }
