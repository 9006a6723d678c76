"""The search page's queries over the indexes `profiles.search.indexing`
writes on publish.

A name is looked up by its spelling-tolerant key in `SearchName`'s key index:
exact keys first, then keys that start with the query's. Sources and the
sections' text are found by the database's full-text index over
`SearchText`: FTS5 on SQLite, the stored vector's GIN index on PostgreSQL
(where words match in any form: "fighters" finds "fighter").

Each group is a count and one bounded page of rows, so a search makes the
same number of queries whatever the data (at most `QUERIES_PER_SEARCH`) and
reads at most `GROUP_SIZE` rows of a group per page. Mentions come in the
text index's order of relevance (FTS5's bm25, PostgreSQL's `ts_rank`), best
first; the counts of mentions and sources stop above `COUNT_CAP` ("1,000+"),
as a common word is in every profile. A mention is a claim (the text index
holds one row per claim), shown with its status and linked to it: a
profile's `MENTIONS_PER_PROFILE` most relevant, in reading order.
"""

import re
import unicodedata
import uuid
from collections.abc import Callable

from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, RowNumber

from profiles.models import (
    CitationSource,
    Claim,
    Leader,
    Profile,
    SearchName,
    SearchText,
)
from profiles.names import name_key
from profiles.search.indexing import SEARCH_CONFIG, SOURCE_FIELDS
from profiles.search.presenting import (
    COUNT_CAP,
    START,
    STOP,
    Citing,
    Group,
    GroupPages,
    Mention,
    MentionMatch,
    NameMatch,
    Results,
    SourceMatch,
    mark_query,
    mark_words,
    snippet,
)
from profiles.sections import SECTIONS_BY_FIELD
from sources.models import Source

Kind = SearchName.Kind

GROUP_SIZE = 20
#: Names, leaders and names in the text: a page and a count each; sources: a
#: page, a count and the notes citing the page's sources; mentions: a page, a
#: count and the page's snippets.
QUERIES_PER_SEARCH = 12
PROFILE_KINDS = (Kind.NAME, Kind.ENGLISH_NAME, Kind.ALTERNATIVE_NAME)
#: A key this short is looked up whole, not as the start of longer keys,
#: which would read a large part of the index.
MIN_PREFIX = 3
#: What a result shows of a profile.
_PROFILE_FIELDS = ("name", "slug", "english_name")
_ROW_FIELDS = ("profile", "kind", "leader_position", "text", "word", "key")
_FTS_TABLE = "profiles_searchtext_fts"
_FTS_WORD = re.compile(r"\w+")
#: The matching claims a result shows of its profile at most: a common word
#: is in most of a profile's claims.
MENTIONS_PER_PROFILE = 5

Finder = tuple[Callable[[], int], Callable[[int, int], list]]


def search(query: str) -> Results:
    """The first page of everything published that matches `query`, grouped
    by kind, with each group's count."""
    query = query.strip()
    groups = {}
    for name, (count, rows) in finders(query).items():
        items = rows(0, GROUP_SIZE)
        total = len(items) if len(items) < GROUP_SIZE else count()
        groups[name] = Group(items, total)
    return Results(query=query, **groups)


def group_pages(query: str, group: str) -> GroupPages:
    """One group's results, for a paginator."""
    count, rows = finders(query.strip())[group]
    return GroupPages(count, rows)


def finders(query: str) -> dict[str, Finder]:
    """Each group's count and rows (offset, limit), not yet run."""
    key = name_key(query)
    return {
        "profiles": _names(query, key, PROFILE_KINDS, per=["profile_id"]),
        "leaders": _leaders(query, key),
        "names": _names(query, key, (Kind.PROSE,), per=["profile_id"]),
        "sources": _sources(query),
        "mentions": _mentions(query),
    }


def _none() -> Finder:
    return (lambda: 0), (lambda offset, limit: [])


# Names -----------------------------------------------------------------------


def _key_prefix(key: str) -> Q:
    """Keys starting with `key`, as a range of the key's index. PostgreSQL
    compares text by its collation, which is not a prefix order, so there
    LIKE 'key%' uses the pattern index Django adds beside the key's own."""
    if len(key) < MIN_PREFIX:
        return Q(key=key)
    if connection.vendor == "postgresql":
        return Q(key__startswith=key)
    return Q(key__gte=key, key__lt=key + "\U0010ffff")


def profiles_named(query: str) -> QuerySet:
    """Ids of the published profiles with a name, English name or
    alternative name matching `query` in any spelling: for filters such as
    the profile list's (`pk__in=`)."""
    key = name_key(query)
    if not key:
        return SearchName.objects.none().values("profile_id")
    return SearchName.objects.filter(_key_prefix(key), kind__in=PROFILE_KINDS).values(
        "profile_id"
    )


def _best_names(query: str, key: str, kinds, *, per: list[str]) -> QuerySet:
    """Rows whose key starts with `key`, the best one for each value of the
    `per` fields: the same key first, then a key from the name's first word,
    the same spelling, the main name before the others."""
    kind_order = Case(
        *(When(kind=kind, then=Value(i)) for i, kind in enumerate(Kind.values)),
        output_field=IntegerField(),
    )
    exact = Case(When(key=key, then=Value(0)), default=Value(1))
    text_exact = Case(When(text__iexact=query, then=Value(0)), default=Value(1))
    rank = [exact, F("word"), text_exact, kind_order, Lower("text")]
    return (
        SearchName.objects.filter(_key_prefix(key), kind__in=kinds)
        .annotate(
            exact=exact,
            text_exact=text_exact,
            kind_order=kind_order,
            choice=Window(
                RowNumber(), partition_by=[F(name) for name in per], order_by=rank
            ),
        )
        .filter(choice=1)
    )


def _name_finder(best: QuerySet, key: str, **annotations) -> Finder:
    ordered = (
        best.select_related("profile")
        .only(*_ROW_FIELDS, *(f"profile__{name}" for name in _PROFILE_FIELDS))
        .annotate(**annotations)
        .order_by(
            "exact", "word", "text_exact", "kind_order", Lower("profile__name"), "pk"
        )
    )
    length = len(key.split())

    def rows(offset: int, limit: int) -> list[NameMatch]:
        return [
            NameMatch(
                profile=row.profile,
                kind=row.kind,
                text=mark_words(row.text, row.word, length),
                exact=row.exact == 0,
                leader_name=getattr(row, "leader_name", ""),
                leader_position=row.leader_position,
            )
            for row in ordered[offset : offset + limit]
        ]

    return best.count, rows


def _names(query: str, key: str, kinds, *, per: list[str]) -> Finder:
    if not key:
        return _none()
    return _name_finder(_best_names(query, key, kinds, per=per), key)


def _leaders(query: str, key: str) -> Finder:
    """Leaders found by any of their names: the name, an alias, or an alias
    with the leader's surname."""
    if not key:
        return _none()
    best = _best_names(
        query, key, SearchName.LEADER_KINDS, per=["profile_id", "leader_position"]
    )
    leader = Leader.objects.filter(
        profile_id=OuterRef("profile_id"), position=OuterRef("leader_position")
    )
    return _name_finder(best, key, leader_name=Subquery(leader.values("name")[:1]))


# Text --------------------------------------------------------------------------


def _fts_query(query: str) -> str:
    """FTS5's query for every word of `query`, each quoted so that no word is
    read as an operator; vowel signs go (the index keeps them only where the
    published text has them, which is rare)."""
    text = unicodedata.normalize("NFC", query)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(f'"{word}"' for word in _FTS_WORD.findall(text))


def _search_query(query: str):
    from django.contrib.postgres.search import SearchQuery  # PostgreSQL only

    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _matching_texts(query: str) -> QuerySet | None:
    """The `SearchText` rows matching `query`, through the text index; None
    when the query has no word to look up."""
    if connection.vendor == "postgresql":
        return SearchText.objects.filter(vector=_search_query(query))
    terms = _fts_query(query)
    if not terms:
        return None
    found = RawSQL(
        f"SELECT rowid FROM {_FTS_TABLE} WHERE {_FTS_TABLE} MATCH %s", [terms]
    )
    return SearchText.objects.filter(id__in=found)


def _snippets(query: str, profile_ids: list[int]) -> dict[int, list[Mention]]:
    """The mentions of these profiles: each one's `MENTIONS_PER_PROFILE`
    most relevant matching claims, in reading order, with their marked
    snippets and their claims' statuses. One query."""
    if not profile_ids:
        return {}
    # (profile, section, claim key, status, marked text, relevance: the
    # lower the better, row id: the claims' order within a section)
    rows: list[tuple]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import (  # PostgreSQL only
            SearchHeadline,
            SearchRank,
        )

        terms = _search_query(query)
        status = Claim.objects.filter(key=OuterRef("claim_key")).values("status")
        rows = list(
            SearchText.objects.filter(profile_id__in=profile_ids, vector=terms)
            .annotate(
                headline=SearchHeadline(
                    "text",
                    terms,
                    config=SEARCH_CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
                status=Subquery(status[:1]),
                relevance=-SearchRank(F("vector"), terms),
            )
            .values_list(
                "profile_id",
                "field",
                "claim_key",
                "status",
                "headline",
                "relevance",
                "id",
            )
        )
    else:
        marks = ", ".join(["%s"] * len(profile_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.profile_id, t.field, t.claim_key, c.status, "
                f"snippet({_FTS_TABLE}, 0, %s, %s, '…', 24), {_FTS_TABLE}.rank, t.id "
                f"FROM {_FTS_TABLE} JOIN {SearchText._meta.db_table} t "
                f"ON t.id = {_FTS_TABLE}.rowid "
                f"LEFT JOIN {Claim._meta.db_table} c ON c.key = t.claim_key "
                f"WHERE {_FTS_TABLE} MATCH %s AND t.profile_id IN ({marks})",
                [START, STOP, _fts_query(query), *profile_ids],
            )
            rows = [(*row[:2], _uuid(row[2]), *row[3:]) for row in cursor.fetchall()]
    by_profile: dict[int, list[tuple]] = {}
    for row in rows:
        by_profile.setdefault(row[0], []).append(row)
    order = list(SECTIONS_BY_FIELD)
    found = {}
    for profile_id, matched in by_profile.items():
        best = sorted(matched, key=lambda row: (row[5], row[6]))
        shown = sorted(
            best[:MENTIONS_PER_PROFILE], key=lambda row: (order.index(row[1]), row[6])
        )
        found[profile_id] = [
            Mention(
                field,
                SECTIONS_BY_FIELD[field].label,
                snippet(marked),
                claim_key=key,
                status=status or Claim.Status.CONFIRMED,
            )
            for _, field, key, status, marked, _, _ in shown
        ]
    return found


def _uuid(value) -> uuid.UUID | None:
    """A UUID column as a raw query returns it: text on SQLite."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)


def _mentions(query: str) -> Finder:
    """Profiles whose claims contain the words of `query`, the most
    relevant first, each with its best matching claims (`_snippets`)."""
    if connection.vendor == "postgresql":
        ranked, count = _ranked_mentions_postgresql(query)
    else:
        terms = _fts_query(query)
        if not terms:
            return _none()
        ranked, count = _ranked_mentions_sqlite(terms)

    def rows(offset: int, limit: int) -> list[MentionMatch]:
        page = ranked(offset, limit)
        mentions = _snippets(query, [profile.pk for profile in page])
        return [MentionMatch(profile, mentions.get(profile.pk, [])) for profile in page]

    return count, rows


def _ranked_mentions_sqlite(terms: str):
    """(a page of the published profiles whose sections match `terms`, best
    bm25 first; their number, up to `COUNT_CAP` + 1)."""
    matching = (
        f"FROM (SELECT rowid AS id, rank FROM {_FTS_TABLE} "
        f"WHERE {_FTS_TABLE} MATCH %s) f "
        f"JOIN {SearchText._meta.db_table} t ON t.id = f.id "
        f"JOIN {Profile._meta.db_table} p ON p.id = t.profile_id "
        f"WHERE p.version >= 1"
    )
    fields = ", ".join(f"p.{name}" for name in ("id", *_PROFILE_FIELDS))

    def ranked(offset: int, limit: int) -> list[Profile]:
        return list(
            Profile.objects.raw(
                f"SELECT {fields} {matching} GROUP BY p.id "
                f"ORDER BY MIN(f.rank), p.id LIMIT %s OFFSET %s",
                [terms, limit, offset],
            )
        )

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT t.profile_id {matching} "
                f"LIMIT %s)",
                [terms, COUNT_CAP + 1],
            )
            return cursor.fetchone()[0]

    return ranked, count


def _ranked_mentions_postgresql(query: str):
    """(a page of the published profiles whose sections match `query`, best
    `ts_rank` over the stored vector first; their number, up to
    `COUNT_CAP` + 1)."""
    from django.contrib.postgres.search import SearchRank  # PostgreSQL only

    terms = _search_query(query)
    matching = SearchText.objects.filter(vector=terms, profile__version__gte=1)
    best = (
        SearchText.objects.filter(profile_id=OuterRef("pk"), vector=terms)
        .values("profile_id")
        .annotate(best=Max(SearchRank(F("vector"), terms)))
        .values("best")
    )
    found = (
        Profile.objects.published()
        .filter(pk__in=matching.values("profile_id"))
        .only(*_PROFILE_FIELDS)
        .annotate(rank=Subquery(best))
        .order_by("-rank", "pk")
    )

    def ranked(offset: int, limit: int) -> list[Profile]:
        return list(found[offset : offset + limit])

    def count() -> int:
        return matching.values("profile_id").distinct()[: COUNT_CAP + 1].count()

    return ranked, count


# Sources -------------------------------------------------------------------------


def _sources(query: str) -> Finder:
    """Public sources cited by a published profile whose authors, title or
    publication contain the words of `query`."""
    texts = _matching_texts(query)
    if texts is None:
        return _none()
    cited = CitationSource.objects.filter(citation__profile__version__gte=1)
    found = Source.objects.filter(
        pk__in=texts.filter(source__isnull=False).values("source_id"),
        published_at__isnull=False,
    ).filter(pk__in=cited.values("source_id"))
    citing = (
        cited.select_related("citation__profile")
        .only(
            "source_id",
            "citation__number",
            *(f"citation__profile__{name}" for name in _PROFILE_FIELDS),
        )
        .order_by(Lower("citation__profile__name"), "citation__number")
    )

    def rows(offset: int, limit: int) -> list[SourceMatch]:
        page = found.order_by(Lower("title"), "pk").prefetch_related(
            Prefetch("citation_sources", queryset=citing, to_attr="published_links")
        )[offset : offset + limit]
        return [
            SourceMatch(
                source=source,
                parts={
                    name: mark_query(getattr(source, name), query)
                    for name in SOURCE_FIELDS
                },
                citing=[
                    Citing(link.citation.profile, link.citation.number)
                    for link in source.published_links
                ],
            )
            for source in page
        ]

    return (lambda: found[: COUNT_CAP + 1].count()), rows
