"""The transitions: the only functions that change a change request's state.

Views, the admin, management commands and tests call these. Each one runs in
one transaction with the request row locked (`select_for_update`), checks who
may act (`permissions`) and that the request's state allows it (the table of
`states`), raising `NotAllowed` with the reason (or Django's
`ValidationError`, keyed by field, for bad input); appends its events to the
request's log (`events`) in the same transaction; and lists its side effects
in its docstring. Notifications go out only after the transaction commits.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from profiles import limits, queries
from profiles.models import (
    ChangeRequest,
    Profile,
    ProfileComment,
    ProposedChange,
    Version,
)
from profiles.serializers import FIELD_LABELS, FIELDS, json_values, profile_values
from profiles.workflow import claim_decisions, events, notifications, permissions
from profiles.workflow.claim_decisions import ClaimsDecision
from profiles.workflow.proposals import (
    REASON_NEEDED,
    FieldDecision,
    Proposal,
    changed_proposals,
    check_summary,
    check_values,
    conflicts,
    empty_value,
    record_changes,
)
from profiles.workflow.publishing import publish
from profiles.workflow.states import (
    RECORDED_IMPORT,
    Conflict,
    InvalidTransition,
    Origin,
    Status,
    next_state,
)

Kind = events.Kind
Decision = ProposedChange.Decision


def _lock(change_request: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_for_update().get(pk=change_request.pk)


def _guard(change_request: ChangeRequest, user, action: str) -> str:
    """Who first, then the state: raises `NotAllowed` with the reason, or
    returns the state `action` leads to."""
    permissions.check(user, change_request, action)
    return next_state(change_request, action)


def _clear_claim(change_request: ChangeRequest) -> None:
    """A request that leaves pending is nobody's to be on any more."""
    change_request.claimed_by = None
    change_request.claimed_at = None


@transaction.atomic
def submit_change_request(
    *,
    profile: Profile | None,
    author,
    summary: str,
    proposals: dict[str, Proposal],
    origin: str = Origin.EDIT,
    base_version: int | None = None,
) -> ChangeRequest:
    """Records a pending change request against the published `profile` (or a
    new profile when it is None), keeping only the fields whose proposed value
    differs from the version the author started from (`base_version`, the
    current one by default). Requests from people (edit form, admin) must cite
    a source for every changed field.

    Side effects: one `ChangeRequest` and one `ProposedChange` per changed
    field with its sources (new works are added to the bibliography); a
    "submitted" event with the proposal; after commit, reviewers are notified
    (not for imports). The published record is not touched.
    Raises `NotAllowed` for a non-editor, `NothingToChange` when no field
    differs, `ValidationError` (keyed by field) for values that could not be
    published or changes without a source.
    """
    permissions.check_proposer(author, origin)
    check_summary(summary)
    base_version, changed = changed_proposals(
        profile, proposals, origin=origin, base_version=base_version
    )
    change_request = ChangeRequest.objects.create(
        profile=profile,
        author=author,
        summary=summary.strip(),
        origin=origin,
        base_version=base_version,
        status=Status.PENDING,
    )
    recorded = record_changes(change_request, changed)
    events.record(
        change_request,
        Kind.SUBMITTED,
        actor=author,
        proposal=events.proposal_as_recorded(change_request, recorded),
    )
    if origin != Origin.IMPORT:
        transaction.on_commit(lambda: notifications.submitted(change_request))
    return change_request


@transaction.atomic
def revise_change_request(
    change_request: ChangeRequest,
    *,
    by,
    summary: str,
    proposals: dict[str, Proposal],
    base_version: int | None = None,
) -> ChangeRequest:
    """The author replaces the proposed values of their pending request (or
    answers a request for changes); it is pending again, based on the version
    the author's form started from (the current one by default).

    Side effects: the request's live proposed changes, summary and base
    version are replaced; a "revised" event keeps the new proposal (the
    earlier ones stay in the log's earlier events); after commit, reviewers
    are notified.
    Raises `NotAllowed` for anyone but the author or once decided, and what
    `submit_change_request` raises for the values.
    """
    change_request = _lock(change_request)
    state = _guard(change_request, by, "revise")
    check_summary(summary)
    base_version, changed = changed_proposals(
        change_request.profile,
        proposals,
        origin=change_request.origin,
        base_version=base_version,
    )
    change_request.changes.all().delete()
    recorded = record_changes(change_request, changed)
    change_request.summary = summary.strip()
    change_request.status = state
    change_request.base_version = base_version
    change_request.save()
    events.record(
        change_request,
        Kind.REVISED,
        actor=by,
        proposal=events.proposal_as_recorded(change_request, recorded),
    )
    transaction.on_commit(lambda: notifications.submitted(change_request))
    return change_request


@transaction.atomic
def withdraw(change_request: ChangeRequest, *, by) -> ChangeRequest:
    """The author takes back a request that is not decided yet.

    Side effects: the request becomes withdrawn and its claim, if any, is
    cleared; a "withdrawn" event. Nothing is published.
    """
    change_request = _lock(change_request)
    change_request.status = _guard(change_request, by, "withdraw")
    _clear_claim(change_request)
    change_request.save(
        update_fields=["status", "claimed_by", "claimed_at", "updated_at"]
    )
    events.record(change_request, Kind.WITHDRAWN, actor=by)
    return change_request


@transaction.atomic
def claim(
    change_request: ChangeRequest, *, by, take_over: bool = False
) -> ChangeRequest:
    """A reviewer who may decide a pending request says they are on it, so
    other reviewers can pick another. A request another reviewer has claimed
    is taken over only when `take_over` says so.

    Side effects: the request's `claimed_by` and `claimed_at` become the
    reviewer and now; a "claimed" event (saying whom it was taken over from).
    The request's state is unchanged; deciding or withdrawing it clears the
    claim.
    Raises `NotAllowed` for its author and non-reviewers; `InvalidTransition`
    once it is not pending, when the reviewer has claimed it already, or when
    someone else has and `take_over` is false.
    """
    change_request = _lock(change_request)
    _guard(change_request, by, "claim")
    holder = change_request.claimed_by if change_request.claimed_by_id else None
    if holder is not None and holder.pk == by.pk:
        raise InvalidTransition("You have already claimed this request.")
    if holder is not None and not take_over:
        raise InvalidTransition(
            f"{holder.get_username()} has already claimed this request; "
            "take it over to claim it yourself."
        )
    change_request.claimed_by = by
    change_request.claimed_at = timezone.now()
    change_request.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    events.record(
        change_request,
        Kind.CLAIMED,
        actor=by,
        text=f"Took over from {holder.get_username()}." if holder else "",
        at=change_request.claimed_at,
    )
    return change_request


@transaction.atomic
def release(change_request: ChangeRequest, *, by) -> ChangeRequest:
    """The reviewer who claimed a pending request says they are no longer on
    it (another reviewer takes a claim over with `claim(take_over=True)`).

    Side effects: the request's claim is cleared; a "released" event. The
    request's state is unchanged.
    Raises `NotAllowed` for its author and non-reviewers; `InvalidTransition`
    once it is not pending, when nobody has claimed it, or when someone else
    has.
    """
    change_request = _lock(change_request)
    _guard(change_request, by, "release")
    if change_request.claimed_by_id is None:
        raise InvalidTransition("Nobody has claimed this request.")
    holder = change_request.claimed_by
    if holder.pk != by.pk:
        raise InvalidTransition(
            f"{holder.get_username()} has claimed this request; "
            "only they can release it."
        )
    _clear_claim(change_request)
    change_request.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    events.record(change_request, Kind.RELEASED, actor=by)
    return change_request


@transaction.atomic
def comment(change_request: ChangeRequest, *, by, text: str) -> ChangeRequest:
    """Its author or a reviewer adds a comment to a request, in any state.

    Side effects: a "commented" event; after commit, an inbox entry for each
    person it mentions (`@username`) who may read the request. The request's
    state is unchanged. Raises `NotAllowed` for anyone else, `ValidationError`
    for no text, too long a text or a control character.
    """
    change_request = _lock(change_request)
    permissions.check_commenter(by, change_request)
    text = _check_comment(text)
    event = events.record(change_request, Kind.COMMENTED, actor=by, text=text)
    transaction.on_commit(lambda: notifications.mentioned_in_request(event))
    return change_request


def _check_comment(text: str) -> str:
    """The comment as kept (stripped), or `ValidationError` on its text."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a comment."})
    if errors := limits.comment_errors(text):
        raise ValidationError({"text": errors})
    return text


@transaction.atomic
def comment_on_profile(profile: Profile, *, by, text: str) -> ProfileComment:
    """An editor or reviewer adds a comment to a published profile's talk
    page. Talk is not reviewed content: it changes nothing published.

    Side effects: one `ProfileComment`; after commit, an inbox entry for each
    active person it mentions (`@username`) but its author. Raises
    `NotAllowed` for anyone who may not propose changes, `ValidationError`
    for no text, too long a text or a control character.
    """
    permissions.check_talker(by)
    text = _check_comment(text)
    comment = ProfileComment.objects.create(profile=profile, author=by, text=text)
    transaction.on_commit(lambda: notifications.mentioned_on_talk(comment))
    return comment


def _decide(
    change_request: ChangeRequest,
    *,
    reviewer,
    status: str,
    note: str,
    kind: str,
    at=None,
    claims: dict[str, list[dict[str, Any]]] | None = None,
) -> None:
    change_request.status = status
    _clear_claim(change_request)
    change_request.reviewer = reviewer
    change_request.decided_at = at or timezone.now()
    change_request.decision_note = note
    change_request.save()
    events.record(
        change_request,
        kind,
        actor=reviewer,
        text=note,
        at=change_request.decided_at,
        # The verdict on each claim of the fields decided claim by claim.
        proposal={"claims": claims} if claims else None,
    )
    transaction.on_commit(lambda: notifications.decided(change_request))


@transaction.atomic
def reject(change_request: ChangeRequest, *, reviewer, reason: str) -> ChangeRequest:
    """A reviewer turns a pending request down, with a reason for its author.

    Side effects: the request and each of its fields become rejected, with the
    reviewer, time and reason, and its claim is cleared; a "rejected" event
    with the reason; after commit, the author is notified.
    """
    change_request = _lock(change_request)
    state = _guard(change_request, reviewer, "reject")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is rejected."})
    change_request.changes.update(
        decision=ProposedChange.Decision.REJECTED, reason=reason.strip()
    )
    _decide(
        change_request,
        reviewer=reviewer,
        status=state,
        note=reason.strip(),
        kind=Kind.REJECTED,
    )
    return change_request


@transaction.atomic
def request_changes(
    change_request: ChangeRequest, *, reviewer, comment: str
) -> ChangeRequest:
    """A reviewer sends a pending request back to its author with a comment.

    Side effects: the request becomes "changes requested" with the reviewer,
    time and comment, and its claim is cleared; a "changes_requested" event
    with the comment (each round of review its own); after commit, the
    author is notified.
    """
    change_request = _lock(change_request)
    state = _guard(change_request, reviewer, "request_changes")
    if not comment.strip():
        raise ValidationError({"comment": "Say what should change."})
    _decide(
        change_request,
        reviewer=reviewer,
        status=state,
        note=comment.strip(),
        kind=Kind.CHANGES_REQUESTED,
    )
    return change_request


@transaction.atomic
def approve(
    change_request: ChangeRequest,
    *,
    reviewer,
    decisions: dict[str, FieldDecision] | None = None,
    note: str = "",
) -> Version | None:
    """A reviewer decides a pending request field by field, as `decisions`
    says: each field accepted, rejected or sent back to its author. A field
    without a decision is accepted (the admin's action approves a request
    whole); the review form asks for every one. A field accepted though it
    changed on both sides since the base version must carry the value to
    publish (`FieldDecision.value`). A section of claims may be accepted in
    part (`claim_decisions.ClaimsDecision`): the published value with only
    the claim changes accepted is published, and is the change's
    `published_value`; every claim change rejected, the field is rejected.
    Nobody approves their own request.

    Side effects, in one transaction with the request and profile rows
    locked: each field gets its decision and reason (and the value
    published, when it is not the proposal), and the request's claim is
    cleared. The decision's event keeps the verdict on each claim of the
    fields decided claim by claim. Then, by what was accepted:

    - some fields: they are published as the profile's next version (see
      `publishing.publish`); the request becomes approved; events "approved"
      (or "partly_approved", when a field was not accepted or was accepted
      in part) and "published". Fields sent back go on
      unchanged in a new request waiting for the author's changes
      (`_send_back`), and a "sent_back" event here names it.
    - none, some sent back: the request becomes "changes requested", its note
      the reviewer's and every field's reason; a "changes_requested" event.
      The author revises it as after `request_changes`.
    - none, none sent back: the request becomes rejected; a "rejected" event.

    After commit, the author is notified of the decision (and of the new
    request's changes requested), watchers of an approval or a rejection.
    Returns the new `Version`, or None when nothing was accepted.
    Raises `Conflict` for accepted fields in conflict without a value (a
    field decided claim by claim too), and `ValidationError` for a field
    rejected or sent back without a reason (or accepted in part without
    one), claims decided on changes that are no longer those of the field,
    a field sent back to an author who can no longer rework it (an import),
    a new profile's fields accepted without its name, or values that cannot
    be published together.
    """
    change_request = _lock(change_request)
    _guard(change_request, reviewer, "approve")
    profile = (
        queries.profile_record(change_request.profile_id, lock=True)
        if change_request.profile_id
        else None
    )
    published = profile_values(profile) if profile else {}
    changes = list(change_request.changes.prefetch_related("sources"))
    decided = _decide_fields(
        change_request, profile, changes, decisions or {}, published=published
    )
    accepted, claims = decided.accepted, decided.claims
    if accepted:
        check_values({**published, **accepted})
    for change in changes:
        change.save(update_fields=["decision", "reason", "published_value"])
    sent_back = [c for c in changes if c.decision == Decision.SENT_BACK]

    if not accepted and sent_back:
        _return_to_author(
            change_request, changes, reviewer=reviewer, note=note, claims=claims
        )
        return None
    if not accepted:
        reasons = "; ".join(f"{FIELD_LABELS[c.field]}: {c.reason}" for c in changes)
        _decide(
            change_request,
            reviewer=reviewer,
            status=next_state(change_request, "reject"),
            note=note.strip() or reasons,
            kind=Kind.REJECTED,
            claims=claims,
        )
        return None
    sources = [
        source
        for change in changes
        if change.field in accepted
        for source in change.sources.all()
    ]
    version = publish(
        change_request, profile, accepted, reviewer=reviewer, sources=sources
    )
    partly = len(accepted) < len(changes) or bool(decided.in_part)
    _decide(
        change_request,
        reviewer=reviewer,
        status=next_state(change_request, "approve"),
        note=note.strip(),
        kind=Kind.PARTLY_APPROVED if partly else Kind.APPROVED,
        # The decision and the version it published share their time, so the
        # log reads "approved" then "published".
        at=version.published_at,
        claims=claims,
    )
    _record_published(change_request, version, actor=reviewer)
    if sent_back:
        _send_back(change_request, sent_back, reviewer=reviewer, version=version)
    return version


NEW_PROFILE_NAME = (
    "A new profile is published with its name: accept the name too, "
    "or reject or send back every field."
)


@dataclass(frozen=True)
class _Decided:
    """What `_decide_fields` found: the values to publish by field, the
    verdict on each claim of the fields decided claim by claim, and those of
    them accepted in part."""

    accepted: dict[str, Any]
    claims: dict[str, list[dict[str, Any]]]
    in_part: tuple[str, ...]


def _decide_fields(
    change_request: ChangeRequest,
    profile: Profile | None,
    changes: list[ProposedChange],
    decisions: dict[str, FieldDecision],
    *,
    published: dict[str, Any],
) -> _Decided:
    """Sets each change's decision, reason and published value as
    `decisions` says (unsaved), a field decided claim by claim getting the
    `published` value with the claims accepted (`claim_decisions.decide`).
    Raises `ValueError` for a decision on a field the request does not
    change, `ValidationError` for a field rejected, sent back or accepted in
    part without a reason, sent back to nobody who can rework it, decided
    claim by claim on changes that are not its own, or a new profile's
    fields accepted without its name, `Conflict` for accepted fields in
    conflict without a value."""
    unknown = set(decisions) - {change.field for change in changes}
    if unknown:
        raise ValueError(f"Not fields of this request: {', '.join(sorted(unknown))}")
    accepted: dict[str, Any] = {}
    claims: dict[str, list[dict[str, Any]]] = {}
    in_part = []
    errors: dict[str, Any] = {}
    unresolved = []
    clashing = set(conflicts(change_request, profile))
    for change in changes:
        decision = decisions.get(change.field, FieldDecision(accept=True))
        change.decision = decision.outcome
        change.reason = decision.reason.strip()
        if not decision.accept:
            if not change.reason:
                errors[change.field] = REASON_NEEDED[change.decision]
            elif decision.send_back and not permissions.can_rework(change_request):
                errors[change.field] = permissions.NOBODY_TO_SEND_BACK
            continue
        if change.field in clashing and not decision.resolves:
            unresolved.append(change.field)
        value = decision.value if decision.resolves else change.value
        if isinstance(decision, ClaimsDecision) and change.field not in clashing:
            before = published.get(change.field, empty_value(change.field))
            try:
                decided = claim_decisions.decide(
                    change.field, before, change.value, decision
                )
            except ValidationError as error:
                errors.update(error.message_dict)
                continue
            claims[change.field] = claim_decisions.record(decided)
            rejected = decided.value == before
            if (decided.partly or rejected) and not change.reason:
                # Claims rejected are explained to the author, as fields are.
                errors[change.field] = REASON_NEEDED[Decision.REJECTED]
                continue
            if rejected:
                change.decision = Decision.REJECTED
                continue
            value = decided.value
            if decided.partly:
                in_part.append(change.field)
        change.published_value = None if value == change.value else value
        accepted[change.field] = value
    if profile is None and accepted and "name" not in accepted:
        # A new profile is published with its name or not at all.
        errors["name"] = NEW_PROFILE_NAME
    if errors:
        raise ValidationError(errors)
    if unresolved:
        raise Conflict(unresolved)
    return _Decided(accepted, claims, tuple(in_part))


def _field_reasons(changes: Sequence[ProposedChange]) -> str:
    """The reasons given for fields not accepted, one line each, as the
    author reads them: "Weapons (sent back): Which year?"."""
    return "\n".join(
        f"{FIELD_LABELS[change.field]} ({change.get_decision_display().lower()}): "
        f"{change.reason}"
        for change in changes
        if change.decision != Decision.ACCEPTED
    )


def _return_to_author(
    change_request: ChangeRequest,
    changes: Sequence[ProposedChange],
    *,
    reviewer,
    note: str,
    claims: dict[str, list[dict[str, Any]]] | None = None,
) -> None:
    """Nothing accepted and some fields sent back: the whole request goes
    back to its author, as `request_changes` sends it, its note the
    reviewer's comment and every field's reason."""
    _decide(
        change_request,
        reviewer=reviewer,
        status=next_state(change_request, "request_changes"),
        note="\n\n".join(filter(None, [note.strip(), _field_reasons(changes)])),
        kind=Kind.CHANGES_REQUESTED,
        claims=claims,
    )


def _send_back(
    change_request: ChangeRequest,
    sent_back: Sequence[ProposedChange],
    *,
    reviewer,
    version: Version,
) -> ChangeRequest:
    """Opens the request that carries on the fields sent back from a request
    whose other fields were just published as `version`.

    Side effects: a `ChangeRequest` by the same author, with the same
    summary and origin, based on `version`, in state "changes requested" with
    the reviewer, time and reasons; its `ProposedChange`s are the sent-back
    ones unchanged (values and sources), each marked sent back with its
    reason. Its log reads "submitted" (by the author, the proposal as it was,
    naming the request it came from) then "changes_requested" (by the
    reviewer, the reasons); the original's log gets "sent_back" naming the
    new request, with the fields sent back. After commit, the author is
    notified that changes were asked for on the new request. Returns it.
    """
    at = version.published_at
    reasons = _field_reasons(sent_back)
    author = change_request.author
    follow_up = ChangeRequest.objects.create(
        profile=change_request.profile,
        author=author,
        summary=change_request.summary,
        origin=change_request.origin,
        base_version=version.number,
        status=Status.CHANGES_REQUESTED,
        reviewer=reviewer,
        decided_at=at,
        decision_note=reasons,
    )
    recorded = record_changes(
        follow_up,
        {c.field: Proposal(c.value, list(c.sources.all())) for c in sent_back},
    )
    for change in sent_back:
        follow_up.changes.filter(field=change.field).update(
            decision=Decision.SENT_BACK, reason=change.reason
        )
    events.record(
        follow_up,
        Kind.SUBMITTED,
        actor=author,
        text=f"Fields sent back from change request #{change_request.pk}.",
        proposal={
            **events.proposal_as_recorded(follow_up, recorded),
            "sent_back_from": change_request.pk,
        },
        at=at,
    )
    events.record(
        follow_up, Kind.CHANGES_REQUESTED, actor=reviewer, text=reasons, at=at
    )
    events.record(
        change_request,
        Kind.SENT_BACK,
        actor=reviewer,
        text=(
            f"Sent back to {author.get_username()} as change request "
            f"#{follow_up.pk}:\n{reasons}"
        ),
        proposal={"follow_up": follow_up.pk, "changes": recorded},
        at=at,
    )
    transaction.on_commit(lambda: notifications.decided(follow_up))
    return follow_up


@transaction.atomic
def publish_import(change_request: ChangeRequest) -> Version:
    """Publishes a recorded import at once, as the system account.

    An import by the system account is the one request approved by its own
    author: the document itself is the reviewed material.
    Side effects: every field accepted and published (see
    `publishing.publish`); the request becomes approved; events "approved"
    and "published".
    """
    change_request = _lock(change_request)
    if change_request.origin != Origin.IMPORT:
        raise InvalidTransition("Only a recorded import is published without review.")
    state = next_state(change_request, "approve")
    profile = (
        queries.profile_record(change_request.profile_id, lock=True)
        if change_request.profile_id
        else None
    )
    changes = list(change_request.changes.all())
    change_request.changes.update(decision=ProposedChange.Decision.ACCEPTED)
    reviewer = permissions.system_user()
    version = publish(
        change_request,
        profile,
        {change.field: change.value for change in changes},
        reviewer=reviewer,
    )
    change_request.status = state
    _clear_claim(change_request)
    change_request.reviewer = reviewer
    change_request.decided_at = version.published_at
    change_request.decision_note = RECORDED_IMPORT
    change_request.save()
    events.record_all(events.import_published(change_request, version, actor=reviewer))
    return version


@transaction.atomic
def propose_revert(
    profile: Profile,
    *,
    version_number: int,
    by,
    fields: Sequence[str] | None = None,
) -> ChangeRequest:
    """Proposes restoring an earlier version of a profile, or some fields of it,
    as an ordinary change request. Each restored value is supported by the
    sources that supported it when it was published.

    Side effects: as `submit_change_request`, with origin "revert".
    Raises `Version.DoesNotExist` for an unknown version, `NothingToChange`
    when the version's values are the published ones.
    """
    version = profile.versions.get(number=version_number)
    values = json_values(version.snapshot)
    names = list(fields) if fields else list(FIELDS)
    unknown = set(names) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    sources = queries.sources_as_of(profile, version_number)
    what = (
        ", ".join(FIELD_LABELS[name] for name in names).lower()
        if fields
        else "all fields"
    )
    return submit_change_request(
        profile=profile,
        author=by,
        summary=f"Restore {what} from version {version_number}",
        proposals={
            name: Proposal(values[name], sources.get(name, [])) for name in names
        },
        origin=Origin.REVERT,
    )


def _record_published(change_request: ChangeRequest, version: Version, *, actor):
    events.record(
        change_request,
        Kind.PUBLISHED,
        actor=actor,
        version=version.number,
        at=version.published_at,
    )
