"""The claim editor in a real browser, with its script: an editor adds a
claim citing two notes with a partial date, sees the live preview, moves the
claim up, previews the page, saves a draft, finds it restored and submits."""

import re

import pytest
from playwright.sync_api import expect

from profiles import claims
from profiles.models import ChangeRequest, EditDraft
from tests.browser.test_editorial_flow import sign_in
from tests.factories import editor_user, publish_profile

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_adds_a_claim_previews_saves_a_draft_and_submits(
    live_server, page, axe_violations
):
    profile = publish_profile("Example Brigade", notes=2)
    editor_user(username="ed")
    url = f"{live_server.url}/profiles/{profile.slug}/edit/"

    sign_in(page, live_server, "ed")
    page.goto(url)
    size = page.locator("#size-set")
    size.locator("summary").click()  # the section unfolds
    size.get_by_role("button", name="Add a claim").click()  # the blank row
    claim = size.get_by_role("group", name="Claim 2")
    expect(claim.get_by_label("Claim", exact=True)).to_be_focused()
    claim.get_by_label("Claim", exact=True).fill("Some 4,000 fighters")
    claim.get_by_label("Citations").select_option(["1", "2"])
    claim.get_by_label("Locators").fill("2: p. 12")
    claim.get_by_label("Status").select_option("reported")
    claim.get_by_label("As of").fill("early 2017")

    # The preview follows the typing, before anything is sent for review.
    preview = page.locator("#preview-size")
    expect(preview.locator("li").last).to_have_text(
        "Some 4,000 fighters1 2 (reported; as of early 2017; note 2: p. 12)"
    )
    claim.get_by_role("button", name="Move up: Claim 2").click()
    expect(preview.locator("li").first).to_contain_text("Some 4,000 fighters")
    assert axe_violations() == []

    # Without waiting for the script: the Preview button shows the same.
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-note")).to_contain_text("The preview of each")
    expect(page.locator("#preview-size li").first).to_contain_text(
        "Some 4,000 fighters"
    )
    assert ChangeRequest.objects.filter(origin="edit").count() == 0

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()
    expect(page.locator(".draft-notice")).to_contain_text("This is your draft")
    restored = page.locator("#size-set")
    expect(restored.locator("#id_size-1-text")).to_have_value("Some 4,000 fighters")
    expect(restored.locator("#id_size-1-ORDER")).to_have_value("1")
    assert EditDraft.objects.filter(profile=profile).count() == 1

    page.get_by_role("textbox", name="Edit summary").fill("A larger estimate")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_text("Your change is waiting for review.")).to_be_visible()
    change = ChangeRequest.objects.get(origin="edit").changes.get()
    assert change.field == "size"
    new, old = change.value  # moved up
    assert old == "About 500 fighters in 2019"
    claim = claims.parse_bullet(new)
    assert claim.text == "Some 4,000 fighters"
    assert claim.citations == (claims.Citation(1), claims.Citation(2, "p. 12"))
    assert (claim.status, claim.as_of) == (claims.Status.REPORTED, "2017-01/2017-04")
    assert not EditDraft.objects.exists()
    page.goto(url)
    expect(page.locator(".draft-notice")).to_have_count(0)


def test_a_note_added_on_the_page_is_offered_to_every_claim(live_server, page):
    profile = publish_profile("Example Brigade")
    editor_user(username="ed")

    sign_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/profiles/{profile.slug}/edit/")
    notes = page.locator("#citations-set")
    notes.locator("summary").click()
    notes.get_by_role("button", name="Add another note").click()
    new_note = notes.get_by_role("group", name="New note").last
    expect(new_note.get_by_label("Number")).to_have_value("2")
    expect(new_note.get_by_label("Number")).to_be_focused()
    new_note.get_by_label("Text").fill("Commentary written today.")

    size = page.locator("#size-set")
    size.locator("summary").click()
    citations = size.get_by_role("group", name="Claim 1").get_by_label("Citations")
    expect(citations.locator("option")).to_have_text(
        [re.compile(r"^1 · A\. Writer"), "2 · Commentary written today."]
    )
