"""Discussion in a real browser: a comment on a profile's talk page and one
on a request, each mentioning a reviewer, who finds both from their inbox."""

import re

import pytest
from playwright.sync_api import expect

from profiles.models import ProfileComment, RequestEvent
from tests.browser.test_editorial_flow import sign_in, sign_out
from tests.factories import reviewer_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TALK = "@rev is the founding year 2013 or 2014?"
ON_REQUEST = "Second source added, @rev."


def add_comment(page, text: str) -> None:
    page.get_by_role("textbox", name="Comment").fill(text)
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added.")).to_be_visible()


def test_a_reviewer_mentioned_on_talk_and_on_a_request_finds_both(
    live_server, page, pending
):
    change_request, profile = pending, pending.profile
    reviewer_user(username="rev")

    sign_in(page, live_server, "ed")
    page.goto(f"{live_server.url}/profiles/{profile.slug}/")
    page.get_by_role("link", name="Talk about this profile").click()
    add_comment(page, TALK)
    expect(page.locator(".talk-comment")).to_contain_text(TALK)
    page.goto(f"{live_server.url}/review/{change_request.pk}/")
    add_comment(page, ON_REQUEST)
    expect(page.locator(".event-commented")).to_contain_text(ON_REQUEST)
    sign_out(page, "ed")

    sign_in(page, live_server, "rev")
    page.goto(f"{live_server.url}/inbox/")
    talk_mention = page.get_by_role(
        "button",
        name=f"ed mentioned you on the talk page of Example Brigade: “{TALK}”",
    )
    request_mention = page.get_by_role(
        "button",
        name=(
            f"ed mentioned you on change request #{change_request.pk} "
            f"(Example Brigade): “{ON_REQUEST}”"
        ),
    )
    expect(talk_mention).to_be_visible()
    expect(request_mention).to_be_visible()

    talk_mention.click()
    comment = ProfileComment.objects.get()
    expect(page).to_have_url(
        re.compile(rf"/profiles/{profile.slug}/talk/\?page=1#comment-{comment.pk}$")
    )
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(TALK)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("ed")

    page.goto(f"{live_server.url}/inbox/")
    request_mention.click()
    event = RequestEvent.objects.get(kind="commented")
    expect(page).to_have_url(
        f"{live_server.url}/review/{change_request.pk}/#event-{event.pk}"
    )
    expect(page.locator(f"#event-{event.pk}")).to_contain_text(ON_REQUEST)
