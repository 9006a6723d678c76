"""Reads of the bibliography for its pages: the searchable, sortable list of
sources with how many profiles cite each, and where one source is cited.

They live here rather than in `sources`, which sits below `profiles` and never
imports it: counting citing profiles means reading the profiles' notes and
accepted changes.

Each read carries the joins its page needs, so a page's query count does not
grow with its data. Only published profiles count as citing, and only
public sources (cited by a published version) are shown.
"""

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
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
from sources.models import Source

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
