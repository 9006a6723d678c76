"""Reads that cross models, each with the joins and prefetches its page needs,
so a page's query count does not grow with its data."""

import dataclasses
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from taggit.models import Tag

from profiles.diff import FieldDiff
from profiles.models import (
    ChangeRequest,
    Citation,
    CitationSource,
    Claim,
    FieldProvenance,
    Profile,
    ProfileComment,
    ProposedChange,
    RequestEvent,
    Version,
    Watch,
)
from sources.citations import ENTRY_FIELDS, SourceEntry, parse_note
from sources.models import Source
from sources.weblinks import normalise_url


def _with_record(queryset: QuerySet[Profile]) -> QuerySet[Profile]:
    return queryset.prefetch_related(
        "leaders",
        "tags",
        Prefetch(
            "citations",
            queryset=Citation.objects.prefetch_related(
                Prefetch(
                    "citation_sources",
                    queryset=CitationSource.objects.select_related("source"),
                )
            ),
        ),
    )


def profile_record(pk: int, *, lock: bool = False) -> Profile:
    """A profile with its leaders, notes, their sources and tags; `lock` holds
    the profile row until the transaction ends."""
    queryset = (
        Profile.objects.select_for_update(no_key=True) if lock else Profile.objects
    )
    return _with_record(queryset.filter(pk=pk)).get()


def published_profile(slug: str) -> Profile:
    """A published profile with its whole record, for its exports, the API
    and the edit form; raises `Profile.DoesNotExist`."""
    return _with_record(Profile.objects.published().filter(slug=slug)).get()


def published_profile_page(slug: str) -> tuple[Profile, list["PageNote"]]:
    """The profile page's data: the published profile with its leaders and
    tags, and its notes as `page_notes` reads them. Raises
    `Profile.DoesNotExist`."""
    profile = (
        Profile.objects.published()
        .filter(slug=slug)
        .prefetch_related("leaders", "tags")
        .get()
    )
    return profile, page_notes(profile)


@dataclasses.dataclass(frozen=True)
class PageNote:
    """A note as the profile page shows it: its number, its text and the
    works it cites (with their ids and their publishers' grades, "" when
    not graded), read as rows rather than as model instances."""

    number: int
    text: str
    sources: tuple[SourceEntry, ...]
    source_ids: tuple[int, ...]
    grades: tuple[str, ...] = ()

    def cited_sources(self) -> list[SourceEntry]:
        return list(self.sources)


def page_notes(profile: Profile) -> list[PageNote]:
    """The profile's notes in order, each with the works it cites in order
    and their publishers' grades. One query of plain rows, a note's text on
    each of its works' rows: a profile may have 500 notes citing 1,500
    works, and making a model instance of each took a third of its page."""
    rows = profile.citations.order_by(
        "number", "citation_sources__position"
    ).values_list(
        "number",
        "text",
        "citation_sources__source_id",
        "citation_sources__source__publisher__grade",
        *(f"citation_sources__source__{f}" for f in ENTRY_FIELDS),
    )
    notes: dict[int, tuple[str, list[int], list[SourceEntry], list[str]]] = {}
    for number, text, source_id, grade, *fields in rows:
        _, ids, works, grades = notes.setdefault(number, (text, [], [], []))
        if source_id is not None:  # a note citing no work has one row, empty
            ids.append(source_id)
            works.append(SourceEntry(**dict(zip(ENTRY_FIELDS, fields, strict=True))))
            grades.append(grade or "")
    return [
        PageNote(
            number=number,
            text=text,
            sources=tuple(works),
            source_ids=tuple(ids),
            grades=tuple(grades),
        )
        for number, (text, ids, works, grades) in notes.items()
    ]


def published_profiles() -> QuerySet[Profile]:
    """Every published profile with its whole record, for the API and exports."""
    return _with_record(Profile.objects.published())


def recently_updated(limit: int = 8) -> QuerySet[Profile]:
    return Profile.objects.published().order_by("-published_at")[:limit]


#: How many tags the home page lists: the most used.
POPULAR_TAGS = 40


def popular_tags(limit: int | None = None) -> list[Tag]:
    """The `limit` (by default `POPULAR_TAGS`) tags on the most published
    profiles, each with its `profile_count`, in name order.

    Counting every tagged profile grows with the database, so the answer is
    cached until the next publish anywhere (the newest version's number is
    in the key: one indexed lookup)."""
    limit = POPULAR_TAGS if limit is None else limit
    newest = Version.objects.order_by("-pk").values_list("pk", flat=True).first()

    def count() -> list[Tag]:
        tags = (
            Tag.objects.filter(profile__version__gte=1)
            .annotate(profile_count=Count("profile", distinct=True))
            .order_by("-profile_count", "name")[:limit]
        )
        return sorted(tags, key=lambda tag: tag.name.lower())

    return cache.get_or_set(f"popular-tags:{limit}:{newest}", count, 60 * 60)


def reviewers():
    """Active people who may review change requests."""
    permission = Permission.objects.get(
        content_type__app_label="profiles", codename="review_changerequest"
    )
    return (
        get_user_model()
        .objects.filter(
            Q(groups__permissions=permission)
            | Q(user_permissions=permission)
            | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
    )


def change_request_title(change_request: ChangeRequest) -> str:
    """The profile a request is about; a new profile by its proposed name."""
    if change_request.profile_id:
        return change_request.profile.name
    name = next(
        (c.value for c in change_request.changes.all() if c.field == "name"), ""
    )
    return f"new profile {name}".strip()


def sources_as_of(profile: Profile, version_number: int) -> dict[str, list[Source]]:
    """For each field, the sources behind its value in version `version_number`:
    those of the last accepted change to it published at or before then."""
    changes = (
        ProposedChange.objects.published_for(profile)
        .filter(change_request__published_version__lte=version_number)
        .order_by("field", "-change_request__published_version")
        .prefetch_related("sources")
    )
    result: dict[str, list[Source]] = {}
    for change in changes:
        result.setdefault(change.field, list(change.sources.all()))
    return result


#: A request's size by the number of fields it changes: (at least, at most).
QUEUE_SIZES: dict[str, tuple[int, int | None]] = {
    "small": (1, 2),
    "medium": (3, 5),
    "large": (6, None),
}
MINE, UNCLAIMED = "mine", "unclaimed"


def review_queue(
    reviewer,
    *,
    profile: str = "",
    editor: str = "",
    older_than: int | None = None,
    newer_than: int | None = None,
    size: str = "",
    claimed: str = "",
) -> QuerySet[ChangeRequest]:
    """Requests `reviewer` may decide (never their own), oldest first, with
    who claimed them and `fields_changed`; narrowed by each filter given:
    `profile` (its slug, or text in its name or gloss, or in the name a new
    profile is proposed under), `editor` (the author's username), waiting at
    least `older_than` or less than `newer_than` days, `size` (a key of
    `QUEUE_SIZES`) and `claimed` (`MINE` or `UNCLAIMED`)."""
    queryset = (
        ChangeRequest.objects.for_reviewer(reviewer)
        .select_related("profile", "author", "claimed_by")
        .prefetch_related("changes")
        .annotate(fields_changed=Count("changes", distinct=True))
        .order_by("created_at", "pk")
    )
    if profile:
        proposed_name = ProposedChange.objects.filter(
            change_request=OuterRef("pk"), field="name", value__icontains=profile
        )
        queryset = queryset.filter(
            Q(profile__slug=profile)
            | Q(profile__name__icontains=profile)
            | Q(profile__english_name__icontains=profile)
            | Q(profile__isnull=True, pk__in=proposed_name.values("change_request"))
        )
    if editor:
        queryset = queryset.filter(author__username=editor)
    now = timezone.now()
    if older_than is not None:
        queryset = queryset.filter(created_at__lte=now - timedelta(days=older_than))
    if newer_than is not None:
        queryset = queryset.filter(created_at__gt=now - timedelta(days=newer_than))
    if size in QUEUE_SIZES:
        least, most = QUEUE_SIZES[size]
        queryset = queryset.filter(fields_changed__gte=least)
        if most is not None:
            queryset = queryset.filter(fields_changed__lte=most)
    if claimed == MINE:
        queryset = queryset.claimed_by(reviewer)
    elif claimed == UNCLAIMED:
        queryset = queryset.unclaimed()
    return queryset


def queue_editors(reviewer) -> QuerySet:
    """The people whose requests wait for `reviewer`, by username."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=ChangeRequest.objects.for_reviewer(reviewer).values("author")
        )
        .order_by("username")
    )


def requests_by(user) -> QuerySet[ChangeRequest]:
    """A person's own requests, newest first, with who decided them."""
    return (
        ChangeRequest.objects.by(user)
        .select_related("profile", "reviewer")
        .prefetch_related("changes")
        .order_by("-created_at", "-pk")
    )


def change_request_detail(pk: int) -> ChangeRequest:
    """A request with its proposed changes and their sources, and who
    decided or claimed it."""
    return (
        ChangeRequest.objects.select_related(
            "profile", "author", "reviewer", "claimed_by"
        )
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=ProposedChange.objects.prefetch_related("sources"),
            )
        )
        .get(pk=pk)
    )


def request_events(change_request: ChangeRequest) -> list[RequestEvent]:
    """A request's event log in the order things happened, with who acted."""
    return list(
        RequestEvent.objects.filter(change_request=change_request)
        .select_related("actor")
        .order_by("at", "pk")
    )


def sources_for_editor(user) -> QuerySet[Source]:
    """The works `user` may cite from the bibliography: the public ones and
    those their own requests cite. Other people's unapproved sources stay
    theirs and the reviewers'."""
    own = ProposedChange.objects.filter(change_request__author=user).values("sources")
    return Source.objects.filter(Q(published_at__isnull=False) | Q(pk__in=own))


def pending_count(profile: Profile, *, author=None) -> int:
    """Pending requests on `profile`: all of them, or those of `author`."""
    pending = profile.change_requests.pending()
    return (pending if author is None else pending.by(author)).count()


def is_watching(user, profile: Profile) -> bool:
    return Watch.objects.filter(user=user, profile=profile).exists()


def watched_profiles(user) -> QuerySet[Watch]:
    """`user`'s watches with their profiles, newest first."""
    return (
        Watch.objects.filter(user=user)
        .select_related("profile")
        .only("created_at", "profile__slug", "profile__name", "profile__english_name")
    )


def field_provenance(profile: Profile) -> dict[str, ProposedChange]:
    """For each field, the accepted change that set its current value, with its
    request and the ids of its sources (`source_ids`): where the value comes
    from. One row per field, recorded on publish, however long the history;
    the ids are plain rows, as an import's notes may cite 1,500 works."""
    rows = (
        FieldProvenance.objects.filter(profile=profile)
        .select_related("change__change_request")
        # The values can be long and are on the page already.
        .defer("change__value", "change__published_value")
    )
    changes = [row.change for row in rows]
    cited: dict[int, list[int]] = {change.pk: [] for change in changes}
    links = ProposedChange.sources.through.objects.filter(
        proposedchange_id__in=list(cited)
    ).values_list("proposedchange_id", "source_id")
    for change_id, source_id in links:
        cited[change_id].append(source_id)
    for change in changes:
        change.source_ids = cited[change.pk]
    return {change.field: change for change in changes}


def claim_keys(profile: Profile) -> dict[str, list[tuple[str, str]]]:
    """Section field -> (text, key) of each of its published claims, in
    order: what the profile page needs of the claim rows to give each claim
    its stable anchor (it reads the rest, citations and all, from the text it
    shows). One query, whatever the number of claims."""
    found: dict[str, list[tuple[str, str]]] = {}
    rows = (
        Claim.objects.filter(profile_id=profile.pk)
        .order_by("section", "position")
        .values_list("section", "text", "key")
    )
    for section, text, key in rows:
        found.setdefault(section, []).append((text, str(key)))
    return found


def _versions_with_requests(queryset: QuerySet[Version]) -> QuerySet[Version]:
    """Versions with the request that published each, its people and its
    accepted changes and their sources; without the (large) snapshots."""
    return (
        queryset.select_related(
            "profile", "change_request__author", "change_request__reviewer"
        )
        .prefetch_related(
            Prefetch(
                "change_request__changes",
                queryset=ProposedChange.objects.filter(
                    decision=ProposedChange.Decision.ACCEPTED
                ).prefetch_related("sources"),
            )
        )
        .defer("snapshot")
    )


def versions(profile: Profile) -> QuerySet[Version]:
    """A profile's published versions, newest first, with who and why."""
    return _versions_with_requests(Version.objects.filter(profile=profile)).order_by(
        "-number"
    )


def field_changes(profile: Profile, field: str) -> QuerySet[ProposedChange]:
    """The accepted changes of one field of a profile, newest first, with who
    proposed and approved them and their sources."""
    return (
        ProposedChange.objects.published_for(profile)
        .filter(field=field)
        .select_related("change_request__author", "change_request__reviewer")
        .prefetch_related("sources")
        .order_by("-change_request__published_version")
    )


def recent_versions() -> QuerySet[Version]:
    """Published versions of every profile, newest first, with who and why."""
    return _versions_with_requests(Version.objects.all()).order_by(
        "-published_at", "-pk"
    )


#: Works without a URL looked up per query, each a condition of its own.
_NOTE_SOURCES_PER_QUERY = 200


def with_note_sources(diffs: Iterable[FieldDiff]) -> list[FieldDiff]:
    """`diffs` with each changed note (a row of the notes diff) given the
    public sources it cites (`RowChange.sources`), for the diff to link to
    their pages: the works its text names, found as the bibliography records
    them (`SourceQuerySet.matching`). Works no published version has cited
    yet stay unlinked. A query per 200 works, whatever the number of notes."""
    diffs = list(diffs)
    rows = [
        row
        for diff in diffs
        if diff.field == "citations"
        for row in diff.rows
        if row.op != "equal"
    ]
    entries = {id(row): _note_entries(row) for row in rows}
    found = _public_sources([e for row in rows for e in entries[id(row)]])
    for index, diff in enumerate(diffs):
        if diff.field != "citations" or not diff.changed:
            continue
        linked = []
        for row in diff.rows:
            if row.op != "equal":
                sources = {
                    source.pk: source
                    for entry in entries[id(row)]
                    if (source := found.get(_entry_key(entry))) is not None
                }
                row = dataclasses.replace(row, sources=tuple(sources.values()))
            linked.append(row)
        diffs[index] = dataclasses.replace(diff, rows=linked)
    return diffs


def _note_entries(row) -> list[SourceEntry]:
    """The works a changed note cites: in its new text, then any the old
    text cited that the new one dropped."""
    texts = [(side or {}).get("text") or "" for side in (row.new, row.old)]
    return [entry for text in texts if text for entry in parse_note(text)[1]]


def _entry_key(entry: SourceEntry) -> tuple:
    if entry.url:
        return ("url", normalise_url(entry.url))
    return ("work", entry.authors, entry.title, entry.publication, entry.date)


def _public_sources(entries: list[SourceEntry]) -> dict[tuple, Source]:
    keys = {_entry_key(entry) for entry in entries}
    urls = [key[1] for key in keys if key[0] == "url"]
    works = [key for key in keys if key[0] == "work"]
    public = Source.objects.public()
    found = []
    for start in range(0, len(urls), _NOTE_SOURCES_PER_QUERY * 5):
        chunk = urls[start : start + _NOTE_SOURCES_PER_QUERY * 5]
        found += public.with_url().filter(normalised_url__in=chunk)
    for start in range(0, len(works), _NOTE_SOURCES_PER_QUERY):
        condition = Q()
        for _, authors, title, publication, date in works[
            start : start + _NOTE_SOURCES_PER_QUERY
        ]:
            condition |= Q(
                authors=authors, title=title, publication=publication, date=date
            )
        found += public.filter(condition, normalised_url="")
    return {
        (
            ("url", s.normalised_url)
            if s.normalised_url
            else ("work", s.authors, s.title, s.publication, s.date)
        ): s
        for s in found
    }


def talk_comments(profile: Profile) -> QuerySet[ProfileComment]:
    """A profile's talk page, oldest first, with who wrote each comment."""
    return (
        ProfileComment.objects.filter(profile=profile)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def talk_page_number(comment: ProfileComment, per_page: int) -> int:
    """The page of its talk page that shows `comment`, oldest first."""
    before = ProfileComment.objects.filter(
        profile_id=comment.profile_id, pk__lte=comment.pk
    ).count()
    return max(1, -(-before // per_page))
