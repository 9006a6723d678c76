"""Watching a profile: the buttons, the watchers' inbox entries when a request
on it is opened or decided, and their daily email digest."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import workflow
from profiles.models import Notification, Watch
from tests.factories import SourceFactory, UserFactory, publish_profile

pytestmark = pytest.mark.django_db

WATCH_FORM = 'class="inline-form watch-form"'


def propose(profile, author, size=("Bigger",)):
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="New estimate",
        proposals={"size": workflow.Proposal(list(size), [SourceFactory()])},
    )


@pytest.fixture
def watcher(profile):
    user = UserFactory(username="watcher")
    Watch.objects.create(user=user, profile=profile)
    return user


@pytest.fixture
def opened(editor, reviewer, profile, watcher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return propose(profile, editor)


def watch_kinds(user) -> list[str]:
    return list(
        user.notifications.filter(kind__in=Notification.WATCH_KINDS).values_list(
            "kind", flat=True
        )
    )


# The buttons


def test_watch_and_unwatch_by_post(client, profile):
    user = UserFactory(username="reader")
    client.force_login(user)
    url = reverse("profiles:detail", args=[profile.slug])

    watched = client.post(reverse("profiles:watch", args=[profile.slug]))
    again = client.post(reverse("profiles:watch", args=[profile.slug]), follow=True)

    assert watched.status_code == 302
    assert watched["Location"] == url
    assert list(Watch.objects.values_list("user", "profile")) == [(user.pk, profile.pk)]
    assert "You are watching Test Brigade" in again.content.decode()

    unwatched = client.post(
        reverse("profiles:unwatch", args=[profile.slug]), follow=True
    )

    assert unwatched.redirect_chain == [(url, 302)]
    assert "You no longer watch Test Brigade." in unwatched.content.decode()
    assert not Watch.objects.exists()


@pytest.mark.parametrize("name", ["watch", "unwatch"])
def test_watching_refuses_get(client, profile, name):
    client.force_login(UserFactory())

    response = client.get(reverse(f"profiles:{name}", args=[profile.slug]))

    assert response.status_code == 405
    assert not Watch.objects.exists()


@pytest.mark.parametrize("name", ["watch", "unwatch"])
def test_watching_needs_sign_in(client, profile, name):
    response = client.post(reverse(f"profiles:{name}", args=[profile.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Watch.objects.exists()


def test_an_unknown_profile_cannot_be_watched(client):
    client.force_login(UserFactory())

    response = client.post(reverse("profiles:watch", args=["no-such-profile"]))

    assert response.status_code == 404


def test_signed_in_people_see_the_button_for_their_state(client, profile, watcher):
    url = reverse("profiles:detail", args=[profile.slug])
    client.force_login(UserFactory(username="reader"))
    html = client.get(url).content.decode()
    assert f'action="{reverse("profiles:watch", args=[profile.slug])}"' in html
    assert ">Watch</button>" in html

    client.force_login(watcher)
    html = client.get(url).content.decode()
    assert f'action="{reverse("profiles:unwatch", args=[profile.slug])}"' in html
    assert ">Unwatch</button>" in html


def test_the_anonymous_cached_page_has_no_button(client, profile, watcher):
    url = reverse("profiles:detail", args=[profile.slug])
    signed_in = UserFactory(username="reader")
    client.force_login(signed_in)
    assert WATCH_FORM in client.get(url).content.decode()
    client.logout()
    client.cookies.clear()

    first = client.get(url)
    cached = client.get(url)

    assert first.content == cached.content
    assert WATCH_FORM not in cached.content.decode()
    assert "/watch/" not in cached.content.decode()


def test_the_watching_page_lists_watched_profiles_paged(client, profile, watcher):
    client.force_login(watcher)
    url = reverse("inbox:watching")
    with CaptureQueriesContext(connection) as one:
        html = client.get(url).content.decode()
    assert "1 profile watched" in html
    assert f'href="{profile.get_absolute_url()}"' in html
    assert 'name="next" value="/inbox/watching/"' in html
    assert (
        'href="/inbox/watching/"' in client.get(reverse("inbox:list")).content.decode()
    )

    for number in range(30):
        Watch.objects.create(user=watcher, profile=publish_profile(f"Brigade {number}"))
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()

    assert len(many) == len(one)
    assert "31 profiles watched" in html
    assert html.count('<li class="watch">') == 25
    assert "Page 1 of 2" in html


def test_unwatching_from_the_list_returns_to_it(client, profile, watcher):
    client.force_login(watcher)

    response = client.post(
        reverse("profiles:unwatch", args=[profile.slug]),
        {"next": "/inbox/watching/?page=1"},
    )
    elsewhere = client.post(
        reverse("profiles:watch", args=[profile.slug]),
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == "/inbox/watching/?page=1"
    assert elsewhere["Location"] == profile.get_absolute_url()


# The inbox entries


def test_watcher_hears_of_a_new_request_but_not_the_author(
    opened, editor, reviewer, watcher
):
    notification = watcher.notifications.get()

    assert notification.kind == Notification.Kind.WATCHED_OPENED
    assert notification.change_request == opened
    assert notification.message == (
        "editor proposed a change to Test Brigade, which you watch: New estimate"
    )
    assert notification.emailed_at is None
    assert watch_kinds(editor) == []
    assert list(reviewer.notifications.values_list("kind", flat=True)) == [
        Notification.Kind.SUBMITTED
    ]


def test_watchers_are_not_emailed_each_event(opened, watcher):
    assert watcher.email not in [address for m in mail.outbox for address in m.to]


def test_a_watching_author_and_reviewer_hear_only_once(
    editor, reviewer, profile, watcher, django_capture_on_commit_callbacks
):
    Watch.objects.create(user=editor, profile=profile)
    Watch.objects.create(user=reviewer, profile=profile)

    with django_capture_on_commit_callbacks(execute=True):
        change_request = propose(profile, editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(change_request, reviewer=reviewer)

    assert list(reviewer.notifications.values_list("kind", flat=True)) == [
        Notification.Kind.SUBMITTED
    ]
    assert list(editor.notifications.values_list("kind", flat=True)) == [
        Notification.Kind.APPROVED
    ]
    assert watch_kinds(watcher) == [
        Notification.Kind.WATCHED_DECIDED,
        Notification.Kind.WATCHED_OPENED,
    ]


@pytest.mark.parametrize(
    ("decide", "message"),
    [
        (
            lambda cr, reviewer: workflow.approve(cr, reviewer=reviewer),
            "reviewer approved editor’s change to Test Brigade, which you watch.",
        ),
        (
            lambda cr, reviewer: workflow.approve(
                cr,
                reviewer=reviewer,
                decisions={"size": workflow.FieldDecision(accept=False, reason="No")},
            ),
            "reviewer rejected editor’s change to Test Brigade, which you watch. "
            "“Size: No”",
        ),
        (
            lambda cr, reviewer: workflow.reject(cr, reviewer=reviewer, reason="Old"),
            "reviewer rejected editor’s change to Test Brigade, which you watch. “Old”",
        ),
    ],
)
def test_watcher_hears_of_a_decision(
    opened, reviewer, watcher, django_capture_on_commit_callbacks, decide, message
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(opened, reviewer)

    notification = watcher.notifications.filter(
        kind=Notification.Kind.WATCHED_DECIDED
    ).get()
    assert notification.message == message
    assert not reviewer.notifications.filter(kind__in=Notification.WATCH_KINDS).exists()


def test_watcher_hears_of_a_partial_approval(
    editor, reviewer, profile, watcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_request = workflow.submit_change_request(
            profile=profile,
            author=editor,
            summary="Two fields",
            proposals={
                "size": workflow.Proposal(["Bigger"], [SourceFactory()]),
                "weapons": workflow.Proposal(["Rifles"], [SourceFactory()]),
            },
        )
        workflow.approve(
            change_request,
            reviewer=reviewer,
            decisions={"weapons": workflow.FieldDecision(accept=False, reason="No")},
        )

    assert watcher.notifications.get(
        kind=Notification.Kind.WATCHED_DECIDED
    ).message == (
        "reviewer partly approved editor’s change to Test Brigade, which you watch."
    )


def test_watcher_does_not_hear_of_revisions_or_requests_for_changes(
    opened, editor, reviewer, watcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(opened, reviewer=reviewer, comment="Cite more")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revise_change_request(
            opened,
            by=editor,
            summary="Better estimate",
            proposals={"size": workflow.Proposal(["Much bigger"], [SourceFactory()])},
        )

    assert watch_kinds(watcher) == [Notification.Kind.WATCHED_OPENED]


def test_other_profiles_watchers_and_inactive_watchers_hear_nothing(
    editor, reviewer, profile, django_capture_on_commit_callbacks
):
    other = UserFactory(username="other")
    Watch.objects.create(user=other, profile=publish_profile("Other Brigade"))
    gone = UserFactory(username="gone", is_active=False)
    Watch.objects.create(user=gone, profile=profile)

    with django_capture_on_commit_callbacks(execute=True):
        propose(profile, editor)

    assert not Notification.objects.filter(recipient__in=[other, gone]).exists()


def test_opening_a_watch_notification_goes_to_the_profile(client, opened, watcher):
    client.force_login(watcher)
    notification = watcher.notifications.get()

    response = client.post(reverse("inbox:open", args=[notification.pk]))

    assert response["Location"] == reverse("profiles:detail", args=["test-brigade"])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notifying_many_watchers_takes_constant_queries(
    editor,
    reviewer,
    profile,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    for number in range(50):
        Watch.objects.create(user=UserFactory(username=f"w{number}"), profile=profile)
    change_request = propose(profile, editor)  # its callbacks are dropped

    with django_assert_max_num_queries(8):
        workflow.notifications.submitted(change_request)
    workflow.approve(change_request, reviewer=reviewer)
    change_request.refresh_from_db()
    with django_assert_max_num_queries(8):
        workflow.notifications.decided(change_request)

    assert (
        Notification.objects.filter(kind=Notification.Kind.WATCHED_OPENED).count() == 50
    )
    assert (
        Notification.objects.filter(kind=Notification.Kind.WATCHED_DECIDED).count()
        == 50
    )


# The digest


@pytest.fixture
def mail_configured(settings):
    settings.EMAIL_CONFIGURED = True


def test_digest_sends_one_email_per_watcher_and_marks_the_items(
    editor,
    reviewer,
    profile,
    watcher,
    mail_configured,
    django_capture_on_commit_callbacks,
):
    second = UserFactory(username="second")
    Watch.objects.create(user=second, profile=profile)
    with django_capture_on_commit_callbacks(execute=True):
        first_request = propose(profile, editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(first_request, reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        propose(profile, editor, size=["Smaller"])
    read = second.notifications.filter(kind=Notification.Kind.WATCHED_DECIDED).get()
    read.read_at = read.created_at
    read.save()
    mail.outbox.clear()

    call_command("send_watch_digest", verbosity=0)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["second@example.org", "watcher@example.org"]
    assert by_address["watcher@example.org"].subject == (
        "[Profiles wiki] 3 updates on profiles you watch"
    )
    body = by_address["watcher@example.org"].body
    assert body.count("- ") == 3
    assert "editor proposed a change to Test Brigade, which you watch: " in body
    assert "reviewer approved editor’s change to Test Brigade" in body
    assert "/profiles/test-brigade/" in body
    assert by_address["second@example.org"].body.count("- ") == 2
    assert not Notification.objects.awaiting_digest().exists()
    read.refresh_from_db()
    assert read.emailed_at is None  # read in the inbox already: not emailed

    mail.outbox.clear()
    call_command("send_watch_digest", verbosity=0)

    assert mail.outbox == []


def test_digest_waits_a_day_after_the_last_one(
    editor, profile, watcher, mail_configured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        propose(profile, editor)
    call_command("send_watch_digest", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        propose(profile, editor, size=["Smaller"])
    mail.outbox.clear()

    call_command("send_watch_digest", verbosity=0)

    assert mail.outbox == []
    assert Notification.objects.awaiting_digest().count() == 1


def test_no_digest_when_nothing_is_new(watcher, mail_configured, capsys):
    call_command("send_watch_digest")

    assert mail.outbox == []
    assert capsys.readouterr().out == "Sent 0 digests.\n"


def test_no_digest_without_a_mail_server(opened, watcher, settings, capsys):
    settings.EMAIL_CONFIGURED = False
    mail.outbox.clear()

    call_command("send_watch_digest")

    assert mail.outbox == []
    assert "Mail is not configured" in capsys.readouterr().out
    assert watcher.notifications.awaiting_digest().count() == 1


def test_dry_run_sends_and_marks_nothing(opened, watcher, mail_configured, capsys):
    mail.outbox.clear()

    call_command("send_watch_digest", "--dry-run")

    assert mail.outbox == []
    assert capsys.readouterr().out == "Would send 1 digest.\n"
    assert watcher.notifications.awaiting_digest().count() == 1
