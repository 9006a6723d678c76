import re

import pytest
from django.urls import reverse

from profiles import workflow
from profiles.models import Notification
from tests.factories import SourceFactory, reviewer_user
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def propose(profile, author, **values):
    source = SourceFactory()
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="New estimate",
        proposals={f: workflow.Proposal(v, [source]) for f, v in values.items()},
    )


def entries(html: str) -> list[str]:
    return [
        text_of(item)
        for item in re.findall(r'<li class="notification[^"]*">(.*?)</li>', html, re.S)
    ]


def inbox_badge(html: str) -> str:
    return text_of(re.search(r'href="/inbox/">(.*?)</a>', html, re.S)[1])


@pytest.fixture
def submitted(editor, reviewer, profile, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return propose(profile, editor, size=["Bigger"])


def test_reviewers_inbox_lists_a_new_request_as_unread(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.get(reverse("inbox:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert entries(html) == [
        "Unread editor proposed a change to Test Brigade: New estimate "
        "New change request · 0 minutes ago"
    ]
    notification = reviewer.notifications.get()
    assert f'action="/inbox/{notification.pk}/"' in html
    assert inbox_badge(html) == "Inbox 1 unread"
    assert "1 notification, 1 unread, newest first." in html


def test_inbox_lists_newest_first(
    client, editor, reviewer, profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = propose(profile, editor, size=["Bigger"])
        second = propose(profile, editor, weapons=["Rifles"])
    client.force_login(reviewer)

    html = client.get(reverse("inbox:list")).content.decode()

    links = [int(pk) for pk in re.findall(r'action="/inbox/(\d+)/"', html)]
    assert links == [
        reviewer.notifications.get(change_request=second).pk,
        reviewer.notifications.get(change_request=first).pk,
    ]


def test_opening_a_notification_marks_it_read_and_shows_the_request(
    client, reviewer, submitted
):
    notification = reviewer.notifications.get()
    client.force_login(reviewer)

    response = client.post(reverse("inbox:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("review:detail", args=[submitted.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    html = client.get(reverse("inbox:list")).content.decode()
    assert entries(html)[0].startswith("editor proposed")
    assert inbox_badge(html) == "Inbox 0 unread"


def test_someone_elses_notification_is_not_found(client, reviewer, submitted):
    notification = reviewer.notifications.get()
    client.force_login(reviewer_user())

    response = client.post(reverse("inbox:open", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_following_a_notification_link_with_get_changes_nothing(
    client, reviewer, submitted
):
    notification = reviewer.notifications.get()
    client.force_login(reviewer)

    response = client.get(reverse("inbox:open", args=[notification.pk]))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, reviewer, editor, profile, submitted):
    Notification.objects.create(
        recipient=editor, change_request=submitted, kind="change_request.submitted"
    )
    client.force_login(reviewer)

    assert client.get(reverse("inbox:read-all")).status_code == 405
    response = client.post(reverse("inbox:read-all"))

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:list")
    assert not reviewer.notifications.unread().exists()
    assert editor.notifications.unread().count() == 1
    assert [str(m) for m in client.get(response["Location"]).context["messages"]] == [
        "Marked 1 notification read."
    ]


def test_inbox_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("inbox:list"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/inbox/"


def test_author_hears_of_a_request_for_changes_with_the_comment(
    client, editor, reviewer, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("review:decide", args=[submitted.pk]),
            {
                "action": "request_changes",
                "size-decision": "accept",
                "comment": "Year?",
            },
        )
    client.force_login(editor)

    html = client.get(reverse("inbox:list")).content.decode()

    assert entries(html) == [
        "Unread reviewer asked for changes to your change to Test Brigade. “Year?” "
        "Changes requested · 0 minutes ago"
    ]
    assert inbox_badge(html) == "Inbox 1 unread"
    assert mailoutbox[-1].to == [editor.email]
    assert mailoutbox[-1].subject == (
        "[Profiles wiki] reviewer asked for changes to your change to Test Brigade. "
        "“Year?”"
    )
