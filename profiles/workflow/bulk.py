"""The quick path of a bulk import: a recorded import that creates a profile,
submitted and published in one step.

`import_profiles --publish` of thousands of documents spends most of its
time creating profiles. Going through `submit_change_request` and then
`publish_import` saves the request three times, its changes twice and each
event, profile and note on its own, and reads back rows it has just
written. `import_new_profile` makes the same checks and leaves the same rows
(`tests/profiles/test_import_batch.py` compares every table), each kind in
one insert. An import that changes a published profile takes the usual
path.
"""

from django.db import transaction
from django.utils import timezone

from profiles.models import ChangeRequest, ProposedChange, RequestEvent, Version
from profiles.workflow import events, pending, permissions
from profiles.workflow.proposals import (
    Proposal,
    changed_proposals,
    check_summary,
    write_changes,
)
from profiles.workflow.publishing import publish_new
from profiles.workflow.states import RECORDED_IMPORT, Origin, Status, next_state
from sources.citations import SourceEntry
from sources.models import Source

Kind = events.Kind


# Inside an import's transaction, the file's savepoint is enough: no other.
@transaction.atomic(savepoint=False)
def import_new_profile(
    *,
    summary: str,
    proposals: dict[str, Proposal],
    cited: dict[int, list[tuple[Source, SourceEntry]]] | None = None,
) -> Version:
    """Records and publishes at once an import of a profile that does not
    exist yet, as the system account: what `submit_change_request` with no
    profile and origin "import", then `publish_import`, leave.

    Side effects: a `ChangeRequest` by the system account, approved by it
    ("Recorded import."), pointing to the new profile and its version 1; one
    accepted `ProposedChange` per non-empty field with its sources; what
    `publishing.publish_new` writes (the profile and everything under it,
    its history rows, search rows and version); the events "submitted" (with
    the proposal), "approved" and "published". No notification: imports
    send none. `cited`: the works each note cites, when the caller has
    looked them up already (`publishing.cited_sources`). Rows nothing reads
    back (the changes and their links to their sources, the events, and
    those `publish_new` keeps) go through `pending.keep`: written before
    this returns, or when an import's commit group is written
    (`pending.grouped`). The request is inserted once, in its final state,
    after the profile (`_insert_as_set`).
    Raises `NothingToChange` when every field is empty and `ValidationError`
    (keyed by field) for values that could not be published, as
    `submit_change_request` does.
    """
    with pending.held():  # the request is inserted last: its rows wait
        return _import_new_profile(summary=summary, proposals=proposals, cited=cited)


def _import_new_profile(
    *,
    summary: str,
    proposals: dict[str, Proposal],
    cited: dict[int, list[tuple[Source, SourceEntry]]] | None,
) -> Version:
    author = pending.remembered("system user", permissions.system_user)
    permissions.check_proposer(author, Origin.IMPORT)
    check_summary(summary)
    _, changed = changed_proposals(
        None, proposals, origin=Origin.IMPORT, base_version=None
    )
    submitted_at = timezone.now()
    change_request = ChangeRequest(
        profile=None,
        author=author,
        summary=summary.strip(),
        origin=Origin.IMPORT,
        base_version=0,
        status=Status.PENDING,
        created_at=submitted_at,
    )
    state = next_state(change_request, "approve")
    changes, recorded = write_changes(
        change_request, changed, decision=ProposedChange.Decision.ACCEPTED, later=True
    )
    submitted = events.new_event(
        change_request,
        Kind.SUBMITTED,
        actor=author,
        proposal=events.proposal_as_recorded(change_request, recorded),
        at=submitted_at,
    )
    version = publish_new(
        change_request,
        {name: proposal.value for name, proposal in changed.items()},
        changes=changes,
        reviewer=author,
        cited=cited,
    )
    change_request.profile = version.profile
    change_request.published_version = version.number
    change_request.status = state
    change_request.reviewer = author
    change_request.decided_at = version.published_at
    change_request.decision_note = RECORDED_IMPORT
    _insert_as_set(change_request)
    pending.keep(
        pending.inserter(RequestEvent),
        [submitted, *events.import_published(change_request, version, actor=author)],
    )
    return version


def _insert_as_set(change_request: ChangeRequest) -> None:
    """Inserts the request in its final state, in one statement, with its
    times as set: submitted (`created_at`) before it was published, last
    changed (`updated_at`) now. A raw save writes the attributes as they
    are instead of stamping `created_at` with the time of the insert; no
    history or signal handler follows change requests."""
    change_request.updated_at = timezone.now()
    change_request.save_base(raw=True, force_insert=True)
