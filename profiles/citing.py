"""Reads of the bibliography for its pages: the searchable, sortable list of
sources with how many profiles cite each, and where one source is cited.

They live here rather than in `sources`, which sits below `profiles` and never
imports it: counting citing profiles means reading the profiles' notes and
accepted changes.

Each read carries the joins its page needs, so a page's query count does not
grow with its data. Only published profiles count as citing, and only
public sources (cited by a published version) are shown.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower

from profiles.models import (
    Citation,
    CitationSource,
    ClaimCitation,
    Profile,
    ProposedChange,
)
from profiles.sections import FIELDS
from sources.dates import iso_partial_date
from sources.models import Source
from sources.pasted_references import PastedEntry
from sources.weblinks import normalise_url

#: `?sort=` values of the source list and what each is called on the page.
SORTS: dict[str, str] = {
    "title": "title",
    "publication": "publication",
    "date": "date, oldest first",
    "-date": "date, newest first",
    "cited": "most cited",
}
DEFAULT_SORT = "title"
SEARCHED_FIELDS = ("title", "authors", "publication", "url")


def _blank_last(field: str) -> Case:
    """0 for a row with a value in `field`, 1 for a blank one: ordering by it
    first puts untitled, unpublished or undated sources at the end."""
    return Case(When(**{field: ""}, then=Value(1)), default=Value(0))


def _citing_profile_count() -> Subquery:
    """How many published profiles cite the outer source: in a note, or
    through an accepted change it supports. A profile doing both counts once.

    A correlated subquery rather than `Count()` over the two relations, whose
    joins would multiply each other and count such a profile twice.
    """
    source = OuterRef(OuterRef("pk"))
    noted = Citation.objects.filter(citation_sources__source=source).values(
        "profile_id"
    )
    supported = ProposedChange.objects.filter(
        sources=source,
        decision=ProposedChange.Decision.ACCEPTED,
        change_request__published_version__isnull=False,
    ).values("change_request__profile_id")
    profiles = (
        Profile.objects.published()
        .filter(Q(pk__in=noted) | Q(pk__in=supported))
        .order_by()
        # COUNT over the whole filtered table: one row, no GROUP BY.
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return Subquery(profiles, output_field=IntegerField())


# What each sort puts first; ties then go by title (untitled last), then age.
_ORDERINGS = {
    "title": (),
    "publication": (_blank_last("publication"), Lower("publication")),
    "date": (_blank_last("date_iso"), "date_iso"),
    "-date": (_blank_last("date_iso"), F("date_iso").desc()),
    "cited": (F("citing_profiles").desc(),),
}
_BY_TITLE = (_blank_last("title"), Lower("title"), "pk")


def bibliography(*, search: str = "", sort: str = DEFAULT_SORT) -> QuerySet[Source]:
    """Every public source, each annotated with `citing_profiles`, matching every word
    of `search` in its title, authors, publication or URL, in the order named
    by `sort` (one of `SORTS`; anything else sorts by title). Sources blank
    in the sorted field come last; ties go by title, then by age."""
    sources = Source.objects.public().annotate(citing_profiles=_citing_profile_count())
    for word in search.split():
        matches = Q()
        for field in SEARCHED_FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        sources = sources.filter(matches)
    ordering = _ORDERINGS.get(sort, _ORDERINGS[DEFAULT_SORT])
    return sources.order_by(*ordering, *_BY_TITLE)


def notes_citing(source: Source) -> QuerySet[CitationSource]:
    """The published notes citing `source`, with their profile, by profile name
    and note number."""
    return (
        CitationSource.objects.filter(
            source=source, citation__profile__in=Profile.objects.published()
        )
        .select_related("citation__profile")
        .order_by(
            Lower("citation__profile__name"),
            "citation__profile_id",
            "citation__number",
        )
    )


def fields_supported_by(source: Source) -> QuerySet[ProposedChange]:
    """The accepted, published changes `source` supports, with their request
    and profile: by profile name, then field in reading order, then version."""
    field_order = Case(
        *(When(field=field, then=Value(index)) for index, field in enumerate(FIELDS)),
        default=Value(len(FIELDS)),
    )
    return (
        ProposedChange.objects.filter(
            sources=source,
            decision=ProposedChange.Decision.ACCEPTED,
            change_request__published_version__isnull=False,
            change_request__profile__in=Profile.objects.published(),
        )
        .select_related("change_request__profile")
        .order_by(
            Lower("change_request__profile__name"),
            "change_request__profile_id",
            field_order,
            "change_request__published_version",
        )
    )


def citing_profile_count(source: Source) -> int:
    """How many published profiles cite `source`, as `bibliography` counts."""
    return (
        Source.objects.filter(pk=source.pk)
        .annotate(citing_profiles=_citing_profile_count())
        .values_list("citing_profiles", flat=True)
        .get()
    )


def dead_links(*, page: str | int | None, per_page: int) -> Page:
    """One page of the public sources whose link the checker found dead, by
    title, each with what depends on it:

    - `source.archives.all`: its archive copies, in order;
    - `source.citing_notes`: the published notes citing it (`CitationSource`
      rows with their note and profile), by profile name and note number;
    - `link.claims` on each of those: the claims of that profile resting on
      that note, in reading order (claims of hidden sections have no rows).

    Five queries whatever the page holds: the count, the page, the archive
    copies, the notes and the claims."""
    notes = (
        CitationSource.objects.filter(citation__profile__in=Profile.objects.published())
        .select_related("citation__profile")
        .only(
            "source_id",
            "citation__number",
            "citation__profile__slug",
            "citation__profile__name",
            "citation__profile__english_name",
        )
        .order_by(
            Lower("citation__profile__name"),
            "citation__profile_id",
            "citation__number",
        )
    )
    sources = (
        Source.objects.public()
        .dead()
        .prefetch_related(
            "archives", Prefetch("citation_sources", notes, to_attr="citing_notes")
        )
        .order_by(*_BY_TITLE)
    )
    found = Paginator(sources, per_page).get_page(page)
    found.object_list = list(found.object_list)
    links = [link for source in found.object_list for link in source.citing_notes]
    for link in links:
        link.claims = []
    if not links:
        return found
    by_note = {(link.citation.profile_id, link.citation.number): link for link in links}
    section_order = Case(
        *(When(claim__section=f, then=Value(k)) for k, f in enumerate(FIELDS)),
        default=Value(len(FIELDS)),
        output_field=IntegerField(),
    )
    # Over-fetches pairs of one note's profile and another's number, dropped
    # below: one IN per column keeps the SQL short whatever the page holds.
    rows = (
        ClaimCitation.objects.filter(
            claim__profile_id__in={profile for profile, _ in by_note},
            number__in={number for _, number in by_note},
        )
        .select_related("claim")
        .only(
            "number",
            "claim__profile_id",
            "claim__key",
            "claim__text",
            "claim__section",
            "claim__position",
        )
        .order_by("claim__profile_id", section_order, "claim__position", "position")
    )
    for row in rows:
        link = by_note.get((row.claim.profile_id, row.number))
        if link is not None and row.claim not in link.claims:
            link.claims.append(row.claim)
    return found


# Exports of the bibliography, and what a paste of references would add.


def exported_sources(*, after: int, size: int) -> list[Source]:
    """Up to `size` + 1 public sources with a primary key above `after`, in
    key order: a page of the bibliography's export, the extra row saying
    there is a next one. One indexed query whatever the page."""
    return list(Source.objects.public().filter(pk__gt=after).order_by("pk")[: size + 1])


def profile_works(
    profile: Profile, *, after: tuple[int, int] | None, size: int
) -> list[CitationSource]:
    """Up to `size` + 1 of the works `profile`'s notes cite, each once, where
    a note first cites it, in note order: the note's links (with `source`
    and the note's `number`) after the link at (note number, position)
    `after`. One query whatever the page: a link is left out when an earlier
    note of the profile, or an earlier place in the same note, cites its
    work too."""
    earlier = CitationSource.objects.filter(
        citation__profile_id=profile.pk, source_id=OuterRef("source_id")
    ).filter(
        Q(citation__number__lt=OuterRef("citation__number"))
        | Q(
            citation__number=OuterRef("citation__number"),
            position__lt=OuterRef("position"),
        )
    )
    links = (
        CitationSource.objects.filter(citation__profile_id=profile.pk)
        .exclude(Exists(earlier))
        .select_related("source", "citation")
        .only("position", "citation__number", "source")
    )
    if after is not None:
        number, position = after
        links = links.filter(
            Q(citation__number__gt=number)
            | Q(citation__number=number, position__gt=position)
        )
    return list(links.order_by("citation__number", "position", "pk")[: size + 1])


@dataclass(frozen=True)
class PastePlan:
    """What pasting references into a profile would do: the entries to add
    as notes, those left out as works the profile cites already (or that an
    earlier entry gives), each with why, and among the added those already
    in the bibliography, whose source the new note will cite."""

    added: list[PastedEntry]
    duplicates: list[tuple[PastedEntry, str]]
    reused: list[tuple[PastedEntry, Source]]

    def rows(self) -> list[tuple[PastedEntry, Source | None, str]]:
        """Each entry in the order pasted: (entry, the library's work its
        note will cite or None, why it is left out or "")."""
        reused = {pasted.number: source for pasted, source in self.reused}
        rows = [(pasted, reused.get(pasted.number), "") for pasted in self.added]
        rows += [(pasted, None, why) for pasted, why in self.duplicates]
        return sorted(rows, key=lambda row: row[0].number)


def _title_key(title: str, iso_date: str) -> tuple[str, str] | None:
    words = " ".join(title.casefold().split())
    return (words, iso_date) if words else None


def paste_plan(profile: Profile, entries: list[PastedEntry]) -> PastePlan:
    """Which of `entries` `profile` lacks. An entry is a duplicate when its
    normalised URL, or its title and date, match a work the profile's notes
    cite, or an earlier entry of the paste; the others are added, and those
    whose URL a public work of the bibliography has are reported as reusing
    it (publishing cites that row: one row per URL). Two queries."""
    known_urls: dict[str, str] = {}
    known_titles: dict[tuple[str, str], str] = {}
    cited = (
        CitationSource.objects.filter(citation__profile_id=profile.pk)
        .select_related("source", "citation")
        .only(
            "citation__number",
            "source__title",
            "source__date_iso",
            "source__normalised_url",
        )
        .order_by("citation__number", "position")
    )
    for link in cited:
        why = f"note {link.citation.number} of this profile cites it already"
        if link.source.normalised_url:
            known_urls.setdefault(link.source.normalised_url, why)
        if key := _title_key(link.source.title, link.source.date_iso):
            known_titles.setdefault(key, why)
    urls = {normalise_url(e.entry.url) for e in entries if e.entry.url}
    library = (
        {
            source.normalised_url: source
            for source in Source.objects.public()
            .with_url()
            .filter(normalised_url__in=urls)
        }
        if urls
        else {}
    )
    added, duplicates, reused = [], [], []
    for pasted in entries:
        url = normalise_url(pasted.entry.url) if pasted.entry.url else ""
        title = _title_key(pasted.entry.title, iso_partial_date(pasted.entry.date))
        why = known_urls.get(url) if url else None
        if why is None and title is not None:
            why = known_titles.get(title)
        if why is not None:
            duplicates.append((pasted, why))
            continue
        added.append(pasted)
        why = f"the same work as {pasted.label.split(' (')[0].lower()}"
        if url:
            known_urls[url] = why
            if url in library:
                reused.append((pasted, library[url]))
        if title is not None:
            known_titles[title] = why
    return PastePlan(added=added, duplicates=duplicates, reused=reused)


def notes_with(profile: Profile, entries: list[PastedEntry]) -> list[dict]:
    """`profile`'s notes as published, then one note per entry, numbered on
    from the last: the value of a change request's `citations` field."""
    notes = list(
        Citation.objects.filter(profile_id=profile.pk)
        .order_by("number")
        .values("number", "text")
    )
    last = notes[-1]["number"] if notes else 0
    return [
        *notes,
        *(
            {"number": last + place, "text": pasted.note}
            for place, pasted in enumerate(entries, start=1)
        ),
    ]
