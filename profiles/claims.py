"""Claims: the facts of a section, each with its evidence, status and date.

A section's bullets, its prose and its leaders are read as claims. A claim is
its text (without footnote marks), its ordered citations (note numbers, each
with an optional locator such as a page), a status, an as-of date that may be
partial or uncertain (EDTF) and an optional review-by date.

The text layout carries all of it, so a value, a version snapshot, a diff and
an export hold claims without a second shape beside them:

    Roughly 3,000 fighters.⁶ [reported; as of 2017-01/2017-04; note 6, p. 12]

The marks end the claim's text; the bracket, when every part of it reads as
one of the parts below, gives what is not plain "confirmed and undated".
`parse_*` and `render_*` are inverse: `render_bullet(parse_bullet(line))` is
`line` for every line, so reading a profile as claims loses no character.

Pure Python: no Django import, so the document format and migrations use it.
"""

import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from edtf.parser import parser_classes

__all__ = [
    "Citation",
    "Claim",
    "ClaimDate",
    "InvalidClaim",
    "Status",
    "as_of_words",
    "leader_claim",
    "parse_as_of",
    "parse_bullet",
    "parse_prose",
    "parse_review_by",
    "render_bullet",
    "render_prose",
]

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")
_TO_SUPERSCRIPT = str.maketrans("0123456789", _SUPERSCRIPT_DIGITS)
_MARK = f"[{_SUPERSCRIPT_DIGITS}]+"
_MARK_RE = re.compile(_MARK)
#: One or more marks, apart by spaces or commas ("¹ ²", "¹,²"): "¹²" is note 12.
_MARKS_RE = re.compile(f"{_MARK}(?:[ ,]*{_MARK})*")
_MARK_RUN_CHARS = frozenset(_SUPERSCRIPT_DIGITS + " ,")
#: A bracket of annotations at the end of a claim.
_NOTE_RE = re.compile(r"\[(?P<body>[^\[\]\n]{1,500})\]")

#: The longest locator ("p. 12", "para. 4", "at 03:12").
LOCATOR_CHARS = 100


class Status(StrEnum):
    """How sure the record is of a claim, in the words readers see."""

    CONFIRMED = "confirmed"
    REPORTED = "reported"
    CLAIMED = "claimed by the group"
    DISPUTED = "disputed"
    DENIED = "denied"
    UNVERIFIED = "unverified"

    @property
    def label(self) -> str:
        return self.value


class InvalidClaim(ValueError):
    """A claim's part that cannot be read; the message names it."""


@dataclass(frozen=True)
class Citation:
    number: int
    locator: str = ""
    #: How credible the note's work makes the claim, 1 (confirmed by other
    #: sources) to 6 (cannot be judged); None when not graded.
    credibility: int | None = None


@dataclass(frozen=True)
class ClaimDate:
    """A partial or uncertain date in EDTF ("2017", "2017-09",
    "2017-01/2017-04", "2016?") with the first and last day it may mean."""

    edtf: str
    lower: date
    upper: date

    def __str__(self) -> str:
        return self.edtf


@dataclass(frozen=True)
class Claim:
    """One fact. `body` is its text as written in the layout, marks inside a
    sentence kept where they stand (`text` is without them); `lead` the
    whitespace that came before it within its prose field."""

    body: str
    citations: tuple[Citation, ...] = ()
    status: Status = Status.CONFIRMED
    as_of: str = ""
    review_by: str = ""
    lead: str = field(default="", compare=False)
    #: The marks and annotation after the body as written ("¹ ²", "¹,²"),
    #: kept so the text layout comes back character for character.
    tail: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        """The claim's words, without footnote marks."""
        return (
            " ".join(_MARK_RE.sub(" ", self.body).split())
            if _MARK_RE.search(self.body)
            else self.body.strip()
        )

    @property
    def numbers(self) -> list[int]:
        return [citation.number for citation in self.citations]

    @property
    def unsourced(self) -> bool:
        return not self.citations

    @property
    def as_of_date(self) -> ClaimDate | None:
        return parse_as_of(self.as_of) if self.as_of else None

    @property
    def review_by_date(self) -> date | None:
        return parse_review_by(self.review_by) if self.review_by else None

    def with_text(self, text: str) -> "Claim":
        """This claim with its words replaced (marks move to the end)."""
        return replace(self, body=text.strip(), tail="")


# Dates ------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
#: "early 2017" and the like, as the months they cover.
_PARTS_OF_YEAR = {
    "early": (1, 4),
    "mid": (5, 8),
    "middle of": (5, 8),
    "late": (9, 12),
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
    "first half of": (1, 6),
    "second half of": (7, 12),
}
_PARTS_WORDS = {
    (1, 4): "early",
    (5, 8): "mid-",
    (9, 12): "late",
    (1, 6): "first half of",
    (7, 12): "second half of",
}
_WORDS_RE = re.compile(
    r"(?:(?P<part>early|mid|middle of|late|spring|summer|autumn|fall|winter|"
    r"first half of|second half of)[\s-]+|(?P<month>[a-z]+)\s+)?"
    r"(?P<year>\d{4})(?P<mark>[?~%]?)",
)


def _struct_date(value) -> date:
    return date(value.tm_year, value.tm_mon, value.tm_mday)


#: The EDTF this project reads: a year, month or day, each perhaps
#: uncertain (?), approximate (~) or both (%), and intervals of two. Built
#: into the `edtf` library's objects directly: its own parser takes several
#: milliseconds a date, too slow for a field of thousands of claims.
_EDTF_DATE = (
    r"(?P<{0}year>\d{{4}})"
    r"(?:-(?P<{0}month>\d{{2}})(?:-(?P<{0}day>\d{{2}}))?)?"
    r"(?P<{0}ua>[?~%])?"
)
_EDTF_RE = re.compile(_EDTF_DATE.format("") + "(?:/" + _EDTF_DATE.format("end_") + ")?")
_EDTF_HELP = (
    "write a date as 2017, 2017-09, 2017-09-05, 2016? (uncertain), 2016~ "
    "(approximate), 2017-01/2017-04 (between), or in words: early 2017, "
    "mid-2016, September 2017"
)


def _edtf_date(match: re.Match, prefix: str, text: str):
    year, month, day = (match[f"{prefix}{part}"] for part in ("year", "month", "day"))
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise InvalidClaim(f"{text!r} is not a date: {_EDTF_HELP}") from error
    value = parser_classes.Date(year=year, month=month, day=day)
    ua = match[f"{prefix}ua"]
    return (
        parser_classes.UncertainOrApproximate(value, parser_classes.UA(ua))
        if ua
        else value
    )


@functools.lru_cache(maxsize=4096)
def _edtf(text: str) -> ClaimDate:
    match = _EDTF_RE.fullmatch(text)
    if not match:
        raise InvalidClaim(f"{text[:60]!r} is not a date: {_EDTF_HELP}")
    parsed = _edtf_date(match, "", text)
    if match["end_year"]:
        parsed = parser_classes.Interval(parsed, _edtf_date(match, "end_", text))
    lower = _struct_date(parsed.lower_strict())
    upper = _struct_date(parsed.upper_strict())
    if upper < lower:
        raise InvalidClaim(f"{text!r} ends before it starts")
    return ClaimDate(str(parsed), lower, upper)


def parse_as_of(text: str) -> ClaimDate:
    """An as-of date as typed: EDTF ("2017", "2017-09", "2017-01/2017-04",
    "2016?") or words ("early 2017", "mid-2016", "September 2017",
    "2016?"), always stored as EDTF. Raises `InvalidClaim`."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise InvalidClaim("the as-of date is empty")
    words = _WORDS_RE.fullmatch(cleaned.lower())
    if words and (words["part"] or words["month"]):
        year, mark = words["year"], words["mark"]
        if words["month"]:
            month = _MONTHS.get(words["month"])
            if month is None:
                raise InvalidClaim(f"{text!r}: {words['month']!r} is not a month")
            return _edtf(f"{year}-{month:02d}{mark}")
        first, last = _PARTS_OF_YEAR[words["part"]]
        if first > last:  # winter: December to February of the next year
            return _edtf(f"{year}-{first:02d}/{int(year) + 1}-{last:02d}")
        return _edtf(f"{year}-{first:02d}{mark}/{year}-{last:02d}{mark}")
    return _edtf(cleaned)


def parse_review_by(text: str) -> date:
    """A review-by date: a day (2027-06-01), or a month or year meaning its
    first day."""
    parsed = _edtf(text.strip())
    return parsed.lower


def as_of_words(edtf: str) -> str:
    """An as-of date in plain words: "early 2017", "September 2017",
    "2016 (uncertain)", "about 2016", "5 March 2017"."""
    try:
        parsed = parse_as_of(edtf)
    except InvalidClaim:
        return edtf
    text = parsed.edtf
    uncertain = "?" in text or "%" in text
    approximate = "~" in text or "%" in text
    bare = text.replace("?", "").replace("~", "").replace("%", "")
    start, _, end = bare.partition("/")
    words = None
    if end:
        a, b = start.split("-"), end.split("-")
        if len(a) == len(b) == 2 and a[0] == b[0]:
            span = (int(a[1]), int(b[1]))
            part = _PARTS_WORDS.get(span)
            if part:
                words = f"{part}{a[0]}" if part.endswith("-") else f"{part} {a[0]}"
            else:
                words = (
                    f"{_MONTH_NAMES[span[0] - 1]}–{_MONTH_NAMES[span[1] - 1]} {a[0]}"
                )
        else:
            words = f"{_single_words(start)} – {_single_words(end)}"
    else:
        words = _single_words(start)
    if approximate:
        words = f"about {words}"
    if uncertain:
        words = f"{words} (uncertain)"
    return words


def _single_words(text: str) -> str:
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[2])} {_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return text


# Annotations ------------------------------------------------------------------

_STATUS_BY_WORDS = {status.value: status for status in Status}
_AS_OF_RE = re.compile(r"as of\s+(?P<date>.+)", re.IGNORECASE)
_REVIEW_BY_RE = re.compile(r"review by\s+(?P<date>.+)", re.IGNORECASE)
#: "note 6, p. 12", "note 6 graded 2", "note 6 graded 2, p. 12": where in
#: note 6's work the claim is found, and how credible the work makes it
#: (the Admiralty scale: 1 confirmed by other sources … 6 cannot be judged).
_NOTE_PART_RE = re.compile(
    r"note\s+(?P<number>\d{1,6})(?:\s+graded\s+(?P<grade>[1-6]))?"
    r"(?:,\s*(?P<locator>.+))?",
    re.IGNORECASE,
)


@dataclass
class _Annotation:
    status: Status = Status.CONFIRMED
    as_of: str = ""
    review_by: str = ""
    #: note number -> (locator, credibility grade or None)
    notes: dict[int, tuple[str, int | None]] = field(default_factory=dict)


def _read_annotation(body: str) -> _Annotation | None:
    """The bracket's parts, or None when any part is not one of them (then
    the bracket is the claim's own words, as in "[sic]")."""
    note = _Annotation()
    seen: set[str] = set()
    for raw in body.split(";"):
        part = " ".join(raw.split())
        status = _STATUS_BY_WORDS.get(part.lower())
        if status is not None and "status" not in seen:
            note.status, kind = status, "status"
        elif (match := _AS_OF_RE.fullmatch(part)) and "as of" not in seen:
            try:
                note.as_of, kind = parse_as_of(match["date"]).edtf, "as of"
            except InvalidClaim:
                return None
        elif (match := _REVIEW_BY_RE.fullmatch(part)) and "review by" not in seen:
            try:
                note.review_by, kind = _edtf(match["date"].strip()).edtf, "review by"
            except InvalidClaim:
                return None
        elif (
            (match := _NOTE_PART_RE.fullmatch(part))
            and (match["grade"] or match["locator"])
            and len(part) <= LOCATOR_CHARS
        ):
            number = int(match["number"])
            if number in note.notes:
                return None
            grade = int(match["grade"]) if match["grade"] else None
            note.notes[number] = ((match["locator"] or "").strip(), grade)
            kind = f"note {number}"
        else:
            return None
        seen.add(kind)
    return note


def _annotation(claim: Claim) -> str:
    parts = []
    if claim.status != Status.CONFIRMED:
        parts.append(claim.status.value)
    if claim.as_of:
        parts.append(f"as of {claim.as_of}")
    if claim.review_by:
        parts.append(f"review by {claim.review_by}")
    told: set[int] = set()
    for citation in claim.citations:
        if citation.number in told or not (citation.locator or citation.credibility):
            continue
        told.add(citation.number)
        part = f"note {citation.number}"
        if citation.credibility:
            part += f" graded {citation.credibility}"
        if citation.locator:
            part += f", {citation.locator}"
        parts.append(part)
    return f"[{'; '.join(parts)}]" if parts else ""


def _marks(numbers: list[int]) -> str:
    return " ".join(str(n).translate(_TO_SUPERSCRIPT) for n in numbers)


#: A mark longer than this many digits reads as `10 ** MARK_DIGITS`, as in
#: the document format: no note has such a number, and Python refuses to
#: read more than 4,300 digits as one number.
MARK_DIGITS = 18


def _numbers(marks: str) -> list[int]:
    return [
        int(mark.translate(_FROM_SUPERSCRIPT))
        if len(mark) <= MARK_DIGITS
        else 10**MARK_DIGITS
        for mark in _MARK_RE.findall(marks)
    ]


# Reading and writing claims ---------------------------------------------------


def _claim(
    body: str, marks: str, note: _Annotation | None, *, lead: str = "", tail: str = ""
) -> Claim:
    """A claim from its body, the marks after it and its annotation. The
    citations are every mark of the claim in order: those inside the body,
    then those after it."""
    note = note or _Annotation()
    numbers = _numbers(body) + _numbers(marks)
    citations = tuple(Citation(n, *note.notes.get(n, ("", None))) for n in numbers)
    return Claim(
        body=body,
        citations=citations,
        status=note.status,
        as_of=note.as_of,
        review_by=note.review_by,
        lead=lead,
        tail=tail,
    )


def _trailing_marks(text: str) -> int:
    """Where the marks ending `text` start (`len(text)` if none): a scan from
    the end, in time linear in their length (a regex searched from every
    position would take quadratic time on a long run of marks)."""
    end = len(text)
    if not end or text[-1] not in _SUPERSCRIPT_DIGITS:
        return end
    start = end
    while start and text[start - 1] in _MARK_RUN_CHARS:
        start -= 1
    while text[start] not in _SUPERSCRIPT_DIGITS:
        start += 1
    return start


def _trailing_bracket(text: str) -> tuple[int, str] | None:
    """(where it starts, its inside) of a bracket ending `text`, if any."""
    if not text.endswith("]"):
        return None
    start = text.rfind("[")
    inside = text[start + 1 : -1]
    if start < 0 or not _NOTE_RE.fullmatch(text[start:]):
        return None
    return start, inside


def parse_bullet(line: str) -> Claim:
    """One bullet (or leader entry) as a claim: the annotation is a bracket
    ending it, the marks those just before (or ending it)."""
    body, note = line, None
    bracket = _trailing_bracket(line)
    if bracket:
        note = _read_annotation(bracket[1])
        if note is not None and line[: bracket[0]].strip():
            body = line[: bracket[0]]
            if body.endswith(" "):
                body = body[:-1]
        else:
            note = None
    marks = _trailing_marks(body)
    body, marks_text = (body[:marks], body[marks:]) if marks else (body, "")
    return _claim(body, marks_text, note, tail=line[len(body) :])


def _tail(claim: Claim) -> str:
    """The marks and annotation after a claim's body, as written if they
    still say what the claim says, else in the house form."""
    inner = len(_numbers(claim.body))
    after = claim.numbers[inner:]
    if claim.tail:
        bracket = _trailing_bracket(claim.tail)
        marks = claim.tail[: bracket[0]] if bracket else claim.tail
        note = _read_annotation(bracket[1]) if bracket else _Annotation()
        if note is not None and _numbers(marks) == after:
            written = _claim(claim.body, marks.strip(), note)
            if written == claim:
                return claim.tail
    annotation = _annotation(claim)
    marks = _marks(after)
    return f"{marks} {annotation}" if annotation else marks


def render_bullet(claim: Claim) -> str:
    """The bullet `parse_bullet` reads back as `claim`."""
    return claim.body + _tail(claim)


#: Where a prose claim may end: marks (and an annotation after them), or an
#: annotation alone; followed by a space or the end of the text.
_PROSE_END_RE = re.compile(
    f"(?P<marks>{_MARKS_RE.pattern})(?P<note> ?\\[[^\\[\\]\\n]{{1,500}}\\])?"
    "|(?P<bare>\\[[^\\[\\]\\n]{1,500}\\])"
)
#: What ends a sentence, before its marks.
_SENTENCE_END = '.!?…"”’)»:;'
_SPACE_RE = re.compile(r"\s*")
_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")


def parse_prose(text: str) -> list[Claim]:
    """A prose field as claims, in order: each ends at the marks after a
    sentence (and their annotation) before a space, at an annotation, or at
    the end of its paragraph. `lead` keeps the space before each, so
    `render_prose` gives the text back. Linear in the text's length."""
    claims: list[Claim] = []
    text = text.strip()
    start = position = 0
    lead = ""
    # Each search is kept until the scan passes it: searching again at every
    # paragraph would read the rest of the text once per paragraph.
    paragraph = _PARAGRAPH_BREAK_RE.search(text)
    end_match = _PROSE_END_RE.search(text)
    while True:
        if paragraph and paragraph.start() < position:
            paragraph = _PARAGRAPH_BREAK_RE.search(text, position)
        if end_match and end_match.start() < position:
            end_match = _PROSE_END_RE.search(text, position)
        if paragraph and (end_match is None or paragraph.start() < end_match.start()):
            body = text[start : paragraph.start()].rstrip()
            if body:
                claims.append(_claim(body, "", None, lead=lead))
                lead = text[start + len(body) : paragraph.end()]
            start = position = paragraph.end()
            continue
        if end_match is None:
            break
        marks, note = end_match["marks"] or "", None
        if marks:
            if end_match["note"]:
                note = _read_annotation(end_match["note"].strip()[1:-1])
            end = end_match.end() if note else end_match.end("marks")
        else:
            note = _read_annotation(end_match["bare"][1:-1])
            end = end_match.end()
        closes = end == len(text) or text[end].isspace()
        if marks and not note:
            # Marks end a claim after a sentence, not after a word: "the
            # founder¹ was killed" is one claim.
            closes = closes and text[end_match.start() - 1] in _SENTENCE_END
        if closes and end_match.start() > start and (marks or note is not None):
            body = text[start : end_match.start()]
            if not marks and body.endswith(" "):
                body = body[:-1]
            tail = text[start + len(body) : end]
            claims.append(_claim(body, marks, note, lead=lead, tail=tail))
            gap = _SPACE_RE.match(text, end)
            lead, start = gap.group(), gap.end()
            position = start
            continue
        # Not a claim's end: none starts inside this run of marks or bracket.
        position = end_match.end()
    if start < len(text):
        claims.append(_claim(text[start:], "", None, lead=lead))
    return claims


def render_prose(claims: list[Claim]) -> str:
    """The prose `parse_prose` reads back as `claims`; a claim without a lead
    of its own follows the one before after a space."""
    parts = []
    for index, claim in enumerate(claims):
        lead = "" if index == 0 else (claim.lead or " ")
        parts.append(lead + render_bullet(claim))
    return "".join(parts)


def leader_claim(name: str, aliases: list[str], role: str) -> Claim:
    """A leader entry as a claim: its citations, status and dates are read
    from its role; its text names the person, then the role."""
    aliases = [alias for alias in aliases if alias.strip()]
    name += f" (aka {', '.join(aliases)})" if aliases else ""
    if not role.strip():
        return Claim(body=name)
    read = parse_bullet(role)
    words = read.text
    if not words:
        body = name
    elif words[:1] in ",.;:" or re.match(r"(?:is|was|\()", words):
        body = f"{name}{'' if words[:1] in ',.;:' else ' '}{words}"
    else:
        body = f"{name}, {words}"
    return Claim(
        body=body,
        citations=read.citations,
        status=read.status,
        as_of=read.as_of,
        review_by=read.review_by,
    )


def paragraphs(claims: list[Claim]) -> list[list[Claim]]:
    """Prose claims grouped by paragraph, empty trailers dropped."""
    groups: list[list[Claim]] = []
    for claim in claims:
        if not claim.body and not claim.citations:
            continue
        if not groups or "\n" in claim.lead:
            groups.append([])
        groups[-1].append(claim)
    return groups
