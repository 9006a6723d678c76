"""Talk threads: comments on a request's conversation and on a profile's talk
page, append-only, bounded, and @mentions telling those who may read them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import workflow
from profiles.models import (
    AppendOnlyError,
    Notification,
    ProfileComment,
    RequestEvent,
)
from profiles.workflow.notifications import mentioned_usernames
from tests.factories import SourceFactory, UserFactory, editor_user, reviewer_user

pytestmark = pytest.mark.django_db

Kind = RequestEvent.Kind


@pytest.fixture
def pending_request(profile, editor):
    return workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="New estimate",
        proposals={"size": workflow.Proposal(["About 500"], [SourceFactory()])},
    )


def _comments(change_request):
    return list(
        change_request.events.filter(kind=Kind.COMMENTED).values_list("text", flat=True)
    )


def _mentions():
    return sorted(
        Notification.objects.filter(kind=Notification.Kind.MENTIONED).values_list(
            "recipient__username", flat=True
        )
    )


# Request conversation


def test_request_comment_is_post_only(client, editor, pending_request):
    client.force_login(editor)
    url = reverse("review:comment", args=[pending_request.pk])
    assert client.get(url).status_code == 405


def test_request_comment_refuses_anonymous(client, pending_request):
    url = reverse("review:comment", args=[pending_request.pk])
    response = client.post(url, {"text": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _comments(pending_request) == []


def test_request_comment_refuses_another_editor(client, pending_request):
    client.force_login(editor_user(username="other"))
    url = reverse("review:comment", args=[pending_request.pk])
    assert client.post(url, {"text": "Hello"}).status_code == 403
    assert _comments(pending_request) == []


def test_author_and_reviewer_comment_in_order(
    client, editor, reviewer, pending_request
):
    url = reverse("review:comment", args=[pending_request.pk])
    client.force_login(editor)
    assert client.post(url, {"text": "  First  "}).status_code == 302
    client.force_login(reviewer)
    assert client.post(url, {"text": "Second"}).status_code == 302
    assert _comments(pending_request) == ["First", "Second"]
    page = client.get(reverse("review:detail", args=[pending_request.pk]))
    body = page.content.decode()
    assert body.index("First") < body.index("Second")
    assert reverse("review:comment", args=[pending_request.pk]) in body


def test_request_comment_page_shows_the_form_to_the_author(
    client, editor, pending_request
):
    client.force_login(editor)
    page = client.get(reverse("review:detail", args=[pending_request.pk]))
    assert 'name="text"' in page.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 5001, "This comment is 5,001 characters long; the most is 5,000."),
        ("bad\x07bell", "Remove the control character U+0007: text cannot hold it."),
        ("   ", "This field is required."),
    ],
)
def test_request_comment_bounds_are_a_field_error(
    client, editor, pending_request, text, message
):
    client.force_login(editor)
    url = reverse("review:comment", args=[pending_request.pk])
    response = client.post(url, {"text": text})
    assert response.status_code == 200
    assert response.context["comment_form"].errors["text"] == [message]
    assert _comments(pending_request) == []


def test_workflow_refuses_too_long_a_comment(editor, pending_request):
    with pytest.raises(ValidationError):
        workflow.comment(pending_request, by=editor, text="x" * 5001)
    assert _comments(pending_request) == []


def test_request_events_are_never_edited_or_deleted(editor, pending_request):
    workflow.comment(pending_request, by=editor, text="Kept")
    event = pending_request.events.get(kind=Kind.COMMENTED)
    event.text = "Changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        RequestEvent.objects.filter(pk=event.pk).update(text="Changed")
    with pytest.raises(AppendOnlyError):
        RequestEvent.objects.filter(pk=event.pk).delete()


def test_request_mention_tells_those_who_may_read_it(
    client, editor, reviewer, pending_request, django_capture_on_commit_callbacks
):
    editor_user(username="outsider")
    UserFactory(username="sleeper", is_active=False, roles=["Reviewers"])
    reviewer_user(username="second")
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("review:comment", args=[pending_request.pk]),
            {
                "text": "@editor @second. @outsider @sleeper @reviewer @nobody "
                "mail@editor"
            },
        )
    assert _mentions() == ["editor", "second"]
    notification = Notification.objects.get(recipient=editor, kind="mentioned")
    event = pending_request.events.get(kind=Kind.COMMENTED)
    assert notification.change_request == pending_request
    assert notification.request_event == event
    client.force_login(editor)
    response = client.post(reverse("inbox:open", args=[notification.pk]))
    assert response["Location"] == (
        reverse("review:detail", args=[pending_request.pk]) + f"#event-{event.pk}"
    )


def test_mentions_are_capped_per_comment():
    text = " ".join(f"@user{n}" for n in range(30)) + " @user0"
    names = mentioned_usernames(text)
    assert names == [f"user{n}" for n in range(20)]


# Profile talk pages


def test_talk_page_hidden_from_anonymous_readers(client, profile):
    response = client.get(reverse("profiles:talk", args=[profile.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_talk_page_is_read_by_anyone_signed_in_but_written_by_editors(client, profile):
    reader = UserFactory(username="reader")
    client.force_login(reader)
    page = client.get(reverse("profiles:talk", args=[profile.slug]))
    assert page.status_code == 200
    assert page.context["form"] is None
    url = reverse("profiles:comment", args=[profile.slug])
    assert client.post(url, {"text": "Hi"}).status_code == 403
    assert not ProfileComment.objects.exists()


def test_talk_comment_is_post_only(client, editor, profile):
    client.force_login(editor)
    assert (
        client.get(reverse("profiles:comment", args=[profile.slug])).status_code == 405
    )


def test_talk_comment_refuses_anonymous(client, profile):
    response = client.post(
        reverse("profiles:comment", args=[profile.slug]), {"text": "Hi"}
    )
    assert response.status_code == 302
    assert not ProfileComment.objects.exists()


def test_editors_and_reviewers_talk_in_order(client, editor, reviewer, profile):
    url = reverse("profiles:comment", args=[profile.slug])
    client.force_login(editor)
    response = client.post(url, {"text": "First"})
    first = ProfileComment.objects.get()
    assert response["Location"] == (
        reverse("profiles:talk", args=[profile.slug]) + f"?page=1#comment-{first.pk}"
    )
    client.force_login(reviewer)
    client.post(url, {"text": "Second"})
    assert list(profile.comments.values_list("author__username", "text")) == [
        ("editor", "First"),
        ("reviewer", "Second"),
    ]
    body = client.get(reverse("profiles:talk", args=[profile.slug])).content.decode()
    assert body.index("First") < body.index("Second")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 5001, "This comment is 5,001 characters long; the most is 5,000."),
        ("bad\x00nul", "Null characters are not allowed."),
        ("bad\x1bescape", "Remove the control character U+001B: text cannot hold it."),
    ],
)
def test_talk_bounds_are_a_field_error(client, editor, profile, text, message):
    client.force_login(editor)
    response = client.post(
        reverse("profiles:comment", args=[profile.slug]), {"text": text}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [message]
    assert not ProfileComment.objects.exists()


def test_profile_comments_are_never_edited_or_deleted(editor, profile):
    comment = workflow.comment_on_profile(profile, by=editor, text="Kept")
    comment.text = "Changed"
    with pytest.raises(AppendOnlyError):
        comment.save()
    with pytest.raises(AppendOnlyError):
        comment.delete()
    with pytest.raises(AppendOnlyError):
        ProfileComment.objects.update(text="Changed")
    with pytest.raises(AppendOnlyError):
        ProfileComment.objects.all().delete()
    assert ProfileComment.objects.get().text == "Kept"


def test_workflow_refuses_a_talk_comment_from_a_reader(profile):
    with pytest.raises(workflow.NotAllowed):
        workflow.comment_on_profile(profile, by=UserFactory(), text="Hi")


def test_talk_mention_tells_active_users_but_the_author(
    client, editor, profile, django_capture_on_commit_callbacks
):
    UserFactory(username="reader")
    UserFactory(username="gone", is_active=False)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("profiles:comment", args=[profile.slug]),
            {"text": "@reader see this, @gone @editor @nobody"},
        )
    assert _mentions() == ["reader"]
    notification = Notification.objects.get(kind="mentioned")
    comment = ProfileComment.objects.get()
    assert notification.profile_comment == comment
    assert notification.change_request is None
    client.force_login(notification.recipient)
    response = client.post(reverse("inbox:open", args=[notification.pk]))
    assert response["Location"] == (
        reverse("profiles:talk", args=[profile.slug]) + f"?page=1#comment-{comment.pk}"
    )


def test_talk_page_queries_do_not_grow(
    client, editor, profile, django_assert_num_queries
):
    authors = [editor_user(username=f"talker{n}") for n in range(5)]
    client.force_login(editor)
    url = reverse("profiles:talk", args=[profile.slug])
    workflow.comment_on_profile(profile, by=authors[0], text="One")
    client.get(url)  # session and permissions warmed
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(49):
        workflow.comment_on_profile(profile, by=authors[n % 5], text=f"Comment {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert len(page.context["page_obj"]) == 50


def test_profile_page_links_to_talk_for_signed_in_readers_only(client, editor, profile):
    talk = reverse("profiles:talk", args=[profile.slug])
    assert talk not in client.get(profile.get_absolute_url()).content.decode()
    client.force_login(editor)
    assert talk in client.get(profile.get_absolute_url()).content.decode()
