"""Search over the published record: the name index and the search page's
queries.

The names of published profiles, their leaders and the leaders' aliases are
kept in `SearchName` with their spelling-tolerant keys (`profiles.names`), so
a name search is a lookup of the key in its index: exact keys first, then keys
that start with the query's. Sources are matched on their title, authors and
publication; the sections' text by substring on SQLite, or by PostgreSQL's
full-text search with its own highlighting.

`search(query)` makes the same number of queries whatever the data (see
`QUERIES_PER_SEARCH`), and returns at most `GROUP_SIZE` results per group
with the group's full count. Every piece of text it returns is escaped, with
the matched part in `<mark>`.

PostgreSQL refuses a text-search vector over 1 MB, and that refusal would
fail every search, not just the large profile's: its full-text search reads
the first `SEARCH_TEXT_CHARS` characters of a profile's sections in reading
order (sixteen times the seed profile), a size whose vector always fits.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Concat, Left, Lower, RowNumber
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from profiles.models import (
    CitationSource,
    Leader,
    Profile,
    SearchName,
    split_lines,
)
from profiles.names import name_key, name_words
from profiles.sections import BULLET_FIELDS, PROSE_FIELDS, SECTIONS_BY_FIELD
from sources.models import Source

Kind = SearchName.Kind

GROUP_SIZE = 20
#: Names, leaders, sources and text mentions: a page of rows and a count each,
#: and the notes citing the sources shown (not run when no source matches).
QUERIES_PER_SEARCH = 9
PROFILE_KINDS = (Kind.NAME, Kind.ENGLISH_NAME, Kind.ALTERNATIVE_NAME)
#: The sections whose text is searched: all but the leaders.
TEXT_FIELDS = (*BULLET_FIELDS, *PROSE_FIELDS)
SOURCE_FIELDS = ("authors", "title", "publication")
#: PostgreSQL text-search configuration: the profiles are written in English.
SEARCH_CONFIG = "english"
SNIPPET_RADIUS = 90
#: How much of a profile's sections PostgreSQL's full-text search reads. A
#: vector takes at most about 10 bytes per character of text (measured worst
#: case: two-letter hyphenated words of 4-byte letters, 9.7), so 80,000
#: characters stay under PostgreSQL's limit of 1,048,575 bytes.
SEARCH_TEXT_CHARS = 80_000
#: What a result shows of a profile.
_PROFILE_FIELDS = ("name", "slug", "english_name")
_ROW_FIELDS = ("profile", "kind", "leader_position", "text", "word", "key")

# Private-use characters stand for <mark> and </mark> in PostgreSQL's
# headlines until the text around them has been escaped.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)


# Indexing ------------------------------------------------------------------


def search_names(
    profile: Profile, leaders: Iterable[Leader] | None = None
) -> list[SearchName]:
    """The index rows of a profile's names and its leaders' (unsaved)."""
    leaders = profile.leaders.all() if leaders is None else leaders
    names = [(Kind.NAME, profile.name, None)]
    if profile.english_name:
        names.append((Kind.ENGLISH_NAME, profile.english_name, None))
    names += [
        (Kind.ALTERNATIVE_NAME, n, None) for n in split_lines(profile.alternative_names)
    ]
    for leader in leaders:
        names.append((Kind.LEADER, leader.name, leader.position))
        names += [(Kind.ALIAS, a, leader.position) for a in split_lines(leader.aliases)]
    rows, seen = [], set()
    for kind, text, position in names:
        keys = [word.key for word in name_words(text)]
        for word in range(len(keys)):
            key = " ".join(keys[word:])[: SearchName.KEY_LENGTH]
            if (kind, text, position, key) in seen:
                continue
            seen.add((kind, text, position, key))
            rows.append(
                SearchName(
                    profile=profile,
                    kind=kind,
                    leader_position=position,
                    text=text,
                    word=word,
                    key=key,
                )
            )
    return rows


@transaction.atomic
def index_profile(profile: Profile) -> int:
    """Rebuilds the name index of one profile from what is published now.

    Side effects: the profile's `SearchName` rows are deleted and, when the
    profile is published, written again from its current names, leaders and
    aliases (read from the database, not from `profile`'s caches). Returns the
    number of rows written. `workflow._publish` calls it in its transaction.
    """
    SearchName.objects.filter(profile_id=profile.pk).delete()
    current = (
        Profile.objects.published()
        .filter(pk=profile.pk)
        .only("name", "english_name", "alternative_names")
        .first()
    )
    if current is None:
        return 0
    leaders = Leader.objects.filter(profile_id=profile.pk).order_by("position")
    return len(SearchName.objects.bulk_create(search_names(current, leaders)))


@transaction.atomic
def index_all() -> int:
    """Rebuilds the whole name index; needed after the rules of
    `profiles.names` change. Returns the number of rows written."""
    SearchName.objects.all().delete()
    rows = []
    for profile in Profile.objects.published().prefetch_related("leaders"):
        rows += search_names(profile)
    return len(SearchName.objects.bulk_create(rows, batch_size=500))


# Results -------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """At most `GROUP_SIZE` results of one kind and how many there are."""

    items: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class NameMatch:
    """A profile or leader found by one of its names."""

    profile: Profile
    kind: str
    text: SafeString
    exact: bool
    leader_name: str = ""
    leader_position: int | None = None

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass(frozen=True)
class Citing:
    profile: Profile
    note: int


@dataclass(frozen=True)
class SourceMatch:
    source: Source
    parts: dict[str, SafeString]
    citing: list[Citing]


@dataclass(frozen=True)
class Mention:
    field: str
    label: str
    snippet: SafeString


@dataclass(frozen=True)
class MentionMatch:
    profile: Profile
    mentions: list[Mention]


@dataclass(frozen=True)
class Results:
    query: str
    profiles: Group
    leaders: Group
    sources: Group
    mentions: Group

    @property
    def groups(self) -> list[tuple[str, str, Group]]:
        """Each group with its anchor on the page and its heading."""
        return [
            ("profiles", "Profiles", self.profiles),
            ("leaders", "Leaders", self.leaders),
            ("sources", "Sources", self.sources),
            ("mentions", "Mentions in the text", self.mentions),
        ]

    @property
    def count(self) -> int:
        return sum(group.count for _, _, group in self.groups)


def search(query: str) -> Results:
    """Everything published that matches `query`, grouped by kind."""
    query = query.strip()
    key = name_key(query)
    return Results(
        query=query,
        profiles=_profiles_named(query, key),
        leaders=_leaders_named(query, key),
        sources=_sources(query),
        mentions=(
            _mentions_postgresql(query)
            if connection.vendor == "postgresql"
            else _mentions(query)
        ),
    )


# Names -----------------------------------------------------------------------


def _key_prefix(key: str) -> Q:
    """Keys starting with `key`, as a range of the key's index. PostgreSQL
    compares text by its collation, which is not a prefix order, so there
    LIKE 'key%' uses the pattern index Django adds beside the key's own."""
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


def _name_group(best: QuerySet, key: str, **annotations) -> Group:
    rows = (
        best.select_related("profile")
        .only(*_ROW_FIELDS, *(f"profile__{name}" for name in _PROFILE_FIELDS))
        .annotate(**annotations)
        .order_by(
            "exact", "word", "text_exact", "kind_order", Lower("profile__name"), "pk"
        )
    )
    length = len(key.split())
    items = [
        NameMatch(
            profile=row.profile,
            kind=row.kind,
            text=_mark_words(row.text, row.word, length),
            exact=row.exact == 0,
            leader_name=getattr(row, "leader_name", ""),
            leader_position=row.leader_position,
        )
        for row in rows[:GROUP_SIZE]
    ]
    return Group(items, best.count())


def _profiles_named(query: str, key: str) -> Group:
    if not key:
        return Group([], 0)
    return _name_group(_best_names(query, key, PROFILE_KINDS, per=["profile_id"]), key)


def _leaders_named(query: str, key: str) -> Group:
    if not key:
        return Group([], 0)
    best = _best_names(
        query, key, SearchName.LEADER_KINDS, per=["profile_id", "leader_position"]
    )
    leader = Leader.objects.filter(
        profile_id=OuterRef("profile_id"), position=OuterRef("leader_position")
    )
    return _name_group(best, key, leader_name=Subquery(leader.values("name")[:1]))


def _mark_words(text: str, first: int, length: int) -> SafeString:
    """The name escaped, with its words `first` to `first + length` marked."""
    words = name_words(text)[first : first + length]
    if not words:
        return escape(text)
    return _mark_spans(text, [(words[0].start, words[-1].end)])


def _mark_spans(text: str, spans: list[tuple[int, int]]) -> SafeString:
    out, position = [], 0
    for start, end in spans:
        out += [escape(text[position:start]), "<mark>", escape(text[start:end])]
        out.append("</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # every piece of text is escaped above


def _mark_substring(text: str, query: str) -> SafeString:
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    return _mark_spans(text, [m.span() for m in pattern.finditer(text)])


# Sources -----------------------------------------------------------------------


def _cited_sources() -> QuerySet[Source]:
    cited = CitationSource.objects.filter(citation__profile__version__gte=1)
    return Source.objects.filter(pk__in=cited.values("source_id"))


def _sources(query: str) -> Group:
    matching = Q()
    for name in SOURCE_FIELDS:
        matching |= Q(**{f"{name}__icontains": query})
    found = _cited_sources().filter(matching)
    citing = (
        CitationSource.objects.filter(citation__profile__version__gte=1)
        .select_related("citation__profile")
        .only(
            "source_id",
            "citation__number",
            *(f"citation__profile__{name}" for name in _PROFILE_FIELDS),
        )
        .order_by(Lower("citation__profile__name"), "citation__number")
    )
    rows = found.order_by(Lower("title"), "pk").prefetch_related(
        Prefetch("citation_sources", queryset=citing, to_attr="published_links")
    )[:GROUP_SIZE]
    items = [
        SourceMatch(
            source=source,
            parts={
                name: _mark_substring(getattr(source, name), query)
                for name in SOURCE_FIELDS
            },
            citing=[
                Citing(link.citation.profile, link.citation.number)
                for link in source.published_links
            ],
        )
        for source in rows
    ]
    return Group(items, found.count())


# Text mentions -------------------------------------------------------------------


def _mentions(query: str) -> Group:
    """Profiles whose sections contain `query`, with a snippet per section."""
    matching = Q()
    for name in TEXT_FIELDS:
        matching |= Q(**{f"{name}__icontains": query})
    found = Profile.objects.published().filter(matching)
    rows = found.only(*_PROFILE_FIELDS, *TEXT_FIELDS).order_by(Lower("name"), "pk")[
        :GROUP_SIZE
    ]
    items = [
        MentionMatch(
            profile,
            [
                Mention(name, SECTIONS_BY_FIELD[name].label, snippet)
                for name in TEXT_FIELDS
                if (snippet := _snippet(getattr(profile, name), query))
            ],
        )
        for profile in rows
    ]
    return Group(items, found.count())


def _snippet(text: str, query: str) -> SafeString | None:
    """The line of `text` with the first match of `query`, cut to about
    `SNIPPET_RADIUS` characters each side of it and marked; None when `text`
    does not contain it."""
    match = re.search(re.escape(query), text, re.IGNORECASE)
    if match is None:
        return None
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end == -1 else line_end
    start, end = line_start, line_end
    if match.start() - start > SNIPPET_RADIUS:
        start = match.start() - SNIPPET_RADIUS
        start = text.find(" ", start, match.start()) + 1 or start
    if end - match.end() > SNIPPET_RADIUS:
        end = match.end() + SNIPPET_RADIUS
        space = text.rfind(" ", match.end(), end)
        end = end if space == -1 else space
    before = "… " if start > line_start else ""
    after = " …" if end < line_end else ""
    marked = _mark_substring(text[start:end], query)
    return mark_safe(f"{before}{marked}{after}")  # `marked` is escaped


def _mentions_postgresql(query: str) -> Group:
    """As `_mentions`, with PostgreSQL's full-text search: words match in any
    form ("fighters" finds "fighter"), best-ranked profiles first, snippets
    from `ts_headline`."""
    from django.contrib.postgres.search import (  # PostgreSQL only
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    terms = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    sections = Concat(
        *(part for name in TEXT_FIELDS for part in (name, Value(" "))),
        output_field=TextField(),
    )
    vector = SearchVector(Left(sections, SEARCH_TEXT_CHARS), config=SEARCH_CONFIG)
    found = Profile.objects.published().annotate(document=vector).filter(document=terms)
    headlines = {
        f"headline_{name}": SearchHeadline(
            Left(name, SEARCH_TEXT_CHARS),
            terms,
            config=SEARCH_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        for name in TEXT_FIELDS
    }
    rows = (
        found.annotate(rank=SearchRank(vector, terms), **headlines)
        .only(*_PROFILE_FIELDS)
        .order_by("-rank", Lower("name"), "pk")[:GROUP_SIZE]
    )
    items = [
        MentionMatch(
            profile,
            [
                Mention(name, SECTIONS_BY_FIELD[name].label, _headline(headline))
                for name in TEXT_FIELDS
                if _START in (headline := getattr(profile, f"headline_{name}"))
            ],
        )
        for profile in rows
    ]
    return Group(items, found.count())


def _headline(headline: str) -> SafeString:
    """A `ts_headline` with its text escaped and its marks made `<mark>`."""
    out, position = [], 0
    for match in _MARKED.finditer(headline):
        out.append(escape(_unmarked(headline[position : match.start()])))
        out.append(f"<mark>{escape(_unmarked(match.group(1)))}</mark>")
        position = match.end()
    out.append(escape(_unmarked(headline[position:])))
    return mark_safe("".join(out))  # every piece of text is escaped above


def _unmarked(text: str) -> str:
    return text.replace(_START, "").replace(_STOP, "")
