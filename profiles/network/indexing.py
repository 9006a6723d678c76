"""The stored network: `Connection` rows (who names whom, where, and what the
bullet says) and each profile's `ProfileDegree`, written when a version is
published so that no page matches names against every profile.

`index_profile` runs inside the publishing transaction (`workflow.publishing.publish`);
`rebuild` recomputes everything (the `rebuild_network` command and the
migration that created the tables). Both find the mentions with the same
rules (`profiles.network.matching`), so they give the same rows.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from profiles import redaction
from profiles.models import Connection, Profile, ProfileDegree, split_lines
from profiles.network.matching import (
    CONNECTIONS,
    Found,
    NameIndex,
    degrees,
    find_connections,
    linkable,
    name_pieces,
    profile_names,
)

#: What `NameIndex` reads of each published profile.
_NAME_FIELDS = ("name", "english_name", "alternative_names")


class Names(NamedTuple):
    """What `NameIndex` reads of a published profile, without a model
    instance for each of thousands of rows."""

    pk: int
    name: str
    english_name: str
    alternative_names: str


@dataclass(frozen=True)
class Published:
    """What a profile's edges, and the edges naming it, depend on."""

    name: str
    english_name: str
    alternative_names: str
    connections: str

    @property
    def names(self) -> list[tuple[int, str]]:
        return profile_names(self)


def published_state(profile: Profile | None) -> Published | None:
    """What of `profile` the network depends on, as published now; None for
    a profile not published yet. Taken before a new version is applied, for
    `index_profile`."""
    if profile is None or profile.pk is None or not profile.version:
        return None
    return Published(
        profile.name,
        profile.english_name,
        profile.alternative_names,
        getattr(profile, CONNECTIONS),
    )


def index_profile(profile: Profile, *, before: Published | None) -> int:
    """Brings the stored network up to date with the version of `profile`
    just published; `before` is its `published_state` before that version.

    Side effects: when its connections section or its names changed, its own
    `Connection` rows are rewritten; when its names changed (or it is new),
    so are those of every published profile whose connections section may
    contain one of its old or new names, since a name gained or lost can
    link, unlink or relink their mentions; the `ProfileDegree` of every
    profile whose edges changed is recomputed. Nothing when neither changed.
    Returns the number of `Connection` rows written. Inside `batch()`, the
    profile and its names are only noted, and the rows are written when the
    batch ends.
    """
    now = published_state(profile)
    if now is None or now == before:
        return 0
    names = []
    if before is None or before.names != now.names:
        names = [Names(profile.pk, *_names_of(now))]
        if before is not None:
            names.append(Names(profile.pk, *_names_of(before)))
    pending = _batch.get()
    if pending is not None:
        pending.sources.add(profile.pk)
        pending.names += names
        return 0
    sources = {profile.pk}
    if names:
        probed = {name for row in names for _, name in profile_names(row)}
        others = _may_name(probed).exclude(pk=profile.pk)
        sources |= set(others.values_list("pk", flat=True))
    return reindex(sources)


def _names_of(state: Published) -> tuple[str, str, str]:
    return state.name, state.english_name, state.alternative_names


@dataclass
class _Pending:
    """What the publishes inside a `batch()` changed: the profiles whose own
    edges to rewrite, and every name they had before or have now."""

    sources: set[int] = field(default_factory=set)
    names: list[Names] = field(default_factory=list)


_batch: ContextVar[_Pending | None] = ContextVar("network_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Publishes inside note the profiles whose edges they change and the
    names they gain or lose; when the block ends, the profiles that may name
    one of those names are found in one pass over the connections sections
    (`_naming`), and all their edges are rewritten once, in one transaction:
    for an import of many documents, where rewriting after each would read
    every profile's names each time. Until then pages show the edges as they
    were.
    """
    if _batch.get() is not None:  # already inside one: the outer one rewrites
        yield
        return
    token = _batch.set(_Pending())
    try:
        yield
    finally:
        # Also after an error: what was published before it stays published.
        pending = _batch.get()
        _batch.reset(token)
        if pending.sources:
            with transaction.atomic():
                reindex(pending.sources | _naming(pending.names))


def _naming(names: list[Names]) -> set[int]:
    """The published profiles whose connections section may contain one of
    the names of `names`: each section is read once, and only the names it
    may contain are tried on it (`NameIndex`)."""
    if not names:
        return set()
    index = NameIndex(names)
    sections = (
        Profile.objects.published()
        .exclude(**{CONNECTIONS: ""})
        .values_list("pk", CONNECTIONS)
        .iterator(chunk_size=500)
    )
    return {pk for pk, text in sections if index.candidates(text)}


def reindex(source_pks: Iterable[int]) -> int:
    """Rewrites the `Connection` rows of the published profiles `source_pks`
    and the degrees of every profile joined to them before or after.
    Returns the number of rows written."""
    source_pks = set(source_pks)
    # Locked first, in one order: a publish of one of them waits for this
    # transaction, or this one for it and then reads its text and names as
    # that publish left them. No key lock, so new edges may still point here.
    sources = list(
        Profile.objects.published()
        .filter(pk__in=source_pks)
        .select_for_update(no_key=True)
        .only(CONNECTIONS)
        .order_by("pk")
    )
    _leave_out_hidden(sources, redaction.hidden_by_profile(source_pks))
    everyone = [
        Names(*row)
        for row in Profile.objects.published().values_list("pk", *_NAME_FIELDS)
    ]
    published = {profile.pk for profile in everyone}
    found = find_connections(
        sources,
        NameIndex(everyone, texts=[getattr(source, CONNECTIONS) for source in sources]),
        text_length=Connection.TEXT_LENGTH,
        name_length=Connection.NAME_LENGTH,
    )
    old = Connection.objects.filter(source_id__in=source_pks)
    touched = source_pks | set(old.order_by().values_list("target_id", flat=True))
    old.delete()
    Connection.objects.bulk_create(
        (_row(Connection, row) for row in found), batch_size=500
    )
    touched |= {row.target for row in found}
    _store_degrees(touched & published)
    return len(found)


def _leave_out_hidden(profiles: list[Profile], hidden: dict) -> None:
    """Empties, in memory, the connections section of each profile whose
    current one a suppression hides: no edge shows or is drawn from it."""
    for profile in profiles:
        if profile.pk in hidden:
            text = getattr(profile, CONNECTIONS)
            if hidden[profile.pk].when(CONNECTIONS, split_lines(text)):
                setattr(profile, CONNECTIONS, "")


def _row(model, found: Found):
    return model(
        source_id=found.source,
        target_id=found.target,
        position=found.position,
        start=found.start,
        end=found.end,
        name=found.name,
        text=found.text,
        year=found.year,
    )


def _may_name(names: Iterable[str]):
    """The published profiles whose connections section may contain one of
    `names`: for each name, a filter on every piece of it that the database
    compares as the name patterns do (see `_probes`), all of which a text
    naming it contains; every profile with connections when a name has no
    such piece."""
    profiles = Profile.objects.published().exclude(**{CONNECTIONS: ""})
    condition = Q()
    for name in names:
        if not linkable(name):
            continue
        probes = _probes(name)
        if not probes:
            return profiles
        condition |= Q.create(
            [(f"{CONNECTIONS}__icontains", probe) for probe in probes]
        )
    return profiles.filter(condition) if condition else profiles.none()


def _probes(name: str) -> list[str]:
    """The pieces of `name` between spaces and apostrophes that any text
    naming it contains and that `icontains` compares as the patterns do:
    those of ASCII and caseless letters only, since SQLite ignores the case
    of ASCII letters alone."""
    return [
        piece
        for piece in dict.fromkeys(name_pieces(name))
        if all(char.isascii() or char.lower() == char.upper() for char in piece)
    ]


def _store_degrees(pks: set[int]) -> None:
    """Recounts the neighbours of the profiles `pks` from their edges."""
    pairs = set(
        Connection.objects.filter(source_id__in=pks)
        .order_by()
        .values_list("source_id", "target_id")
        .distinct()
    )
    pairs |= set(
        Connection.objects.filter(target_id__in=pks)
        .order_by()
        .values_list("source_id", "target_id")
        .distinct()
    )
    counted = degrees(pairs)
    # Written over, not deleted and added again: two publishes may recount
    # the same profile at once.
    ProfileDegree.objects.bulk_create(
        (ProfileDegree(profile_id=pk, degree=counted.get(pk, 0)) for pk in sorted(pks)),
        batch_size=500,
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=["degree"],
    )


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Recomputes the whole stored network from the published profiles,
    leaving out what suppressions hide. Returns the numbers of connections
    and of profiles written."""
    return build(
        Profile, Connection, ProfileDegree, hidden=redaction.hidden_by_profile()
    )


def build(
    profile_model, connection_model, degree_model, *, hidden: dict | None = None
) -> tuple[int, int]:
    """The whole network rebuilt with these models (the current ones, or a
    migration's historical ones), without the connections sections `hidden`
    hides. Returns the numbers of connections and of profiles written."""
    connection_model.objects.all().delete()
    degree_model.objects.all().delete()
    everyone = list(
        profile_model.objects.filter(version__gte=1).only(*_NAME_FIELDS, CONNECTIONS)
    )
    _leave_out_hidden(everyone, hidden or {})
    found = find_connections(
        everyone,
        NameIndex(everyone),
        text_length=connection_model._meta.get_field("text").max_length,
        name_length=connection_model._meta.get_field("name").max_length,
    )
    connection_model.objects.bulk_create(
        (_row(connection_model, row) for row in found), batch_size=500
    )
    counted = degrees((row.source, row.target) for row in found)
    degree_model.objects.bulk_create(
        (
            degree_model(profile_id=profile.pk, degree=counted.get(profile.pk, 0))
            for profile in everyone
        ),
        batch_size=500,
    )
    return len(found), len(everyone)
