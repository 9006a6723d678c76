"""What changed between two versions of a profile's values, for people to read.

This module owns the comparison shown on the review page (a change request
against the published version) and on the version compare page: word diffs of
text (`diff_words`), item diffs of bullet lists (`diff_items`), row diffs of the
leaders and notes tables (`diff_rows`), and one `FieldDiff` per field of
`profiles.serializers.FIELDS` (`diff_field`, `diff_values`).
`templates/includes/diff.html` renders a `FieldDiff`.

Pure functions over the "values" shape of `profiles.serializers.profile_values`;
no database. Version snapshots (`profile_to_dict`) work too: keys outside
`FIELDS`, and the derived `urls`/`sources` of each note, are ignored.

Reading segments back: the "equal" and "delete" texts joined give the old text,
the "equal" and "insert" texts joined give the new one, exactly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from profiles.document import FOOTNOTE_MARK_RE
from profiles.sections import FIELD_LABELS, FIELDS
from profiles.serializers import LIST_FIELDS, TEXT_FIELDS

__all__ = [
    "FieldDiff",
    "ItemChange",
    "RowChange",
    "Segment",
    "diff_field",
    "diff_items",
    "diff_rows",
    "diff_values",
    "diff_words",
    "tokenize",
]

SegmentOp = Literal["equal", "insert", "delete"]
ChangeOp = Literal["equal", "insert", "delete", "change"]
Kind = Literal["text", "list", "rows"]

#: How a row's change is said in words, so it is never shown by colour alone.
OP_LABELS: dict[str, str] = {
    "equal": "unchanged",
    "insert": "added",
    "delete": "removed",
    "change": "changed",
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


@dataclasses.dataclass(frozen=True)
class Segment:
    """A run of text that is in both versions, or only the new, or only the old."""

    op: SegmentOp
    text: str


@dataclasses.dataclass(frozen=True)
class ItemChange:
    """One bullet: kept, added, removed, or rewritten (`words` diffs the two)."""

    op: ChangeOp
    old: str | None
    new: str | None
    words: list[Segment] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class RowChange:
    """One row of a table (a leader, a note) and the word diff of each column
    whose value changed. `columns` orders the row's cells for display."""

    op: ChangeOp
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: dict[str, list[Segment]] = dataclasses.field(default_factory=dict)
    columns: tuple[str, ...] = ()

    @property
    def op_label(self) -> str:
        return OP_LABELS[self.op]

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

    @property
    def columns(self) -> tuple[str, ...]:
        """The table header for a rows diff."""
        return self.rows[0].columns if self.rows else ()


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


def tokenize(text: str) -> list[str]:
    """Words, runs of whitespace, runs of footnote marks ("¹²" is note 12, one
    mark) and single punctuation characters; joined, they give `text` back."""
    tokens: list[str] = []
    for kind, chars in itertools.groupby(text, key=_char_class):
        run = "".join(chars)
        # Each punctuation mark alone, so "a, b" -> "a b" deletes just ",".
        tokens.extend(run if kind == "punct" else [run])
    return tokens


def _append(segments: list[Segment], op: SegmentOp, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def diff_words(old: str, new: str) -> list[Segment]:
    """Word-level diff of two texts; adjacent segments of one op are merged and
    where a run is both deleted and inserted the deletion comes first."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    opcodes = matcher.get_opcodes()
    segments: list[Segment] = []
    deleted, inserted = "", ""
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        old_text = "".join(old_tokens[i1:i2])
        if tag == "equal":
            between_changes = bool(deleted or inserted) and index + 1 < len(opcodes)
            if between_changes and old_text.isspace():
                # A lone space matched between two rewritten words splits one
                # change into "quick" -> "slow", " ", "brown" -> "red"; read as
                # one change, "quick brown" -> "slow red", it is clearer.
                deleted += old_text
                inserted += old_text
                continue
            _append(segments, "delete", deleted)
            _append(segments, "insert", inserted)
            deleted, inserted = "", ""
            _append(segments, "equal", old_text)
        else:
            deleted += old_text
            inserted += "".join(new_tokens[j1:j2])
    _append(segments, "delete", deleted)
    _append(segments, "insert", inserted)
    return _start_changes_at_words(segments)


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


# Pairing replaced items ---------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _pair(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs (old index, new index), in order, for a block of replaced items.

    As many pairs as the shorter side has items: every item that was replaced
    is shown as rewritten, the extra ones as added or removed. When the sides
    differ in length, the pairs are the most similar in-order matching, so a
    bullet inserted above an edited one does not pair with it.
    """
    if len(old) == len(new) or len(old) * len(new) > _MAX_PAIRING_CELLS:
        return list(zip(range(len(old)), range(len(new)), strict=False))
    swapped = len(old) > len(new)
    short, long = (new, old) if swapped else (old, new)
    n, m = len(short), len(long)
    # best[i][j]: the highest total similarity pairing every item of short[i:]
    # with a distinct item of long[j:], in order; take[i][j]: pair short[i]
    # with long[j] on that best path (ties pair early, as people read).
    best = [[float("-inf")] * (m + 1) for _ in range(n + 1)]
    take = [[False] * (m + 1) for _ in range(n + 1)]
    best[n] = [0.0] * (m + 1)
    for i in reversed(range(n)):
        for j in reversed(range(m - (n - i) + 1)):
            paired = _similarity(short[i], long[j]) + best[i + 1][j + 1]
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


def _align(
    old_keys: Sequence[Any],
    new_keys: Sequence[Any],
    old_texts: Sequence[str],
    new_texts: Sequence[str],
) -> Iterable[tuple[str, int | None, int | None]]:
    """("equal" | "insert" | "delete" | "change", old index, new index) for
    two sequences: kept runs from difflib, replaced blocks paired by `_pair`."""
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                yield "equal", i1 + offset, j1 + offset
            continue
        pairs = _pair(old_texts[i1:i2], new_texts[j1:j2])
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


def diff_items(old: list[str], new: list[str]) -> list[ItemChange]:
    """Item-level diff of two bullet lists; a rewritten bullet is a "change"
    with the word diff of the two texts."""
    changes = []
    for op, i, j in _align(old, new, old, new):
        old_item = old[i] if i is not None else None
        new_item = new[j] if j is not None else None
        words = diff_words(old_item or "", new_item or "") if op == "change" else []
        changes.append(ItemChange(op, old_item, new_item, words))
    return changes


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


def _row_change(
    old: dict[str, Any] | None, new: dict[str, Any] | None, columns: tuple[str, ...]
) -> RowChange:
    old_row, new_row = old or {}, new or {}
    fields = {
        column: diff_words(
            _cell_text(old_row.get(column)), _cell_text(new_row.get(column))
        )
        for column in columns
        if _cell_value(old_row.get(column)) != _cell_value(new_row.get(column))
    }
    if old is None:
        op: ChangeOp = "insert"
    elif new is None:
        op = "delete"
    else:
        op = "change" if fields else "equal"
    return RowChange(op, old, new, fields, columns)


def _columns(rows: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for row in rows for key in row))


def diff_rows(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    key: str | None = None,
    columns: Sequence[str] | None = None,
) -> list[RowChange]:
    """Row-level diff of two tables. With `key`, rows with the same value of it
    are the same row (notes by "number"), in key order. With `key=None`, rows
    are matched by position, aligned like `diff_items` so that adding or
    removing a leader does not turn every row below it into a "change".

    `columns` limits which keys are compared (default: every key seen).
    """
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
        return [_row_change(old_by_key.get(k), new_by_key.get(k), cols) for k in keys]

    return [
        _row_change(
            old[i] if i is not None else None, new[j] if j is not None else None, cols
        )
        for _, i, j in _align(
            [project(row) for row in old],
            [project(row) for row in new],
            [text(row) for row in old],
            [text(row) for row in new],
        )
    ]


# Fields -------------------------------------------------------------------------


def _text_diff(field: str, label: str, old: Any, new: Any) -> FieldDiff:
    old, new = old or "", new or ""
    return FieldDiff(field, label, "text", old != new, segments=diff_words(old, new))


def _list_diff(field: str, label: str, old: Any, new: Any) -> FieldDiff:
    old, new = list(old or []), list(new or [])
    return FieldDiff(field, label, "list", old != new, items=diff_items(old, new))


def _rows_diff(field: str, label: str, old: Any, new: Any) -> FieldDiff:
    columns, key = ROW_FIELDS[field]
    rows = diff_rows(list(old or []), list(new or []), key=key, columns=columns)
    changed = any(row.op != "equal" for row in rows)
    return FieldDiff(field, label, "rows", changed, rows=rows)


_DIFFERS: dict[str, Callable[[str, str, Any, Any], FieldDiff]] = {
    **dict.fromkeys(TEXT_FIELDS, _text_diff),
    **dict.fromkeys((*LIST_FIELDS, "tags"), _list_diff),
    **dict.fromkeys(ROW_FIELDS, _rows_diff),
}


def diff_field(field: str, old: Any, new: Any) -> FieldDiff:
    """The diff of one field of `FIELDS`; None stands for an empty value."""
    try:
        differ = _DIFFERS[field]
    except KeyError:
        raise ValueError(f"{field!r} is not a profile field") from None
    return differ(field, FIELD_LABELS.get(field, field), old, new)


def diff_values(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    fields: Sequence[str] | None = None,
) -> list[FieldDiff]:
    """One `FieldDiff` per field: the given `fields` in their order, else every
    field of `FIELDS` present in either dict, in reading order. A field missing
    from one side counts as empty there."""
    if fields is None:
        fields = [field for field in FIELDS if field in old or field in new]
    return [diff_field(field, old.get(field), new.get(field)) for field in fields]
