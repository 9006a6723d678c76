"""A change request's event log: one row appended per thing that happened to
it (`profiles.models.RequestEvent`), in the transaction of the transition
that made it happen. Rows are never updated or deleted: a revision's earlier
proposals and every reviewer's comment stay in the log."""

from typing import Any

from profiles.models import ChangeRequest, RequestEvent, Version

Kind = RequestEvent.Kind


def new_event(
    change_request: ChangeRequest,
    kind: str,
    *,
    actor,
    text: str = "",
    proposal: dict[str, Any] | None = None,
    version: int | None = None,
    at=None,
) -> RequestEvent:
    """One event, not saved yet; `at` defaults to now."""
    event = RequestEvent(
        change_request=change_request,
        kind=kind,
        actor=actor,
        text=text,
        proposal=proposal,
        version=version,
    )
    if at is not None:
        event.at = at
    return event


def record(change_request: ChangeRequest, kind: str, **details) -> RequestEvent:
    """Appends one event (see `new_event` for `details`)."""
    appended = new_event(change_request, kind, **details)
    appended.save()
    return appended


def record_all(events: list[RequestEvent]) -> None:
    """Appends events made by `new_event`, in their order, in one insert."""
    RequestEvent.objects.bulk_create(events)


def import_published(
    change_request: ChangeRequest, version: Version, *, actor
) -> list[RequestEvent]:
    """The events of a recorded import published at once, not saved yet:
    "approved" with its note, then "published" with the version, both at
    the version's time."""
    approved = {"text": change_request.decision_note}
    published = {"version": version.number}
    return [
        new_event(change_request, kind, actor=actor, at=version.published_at, **details)
        for kind, details in ((Kind.APPROVED, approved), (Kind.PUBLISHED, published))
    ]


def proposal_as_recorded(
    change_request: ChangeRequest, changes: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The proposal of a submission or revision as the log keeps it: the
    summary and base version with the recorded changes (`record_changes`)."""
    return {
        "summary": change_request.summary,
        "base_version": change_request.base_version,
        "changes": changes,
    }
