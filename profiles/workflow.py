"""The only code that changes a change request's state or the published record.

Views, the admin, management commands and tests call these functions. Each one
checks its preconditions and raises a `WorkflowError` subclass (or Django's
`ValidationError`, keyed by field, for bad input) when they do not hold, runs
in one transaction with the rows it changes locked, and lists its side effects
in its docstring. Notifications go out only after the transaction commits.

States and the moves between them:

    pending ──approve──▶ approved        (all or some fields published)
    pending ──reject───▶ rejected
    pending ──request_changes──▶ changes_requested ──revise──▶ pending
    pending | changes_requested ──withdraw──▶ withdrawn
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from profiles import limits, notifications, queries, roles, search
from profiles.document import footnote_numbers
from profiles.models import (
    ChangeRequest,
    Citation,
    CitationSource,
    FieldProvenance,
    Leader,
    Profile,
    ProposedChange,
    Version,
    join_lines,
)
from profiles.network import indexing
from profiles.serializers import (
    FIELD_LABELS,
    FIELDS,
    LIST_FIELDS,
    TEXT_FIELDS,
    json_values,
    model_value,
    profile_to_dict,
    profile_values,
)
from sources.bibliography import publish_source, source_for, sources_for
from sources.citations import SourceEntry, format_source, parse_note
from sources.models import Source

SYSTEM_USERNAME = "importer"

Status = ChangeRequest.Status
Origin = ChangeRequest.Origin

#: action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({Status.PENDING}), Status.APPROVED),
    "reject": (frozenset({Status.PENDING}), Status.REJECTED),
    "request_changes": (frozenset({Status.PENDING}), Status.CHANGES_REQUESTED),
    "revise": (
        frozenset({Status.PENDING, Status.CHANGES_REQUESTED}),
        Status.PENDING,
    ),
    "withdraw": (
        frozenset({Status.PENDING, Status.CHANGES_REQUESTED}),
        Status.WITHDRAWN,
    ),
}

#: Requests made by people must cite a source for every changed field.
SOURCED_ORIGINS = frozenset({Origin.EDIT, Origin.ADMIN})


class WorkflowError(Exception):
    """A workflow step that cannot run; the message says why, for the user."""


class NothingToChange(WorkflowError):
    pass


class InvalidTransition(WorkflowError):
    pass


class NotAllowed(WorkflowError):
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


@dataclass(frozen=True)
class Proposal:
    """A proposed value for one field and the sources that support it: rows of
    the bibliography, or new works (`SourceEntry`) to add to it."""

    value: Any
    sources: Sequence[Source | SourceEntry] = field(default_factory=tuple)


_PROPOSED = object()


@dataclass(frozen=True)
class FieldDecision:
    """A reviewer's decision on one proposed field. `value` is what to publish
    when it should differ from the proposal (a resolved conflict)."""

    accept: bool
    reason: str = ""
    value: Any = _PROPOSED

    @property
    def resolves(self) -> bool:
        return self.value is not _PROPOSED


def system_user():
    """The account that records imports; it cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def check_values(values: dict[str, Any]) -> None:
    """Raises `ValidationError` keyed by field when values cannot be published:
    they must fit `profiles.limits`, a profile needs a name, leaders need
    names, notes need text and distinct numbers, and every footnote mark needs
    its note."""
    errors = limits.limit_errors(values)
    if errors:
        raise ValidationError(errors)
    if "name" in values and not values["name"].strip():
        errors.setdefault("name", []).append("A profile needs a name.")
    for i, leader in enumerate(values.get("leaders", []), start=1):
        if not leader["name"].strip():
            errors.setdefault("leaders", []).append(f"Leader {i} needs a name.")
    numbers = [citation["number"] for citation in values.get("citations", [])]
    if len(set(numbers)) != len(numbers):
        errors.setdefault("citations", []).append("Two notes have the same number.")
    for citation in values.get("citations", []):
        if not citation["text"].strip():
            errors.setdefault("citations", []).append(
                f"Note {citation['number']} is empty."
            )
    if "citations" in values:
        for name, value in values.items():
            for number in sorted(set(footnote_numbers(_text_of(value))) - set(numbers)):
                errors.setdefault(name, []).append(f"Footnote {number} has no note.")
    if errors:
        raise ValidationError(errors)


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_text_of(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(_text_of(v) for k, v in value.items() if k != "text")
    return ""


def _empty(name: str) -> Any:
    return "" if name in TEXT_FIELDS else []


def _check_transition(change_request: ChangeRequest, action: str) -> None:
    allowed, _ = TRANSITIONS[action]
    if change_request.status not in allowed:
        verb = action.replace("_", " ")
        raise InvalidTransition(
            f"Cannot {verb} a request that is "
            f"{change_request.get_status_display().lower()}."
        )


def _lock(change_request: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_for_update().get(pk=change_request.pk)


def version_values(profile: Profile | None, number: int) -> dict[str, Any]:
    """A profile's values as published in version `number` ({} before any)."""
    if profile is None or number == 0:
        return {}
    return json_values(profile.versions.get(number=number).snapshot)


def _changed_proposals(
    profile: Profile | None,
    proposals: dict[str, Proposal],
    *,
    origin: str,
    base_version: int | None,
) -> tuple[int, dict[str, Proposal]]:
    """The base version and the proposals that differ from it, checked.

    The base is the version the author started from (the current one unless
    the form says otherwise): a field left as it was there is not a change,
    even if it has been changed since, so a late request never undoes a newer
    one by accident.
    """
    unknown = set(proposals) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    record = queries.profile_record(profile.pk) if profile else None
    current = profile_values(record) if record else {}
    version = record.version if record else 0
    if base_version is None or base_version > version:
        base_version = version
    base = current if base_version == version else version_values(profile, base_version)
    changed = {
        name: proposal
        for name, proposal in proposals.items()
        if proposal.value != base.get(name, _empty(name))
    }
    if not changed:
        raise NothingToChange("The proposed values are the same as the published ones.")
    if profile is None and not changed.get("name", Proposal("")).value.strip():
        raise ValidationError({"name": "A new profile needs a name."})
    check_values({**current, **{name: p.value for name, p in changed.items()}})
    if origin in SOURCED_ORIGINS:
        unsourced = [
            name
            for name, proposal in changed.items()
            if not proposal.sources and not _note_sources(name, proposal.value)
        ]
        if unsourced:
            message = "Cite at least one source for this change."
            raise ValidationError({name: message for name in unsourced})
    return base_version, changed


def _note_sources(name: str, value: Any) -> list[SourceEntry]:
    """Notes carry their own sources: the works their text cites."""
    if name != "citations":
        return []
    return [entry for row in value for entry in parse_note(row["text"])[1]]


def _record_changes(change_request: ChangeRequest, changed: dict[str, Proposal]):
    """One `ProposedChange` per changed field, with its sources, written in
    two inserts whatever the number of fields."""
    changes, links = [], []
    for name in FIELDS:
        if name not in changed:
            continue
        proposal = changed[name]
        change = ProposedChange(
            change_request=change_request, field=name, value=proposal.value
        )
        changes.append(change)
        entries = list(proposal.sources) or _note_sources(name, proposal.value)
        sources = [e if isinstance(e, Source) else source_for(e) for e in entries]
        links += [(change, source) for source in dict.fromkeys(sources)]
    ProposedChange.objects.bulk_create(changes)
    through = ProposedChange.sources.through
    through.objects.bulk_create(
        through(proposedchange_id=change.pk, source_id=source.pk)
        for change, source in links
    )


def _check_proposer(author, origin: str) -> None:
    if origin != Origin.IMPORT and not roles.can_propose(author):
        raise NotAllowed("Only editors can propose changes.")


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
    field with its sources (new works are added to the bibliography); after
    commit, reviewers are notified. The published record is not touched.
    Raises `NotAllowed` for a non-editor, `NothingToChange` when no field
    differs, `ValidationError` (keyed by field) for values that could not be
    published or changes without a source.
    """
    _check_proposer(author, origin)
    if not summary.strip():
        raise ValidationError({"summary": "Say in a few words what this change does."})
    base_version, changed = _changed_proposals(
        profile, proposals, origin=origin, base_version=base_version
    )
    change_request = ChangeRequest.objects.create(
        profile=profile,
        author=author,
        summary=summary.strip(),
        origin=origin,
        base_version=base_version,
    )
    _record_changes(change_request, changed)
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

    Side effects: the request's proposed changes and base version are
    replaced; after commit, reviewers are notified.
    Raises `NotAllowed` for anyone but the author, `InvalidTransition` once
    decided, and what `submit_change_request` raises for the values.
    """
    change_request = _lock(change_request)
    if change_request.author_id != by.pk:
        raise NotAllowed("Only the author can change this request.")
    _check_transition(change_request, "revise")
    if not summary.strip():
        raise ValidationError({"summary": "Say in a few words what this change does."})
    profile = change_request.profile
    base_version, changed = _changed_proposals(
        profile, proposals, origin=change_request.origin, base_version=base_version
    )
    change_request.changes.all().delete()
    _record_changes(change_request, changed)
    change_request.summary = summary.strip()
    change_request.status = Status.PENDING
    change_request.base_version = base_version
    change_request.save()
    transaction.on_commit(lambda: notifications.submitted(change_request))
    return change_request


@transaction.atomic
def withdraw(change_request: ChangeRequest, *, by) -> ChangeRequest:
    """The author takes back a request that is not decided yet.

    Side effects: the request becomes withdrawn. Nothing is published.
    """
    change_request = _lock(change_request)
    if change_request.author_id != by.pk:
        raise NotAllowed("Only the author can withdraw this request.")
    _check_transition(change_request, "withdraw")
    change_request.status = Status.WITHDRAWN
    change_request.save(update_fields=["status", "updated_at"])
    return change_request


def _check_reviewer(change_request: ChangeRequest, reviewer) -> None:
    if change_request.author_id == reviewer.pk:
        raise NotAllowed("Nobody reviews their own change request.")
    if not roles.can_review(reviewer, change_request):
        raise NotAllowed("Only reviewers can decide on change requests.")


def _decide(change_request, *, reviewer, status: str, note: str) -> None:
    change_request.status = status
    change_request.reviewer = reviewer
    change_request.decided_at = timezone.now()
    change_request.decision_note = note
    change_request.save()
    transaction.on_commit(lambda: notifications.decided(change_request))


@transaction.atomic
def reject(change_request: ChangeRequest, *, reviewer, reason: str) -> ChangeRequest:
    """A reviewer turns a pending request down, with a reason for its author.

    Side effects: the request and each of its fields become rejected, with the
    reviewer, time and reason; after commit, the author is notified.
    """
    change_request = _lock(change_request)
    _check_reviewer(change_request, reviewer)
    _check_transition(change_request, "reject")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is rejected."})
    change_request.changes.update(
        decision=ProposedChange.Decision.REJECTED, reason=reason.strip()
    )
    _decide(
        change_request, reviewer=reviewer, status=Status.REJECTED, note=reason.strip()
    )
    return change_request


@transaction.atomic
def request_changes(
    change_request: ChangeRequest, *, reviewer, comment: str
) -> ChangeRequest:
    """A reviewer sends a pending request back to its author with a comment.

    Side effects: the request becomes "changes requested" with the reviewer,
    time and comment; after commit, the author is notified.
    """
    change_request = _lock(change_request)
    _check_reviewer(change_request, reviewer)
    _check_transition(change_request, "request_changes")
    if not comment.strip():
        raise ValidationError({"comment": "Say what should change."})
    _decide(
        change_request,
        reviewer=reviewer,
        status=Status.CHANGES_REQUESTED,
        note=comment.strip(),
    )
    return change_request


def conflicts(
    change_request: ChangeRequest, profile: Profile | None = None
) -> list[str]:
    """Fields this request changes that were also changed, differently, in the
    published profile since its base version. Fields changed on one side only
    are not conflicts: they merge."""
    if change_request.profile_id is None:
        return []
    profile = profile or queries.profile_record(change_request.profile_id)
    if change_request.base_version == profile.version:
        return []
    base = version_values(profile, change_request.base_version)
    published = profile_values(profile)
    return [
        change.field
        for change in change_request.changes.all()
        if base.get(change.field, _empty(change.field)) != published[change.field]
        and change.value != published[change.field]
    ]


@transaction.atomic
def approve(
    change_request: ChangeRequest,
    *,
    reviewer,
    decisions: dict[str, FieldDecision] | None = None,
    note: str = "",
) -> Version | None:
    """A reviewer publishes a pending request: all of it, or the fields
    `decisions` accepts (a field without a decision is accepted). A field
    changed on both sides since the base version must carry the value to
    publish (`FieldDecision.value`). Nobody approves their own request.

    Side effects, in one transaction with the request and profile rows locked:
    each field gets its decision and reason; accepted fields are published as
    the profile's next version (see `_publish`); the request becomes approved,
    or rejected when no field was accepted; after commit, the author is
    notified. Returns the new `Version`, or None when nothing was accepted.
    Raises `Conflict` for unresolved conflicts and `ValidationError` for a
    rejection without reason or values that cannot be published together.
    """
    change_request = _lock(change_request)
    _check_reviewer(change_request, reviewer)
    _check_transition(change_request, "approve")
    profile = (
        queries.profile_record(change_request.profile_id, lock=True)
        if change_request.profile_id
        else None
    )
    published = profile_values(profile) if profile else {}
    changes = list(change_request.changes.all())
    decisions = decisions or {}
    unknown = set(decisions) - {change.field for change in changes}
    if unknown:
        raise ValueError(f"Not fields of this request: {', '.join(sorted(unknown))}")

    accepted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    unresolved = []
    clashing = set(conflicts(change_request, profile))
    for change in changes:
        decision = decisions.get(change.field, FieldDecision(accept=True))
        if not decision.accept:
            if not decision.reason.strip():
                errors[change.field] = "Give a reason for rejecting this change."
            change.decision = ProposedChange.Decision.REJECTED
            change.reason = decision.reason.strip()
            continue
        if change.field in clashing and not decision.resolves:
            unresolved.append(change.field)
        value = decision.value if decision.resolves else change.value
        change.decision = ProposedChange.Decision.ACCEPTED
        change.reason = decision.reason.strip()
        change.published_value = None if value == change.value else value
        accepted[change.field] = value
    if errors:
        raise ValidationError(errors)
    if unresolved:
        raise Conflict(unresolved)
    if accepted:
        check_values({**published, **accepted})
    for change in changes:
        change.save(update_fields=["decision", "reason", "published_value"])

    if not accepted:
        reasons = "; ".join(f"{FIELD_LABELS[c.field]}: {c.reason}" for c in changes)
        _decide(
            change_request,
            reviewer=reviewer,
            status=Status.REJECTED,
            note=note.strip() or reasons,
        )
        return None
    sources = [
        source
        for change in changes
        if change.field in accepted
        for source in change.sources.all()
    ]
    version = _publish(
        change_request, profile, accepted, reviewer=reviewer, sources=sources
    )
    _decide(
        change_request, reviewer=reviewer, status=Status.APPROVED, note=note.strip()
    )
    return version


@transaction.atomic
def publish_import(change_request: ChangeRequest) -> Version:
    """Publishes a recorded import at once, as the system account.

    An import by the system account is the one request approved by its own
    author: the document itself is the reviewed material.
    Side effects: every field accepted and published (see `_publish`); the
    request becomes approved.
    """
    change_request = _lock(change_request)
    if change_request.origin != Origin.IMPORT:
        raise InvalidTransition("Only a recorded import is published without review.")
    _check_transition(change_request, "approve")
    profile = (
        queries.profile_record(change_request.profile_id, lock=True)
        if change_request.profile_id
        else None
    )
    changes = list(change_request.changes.all())
    change_request.changes.update(decision=ProposedChange.Decision.ACCEPTED)
    reviewer = system_user()
    version = _publish(
        change_request,
        profile,
        {change.field: change.value for change in changes},
        reviewer=reviewer,
    )
    change_request.status = Status.APPROVED
    change_request.reviewer = reviewer
    change_request.decided_at = version.published_at
    change_request.decision_note = "Recorded import."
    change_request.save()
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


def _publish(
    change_request: ChangeRequest,
    profile: Profile | None,
    accepted: dict[str, Any],
    *,
    reviewer,
    sources: Sequence[Source] = (),
) -> Version:
    """Applies accepted values to the published record.

    Side effects: the profile (created for a new-profile request) gets the
    values and its next version number; leaders and notes are updated row by
    row; notes' sources are found or added in the bibliography; each of
    `sources` (those behind the accepted changes) that no note cites yet gets
    a new note, so every fact's source has a number readers can follow; the
    search index of its names is rebuilt; each published field's provenance
    points to this request's change; its connections to the profiles it names
    or that name it are recomputed (`profiles.network.indexing`); every row
    written gets a history row stamped with this request and the reviewer;
    a `Version` with the profile's JSON is recorded; the request points to the
    profile and its new version.
    """
    now = timezone.now()
    stamp = {"_change_request": change_request, "_history_user": reviewer}
    is_new = profile is None
    network_before = indexing.published_state(profile)
    profile = profile or Profile()
    for name, value in accepted.items():
        if name in TEXT_FIELDS or name in LIST_FIELDS:
            setattr(profile, name, model_value(name, value))
    profile.version += 1
    profile.published_at = now
    if is_new:
        _create_with_free_slug(profile, stamp)
    else:
        _save(profile, **stamp)
    if "tags" in accepted:
        profile.tags.set(accepted["tags"], clear=True)
    if "leaders" in accepted:
        _sync_leaders(profile, accepted["leaders"], stamp)
    if "citations" in accepted:
        _sync_citations(profile, accepted["citations"], stamp, now=now)
    _add_notes_for(profile, sources, stamp)
    _record_provenance(profile, change_request, accepted)
    for source in Source.objects.filter(
        citation_sources__citation__profile=profile, published_at__isnull=True
    ).distinct():
        publish_source(source, at=now)
    search.index_profile(profile)
    indexing.index_profile(profile, before=network_before)

    change_request.profile = profile
    change_request.published_version = profile.version
    change_request.save(update_fields=["profile", "published_version", "updated_at"])
    return Version.objects.create(
        profile=profile,
        number=profile.version,
        change_request=change_request,
        published_at=now,
        snapshot=profile_to_dict(queries.profile_record(profile.pk)),
    )


def _record_provenance(
    profile: Profile, change_request: ChangeRequest, accepted: dict[str, Any]
) -> None:
    """Each published field now comes from this request's change (one
    insert, replacing the field's earlier row)."""
    FieldProvenance.objects.bulk_create(
        [
            FieldProvenance(profile=profile, field=change.field, change=change)
            for change in change_request.changes.filter(field__in=list(accepted))
        ],
        update_conflicts=True,
        unique_fields=["profile", "field"],
        update_fields=["change"],
    )


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:190].strip("-") or "profile"
    slug, n = base, 1
    while Profile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


SLUG_ATTEMPTS = 5


def _create_with_free_slug(profile: Profile, stamp: dict) -> None:
    """Inserts a new profile under the first slug free for its name.

    Another approval can take that slug between the look-up and the insert;
    the unique index then refuses ours inside a savepoint, and the next free
    slug is tried, so two profiles of one name published at once both land.
    """
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        profile.slug = _unique_slug(profile.name)
        try:
            with transaction.atomic():
                _save(profile, **stamp)
            return
        except IntegrityError:
            taken = Profile.objects.filter(slug=profile.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS:
                raise


def _save(instance, **stamp) -> None:
    for key, value in stamp.items():
        setattr(instance, key, value)
    instance.save()


def _delete(instance, **stamp) -> None:
    for key, value in stamp.items():
        setattr(instance, key, value)
    instance.delete()


def _add(model, rows: list, stamp: dict) -> None:
    """Inserts new rows of a tracked model and their history rows, stamped
    as `_save` stamps them, in one insert each."""
    if not rows:
        return
    for row in rows:
        row._history_user = stamp["_history_user"]
    bulk_create_with_history(
        rows,
        model,
        custom_historical_attrs={"change_request": stamp["_change_request"]},
    )


def _sync_leaders(profile: Profile, rows: list[dict], stamp: dict) -> None:
    """Leaders are matched by position: row n of the proposal updates leader n."""
    existing = {leader.position: leader for leader in profile.leaders.all()}
    added = []
    for position, row in enumerate(rows):
        new = {
            "name": row["name"],
            "aliases": join_lines(row["aliases"]),
            "role": row["role"],
        }
        leader = existing.pop(position, None)
        if leader is None:
            added.append(Leader(profile=profile, position=position, **new))
        elif any(getattr(leader, k) != v for k, v in new.items()):
            for key, value in new.items():
                setattr(leader, key, value)
            _save(leader, **stamp)
    _add(Leader, added, stamp)
    for leader in existing.values():
        _delete(leader, **stamp)


def _add_notes_for(profile: Profile, sources: Sequence[Source], stamp: dict) -> None:
    """A note, in the house citation style, for each source no note cites."""
    cited = set(
        CitationSource.objects.filter(citation__profile=profile).values_list(
            "source_id", flat=True
        )
    )
    missing = [s for s in dict.fromkeys(sources) if s.pk not in cited]
    if not missing:
        return
    number = max(profile.citations.values_list("number", flat=True), default=0)
    for source in missing:
        number += 1
        citation = Citation(
            profile=profile, number=number, text=format_source(source.as_entry())
        )
        _save(citation, **stamp)
        _save(CitationSource(citation=citation, source=source, position=0), **stamp)


def _sync_citations(profile: Profile, rows: list[dict], stamp: dict, *, now) -> None:
    """Notes are matched by number; a note whose text changed has its sources
    read again from the new text, and they become public."""
    existing = {citation.number: citation for citation in profile.citations.all()}
    changed = []
    for row in rows:
        citation = existing.pop(row["number"], None)
        if citation is not None and citation.text == row["text"]:
            continue
        changed.append((citation, row, parse_note(row["text"])[1]))
    found = iter(sources_for(e for _, _, entries in changed for e in entries))
    added, links = [], []
    for citation, row, entries in changed:
        if citation is None:
            citation = Citation(profile=profile, number=row["number"], text=row["text"])
            added.append(citation)
        else:
            citation.text = row["text"]
            _save(citation, **stamp)
            for link in citation.citation_sources.all():
                _delete(link, **stamp)
        described = {}
        for entry in entries:
            described.setdefault(next(found), entry)
        for position, (source, entry) in enumerate(described.items()):
            publish_source(source, at=now, described_as=entry)
            links.append(
                CitationSource(citation=citation, source=source, position=position)
            )
    _add(Citation, added, stamp)
    for link in links:
        link.citation_id = link.citation.pk  # the new notes have theirs now
    _add(CitationSource, links, stamp)
    for citation in existing.values():
        for link in citation.citation_sources.all():
            _delete(link, **stamp)
        _delete(citation, **stamp)
