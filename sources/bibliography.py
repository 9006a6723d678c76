"""Writes to the bibliography: a cited work becomes one shared `Source` row."""

from django.db import IntegrityError, transaction

from sources.citations import SourceEntry, guess_language
from sources.models import Source


def source_for(entry: SourceEntry) -> Source:
    """The bibliography's row for this work, created on first citation.

    A work with a URL is the same work wherever its normalised URL is the same,
    whatever title a note gives it; the first description recorded is kept.
    Raises `ValidationError` for a work that cannot be recorded (a bad URL).
    """
    existing = Source.objects.matching(entry).first()
    if existing is not None:
        return existing
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
    )
    source.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        # Another request recorded the same URL between our look-up and insert.
        return Source.objects.matching(entry).get()
    return source


def publish_source(source: Source, *, at, described_as: SourceEntry | None = None):
    """Lets readers see a work a published version now cites.

    A work still private was recorded by some change request; when it is made
    public by a note, `described_as` (that note's reading of it) replaces the
    description, so text no reviewer approved never reaches readers.
    Side effects: `published_at` set, once; a history row.
    """
    if source.published_at is not None:
        return
    if described_as is not None and (described_as.title or described_as.publication):
        source.authors = described_as.authors
        source.title = described_as.title
        source.publication = described_as.publication
        source.date = described_as.date
        source.language = described_as.language or source.language
    source.published_at = at
    source.save()
