"""Watching a profile in a real browser: a reader hears in their inbox of a
request opened on it and of its decision, and marks them read by POST."""

import re

import pytest
from playwright.sync_api import expect

from profiles import workflow
from profiles.models import Notification
from tests.browser.test_editorial_flow import sign_in
from tests.factories import (
    SourceFactory,
    UserFactory,
    editor_user,
    publish_profile,
    reviewer_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_watcher_hears_of_a_request_opened_and_decided(live_server, page):
    profile = publish_profile("Example Brigade")
    UserFactory(username="reader")
    profile_url = f"{live_server.url}/profiles/{profile.slug}/"

    sign_in(page, live_server, "reader")
    page.goto(profile_url)
    page.get_by_role("button", name="Watch", exact=True).click()
    expect(page.get_by_text("You watch this profile.")).to_be_visible()

    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="ed"),
        summary="Bigger",
        proposals={"size": workflow.Proposal(["About 900"], [SourceFactory()])},
    )
    workflow.approve(change_request, reviewer=reviewer_user(username="rev"))

    page.goto(f"{live_server.url}/inbox/")
    notifications = page.locator(".notification")
    expect(notifications).to_have_count(2)
    expect(notifications.nth(0)).to_contain_text(
        "rev approved ed’s change to Example Brigade, which you watch."
    )
    expect(notifications.nth(1)).to_contain_text(
        "ed proposed a change to Example Brigade, which you watch: Bigger"
    )
    expect(page.locator(".unread-label")).to_have_count(2)

    # Opening one is a POST that marks it read; a reader may not read the
    # request, so it leads to the profile.
    page.get_by_role("button", name=re.compile("ed proposed a change")).click()
    expect(page).to_have_url(profile_url)
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator(".unread-label")).to_have_count(1)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("Marked 1 notification read.")).to_be_visible()
    expect(page.locator(".unread-label")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)

    assert [
        (notification.kind, notification.read_at is not None)
        for notification in Notification.objects.filter(
            recipient__username="reader"
        ).order_by("pk")
    ] == [("watched_opened", True), ("watched_decided", True)]
