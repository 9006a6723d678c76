"""What readers see of a suppressed value: "Hidden by a reviewer on DATE."

A `Suppression` hides one field's value as one version published it. Values
often stay the same across versions (version 5 writes a section; versions 6
and 7 change others), so the value is recognised by its key wherever it
stands unchanged: in any version's snapshot, on the live profile, in a
field's history, in a change request. Every reader's page, export, feed and
API answer passes its values through a `Hidden` before showing them; the
search index and the network edges are built from redacted values too.

Staff still see what is hidden (`roles.sees_suppressed`), where a page says
it is suppressed.
"""

import copy
import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from profiles import roles
from profiles.models import (
    Citation,
    Leader,
    Profile,
    Suppression,
    Version,
    split_lines,
)
from profiles.sections import FIELDS
from profiles.serializers import LIST_FIELDS, TEXT_FIELDS, model_value

#: Fields that name the profile and link it across the site (titles, lists,
#: tag pages, name matching): they are renamed through a change request,
#: not hidden.
IDENTITY_FIELDS = ("name", "english_name", "alternative_names", "tags")
SUPPRESSIBLE_FIELDS = tuple(f for f in FIELDS if f not in IDENTITY_FIELDS)


def comparable(field: str, value: Any) -> Any:
    """A value in the shape a change request proposes it: a note without the
    sources read from it, a leader without anything derived."""
    if field == "citations":
        return [{"number": row["number"], "text": row["text"]} for row in value or []]
    if field == "leaders":
        return [
            {"name": row["name"], "aliases": list(row["aliases"]), "role": row["role"]}
            for row in value or []
        ]
    return value


def value_key(field: str, value: Any) -> str:
    """The fingerprint by which a hidden value is found again."""
    text = json.dumps(
        comparable(field, value),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


def empty_value(field: str) -> Any:
    return "" if field in TEXT_FIELDS else []


def is_empty(value: Any) -> bool:
    return not value or (isinstance(value, str) and not value.strip())


def notice(at: datetime) -> str:
    """What readers see instead of a hidden value."""
    return f"Hidden by a reviewer on {date_format(timezone.localtime(at), 'j F Y')}."


def placeholder(field: str, value: Any, at: datetime) -> Any:
    """The notice in the shape of `value`: a text, a list of one line, one
    leader, or each note kept by its number (footnote marks still lead to
    it) with the notice for its text and no sources."""
    text = notice(at)
    if field == "citations":
        rows = []
        for row in value or []:
            hidden = {**row, "text": text}
            for derived in ("urls", "sources"):
                if derived in row:
                    hidden[derived] = []
            rows.append(hidden)
        return rows
    if field == "leaders":
        return [{"name": text, "aliases": [], "role": ""}]
    if field in LIST_FIELDS:
        return [text]
    return text


@dataclass(frozen=True)
class Hidden:
    """The suppressed values of one profile: field -> {value key: when it
    was first hidden}; and, when asked for (`hidden_in(versions=...)`),
    (field, version number) -> when, for each version whose snapshot has a
    hidden value: a change's proposal may differ from what its version
    published (publishing adds notes for new sources), and what that version
    hides, its proposal hides too."""

    keys: Mapping[str, Mapping[str, datetime]]
    versions: Mapping[tuple[str, int], datetime] = dataclasses.field(
        default_factory=dict
    )

    def __bool__(self) -> bool:
        return bool(self.keys)

    def when(self, field: str, value: Any) -> datetime | None:
        """When `value` of `field` was hidden, or None if it is not."""
        keys = self.keys.get(field)
        if not keys or is_empty(value):
            return None
        return keys.get(value_key(field, value))

    def value(self, field: str, value: Any, version: int | None = None) -> Any:
        """`value`, or its placeholder when it is hidden, or when it is what
        version `version` published and that version's value is hidden."""
        at = self.when(field, value) or self.versions.get((field, version))
        return value if at is None else placeholder(field, value, at)

    def fields(self, values: Mapping[str, Any]) -> dict[str, datetime]:
        """The hidden fields among `values`, with when each was hidden."""
        found = {}
        for field in self.keys:
            if field in values and (at := self.when(field, values[field])):
                found[field] = at
        return found

    def values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of `values` (a profile's JSON, a snapshot or a proposal)
        with each hidden value replaced by its placeholder."""
        redacted = dict(values)
        for field, at in self.fields(values).items():
            redacted[field] = placeholder(field, values[field], at)
        return redacted

    def restore(self, field: str, proposed: Any, real: Any) -> Any:
        """An edit of a redacted value with the hidden parts put back where
        the notice still stands: a field left as shown is then unchanged, and
        an editor who adds a bullet does not propose to replace the rest
        with the notice."""
        at = self.when(field, real)
        if at is None:
            return proposed
        text = notice(at)
        if field == "citations":
            texts = {row["number"]: row["text"] for row in real}
            return [
                {**row, "text": texts.get(row["number"], row["text"])}
                if row["text"] == text
                else row
                for row in proposed
            ]
        if field == "leaders":
            shown = placeholder(field, real, at)[0]
            restored = []
            for row in proposed:
                restored += copy.deepcopy(real) if row == shown else [row]
            return restored
        if field in LIST_FIELDS:
            restored = []
            for item in proposed:
                restored += list(real) if item == text else [item]
            return restored
        return real if proposed == text else proposed


NOTHING = Hidden({})


def _hidden(rows: Iterable[tuple[str, str, datetime]]) -> Hidden:
    keys: dict[str, dict[str, datetime]] = defaultdict(dict)
    for field, key, at in rows:
        keys[field].setdefault(key, at)
    return Hidden(dict(keys))


def hidden_in(
    profile: Profile | int | None,
    *,
    versions: Iterable[int | None] = (),
    with_versions: bool = False,
) -> Hidden:
    """The suppressed values of a profile: one indexed query; and for the
    version numbers in `versions` (all of them `with_versions`, which only
    `hidden_versions` asks for), which hidden values their snapshots carry:
    one more query, only for a profile with suppressions."""
    if profile is None:
        return NOTHING
    pk = profile if isinstance(profile, int) else profile.pk
    hidden = _hidden(
        Suppression.objects.filter(profile_id=pk)
        .order_by("at", "pk")
        .values_list("field", "value_key", "at")
    )
    numbers = {number for number in versions if number is not None}
    if not (hidden and (numbers or with_versions)):
        return hidden
    snapshots = Version.objects.filter(profile_id=pk)
    if not with_versions:
        snapshots = snapshots.filter(number__in=numbers)
    found = {}
    for number, snapshot in snapshots.values_list("number", "snapshot").iterator():
        for name, at in hidden.fields(snapshot).items():
            found[name, number] = at
    return replace(hidden, versions=found)


def hidden_for(
    user, profile: Profile | int | None, *, versions: Iterable[int | None] = ()
) -> Hidden:
    """What `user` is not shown of `profile` (see `hidden_in`): nothing for
    staff, who see hidden values on every page."""
    if roles.sees_suppressed(user):
        return NOTHING
    return hidden_in(profile, versions=versions)


def hidden_by_profile(profile_pks: Iterable[int] | None = None) -> dict[int, Hidden]:
    """The suppressed values of these profiles (of all, for None), by
    profile: few rows, suppression is rare; for derived data of many
    profiles at once."""
    suppressions = Suppression.objects.all()
    if profile_pks is not None:
        suppressions = suppressions.filter(profile_id__in=list(profile_pks))
    rows = defaultdict(list)
    for pk, *row in (
        suppressions.order_by("at", "pk")
        .values_list("profile_id", "field", "value_key", "at")
        .iterator()
    ):
        rows[pk].append(row)
    return {pk: _hidden(found) for pk, found in rows.items()}


def can_be_recorded() -> bool:
    """Whether the suppressions' table exists yet: the migration that builds
    the search index (0009) runs the app's own indexer before it does."""
    return Suppression._meta.db_table in connection.introspection.table_names()


def hidden_versions(profile: Profile) -> dict[int, list[str]]:
    """Version number -> the fields of its snapshot that are hidden, for
    every version of `profile` carrying a suppressed value."""
    found: dict[int, list[str]] = {}
    for name, number in hidden_in(profile, with_versions=True).versions:
        found.setdefault(number, []).append(name)
    return {
        number: sorted(names, key=FIELDS.index)
        for number, names in sorted(found.items())
    }


def live_values(profile: Profile, field: str, *, leaders=None, citations=None) -> Any:
    """A published profile's current value of `field`, in the proposal's
    shape, from the model (and the leaders and notes given, or its own)."""
    if field in TEXT_FIELDS:
        return getattr(profile, field)
    if field in LIST_FIELDS:
        return split_lines(getattr(profile, field))
    if field == "leaders":
        rows = profile.leaders.all() if leaders is None else leaders
        return [
            {"name": row.name, "aliases": row.alias_list, "role": row.role}
            for row in rows
        ]
    if field == "citations":
        rows = profile.citations.all() if citations is None else citations
        return [{"number": row.number, "text": row.text} for row in rows]
    raise ValueError(f"Not a suppressible field: {field}")


@dataclass(frozen=True)
class RedactedProfile:
    """A published profile as readers may see it: the model (its hidden
    text fields replaced in memory, never saved), its leaders and notes, and
    which fields are hidden since when."""

    profile: Profile
    leaders: list
    citations: list
    hidden: dict[str, datetime]


def redact_profile(
    profile: Profile,
    hidden: Hidden,
    *,
    leaders=None,
    citations=None,
    fields: Iterable[str] | None = None,
    blank: bool = False,
) -> RedactedProfile:
    """`profile` with every hidden value of `fields` (all by default)
    replaced by its notice, or by nothing when `blank` (for the indexes),
    for pages and indexes built from the model. Side effect: the hidden
    fields of the `profile` instance are overwritten in memory; it must not
    be saved."""
    leaders = list(profile.leaders.all() if leaders is None else leaders)
    citations = list(profile.citations.all() if citations is None else citations)
    found = {}
    for field in hidden.keys if fields is None else set(fields) & set(hidden.keys):
        value = live_values(profile, field, leaders=leaders, citations=citations)
        at = hidden.when(field, value)
        if at is None:
            continue
        found[field] = at
        shown = empty_value(field) if blank else placeholder(field, value, at)
        if field == "leaders":
            leaders = [
                Leader(profile=profile, position=0, name=row["name"]) for row in shown
            ]
        elif field == "citations":
            citations = [_hidden_note(profile, row) for row in shown]
        else:
            setattr(profile, field, model_value(field, shown))
    return RedactedProfile(profile, leaders, citations, found)


def _hidden_note(profile: Profile, row: dict) -> Citation:
    note = Citation(profile=profile, number=row["number"], text=row["text"])
    note.recorded_sources = []
    return note
