"""Names and mentions: which profiles a piece of text names, by the names,
English names and alternative names of the published profiles.

Pure functions over profiles already in memory; no queries. The rules
(`_name_pattern`, the strength of each kind of name, ambiguity) are the only
definition of "this bullet names that profile": the stored edges
(`profiles.network.indexing`) are computed with them.
"""

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from profiles.document import FOOTNOTE_MARK_RE
from profiles.models import Profile, split_lines

CONNECTIONS = "connections_to_other_militias"

_APOSTROPHES = "'’‘ʼ`´"
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_ARABIC_SCRIPT_RE = re.compile(
    "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
)
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9]{1,5}")
# A word character that is not a footnote mark: "Hezbollah¹" names Hezbollah.
_WORD_CHAR = r"[^\W⁰¹²³⁴⁵⁶⁷⁸⁹]"
_WORD_RE = re.compile(f"{_WORD_CHAR}+")
# Where two profiles claim the same name, the stronger claim wins; two equal
# claims make the name ambiguous, and an ambiguous name links nowhere.
_NAME, _ENGLISH_NAME, _ALTERNATIVE_NAME = range(3)
# A year a bullet states: "since 2014", "in 2017–2018".
_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def _key(name: str) -> str:
    """What two spellings of a name have in common when they are the same name."""
    return " ".join(_APOSTROPHE_RE.sub("'", name).split()).casefold()


def _name_pattern(name: str) -> str:
    """The regular expression for one name.

    Arabic-script names match anywhere, because Arabic joins prefixes such as
    و and ب to the word they precede. Other names match whole words only,
    case-insensitively, except acronyms ("KH"), which must match in capitals.
    Any apostrophe matches any other, and any run of spaces any other.
    """
    words = [
        f"[{_APOSTROPHES}]".join(re.escape(part) for part in _APOSTROPHE_RE.split(word))
        for word in name.split()
    ]
    body = r"\s+".join(words)
    if _ARABIC_SCRIPT_RE.search(name):
        return body
    if _ACRONYM_RE.fullmatch(name):
        body = f"(?-i:{body})"
    return rf"(?<!{_WORD_CHAR}){body}(?!{_WORD_CHAR})"


def profile_names(profile) -> list[tuple[int, str]]:
    """The names `profile` claims, each with the strength of its claim."""
    names = [(_NAME, profile.name), (_ENGLISH_NAME, profile.english_name)]
    names += [(_ALTERNATIVE_NAME, n) for n in split_lines(profile.alternative_names)]
    return names


def fold(text: str) -> str:
    """`text` with the differences of case the name patterns ignore folded
    away: casefolded, and the Turkish dotted and dotless i, which the regular
    expressions take for i, made i."""
    return text.casefold().replace("\u0307", "").replace("ı", "i")


def linkable(name: str) -> bool:
    """Whether `name` links at all: a one-letter name would link half the
    text."""
    return len(_key(name)) >= 2


def name_pieces(name: str) -> list[str]:
    """`name` split at spaces and apostrophes, the only places where a
    mention of it may be spelt otherwise: every text naming it contains each
    piece, in some case."""
    return _APOSTROPHE_RE.sub(" ", name).split()


def name_parts(name: str) -> list[str]:
    """The `name_pieces` of `name`, folded (see `fold`)."""
    return [fold(piece) for piece in name_pieces(name)]


def spaced(text: str) -> str:
    """`text` passed through `fold`, with every apostrophe and every run of
    spaces made one space. A text whose `spaced` form does not contain a
    name's certainly does not name it (a name's pattern takes any apostrophe
    for any other, any run of spaces for any other, and tells apart nothing
    `fold` folds), so a matcher of only the names that pass finds in the
    text what a matcher of every name finds."""
    return " ".join(_APOSTROPHE_RE.sub(" ", fold(text)).split())


class Alternation:
    """The names' patterns, searched as one alternation of them in their
    order would search: at each point the leftmost match, and of the names
    matching there the first. Only the names a text may hold (`spaced`) are
    tried on it, each compiled once (`_compiled`) when first needed: building
    a matcher of a few names for each text is then quick, where compiling
    their alternation again for each text, or every name's pattern, would
    not be."""

    def __init__(self, spellings: list[str]) -> None:
        self._spellings = [(spelling, spaced(spelling)) for spelling in spellings]

    def finditer(self, text: str) -> Iterator[re.Match]:
        held = spaced(text)
        patterns = [
            _compiled(spelling) for spelling, form in self._spellings if form in held
        ]
        position = 0
        while True:
            best = None
            for pattern in patterns:
                match = pattern.search(text, position)
                if match is not None and (best is None or match.start() < best.start()):
                    best = match
            if best is None:
                return
            yield best
            position = best.end()


@functools.lru_cache(maxsize=50_000)
def _compiled(spelling: str) -> re.Pattern:
    return re.compile(_name_pattern(spelling), re.IGNORECASE)


@dataclass(frozen=True)
class NameMatcher:
    """Finds the names of profiles in text. `profiles` maps each name's key to
    its profile, or to None when the name is ambiguous."""

    pattern: re.Pattern | Alternation | None
    profiles: dict[str, Profile | None]


def name_matcher(profiles: Iterable[Profile], *, each: bool = False) -> NameMatcher:
    """A matcher of every name, English name and alternative name of
    `profiles`. Longer names are tried first, so "Kata'ib Hezbollah" is found
    whole rather than as "Hezbollah". With `each`, the names' patterns are
    searched one by one (`Alternation`) instead of compiled together: the
    same matches, for a matcher of a few names built many times."""
    # key -> (strength of the claim, its spelling, the profiles making it)
    claims: dict[str, tuple[int, str, dict[int, Profile]]] = {}
    for profile in profiles:
        for strength, name in profile_names(profile):
            if not linkable(name):
                continue
            key = _key(name)
            claim = claims.get(key)
            if claim is None or strength < claim[0]:
                claims[key] = (strength, name.strip(), {profile.pk: profile})
            elif strength == claim[0]:
                claim[2][profile.pk] = profile
    if not claims:
        return NameMatcher(pattern=None, profiles={})
    spellings = [
        claims[key][1] for key in sorted(claims, key=lambda key: (-len(key), key))
    ]
    if each:
        pattern = Alternation(spellings)
    else:
        pattern = re.compile(
            "|".join(f"(?:{_name_pattern(spelling)})" for spelling in spellings),
            re.IGNORECASE,
        )
    return NameMatcher(
        pattern=pattern,
        profiles={
            key: next(iter(owners.values())) if len(owners) == 1 else None
            for key, (_, _, owners) in claims.items()
        },
    )


class Mention(NamedTuple):
    start: int
    end: int
    profile: Profile


def mentions(
    text: str, matcher: NameMatcher, exclude: Profile | None = None
) -> list[Mention]:
    """The profiles `text` names, in order and not overlapping, leftmost and
    then longest first. A name of `exclude` (the profile the text belongs to)
    or an ambiguous name is passed over, but its words stay taken: the
    "Hezbollah" in "Kata'ib Hezbollah" never names Hezbollah."""
    if matcher.pattern is None:
        return []
    found = []
    for match in matcher.pattern.finditer(text):
        profile = matcher.profiles.get(_key(match.group()))
        if profile is None or (exclude is not None and profile.pk == exclude.pk):
            continue
        found.append(Mention(match.start(), match.end(), profile))
    return found


def mention_links(
    text: str, matcher: NameMatcher, exclude: Profile | None = None
) -> list[tuple[int, int, str]]:
    """The mentions in `text` as (start, end, address of the profile) spans."""
    return [
        (start, end, profile.get_absolute_url())
        for start, end, profile in mentions(text, matcher, exclude)
    ]


def label_text(bullet: str) -> str:
    """A bullet as a connection's label: without its footnote marks (they
    point to notes on another page) and with its spaces collapsed."""
    return " ".join(FOOTNOTE_MARK_RE.sub("", bullet).split())


def shorten(text: str, length: int) -> str:
    """`text` cut at a word to at most `length` characters, with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1].isalnum() and " " in cut:  # the cut falls inside a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–—-") + "…"


def stated_year(text: str) -> int | None:
    """The earliest year `text` states ("since 2014", "2012 or later"), the
    year from which it says the connection holds; None when it states none."""
    years = [int(year) for year in _YEAR_RE.findall(text)]
    return min(years) if years else None


class Found(NamedTuple):
    """A mention found in a connections section, as `Connection` stores it."""

    source: int
    target: int
    position: int
    start: int
    end: int
    name: str
    text: str
    year: int | None


def _words(text: str) -> set[str]:
    """The whole words of `text`, folded."""
    return set(_WORD_RE.findall(fold(text)))


class NameIndex:
    """Every name of `profiles`, to build for any text a matcher of only the
    names it may contain: a matcher of thousands of names is slow to build
    and slower to run, and its answer is the same.

    A name matched as whole words ("Kata'ib Hezbollah") stands in the text
    with each of its words whole, so it is filed under its longest word and
    looked up by the words of the text. An Arabic-script name may be joined
    to the words around it, so it is filed under its longest piece and looked
    up by every piece of the text's words as long as one (`_pieces_in`).
    Either way a name is kept only when the text may hold it (`spaced`).
    """

    def __init__(
        self, profiles: Iterable[Profile], *, texts: Iterable[str] | None = None
    ) -> None:
        """With `texts`, only the names that may stand in one of them are
        filed: enough for those texts, and quicker to build."""
        joined = None if texts is None else "\n".join(texts)
        words = None if joined is None else _words(joined)
        folded = None if joined is None else fold(joined)
        # Each name filed as its `spaced` form with its profile.
        self._by_word: dict[str, list[tuple[str, Profile]]] = {}
        self._by_piece: dict[str, list[tuple[str, Profile]]] = {}
        self._always: list[tuple[str, Profile]] = []
        for profile in profiles:
            for _, name in profile_names(profile):
                if not name:
                    continue
                word = None
                if not _ARABIC_SCRIPT_RE.search(name):
                    word = max(_WORD_RE.findall(fold(name)), key=len, default=None)
                if words is not None and word is not None and word not in words:
                    continue  # the cheap test first: most names are left here
                if not linkable(name):
                    continue
                parts = name_parts(name)
                filed = (spaced(name), profile)
                if word is not None:
                    self._by_word.setdefault(word, []).append(filed)
                elif not parts:  # nothing to look it up by: tried on every text
                    self._always.append(filed)
                else:
                    piece = max(parts, key=len)
                    if folded is not None and piece not in folded:
                        continue
                    self._by_piece.setdefault(piece, []).append(filed)
        self._piece_lengths = sorted({len(piece) for piece in self._by_piece})
        self._piece_starts = {piece[0] for piece in self._by_piece}

    def _pieces_in(self, folded: str) -> Iterator[tuple[str, Profile]]:
        """The names filed by a piece that stands in `folded`. A piece holds
        no space or apostrophe, so it stands inside one of the text's runs
        without them: each run is tried at each place where a piece may
        start, for each length a piece has."""
        for run in _APOSTROPHE_RE.sub(" ", folded).split():
            for start, char in enumerate(run):
                if char not in self._piece_starts:
                    continue
                for length in self._piece_lengths:
                    if start + length > len(run):
                        break
                    yield from self._by_piece.get(run[start : start + length], ())

    def candidates(self, text: str) -> dict[int, Profile]:
        """The profiles one of whose names `text` may contain, by pk."""
        names = [name for word in _words(text) for name in self._by_word.get(word, ())]
        if self._by_piece:
            names += self._pieces_in(fold(text))
        held = spaced(text)
        return {
            profile.pk: profile
            for form, profile in [*names, *self._always]
            if form in held
        }

    def matcher_for(self, text: str) -> NameMatcher:
        return name_matcher(self.candidates(text).values(), each=True)


def find_connections(
    sources: Iterable[Profile],
    names: NameIndex,
    *,
    text_length: int,
    name_length: int,
) -> list[Found]:
    """Every mention of another profile in the connections sections of
    `sources`, found among the profiles of `names`, in bullet order. Labels
    are cut to `text_length` and names to `name_length` characters."""
    found = []
    for source in sources:
        text = getattr(source, CONNECTIONS)
        matcher = names.matcher_for(text)
        for position, bullet in enumerate(split_lines(text)):
            label = label_text(bullet)
            year = stated_year(label)
            for start, end, target in mentions(bullet, matcher, exclude=source):
                found.append(
                    Found(
                        source=source.pk,
                        target=target.pk,
                        position=position,
                        start=start,
                        end=end,
                        name=bullet[start:end][:name_length],
                        text=shorten(label, text_length),
                        year=year,
                    )
                )
    return found


def degrees(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """For each profile in the (source, target) `pairs`, how many others it is
    joined to in either direction."""
    neighbours: dict[int, set[int]] = {}
    for source, target in pairs:
        neighbours.setdefault(source, set()).add(target)
        neighbours.setdefault(target, set()).add(source)
    return {pk: len(others) for pk, others in neighbours.items()}
