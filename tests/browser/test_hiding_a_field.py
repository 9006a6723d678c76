"""Suppression in a real browser: someone given the permission hides a
field of a version with a reason, and an anonymous reader then sees that a
reviewer hid it, and when, instead of the text."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_editorial_flow import sign_in, sign_out
from tests.suppressing import LEAK, REASON, profile_with_secret, suppressor_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_suppressor_hides_a_field_and_readers_see_the_notice(
    live_server, page, axe_violations
):
    profile = profile_with_secret()
    suppressor_user(username="sup")
    page.goto(f"{live_server.url}/profiles/{profile.slug}/")
    expect(page.locator("#atrocities")).to_contain_text(LEAK)

    sign_in(page, live_server, "sup")
    page.goto(f"{live_server.url}/profiles/{profile.slug}/versions/2/")
    page.get_by_role("link", name="Hide a field of this version").click()
    page.get_by_label("Field to hide").select_option(label="Atrocities")
    page.get_by_label("Why it must be hidden").fill(REASON)
    assert axe_violations() == []
    page.get_by_role("button", name="Hide this field").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Confirm that you mean to hide this value."
    )
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Hide this field").click()
    expect(
        page.get_by_text("Atrocities as version 2 has it is now hidden")
    ).to_be_visible()
    sign_out(page, "sup")

    for path in ("", "versions/2/", "versions/3/"):
        page.goto(f"{live_server.url}/profiles/{profile.slug}/{path}")
        expect(page.locator("#atrocities")).to_contain_text(
            re.compile(r"Hidden by a reviewer on \d{1,2} \w+ \d{4}\.")
        )
        assert LEAK not in page.content()
