"""The editorial workflow in a real browser, and axe-core on its pages."""

import re

import pytest
from playwright.sync_api import expect

from profiles import workflow
from profiles.models import ChangeRequest
from tests.factories import SourceFactory, editor_user, publish_profile, reviewer_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=f"Sign out {username}")).to_be_visible()


def sign_out(page, username: str) -> None:
    page.get_by_role("button", name=f"Sign out {username}").click()


def test_editor_proposes_reviewer_approves_reader_sees_it(live_server, page):
    profile = publish_profile("Example Brigade")
    editor_user(username="ed")
    reviewer_user(username="rev")

    sign_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/profiles/{profile.slug}/edit/")
    page.locator("#size-set summary").click()  # the section's claims unfold
    page.locator("#id_size-0-text").fill("About 4,000 fighters in 2024")
    page.locator("#id_size-0-text").press("Tab")  # the script opens the sources
    sources = page.locator("#cite-size")
    if sources.get_attribute("open") is None:
        sources.locator("summary").click()
    page.locator("#id_cite-size-url").fill("https://example.net/count-2024")
    page.locator("#id_cite-size-title").fill("Counting the brigade")
    page.locator("#id_cite-size-publication").fill("Example Monitor")
    page.get_by_role("textbox", name="Edit summary").fill("New size estimate")
    page.get_by_role("button", name=re.compile("Submit|Propose")).click()
    expect(page.get_by_text("Your change is waiting for review.")).to_be_visible()
    sign_out(page, "ed")

    sign_in(page, live_server, "rev")
    page.get_by_role("link", name=re.compile("Review")).first.click()
    page.get_by_role("link", name="New size estimate").click()
    expect(page.locator("ins").first).to_contain_text("4,000")
    expect(page.locator("del").first).to_contain_text("500")
    expect(page.locator("#undecided-count")).to_have_text(
        "1 of 1 field still undecided: Size."
    )
    page.get_by_role("button", name="Claim: I’m on it").click()
    expect(page.get_by_text("You are on this request")).to_be_visible()
    page.get_by_role(
        "group", name="Accept, reject or send back the change to Size"
    ).get_by_label("Accept").check()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Published as version 2.")).to_be_visible()
    sign_out(page, "rev")

    page.goto(f"{live_server.url}/profiles/{profile.slug}/")
    size = page.locator("#size")
    expect(size).to_contain_text("About 4,000 fighters in 2024")
    size.get_by_role("link", name="Source: note 2").click()
    expect(page).to_have_url(re.compile("#note-2$"))
    expect(page.locator("#note-2")).to_contain_text("Counting the brigade")
    expect(page.locator("#note-2")).to_contain_text("https://example.net/count-2024")


def test_a_second_reviewer_sees_the_claim_and_takes_it_over(live_server, page):
    profile = publish_profile("Example Brigade")
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="ed"),
        summary="Bigger",
        proposals={
            "size": workflow.Proposal(["About 900"], [SourceFactory()]),
            "weapons": workflow.Proposal(["Rifles"], [SourceFactory()]),
        },
    )
    workflow.claim(change_request, by=reviewer_user(username="first"))
    reviewer_user(username="rev")

    sign_in(page, live_server, "rev")
    page.goto(f"{live_server.url}/review/")
    expect(
        page.get_by_role("cell", name=re.compile("Claimed by first"))
    ).to_be_visible()
    page.get_by_role("link", name="Bigger").click()
    expect(page.locator("dd.claim")).to_contain_text("Claimed by first, since")
    page.get_by_text("Take over…").click()
    page.get_by_role("button", name="Yes, take it over").click()
    expect(page.locator("dd.claim")).to_contain_text("You, since")

    expect(page.locator("#undecided-count")).to_have_text(
        "2 of 2 fields still undecided: Size, Weapons."
    )
    page.get_by_role(
        "group", name="Accept, reject or send back the change to Size"
    ).get_by_label("Accept").check()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("1 field is still undecided: Weapons.")).to_be_visible()
    page.get_by_role(
        "group", name="Accept, reject or send back the change to Weapons"
    ).get_by_label("Reject").check()
    page.get_by_role("textbox", name="Reason for your decision on Weapons").fill(
        "Unsourced."
    )
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Published as version 2.")).to_be_visible()


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("ed", "/profiles/example-brigade/edit/"),
        ("rev", "/review/"),
        ("rev", "/review/{pk}/"),
        ("rev", "/inbox/"),
        ("ed", "/review/mine/"),
    ],
)
def test_workflow_pages_have_no_axe_violations(
    live_server, page, axe_violations, pending, username, path
):
    reviewer_user(username="rev")
    sign_in(page, live_server, username)

    page.goto(live_server.url + path.format(pk=pending.pk))

    assert page.title()
    assert axe_violations() == []


def test_a_reviewer_sends_a_field_back_and_the_author_finds_the_new_request(
    live_server, page, axe_violations, two_fields
):
    change_request, profile = two_fields, two_fields.profile
    reviewer_user(username="rev")

    sign_in(page, live_server, "rev")
    page.goto(f"{live_server.url}/review/{change_request.pk}/")
    count = page.locator("#undecided-count")
    expect(count).to_have_text("2 of 2 fields still undecided: Size, Weapons.")
    page.get_by_role(
        "group", name="Accept, reject or send back the change to Size"
    ).get_by_label("Accept").check()
    expect(count).to_have_text("1 of 2 fields still undecided: Weapons.")
    # By keyboard: the arrow keys move along the choices of one field.
    weapons = page.get_by_role(
        "group", name="Accept, reject or send back the change to Weapons"
    )
    weapons.get_by_label("Accept").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(weapons.get_by_label("Send back")).to_be_checked()
    expect(count).to_have_text("Every field has a decision.")
    assert axe_violations() == []
    page.get_by_role("textbox", name="Reason for your decision on Weapons").fill(
        "Which rifles? Name them."
    )
    page.get_by_role("button", name="Approve").click()
    expect(
        page.get_by_text(
            "Published as version 2. 1 field sent back to the author in a new request."
        )
    ).to_be_visible()
    expect(page.locator("#change-weapons .field-outcome")).to_have_text(
        "Decision: Sent back. Reason: Which rifles? Name them."
    )
    expect(page.locator(".event-sent_back")).to_contain_text("Fields sent back")
    page.reload()  # axe is run on the page itself, without the one-off message
    assert axe_violations() == []
    sign_out(page, "rev")

    sign_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/inbox/")
    page.get_by_role(
        "button", name=re.compile("rev asked for changes to your change")
    ).click()
    follow_up = ChangeRequest.objects.exclude(pk=change_request.pk).get(
        profile=profile, author__username="ed"
    )
    expect(page).to_have_url(f"{live_server.url}/review/{follow_up.pk}/")
    expect(page.locator("dd.status")).to_have_text("Changes requested")
    expect(page.locator(".request-facts")).to_contain_text("Based on Version 2")
    expect(page.locator("#change-weapons .field-outcome")).to_have_text(
        "Decision: Sent back. Reason: Which rifles? Name them."
    )
    assert axe_violations() == []
    page.locator(".request-facts").get_by_role(
        "link", name=f"Change request {change_request.pk}"
    ).click()
    expect(page.locator("dd.status")).to_have_text("Approved")
    page.locator(".event-sent_back").get_by_role(
        "link", name=f"change request {follow_up.pk}"
    ).click()
    expect(page.get_by_role("link", name="Edit this request")).to_be_visible()


def test_a_reviewer_resolves_a_conflict_and_approves_part_of_a_request(
    live_server, page, axe_violations, two_fields
):
    """The request on size and weapons was written against version 1; another
    size was published since. The reviewer publishes an edited size, rejects
    the weapons, and readers get exactly that."""
    change_request, profile = two_fields, two_fields.profile
    reviewer_user(username="rev")
    newer = workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="ed2"),
        summary="Newer count",
        proposals={"size": workflow.Proposal(["About 1,200"], [SourceFactory()])},
    )
    workflow.approve(newer, reviewer=reviewer_user(username="rev2"))

    sign_in(page, live_server, "rev")
    page.goto(f"{live_server.url}/review/{change_request.pk}/")
    size = page.locator("#change-size")
    expect(size.locator(".conflict-value h4")).to_have_text(
        [
            "In version 1, when this request was written",
            "Published now, version 2",
            "Proposed in this request",
        ]
    )
    page.get_by_role(
        "group", name="Accept, reject or send back the change to Size"
    ).get_by_label("Accept").check()
    resolution = page.get_by_role("group", name="Value to publish for Size")
    resolution.get_by_label("Use the edited value below").check()
    page.get_by_role("textbox", name="Edited value for Size").fill(
        "Between 900 and 1,200"
    )
    page.get_by_role(
        "group", name="Accept, reject or send back the change to Weapons"
    ).get_by_label("Reject").check()
    page.get_by_role("textbox", name="Reason for your decision on Weapons").fill(
        "No source names the rifles."
    )
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_text("Published as version 3.")).to_be_visible()
    assert axe_violations() == []  # the message included
    expect(page.locator("dd.status")).to_have_text("Approved")
    expect(page.locator(".event-partly_approved")).to_be_visible()
    expect(page.locator("#change-weapons .field-outcome")).to_have_text(
        "Decision: Rejected. Reason: No source names the rifles."
    )
    sign_out(page, "rev")

    page.goto(f"{live_server.url}/profiles/{profile.slug}/")
    expect(page.locator("#size")).to_contain_text("Between 900 and 1,200")
    expect(page.locator("main")).not_to_contain_text("Rifles")
