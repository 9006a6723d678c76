"""Gives every existing change request a history in its event log, from what
its row says: "submitted" by its author when it was created (with the
proposal it holds now: earlier revisions were not kept before the log), and
its decision from its status, reviewer, time and note ("changes_requested",
"approved" or "partly_approved" then "published", "rejected", "withdrawn").
Reversing removes the events."""

from django.db import migrations

BATCH = 500


def _proposal(change_request):
    changes = {}
    for change in change_request.changes.all():
        changes[change.field] = {
            "value": change.value,
            "sources": [source.pk for source in change.sources.all()],
        }
    return {
        "summary": change_request.summary,
        "base_version": change_request.base_version,
        "changes": changes,
    }


def _events(Event, change_request, published_at):
    yield Event(
        change_request=change_request,
        kind="submitted",
        actor_id=change_request.author_id,
        at=change_request.created_at,
        proposal=_proposal(change_request),
    )
    status = change_request.status
    decided = {
        "actor_id": change_request.reviewer_id,
        # Never before the submission, so the log reads in order.
        "at": max(
            change_request.decided_at or change_request.updated_at,
            change_request.created_at,
        ),
        "text": change_request.decision_note,
    }
    if status == "withdrawn":
        yield Event(
            change_request=change_request,
            kind="withdrawn",
            actor_id=change_request.author_id,
            at=change_request.updated_at,
        )
    elif change_request.reviewer_id is None:
        return
    elif status == "changes_requested":
        yield Event(change_request=change_request, kind=status, **decided)
    elif status == "rejected":
        yield Event(change_request=change_request, kind="rejected", **decided)
    elif status == "approved":
        partly = any(c.decision == "rejected" for c in change_request.changes.all())
        kind = "partly_approved" if partly else "approved"
        yield Event(change_request=change_request, kind=kind, **decided)
        yield Event(
            change_request=change_request,
            kind="published",
            actor_id=change_request.reviewer_id,
            at=published_at or decided["at"],
            version=change_request.published_version,
        )


def add_events(apps, schema_editor):
    ChangeRequest = apps.get_model("profiles", "ChangeRequest")
    Event = apps.get_model("profiles", "RequestEvent")
    Version = apps.get_model("profiles", "Version")
    requests = (
        ChangeRequest.objects.filter(events__isnull=True)
        .order_by("pk")
        .prefetch_related("changes__sources")
    )
    published = dict(
        Version.objects.filter(change_request__isnull=False).values_list(
            "change_request_id", "published_at"
        )
    )
    batch = []
    for change_request in requests.iterator(chunk_size=BATCH):
        published_at = published.get(change_request.pk)
        batch.extend(_events(Event, change_request, published_at))
        if len(batch) >= BATCH:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)


def remove_events(apps, schema_editor):
    apps.get_model("profiles", "RequestEvent").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0012_request_events")]

    operations = [migrations.RunPython(add_events, remove_events)]
