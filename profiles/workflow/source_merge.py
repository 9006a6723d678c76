"""Merging sources a reviewer found to be one work (`/sources/duplicates/`
lists the possible duplicates, `sources.duplicates`).

A merge keeps every citation: each note, change request and archive copy
that named a merged source names the kept one instead, and the log
(`sources.models.SourceMerge`) says who merged what into what, and when.
The merged rows are deleted; their history rows (the last one saying into
which source) and the log keep them.
"""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from profiles import roles
from profiles.models import CitationSource, ProposedChange, SearchText
from profiles.search.indexing import source_text, write_texts
from profiles.workflow.states import NotAllowed
from sources.bibliography import publish_source
from sources.models import Source, SourceArchive, SourceMerge
from sources.weblinks import DUPLICATE_MARK, duplicate_of

NOT_A_REVIEWER = "Only reviewers merge sources."


def check_merger(user) -> None:
    """Raises `NotAllowed` unless `user` reviews."""
    if not roles.can_review(user):
        raise NotAllowed(NOT_A_REVIEWER)


def merge_sources(keep: Source, others: Iterable[Source], *, by) -> SourceMerge:
    """Makes `others` one work with `keep`, which stays.

    Raises `NotAllowed` unless `by` is a reviewer, and a `ValidationError`
    naming `others` when none is given, `keep` is among them, or one of
    them (or `keep`, naming `keep`) no longer exists.

    Side effects, in one transaction with the sources' rows locked:
    - every note's link to one of `others` links it to `keep` instead; a
      note that cited `keep` as well (or two of `others`) keeps one link,
      in the place of the first, and its links are numbered again from 0;
      each link changed or dropped gets a history row by `by`;
    - change requests that cited one of `others` cite `keep` instead;
    - their archive copies become `keep`'s (a copy it has is not doubled);
    - `keep` becomes public if one of `others` was, from the earliest of
      their publication times (a history row);
    - the search rows of all of them are deleted and `keep`'s written again
      when a published profile cites it;
    - a `SourceMerge` row is appended: who, when, `keep`, `others` as they
      were and how many note links moved;
    - `others` are deleted, each with a history row "Merged into source N.";
    - a URL key one of them held goes to a work waiting for it under a
      duplicate key (`keep` first, else the oldest);
    - every cached page moves on: the page cache keys on the newest merge.
    """
    check_merger(by)
    other_ids = sorted({source.pk for source in others})
    if not other_ids:
        raise ValidationError(
            {"others": "Choose at least one source to merge into the one kept."}
        )
    if keep.pk in other_ids:
        raise ValidationError({"others": "A source is not merged into itself."})
    with transaction.atomic():
        locked = {
            source.pk: source
            for source in Source.objects.select_for_update()
            .filter(pk__in=[keep.pk, *other_ids])
            .order_by("pk")
        }
        if keep.pk not in locked:
            raise ValidationError(
                {"keep": f"Source {keep.pk} no longer exists: merged meanwhile?"}
            )
        missing = [pk for pk in other_ids if pk not in locked]
        if missing:
            raise ValidationError(
                {
                    "others": "Source "
                    + ", ".join(map(str, missing))
                    + " no longer exists: merged meanwhile?"
                }
            )
        kept = locked[keep.pk]
        merged = [locked[pk] for pk in other_ids]
        notes_moved = _move_note_links(kept, other_ids, by=by)
        _move_change_request_links(kept, other_ids)
        _move_archives(kept, other_ids, by=by)
        record = SourceMerge(
            kept=kept.pk,
            merged=[_described(source) for source in merged],
            notes_moved=notes_moved,
            by=by,
        )
        record.save()
        SearchText.objects.filter(source_id__in=[kept.pk, *other_ids]).delete()
        for source in merged:
            source._history_user = by
            source._change_reason = f"Merged into source {kept.pk}."
            source.delete()
        published = [s.published_at for s in merged if s.published_at is not None]
        if kept.published_at is None and published:
            kept._history_user = by
            publish_source(kept, at=min(published))
        _hand_on_keys(kept, merged, by=by)
        _index(kept)
    keep.refresh_from_db()
    return record


def _move_note_links(kept: Source, other_ids: list[int], *, by) -> int:
    """Points the notes' links to `others` at `kept`, one link per work
    and note, numbered again from 0. Returns how many links named one of
    `others`."""
    moved = set(other_ids)
    links = list(
        CitationSource.objects.select_for_update()
        .filter(
            citation_id__in=CitationSource.objects.filter(
                source_id__in=other_ids
            ).values("citation_id")
        )
        .order_by("citation_id", "position", "pk")
    )
    named = sum(1 for link in links if link.source_id in moved)
    survivors: list[tuple[CitationSource, int, int]] = []
    dropped: list[CitationSource] = []
    by_note: dict[int, set[int]] = {}
    for link in links:
        target = kept.pk if link.source_id in moved else link.source_id
        cited = by_note.setdefault(link.citation_id, set())
        if target in cited:
            dropped.append(link)
            continue
        cited.add(target)
        survivors.append((link, target, len(cited) - 1))
    # Dropped first: a note's link to `kept` may be the one in the way.
    for link in dropped:
        link._history_user = by
        link.delete()
    for link, target, position in survivors:
        if link.source_id != target or link.position != position:
            link.source_id = target
            link.position = position
            link._history_user = by
            link.save()
    return named


def _move_change_request_links(kept: Source, other_ids: list[int]) -> None:
    """The requests that cited one of `others` cite `kept`, once each. (The
    link table has no history: a request's page reads it as it is.)"""
    through = ProposedChange.sources.through
    rows = through.objects.filter(source_id__in=[kept.pk, *other_ids]).values_list(
        "pk", "proposedchange_id", "source_id"
    )
    by_change: dict[int, list[tuple[int, int]]] = {}
    for pk, change_id, source_id in rows.order_by("pk"):
        by_change.setdefault(change_id, []).append((pk, source_id))
    repoint, drop = [], []
    for linked in by_change.values():
        if any(source_id == kept.pk for _, source_id in linked):
            drop += [pk for pk, source_id in linked if source_id != kept.pk]
        else:
            repoint.append(linked[0][0])
            drop += [pk for pk, _ in linked[1:]]
    if drop:
        through.objects.filter(pk__in=drop).delete()
    if repoint:
        through.objects.filter(pk__in=repoint).update(source_id=kept.pk)


def _move_archives(kept: Source, other_ids: list[int], *, by) -> None:
    """Archive copies of `others` become `kept`'s, after its own; a copy at
    an address it has already is dropped."""
    copies = list(
        SourceArchive.objects.filter(source_id__in=[kept.pk, *other_ids]).order_by(
            "source_id", "position", "pk"
        )
    )
    urls = {copy.url for copy in copies if copy.source_id == kept.pk}
    position = max(
        (copy.position + 1 for copy in copies if copy.source_id == kept.pk), default=0
    )
    for copy in copies:
        if copy.source_id == kept.pk:
            continue
        copy._history_user = by
        if copy.url in urls:
            copy.delete()
            continue
        urls.add(copy.url)
        copy.source_id = kept.pk
        copy.position = position
        position += 1
        copy.save()


def _described(source: Source) -> dict:
    return {
        "id": source.pk,
        "authors": source.authors,
        "title": source.title,
        "publication": source.publication,
        "date": source.date,
        "url": source.url,
    }


def _hand_on_keys(kept: Source, merged: list[Source], *, by) -> None:
    """Gives each URL key a merged work held to the work waiting for it
    under a duplicate key: `kept` if it waits for it, else the oldest."""
    freed = {
        source.normalised_url
        for source in merged
        if source.normalised_url and duplicate_of(source.normalised_url) is None
    }
    if not freed:
        return
    waiting = Source.objects.filter(
        reduce(
            or_, (Q(normalised_url__startswith=key + DUPLICATE_MARK) for key in freed)
        )
    ).order_by("pk")
    heirs: dict[str, Source] = {}
    for source in waiting:
        key = duplicate_of(source.normalised_url)
        if key in freed and (key not in heirs or source.pk == kept.pk):
            heirs[key] = source
    for key, heir in heirs.items():
        heir.normalised_url = key
        heir._history_user = by
        heir.save()
        if heir.pk == kept.pk:
            kept.normalised_url = key


def _index(kept: Source) -> None:
    """`kept`'s search row, when a published profile cites it (as
    `profiles.search.indexing` writes a public source's row on publishing)."""
    cited = CitationSource.objects.filter(
        source_id=kept.pk, citation__profile__version__gte=1
    )
    if kept.published_at is not None and cited.exists():
        write_texts([source_text(kept)])
