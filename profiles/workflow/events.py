"""A change request's event log: one row appended per thing that happened to
it (`profiles.models.RequestEvent`), in the transaction of the transition
that made it happen. Rows are never updated or deleted: a revision's earlier
proposals and every reviewer's comment stay in the log."""

from typing import Any

from profiles.models import ChangeRequest, RequestEvent

Kind = RequestEvent.Kind


def record(
    change_request: ChangeRequest,
    kind: str,
    *,
    actor,
    text: str = "",
    proposal: dict[str, Any] | None = None,
    version: int | None = None,
    at=None,
) -> RequestEvent:
    """Appends one event; `at` defaults to now."""
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
    event.save()
    return event


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
