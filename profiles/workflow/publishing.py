"""Publishing: a request's accepted values become the live record.

Moved as it was from the single workflow module; `transitions.approve` and
`transitions.publish_import` call `publish` inside their transaction, with the
request and profile rows locked. Derived data (search keys, network edges,
field provenance) is computed here, once per published version.
"""

import copy
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import (
    get_change_reason_from_object,
    get_history_manager_for_model,
)

from profiles import claim_index, queries, search
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
from profiles.serializers import LIST_FIELDS, TEXT_FIELDS, model_value, profile_to_dict
from profiles.workflow import pending
from sources.bibliography import publish_source, sources_for
from sources.citations import SourceEntry, format_source, parse_note
from sources.models import Source


def publish(
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
    claims are read (`claim_index.index_profile`), then its search index
    of names and claims is rebuilt; each published field's provenance
    points to this request's change; its connections to the profiles it names
    or that name it are recomputed (`profiles.network.indexing`); every row
    written gets a history row stamped with this request and the reviewer;
    a `Version` with the profile's JSON is recorded (a new profile's from the
    rows just written, not read back: `_as_read`); the request points to the
    profile and its new version. A new profile's tags are linked in one
    insert (`_tag_new`).
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
        _create_with_free_slug(profile, lambda profile: _save(profile, **stamp))
    else:
        _save(profile, **stamp)
    tags = []
    if "tags" in accepted and is_new:
        tags = _tag_new(profile, accepted["tags"])
    elif "tags" in accepted:
        profile.tags.set(accepted["tags"], clear=True)
    leaders, citations, links = [], [], []
    if "leaders" in accepted:
        leaders = _sync_leaders(profile, accepted["leaders"], stamp, new=is_new)
    if "citations" in accepted:
        citations, links = _sync_citations(
            profile, accepted["citations"], stamp, now=now, new=is_new
        )
    _add_notes_for(profile, sources, stamp)
    _record_provenance(profile, change_request, accepted)
    for source in Source.objects.filter(
        citation_sources__citation__profile=profile, published_at__isnull=True
    ).distinct():
        publish_source(source, at=now)
    claim_index.index_profile(profile)
    search.index_profile(profile)  # after the claims: it reads their keys
    indexing.index_profile(profile, before=network_before)

    change_request.profile = profile
    change_request.published_version = profile.version
    change_request.save(update_fields=["profile", "published_version", "updated_at"])
    if is_new and not sources:
        # Every row of a new profile was written just now, from these objects.
        record = _as_read(profile, tags, leaders, citations, links)
    else:
        record = queries.profile_record(profile.pk)
    return Version.objects.create(
        profile=profile,
        number=profile.version,
        change_request=change_request,
        published_at=now,
        snapshot=profile_to_dict(record),
    )


def publish_new(
    change_request: ChangeRequest,
    accepted: dict[str, Any],
    *,
    changes: Sequence[ProposedChange],
    reviewer,
    cited: dict[int, list[tuple[Source, SourceEntry]]] | None = None,
) -> Version:
    """`publish` of a new profile's first version for a recorded import,
    leaving the same rows (`tests/profiles/test_import_batch.py` compares
    them), each kind written in one insert and nothing read back.

    Side effects: the profile inserted with the values, as version 1, under
    the first slug free for its name, with its history row; its tags linked
    (`_tag_new`); its leaders, its notes and their links to the works they
    cite inserted with their history rows, all stamped with the request and
    `reviewer`; works still private made public as the notes describe them;
    each field's provenance pointing to its change among `changes` (this
    request's, one per field of `accepted`); its search rows
    (`search.index_new_profile`) and claims (`claim_index.index_new_profile`);
    its connections, or in an import's batch
    its place among the profiles to connect (`indexing.index_profile`); a
    `Version` with the profile's JSON built from those rows (`_as_read`).
    `cited` is `cited_sources` of its notes when the caller has it. Only
    the profile and its notes are inserted at once; the other rows,
    which nothing reads back, go through `pending.keep`: written before
    this returns, or inside an import's commit group when the group is
    written (the returned version has no id until then). The request is not
    saved: the caller points it to the profile and the version as it
    decides it.
    """
    now = timezone.now()
    stamp = {"_change_request": change_request, "_history_user": reviewer}
    profile = Profile(version=1, published_at=now)
    for name, value in accepted.items():
        if name in TEXT_FIELDS or name in LIST_FIELDS:
            setattr(profile, name, model_value(name, value))
    _create_with_free_slug(profile, _insert)
    _add_history(Profile, [profile], stamp, later=True)
    tags = _tag_new(profile, accepted["tags"], later=True) if "tags" in accepted else []
    leaders = _sync_leaders(
        profile, accepted.get("leaders", []), stamp, new=True, later=True
    )
    citations, links = _sync_citations(
        profile,
        accepted.get("citations", []),
        stamp,
        now=now,
        new=True,
        later=True,
        cited=cited,
    )
    pending.keep(
        pending.tuple_inserter(FieldProvenance, ("profile", "field", "change")),
        [(profile, change.field, change) for change in changes],
    )
    claims = claim_index.index_new_profile(profile, leaders, keep=pending.keep)
    search.index_new_profile(
        profile,
        leaders,
        [link.source for link in links],
        claims=claims,
        keep=pending.keep,
    )
    indexing.index_profile(profile, before=None)
    version = Version(
        profile=profile,
        number=profile.version,
        change_request=change_request,
        published_at=now,
        snapshot=profile_to_dict(_as_read(profile, tags, leaders, citations, links)),
    )
    pending.keep(pending.inserter(Version), [version])
    return version


def _as_read(
    profile: Profile,
    tags: list,
    leaders: list[Leader],
    citations: list[Citation],
    links: list[CitationSource],
) -> Profile:
    """A new profile as `queries.profile_record` would read it back, from the
    rows `publish` has just written (all of them, for a new profile, when no
    note was added for `sources`): a copy of `profile` with its tags,
    leaders, notes and their sources prefetched as reading prefetches them,
    in the models' order. `tests/profiles/test_import_batch.py` compares the
    two."""
    by_citation: dict[int, list[CitationSource]] = {}
    for link in sorted(links, key=lambda link: link.position):
        by_citation.setdefault(link.citation_id, []).append(link)
    for citation in citations:
        citation._prefetched_objects_cache = {
            "citation_sources": _prefetched(
                citation.citation_sources, by_citation.get(citation.pk, [])
            )
        }
    record = copy.copy(profile)
    record._prefetched_objects_cache = {
        "tags": _prefetched(profile.tags, tags),
        "leaders": _prefetched(
            profile.leaders, sorted(leaders, key=lambda leader: leader.position)
        ),
        "citations": _prefetched(
            profile.citations, sorted(citations, key=lambda citation: citation.number)
        ),
    }
    return record


def _prefetched(manager, rows: list) -> QuerySet:
    """`manager`'s queryset holding `rows`, as `prefetch_related` leaves it."""
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def _tag_new(profile: Profile, names: list[str], *, later: bool = False) -> list:
    """Tags a new profile: each tag found as taggit's `add` finds it (by
    name, case-insensitively with `TAGGIT_CASE_INSENSITIVE`: the oldest of
    equal tags) or created, then linked in one insert instead of a look-up
    and an insert each (kept for `pending` when `later`; each name is then
    looked up once per commit group). Returns the tags in the order
    linked."""
    through = profile.tags.through
    tag_model = through.tag_model()
    lookup = (
        "name__iexact"
        if getattr(settings, "TAGGIT_CASE_INSENSITIVE", False)
        else "name"
    )

    def find(name: str):
        return (
            tag_model.objects.filter(**{lookup: name}).order_by("pk").first()
            or tag_model.objects.get_or_create(
                **{lookup: name}, defaults={"name": name}
            )[0]
        )

    tags: dict[int, Any] = {}
    for name in names:
        tag = pending.remembered(("tag", name), lambda name=name: find(name))
        tags.setdefault(tag.pk, tag)
    links = [through(tag=tag, content_object=profile) for tag in tags.values()]
    if later:
        pending.keep(pending.inserter(through), links)
    else:
        through.objects.bulk_create(links)
    return list(tags.values())


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


def _base_slug(name: str) -> str:
    """The slug of `name`, before any number that keeps it unique."""
    return slugify(name, allow_unicode=True)[:190].strip("-") or "profile"


def _unique_slug(name: str) -> str:
    base = _base_slug(name)
    slug, n = base, 1
    while Profile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


SLUG_ATTEMPTS = 5


def _create_with_free_slug(profile: Profile, insert: Callable[[Profile], None]):
    """Inserts a new profile under the first slug free for its name, with
    `insert` (a save, or an insert without its history row).

    The name's own slug, free for most new profiles, is tried first without
    a look-up. The unique index refuses a slug taken (before, or by another
    approval between a look-up and the insert) inside a savepoint, and the
    first slug then found free is tried, so two profiles of one name
    published at once both land.
    """
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        profile.slug = (
            _base_slug(profile.name) if attempt == 1 else _unique_slug(profile.name)
        )
        try:
            with transaction.atomic():
                insert(profile)
            return
        except IntegrityError:
            taken = Profile.objects.filter(slug=profile.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS:
                raise


def _save(instance, **stamp) -> None:
    for key, value in stamp.items():
        setattr(instance, key, value)
    instance.save()


def _insert(instance) -> None:
    """Inserts a new row of a tracked model without its history row (see
    `_add_history`)."""
    pending.insert_returning(type(instance), [instance])


def _delete(instance, **stamp) -> None:
    for key, value in stamp.items():
        setattr(instance, key, value)
    instance.delete()


_inserters: dict[type, Callable[[list], None]] = {}


def _inserter(model) -> Callable[[list], None]:
    """The one function (`pending` groups rows by it) that inserts rows of
    `model`, their ids read back for their history rows
    (`pending.insert_returning`)."""
    if model not in _inserters:
        _inserters[model] = lambda rows: pending.insert_returning(model, rows)
    return _inserters[model]


_history_inserters: dict[type, Callable[[list], None]] = {}

#: The columns of a history row that do not copy the row's own.
_HISTORY_STAMP = (
    "history_date",
    "history_user",
    "history_change_reason",
    "history_type",
    "change_request",
)


def _history_inserter(model) -> Callable[[list], None]:
    """The one function that inserts the history rows of (row, stamp)
    pairs of `model`, as `_add_history` would write them, in one statement
    run once per row, each row's values a tuple (`_history_values`)."""
    if model not in _history_inserters:
        history = _history_manager(model).model
        tracked = [field.attname for field in history.tracked_fields]
        names = tuple(
            field.name
            for field in history._meta.concrete_fields
            if field.name not in _HISTORY_STAMP and not field.primary_key
        )
        if sorted(history._meta.get_field(name).attname for name in names) != sorted(
            tracked
        ):
            raise ValueError(f"{history.__name__} has columns of its own.")
        write = pending.tuple_inserter(history, (*names, *_HISTORY_STAMP))
        copied = [history._meta.get_field(name).attname for name in names]

        def insert(pairs: list) -> None:
            write([_history_values(row, stamp, copied) for row, stamp in pairs])

        _history_inserters[model] = insert
    return _history_inserters[model]


def _history_values(row, stamp: dict, copied: list[str]) -> tuple:
    """The values of the history row simple-history's `bulk_history_create`
    builds for a row just inserted, stamped as `_add_history` stamps it:
    the row's own (`copied`), then `_HISTORY_STAMP`'s."""
    return (
        *(getattr(row, attname) for attname in copied),
        timezone.now(),
        stamp["_history_user"],
        get_change_reason_from_object(row) or None,
        "+",
        stamp["_change_request"],
    )


_history_managers: dict[type, Any] = {}


def _history_manager(model):
    """The model's history manager, built once: simple-history builds a new
    manager class on every access to `Model.history`."""
    if model not in _history_managers:
        _history_managers[model] = get_history_manager_for_model(model)
    return _history_managers[model]


def _add(model, rows: list, stamp: dict, *, later: bool = False) -> None:
    """Inserts new rows of a tracked model and their history rows, stamped
    as `_save` stamps them, in one insert each (what simple-history's
    `bulk_create_with_history` does, on databases that return the new keys,
    which every one we support does); both kept for `pending` when
    `later`."""
    if not rows:
        return
    if later:
        pending.keep(_inserter(model), rows)
        _add_history(model, rows, stamp, later=True)
        return
    with transaction.atomic(savepoint=False):
        model._default_manager.bulk_create(rows)
        _add_history(model, rows, stamp)


def _add_history(model, rows: list, stamp: dict, *, later: bool = False) -> None:
    """The history rows of rows just inserted, stamped as `_save` stamps
    them, in one insert; kept for `pending` when `later` (built when
    written, once the rows have their ids)."""
    if later:
        pending.keep(_history_inserter(model), [(row, stamp) for row in rows])
        return
    for row in rows:
        row._history_user = stamp["_history_user"]
    _history_manager(model).bulk_history_create(
        rows,
        default_change_reason=None,
        custom_historical_attrs={"change_request": stamp["_change_request"]},
    )


def _sync_leaders(
    profile: Profile,
    rows: list[dict],
    stamp: dict,
    *,
    new: bool = False,
    later: bool = False,
) -> list[Leader]:
    """Leaders are matched by position: row n of the proposal updates leader n
    (a `new` profile has none to read); those added are kept for `pending`
    when `later`. Returns the leaders added."""
    existing = (
        {} if new else {leader.position: leader for leader in profile.leaders.all()}
    )
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
    _add(Leader, added, stamp, later=later)
    for leader in existing.values():
        _delete(leader, **stamp)
    return added


def _add_notes_for(profile: Profile, sources: Sequence[Source], stamp: dict) -> None:
    """A note, in the house citation style, for each source no note cites."""
    if not sources:
        return
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


def cited_sources(rows: list[dict]) -> dict[int, list[tuple[Source, SourceEntry]]]:
    """Per note number, each work its text cites (`sources_for`: found or
    recorded) with the note's reading of it."""
    entries = {row["number"]: parse_note(row["text"])[1] for row in rows}
    found = iter(sources_for(e for cited in entries.values() for e in cited))
    return {
        number: [(next(found), entry) for entry in cited]
        for number, cited in entries.items()
    }


def _sync_citations(
    profile: Profile,
    rows: list[dict],
    stamp: dict,
    *,
    now,
    new: bool = False,
    later: bool = False,
    cited: dict[int, list[tuple[Source, SourceEntry]]] | None = None,
) -> tuple[list[Citation], list[CitationSource]]:
    """Notes are matched by number (a `new` profile has none to read); a note
    whose text changed has its sources read again from the new text, and
    they become public. With `later`, the notes are inserted at once (their
    links need their ids) and their history rows and links kept for
    `pending`. `cited` is `cited_sources` of the notes when the caller has
    it already. Returns the notes added and the links written (to added or
    changed notes)."""
    existing = (
        {}
        if new
        else {citation.number: citation for citation in profile.citations.all()}
    )
    changed = []
    for row in rows:
        citation = existing.pop(row["number"], None)
        if citation is not None and citation.text == row["text"]:
            continue
        changed.append((citation, row))
    if cited is None:
        cited = cited_sources([row for _, row in changed])
    added, links = [], []
    for citation, row in changed:
        if citation is None:
            citation = Citation(profile=profile, number=row["number"], text=row["text"])
            added.append(citation)
        else:
            citation.text = row["text"]
            _save(citation, **stamp)
            for link in citation.citation_sources.all():
                _delete(link, **stamp)
        described = {}
        for source, entry in cited[row["number"]]:
            described.setdefault(source, entry)
        for position, (source, entry) in enumerate(described.items()):
            publish_source(source, at=now, described_as=entry)
            links.append(
                CitationSource(citation=citation, source=source, position=position)
            )
    if later:
        pending.insert_returning(Citation, added)
        _add_history(Citation, added, stamp, later=True)
    else:
        _add(Citation, added, stamp)
    for link in links:
        link.citation_id = link.citation.pk  # the new notes have theirs now
    _add(CitationSource, links, stamp, later=later)
    for citation in existing.values():
        for link in citation.citation_sources.all():
            _delete(link, **stamp)
        _delete(citation, **stamp)
    return added, links
