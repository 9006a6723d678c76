"""A change request's states, the one table of moves between them, and the
workflow's errors.

    pending ──approve──▶ approved        (all or some fields published)
    pending ──reject───▶ rejected
    pending ──request_changes──▶ changes_requested ──revise──▶ pending
    pending ──revise──▶ pending          (the author edits while waiting)
    pending | changes_requested ──withdraw──▶ withdrawn
    pending ──claim | release──▶ pending (a reviewer says they are on it, or
                                          no longer; deciding clears a claim)

Approved, rejected and withdrawn are final: no move leaves them.

`approve` decides field by field, so it ends in the move its outcome names:
"approve" when some field is accepted (fields sent back then go on in a new
request that starts as changes_requested), "request_changes" when none is
and some are sent back, "reject" when every field is rejected.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied

from profiles.models import ChangeRequest
from profiles.serializers import FIELD_LABELS

Status = ChangeRequest.Status
Origin = ChangeRequest.Origin

#: action -> {state it may start from: state it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {Status.PENDING: Status.APPROVED},
    "reject": {Status.PENDING: Status.REJECTED},
    "request_changes": {Status.PENDING: Status.CHANGES_REQUESTED},
    "revise": {
        Status.PENDING: Status.PENDING,
        Status.CHANGES_REQUESTED: Status.PENDING,
    },
    "withdraw": {
        Status.PENDING: Status.WITHDRAWN,
        Status.CHANGES_REQUESTED: Status.WITHDRAWN,
    },
    "claim": {Status.PENDING: Status.PENDING},
    "release": {Status.PENDING: Status.PENDING},
}

#: States no action leaves.
FINAL = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})

#: The decision note of a recorded import, published without review.
RECORDED_IMPORT = "Recorded import."


class WorkflowError(Exception):
    """A workflow step that cannot run; the message says why, for the user."""


class NotAllowed(WorkflowError, PermissionDenied):
    """Refused: this person may not take this action, or not in this state.
    `reason` says why, in words for the person refused."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class InvalidTransition(NotAllowed):
    """Refused because of the request's state, not the person: the action
    does not start from it (views show it as a message rather than a 403)."""


class NothingToChange(WorkflowError):
    pass


class Conflict(WorkflowError):
    """Fields changed on both sides since the request's base version; the
    reviewer must choose or edit their values before approving."""

    def __init__(self, fields: Sequence[str]):
        self.fields = list(fields)
        labels = ", ".join(FIELD_LABELS[name] for name in self.fields)
        super().__init__(
            f"Changed since this request was written: {labels}. "
            "Choose or edit the value to publish for each."
        )


def next_state(change_request: ChangeRequest, action: str) -> str:
    """The state `action` leads to from the request's state; raises
    `InvalidTransition` when the table has no such move."""
    moves = TRANSITIONS[action]
    if change_request.status not in moves:
        verb = action.replace("_", " ")
        raise InvalidTransition(
            f"Cannot {verb} a request that is "
            f"{change_request.get_status_display().lower()}."
        )
    return moves[change_request.status]
