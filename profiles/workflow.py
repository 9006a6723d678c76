"""The only code that changes a change request's state or the published record.

Views, the admin, management commands and tests call these functions. Each one
checks its preconditions and raises a `WorkflowError` subclass when they do not
hold, runs in one transaction, and lists its side effects in its docstring.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from profiles import queries
from profiles.document import footnote_numbers
from profiles.models import (
    ChangeRequest,
    Citation,
    CitationSource,
    Leader,
    Profile,
    ProposedChange,
    Version,
    join_lines,
)
from profiles.serializers import (
    FIELDS,
    LIST_FIELDS,
    TEXT_FIELDS,
    model_value,
    profile_to_dict,
    profile_values,
)
from sources.bibliography import source_for
from sources.citations import parse_note
from sources.models import Source

SYSTEM_USERNAME = "importer"

Status = ChangeRequest.Status


class WorkflowError(Exception):
    """A workflow step that cannot run; the message says why, for the user."""


class NothingToChange(WorkflowError):
    pass


class InvalidTransition(WorkflowError):
    pass


class NotAllowed(WorkflowError):
    pass


@dataclass(frozen=True)
class Proposal:
    """A proposed value for one field and the sources that support it."""

    value: Any
    sources: Sequence[Source] = field(default_factory=tuple)


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
    """Raises `ValidationError` keyed by field when proposed values cannot be
    published: a profile needs a name, leaders need names, notes need text, and
    every footnote mark needs its note."""
    errors: dict[str, list[str]] = {}
    if "name" in values and not values["name"].strip():
        errors.setdefault("name", []).append("A profile needs a name.")
    for i, leader in enumerate(values.get("leaders", []), start=1):
        if not leader["name"].strip():
            errors.setdefault("leaders", []).append(f"Leader {i} needs a name.")
    for citation in values.get("citations", []):
        if not citation["text"].strip():
            errors.setdefault("citations", []).append(
                f"Note {citation['number']} is empty."
            )
    if "citations" in values:
        known = {citation["number"] for citation in values["citations"]}
        for name, value in values.items():
            for number in sorted(set(footnote_numbers(_text_of(value))) - known):
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


@transaction.atomic
def submit_change_request(
    *,
    profile: Profile | None,
    author,
    summary: str,
    proposals: dict[str, Proposal],
    origin: str = ChangeRequest.Origin.EDIT,
) -> ChangeRequest:
    """Records a pending change request against the published `profile` (or a
    new profile when it is None), keeping only the fields whose proposed value
    differs from the published one.

    Side effects: one `ChangeRequest` and one `ProposedChange` per changed
    field. The published record is not touched.
    Raises `NothingToChange` when no field differs, `ValidationError` when
    the values could not be published.
    """
    if not summary.strip():
        raise ValidationError({"summary": "Say in a few words what this change does."})
    unknown = set(proposals) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    current = profile_values(queries.profile_record(profile.pk)) if profile else {}
    changed = {
        name: proposal
        for name, proposal in proposals.items()
        if proposal.value != current.get(name, _empty(name))
    }
    if not changed:
        raise NothingToChange("The proposed values are the same as the published ones.")
    check_values({**current, **{name: p.value for name, p in proposals.items()}})
    change_request = ChangeRequest.objects.create(
        profile=profile,
        author=author,
        summary=summary.strip(),
        origin=origin,
        base_version=profile.version if profile else 0,
    )
    for name in FIELDS:
        if name in changed:
            change = ProposedChange.objects.create(
                change_request=change_request, field=name, value=changed[name].value
            )
            change.sources.set(changed[name].sources)
    return change_request


def _empty(name: str) -> Any:
    return "" if name in TEXT_FIELDS else []


@transaction.atomic
def approve(change_request: ChangeRequest, *, reviewer, note: str = "") -> Version:
    """Accepts every proposed change of a pending request and publishes it.

    Nobody approves their own request, whatever their role.
    Side effects: see `_publish`; the request becomes approved, with its
    reviewer, decision time and note.
    """
    if change_request.author_id == reviewer.pk:
        raise NotAllowed("You cannot approve your own change request.")
    return _publish(change_request, reviewer=reviewer, note=note)


@transaction.atomic
def publish_import(change_request: ChangeRequest) -> Version:
    """Publishes a recorded import at once, as the system account.

    An import by the system account is the one request approved by its own
    author: the document itself is the reviewed material.
    Side effects: see `_publish`.
    """
    if change_request.origin != ChangeRequest.Origin.IMPORT:
        raise InvalidTransition("Only a recorded import is published without review.")
    return _publish(change_request, reviewer=system_user(), note="Recorded import.")


def _publish(change_request: ChangeRequest, *, reviewer, note: str) -> Version:
    """Applies the request's changes to the published record.

    Side effects, in one transaction with the profile row locked: the profile
    (created for a new-profile request) gets the accepted values and its next
    version number; leaders and notes are updated row by row; notes' sources
    are found or added in the bibliography; every row written gets a history
    row stamped with this request and the reviewer; a `Version` with the
    profile's JSON is recorded; the request is marked approved.
    """
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if change_request.status != Status.PENDING:
        raise InvalidTransition(
            f"Only a pending request can be approved; this one is "
            f"{change_request.get_status_display().lower()}."
        )
    changes = list(change_request.changes.all())
    if change_request.profile_id is None:
        profile = Profile(slug=_unique_slug(_value(changes, "name")))
    else:
        profile = queries.profile_record(change_request.profile_id, lock=True)

    now = timezone.now()
    stamp = {"_change_request": change_request, "_history_user": reviewer}
    for change in changes:
        if change.field in TEXT_FIELDS or change.field in LIST_FIELDS:
            setattr(profile, change.field, model_value(change.field, change.value))
    profile.version += 1
    profile.published_at = now
    _save(profile, **stamp)
    for change in changes:
        if change.field == "tags":
            profile.tags.set(change.value, clear=True)
        elif change.field == "leaders":
            _sync_leaders(profile, change.value, stamp)
        elif change.field == "citations":
            _sync_citations(profile, change.value, stamp)
    change_request.changes.update(decision=ProposedChange.Decision.ACCEPTED)

    change_request.profile = profile
    change_request.status = Status.APPROVED
    change_request.reviewer = reviewer
    change_request.decided_at = now
    change_request.decision_note = note
    change_request.published_version = profile.version
    change_request.save()
    published = queries.profile_record(profile.pk)
    return Version.objects.create(
        profile=profile,
        number=profile.version,
        change_request=change_request,
        published_at=now,
        snapshot=profile_to_dict(published),
    )


def _value(changes: list[ProposedChange], name: str) -> Any:
    return next(change.value for change in changes if change.field == name)


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True) or "profile"
    slug, n = base, 1
    while Profile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _save(instance, **stamp) -> None:
    for key, value in stamp.items():
        setattr(instance, key, value)
    instance.save()


def _delete(instance, **stamp) -> None:
    for key, value in stamp.items():
        setattr(instance, key, value)
    instance.delete()


def _sync_leaders(profile: Profile, rows: list[dict], stamp: dict) -> None:
    """Leaders are matched by position: row n of the proposal updates leader n."""
    existing = {leader.position: leader for leader in profile.leaders.all()}
    for position, row in enumerate(rows):
        leader = existing.pop(position, None) or Leader(
            profile=profile, position=position
        )
        new = {
            "name": row["name"],
            "aliases": join_lines(row["aliases"]),
            "role": row["role"],
        }
        if leader.pk is None or any(getattr(leader, k) != v for k, v in new.items()):
            for key, value in new.items():
                setattr(leader, key, value)
            _save(leader, **stamp)
    for leader in existing.values():
        _delete(leader, **stamp)


def _sync_citations(profile: Profile, rows: list[dict], stamp: dict) -> None:
    """Notes are matched by number; a note whose text changed has its sources
    read again from the new text."""
    existing = {citation.number: citation for citation in profile.citations.all()}
    for row in rows:
        citation = existing.pop(row["number"], None)
        if citation is not None and citation.text == row["text"]:
            continue
        citation = citation or Citation(profile=profile, number=row["number"])
        citation.text = row["text"]
        _save(citation, **stamp)
        for link in citation.citation_sources.all():
            _delete(link, **stamp)
        _, entries = parse_note(row["text"])
        sources = list(dict.fromkeys(source_for(entry) for entry in entries))
        for position, source in enumerate(sources):
            _save(
                CitationSource(citation=citation, source=source, position=position),
                **stamp,
            )
    for citation in existing.values():
        for link in citation.citation_sources.all():
            _delete(link, **stamp)
        _delete(citation, **stamp)
