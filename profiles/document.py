"""The plain-text profile document: `parse(text) -> ProfileDocument` and
`render(document) -> str`. Pure functions over text; no database, no Django.

This module owns the layout of `shared/seeds/liwa-al-baqir.txt`: the title line,
the `Key: value` lines under it, the section headings of `profiles.sections`, the
bullets and prose under them, the superscript footnote marks, and the numbered
notes at the end. What a note says about its sources belongs to
`sources.citations.parse_note`; this module only hands it each note's text.

`parse` reports every problem as a `DocumentError` naming the line, because the
import command is all or nothing per file and a person has to find the fault;
that includes a document past its `DocumentLimits` (sizes, counts, note
numbers) and text holding a control character, which no field may hold.
Every pattern here runs in time linear in the line it reads.
"""

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from profiles.sections import (
    SECTIONS,
    SECTIONS_BY_FIELD,
    SECTIONS_BY_HEADING,
    Section,
    SectionKind,
)
from sources.citations import SourceEntry, parse_note

__all__ = [
    "FOOTNOTE_MARK_RE",
    "MARK_DIGITS",
    "DocumentError",
    "DocumentLimits",
    "DocumentWarning",
    "LeaderEntry",
    "NoteEntry",
    "ProfileDocument",
    "footnote_numbers",
    "leader_warnings",
    "mark_label",
    "parse",
    "render",
    "superscript",
]


@dataclass(frozen=True)
class LeaderEntry:
    """One KEY LEADERS bullet. The name and aliases never hold a footnote
    mark: the leader's marks are in `role`, which is how a leader cites its
    notes (the page links them there)."""

    name: str
    aliases: tuple[str, ...] = ()
    role: str = ""


@dataclass(frozen=True)
class NoteEntry:
    number: int
    text: str  # the note as written, without its number
    commentary: str = ""
    sources: tuple[SourceEntry, ...] = ()


@dataclass(frozen=True)
class ProfileDocument:
    name: str
    english_name: str = ""
    alternative_names: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    logo_description: str = ""
    flag_text: str = ""
    bullets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    leaders: tuple[LeaderEntry, ...] = ()
    prose: dict[str, str] = field(default_factory=dict)
    notes: tuple[NoteEntry, ...] = ()
    #: What was read but should be checked by a person (a leader bullet
    #: whose name could not be told from its role); not part of the profile.
    warnings: tuple["DocumentWarning", ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class DocumentWarning:
    """Something read on `line` (1-based) that a person should check."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class DocumentLimits:
    """The bounds `parse` holds a document to. The defaults are those of
    `profiles.limits`; the importer passes the configured ones."""

    name_chars: int = 200
    english_name_chars: int = 200
    leader_name_chars: int = 300
    field_chars: int = 100_000  # a text field, a section, one leader, one note
    list_items: int = 1_000
    leaders: int = 500
    notes: int = 2_000
    note_number: int = 100_000


class DocumentError(ValueError):
    """A document that cannot be read; `line` is 1-based, 0 for the whole text."""

    def __init__(self, message: str, line: int = 0) -> None:
        # Both go to ValueError so that the error survives pickling intact.
        super().__init__(message, line)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


# Footnote marks ------------------------------------------------------------

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")
_TO_SUPERSCRIPT = str.maketrans("0123456789", _SUPERSCRIPT_DIGITS)

FOOTNOTE_MARK_RE = re.compile(f"[{_SUPERSCRIPT_DIGITS}]+")

#: C0 and C1 control characters but tab, line feed and carriage return: no
#: field may hold them (PostgreSQL refuses NUL; the others are invisible).
CONTROL_CHARACTER_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


#: A mark longer than this many digits reads as `10 ** MARK_DIGITS`: no note
#: has such a number, and reading thousands of digits as one costs time
#: (Python refuses past 4,300).
MARK_DIGITS = 18


def _number(digits: str) -> int:
    """Digits, plain or superscript, as a number; see `MARK_DIGITS`."""
    if len(digits) > MARK_DIGITS:
        return 10**MARK_DIGITS
    return int(digits.translate(_FROM_SUPERSCRIPT))


def footnote_numbers(text: str) -> list[int]:
    """The note numbers marked in `text`, in order, repeats included.

    A run of superscript digits is one mark: "¹²" is footnote 12. A mark of
    more than `MARK_DIGITS` digits counts as `10 ** MARK_DIGITS`.
    """
    return [_number(mark) for mark in FOOTNOTE_MARK_RE.findall(text)]


def mark_label(mark: str) -> str:
    """A footnote mark as a message names it: its number in plain digits, or
    its first digits and its length when it is too long to read."""
    digits = mark.translate(_FROM_SUPERSCRIPT)
    if len(digits) > 20:
        return f"{digits[:20]}… ({len(digits):,} digits)"
    return digits


def superscript(n: int) -> str:
    """The footnote mark for note `n`: 12 -> "¹²"."""
    if n < 0:
        raise ValueError(f"a footnote number cannot be negative: {n}")
    return str(n).translate(_TO_SUPERSCRIPT)


# Line shapes ----------------------------------------------------------------

_WORD_CHAR_RE = re.compile(r"\w")

# Header keys are matched case-insensitively with their spaces collapsed; the
# singular and "alternate" spellings are common enough in hand-typed files.
_HEADER_KEYS = {
    "logo": "logo_description",
    "flag text": "flag_text",
    "alternative names": "alternative_names",
    "alternative name": "alternative_names",
    "alternate names": "alternative_names",
    "alternate name": "alternative_names",
    "tags": "tags",
    "tag": "tags",
}
_HEADER_LABELS = "Logo, Flag Text, Alternative names, Tags"
_HEADER_NAMES = {
    "logo_description": "Logo",
    "flag_text": "Flag Text",
    "alternative_names": "Alternative names",
    "tags": "Tags",
}
_HEADER_RE = re.compile(r"(?P<key>[A-Za-z][A-Za-z ]{0,40}?)\s*:(?P<value>.*)")

_NOTES_HEADINGS = frozenset({"NOTES", "ENDNOTES", "FOOTNOTES"})

_BULLET_RE = re.compile(r"[-•*–—](?:\s+(?P<text>.*))?")
_NOTE_RE = re.compile(r"(?P<number>\d+)\.(?:\s+(?P<text>.*))?")

# An upper-case line of words, possibly with a colon: how a heading looks.
_HEADING_SHAPE_RE = re.compile(r"[^\W\d_][\w &'’,/()-]*:?")

# Possessive `*+` and no `\s*` before the "(": a long run of spaces must not
# be tried every way (the name is stripped afterwards).
_AKA_RE = re.compile(
    r"(?P<name>.+?)\(\s*+(?:aka\b|a\.k\.a\.?|also\s+known\s+as\b)[\s:]*+"
    r"(?P<aliases>[^()]*)\)(?P<role>.*)",
    re.IGNORECASE,
)
_ROLE_VERB_RE = re.compile(r"\s(?:is|was)\s")


def _split_title(line: str) -> tuple[str, str]:
    """The name and English gloss of the title line "Name (Gloss)": the gloss
    is the last parenthesised group, ending the line, with no parenthesis in
    it; the name before it has a letter or digit. Otherwise all is the name."""
    start = line.rfind("(")
    if line.endswith(")") and start != -1:
        name, english = line[:start].rstrip(), line[start + 1 : -1]
        if english and ")" not in english and _WORD_CHAR_RE.search(name):
            return name, english.strip()
    return line, ""


def _known_heading(line: str) -> str | None:
    """The canonical heading `line` stands for (a section or NOTES), if any.

    Case and a trailing colon are forgiven: "Key leaders:" is still the section.
    """
    key = " ".join(line.rstrip(":").split()).upper()
    if key in SECTIONS_BY_HEADING or key in _NOTES_HEADINGS:
        return key
    return None


def _looks_like_heading(line: str) -> bool:
    """Whether `line` is shaped like a section heading: words all in capitals."""
    if not _HEADING_SHAPE_RE.fullmatch(line):
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _unknown_heading_error(line: str, number: int) -> DocumentError:
    headings = [*SECTIONS_BY_HEADING, "NOTES"]
    wanted = " ".join(line.rstrip(":").split()).upper()
    # No heading is long: a long line is no near miss, and comparing it costs.
    close = difflib.get_close_matches(wanted, headings, n=1) if len(wanted) < 80 else []
    hint = f" (did you mean {close[0]}?)" if close else ""
    return DocumentError(f"unknown section heading {_quote(line)}{hint}", number)


def _quote(text: str, limit: int = 60) -> str:
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


def _split_list(value: str, separators: str) -> tuple[str, ...]:
    items = re.split(f"[{re.escape(separators)}]", value)
    return tuple(item.strip() for item in items if item.strip())


def _leader(text: str) -> LeaderEntry:
    """Read one KEY LEADERS bullet; see `_read_leader`."""
    return _read_leader(text)[0]


def _read_leader(text: str) -> tuple[LeaderEntry, str]:
    """One KEY LEADERS bullet as a leader, and a warning ("" if none).

    The readings, tried in order: "Name (aka A, B) role"; a role, ": " and
    a name ("Deputy commander: Nour Salim"); a name, then ", " " – " or ": "
    and the role; a name and a parenthesised role; a name and a
    role starting with " is " or " was "; the whole bullet when it reads as
    a name with a title ("Deputy commander Nour Salim"). A bullet read none
    of these ways keeps its whole text as the role, a short name
    (`_short_name`) and a warning. Footnote marks never stay in a name or an
    alias: they go to the role, where the page links them.
    """
    readings = (
        _aka_leader,
        _role_first_leader,
        _separated_leader,
        _bracketed_leader,
        _verb_leader,
        _titled_leader,
    )
    for reading in readings:
        leader = reading(text)
        if leader is not None:
            return leader, ""
    name = _short_name(text)
    warning = (
        "this leader's name could not be told from the role: the whole "
        f"bullet is kept as the role, with {_quote(name)} as the name; check it"
    )
    return LeaderEntry(name=name, role=text.strip()), warning


def _aka_leader(text: str) -> LeaderEntry | None:
    match = _AKA_RE.fullmatch(text)
    if not match:
        return None
    name, marks = _without_marks(match["name"])
    aliases = tuple(
        alias
        for alias in (_without_marks(a)[0] for a in _split_list(match["aliases"], ",;"))
        if alias
    )
    # Marks are kept apart: "¹²" would read as note 12.
    marks = " ".join([marks, *FOOTNOTE_MARK_RE.findall(match["aliases"])]).strip()
    if not name:
        return None
    return LeaderEntry(name, aliases, _marked_role(marks, match["role"].strip()))


def _separated_leader(text: str) -> LeaderEntry | None:
    """ "Name, role", "Name – role", "Name: role"."""
    separator = _NAME_SEPARATOR_RE.search(text)
    if not separator or not _is_name(text[: separator.start()], titled=False):
        return None
    rest = text[separator.end() :].strip()
    if not rest:
        return None
    name, marks = _without_marks(text[: separator.start()])
    role = _marked_role(marks, text[separator.start() :].strip()) if marks else rest
    return LeaderEntry(name, (), role)


def _role_first_leader(text: str) -> LeaderEntry | None:
    """ "Role: Name", the name ending the bullet; its marks end the role."""
    colon = text.find(": ")
    if colon < 1 or not _is_name(text[colon + 2 :], titled=False):
        return None
    name, marks = _without_marks(text[colon + 2 :])
    role = text[:colon].strip()
    return LeaderEntry(name, (), f"{role} {marks}" if marks else role)


def _bracketed_leader(text: str) -> LeaderEntry | None:
    """ "Name (role)", the parenthesis kept in the role as written."""
    opening = text.find("(")
    if opening < 1 or text.count("(") != 1 or ")" not in text[opening:]:
        return None
    if not _is_name(text[:opening], titled=False):
        return None
    name, marks = _without_marks(text[:opening])
    return LeaderEntry(name, (), _marked_role(marks, text[opening:].strip()))


def _verb_leader(text: str) -> LeaderEntry | None:
    """ "Name is role", "Name was role"."""
    verb = _ROLE_VERB_RE.search(text)
    if not verb or not _is_name(text[: verb.start()], titled=True):
        return None
    name, marks = _without_marks(text[: verb.start()])
    return LeaderEntry(name, (), _marked_role(marks, text[verb.start() :].strip()))


def _titled_leader(text: str) -> LeaderEntry | None:
    """A name, with a title perhaps, and nothing else but marks."""
    if not _is_name(text, titled=True):
        return None
    name, marks = _without_marks(text)
    return LeaderEntry(name, (), marks)


# A name's end before a role: ", " (or the Arabic "، "), " – ", " — ",
# " - " or ": ".
_NAME_SEPARATOR_RE = re.compile(r"[,،]\s|\s[–—-]\s|:\s")
# "al-Hassan", "ash-Shami": the article joined to a name.
_ARTICLE_RE = re.compile(r"(?:a[dlnrstz]|ash|el)-", re.IGNORECASE)
_NAME_PARTICLES = frozenset(
    ["abu", "al", "bin", "bint", "ibn", "ben", "de", "el", "la", "le", "van", "von"]
)
_INITIAL_RE = re.compile(r"[^\W\d_]\.")
_NOT_IN_NAMES_RE = re.compile(r"[\d,;:!?()\"“”«»]|\.(?!\s|$)|\w\.\w")


def _without_marks(text: str) -> tuple[str, str]:
    """(`text` without its footnote marks, the marks run together)."""
    marks = FOOTNOTE_MARK_RE.findall(text)
    if not marks:
        return text.strip(), ""
    return " ".join(FOOTNOTE_MARK_RE.sub(" ", text).split()), " ".join(marks)


def _marked_role(marks: str, role: str) -> str:
    """The role with the marks taken from the name before it."""
    if not marks:
        return role
    return f"{marks} {role}" if role and role[0] not in ",.;:" else marks + role


def _is_name(text: str, *, titled: bool) -> bool:
    """Whether `text` (marks aside) reads as a person's name: up to six
    words, each capitalised, an initial or a particle ("al-", "bin"), no
    digit or sentence punctuation. `titled` also allows lower-case words
    before the last, as in "Deputy commander Nour Salim" (up to seven)."""
    words = _without_marks(text)[0].split()
    if not words or len(words) > (7 if titled else 6):
        return False
    if _NOT_IN_NAMES_RE.search(
        " ".join(w for w in words if not _INITIAL_RE.fullmatch(w))
    ):
        return False
    if not (_is_name_word(words[0]) and _is_name_word(words[-1])):
        return False
    return titled or all(_is_name_word(word) for word in words)


def _is_name_word(word: str) -> bool:
    word = word.strip("'’")
    if _INITIAL_RE.fullmatch(word) or word.lower() in _NAME_PARTICLES:
        return True
    article = _ARTICLE_RE.match(word)
    if article:
        word = word[article.end() :]
    letter = next((char for char in word if char.isalpha()), "")
    return bool(letter) and not letter.islower()


def _short_name(text: str) -> str:
    """A name for a bullet that could not be split: its first run of two to
    six capitalised words ("the founder, Abu Nour, …" gives "Abu Nour"),
    else its first four words."""
    words = [word.rstrip(",.;:،") for word in _without_marks(text)[0].split()]
    run: list[str] = []
    for word in [*words, ""]:
        if word and _is_name_word(word) and not _NOT_IN_NAMES_RE.search(word):
            run.append(word)
            continue
        if len(run) >= 2:
            return " ".join(run[:6])
        run = []
    return " ".join(words[:4]) or _without_marks(text)[0][:40]


# Parsing ----------------------------------------------------------------------


def _refuse_long(what: str, length: int, most: int, line: int) -> None:
    if length > most:
        raise DocumentError(
            f"{what} is {length:,} characters long; the most is {most:,}", line
        )


@dataclass
class _Note:
    number: int
    line: int
    parts: list[str]


class _Parser:
    """One pass over the lines; each method handles one kind of line."""

    def __init__(self, lines: list[str], limits: DocumentLimits) -> None:
        self.lines = lines
        self.limits = limits
        self.title_line = 0
        self.item_lines: dict[str, list[int]] = {}
        self.header: dict[str, str] = {}
        self.header_lines: dict[str, int] = {}
        self.section: Section | None = None
        self.section_lines: dict[str, int] = {}
        self.items: dict[str, list[str]] = {}
        self.paragraphs: dict[str, list[list[str]]] = {}
        self.open_paragraph: list[str] | None = None
        self.notes: list[_Note] = []
        self.notes_line = 0
        self.note_open = False
        self.marks: list[tuple[str, int]] = []  # (footnote mark, line)

    def run(self) -> ProfileDocument:
        body = enumerate(self.lines, start=1)
        name, english_name = self._title(body)
        for number, raw in body:
            line = raw.strip()
            if self.notes_line:
                self._note_line(line, number)
            elif not line:
                self.open_paragraph = None
            else:
                self._content_line(line, number)
        return self._document(name, english_name)

    def _title(self, body: Iterator[tuple[int, str]]) -> tuple[str, str]:
        for number, raw in body:
            line = raw.strip()
            if not line:
                continue
            heading = _known_heading(line)
            header = _HEADER_RE.fullmatch(line)
            if (
                heading
                or _BULLET_RE.fullmatch(line)
                or (header and self._header_field(header["key"]))
            ):
                raise DocumentError(
                    "the first line should be the profile's name, "
                    f"found {_quote(line)}",
                    number,
                )
            self.marks.extend((mark, number) for mark in FOOTNOTE_MARK_RE.findall(line))
            self.title_line = number
            return _split_title(line)
        raise DocumentError("the document is empty")

    def _content_line(self, line: str, number: int) -> None:
        heading = _known_heading(line)
        if heading in _NOTES_HEADINGS:
            self.notes_line = number
            return
        if heading:
            self._start_section(SECTIONS_BY_HEADING[heading], number)
            return
        note = _NOTE_RE.fullmatch(line)
        if note and note["number"] == "1":
            self.notes_line = number
            self._note_line(line, number)
            return
        self.marks.extend((mark, number) for mark in FOOTNOTE_MARK_RE.findall(line))
        if self.section is None:
            self._header_line(line, number)
        elif self.section.kind == SectionKind.PROSE:
            self._prose_line(self.section, line, number)
        else:
            self._bullet_line(self.section, line, number)

    def _start_section(self, section: Section, number: int) -> None:
        first = self.section_lines.get(section.field)
        if first:
            raise DocumentError(
                f"section {section.heading} appears twice (first on line {first})",
                number,
            )
        self.section_lines[section.field] = number
        self.section = section
        self.open_paragraph = None

    def _header_field(self, key: str) -> str | None:
        return _HEADER_KEYS.get(" ".join(key.lower().split()))

    def _header_line(self, line: str, number: int) -> None:
        if _looks_like_heading(line):
            raise _unknown_heading_error(line, number)
        match = _HEADER_RE.fullmatch(line)
        if not match:
            raise DocumentError(
                f"expected a 'Key: value' line ({_HEADER_LABELS}) or a section "
                f"heading, found {_quote(line)}",
                number,
            )
        name = self._header_field(match["key"])
        if name is None:
            raise DocumentError(
                f"unknown key {_quote(match['key'])}; the keys are {_HEADER_LABELS}",
                number,
            )
        first = self.header_lines.get(name)
        if first:
            raise DocumentError(
                f"{match['key'].strip()} appears twice (first on line {first})", number
            )
        self.header_lines[name] = number
        self.header[name] = match["value"].strip()

    def _bullet_line(self, section: Section, line: str, number: int) -> None:
        match = _BULLET_RE.fullmatch(line)
        if not match:
            if _looks_like_heading(line):
                raise _unknown_heading_error(line, number)
            raise DocumentError(
                f"{_quote(line)} in {section.heading} is not a bullet; "
                "start each line with '- '",
                number,
            )
        text = (match["text"] or "").strip()
        # A lone dash carries nothing; dropping it loses nothing.
        if text:
            self.items.setdefault(section.field, []).append(text)
            self.item_lines.setdefault(section.field, []).append(number)

    def _prose_line(self, section: Section, line: str, number: int) -> None:
        if self.open_paragraph is None:
            # Only a capitalised line standing alone between blank lines is
            # taken for a heading, so that "NATO" wrapped onto a line of its
            # own inside a paragraph is not.
            following = self.lines[number] if number < len(self.lines) else ""
            if _looks_like_heading(line) and not following.strip():
                raise _unknown_heading_error(line, number)
            self.open_paragraph = []
            self.paragraphs.setdefault(section.field, []).append(self.open_paragraph)
        self.open_paragraph.append(line)

    def _note_line(self, line: str, number: int) -> None:
        if not line:
            self.note_open = False
            return
        heading = _known_heading(line)
        if heading:
            raise DocumentError(
                f"{heading} comes after the notes, which start on line "
                f"{self.notes_line}; the notes go last",
                number,
            )
        expected = len(self.notes) + 1
        match = _NOTE_RE.fullmatch(line)
        # Within a paragraph a numbered line starts a note only if it is the
        # next one, so that a wrapped "2017. (https://…)" stays in its note.
        if match and (not self.note_open or _number(match["number"]) == expected):
            self._start_note(match["number"], match["text"] or "", number)
        elif self.note_open:
            self.notes[-1].parts.append(line)
        else:
            raise DocumentError(
                f"expected note {expected} to start with '{expected}. ', "
                f"found {_quote(line)}",
                number,
            )

    def _start_note(self, digits: str, text: str, number: int) -> None:
        expected = len(self.notes) + 1
        note_number = _number(digits)
        if not 1 <= note_number <= self.limits.note_number:
            raise DocumentError(
                f"note number {mark_label(digits)} is out of range "
                f"(1 to {self.limits.note_number:,})",
                number,
            )
        if expected > self.limits.notes:
            raise DocumentError(
                f"more than {self.limits.notes:,} notes; that is the most", number
            )
        if note_number != expected:
            first = next((n.line for n in self.notes if n.number == note_number), 0)
            if first:
                raise DocumentError(
                    f"note {note_number} appears twice (first on line {first})",
                    number,
                )
            raise DocumentError(
                f"note {note_number} is out of sequence: expected note {expected}",
                number,
            )
        self.notes.append(_Note(note_number, number, [text.strip()] if text else []))
        self.note_open = True

    def _note_entries(self) -> tuple[NoteEntry, ...]:
        entries = []
        for note in self.notes:
            text = " ".join(note.parts)
            if not text:
                raise DocumentError(f"note {note.number} is empty", note.line)
            try:
                commentary, sources = parse_note(text)
            except ValueError as error:
                message = f"note {note.number}: {error}"
                raise DocumentError(message, note.line) from error
            entries.append(NoteEntry(note.number, text, commentary, tuple(sources)))
        return tuple(entries)

    def _check_limits(self, name: str, english_name: str) -> None:
        """Raises `DocumentError` at the first line past `self.limits`."""
        limits = self.limits
        _refuse_long("the name", len(name), limits.name_chars, self.title_line)
        _refuse_long(
            "the English name",
            len(english_name),
            limits.english_name_chars,
            self.title_line,
        )
        for key, value in self.header.items():
            label, line = _HEADER_NAMES[key], self.header_lines[key]
            _refuse_long(label, len(value), limits.field_chars, line)
            if key in ("alternative_names", "tags"):
                count = len(_split_list(value, "," if key == "tags" else ";"))
                if count > limits.list_items:
                    raise DocumentError(
                        f"{label}: {count:,} items; the most is {limits.list_items:,}",
                        line,
                    )
        for field_name, items in self.items.items():
            self._check_bullets(field_name, items, self.item_lines[field_name])
        for field_name, paragraphs in self.paragraphs.items():
            # Lines are joined by " " and paragraphs by "\n\n".
            length = sum(len(line) + 1 for lines in paragraphs for line in lines)
            length += len(paragraphs) - 2
            heading = SECTIONS_BY_FIELD[field_name].heading
            line = self.section_lines[field_name]
            _refuse_long(heading, length, limits.field_chars, line)
        for note in self.notes:
            length = sum(len(part) + 1 for part in note.parts) - 1
            _refuse_long(f"note {note.number}", length, limits.field_chars, note.line)
        for mark, line in self.marks:
            if footnote_numbers(mark)[0] > limits.note_number:
                raise DocumentError(
                    f"footnote {mark_label(mark)} is out of range: notes are "
                    f"numbered 1 to {limits.note_number:,}",
                    line,
                )

    def _check_bullets(
        self, field_name: str, items: list[str], lines: list[int]
    ) -> None:
        """A bullet section's count and size, each leader's name and size."""
        limits = self.limits
        heading = SECTIONS_BY_FIELD[field_name].heading
        most = limits.leaders if field_name == "leaders" else limits.list_items
        if len(items) > most:
            raise DocumentError(
                f"{heading} has more than {most:,} bullets; that is the most",
                lines[most],
            )
        if field_name == "leaders":
            for item, line in zip(items, lines, strict=True):
                name = _leader(item).name
                what = "this leader's name"
                _refuse_long(what, len(name), limits.leader_name_chars, line)
                _refuse_long("this leader", len(item), limits.field_chars, line)
            return
        length = -1  # the items joined by "\n"
        for item, line in zip(items, lines, strict=True):
            length += len(item) + 1
            if length > limits.field_chars:
                raise DocumentError(
                    f"{heading} is more than {limits.field_chars:,} characters "
                    "long; that is the most",
                    line,
                )

    def _document(self, name: str, english_name: str) -> ProfileDocument:
        self._check_limits(name, english_name)
        notes = self._note_entries()
        known = {note.number for note in notes}
        for mark, number in self.marks:
            if footnote_numbers(mark)[0] not in known:
                raise DocumentError(f"footnote {mark_label(mark)} has no note", number)
        leaders, warnings = self._leaders()
        header = self.header
        return ProfileDocument(
            name=name,
            english_name=english_name,
            alternative_names=_split_list(header.get("alternative_names", ""), ";"),
            tags=_split_list(header.get("tags", ""), ","),
            logo_description=header.get("logo_description", ""),
            flag_text=header.get("flag_text", ""),
            bullets={key: tuple(items) for key, items in self.items.items()},
            leaders=leaders,
            prose={
                key: "\n\n".join(" ".join(lines) for lines in paragraphs)
                for key, paragraphs in self.paragraphs.items()
            },
            notes=notes,
            warnings=warnings,
        )

    def _leaders(self) -> tuple[tuple[LeaderEntry, ...], tuple[DocumentWarning, ...]]:
        """The leaders read from the KEY LEADERS bullets, and a warning for
        each bullet whose name could not be told from its role."""
        leaders, warnings = [], []
        lines = self.item_lines.get("leaders", [])
        for text, line in zip(self.items.pop("leaders", []), lines, strict=True):
            leader, warning = _read_leader(text)
            leaders.append(leader)
            if warning:
                warnings.append(DocumentWarning(line, warning))
        return tuple(leaders), tuple(warnings)


def parse(text: str, *, limits: DocumentLimits | None = None) -> ProfileDocument:
    """Read a profile document; raise `DocumentError` naming the faulty line,
    also for a document past `limits` (default: `DocumentLimits()`)."""
    if "\x00" in text:
        raise DocumentError("this looks like a binary file, not a profile document")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError("the document is empty")
    control = CONTROL_CHARACTER_RE.search(text)
    if control:
        raise DocumentError(
            f"remove the control character U+{ord(control.group()):04X}: "
            "text cannot hold it",
            text.count("\n", 0, control.start()) + 1,
        )
    return _Parser(text.split("\n"), limits or DocumentLimits()).run()


def leader_warnings(text: str) -> tuple[DocumentWarning, ...]:
    """The warnings `parse` gives for the KEY LEADERS bullets of a document
    it has read without error, found by reading only those lines: for a
    caller that kept the values of `parse` but not its warnings."""
    warnings = []
    in_leaders = False
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        heading = _known_heading(line) if line else None
        if heading:
            in_leaders = heading == _LEADERS_HEADING
            continue
        bullet = _BULLET_RE.fullmatch(line) if in_leaders else None
        if bullet and (bullet["text"] or "").strip():
            warning = _read_leader(bullet["text"].strip())[1]
            if warning:
                warnings.append(DocumentWarning(number, warning))
    return tuple(warnings)


_LEADERS_HEADING = next(s.heading for s in SECTIONS if s.kind == SectionKind.LEADERS)


# Rendering ---------------------------------------------------------------------


def _one_line(text: str) -> str:
    """`text` on one line: a line break inside a value would end it early."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _render_leader(leader: LeaderEntry) -> str:
    """The bullet `_read_leader` reads back as `leader`: the name, aka group
    and role as written, or else the role alone (a bullet that was kept whole
    as its role) or the name and role joined by ", ". A leader none of these
    reads back as (typed in the editor) is written the first way."""
    written = _written_leader(leader)
    if leader.aliases or not leader.role.strip():
        return written
    name, role = _one_line(leader.name), _one_line(leader.role)
    for candidate in (written, role, f"{name}, {role}"):
        read = _read_leader(candidate)[0]
        if (read.name, read.aliases, read.role) == (name, (), role):
            return candidate
    return written


def _written_leader(leader: LeaderEntry) -> str:
    text = _one_line(leader.name)
    aliases = [_one_line(alias) for alias in leader.aliases if alias.strip()]
    if aliases:
        text += f" (aka {', '.join(aliases)})"
    role = _one_line(leader.role)
    if role:
        # A mark or punctuation right after the aka group was written against it.
        joined = role[0] in _SUPERSCRIPT_DIGITS or role[0] in ",.;:"
        text += role if joined and aliases else f" {role}"
    return text


def _render_section(document: ProfileDocument, section: Section) -> list[str]:
    if section.kind == SectionKind.LEADERS:
        lines = [_render_leader(leader) for leader in document.leaders]
        items = [line for line in lines if line]
    elif section.kind == SectionKind.BULLETS:
        items = [_one_line(item) for item in document.bullets.get(section.field, ())]
        items = [item for item in items if item]
    else:
        paragraphs = re.split(r"\n\s*\n", document.prose.get(section.field, ""))
        blocks = [_one_line(p) for p in paragraphs if p.strip()]
        return [section.heading, *blocks] if blocks else []
    if not items:
        return []
    return [section.heading, "\n".join(f"- {item}" for item in items)]


def render(document: ProfileDocument) -> str:
    """Write `document` in the layout `parse` reads, one blank line between blocks."""
    title = _one_line(document.name)
    if document.english_name.strip():
        title += f" ({_one_line(document.english_name)})"
    blocks = [title]
    header = (
        ("Logo", document.logo_description),
        ("Flag Text", document.flag_text),
        ("Alternative names", "; ".join(map(_one_line, document.alternative_names))),
        ("Tags", ", ".join(map(_one_line, document.tags))),
    )
    blocks += [f"{key}: {_one_line(value)}" for key, value in header if value.strip()]
    for section in SECTIONS:
        blocks += _render_section(document, section)
    blocks += [f"{note.number}. {_one_line(note.text)}" for note in document.notes]
    return "\n\n".join(blocks) + "\n"
