"""Deciding claim by claim in a real browser: a request adds two claims to a
section, the reviewer accepts one and rejects the other, and readers see only
the one accepted."""

import re

import pytest
from playwright.sync_api import expect

from profiles import workflow
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


def test_reviewer_accepts_one_claim_and_rejects_another(
    live_server, page, axe_violations
):
    profile = publish_profile("Example Brigade", weapons=["Rifles.¹"])
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="ed"),
        summary="Two more weapons",
        proposals={
            "weapons": workflow.Proposal(
                ["Rifles.¹", "Armed drones.¹", "Kornet missiles.¹"],
                [SourceFactory()],
            )
        },
    )
    reviewer_user(username="rev")

    sign_in(page, live_server, "rev")
    page.goto(f"{live_server.url}/review/{change_request.pk}/")
    weapons = page.locator("#change-weapons")
    expect(weapons.locator("li.diff-insert")).to_have_count(2)
    kornet = weapons.get_by_label("Weapons: added claim 3")
    expect(kornet.locator("option:checked")).to_have_text("As the field")
    assert axe_violations() == []

    weapons.get_by_role(
        "group", name="Accept, reject or send back the change to Weapons"
    ).get_by_label("Accept").check()
    # The script says what following the field now means.
    expect(kornet.locator("option:checked")).to_have_text("As the field: Accept")
    kornet.select_option("reject")
    page.get_by_role("textbox", name="Reason for your decision on Weapons").fill(
        "No source names the Kornet."
    )
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_text("Published as version 2.")).to_be_visible()
    expect(page.locator("#change-weapons .field-outcome")).to_contain_text(
        "Accepted in part"
    )
    expect(page.locator("#change-weapons .claim-rejected")).to_contain_text(
        "Kornet missiles"
    )
    assert axe_violations() == []

    page.goto(f"{live_server.url}/profiles/{profile.slug}/")
    section = page.locator("#weapons")
    expect(section).to_contain_text("Armed drones")
    expect(section).to_contain_text("Rifles")
    expect(section).not_to_contain_text("Kornet")
    expect(page).to_have_title(re.compile("Example Brigade"))
