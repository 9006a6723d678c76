"""What changed between two versions of a profile's values, for people to read.

This module owns the comparison shown on the review page (a change request
against the published version) and on the version compare page: word diffs of
text (`diff_words`), item diffs of bullet lists (`diff_items`), row diffs of the
leaders and notes tables (`diff_rows`), and one `FieldDiff` per field of
`profiles.serializers.FIELDS` (`diff_field`, `diff_values`).
`templates/includes/diff.html` renders a `FieldDiff`.

Sections are claims (`profiles.claims`): a bullet section diffs bullet by
bullet, a prose section claim by claim (each claim's line as
`claims.render_bullet` writes it), the leaders row by row. Each changed item
has a `key` naming it, and a change to a claim's status, as-of date,
review-by date or citations is also said in words (`ClaimChange`); in the
word diff each part of a claim's annotation ("reported", "as of 2017") is one
word. `apply_item_decisions` publishes some of a section's item changes and
not others: the reviewer's decisions claim by claim.

Pure functions over the "values" shape of `profiles.serializers.profile_values`;
no database. Version snapshots (`profile_to_dict`) work too: keys outside
`FIELDS`, and the derived `urls`/`sources` of each note, are ignored.

A bullet found word for word at another place is a "move" (`ItemChange`
with its old and new positions), not a removal and an addition;
`FieldDiff.reordered_only` says when a list only changed its order.

Reading segments back: the "equal" and "delete" texts joined give the old text,
the "equal" and "insert" texts joined give the new one, exactly.

Bounded work: texts are compared with diff-match-patch (Myers' algorithm) over
words, each word mapped to one character as the library's line mode maps
lines. One `diff_field` or `diff_values` call has `TIME_BUDGET` seconds; past
it, what is left is shown as whole passages deleted and inserted. A text over
`MAX_WORD_DIFF_CHARS` is compared line by line, and one over
`MAX_LINE_DIFF_CHARS` as a whole; `FieldDiff.notice` says so to the reader.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Literal

from diff_match_patch import diff_match_patch

from profiles import claims as claim_text
from profiles.document import FOOTNOTE_MARK_RE
from profiles.sections import BULLET_FIELDS, FIELD_LABELS, FIELDS, PROSE_FIELDS
from profiles.serializers import LIST_FIELDS, TEXT_FIELDS

__all__ = [
    "ClaimChange",
    "FieldDiff",
    "ItemChange",
    "ItemsDecided",
    "RowChange",
    "Segment",
    "UnknownItems",
    "apply_item_decisions",
    "claim_changes",
    "claim_tokens",
    "decide_items",
    "diff_field",
    "diff_items",
    "diff_rows",
    "diff_values",
    "diff_words",
    "tokenize",
]

SegmentOp = Literal["equal", "insert", "delete"]
ChangeOp = Literal["equal", "insert", "delete", "change", "move"]
Kind = Literal["text", "list", "rows"]

#: How a row's change is said in words, so it is never shown by colour alone.
OP_LABELS: dict[str, str] = {
    "equal": "unchanged",
    "insert": "added",
    "delete": "removed",
    "change": "changed",
    "move": "moved",
}

#: The columns compared for each table field and the key its rows are matched
#: by (None: by position). Only these columns count: a snapshot's notes also
#: carry `urls` and `sources`, which are read from the text and would only
#: repeat its changes.
ROW_FIELDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "leaders": (("name", "aliases", "role"), None),
    "citations": (("number", "text"), "number"),
}

# Above this many item pairs in one replaced block, similarity pairing costs
# more than it is worth; such blocks are paired by position instead.
_MAX_PAIRING_CELLS = 10_000
# Similarity of two items reads at most this much of each: enough to tell a
# rewritten bullet from an unrelated one, and it keeps a block of long items
# from costing seconds.
_SIMILARITY_CHARS = 300

#: Seconds one `diff_field` or `diff_values` call may spend refining its
#: comparisons; what is left past it is shown as whole passages.
TIME_BUDGET = 1.0
#: A text longer than this (on either side) is compared line by line. Two
#: fields at the size limit (`profiles.limits`, 100,000) are compared by words.
MAX_WORD_DIFF_CHARS = 200_000
#: A text longer than this is shown whole, deleted then inserted.
MAX_LINE_DIFF_CHARS = 2_000_000
# Each distinct word or line is mapped to one character: both sides together
# must have fewer than the 1,114,112 code points (two sides of 200,000
# characters hold at most 400,000 words; lines are counted).
_MAX_CODES = 1_000_000

BY_LINES = "Too large to compare word by word: compared line by line."
WHOLE = "Too large to compare: shown whole, removed then added."
ROUGH = "Compared in the time allowed: some changes may be shown as whole passages."
LAYOUT = "Only the paragraph breaks or the spaces between claims changed."


@dataclasses.dataclass(frozen=True)
class Segment:
    """A run of text that is in both versions, or only the new, or only the old."""

    op: SegmentOp
    text: str


@dataclasses.dataclass(frozen=True)
class ClaimChange:
    """A part of a claim other than its words that changed (its status, as-of
    date, review-by date or notes), the old and new in plain words."""

    part: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.part}: {self.old} → {self.new}"


def _item_key(
    op: str, old: Any, new: Any, old_index: int | None, new_index: int | None
) -> str:
    """A name for one item change that says where it is ("o2n3": item 2 of
    the old list, 3 of the new) and, by a digest, what it is: a decision
    sent for it applies to this very change, not to whatever a later
    comparison finds at those places."""
    where = (f"o{old_index + 1}" if old_index is not None else "") + (
        f"n{new_index + 1}" if new_index is not None else ""
    )
    what = json.dumps([op, old, new], ensure_ascii=False, sort_keys=True)
    digest = hashlib.blake2b(what.encode(), digest_size=5).hexdigest()
    return f"{where}x{digest}"


@dataclasses.dataclass(frozen=True)
class ItemChange:
    """One bullet: kept, added, removed, rewritten (`words` diffs the two), or
    moved: the same text at another place, shown where it is now, with its
    places (counted from 1) in the old and the new list.

    `old_index` and `new_index` are its places (from 0) in the old and new
    lists, whatever its op; `claim_changes` says in words what changed in a
    rewritten claim besides its words."""

    op: ChangeOp
    old: str | None
    new: str | None
    words: list[Segment] = dataclasses.field(default_factory=list)
    old_position: int | None = None
    new_position: int | None = None
    old_index: int | None = dataclasses.field(default=None, compare=False)
    new_index: int | None = dataclasses.field(default=None, compare=False)
    claim_changes: tuple[ClaimChange, ...] = dataclasses.field(
        default=(), compare=False
    )

    @property
    def key(self) -> str:
        """Names this change among its list's (see `apply_item_decisions`)."""
        return _item_key(self.op, self.old, self.new, self.old_index, self.new_index)

    @property
    def op_label(self) -> str:
        return OP_LABELS[self.op]

    @property
    def segments(self) -> list[Segment]:
        """The bullet as diff segments: its word diff when rewritten, else
        its whole text as kept, added or removed."""
        if self.op == "change":
            return self.words
        if self.op == "delete":
            return [Segment("delete", self.old or "")]
        text = self.new or ""
        return [Segment("insert" if self.op == "insert" else "equal", text)]


@dataclasses.dataclass(frozen=True)
class RowChange:
    """One row of a table (a leader, a note) and the word diff of each column
    whose value changed. `columns` orders the row's cells for display."""

    op: ChangeOp
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: dict[str, list[Segment]] = dataclasses.field(default_factory=dict)
    columns: tuple[str, ...] = ()
    #: For a changed note: the public sources it cites, whose pages the diff
    #: links to. Read from the database, so filled in by the views
    #: (`profiles.queries.with_note_sources`); this module never reads it.
    sources: tuple[Any, ...] = ()
    #: Its places (from 0) in the old and the new table.
    old_index: int | None = dataclasses.field(default=None, compare=False)
    new_index: int | None = dataclasses.field(default=None, compare=False)
    #: For a rewritten leader: what changed besides the words of the claim
    #: its role makes (`ClaimChange`).
    claim_changes: tuple[ClaimChange, ...] = dataclasses.field(
        default=(), compare=False
    )

    @property
    def op_label(self) -> str:
        return OP_LABELS[self.op]

    @property
    def key(self) -> str:
        """Names this change among its table's (see `apply_item_decisions`)."""
        return _item_key(self.op, self.old, self.new, self.old_index, self.new_index)

    @property
    def cells(self) -> list[tuple[str, list[Segment]]]:
        """Every column as segments: the diff where it changed, else its text."""
        row = self.new if self.new is not None else self.old or {}
        cells = []
        for column in self.columns:
            if column in self.fields:
                cells.append((column, self.fields[column]))
            else:
                text = _cell_text(row.get(column))
                cells.append((column, [Segment("equal", text)] if text else []))
        return cells


@dataclasses.dataclass(frozen=True)
class FieldDiff:
    """The comparison of one field; `kind` says which of `segments` (text),
    `items` (list) or `rows` (rows) holds it."""

    field: str
    label: str
    kind: Kind
    changed: bool
    segments: list[Segment] = dataclasses.field(default_factory=list)
    items: list[ItemChange] = dataclasses.field(default_factory=list)
    rows: list[RowChange] = dataclasses.field(default_factory=list)
    #: Said above the diff when it is coarser than word by word (`BY_LINES`,
    #: `WHOLE`, `ROUGH`); "" otherwise.
    notice: str = ""

    @property
    def reordered_only(self) -> bool:
        """A list whose items are all still there, only in another order."""
        return (
            self.changed
            and self.kind == "list"
            and all(item.op in ("equal", "move") for item in self.items)
        )

    @property
    def columns(self) -> tuple[str, ...]:
        """The table header for a rows diff."""
        return self.rows[0].columns if self.rows else ()

    @property
    def item_changes(self) -> list[ItemChange | RowChange]:
        """The items or rows added, removed, rewritten or moved, in order:
        what a reviewer may decide one by one."""
        changes = self.rows if self.kind == "rows" else self.items
        return [change for change in changes if change.op != "equal"]


# Words ----------------------------------------------------------------------


def _char_class(char: str) -> str:
    # Unicode categories rather than `\w`: Arabic harakat (Mn) and the
    # zero-width non-joiner of Persian words are not `\w`, yet belong inside
    # the word they mark; footnote marks must not stick to the word before them.
    if FOOTNOTE_MARK_RE.fullmatch(char):
        return "mark"
    if char.isspace():
        return "space"
    if char in "\u200c\u200d_" or unicodedata.category(char)[0] in "LMN":
        return "word"
    return "punct"


class _CharClasses(dict):
    """`_char_class` remembered: looking a character up is several times
    faster than classifying it again. Bounded, as texts may use any of the
    million code points."""

    def __missing__(self, char: str) -> str:
        kind = _char_class(char)
        if len(self) < 10_000:
            self[char] = kind
        return kind


_CHAR_CLASSES = _CharClasses()


def tokenize(text: str) -> list[str]:
    """Words, runs of whitespace, runs of footnote marks ("¹²" is note 12, one
    mark) and single punctuation characters; joined, they give `text` back."""
    tokens: list[str] = []
    for kind, chars in itertools.groupby(text, key=_CHAR_CLASSES.__getitem__):
        run = "".join(chars)
        # Each punctuation mark alone, so "a, b" -> "a b" deletes just ",".
        tokens.extend(run if kind == "punct" else [run])
    return tokens


#: A claim's annotation, ending its line: "[reported; as of 2017]".
_ANNOTATION_RE = re.compile(r"\[(?P<parts>[^\[\]\n]*)\]\Z")
_ANNOTATION_SEPARATOR_RE = re.compile(r"(;\s*)")


def claim_tokens(text: str) -> list[str]:
    """`tokenize` for a claim's line (`claims.render_bullet`): its words and
    marks as `tokenize` splits them, and each part of its annotation one
    token ("reported", "as of 2017-01/2017-04", "note 6, p. 12"), so a
    changed status or date reads as whole words replaced. Joined, the tokens
    give `text` back."""
    body = claim_text.parse_bullet(text).body
    tail = text[len(body) :]
    annotation = _ANNOTATION_RE.search(tail)
    if annotation is None:
        return tokenize(text)
    parts = [p for p in _ANNOTATION_SEPARATOR_RE.split(annotation["parts"]) if p]
    return [
        *tokenize(body),
        *tokenize(tail[: annotation.start()]),
        "[",
        *parts,
        "]",
    ]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


class _Matcher(diff_match_patch):
    """diff-match-patch without its half-match shortcut: that looks for a
    common run by scanning every place a seed occurs, which on repetitive text
    costs time the deadline does not bound. Myers' bisection checks it."""

    def diff_halfMatch(self, text1: str, text2: str) -> None:
        return None


_MATCHER = _Matcher()
_MATCHER.Diff_Timeout = TIME_BUDGET


_OPS: dict[int, SegmentOp] = {
    diff_match_patch.DIFF_EQUAL: "equal",
    diff_match_patch.DIFF_INSERT: "insert",
    diff_match_patch.DIFF_DELETE: "delete",
}


def _runs(
    old: Sequence[Hashable], new: Sequence[Hashable], deadline: float
) -> list[tuple[SegmentOp, int]]:
    """Myers' diff of two sequences as (op, how many items) runs, in order:
    each distinct item is mapped to one character, as diff-match-patch's line
    mode maps lines, and the library diffs the two strings."""
    codes: dict[Hashable, str] = {}

    def encode(items: Sequence[Hashable]) -> str:
        return "".join(codes.setdefault(item, chr(len(codes))) for item in items)

    encoded_old, encoded_new = encode(old), encode(new)
    return [
        (_OPS[op], len(run))
        for op, run in _MATCHER.diff_main(
            encoded_old, encoded_new, checklines=False, deadline=deadline
        )
    ]


def _token_diff(
    old: list[str], new: list[str], deadline: float
) -> list[tuple[SegmentOp, str]]:
    """The (op, text) runs of two token lists."""
    runs: list[tuple[SegmentOp, str]] = []
    i = j = 0
    for op, count in _runs(old, new, deadline):
        if op == "insert":
            runs.append((op, "".join(new[j : j + count])))
            j += count
        else:
            runs.append((op, "".join(old[i : i + count])))
            i += count
            j += count if op == "equal" else 0
    return runs


def _append(segments: list[Segment], op: SegmentOp, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def _segments(runs: list[tuple[SegmentOp, str]]) -> list[Segment]:
    """Runs as segments: adjacent ones of one op merged, a deletion before the
    insertion it stands beside."""
    segments: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for index, (op, text) in enumerate(runs):
        if op == "equal":
            between_changes = bool(deleted or inserted) and index + 1 < len(runs)
            if between_changes and text.isspace():
                # A lone space matched between two rewritten words splits one
                # change into "quick" -> "slow", " ", "brown" -> "red"; read as
                # one change, "quick brown" -> "slow red", it is clearer.
                deleted.append(text)
                inserted.append(text)
                continue
            _append(segments, "delete", "".join(deleted))
            _append(segments, "insert", "".join(inserted))
            deleted, inserted = [], []
            _append(segments, "equal", text)
        elif op == "delete":
            deleted.append(text)
        else:
            inserted.append(text)
    _append(segments, "delete", "".join(deleted))
    _append(segments, "insert", "".join(inserted))
    return _start_changes_at_words(segments)


def _compare(
    old: str,
    new: str,
    deadline: float,
    tokens: Callable[[str], list[str]] = tokenize,
) -> tuple[list[Segment], str]:
    """The segments of two texts and the notice their size calls for: by
    words (as `tokens` splits them), else by lines (`BY_LINES`), else whole
    (`WHOLE`); past the deadline, whole (`ROUGH`), so that a table of many
    long rows stays cheap."""
    if old == new:
        return ([Segment("equal", old)] if old else []), ""
    if time.time() > deadline:
        return _segments([("delete", old), ("insert", new)]), ROUGH
    longest = max(len(old), len(new))
    if longest <= MAX_WORD_DIFF_CHARS:
        return _segments(_token_diff(tokens(old), tokens(new), deadline)), ""
    if longest <= MAX_LINE_DIFF_CHARS:
        old_lines, new_lines = _lines(old), _lines(new)
        if len(old_lines) + len(new_lines) <= _MAX_CODES:
            return _segments(_token_diff(old_lines, new_lines, deadline)), BY_LINES
    return _segments([("delete", old), ("insert", new)]), WHOLE


def shared_deadline() -> float:
    """A deadline `TIME_BUDGET` from now, for a page that makes several diff
    calls to share (pass it as `deadline=` to each)."""
    # diff-match-patch reads deadlines from time.time().
    return time.time() + TIME_BUDGET


def diff_words(old: str, new: str, *, deadline: float | None = None) -> list[Segment]:
    """Word-level diff of two texts; adjacent segments of one op are merged and
    where a run is both deleted and inserted the deletion comes first.

    Past `deadline` (a `time.time()`; default `TIME_BUDGET` from now) what is
    left is compared coarsely; a text too large for words is compared by lines
    or whole (see `MAX_WORD_DIFF_CHARS`)."""
    return _compare(old, new, shared_deadline() if deadline is None else deadline)[0]


def _start_changes_at_words(segments: list[Segment]) -> list[Segment]:
    """Slide a lone insertion or deletion that starts with a space to start at
    the next word instead: "The" + " armed" + " group" reads better as
    "The " + "armed " + "group". Both texts are unchanged by the slide."""
    result = list(segments)
    for index in range(1, len(result) - 1):
        before, change, after = result[index - 1 : index + 2]
        if before.op != "equal" or after.op != "equal" or change.op == "equal":
            continue
        space = change.text[: len(change.text) - len(change.text.lstrip())]
        if space and after.text.startswith(space) and change.text != space:
            result[index - 1] = Segment("equal", before.text + space)
            result[index] = Segment(change.op, change.text[len(space) :] + space)
            result[index + 1] = Segment("equal", after.text[len(space) :])
    return [segment for segment in result if segment.text]


# The budget ---------------------------------------------------------------------


class _Budget:
    """The deadline one diff call shares among its comparisons, and the
    notices they earned."""

    def __init__(self, deadline: float | None = None) -> None:
        self.deadline = shared_deadline() if deadline is None else deadline
        self.notices: set[str] = set()

    @property
    def spent(self) -> bool:
        return time.time() > self.deadline

    def words(
        self, old: str, new: str, tokens: Callable[[str], list[str]] = tokenize
    ) -> list[Segment]:
        segments, notice = _compare(old, new, self.deadline, tokens)
        if notice:
            self.notices.add(notice)
        elif old != new and self.spent:
            self.notices.add(ROUGH)
        return segments

    @property
    def notice(self) -> str:
        """The coarsest comparison made, in words for the reader."""
        return next((n for n in (WHOLE, BY_LINES, ROUGH) if n in self.notices), "")


# Pairing replaced items ---------------------------------------------------------


def _bigrams(text: str) -> Counter[str]:
    text = text[:_SIMILARITY_CHARS]
    return Counter(text[k : k + 2] for k in range(max(len(text) - 1, 1)))


def _similarity(a: Counter[str], b: Counter[str]) -> float:
    """How alike two items are, from 0 to 1: the share of character pairs
    they have in common (Dice's coefficient), which costs time in proportion
    to their length, unlike difflib's ratio on repetitive text."""
    total = a.total() + b.total()
    return 2 * (a & b).total() / total if total else 1.0


def _pair(
    old: Sequence[str], new: Sequence[str], budget: _Budget
) -> list[tuple[int, int]]:
    """Pairs (old index, new index), in order, for a block of replaced items.

    As many pairs as the shorter side has items: every item that was replaced
    is shown as rewritten, the extra ones as added or removed. When the sides
    differ in length, the pairs are the most similar in-order matching, so a
    bullet inserted above an edited one does not pair with it. Past the
    budget's deadline, or for a block too large, items pair by position.
    """
    by_position = list(zip(range(len(old)), range(len(new)), strict=False))
    if len(old) == len(new) or len(old) * len(new) > _MAX_PAIRING_CELLS:
        return by_position
    swapped = len(old) > len(new)
    short, long = (new, old) if swapped else (old, new)
    n, m = len(short), len(long)
    # best[i][j]: the highest total similarity pairing every item of short[i:]
    # with a distinct item of long[j:], in order; take[i][j]: pair short[i]
    # with long[j] on that best path (ties pair early, as people read).
    best = [[float("-inf")] * (m + 1) for _ in range(n + 1)]
    take = [[False] * (m + 1) for _ in range(n + 1)]
    best[n] = [0.0] * (m + 1)
    short_grams, long_grams = [_bigrams(t) for t in short], [_bigrams(t) for t in long]
    for i in reversed(range(n)):
        if budget.spent:
            budget.notices.add(ROUGH)
            return by_position
        for j in reversed(range(m - (n - i) + 1)):
            paired = _similarity(short_grams[i], long_grams[j]) + best[i + 1][j + 1]
            skipped = best[i][j + 1]
            take[i][j] = paired >= skipped
            best[i][j] = max(paired, skipped)
    pairs = []
    i = j = 0
    while i < n:
        if take[i][j]:
            pairs.append((j, i) if swapped else (i, j))
            i += 1
        j += 1
    return pairs


def _blocks(
    old: Sequence[Hashable], new: Sequence[Hashable], deadline: float
) -> list[tuple[bool, int, int, int, int]]:
    """(equal, i1, i2, j1, j2) blocks, like difflib's opcodes: kept runs, and
    between them the replaced block (old[i1:i2] became new[j1:j2])."""
    blocks = []
    i = j = start_i = start_j = 0
    for op, count in [*_runs(old, new, deadline), ("equal", 0)]:
        if op != "equal":
            i += count if op == "delete" else 0
            j += count if op == "insert" else 0
            continue
        if (i, j) != (start_i, start_j):
            blocks.append((False, start_i, i, start_j, j))
        if count:
            blocks.append((True, i, i + count, j, j + count))
        i, j = i + count, j + count
        start_i, start_j = i, j
    return blocks


def _align(
    old_keys: Sequence[Any],
    new_keys: Sequence[Any],
    old_texts: Sequence[str],
    new_texts: Sequence[str],
    budget: _Budget,
) -> Iterable[tuple[str, int | None, int | None]]:
    """("equal" | "insert" | "delete" | "change", old index, new index) for
    two sequences: kept runs from `_runs`, replaced blocks paired by `_pair`.
    Past the deadline the runs may be coarse (diff-match-patch gives up
    quietly), which the budget's notice then says."""
    blocks = _blocks(old_keys, new_keys, budget.deadline)
    if budget.spent and not all(equal for equal, *_ in blocks):
        budget.notices.add(ROUGH)
    for equal, i1, i2, j1, j2 in blocks:
        if equal:
            for offset in range(i2 - i1):
                yield "equal", i1 + offset, j1 + offset
            continue
        pairs = _pair(old_texts[i1:i2], new_texts[j1:j2], budget)
        i, j = i1, j1
        for pi, pj in [*pairs, (i2 - i1, j2 - j1)]:
            # Removed items before added ones, then the pair itself.
            for k in range(i, i1 + pi):
                yield "delete", k, None
            for k in range(j, j1 + pj):
                yield "insert", None, k
            if i1 + pi < i2:
                yield "change", i1 + pi, j1 + pj
            i, j = i1 + pi + 1, j1 + pj + 1


def _items(
    old: list[str], new: list[str], budget: _Budget, *, are_claims: bool = False
) -> list[ItemChange]:
    """The item changes of two lists; for lists of claims (`are_claims`),
    a claim's annotation diffs part by part (`claim_tokens`) and a rewritten
    claim says what changed besides its words (`claim_changes`)."""
    aligned = _unpair_moved(list(_align(old, new, old, new, budget)), old, new)
    moves = _moves(aligned, old, new)
    moved_from = {j: i for i, j in moves.items()}
    tokens = claim_tokens if are_claims else tokenize
    changes = []
    for op, i, j in aligned:
        if op == "delete" and i in moves:
            continue  # shown where it went
        if op == "insert" and j in moved_from:
            i = moved_from[j]
            changes.append(ItemChange("move", old[i], new[j], [], i + 1, j + 1, i, j))
            continue
        old_item = old[i] if i is not None else None
        new_item = new[j] if j is not None else None
        words, told = [], ()
        if op == "change":
            words = budget.words(old_item or "", new_item or "", tokens)
            if are_claims:
                told = claim_changes(
                    claim_text.parse_bullet(old_item or ""),
                    claim_text.parse_bullet(new_item or ""),
                )
        changes.append(
            ItemChange(
                op,
                old_item,
                new_item,
                words,
                old_index=i,
                new_index=j,
                claim_changes=told,
            )
        )
    return changes


def _notes_words(claim: claim_text.Claim) -> str:
    return ", ".join(
        f"{citation.number} ({citation.locator})"
        if citation.locator
        else str(citation.number)
        for citation in claim.citations
    )


def claim_changes(
    old: claim_text.Claim, new: claim_text.Claim
) -> tuple[ClaimChange, ...]:
    """What changed in a claim besides its words, in plain words: its
    status ("confirmed → reported"), its as-of date ("early 2017 → 2018"),
    its review-by date and its notes ("6 → 6, 7 (p. 12)")."""
    told = []
    if old.status != new.status:
        told.append(ClaimChange("status", old.status.label, new.status.label))
    if old.as_of != new.as_of:
        told.append(
            ClaimChange(
                "as of",
                claim_text.as_of_words(old.as_of) if old.as_of else "not dated",
                claim_text.as_of_words(new.as_of) if new.as_of else "not dated",
            )
        )
    if old.review_by != new.review_by:
        told.append(
            ClaimChange(
                "review by",
                claim_text.as_of_words(old.review_by) if old.review_by else "none",
                claim_text.as_of_words(new.review_by) if new.review_by else "none",
            )
        )
    if old.citations != new.citations:
        told.append(
            ClaimChange(
                "notes", _notes_words(old) or "none", _notes_words(new) or "none"
            )
        )
    return tuple(told)


def _unpair_moved(
    aligned: list[tuple[str, int | None, int | None]],
    old: Sequence[str],
    new: Sequence[str],
) -> list[tuple[str, int | None, int | None]]:
    """`aligned` with each rewritten pair whose old text was added elsewhere,
    or whose new text was removed elsewhere, taken apart: those are moves,
    which a replaced block would otherwise pair with any item beside them."""
    gone = Counter(old[i] for op, i, _ in aligned if op in ("delete", "change"))
    came = Counter(new[j] for op, _, j in aligned if op in ("insert", "change"))
    moved = gone & came
    if not moved:
        return aligned
    result: list[tuple[str, int | None, int | None]] = []
    for op, i, j in aligned:
        if op == "change" and (old[i] in moved or new[j] in moved):
            result += [("delete", i, None), ("insert", None, j)]
        else:
            result.append((op, i, j))
    return result


def _moves(
    aligned: list[tuple[str, int | None, int | None]],
    old: Sequence[str],
    new: Sequence[str],
) -> dict[int, int]:
    """{old index: new index} of the items removed at one place and added,
    word for word, at another: moves. Equal texts pair in order."""
    removed: dict[str, list[int]] = {}
    for op, i, _ in aligned:
        if op == "delete":
            removed.setdefault(old[i], []).append(i)
    moves = {}
    for op, _, j in aligned:
        if op == "insert" and removed.get(new[j]):
            moves[removed[new[j]].pop(0)] = j
    return moves


def diff_items(
    old: list[str], new: list[str], *, deadline: float | None = None
) -> list[ItemChange]:
    """Item-level diff of two bullet lists; a rewritten bullet is a "change"
    with the word diff of the two texts and what changed in its claim
    (`claim_changes`); `deadline` as for `diff_words`."""
    return _items(old, new, _Budget(deadline), are_claims=True)


# Rows -------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _cell_value(value: Any) -> Any:
    # Missing, None and an empty list all mean "nothing here"; lists compare as
    # tuples so a row projects to something hashable for difflib.
    if value is None or value == [] or value == ():
        return ""
    return tuple(value) if isinstance(value, list) else value


def _leader_claim(row: Mapping[str, Any]) -> claim_text.Claim:
    return claim_text.leader_claim(
        row.get("name") or "", list(row.get("aliases") or []), row.get("role") or ""
    )


def _row_change(
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    columns: tuple[str, ...],
    budget: _Budget,
    *,
    at: tuple[int | None, int | None] = (None, None),
    leaders: bool = False,
) -> RowChange:
    """One row's change; `at` its places in the old and new tables. A
    leader's role carries its claim's marks and annotation: it diffs part
    by part (`claim_tokens`), and what changed in the claim is said
    (`claim_changes`)."""
    old_row, new_row = old or {}, new or {}
    fields = {
        column: budget.words(
            _cell_text(old_row.get(column)),
            _cell_text(new_row.get(column)),
            claim_tokens if leaders and column == "role" else tokenize,
        )
        for column in columns
        if _cell_value(old_row.get(column)) != _cell_value(new_row.get(column))
    }
    told: tuple[ClaimChange, ...] = ()
    if old is None:
        op: ChangeOp = "insert"
    elif new is None:
        op = "delete"
    else:
        op = "change" if fields else "equal"
        if leaders and op == "change":
            told = claim_changes(_leader_claim(old), _leader_claim(new))
    return RowChange(
        op,
        old,
        new,
        fields,
        columns,
        old_index=at[0],
        new_index=at[1],
        claim_changes=told,
    )


def _columns(rows: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for row in rows for key in row))


def _rows(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    key: str | None,
    columns: Sequence[str] | None,
    budget: _Budget,
    *,
    leaders: bool = False,
) -> list[RowChange]:
    cols = tuple(columns) if columns is not None else _columns([*old, *new])

    def project(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(_cell_value(row.get(column)) for column in cols)

    def text(row: Mapping[str, Any]) -> str:
        return " | ".join(_cell_text(row.get(column)) for column in cols)

    old_by_key = {row.get(key): row for row in old} if key else {}
    new_by_key = {row.get(key): row for row in new} if key else {}
    # A key repeated within one table cannot identify a row; fall back to
    # position rather than silently drop a row.
    if key and len(old_by_key) == len(old) and len(new_by_key) == len(new):
        keys = list(dict.fromkeys([*old_by_key, *new_by_key]))
        # Keys of mixed types cannot be sorted; they keep the order they first
        # appear in.
        with contextlib.suppress(TypeError):
            keys.sort()
        old_at = {row.get(key): i for i, row in enumerate(old)}
        new_at = {row.get(key): j for j, row in enumerate(new)}
        return [
            _row_change(
                old_by_key.get(k),
                new_by_key.get(k),
                cols,
                budget,
                at=(old_at.get(k), new_at.get(k)),
            )
            for k in keys
        ]

    return [
        _row_change(
            old[i] if i is not None else None,
            new[j] if j is not None else None,
            cols,
            budget,
            at=(i, j),
            leaders=leaders,
        )
        for _, i, j in _align(
            [project(row) for row in old],
            [project(row) for row in new],
            [text(row) for row in old],
            [text(row) for row in new],
            budget,
        )
    ]


def diff_rows(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    key: str | None = None,
    columns: Sequence[str] | None = None,
    *,
    deadline: float | None = None,
) -> list[RowChange]:
    """Row-level diff of two tables. With `key`, rows with the same value of it
    are the same row (notes by "number"), in key order. With `key=None`, rows
    are matched by position, aligned like `diff_items` so that adding or
    removing a leader does not turn every row below it into a "change".

    `columns` limits which keys are compared (default: every key seen);
    `deadline` as for `diff_words`.
    """
    return _rows(old, new, key, columns, _Budget(deadline))


# Fields -------------------------------------------------------------------------


def _text_diff(field: str, old: Any, new: Any, budget: _Budget) -> FieldDiff:
    old, new = old or "", new or ""
    segments = budget.words(old, new)
    return FieldDiff(
        field, _label(field), "text", old != new, segments, notice=budget.notice
    )


def _list_diff(field: str, old: Any, new: Any, budget: _Budget) -> FieldDiff:
    old, new = list(old or []), list(new or [])
    items = _items(old, new, budget, are_claims=field in BULLET_FIELDS)
    return FieldDiff(
        field, _label(field), "list", old != new, items=items, notice=budget.notice
    )


_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")


def prose_claims(text: str) -> list[claim_text.Claim]:
    """A prose field's claims, read paragraph by paragraph
    (`claims.parse_prose` of each): no claim crosses a paragraph break, and
    reading one paragraph at a time keeps the work in proportion to the
    text. Each paragraph's first claim leads with the break before it, so
    `claims.render_prose` gives the (stripped) text back."""
    text = text.strip()
    claims: list[claim_text.Claim] = []
    start = 0
    gap_from = 0
    for found in [*_PARAGRAPH_BREAK_RE.finditer(text), None]:
        end = found.start() if found else len(text)
        chunk = text[start:end]
        body = chunk.strip()
        if body:
            at = start + len(chunk) - len(chunk.lstrip())
            read = claim_text.parse_prose(body)
            if claims and read:
                read[0] = dataclasses.replace(read[0], lead=text[gap_from:at])
            claims += read
            gap_from = at + len(body)
        start = found.end() if found else len(text)
    return claims


def prose_items(text: str) -> list[str]:
    """A prose field as the list its diff compares: each claim's line
    (`claims.render_bullet`: its words, marks and annotation), in order."""
    return [claim_text.render_bullet(claim) for claim in prose_claims(text)]


def _prose_diff(field: str, old: Any, new: Any, budget: _Budget) -> FieldDiff:
    """A prose section as a list of claims: a sentence added is one claim
    added, not a run of words inside the text. A change only to where the
    paragraphs break (or to the spaces between claims) says so."""
    old, new = old or "", new or ""
    items = _items(prose_items(old), prose_items(new), budget, are_claims=True)
    notice = budget.notice
    if old != new and not notice and all(item.op == "equal" for item in items):
        notice = LAYOUT
    return FieldDiff(
        field, _label(field), "list", old != new, items=items, notice=notice
    )


def _rows_diff(field: str, old: Any, new: Any, budget: _Budget) -> FieldDiff:
    columns, key = ROW_FIELDS[field]
    rows = _rows(
        list(old or []),
        list(new or []),
        key,
        columns,
        budget,
        leaders=field == "leaders",
    )
    changed = any(row.op != "equal" for row in rows)
    return FieldDiff(
        field, _label(field), "rows", changed, rows=rows, notice=budget.notice
    )


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


_DIFFERS: dict[str, Callable[[str, Any, Any, _Budget], FieldDiff]] = {
    **dict.fromkeys(TEXT_FIELDS, _text_diff),
    **dict.fromkeys(PROSE_FIELDS, _prose_diff),
    **dict.fromkeys((*LIST_FIELDS, "tags"), _list_diff),
    **dict.fromkeys(ROW_FIELDS, _rows_diff),
}


def _field_diff(field: str, old: Any, new: Any, deadline: float) -> FieldDiff:
    try:
        differ = _DIFFERS[field]
    except KeyError:
        raise ValueError(f"{field!r} is not a profile field") from None
    return differ(field, old, new, _Budget(deadline))


def diff_field(
    field: str, old: Any, new: Any, *, deadline: float | None = None
) -> FieldDiff:
    """The diff of one field of `FIELDS`; None stands for an empty value.
    It takes at most about `TIME_BUDGET` seconds, or until `deadline`."""
    return _field_diff(
        field, old, new, shared_deadline() if deadline is None else deadline
    )


def diff_values(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    fields: Sequence[str] | None = None,
) -> list[FieldDiff]:
    """One `FieldDiff` per field: the given `fields` in their order, else every
    field of `FIELDS` present in either dict, in reading order. A field missing
    from one side counts as empty there. All fields share one `TIME_BUDGET`."""
    if fields is None:
        fields = [field for field in FIELDS if field in old or field in new]
    deadline = shared_deadline()
    return [
        _field_diff(field, old.get(field), new.get(field), deadline) for field in fields
    ]


# Deciding item by item ------------------------------------------------------------

#: The sections whose item changes a reviewer may decide one by one: each item
#: is a claim.
DECIDABLE_FIELDS = frozenset({*BULLET_FIELDS, *PROSE_FIELDS, "leaders"})
#: Seconds `apply_item_decisions` gives its comparison: more than a page's,
#: as it runs once, on one field, when a reviewer approves.
APPLY_BUDGET = 10 * TIME_BUDGET


class UnknownItems(ValueError):
    """Decisions name item changes that the comparison of the two values does
    not find: the values are not those the decisions were made on."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = tuple(sorted(keys))
        super().__init__(f"No such item changes: {', '.join(self.keys)}")


@dataclasses.dataclass(frozen=True)
class ItemsDecided:
    """What `decide_items` gives: the value to publish, and each item change
    with whether it was accepted, in the order of the diff."""

    value: Any
    changes: tuple[tuple[ItemChange | RowChange, bool], ...]

    @property
    def partly(self) -> bool:
        """Some item changes accepted and some rejected."""
        verdicts = {accepted for _change, accepted in self.changes}
        return verdicts == {True, False}


def decide_items(
    field: str,
    old: Any,
    new: Any,
    decisions: Mapping[str, bool],
    *,
    deadline: float | None = None,
) -> ItemsDecided:
    """`apply_item_decisions`, with each item change and its verdict."""
    if field not in DECIDABLE_FIELDS:
        raise ValueError(f"{field!r} is not decided claim by claim")
    deadline = time.time() + APPLY_BUDGET if deadline is None else deadline
    field_diff = _field_diff(field, old, new, deadline)
    changes = field_diff.item_changes
    unknown = set(decisions) - {change.key for change in changes}
    if unknown:
        raise UnknownItems(unknown)
    accepted = {change.key: decisions.get(change.key, True) for change in changes}
    verdicts = tuple((change, accepted[change.key]) for change in changes)
    if all(accepted.values()):
        return ItemsDecided(new, verdicts)
    if not any(accepted.values()):
        return ItemsDecided(old, verdicts)
    whole = field_diff.rows if field_diff.kind == "rows" else field_diff.items
    placed = _placed(whole, accepted)
    if field in PROSE_FIELDS:
        value = _prose_from(placed, prose_claims(old or ""), prose_claims(new or ""))
    else:
        old_items, new_items = list(old or []), list(new or [])
        value = [
            copy_item(new_items[j] if side == "new" else old_items[i])
            for side, i, j in placed
        ]
    return ItemsDecided(value, verdicts)


def apply_item_decisions(
    field: str,
    old: Any,
    new: Any,
    decisions: Mapping[str, bool],
    *,
    deadline: float | None = None,
) -> Any:
    """The value of `field` that publishes only the accepted item changes
    from `old` to `new`.

    `decisions` maps the `key` of an item change of `diff_field(field, old,
    new)` (an `ItemChange` or, for the leaders, a `RowChange`) to True
    (accepted) or False (rejected); a change it does not name is accepted.
    Starting from `old`: an addition rejected is left out; a removal rejected
    keeps the old item where it stood; a rewrite rejected keeps the old item
    whole (words, status, dates, notes); a move rejected keeps the item
    among the old ones in their old order. Every change accepted gives
    `new`, every one rejected `old`. A prose claim keeps the break before it
    (space or paragraph) of the side where it stands beside the claim now
    before it, else its own.

    Pure; compares within `deadline` (default `APPLY_BUDGET` from now).
    Raises `ValueError` for a field whose items are not claims, and
    `UnknownItems` for keys the comparison does not find.
    """
    return decide_items(field, old, new, decisions, deadline=deadline).value


def copy_item(item: Any) -> Any:
    """An item of a value to publish, not shared with the values it came
    from (a leader's row is a dict)."""
    return {**item} if isinstance(item, dict) else item


def _placed(
    changes: Sequence[ItemChange | RowChange], accepted: Mapping[str, bool]
) -> list[tuple[str, int | None, int | None]]:
    """The items of the value to publish, in order, each as (the side it is
    taken from, "old" or "new"; its old index, when it stands at an old
    item's place; its new index, when at a new item's)."""
    placed: list[tuple[str, int | None, int | None]] = []
    moved_back = []
    for change in changes:
        i, j = change.old_index, change.new_index
        if change.op == "equal":
            placed.append(("new", i, j))
            continue
        kept = accepted[change.key]
        if change.op == "insert":
            if kept:
                placed.append(("new", None, j))
        elif change.op == "delete":
            if not kept:
                placed.append(("old", i, None))
        elif change.op == "change":
            placed.append(("new", i, j) if kept else ("old", i, j))
        elif kept:  # a move accepted: where it went
            placed.append(("new", None, j))
        else:
            moved_back.append(i)
    # A move rejected goes back after the item that came before it in the
    # old list (the items at old places are in their old order).
    for i in sorted(moved_back):
        after = next(
            (
                n
                for n in reversed(range(len(placed)))
                if placed[n][1] is not None and placed[n][1] < i
            ),
            -1,
        )
        placed.insert(after + 1, ("old", i, None))
    return placed


def _prose_from(
    placed: list[tuple[str, int | None, int | None]],
    old: list[claim_text.Claim],
    new: list[claim_text.Claim],
) -> str:
    """The prose of the claims `placed`: each after the break (space or
    paragraph) that stands before it on the side where its neighbour before
    it is its neighbour too, else after its own."""
    claims = []
    before: tuple[int | None, int | None] = (None, None)
    for side, i, j in placed:
        claim = new[j] if side == "new" else old[i]
        if j is not None and before[1] is not None and j == before[1] + 1:
            claim = dataclasses.replace(claim, lead=new[j].lead)
        elif i is not None and before[0] is not None and i == before[0] + 1:
            claim = dataclasses.replace(claim, lead=old[i].lead)
        claims.append(claim)
        before = (i, j)
    return claim_text.render_prose(claims)
