"""Cited works as references in the formats researchers use: formatted in
APA, Chicago (author-date) and MLA, and written out as CSL-JSON, BibTeX and
RIS files for reference managers (Zotero, EndNote, BibLaTeX).

A `Reference` is one work in the shape those formats share (names split into
family and given where the name clearly is a person's); `source_reference`
makes one of a `Source`, and `profiles.cite_version` one of a profile's
version. The styles are the official CSL files shipped in `sources/csl/`,
read from disk once per process and never fetched; `citeproc-py` formats
with them.
"""

import functools
import html
import json
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import bibtexparser
import nh3
from bibtexparser.model import Entry, Field
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.frontend import CitationStylesXML
from citeproc.source.json import CiteProcJSON
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

CSL_DIR = Path(__file__).resolve().parent / "csl"
LOCALE = "en-US"

#: The styles offered, by their CSL file's name: what readers see them called.
STYLES: dict[str, str] = {
    "apa": "APA (7th edition)",
    "chicago-author-date": "Chicago (author-date)",
    "modern-language-association": "MLA (9th edition)",
}


@dataclass(frozen=True)
class ExportFormat:
    """A bibliography file format: its content type and file extension."""

    name: str
    label: str
    content_type: str
    extension: str


#: The file formats, by the name `?format=` gives them.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "csl-json": ExportFormat(
        "csl-json", "CSL-JSON", "application/vnd.citationstyles.csl+json", "json"
    ),
    "bibtex": ExportFormat("bibtex", "BibTeX", "application/x-bibtex", "bib"),
    "ris": ExportFormat("ris", "RIS", "application/x-research-info-systems", "ris"),
}


@dataclass(frozen=True)
class Name:
    """One author: a person's `family` and `given` names, or a `literal`
    name kept whole (an organisation, a handle, a name we cannot split)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def __str__(self) -> str:
        return self.literal or " ".join(p for p in (self.given, self.family) if p)


@dataclass(frozen=True)
class Reference:
    """One work as the formats describe it. `issued` is an ISO 8601 date at
    its own precision ("2017", "2017-09", "2017-09-15") or ""; `kind` a CSL
    item type. Hashable, so a formatted reference is remembered."""

    key: str
    kind: str
    title: str
    authors: tuple[Name, ...] = ()
    container: str = ""
    issued: str = ""
    accessed: date | None = None
    url: str = ""
    language: str = ""
    version: str = ""


# Author lists as the house style writes them: "A, B, and C", "A and B".
_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*")
# Words that name an organisation rather than a person: "Jusoor Center",
# "Human Rights Watch", "Syrian Observatory for Human Rights".
_INSTITUTION_WORDS = frozenset(
    [
        "academy",
        "agency",
        "army",
        "association",
        "brigade",
        "brigades",
        "bureau",
        "center",
        "centre",
        "channel",
        "commission",
        "committee",
        "council",
        "corps",
        "department",
        "division",
        "forces",
        "foundation",
        "front",
        "government",
        "group",
        "institute",
        "international",
        "league",
        "media",
        "ministry",
        "monitor",
        "movement",
        "network",
        "news",
        "observatory",
        "office",
        "organisation",
        "organization",
        "party",
        "post",
        "press",
        "project",
        "service",
        "studies",
        "team",
        "times",
        "tribune",
        "unit",
        "university",
        "watch",
    ]
)
# Lower-case words that begin a family name: "al-Tamimi", "de Gaulle".
_FAMILY_PARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az)-|^(?:de|van|von)$")


def author_names(authors: str) -> tuple[Name, ...]:
    """The authors of a work as written ("Nicholas A. Heras, Bassam
    Barabandi, and Nidal Betare"), one `Name` each.

    A name is split into given and family names only when it plainly is a
    person's: two to four words in Latin letters, each capitalised (a family
    name may start with a particle such as "al-"), none naming an
    institution. Anything else ("Liwa al-Imam al-Baqir", "@tobiaschneider",
    "Jusoor Center") stays one literal name, as does a list that does not
    split into such names ("Smith, J.")."""
    authors = " ".join(authors.split())
    if not authors:
        return ()
    parts = [part for part in _AUTHOR_SEPARATOR.split(authors) if part]
    if len(parts) > 1 and any(len(part.split()) < 2 for part in parts):
        return (Name(literal=authors),)
    return tuple(_person_or_literal(part) for part in parts)


def _person_or_literal(name: str) -> Name:
    words = name.split()
    if not 2 <= len(words) <= 4 or not all(_latin_word(word) for word in words):
        return Name(literal=name)
    if any(word.lower().strip(".") in _INSTITUTION_WORDS for word in words):
        return Name(literal=name)
    *given, family = words
    if not all(word[0].isupper() for word in given):
        return Name(literal=name)
    if not (family[0].isupper() or _FAMILY_PARTICLE.match(family)):
        return Name(literal=name)
    return Name(family=family, given=" ".join(given))


def _latin_word(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return (
        bool(letters)
        and all("LATIN" in unicodedata.name(char, "") for char in letters)
        and all(char.isalpha() or char in ".-'’" for char in word)
    )


def source_reference(source) -> "Reference":
    """The reference for a `sources.models.Source`: a web page when it has a
    URL, else an article; accessed on its `accessed_on`, or failing that
    on the day it was first published (or recorded)."""
    when = source.published_at or source.created_at
    accessed = source.accessed_on or (timezone.localdate(when) if when else None)
    return Reference(
        key=_citation_key(source.authors or source.title, source.date_iso, source.pk),
        kind="webpage" if source.url else "article-journal",
        title=source.title or source.publication or source.url,
        authors=author_names(source.authors),
        container=source.publication if source.title else "",
        issued=source.date_iso,
        accessed=accessed,
        url=source.url,
        language=source.language,
    )


def _citation_key(words: str, issued: str, suffix) -> str:
    """A BibTeX key such as "heras2017-12": the first author's (or title's)
    last ASCII word, the year and a suffix that makes it unique."""
    first = _AUTHOR_SEPARATOR.split(" ".join(words.split()))[0] if words else ""
    ascii_words = re.findall(
        r"[a-z0-9]+",
        unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode().lower(),
    )
    stem = ascii_words[-1][:30] if ascii_words else "source"
    return f"{stem}{issued[:4]}-{suffix}"


# CSL-JSON


def _date_parts(iso: str) -> list[int]:
    return [int(part) for part in iso.split("-")]


def csl_names(names: Iterable[Name]) -> list[dict[str, str]]:
    return [
        {"literal": name.literal}
        if name.literal
        else {"family": name.family, "given": name.given}
        for name in names
    ]


def csl_item(reference: Reference) -> dict:
    """The reference as one CSL-JSON item: `id`, `type`, `title`, and where
    known `author`, `container-title`, `issued`, `accessed`, `URL`,
    `language`, `version`."""
    item: dict = {"id": reference.key, "type": reference.kind, "title": reference.title}
    if reference.authors:
        item["author"] = csl_names(reference.authors)
    if reference.container:
        item["container-title"] = reference.container
    if reference.issued:
        item["issued"] = {"date-parts": [_date_parts(reference.issued)]}
    if reference.accessed:
        item["accessed"] = {"date-parts": [_date_parts(reference.accessed.isoformat())]}
    if reference.url:
        item["URL"] = reference.url
    if reference.language:
        item["language"] = reference.language
    if reference.version:
        item["version"] = reference.version
    return item


def csl_json(references: Iterable[Reference]) -> str:
    """A CSL-JSON file: a list of items, one per reference."""
    return json.dumps(
        [csl_item(reference) for reference in references],
        ensure_ascii=False,
        indent=2,
    )


# BibTeX

_LATEX_SPECIAL = re.compile(r"[\\{}&%$#_~^]")
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_text(text: str) -> str:
    """`text` with LaTeX's special characters escaped, so a field holds
    exactly what it says ("Q&A" stays "Q&A" once typeset)."""
    return _LATEX_SPECIAL.sub(
        lambda match: _LATEX_ESCAPES.get(match[0], "\\" + match[0]), text
    )


def _bibtex_name(name: Name) -> str:
    if name.literal:
        return "{" + latex_text(name.literal) + "}"  # braces: one name, unsplit
    return f"{latex_text(name.family)}, {latex_text(name.given)}"


def _bibtex_url(url: str) -> str:
    """A URL as a field value: verbatim, but for braces, which would end it."""
    return url.replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(reference: Reference) -> Entry:
    """The reference as a BibTeX `@misc` entry, which BibTeX and BibLaTeX
    both read: `howpublished` names the publication, `date` and `urldate`
    are BibLaTeX's ISO dates beside BibTeX's `year` and `month`."""
    fields = [Field("title", latex_text(reference.title))]
    if reference.authors:
        fields.append(
            Field("author", " and ".join(map(_bibtex_name, reference.authors)))
        )
    if reference.container:
        fields.append(Field("howpublished", latex_text(reference.container)))
    if reference.issued:
        parts = _date_parts(reference.issued)
        fields.append(Field("date", reference.issued))
        fields.append(Field("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(Field("month", str(parts[1])))
    if reference.url:
        fields.append(Field("url", _bibtex_url(reference.url)))
    if reference.accessed:
        fields.append(Field("urldate", reference.accessed.isoformat()))
    if reference.language:
        fields.append(Field("language", latex_text(reference.language)))
    if reference.version:
        fields.append(Field("version", latex_text(reference.version)))
    return Entry("misc", reference.key, fields)


def bibtex(references: Iterable[Reference]) -> str:
    """A BibTeX file of the references, written by `bibtexparser`."""
    library = bibtexparser.Library([bibtex_entry(r) for r in references])
    return bibtexparser.write_string(library)


# RIS

_RIS_TYPES = {"webpage": "ELEC", "article-journal": "JOUR"}


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"


def _ris_date(iso: str) -> str:
    """RIS's YYYY/MM/DD/ with empty parts for what is not known."""
    parts = [*iso.split("-"), "", ""]
    return f"{parts[0]}/{parts[1]}/{parts[2]}/"


def ris_record(reference: Reference) -> str:
    """One RIS record, from `TY  -` to `ER  -`."""
    lines = [_ris_line("TY", _RIS_TYPES.get(reference.kind, "GEN"))]
    lines.append(_ris_line("ID", reference.key))
    for name in reference.authors:
        lines.append(_ris_line("AU", name.literal or f"{name.family}, {name.given}"))
    lines.append(_ris_line("TI", reference.title))
    if reference.container:
        lines.append(_ris_line("T2", reference.container))
    if reference.issued:
        lines.append(_ris_line("PY", reference.issued[:4]))
        lines.append(_ris_line("DA", _ris_date(reference.issued)))
    if reference.url:
        lines.append(_ris_line("UR", reference.url))
    if reference.accessed:
        lines.append(_ris_line("Y2", _ris_date(reference.accessed.isoformat())))
    if reference.language:
        lines.append(_ris_line("LA", reference.language))
    if reference.version:
        lines.append(_ris_line("ET", reference.version))
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def ris(references: Iterable[Reference]) -> str:
    """A RIS file: the records one after another, a blank line between."""
    return "\n".join(ris_record(reference) for reference in references)


#: Writers of each export format, by the name `EXPORT_FORMATS` gives it.
WRITERS = {"csl-json": csl_json, "bibtex": bibtex, "ris": ris}


def write(references: Iterable[Reference], format_name: str) -> str:
    """The references as a file of `format_name` (a key of `EXPORT_FORMATS`)."""
    return WRITERS[format_name](references)


# Formatted references

_CSL_NAMESPACE = {"cs": "http://purl.org/net/xbiblio/csl"}
# citeproc-py keeps one formatter and its state on the style: one reference
# is formatted at a time.
_FORMATTING = threading.Lock()


@functools.cache
def _style(name: str) -> CitationStylesStyle:
    """The CSL style `name` read from `CSL_DIR`, with the en-US locale read
    from there too (not citeproc-py's own copy).

    citeproc-py 0.11 does not read a name's `initialize="false"`, so
    Chicago and MLA would shorten every given name to its initials. The
    style's inherited `initialize-with` is therefore moved onto each name
    that initialises, in memory; the file stays as published."""
    style = CitationStylesStyle(
        str(CSL_DIR / f"{name}.csl"), locale=LOCALE, validate=False
    )
    root = style.root
    inherited = root.get("initialize-with")
    if inherited is not None:
        for element in root.iterfind(".//cs:name", _CSL_NAMESPACE):
            if element.get("initialize") != "false" and not element.get(
                "initialize-with"
            ):
                element.set("initialize-with", inherited)
        del root.attrib["initialize-with"]
    locale = CitationStylesXML(
        str(CSL_DIR / f"locales-{LOCALE}.xml"), validate=False
    ).root
    locale.style = root
    in_style = [found for found in root.locales if found.getparent() is root]
    root.locales = [*in_style, locale]
    return style


# en-US puts a period or comma inside the closing quote (the locale's
# `punctuation-in-quote`, which citeproc-py leaves out).
_PUNCTUATION_OUTSIDE_QUOTE = re.compile(r"”([.,])")
_FORMATTED_TAGS = {"i", "b", "sup", "sub"}


def _escaped_item(reference: Reference) -> dict:
    """The CSL item with every text escaped for HTML: citeproc-py's HTML
    formatter adds its tags around the text as given."""

    def escape(value):
        if isinstance(value, str):
            return html.escape(value, quote=False)
        if isinstance(value, list):
            return [escape(v) for v in value]
        if isinstance(value, dict):
            return {k: escape(v) for k, v in value.items()}
        return value

    return escape(csl_item(reference))


@functools.lru_cache(maxsize=1024)
def formatted(reference: Reference, style_name: str) -> SafeString:
    """The reference formatted in the style `style_name` (a key of
    `STYLES`) as HTML: its text escaped, only italics and the like as tags
    (sanitised again with nh3)."""
    item = _escaped_item(reference)
    with _FORMATTING:
        bibliography = CitationStylesBibliography(
            _style(style_name), CiteProcJSON([item]), formatter.html
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = str(bibliography.bibliography()[0])
    text = _PUNCTUATION_OUTSIDE_QUOTE.sub(r"\1”", text)
    # nh3 has just sanitised it: only the tags above, no attributes.
    return mark_safe(nh3.clean(text, tags=_FORMATTED_TAGS, attributes={}))


def formatted_references(reference: Reference) -> list[tuple[str, SafeString]]:
    """(style label, formatted reference) in each of `STYLES`, in order."""
    return [(label, formatted(reference, name)) for name, label in STYLES.items()]


__all__ = [
    "EXPORT_FORMATS",
    "STYLES",
    "Name",
    "Reference",
    "author_names",
    "bibtex",
    "csl_item",
    "csl_json",
    "formatted",
    "formatted_references",
    "ris",
    "source_reference",
    "write",
]
