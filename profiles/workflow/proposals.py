"""What a change request proposes: the values and sources of its fields,
checked before they are recorded, compared with the version the author
started from, and with what was published since (conflicts).

`Proposal` is what editors' forms, imports and reverts hand to the workflow;
`FieldDecision` is a reviewer's decision on one proposed field.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from profiles import limits, queries
from profiles.document import footnote_numbers
from profiles.models import ChangeRequest, Profile, ProposedChange
from profiles.serializers import FIELDS, TEXT_FIELDS, json_values, profile_values
from profiles.workflow import pending
from profiles.workflow.states import NothingToChange, Origin
from sources.bibliography import source_for
from sources.citations import SourceEntry, parse_note
from sources.models import Source

#: Requests made by people must cite a source for every changed field.
SOURCED_ORIGINS = frozenset({Origin.EDIT, Origin.ADMIN})


@dataclass(frozen=True)
class Proposal:
    """A proposed value for one field and the sources that support it: rows of
    the bibliography, or new works (`SourceEntry`) to add to it."""

    value: Any
    sources: Sequence[Source | SourceEntry] = field(default_factory=tuple)


_PROPOSED = object()


@dataclass(frozen=True)
class FieldDecision:
    """A reviewer's decision on one proposed field: accepted, rejected, or
    (not accepted, `send_back`) sent back to its author to rework. `value` is
    what to publish when it should differ from the proposal (a resolved
    conflict)."""

    accept: bool
    reason: str = ""
    value: Any = _PROPOSED
    send_back: bool = False

    def __post_init__(self):
        if self.accept and self.send_back:
            raise ValueError("A field is accepted or sent back, not both.")

    @property
    def resolves(self) -> bool:
        return self.value is not _PROPOSED

    @property
    def outcome(self) -> str:
        """The `ProposedChange.Decision` this decision gives its field."""
        if self.accept:
            return ProposedChange.Decision.ACCEPTED
        if self.send_back:
            return ProposedChange.Decision.SENT_BACK
        return ProposedChange.Decision.REJECTED


#: What a field rejected or sent back without a reason is told.
REASON_NEEDED = {
    ProposedChange.Decision.REJECTED: "Give a reason for rejecting this change.",
    ProposedChange.Decision.SENT_BACK: (
        "Say what the author should change before sending it back."
    ),
}


def check_summary(summary: str) -> None:
    """Raises `ValidationError` on "summary" when it says nothing."""
    if not summary.strip():
        raise ValidationError({"summary": "Say in a few words what this change does."})


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


def empty_value(name: str) -> Any:
    return "" if name in TEXT_FIELDS else []


def version_values(profile: Profile | None, number: int) -> dict[str, Any]:
    """A profile's values as published in version `number` ({} before any)."""
    if profile is None or number == 0:
        return {}
    return json_values(profile.versions.get(number=number).snapshot)


def changed_proposals(
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
        if proposal.value != base.get(name, empty_value(name))
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
            if not proposal.sources and not note_sources(name, proposal.value)
        ]
        if unsourced:
            message = "Cite at least one source for this change."
            raise ValidationError({name: message for name in unsourced})
    return base_version, changed


def note_sources(name: str, value: Any) -> list[SourceEntry]:
    """Notes carry their own sources: the works their text cites."""
    if name != "citations":
        return []
    return [entry for row in value for entry in parse_note(row["text"])[1]]


def record_changes(
    change_request: ChangeRequest, changed: dict[str, Proposal]
) -> dict[str, dict[str, Any]]:
    """One pending `ProposedChange` per changed field, with its sources,
    written in two inserts whatever the number of fields. Returns the
    proposal as recorded, for the request's event log: {field: {"value",
    "sources"}} with the sources' ids, fields in the profile's order."""
    return write_changes(change_request, changed)[1]


def write_changes(
    change_request: ChangeRequest,
    changed: dict[str, Proposal],
    *,
    decision: str = ProposedChange.Decision.PENDING,
    later: bool = False,
) -> tuple[list[ProposedChange], dict[str, dict[str, Any]]]:
    """`record_changes` with each change's `decision` given (accepted, for a
    recorded import published at once); returns the changes written too.
    With `later`, the changes and their links to their sources are kept
    for `pending` (nothing reads them back while an import runs), and the
    changes returned have no ids until the group is written."""
    changes, links = [], []
    for name in FIELDS:
        if name not in changed:
            continue
        proposal = changed[name]
        change = ProposedChange(
            change_request=change_request,
            field=name,
            value=proposal.value,
            decision=decision,
        )
        changes.append(change)
        entries = list(proposal.sources) or note_sources(name, proposal.value)
        sources = [e if isinstance(e, Source) else source_for(e) for e in entries]
        links += [(change, source) for source in dict.fromkeys(sources)]
    through = ProposedChange.sources.through
    if later:
        # Linked by the objects: the changes have no ids until written.
        pending.keep(_insert_changes, changes)
        link = pending.tuple_inserter(through, ("proposedchange", "source"))
        pending.keep(link, links)
    else:
        _add_changes(changes)
        _link_sources(
            [
                through(proposedchange_id=change.pk, source_id=source.pk)
                for change, source in links
            ]
        )
    recorded: dict[str, dict[str, Any]] = {
        change.field: {"value": change.value, "sources": []} for change in changes
    }
    for change, source in links:
        recorded[change.field]["sources"].append(source.pk)
    return changes, recorded


def _add_changes(rows: list[ProposedChange]) -> None:
    """Inserts proposed changes."""
    ProposedChange.objects.bulk_create(rows)


def _insert_changes(rows: list[ProposedChange]) -> None:
    """Inserts proposed changes kept for an import's commit group, as
    `_add_changes` does, without Django's preparation of each value."""
    pending.insert_returning(ProposedChange, rows)


def _link_sources(rows: list) -> None:
    """Inserts links between proposed changes and their sources."""
    ProposedChange.sources.through.objects.bulk_create(rows)


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
        if base.get(change.field, empty_value(change.field)) != published[change.field]
        and change.value != published[change.field]
    ]
