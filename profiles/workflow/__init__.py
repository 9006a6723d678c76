"""The change-request workflow: the only code that changes a request's state
or the published record. One module per concern:

- `states`: the statuses, the one table of moves between them, the errors
  (`NotAllowed`, a `PermissionDenied` carrying the reason refused);
- `permissions`: who may take which action (nobody decides their own request);
- `transitions`: the verbs below, each atomic, locked, guarded and logged;
- `proposals`: checking and recording what a request proposes;
- `claim_decisions`: a section decided claim by claim (accepted in part);
- `publishing`: accepted values -> the live record, versions, derived data;
- `bulk`: an import's new profile recorded and published in one step, in
  a handful of inserts;
- `events`: the append-only log of each request;
- `notifications`: inbox entries and emails, sent after commit; watching a
  profile and the watchers' daily digest;
- `suppression`: hiding one field of one published version from the
  public, with a reason kept in an audit log;
- `freshness`: "still true", a request that moves one claim's as-of date
  forward;
- `publishers`: a publisher's reliability grade, proposed and reviewed;
- `source_merge`: a reviewer's merge of works found to be one.

Callers use the names re-exported here: `workflow.submit_change_request(...)`.
"""

from profiles.workflow.bulk import import_new_profile
from profiles.workflow.claim_decisions import ClaimsDecision
from profiles.workflow.freshness import propose_still_true
from profiles.workflow.notifications import send_watch_digests, unwatch, watch
from profiles.workflow.permissions import can_rework, system_user
from profiles.workflow.proposals import (
    FieldDecision,
    Proposal,
    check_values,
    conflicts,
    version_values,
)
from profiles.workflow.publishers import (
    approve_publisher_grade,
    propose_publisher_grade,
    reject_publisher_grade,
)
from profiles.workflow.source_merge import merge_sources
from profiles.workflow.states import (
    TRANSITIONS,
    Conflict,
    InvalidTransition,
    NotAllowed,
    NothingToChange,
    Origin,
    Status,
    WorkflowError,
)
from profiles.workflow.suppression import hidden_versions, suppress
from profiles.workflow.transitions import (
    approve,
    claim,
    comment,
    comment_on_profile,
    propose_revert,
    publish_import,
    reject,
    release,
    request_changes,
    revise_change_request,
    submit_change_request,
    withdraw,
)

submit = submit_change_request
revise = revise_change_request

__all__ = [
    "TRANSITIONS",
    "ClaimsDecision",
    "Conflict",
    "FieldDecision",
    "InvalidTransition",
    "NotAllowed",
    "NothingToChange",
    "Origin",
    "Proposal",
    "Status",
    "WorkflowError",
    "approve",
    "approve_publisher_grade",
    "can_rework",
    "check_values",
    "claim",
    "comment",
    "comment_on_profile",
    "conflicts",
    "hidden_versions",
    "import_new_profile",
    "merge_sources",
    "propose_publisher_grade",
    "propose_revert",
    "propose_still_true",
    "publish_import",
    "reject",
    "reject_publisher_grade",
    "release",
    "request_changes",
    "revise",
    "revise_change_request",
    "send_watch_digests",
    "submit",
    "submit_change_request",
    "suppress",
    "system_user",
    "unwatch",
    "version_values",
    "watch",
    "withdraw",
]
