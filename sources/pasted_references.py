"""Reading references an editor pastes from a reference manager: BibTeX
(read by `bibtexparser`), RIS and CSL-JSON, each entry turned into the work
it describes (`SourceEntry`) and the note that cites it in the house style
(`sources.citations.format_source`).

All or nothing: `read_pasted` returns every entry, or raises `PasteError`
with every problem found, each naming its entry ("Entry 3 (BibTeX key
smith2019): no title"). The input is bounded (`MAX_CHARS`, `MAX_ENTRIES`),
and an entry is accepted only when its note reads back as the same work
(`sources.citations.parse_note`), so what a reviewer approves is what the
bibliography records. Nothing here writes: proposing the notes is
`profiles.views.bibliography`'s, through the workflow.
"""

import json
import re
from dataclasses import dataclass, replace

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    ParsingFailedBlock,
)
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from pylatexenc.latex2text import LatexNodes2Text

from sources.citations import SourceEntry, format_source, parse_note
from sources.dates import iso_partial_date
from sources.models import Source

#: The most characters one paste may hold, and the most entries.
MAX_CHARS = 200_000
MAX_ENTRIES = 100

#: The formats read, by the name the form gives them.
FORMATS: dict[str, str] = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}

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
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3].lower(): number for number, name in enumerate(_MONTH_NAMES, 1)},
    "sept": 9,
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WEB_URL = URLValidator(schemes=["http", "https"])


class PasteError(ValueError):
    """What is wrong with a paste: one message per problem, each naming its
    entry."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class PastedEntry:
    """One entry of a paste: its place (from 1), how the page names it, the
    work it describes and the note citing it."""

    number: int
    label: str
    entry: SourceEntry
    note: str


@dataclass
class _Raw:
    """An entry as read, before it is checked."""

    label: str
    title: str = ""
    authors: list[str] | None = None
    publication: str = ""
    date: str = ""
    url: str = ""
    problem: str = ""


def detect_format(text: str) -> str:
    """The format `text` is written in, by its first mark: "[" or "{" for
    CSL-JSON, "@" for BibTeX, "TY  -" for RIS; "" when none."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("[", "{"):
        return "csl-json"
    if re.match(r"TY  -", stripped):
        return "ris"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.MULTILINE):
        return "bibtex"
    return ""


def read_pasted(text: str, format_name: str = "") -> list[PastedEntry]:
    """The entries of `text`, written in `format_name` (a key of `FORMATS`;
    detected when empty). Raises `PasteError` naming every problem: a text
    too long, no entry or too many, an entry that cannot be read, or one
    without a title, with a field longer than the bibliography keeps, a URL
    that is not a web address, or no note that would read back as it."""
    if len(text) > MAX_CHARS:
        raise PasteError(
            [
                f"The text is {len(text):,} characters long: paste at most "
                f"{MAX_CHARS:,} at a time."
            ]
        )
    format_name = format_name or detect_format(text)
    if format_name not in FORMATS:
        raise PasteError(
            [
                "This is not BibTeX, RIS or CSL-JSON: choose its format, or paste "
                "entries starting “@”, “TY  -” or “[”."
            ]
        )
    raws = _READERS[format_name](text)
    if not raws:
        raise PasteError([f"No {FORMATS[format_name]} entry was found."])
    if len(raws) > MAX_ENTRIES:
        raise PasteError(
            [f"{len(raws)} entries: paste at most {MAX_ENTRIES} at a time."]
        )
    entries, problems = [], []
    for number, raw in enumerate(raws, start=1):
        try:
            entries.append(_checked(number, raw))
        except ValueError as error:
            problems.append(f"{raw.label}: {error}")
    if problems:
        raise PasteError(problems)
    return entries


def _label(number: int, kind: str = "", key: str = "") -> str:
    key = _clean(key)[:80]
    return f"Entry {number} ({kind} {key})" if key else f"Entry {number}"


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def _checked(number: int, raw: _Raw) -> PastedEntry:
    """The entry `raw` describes, or ValueError saying what is wrong."""
    if raw.problem:
        raise ValueError(raw.problem)
    fields = {
        "title": _clean(raw.title),
        "authors": _authors_text([_clean(a) for a in raw.authors or [] if _clean(a)]),
        "publication": _clean(raw.publication),
        "date": _clean(raw.date),
        "url": _clean(raw.url),
    }
    if not fields["title"]:
        raise ValueError("no title")
    for name, value in fields.items():
        if _CONTROL.search(value):
            raise ValueError(f"its {name} holds a control character")
        limit = Source._meta.get_field(name).max_length
        if len(value) > limit:
            raise ValueError(
                f"its {name} is {len(value)} characters long; the bibliography "
                f"keeps at most {limit}"
            )
    if fields["url"]:
        try:
            _WEB_URL(fields["url"])
        except ValidationError as error:
            raise ValueError(
                f"its URL “{fields['url']}” is not a web address"
            ) from error
    entry = SourceEntry(**fields)
    if not (entry.url or (entry.publication and iso_partial_date(entry.date))):
        raise ValueError(
            "it needs a URL, or a publication and a date, to be cited in a note"
        )
    note = format_source(entry)
    commentary, read = parse_note(note)
    if commentary or len(read) != 1 or replace(read[0], language="") != entry:
        raise ValueError(
            "its note would not read back as the same work (check the quotation "
            "marks and asterisks in its title and publication)"
        )
    return PastedEntry(number=number, label=raw.label, entry=read[0], note=note)


def _authors_text(names: list[str]) -> str:
    """Names as the house style lists them: "A", "A and B", "A, B, and C"."""
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])}, and {names[-1]}"


def written_date(year, month=None, day=None) -> str:
    """A date as the house style writes it: "2017", "September 2017",
    "September 15, 2017"; "" when the parts name no real date."""
    try:
        year = int(year)
        month = int(month) if month not in (None, "") else None
        day = int(day) if day not in (None, "") and month else None
    except (TypeError, ValueError):
        return ""
    if month is None:
        iso = f"{year:04d}"
        text = str(year)
    elif day is None:
        iso = f"{year:04d}-{month:02d}" if 1 <= month <= 12 else ""
        text = f"{_MONTH_NAMES[month - 1]} {year}" if iso else ""
    else:
        iso = f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 else ""
        text = f"{_MONTH_NAMES[month - 1]} {day}, {year}" if iso else ""
    return text if text and iso_partial_date(text) == iso else ""


def _iso_date(text: str) -> str:
    """A written ISO date ("2017-09-15", "2017-09", "2017/2018") in the
    house style; "" when it is not one."""
    match = re.match(r"^\s*(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?", text or "")
    if match is None:
        return ""
    return written_date(match[1], match[2], match[3])


# BibTeX

_LATEX = LatexNodes2Text(math_mode="verbatim")
_LATEX_URL = re.compile(r"\\url\s*\{([^{}]*)\}")
_BIBTEX_START = re.compile(r"\s*@(\w+)\s*[{(]\s*([^,\s{}()]*)")
_PUBLICATION_FIELDS = (
    "journaltitle",
    "journal",
    "booktitle",
    "howpublished",
    "publisher",
    "organization",
    "institution",
    "school",
)


def _latex_text(value) -> str:
    if not isinstance(value, str):
        return ""
    return _clean(_LATEX.latex_to_text(value))


def _latex_url(value) -> str:
    """A URL field as written: braces and LaTeX escapes ("\\_", "\\%") off,
    nothing else decoded (a "%" in a URL is not a comment)."""
    if not isinstance(value, str):
        return ""
    if found := _LATEX_URL.search(value):
        value = found[1]
    value = re.sub(r"\\([_%&#$~])", r"\1", value)
    return _clean(value.replace("{", "").replace("}", ""))


def _bibtex_name(name) -> str:
    if isinstance(name, NameParts):
        given = _latex_text(" ".join(name.first))
        family = _latex_text(" ".join([*name.von, *name.last]))
        jr = _latex_text(" ".join(name.jr))
        whole = " ".join(p for p in (given, family) if p)
        return f"{whole}, {jr}" if jr else whole
    return _latex_text(name)


def _read_bibtex(text: str) -> list[_Raw]:
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    raws = []
    for block in library.blocks:
        number = len(raws) + 1
        if isinstance(block, Entry):
            raws.append(_bibtex_raw(number, block))
        elif isinstance(block, DuplicateBlockKeyBlock):
            raws.append(
                _Raw(
                    _label(number, "BibTeX key", block.key),
                    problem="its key is used by an entry before it",
                )
            )
        elif isinstance(block, ParsingFailedBlock):
            start = _BIBTEX_START.match(block.raw or "")
            if start is None or start[1].lower() in ("comment", "preamble"):
                continue
            raws.append(
                _Raw(
                    _label(number, "BibTeX key", start[2] or ""),
                    problem="could not be read as BibTeX: "
                    + _bibtex_error(block.error),
                )
            )
    return raws


def _bibtex_error(error: Exception) -> str:
    """What stopped `bibtexparser` reading a block, in its own words."""
    reason = getattr(error, "abort_reason", "") or str(error)
    return _clean(reason)[:200] or "a brace or quotation mark is not closed"


def _bibtex_raw(number: int, entry: Entry) -> _Raw:
    fields = {field.key.lower(): field.value for field in entry.fields}
    names = fields.get("author") or fields.get("editor") or []
    if not isinstance(names, list):
        names = [names]
    authors = [_bibtex_name(name) for name in names if not _is_others(name)]
    if len(authors) < len(names):
        authors[-1:] = [f"{authors[-1]} et al."] if authors else []
    url = _latex_url(fields.get("url"))
    howpublished = fields.get("howpublished")
    if not url and isinstance(howpublished, str) and _LATEX_URL.search(howpublished):
        url = _latex_url(howpublished)
        fields.pop("howpublished")
    if not url and fields.get("doi"):
        url = "https://doi.org/" + _latex_url(fields["doi"])
    publication = next(
        (
            _latex_text(fields[name])
            for name in _PUBLICATION_FIELDS
            if _latex_text(fields.get(name))
        ),
        "",
    )
    if fields.get("date"):
        date = _iso_date(_latex_text(fields["date"]))
    else:
        date = (
            written_date(
                _latex_text(fields.get("year")) or None,
                _month(_latex_text(fields.get("month"))),
                _latex_text(fields.get("day")) or None,
            )
            if fields.get("year")
            else ""
        )
    return _Raw(
        _label(number, "BibTeX key", entry.key),
        title=_latex_text(fields.get("title")),
        authors=authors,
        publication=publication,
        date=date,
        url=url,
    )


def _is_others(name) -> bool:
    if isinstance(name, NameParts):
        return not name.first and not name.von and name.last == ["others"]
    return str(name).strip() == "others"


def _month(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        return int(value)
    return _MONTHS.get(value)


# RIS

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_RIS_TITLE_TAGS = ("TI", "T1", "CT", "BT")
_RIS_PUBLICATION_TAGS = ("T2", "JO", "JF", "JA", "J2", "T3", "PB")
_RIS_AUTHOR_TAGS = ("AU", "A1")


def _read_ris(text: str) -> list[_Raw]:
    """Records from "TY  -" to "ER  -"; a line that is no "XY  - value"
    continues the value before it."""
    raws: list[_Raw] = []
    record: list[tuple[str, str]] | None = None
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip().lstrip("\ufeff")
        match = _RIS_LINE.match(line)
        if match is None:
            if not line.strip():
                continue
            if record:
                tag, value = record[-1]
                record[-1] = (tag, f"{value} {line.strip()}")
                continue
            raws.append(
                _Raw(
                    _label(len(raws) + 1),
                    problem=f"line {line_number} is outside a record (“TY  -” "
                    "starts one)",
                )
            )
            continue
        tag, value = match[1], (match[2] or "").strip()
        if tag == "TY":
            if record is not None:
                raws.append(_unended(len(raws) + 1, record))
            record = [(tag, value)]
        elif record is None:
            raws.append(
                _Raw(
                    _label(len(raws) + 1),
                    problem=f"line {line_number} ({tag}) comes before “TY  -”",
                )
            )
        elif tag == "ER":
            raws.append(_ris_raw(len(raws) + 1, record))
            record = None
        else:
            record.append((tag, value))
    if record is not None:
        raws.append(_unended(len(raws) + 1, record))
    return raws


def _unended(number: int, record: list[tuple[str, str]]) -> _Raw:
    raw = _ris_raw(number, record)
    raw.problem = "it has no end (“ER  -”)"
    return raw


def _ris_raw(number: int, record: list[tuple[str, str]]) -> _Raw:
    values: dict[str, list[str]] = {}
    for tag, value in record:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str:
        return next((values[tag][0] for tag in tags if tag in values), "")

    authors = [
        _ris_name(name) for tag in _RIS_AUTHOR_TAGS for name in values.get(tag, [])
    ]
    date = first("DA", "PY", "Y1")
    url = first("UR", "L2")
    if not url and first("DO"):
        url = "https://doi.org/" + first("DO")
    return _Raw(
        _label(number, "RIS ID", first("ID")),
        title=first(*_RIS_TITLE_TAGS),
        authors=authors,
        publication=first(*_RIS_PUBLICATION_TAGS),
        date=_iso_date(date),
        url=url.split()[0] if url else "",
    )


def _ris_name(name: str) -> str:
    """ "Family, Given" as "Given Family"; a name without a comma as it is."""
    family, comma, given = name.partition(",")
    if not comma:
        return name
    given, _, suffix = given.strip().partition(",")
    whole = " ".join(p for p in (given.strip(), family.strip()) if p)
    return f"{whole}, {suffix.strip()}" if suffix.strip() else whole


# CSL-JSON


def _read_csl_json(text: str) -> list[_Raw]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise PasteError([f"This is not JSON: {error}."]) from error
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise PasteError(["CSL-JSON is a list of items: “[{…}, {…}]”."])
    return [_csl_raw(number, item) for number, item in enumerate(items, start=1)]


def _csl_text(value) -> str:
    if isinstance(value, list):  # some writers give a title as a list
        value = value[0] if value else ""
    return _clean(value) if isinstance(value, str | int | float) else ""


def _csl_raw(number: int, item) -> _Raw:
    if not isinstance(item, dict):
        return _Raw(_label(number), problem="it is not a CSL-JSON item (“{…}”)")
    label = _label(number, "id", _csl_text(item.get("id")))
    names = item.get("author") or item.get("editor") or []
    if not isinstance(names, list):
        return _Raw(label, problem="its author is not a list of names")
    authors = []
    for name in names:
        if not isinstance(name, dict):
            return _Raw(label, problem="its author is not a list of names")
        literal = _csl_text(name.get("literal"))
        given = _csl_text(name.get("given"))
        family = " ".join(
            p
            for p in (
                _csl_text(name.get("dropping-particle")),
                _csl_text(name.get("non-dropping-particle")),
                _csl_text(name.get("family")),
            )
            if p
        )
        authors.append(literal or " ".join(p for p in (given, family) if p))
    url = _csl_text(item.get("URL"))
    if not url and _csl_text(item.get("DOI")):
        url = "https://doi.org/" + _csl_text(item.get("DOI"))
    return _Raw(
        label,
        title=_csl_text(item.get("title")),
        authors=authors,
        publication=_csl_text(item.get("container-title"))
        or _csl_text(item.get("publisher")),
        date=_csl_date(item.get("issued")),
        url=url,
    )


def _csl_date(value) -> str:
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return written_date(*parts[0][:3])
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            return _iso_date(value[key]) or (
                value[key] if iso_partial_date(value[key]) else ""
            )
    return ""


_READERS = {"bibtex": _read_bibtex, "ris": _read_ris, "csl-json": _read_csl_json}
