"""A note mark shows its note in a popover (static/js/notes.js), from the
keyboard as from the mouse, and Escape hides it; the mark stays a link to
the note."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import SEED

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_focusing_a_note_mark_shows_the_note_and_escape_hides_it(
    live_server, page, seed_text
):
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)
    page.goto(f"{live_server.url}/profiles/liwa-al-baqir/")
    mark = page.get_by_role("link", name="Note 3", exact=True)
    popover = page.get_by_role("tooltip")
    expect(popover).to_have_count(0)

    mark.focus()

    expect(popover).to_be_visible()
    expect(popover).to_contain_text("Note 3.")
    expect(popover).to_contain_text("For a recent portrait of Khamenei")
    # A screen reader hears the note with the mark: its description.
    expect(mark).to_have_accessible_description(
        page.locator("#note-3 > span").first.inner_text()
    )

    page.keyboard.press("Escape")

    expect(popover).to_be_hidden()
    expect(mark).to_be_focused()

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(popover).to_be_visible()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/profiles/liwa-al-baqir/#note-3")


def test_hovering_a_note_mark_shows_the_note_until_the_pointer_leaves(
    live_server, page, seed_text
):
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)
    page.goto(f"{live_server.url}/profiles/liwa-al-baqir/")
    popover = page.get_by_role("tooltip")

    page.get_by_role("link", name="Note 7", exact=True).hover()

    expect(popover).to_be_visible()
    expect(popover).to_contain_text("Diyaruna")
    expect(popover.locator("span[lang]")).to_have_attribute("lang", "en")

    page.get_by_role("heading", level=1).hover()

    expect(popover).to_be_hidden()


def test_on_a_touch_screen_a_first_tap_shows_the_note_and_a_second_follows_it(
    live_server, browser, seed_text
):
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    profile_url = f"{live_server.url}/profiles/liwa-al-baqir/"
    page.goto(profile_url)
    mark = page.get_by_role("link", name="Note 5", exact=True)
    popover = page.get_by_role("tooltip")

    mark.tap()

    expect(popover).to_be_visible()
    expect(popover).to_contain_text("The Local Defense Forces")
    expect(popover).to_contain_text("Tap the mark again to go to the note.")
    expect(page).to_have_url(profile_url)

    mark.tap()

    expect(page).to_have_url(f"{profile_url}#note-5")
    expect(popover).to_be_hidden()
    context.close()
