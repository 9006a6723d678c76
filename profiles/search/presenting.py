"""What the search page shows: the results' shapes and their marked text.

Every piece of text these functions return is escaped, with the matched part
in `<mark>`. The databases' snippets arrive with private-use characters for
their marks (`START`, `STOP`) so that the text around them can be escaped
first.
"""

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from profiles.models import Claim, Profile, SearchName
from profiles.names import name_words
from sources.models import Source

Kind = SearchName.Kind

START, STOP = "\ue000", "\ue001"
#: Counts stop above this, and paging at it: a common word is in every
#: profile, and counting them all took longer than the rest of the page.
COUNT_CAP = 1_000
_MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_QUERY_WORD = re.compile(r"\w+")


def count_label(count: int) -> str:
    """A count as the page says it: "1,000+" past `COUNT_CAP`."""
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


@dataclass(frozen=True)
class Group:
    """One page of results of one kind and how many there are in all (or
    `COUNT_CAP` + 1 when there are more than `COUNT_CAP`)."""

    items: list
    count: int
    offset: int = 0

    @property
    def more(self) -> int:
        return min(self.count, COUNT_CAP) - self.offset - len(self.items)

    @property
    def count_label(self) -> str:
        return count_label(self.count)


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
    """A claim (or a section not read as claims yet) whose text has the
    query's words: its section, the section's label, the marked snippet, the
    claim's key and its status."""

    field: str
    label: str
    snippet: SafeString
    claim_key: uuid.UUID | None = None
    status: str = Claim.Status.CONFIRMED

    @property
    def anchor(self) -> str:
        """Where it stands on the profile page: the claim, else its section."""
        return f"claim-{self.claim_key}" if self.claim_key else self.field

    @property
    def status_words(self) -> str:
        """The status as readers see it beside the claim: nothing when
        confirmed."""
        return "" if self.status == Claim.Status.CONFIRMED else self.status


@dataclass(frozen=True)
class MentionMatch:
    profile: Profile
    mentions: list[Mention]


#: Each group: its anchor and parameter on the page, and its heading.
GROUPS = (
    ("profiles", "Profiles"),
    ("leaders", "Leaders"),
    ("names", "Names in the text"),
    ("sources", "Sources"),
    ("mentions", "Mentions in the text"),
)


@dataclass(frozen=True)
class Results:
    query: str
    profiles: Group
    leaders: Group
    names: Group
    sources: Group
    mentions: Group

    @property
    def groups(self) -> list[tuple[str, str, Group]]:
        """Each group with its anchor on the page and its heading."""
        return [(name, label, getattr(self, name)) for name, label in GROUPS]

    @property
    def count(self) -> int:
        """Every group's count; more than `COUNT_CAP` when one is capped."""
        return sum(group.count for _, _, group in self.groups)

    @property
    def count_label(self) -> str:
        counts = [group.count for _, _, group in self.groups]
        if any(count > COUNT_CAP for count in counts):
            return f"{sum(min(count, COUNT_CAP) for count in counts):,}+"
        return f"{sum(counts):,}"


class GroupPages:
    """One group's results for `django.core.paginator.Paginator`: its count
    and any slice, each read with one bounded query. Pages go as far as
    `COUNT_CAP` results."""

    def __init__(self, count, rows) -> None:
        self._count, self._rows = count, rows
        self._counted: int | None = None

    def full_count(self) -> int:
        """The count as the query gave it: `COUNT_CAP` + 1 if capped."""
        if self._counted is None:
            self._counted = self._count()
        return self._counted

    def count(self) -> int:
        return min(self.full_count(), COUNT_CAP)

    def count_label(self) -> str:
        return count_label(self.full_count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Any]:
        return self._rows(page.start or 0, page.stop - (page.start or 0))


# Marking -----------------------------------------------------------------------


def mark_words(text: str, first: int, length: int) -> SafeString:
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


def mark_query(text: str, query: str) -> SafeString:
    """`text` escaped, with the query marked where it stands whole, else
    each of its words."""
    words = sorted(set(_QUERY_WORD.findall(query)), key=len, reverse=True)
    alternatives = [re.escape(query), *(re.escape(word) for word in words)]
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    return _mark_spans(text, [m.span() for m in pattern.finditer(text) if m.group()])


def snippet(marked: str) -> SafeString:
    """A database's snippet with its text escaped and its marks `<mark>`."""
    out, position = [], 0
    for match in _MARKED.finditer(marked):
        out.append(escape(_unmarked(marked[position : match.start()])))
        out.append(f"<mark>{escape(_unmarked(match.group(1)))}</mark>")
        position = match.end()
    out.append(escape(_unmarked(marked[position:])))
    return mark_safe("".join(out))  # every piece of text is escaped above


def _unmarked(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")
