"""Reviewing change requests: the reviewers' queue, an editor's own requests,
a request's page with its diffs and sources, and the decision on it.

Decisions go through `profiles.workflow`; these views load, check, call,
message and redirect.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BoundField
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from profiles import queries, redaction, roles, workflow
from profiles.diff import (
    DECIDABLE_FIELDS,
    OP_LABELS,
    FieldDiff,
    ItemChange,
    RowChange,
    diff_field,
    shared_deadline,
)
from profiles.forms import CommentForm
from profiles.models import ChangeRequest, Profile, ProposedChange, RequestEvent
from profiles.redirects import back
from profiles.review_forms import FieldControls, QueueFilterForm, ReviewForm
from profiles.serializers import FIELD_LABELS, FIELDS, TEXT_FIELDS, profile_values
from profiles.workflow import ClaimsDecision

PER_PAGE = 25
Status = ChangeRequest.Status

#: action button value -> message shown once it is done
ACTIONS = {
    "approve": "",
    "reject": "Rejected.",
    "request_changes": "Sent back to the author.",
}


def request_title(change_request: ChangeRequest) -> str:
    """The profile a request is about, or "New profile: <proposed name>"."""
    if change_request.profile_id:
        return change_request.profile.name
    name = next(
        (c.value for c in change_request.changes.all() if c.field == "name"), ""
    )
    return f"New profile: {name}"


def _changed_labels(change_request: ChangeRequest) -> list[str]:
    return [FIELD_LABELS[change.field] for change in change_request.changes.all()]


@dataclass(frozen=True)
class ClaimState:
    """Who is on a pending request, and what the person looking may do
    about it: claim it, release their claim, or take someone else's over."""

    holder: Any = None
    since: Any = None
    mine: bool = False
    can_claim: bool = False
    can_release: bool = False
    can_take_over: bool = False


def claim_state(user, change_request: ChangeRequest) -> ClaimState | None:
    """None once the request is no longer pending (a decision clears it)."""
    if change_request.status != Status.PENDING:
        return None
    holder = change_request.claimed_by if change_request.claimed_by_id else None
    mine = holder is not None and holder.pk == user.pk
    may_decide = roles.can_review(user, change_request)
    return ClaimState(
        holder=holder,
        since=change_request.claimed_at,
        mine=mine,
        can_claim=may_decide and holder is None,
        can_release=may_decide and mine,
        can_take_over=may_decide and holder is not None and not mine,
    )


@login_required
def queue(request):
    """Pending requests the reviewer may decide (not their own), oldest
    first, with who is on each; narrowed by the filters of the query
    string."""
    if not roles.can_review(request.user):
        raise PermissionDenied("Only reviewers see the review queue.")
    editors = queries.queue_editors(request.user)
    form = QueueFilterForm(
        request.GET or None,
        editors=[editor.get_username() for editor in editors],
    )
    filters = form.filters()
    page = Paginator(queries.review_queue(request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "review/queue.html",
        {
            "page_obj": page,
            "rows": [
                {
                    "request": change_request,
                    "title": request_title(change_request),
                    "fields": _changed_labels(change_request),
                    "claim": claim_state(request.user, change_request),
                }
                for change_request in page
            ],
            # The claim buttons bring the reviewer back to this very page.
            "here": request.get_full_path(),
            "form": form,
            "filtered": bool(filters),
            "own_pending": ChangeRequest.objects.pending().by(request.user).count(),
            "extra_query": urlencode(
                {
                    name: request.GET[name]
                    for name in form.fields
                    if request.GET.get(name)
                }
            ),
        },
    )


@login_required
def my_requests(request):
    """The signed-in editor's own requests, newest first."""
    if not roles.can_propose(request.user):
        raise PermissionDenied("Only editors propose changes.")
    page = Paginator(queries.requests_by(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "review/mine.html",
        {
            "page_obj": page,
            "rows": [
                {
                    "request": change_request,
                    "title": request_title(change_request),
                    "fields": _changed_labels(change_request),
                    "can_change": roles.can_change_change_request(
                        request.user, change_request
                    ),
                }
                for change_request in page
            ],
        },
    )


@dataclass(frozen=True)
class ShownValue:
    """A field's value as plain text or a list of lines, for showing whole."""

    is_list: bool
    text: str = ""
    lines: tuple[str, ...] = ()


def leader_line(leader: dict[str, Any]) -> str:
    """A leader's row as one line: "Name (aka Alias): role"."""
    aliases = leader.get("aliases") or []
    return (
        leader["name"]
        + (f" (aka {', '.join(aliases)})" if aliases else "")
        + (f": {leader['role']}" if leader.get("role") else "")
    )


def shown_value(field: str, value: Any) -> ShownValue:
    if field in TEXT_FIELDS:
        return ShownValue(is_list=False, text=value or "")
    if field == "leaders":
        lines = [leader_line(leader) for leader in value or []]
    elif field == "citations":
        lines = [f"{row['number']}. {row['text']}" for row in value or []]
    else:
        lines = list(value or [])
    return ShownValue(is_list=True, lines=tuple(lines))


@dataclass(frozen=True)
class ClaimRow:
    """One item of a claim section's diff (a bullet, a prose claim, a
    leader), with its own decision control when the reviewer may decide it
    on its own."""

    change: ItemChange | RowChange
    control: BoundField | None = None


@dataclass(frozen=True)
class ClaimOutcome:
    """One claim change of a field decided claim by claim, as the decision's
    event recorded it: what happened to it ("added", "removed", …), the claim
    (its new line, or its old one when removed) and whether it was
    accepted."""

    op_label: str
    text: str
    accepted: bool


def claim_outcomes(field: str, recorded: list[dict[str, Any]]) -> tuple:
    """The `ClaimOutcome`s of a field from its event's record
    (`workflow.claim_decisions.record`)."""
    outcomes = []
    for entry in recorded:
        claim = entry["new"] if entry["new"] is not None else entry["old"]
        text = leader_line(claim) if field == "leaders" else claim
        outcomes.append(ClaimOutcome(OP_LABELS[entry["op"]], text, entry["accepted"]))
    return tuple(outcomes)


@dataclass(frozen=True)
class ChangeSection:
    """What the request page shows for one proposed field."""

    change: ProposedChange
    label: str
    diff: FieldDiff
    #: (label, value) for base, published and proposed when in conflict
    conflict: tuple[tuple[str, ShownValue], ...] = ()
    #: what the reviewer published instead of the proposal, if anything
    published_instead: ShownValue | None = None
    controls: FieldControls | None = None
    #: a section of claims: each item of its diff, with its control if any
    claims: tuple[ClaimRow, ...] = ()
    #: a section decided claim by claim: each claim change and its verdict
    outcomes: tuple[ClaimOutcome, ...] = ()

    @property
    def accepted_in_part(self) -> bool:
        return any(o.accepted for o in self.outcomes) and not all(
            o.accepted for o in self.outcomes
        )


@dataclass(frozen=True)
class ConversationEntry:
    """One event of a request's log as its page shows it; a submission or
    revision with the fields it proposed then, each (label, value), and
    fields sent back with their values. `sent_back_to` is the request a
    "sent back" event opened; `sent_back_from` the request whose fields a
    submission carries on."""

    event: RequestEvent
    proposal: tuple[tuple[str, ShownValue], ...] = ()
    sent_back_to: int | None = None
    sent_back_from: int | None = None
    #: a decision on claims: (field label, its `ClaimOutcome`s) per field
    claims: tuple[tuple[str, tuple[ClaimOutcome, ...]], ...] = ()


def _claims_shown(change_request: ChangeRequest, hidden: redaction.Hidden) -> set[str]:
    """The fields whose claims may be shown beside their decision: those
    whose proposed and published values `hidden` does not hide."""
    published = change_request.published_version
    return {
        change.field
        for change in change_request.changes.all()
        if hidden.value(change.field, change.value, published) == change.value
        and hidden.value(change.field, change.published, published) == change.published
    }


def conversation(
    change_request: ChangeRequest, hidden: redaction.Hidden = redaction.NOTHING
) -> list[ConversationEntry]:
    """The request's events; values `hidden` hides shown as its notice, and
    the claims decided of a field it hides not shown."""
    entries = []
    shown = _claims_shown(change_request, hidden)
    for event in queries.request_events(change_request):
        proposal = event.proposal or {}
        entries.append(
            ConversationEntry(
                event=event,
                proposal=tuple(
                    (
                        FIELD_LABELS.get(name, name),
                        shown_value(
                            name,
                            hidden.value(
                                name,
                                change["value"],
                                change_request.published_version,
                            ),
                        ),
                    )
                    for name, change in proposal.get("changes", {}).items()
                ),
                sent_back_to=proposal.get("follow_up"),
                sent_back_from=proposal.get("sent_back_from"),
                claims=tuple(
                    (FIELD_LABELS.get(name, name), claim_outcomes(name, recorded))
                    for name, recorded in proposal.get("claims", {}).items()
                    if name in shown
                ),
            )
        )
    return entries


def _load(pk: int) -> ChangeRequest:
    try:
        return queries.change_request_detail(pk)
    except ChangeRequest.DoesNotExist as error:
        raise Http404("No change request with this number.") from error


@dataclass(frozen=True)
class Comparison:
    """What a request's page compares its proposal with: the version and
    its values (as `hidden` shows them), the values published now, each
    proposed field's diff (in the request's order), and the claim changes a
    reviewer may decide one by one, by field (`claim_changes`)."""

    version: int
    values: dict[str, Any]
    current: dict[str, Any]
    diffs: tuple[FieldDiff, ...]
    claim_changes: dict[str, list[ItemChange | RowChange]]


def claim_changes(
    change: ProposedChange,
    field_diff: FieldDiff,
    *,
    shown: bool,
    conflicts: list[str],
) -> list[ItemChange | RowChange] | None:
    """The claim changes of a pending request's field that its reviewer
    decides one by one, or None when the field is decided whole: a section
    of claims with more than one claim changed (one is the field's own
    decision), not in conflict (resolved whole, as before), compared in full
    (a rough comparison may not find the same changes when approving) and
    `shown` whole to the reviewer (nothing of it hidden)."""
    found = field_diff.item_changes
    decided_whole = (
        change.field not in DECIDABLE_FIELDS
        or change.field in conflicts
        or field_diff.notice
        or not shown
        or len(found) < 2
    )
    return None if decided_whole else found


def _comparison(
    change_request: ChangeRequest,
    profile: Profile | None,
    conflicts: list[str],
    hidden: redaction.Hidden,
) -> Comparison:
    published = change_request.published_version
    real = profile_values(profile) if profile else {}
    current = hidden.values(real)
    compared_version = profile.version if profile else 0
    # An approved request is shown against the version it replaced: compared
    # with the current one, its own changes would read as unchanged.
    if change_request.status == Status.APPROVED and change_request.published_version:
        compared_version = change_request.published_version - 1
        compared = hidden.values(workflow.version_values(profile, compared_version))
    else:
        compared = current
    changes = list(change_request.changes.all())
    deadline = shared_deadline()
    diffs = queries.with_note_sources(
        diff_field(
            change.field,
            compared.get(change.field),
            hidden.value(change.field, change.value, published),
            deadline=deadline,
        )
        for change in changes
    )
    decidable = {}
    if change_request.status == Status.PENDING:
        for change, field_diff in zip(changes, diffs, strict=True):
            shown = compared.get(change.field) == real.get(change.field) and (
                hidden.value(change.field, change.value, published) == change.value
            )
            found = claim_changes(change, field_diff, shown=shown, conflicts=conflicts)
            if found is not None:
                decidable[change.field] = found
    return Comparison(compared_version, compared, current, tuple(diffs), decidable)


def _review_form(
    change_request: ChangeRequest,
    conflicts,
    hidden: redaction.Hidden,
    comparison: Comparison,
    data=None,
    *,
    action: str = "",
) -> ReviewForm:
    changes = list(change_request.changes.all())
    published = change_request.published_version
    return ReviewForm(
        data,
        changes=changes,
        conflicts=conflicts,
        # The conflict controls offer no textarea with a value hidden from
        # this reviewer.
        unseen=[
            change.field
            for change in changes
            if hidden.value(change.field, change.value, published) != change.value
        ],
        send_back=workflow.can_rework(change_request),
        action=action,
        claim_changes=comparison.claim_changes,
    )


def _hidden(user, change_request: ChangeRequest) -> redaction.Hidden:
    """What the request's pages hide from `user` (nothing from staff)."""
    return redaction.hidden_for(
        user, change_request.profile_id, versions=[change_request.published_version]
    )


def _conflicts(change_request: ChangeRequest, profile: Profile | None) -> list[str]:
    if change_request.status != Status.PENDING or profile is None:
        return []
    return workflow.conflicts(change_request, profile)


def _claim_rows(
    field_diff: FieldDiff, controls: FieldControls | None
) -> tuple[ClaimRow, ...]:
    """A claim section's diff item by item, each change with its control."""
    if field_diff.field not in DECIDABLE_FIELDS or field_diff.kind == "text":
        return ()
    chosen = controls.claims if controls else {}
    items = field_diff.rows if field_diff.kind == "rows" else field_diff.items
    return tuple(
        ClaimRow(item, chosen.get(item.key) if item.op != "equal" else None)
        for item in items
    )


def _render_detail(
    request,
    change_request: ChangeRequest,
    *,
    profile: Profile | None,
    conflicts: list[str],
    comparison: Comparison,
    form: ReviewForm | None,
    hidden: redaction.Hidden,
    comment_form: CommentForm | None = None,
):
    """The request page; `form` is the decision form, bound after a failed
    decision, or None for those who may not decide; `comment_form` bound
    after a refused comment. What a suppression hides is shown to staff
    only, as on every page."""
    published = change_request.published_version
    current, compared = comparison.current, comparison.values
    base = (
        hidden.values(workflow.version_values(profile, change_request.base_version))
        if conflicts
        else {}
    )
    entries = conversation(change_request, hidden)
    # The verdicts on claims, from the decision that recorded them.
    decided_claims = {
        label: outcomes for entry in entries for label, outcomes in entry.claims
    }
    sections = []
    changes = list(change_request.changes.all())
    for change, field_diff in zip(changes, comparison.diffs, strict=True):
        name = change.field
        conflict = ()
        if name in conflicts:
            conflict = (
                (
                    f"In version {change_request.base_version}, when this "
                    "request was written",
                    shown_value(name, base.get(name)),
                ),
                (
                    f"Published now, version {profile.version}",
                    shown_value(name, current.get(name)),
                ),
                (
                    "Proposed in this request",
                    shown_value(name, hidden.value(name, change.value, published)),
                ),
            )
        controls = form.controls(name) if form else None
        sections.append(
            ChangeSection(
                change=change,
                label=FIELD_LABELS[name],
                diff=field_diff,
                conflict=conflict,
                published_instead=(
                    shown_value(
                        name, hidden.value(name, change.published_value, published)
                    )
                    if change.published_value is not None
                    else None
                ),
                controls=controls,
                claims=_claim_rows(field_diff, controls),
                outcomes=decided_claims.get(FIELD_LABELS[name], ()),
            )
        )
    # An import proposes a whole document: the sections it leaves as
    # published (not proposed, or proposed as published since) are folded
    # away below the ones it changes, there to read, and to decide if proposed.
    folded, unproposed = [], []
    if change_request.origin == ChangeRequest.Origin.IMPORT and profile:
        folded = [s for s in sections if not s.diff.changed and not s.conflict]
        proposed = {change.field for change in changes}
        unproposed = [
            (FIELD_LABELS[name], shown_value(name, compared.get(name)))
            for name in FIELDS
            if name not in proposed
        ]
    return render(
        request,
        "review/detail.html",
        {
            "change_request": change_request,
            "title": request_title(change_request),
            "profile": profile,
            "compared_version": comparison.version,
            "sections": sections,
            "open_sections": [s for s in sections if all(s is not f for f in folded)],
            "folded_sections": folded,
            "unproposed_fields": unproposed,
            "folded_count": len(folded) + len(unproposed),
            "conversation": entries,
            # The requests this one came from or handed fields on to.
            "sent_back_from": next(
                (e.sent_back_from for e in entries if e.sent_back_from), None
            ),
            "sent_back_to": [e.sent_back_to for e in entries if e.sent_back_to],
            # Whoever may read a request may comment on it.
            "comment_form": comment_form or CommentForm(),
            "claim": claim_state(request.user, change_request),
            "form": form,
            "can_decide": form is not None,
            "decides_claims": bool(form and form.claim_changes),
            "can_change": roles.can_change_change_request(request.user, change_request),
            # A reviewer looking at their own pending request: say why there
            # is no decision form.
            "own_pending": form is None
            and roles.can_review(request.user)
            and change_request.author_id == request.user.pk
            and change_request.status == Status.PENDING,
        },
    )


def _profile_of(change_request: ChangeRequest) -> Profile | None:
    if not change_request.profile_id:
        return None
    return queries.profile_record(change_request.profile_id)


def _can_decide(user, change_request: ChangeRequest) -> bool:
    return (
        roles.can_review(user, change_request)
        and change_request.status == Status.PENDING
    )


@login_required
def detail(request, pk: int):
    """A request with, for each field, its diff against the published value,
    its sources and its decision; the decision form for its reviewers."""
    change_request = _load(pk)
    if not roles.can_view_change_request(request.user, change_request):
        raise PermissionDenied("Only its author and reviewers see a request.")
    profile = _profile_of(change_request)
    conflicts = _conflicts(change_request, profile)
    hidden = _hidden(request.user, change_request)
    comparison = _comparison(change_request, profile, conflicts, hidden)
    form = (
        _review_form(change_request, conflicts, hidden, comparison)
        if _can_decide(request.user, change_request)
        else None
    )
    return _render_detail(
        request,
        change_request,
        profile=profile,
        conflicts=conflicts,
        comparison=comparison,
        form=form,
        hidden=hidden,
    )


@require_POST
@login_required
def decide(request, pk: int):
    """Approves (field by field), rejects or sends back a request; on bad
    input the request page again with the errors beside their fields."""
    change_request = _load(pk)
    if not roles.can_review(request.user, change_request):
        raise PermissionDenied("Nobody reviews their own change request.")
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return HttpResponseBadRequest("Unknown action.")
    profile = _profile_of(change_request)
    conflicts = _conflicts(change_request, profile)
    hidden = _hidden(request.user, change_request)
    comparison = _comparison(change_request, profile, conflicts, hidden)
    form = _review_form(
        change_request, conflicts, hidden, comparison, request.POST, action=action
    )
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            message = _decide(request.user, change_request, action, form, comment)
        except workflow.InvalidTransition as error:
            messages.error(request, str(error))
            return redirect("review:detail", pk=change_request.pk)
        except workflow.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except workflow.Conflict as error:
            form.add_conflict(error)
        except ValidationError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, message)
            return redirect("review:detail", pk=change_request.pk)
    return _render_detail(
        request,
        change_request,
        profile=profile,
        conflicts=conflicts,
        comparison=comparison,
        form=form,
        hidden=hidden,
    )


def _decide(reviewer, change_request, action: str, form: ReviewForm, comment: str):
    if action == "approve":
        decisions = form.decisions()
        version = workflow.approve(
            change_request, reviewer=reviewer, decisions=decisions, note=comment
        )
        return _approval_message(version, decisions)
    if action == "reject":
        workflow.reject(change_request, reviewer=reviewer, reason=comment)
    else:
        workflow.request_changes(change_request, reviewer=reviewer, comment=comment)
    return ACTIONS[action]


def _approval_message(version, decisions: dict[str, workflow.FieldDecision]) -> str:
    """What the reviewer is told once `workflow.approve` has decided."""
    sent_back = sum(decision.send_back for decision in decisions.values())
    if version is None:
        return "Sent back to the author." if sent_back else "Rejected."
    message = f"Published as version {version.number}."
    in_part = [
        FIELD_LABELS[name]
        for name, decision in decisions.items()
        if isinstance(decision, ClaimsDecision)
    ]
    if in_part:
        message += f" Accepted in part, claim by claim: {', '.join(in_part)}."
    if sent_back:
        fields = "field" if sent_back == 1 else "fields"
        message += f" {sent_back} {fields} sent back to the author in a new request."
    return message


@require_POST
@login_required
def claim(request, pk: int):
    """The reviewer says they are on a request; `take_over` (from the
    confirmation on the request page) takes another reviewer's claim. Back
    to `next` when it is safe, else to the request."""
    change_request = _load(pk)
    try:
        workflow.claim(
            change_request,
            by=request.user,
            take_over=request.POST.get("take_over") == "1",
        )
    except workflow.InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You are on this request: others see it claimed.")
    return back(request, "review:detail", pk=change_request.pk)


@require_POST
@login_required
def release(request, pk: int):
    """The reviewer who claimed a request is no longer on it; back as
    `claim` goes."""
    change_request = _load(pk)
    try:
        workflow.release(change_request, by=request.user)
    except workflow.InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Released: another reviewer can claim it.")
    return back(request, "review:detail", pk=change_request.pk)


@require_POST
@login_required
def comment(request, pk: int):
    """Adds a comment to a request's conversation (its author and reviewers);
    on bad input the request page again with the error beside the field."""
    change_request = _load(pk)
    if not roles.can_view_change_request(request.user, change_request):
        raise PermissionDenied("Only its author and reviewers comment on a request.")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            workflow.comment(
                change_request, by=request.user, text=form.cleaned_data["text"]
            )
        except workflow.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, "Comment added.")
            return redirect("review:detail", pk=change_request.pk)
    profile = _profile_of(change_request)
    conflicts = _conflicts(change_request, profile)
    hidden = _hidden(request.user, change_request)
    comparison = _comparison(change_request, profile, conflicts, hidden)
    return _render_detail(
        request,
        change_request,
        profile=profile,
        conflicts=conflicts,
        comparison=comparison,
        form=(
            _review_form(change_request, conflicts, hidden, comparison)
            if _can_decide(request.user, change_request)
            else None
        ),
        hidden=hidden,
        comment_form=form,
    )
