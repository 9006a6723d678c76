"""What search reads, computed when a version is published: the name index
(`SearchName`) and the text index (`SearchText`).

The name index holds every name of a published profile with its
spelling-tolerant keys (`profiles.names`): the profile's names, its leaders'
names and aliases, each alias with the leader's surname ("Abu Yasir
al-Example" for Hamid al-Example, aka Abu Yasir: prose calls people so), a
compound given name from its second part (`Aziz` for `Abdul Aziz`), and the
names written in the sections' text (capitalised words in a row, `al-`
names), at most `PROSE_NAMES` of them a profile.

The text index holds the text of each claim of the sections (with the
claim's key, so a mention links to the claim) and each public source's
authors, title and publication, each cut to `SearchText.TEXT_LENGTH`
characters; the database indexes it for full-text search (migration 0009).
The claims are those `profiles.claim_index` recorded; a section it has not
read yet (migration 0021 leaves a section any suppression covers for its
next publish) is indexed whole, without a key.

Nothing here runs per request: `workflow.publishing.publish` calls `index_profile` in
its transaction, after the claims are indexed, and `index_all` rebuilds
everything.
"""

import itertools
import re
import uuid
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction

from profiles import redaction
from profiles.models import (
    CitationSource,
    Claim,
    Leader,
    Profile,
    SearchName,
    SearchText,
    split_lines,
)
from profiles.names import name_words
from profiles.sections import BULLET_FIELDS, PROSE_FIELDS
from sources.bibliography import write_now
from sources.models import Source

Kind = SearchName.Kind

#: The sections whose text is searched: all but the leaders.
TEXT_FIELDS = (*BULLET_FIELDS, *PROSE_FIELDS)
SOURCE_FIELDS = ("authors", "title", "publication")
#: PostgreSQL text-search configuration: the profiles are written in English.
SEARCH_CONFIG = "english"
#: The names read from one profile's text at most, and their words at most.
PROSE_NAMES = 100
PROSE_NAME_WORDS = 6
#: Aliases longer than this are full names, not combined with a surname.
ALIAS_WORDS = 2
#: A compound given name written in two parts or joined: its key starts so.
_COMPOUND = "abd"

_SUPERSCRIPTS = str.maketrans(dict.fromkeys("⁰¹²³⁴⁵⁶⁷⁸⁹", " "))
#: A word of prose: letters, with inner hyphens and apostrophes (al-Baqir).
_WORD = re.compile(r"[^\W\d_]+(?:[-'’ʿʾ][^\W\d_]+)*")
#: Lower-case words that belong inside a name: articles and kinship words.
_NAME_LINKS = frozenset(
    {"al", "el", "ul", "bin", "ibn", "bint", "ben", "abu", "abd", "umm", "de"}
)
#: Capitalised words that start sentences and phrases rather than names.
_NOT_NAMES = frozenset(
    re.findall(
        r"\w+",
        """a an the this that these those its his her their our in on at of for
        from by with as and or but to after before during since while when
        where which who whom whose what one two some many most several other
        another such also however although though yet it he she they we there
        here if then than so not no all both each every mr mrs ms dr""",
    )
)
#: Matches (searched up to a word's start) when the word starts a sentence.
_SENTENCE_END = re.compile(r"(?:\A|[.!?:;\n]|^[-•*]\s)[\s\"“‘(]*\Z", re.MULTILINE)
_POSSESSIVE = re.compile(r"['’]s$")
_PROSE_PROFILE_FIELDS = ("name", "english_name", "alternative_names", *TEXT_FIELDS)
#: A claim as the text index reads it: its section, key and text.
ClaimText = tuple[str, uuid.UUID, str]


# Names -------------------------------------------------------------------------


def _suffix_rows(kind: str, text: str, position: int | None) -> Iterator[tuple]:
    """One row per word the name's key may start at, as a `NameRow` tuple;
    a joined compound given name (`Abdulaziz`) may also start at its second
    part (`aziz`)."""
    keys = [word.key for word in name_words(text)]
    seen = set()
    for word in range(len(keys)):
        starts = [keys[word:]]
        if keys[word].startswith(_COMPOUND) and len(keys[word]) > len(_COMPOUND):
            starts.append([keys[word][len(_COMPOUND) :], *keys[word + 1 :]])
        for words in starts:
            key = " ".join(words)[: SearchName.KEY_LENGTH]
            if key in seen:
                continue
            seen.add(key)
            yield (kind, position, text, word, key)


def _surname(name: str) -> str:
    """The leader's surname as written: the last word of the name with its
    article (`al-Example`), or "" for a one-word name."""
    words = name_words(name)
    return name[words[-1].start :].strip() if len(words) > 1 else ""


def aliases_with_surname(name: str, aliases: Iterable[str]) -> list[str]:
    """Each short alias (a kunya, a title and name: at most `ALIAS_WORDS`
    words) followed by the surname of the leader's `name`, unless the alias
    has a surname already: "Abu Yasir al-Example" for Hamid al-Example, aka
    Abu Yasir."""
    surname = _surname(name)
    if not surname:
        return []
    surname_key = name_words(surname)[-1].key
    return [
        f"{alias} {surname}"
        for alias in aliases
        if 0 < len(words := name_words(alias)) <= ALIAS_WORDS
        and surname_key not in {word.key for word in words}
        and not _has_article(alias[words[-1].start :])
    ]


def _has_article(word: str) -> bool:
    """Whether the last word of a name carries an article (al-Mara'i): the
    name has a surname of its own."""
    return len(name_words(word)) == 1 and bool(re.search(r"[\s\-‐‑]", word))


def prose_names(text: str) -> list[str]:
    """The names written in `text`, in order, each once: runs of capitalised
    words (Mohammed al-Baqir, Ali Khamenei, Aleppo), with the lower-case
    articles and kinship words inside them (bin, al-, abu). A possessive's
    goes; so do the capitalised words that start sentences (The, In, This …,
    and any one word alone at the start of a sentence).
    """
    text = text.translate(_SUPERSCRIPTS)
    names: list[str] = []
    run: list[re.Match] = []

    def close() -> None:
        while run and run[-1].group().lower() in _NAME_LINKS:
            run.pop()
        alone_first = len(run) == 1 and _SENTENCE_END.search(text, 0, run[0].start())
        if run and not alone_first:
            name = _POSSESSIVE.sub("", text[run[0].start() : run[-1].end()])
            if name not in names:
                names.append(name)
        run.clear()

    previous_end = None
    for match in _WORD.finditer(text):
        word = match.group()
        gap = text[previous_end : match.start()] if previous_end is not None else ""
        previous_end = match.end()
        if run and (gap != " " or len(run) >= PROSE_NAME_WORDS):
            close()
        lower = word.lower()
        capitalised = word.split("-")[-1][:1].isupper()
        if run:
            named = capitalised or lower in _NAME_LINKS
        else:
            # An article or kinship word may open a name ("bin Laden").
            named = (capitalised and lower not in _NOT_NAMES) or (
                lower in _NAME_LINKS - {"de"}
            )
        if named:
            run.append(match)
        else:
            close()
    close()
    return names


#: The columns of a name row as `name_rows` gives it, after the profile.
NAME_COLUMNS = ("kind", "leader_position", "text", "word", "key")


def search_names(
    profile: Profile, leaders: Iterable[Leader] | None = None
) -> list[SearchName]:
    """The index rows of a profile's names, its leaders' and the names in
    its text (unsaved)."""
    return [
        SearchName(profile=profile, **dict(zip(NAME_COLUMNS, row, strict=True)))
        for row in name_rows(profile, leaders)
    ]


def name_rows(profile: Profile, leaders: Iterable[Leader] | None = None) -> list[tuple]:
    """`search_names` as plain tuples of `NAME_COLUMNS`: a profile has about
    ninety, and a model object per row cost more than writing them."""
    leaders = profile.leaders.all() if leaders is None else leaders
    names = [(Kind.NAME, profile.name, None)]
    if profile.english_name:
        names.append((Kind.ENGLISH_NAME, profile.english_name, None))
    names += [
        (Kind.ALTERNATIVE_NAME, n, None) for n in split_lines(profile.alternative_names)
    ]
    for leader in leaders:
        aliases = split_lines(leader.aliases)
        names.append((Kind.LEADER, leader.name, leader.position))
        names += [(Kind.ALIAS, alias, leader.position) for alias in aliases]
        names += [
            (Kind.ALIAS_WITH_SURNAME, alias, leader.position)
            for alias in aliases_with_surname(leader.name, aliases)
        ]
    prose = []
    for field in TEXT_FIELDS:
        prose += [n for n in prose_names(getattr(profile, field)) if n not in prose]
    names += [(Kind.PROSE, name, None) for name in prose[:PROSE_NAMES]]
    rows, seen = [], set()
    for kind, text, position in names:
        if (kind, text, position) in seen:
            continue
        seen.add((kind, text, position))
        rows += _suffix_rows(kind, text, position)
    return rows


# Text ----------------------------------------------------------------------------


def _bounded(text: str) -> str:
    return text.translate(_SUPERSCRIPTS)[: SearchText.TEXT_LENGTH]


def profile_texts(profile: Profile, claims: Iterable[ClaimText]) -> list[SearchText]:
    """The text rows of the profile's non-empty sections (unsaved): one per
    claim of the section among `claims`, in order, with its key; the whole
    section, without a key, for a section with none among them. A section
    `profile` has blank (a hidden one) has no row, whatever `claims` hold."""
    by_section: dict[str, list[tuple[uuid.UUID, str]]] = {}
    for field, key, text in claims:
        by_section.setdefault(field, []).append((key, text))
    rows = []
    for field in TEXT_FIELDS:
        text = getattr(profile, field)
        if not text.strip():
            continue
        if field not in by_section:
            rows.append(SearchText(profile=profile, field=field, text=_bounded(text)))
            continue
        rows += [
            SearchText(
                profile=profile, field=field, claim_key=key, text=_bounded(words)
            )
            for key, words in by_section[field]
            if words.strip()
        ]
    return rows


def claim_texts(profile_ids: list[int]) -> dict[int, list[ClaimText]]:
    """The recorded claims of the sections search reads, of these profiles,
    in order: one query."""
    found: dict[int, list[ClaimText]] = {pk: [] for pk in profile_ids}
    rows = (
        Claim.objects.filter(profile_id__in=profile_ids, section__in=TEXT_FIELDS)
        .order_by("profile_id", "section", "position")
        .values_list("profile_id", "section", "key", "text")
    )
    for profile_id, *claim in rows:
        found[profile_id].append(tuple(claim))
    return found


def source_text(source: Source) -> SearchText:
    parts = (getattr(source, name) for name in SOURCE_FIELDS)
    return SearchText(
        source=source,
        field=SearchText.SOURCE_FIELD,
        text=_bounded("\n".join(part for part in parts if part)),
    )


def write_texts(rows: list[SearchText], *, batch_size: int | None = None) -> None:
    """Inserts text rows (on PostgreSQL with their search vectors)."""
    if not rows:
        return
    written = SearchText.objects.bulk_create(rows, batch_size=batch_size)
    if connection.vendor == "postgresql" and written:
        from django.contrib.postgres.search import SearchVector  # PostgreSQL only

        SearchText.objects.filter(pk__in=[row.pk for row in written]).update(
            vector=SearchVector("text", config=SEARCH_CONFIG)
        )


def _public_sources(profile_ids: Iterable[int] | None) -> Iterator[Source]:
    """The public sources cited by these published profiles (all, for None),
    with the fields search reads."""
    cited = CitationSource.objects.filter(citation__profile__version__gte=1)
    if profile_ids is not None:
        cited = cited.filter(citation__profile_id__in=list(profile_ids))
    return (
        Source.objects.filter(
            pk__in=cited.values("source_id"), published_at__isnull=False
        )
        .only(*SOURCE_FIELDS)
        .order_by("pk")
        .iterator(chunk_size=2000)
    )


# Writing ---------------------------------------------------------------------


def _without_hidden(
    profile: Profile, leaders, hidden: redaction.Hidden
) -> tuple[Profile, Iterable[Leader] | None]:
    """The profile and leaders to index: what a suppression hides is left
    out, so no search finds it or shows it."""
    if not hidden:
        return profile, leaders
    shown = redaction.redact_profile(
        profile,
        hidden,
        leaders=leaders,
        citations=(),
        fields=(*TEXT_FIELDS, "leaders"),
        blank=True,
    )
    return shown.profile, shown.leaders


@transaction.atomic(savepoint=False)  # inside `publish`'s transaction: no savepoint
def index_profile(profile: Profile) -> int:
    """Rebuilds the search rows of one profile from what is published now.

    Side effects: the profile's `SearchName` and `SearchText` rows are
    deleted and, when the profile is published, written again from its
    current names, leaders, aliases and sections (read from the database, not
    from `profile`'s caches); the text rows of the public sources its notes
    cite are written where missing or outdated. Returns the number of name
    rows written.
    `workflow.publishing.publish` calls it in its transaction.
    """
    SearchName.objects.filter(profile_id=profile.pk).delete()
    SearchText.objects.filter(profile_id=profile.pk).delete()
    current = (
        Profile.objects.published()
        .filter(pk=profile.pk)
        .only(*_PROSE_PROFILE_FIELDS)
        .first()
    )
    if current is None:
        return 0
    leaders = Leader.objects.filter(profile_id=profile.pk).only(
        "name", "aliases", "position"
    )
    current, leaders = _without_hidden(current, leaders, redaction.hidden_in(current))
    return _write_profile_rows(
        current,
        leaders,
        claim_texts([profile.pk])[profile.pk],
        _public_sources([profile.pk]),
    )


@transaction.atomic(savepoint=False)  # inside `publish_new`'s transaction
def index_new_profile(
    profile: Profile,
    leaders: list[Leader],
    sources: Iterable[Source],
    *,
    claims: Iterable[Claim],
    keep: Callable[[Callable[[list], object], list], None] = write_now,
) -> int:
    """`index_profile` of a profile just published for the first time, from
    the rows just written rather than read back: `leaders` are all its
    leaders, `claims` its claim rows (`claim_index.index_new_profile`,
    perhaps not written yet) and `sources` the works its notes cite, all
    public now. It has no search rows to delete yet, and no suppression
    hides any of its fields (one hides a field of a version already
    published).

    Side effects: its `SearchName` and `SearchText` rows, and the text rows
    of `sources` that are missing or outdated (an outdated one deleted now),
    handed to `keep(writer, rows)`, which writes them now (the default) or
    later in the same transaction (`workflow.pending.keep`). Returns the
    number of name rows. `workflow.publishing.publish_new` calls it.
    """
    distinct = {source.pk: source for source in sources}
    names = name_rows(profile, leaders)
    keep(insert_names, [(profile.pk, *row) for row in names])
    keep(
        write_texts,
        profile_texts(profile, ((c.section, c.key, c.text) for c in claims)),
    )
    keep(
        write_source_texts,
        _stale_source_texts(distinct[pk] for pk in sorted(distinct)),
    )
    return len(names)


def write_source_texts(rows: list[SearchText]) -> None:
    """Inserts works' text rows, one per work (the last of its rows): the
    files of an import's commit group, whose rows are written together,
    may each have found a work's row missing."""
    write_texts(list({row.source_id: row for row in rows}.values()))


def _write_profile_rows(
    profile: Profile,
    leaders: Iterable[Leader] | None,
    claims: Iterable[ClaimText],
    sources: Iterable[Source],
) -> int:
    """Writes the name and text rows of `profile` (as it is to be found)
    and its `claims`, and the rows of `sources` (the public works its notes
    cite) that are missing or outdated. Returns the number of name rows
    written."""
    names = name_rows(profile, leaders)
    insert_names([(profile.pk, *row) for row in names])
    write_texts([*profile_texts(profile, claims), *_stale_source_texts(sources)])
    return len(names)


def _stale_source_texts(sources: Iterable[Source]) -> list[SearchText]:
    """The text rows of `sources` that are missing or outdated, unsaved; an
    outdated row is deleted.

    Sources are shared between profiles: only a missing or outdated row is
    rewritten. Rewriting every cited source's row on each publish made two
    publishes citing one source lock each other's rows (a deadlock on
    PostgreSQL when one also waited for the other's profile row)."""
    texts = {source.pk: source_text(source) for source in sources}
    if not texts:
        return []
    stored = dict(
        SearchText.objects.filter(source_id__in=texts).values_list("source_id", "text")
    )
    stale = [pk for pk, row in texts.items() if stored.get(pk) != row.text]
    outdated = [pk for pk in stale if pk in stored]
    if outdated:
        SearchText.objects.filter(source_id__in=outdated).delete()
    return [texts[pk] for pk in stale]


def insert_names(rows: list[tuple]) -> None:
    """Inserts name rows, each a profile's id and a row of `name_rows`, in
    one statement run once per row, without a model object per row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in ("profile_id", *NAME_COLUMNS))
    marks = ", ".join(["%s"] * (len(NAME_COLUMNS) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(SearchName._meta.db_table)} ({columns}) "
            f"VALUES ({marks})",
            # A kind is a `TextChoices` member: its plain value is written.
            [(profile_id, str(kind), *rest) for profile_id, kind, *rest in rows],
        )


def _texts_hold_claims() -> bool:
    """Whether the text index has its claim keys yet: migration 0009 runs
    `index_all` before the claims exist and 0022 adds the column (and then
    runs it again)."""
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(
            cursor, SearchText._meta.db_table
        )
    return any(column.name == "claim_key" for column in columns)


@transaction.atomic
def index_all() -> int:
    """Rebuilds both search indexes from everything published and the
    claims recorded (`claim_index`); needed after the rules of
    `profiles.names` change. Returns the number of name rows written."""
    SearchName.objects.all().delete()
    SearchText.objects.all().delete()
    with_texts = _texts_hold_claims()
    written = 0
    names: list[SearchName] = []
    texts: list[SearchText] = []
    profiles = (
        Profile.objects.published()
        .only(*_PROSE_PROFILE_FIELDS)
        .order_by("pk")
        .prefetch_related("leaders")
    )
    hidden = redaction.hidden_by_profile() if redaction.can_be_recorded() else {}
    for chunk in itertools.batched(profiles.iterator(chunk_size=500), 500):
        claims = claim_texts([found.pk for found in chunk]) if with_texts else {}
        for found in chunk:
            profile, leaders = _without_hidden(
                found, None, hidden.get(found.pk, redaction.NOTHING)
            )
            names += search_names(profile, leaders)
            if with_texts:
                texts += profile_texts(profile, claims[found.pk])
            if len(names) > 20_000:
                written += len(SearchName.objects.bulk_create(names, batch_size=1000))
                write_texts(texts, batch_size=500)
                names, texts = [], []
    written += len(SearchName.objects.bulk_create(names, batch_size=1000))
    write_texts(texts, batch_size=500)
    if not with_texts:
        return written
    batch = []
    for source in _public_sources(None):
        batch.append(source_text(source))
        if len(batch) >= 5000:
            write_texts(batch, batch_size=1000)
            batch = []
    write_texts(batch, batch_size=1000)
    return written
