"""A request's event log: every proposal and every comment kept, in order,
never updated or deleted, and shown on the request's page."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from profiles import workflow
from profiles.models import AppendOnlyError, ChangeRequest, RequestEvent
from tests.factories import SourceFactory, editor_user

pytestmark = pytest.mark.django_db


def propose(profile, author, size):
    source = SourceFactory()
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary=f"Size: {size}",
        proposals={"size": workflow.Proposal([size], [source])},
    ), source


def revise(change_request, author, size):
    source = SourceFactory()
    workflow.revise_change_request(
        change_request,
        by=author,
        summary=f"Size: {size}",
        proposals={"size": workflow.Proposal([size], [source])},
    )
    return source


@pytest.fixture
def reviewed(editor, reviewer, profile):
    """submit → changes requested (A) → revise → changes requested (B) →
    revise → approve, with the sources of each proposal."""
    change_request, first = propose(profile, editor, "About 600")
    workflow.request_changes(change_request, reviewer=reviewer, comment="Comment A")
    second = revise(change_request, editor, "About 700")
    workflow.request_changes(change_request, reviewer=reviewer, comment="Comment B")
    third = revise(change_request, editor, "About 800 in 2021")
    workflow.approve(change_request, reviewer=reviewer, note="Good now.")
    return change_request, [first, second, third]


def test_the_log_keeps_every_proposal_and_comment(reviewed, editor, reviewer):
    change_request, sources = reviewed

    events = list(change_request.events.all())

    assert [(e.kind, e.actor, e.text) for e in events] == [
        ("submitted", editor, ""),
        ("changes_requested", reviewer, "Comment A"),
        ("revised", editor, ""),
        ("changes_requested", reviewer, "Comment B"),
        ("revised", editor, ""),
        ("approved", reviewer, "Good now."),
        ("published", reviewer, ""),
    ]
    assert [e.proposal for e in events if e.proposal] == [
        {
            "summary": summary,
            "base_version": 1,
            "changes": {"size": {"value": [size], "sources": [source.pk]}},
        }
        for summary, size, source in zip(
            ["Size: About 600", "Size: About 700", "Size: About 800 in 2021"],
            ["About 600", "About 700", "About 800 in 2021"],
            sources,
            strict=True,
        )
    ]
    assert events[-1].version == 2
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_the_live_proposal_is_the_last_one(reviewed):
    change_request, _ = reviewed

    assert change_request.changes.get().value == ["About 800 in 2021"]


def test_an_event_cannot_be_updated(reviewed):
    event = reviewed[0].events.first()
    event.text = "Rewritten"

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        RequestEvent.objects.filter(pk=event.pk).update(text="Rewritten")
    with pytest.raises(AppendOnlyError):
        reviewed[0].events.update(text="Rewritten")
    with pytest.raises(AppendOnlyError):
        RequestEvent.objects.bulk_update([event], ["text"])

    assert RequestEvent.objects.get(pk=event.pk).text == ""


def test_an_event_cannot_be_deleted(reviewed):
    change_request = reviewed[0]
    count = change_request.events.count()

    with pytest.raises(AppendOnlyError):
        change_request.events.first().delete()
    with pytest.raises(AppendOnlyError):
        RequestEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        change_request.events.all().delete()

    assert change_request.events.count() == count


def test_the_admin_shows_events_read_only(client, admin_user, reviewed):
    event = reviewed[0].events.first()
    client.force_login(admin_user)

    page = client.get(reverse("admin:profiles_requestevent_change", args=[event.pk]))
    deleting = client.post(
        reverse("admin:profiles_requestevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert deleting.status_code == 403
    assert RequestEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("who", ["author", "reviewer"])
def test_the_request_page_shows_the_whole_conversation(
    client, who, editor, reviewer, reviewed
):
    change_request, _ = reviewed
    client.force_login(editor if who == "author" else reviewer)

    page = client.get(reverse("review:detail", args=[change_request.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    conversation = html[html.index('class="conversation"') :]
    kinds = [
        "Submitted",
        "Asked for changes",
        "Revised",
        "Asked for changes",
        "Revised",
        "Approved",
        "Published",
    ]
    positions = [
        conversation.index(f'<span class="event-kind">{kind}</span>', start)
        for kind, start in zip(kinds, [0] * len(kinds), strict=True)
    ]
    assert conversation.count('<span class="event-kind">') == 7
    assert positions[0] < positions[1] < positions[2] < positions[5] < positions[6]
    assert conversation.index("Comment A") < conversation.index("Comment B")
    assert conversation.count('<details class="event-proposal">') == 3
    for size in ["About 600", "About 700", "About 800 in 2021"]:
        assert f'<li dir="auto">{size}</li>' in conversation
    assert "as version 2" in conversation


def test_another_editor_cannot_see_someone_elses_pending_request(
    client, editor, profile
):
    change_request, _ = propose(profile, editor, "About 600")
    client.force_login(editor_user(username="someone-else"))

    page = client.get(reverse("review:detail", args=[change_request.pk]))

    assert page.status_code == 403


BEFORE = [("profiles", "0011_recently_published_indexes")]
AFTER = [("profiles", "0013_request_history_from_status")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_gives_existing_requests_a_history():
    author, reviewer = editor_user(username="old-author"), editor_user(username="rev")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old_request = apps.get_model("profiles", "ChangeRequest")
    old_change = apps.get_model("profiles", "ProposedChange")
    decided = timezone.now()
    requests = {
        status: old_request.objects.create(
            author_id=author.pk,
            summary=f"A {status} request",
            status=status,
            reviewer_id=reviewer.pk
            if status in {"rejected", "changes_requested"}
            else None,
            decided_at=decided if status != "pending" else None,
            decision_note="Why?" if status != "pending" else "",
        )
        for status in ["pending", "changes_requested", "rejected", "withdrawn"]
    }
    for change_request in requests.values():
        old_change.objects.create(
            change_request=change_request, field="size", value=["Big"]
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    def log(status):
        return list(
            RequestEvent.objects.filter(
                change_request_id=requests[status].pk
            ).values_list("kind", "actor__username", "text")
        )

    assert log("pending") == [("submitted", "old-author", "")]
    assert log("changes_requested") == [
        ("submitted", "old-author", ""),
        ("changes_requested", "rev", "Why?"),
    ]
    assert log("rejected") == [
        ("submitted", "old-author", ""),
        ("rejected", "rev", "Why?"),
    ]
    assert log("withdrawn") == [
        ("submitted", "old-author", ""),
        ("withdrawn", "old-author", ""),
    ]
    submitted = RequestEvent.objects.get(
        change_request_id=requests["pending"].pk, kind="submitted"
    )
    assert submitted.proposal == {
        "summary": "A pending request",
        "base_version": 0,
        "changes": {"size": {"value": ["Big"], "sources": []}},
    }
    assert ChangeRequest.objects.count() == 4
