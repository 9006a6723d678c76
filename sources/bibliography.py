"""Writes to the bibliography: a cited work becomes one shared `Source` row,
and once public it is linked to its `Publisher`, found or recorded by its
publication's name (case and spaces aside)."""

import functools
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from simple_history.utils import get_history_manager_for_model

from sources.citations import SourceEntry, guess_language
from sources.dates import iso_partial_date
from sources.models import Publisher, Source, publisher_key
from sources.weblinks import normalise_url


def source_for(
    entry: SourceEntry, *, published_at=None, publishers: "Publishers | None" = None
) -> Source:
    """The bibliography's row for this work, created on first citation.

    A work with a URL is the same work wherever its normalised URL is the same,
    whatever title a note gives it; the first description recorded is kept.
    A new row is private until a published version cites it
    (`publish_source`), or public from `published_at` when given: a recorded
    import published at once creates its new works as `publish_source` would
    leave them, with their publisher, in one write and one history row
    instead of two. `publishers`: the names looked up so far by the caller.
    Raises `ValidationError` for a work that cannot be recorded (a bad URL).
    """
    existing = Source.objects.matching(entry).first()
    if existing is not None:
        return existing
    source = _unsaved(entry, published_at=published_at)
    if published_at is not None:
        source.publisher_id = (publishers or Publishers()).id_for(source.publication)
    if not (source.title or source.publication or source.url):
        # The one check constraint a new row can break; checked by the
        # database only when it is (a query and a savepoint per work).
        source.validate_constraints()
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        # Another request recorded the same URL between our look-up and insert.
        return Source.objects.matching(entry).get()
    return source


def write_now(write: Callable[[list], object], rows: list) -> None:
    """Writes `rows` with `write` at once: the default for a `keep` that
    would hold rows for a later, grouped write."""
    write(rows)


def sources_for(
    entries: Iterable[SourceEntry],
    *,
    published_at=None,
    keep: Callable[[Callable[[list], object], list], None] = write_now,
) -> list[Source]:
    """`source_for` of each of `entries`, in order, the works with a URL that
    are recorded already found in one query (a document's notes cite a
    dozen works; an import reads thousands of documents) and the new ones
    written in one insert with their history rows, instead of a savepoint,
    an insert and a history insert each. New works are public from
    `published_at` when given (see `source_for`), linked to their
    publishers: one query for all their names, and one insert for the
    publishers not recorded yet. The history rows of the works (and
    publishers) inserted together are handed to `keep(writer, rows)`, which
    writes them now (the default) or later in the same transaction.
    Raises `ValidationError` for a work that cannot be recorded (a bad URL).
    """
    entries = list(entries)
    urls = {normalise_url(entry.url) for entry in entries if entry.url}
    known = (
        {
            source.normalised_url: source
            for source in Source.objects.with_url().filter(normalised_url__in=urls)
        }
        if urls
        else {}
    )
    new = {}
    for entry in entries:
        url = normalise_url(entry.url) if entry.url else None
        if url and url not in known and url not in new:
            new[url] = _new_source(entry, published_at=published_at)
    publishers = Publishers(keep=keep) if published_at is not None else None
    if new and publishers is not None:
        publishers.load(source.publication for source in new.values())
        for source in new.values():
            source.publisher_id = publishers.id_for(source.publication)
    if new and not _insert(list(new.values()), keep=keep):
        # Another request recorded one of them meanwhile: one by one.
        new = {}
    known.update(new)
    found = []
    for entry in entries:
        url = normalise_url(entry.url) if entry.url else None
        source = known.get(url) if url else None
        if source is None:
            source = source_for(entry, published_at=published_at, publishers=publishers)
            if url:
                known[url] = source
        found.append(source)
    return found


def _unsaved(entry: SourceEntry, *, published_at) -> Source:
    """An unsaved row for a new work, its fields checked (but for the
    normalised URL, which `save` computes)."""
    url = entry.url
    if url.startswith("www."):
        url = f"https://{url}"
    source = Source(
        authors=entry.authors,
        title=entry.title,
        publication=entry.publication,
        date=entry.date,
        url=url,
        language=entry.language or guess_language(entry.title or entry.publication),
        published_at=published_at,
    )
    # Its uniqueness is the database's to enforce (caught by the callers).
    # Validating it here would look up the empty key the field holds until
    # `save`, reading every row without a URL.
    source.full_clean(
        exclude=["normalised_url"], validate_unique=False, validate_constraints=False
    )
    return source


def _new_source(entry: SourceEntry, *, published_at) -> Source:
    """An unsaved row for a new work with a URL, checked as `source_for`
    checks it, its computed columns filled as `Source.save` fills them."""
    source = _unsaved(entry, published_at=published_at)
    source.normalised_url = normalise_url(source.url)
    source.date_iso = iso_partial_date(source.date)
    return source


@functools.cache
def _source_history():
    """`Source.history`, built once: simple-history builds a new manager
    class on every access."""
    return get_history_manager_for_model(Source)


def _insert(sources: list[Source], *, keep) -> bool:
    """Inserts new works in one savepoint and hands their history rows (as
    `save` would write them) to `keep`; False, with nothing written or
    kept, if one is recorded already."""
    try:
        with transaction.atomic():
            Source.objects.bulk_create(sources)
    except IntegrityError:
        for source in sources:
            source.pk = None
            source._state.adding = True
        return False
    keep(write_history, sources)
    return True


def write_history(sources: list[Source]) -> None:
    """Inserts the history rows of works just inserted, in one insert."""
    _source_history().bulk_history_create(sources, default_change_reason=None)


def publish_source(source: Source, *, at, described_as: SourceEntry | None = None):
    """Lets readers see a work a published version now cites.

    A work still private was recorded by some change request; when it is made
    public by a note, `described_as` (that note's reading of it) replaces the
    description, so text no reviewer approved never reaches readers.
    Side effects: `published_at` set, once; its publisher found by its
    publication's name, or recorded (ungraded, with a history row); a
    history row. A work public already costs no query.
    """
    if source.published_at is not None:
        return
    if described_as is not None and (described_as.title or described_as.publication):
        source.authors = described_as.authors
        source.title = described_as.title
        source.publication = described_as.publication
        source.date = described_as.date
        source.language = described_as.language or source.language
    if source.publisher_id is None:
        source.publisher_id = Publishers().id_for(source.publication)
    source.published_at = at
    source.save()


class Publishers:
    """Publishers' ids by name for one write to the bibliography: each name
    (as `publisher_key` reads it) looked up once, as plain rows, those not
    recorded yet created, ungraded, named as first written, their history
    rows handed to `keep` (see `sources_for`)."""

    def __init__(
        self, *, keep: Callable[[Callable[[list], object], list], None] = write_now
    ):
        self.keep = keep
        self.found: dict[str, int] = {}

    def load(self, names: Iterable[str]) -> None:
        """Finds the publishers of `names` in one query, and records those
        missing in one insert."""
        wanted: dict[str, str] = {}
        for name in names:
            key = publisher_key(name)
            if key and key not in self.found:
                wanted.setdefault(key, name.strip())
        if not wanted:
            return
        self.found.update(
            Publisher.objects.filter(key__in=list(wanted)).values_list("key", "pk")
        )
        missing = [
            Publisher(name=name, key=key)
            for key, name in wanted.items()
            if key not in self.found
        ]
        if not missing:
            return
        try:
            with transaction.atomic():
                Publisher.objects.bulk_create(missing)
        except IntegrityError:
            # Another request recorded one of them meanwhile: one by one.
            for publisher in missing:
                self.found[publisher.key] = _publisher(publisher).pk
            return
        self.keep(write_publisher_history, missing)
        self.found.update((publisher.key, publisher.pk) for publisher in missing)

    def id_for(self, name: str) -> int | None:
        """The id of the publisher named `name`, found or recorded; None for
        no name."""
        key = publisher_key(name)
        if not key:
            return None
        if key not in self.found:
            self.load([name])
        return self.found[key]


def _publisher(unsaved: Publisher) -> Publisher:
    """The recorded publisher of `unsaved`'s name, or `unsaved` saved."""
    found = Publisher.objects.filter(key=unsaved.key).first()
    if found is not None:
        return found
    unsaved.pk = None
    unsaved._state.adding = True
    try:
        with transaction.atomic():
            unsaved.save()
    except IntegrityError:
        return Publisher.objects.get(key=unsaved.key)
    return unsaved


@functools.cache
def _publisher_history():
    return get_history_manager_for_model(Publisher)


def write_publisher_history(publishers: list[Publisher]) -> None:
    """Inserts the history rows of publishers just inserted, in one insert."""
    _publisher_history().bulk_history_create(publishers, default_change_reason=None)
