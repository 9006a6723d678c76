"""Rendering of profile text: escaped, footnote marks as links to the notes,
web links only for http and https, and the result sanitised again with nh3.

A note on the profile page is its text as written: escaped, its web
addresses linked in place and in order, *italics* in italics, in its own
direction and the language `sources.languages` reads in it. Where it names
a work (a title or a publication), the work in the house citation style of
`sources.templatetags.citation_style` follows on a line of its own
("Formatted: …"), unless the note is already written exactly so; it never
replaces what was written. `note_citation_html` gives the house-style form
alone (commentary, then the works).

Footnote anchors need to be unique on a page, so the first mark of each note
gets the `ref-N` id the note links back to; the page's state lives in the
template's render context.
"""

import dataclasses
import re
from functools import lru_cache

import nh3
from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from profiles.document import FOOTNOTE_MARK_RE, footnote_numbers
from sources.citations import ENTRY_FIELDS, SourceEntry, format_source, parse_note
from sources.grading import GradeLabel
from sources.languages import detect_language
from sources.templatetags.citation_style import citation_html
from sources.weblinks import is_web_url

register = template.Library()

_TOKEN_RE = re.compile(
    r"<(?P<bracketed>https?://[^\s<>]+)>"
    r"|(?P<url>https?://[^\s<>()\"]*[^\s<>()\".,;:!?*])"
    rf"|(?P<mark>{FOOTNOTE_MARK_RE.pattern})"
    r"|\*(?P<italic>[^*\n]+)\*"
)
_ALLOWED = {
    "tags": {"a", "em", "sup", "p"},
    "attributes": {
        "a": {"href", "id", "aria-label", "rel"},
        "sup": {"class"},
        "p": {"dir"},
    },
    "url_schemes": {"http", "https"},
    "link_rel": None,  # external links get theirs below; footnote links need none
}
_EXTERNAL_REL = "nofollow noopener noreferrer"


def _clean(html: str) -> SafeString:
    return mark_safe(nh3.clean(html, **_ALLOWED))  # nh3 has just sanitised it


def _footnote(number: int, seen: set[int]) -> str:
    anchor = "" if number in seen else f' id="ref-{number}"'
    seen.add(number)
    return (
        f'<sup class="fn"><a href="#note-{number}"{anchor} '
        f'aria-label="Note {number}">{number}</a></sup>'
    )


def _html(text: str, seen: set[int] | None = None, *, italics: bool = False) -> str:
    """Escaped text with links, footnote marks (when `seen` is given) and
    *italics* (when asked) turned into markup."""
    out, position = [], 0
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if (kind == "mark" and seen is None) or (kind == "italic" and not italics):
            continue
        out.append(escape(text[position : match.start()]))
        position = match.end()
        if kind in ("url", "bracketed"):
            # A bracketed address (<https://…>) is shown without its brackets.
            url = match.group(kind)
            out.append(
                f'<a href="{escape(url)}" rel="{_EXTERNAL_REL}">{escape(url)}</a>'
                if is_web_url(url)
                else escape(match.group())
            )
        elif kind == "mark":
            out.extend(
                _footnote(n, seen) for n in footnote_numbers(match.group("mark"))
            )
        else:
            out.append(f"<em>{escape(match.group('italic'))}</em>")
    out.append(escape(text[position:]))
    return "".join(out)


def _seen(context) -> set[int]:
    return context.render_context.setdefault("footnotes_seen", set())


@register.simple_tag(takes_context=True)
def marked(context, text: str) -> SafeString:
    """One line of profile text with its footnote marks linked to the notes."""
    return _remembered(_line_html, text, _seen(context))


@register.simple_tag(takes_context=True)
def prose(context, text: str) -> SafeString:
    """Prose paragraphs (blank-line separated), each in its own direction."""
    return _remembered(_prose_html, text, _seen(context))


def _line_html(text: str, seen: set[int]) -> SafeString:
    return _clean(_html(text, seen))


def _prose_html(text: str, seen: set[int]) -> SafeString:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return _clean("".join(f'<p dir="auto">{_html(p, seen)}</p>' for p in paragraphs))


def _remembered(render, text: str, seen: set[int]) -> SafeString:
    """`render(text, seen)`, remembered per process by the text and which of
    its notes already had a mark on the page (the first mark of a note gets
    the anchor its back link points to). Side effect: adds the notes it marks
    to `seen`, as `render` does. A profile's 200 leaders and their roles
    were sanitised one by one on every view."""
    if len(text) > _REMEMBERED_LONG_CHARS:
        return render(text, seen)
    remembered = (
        _remembered_render
        if len(text) <= _REMEMBERED_CHARS
        else _remembered_long_render
    )
    before = frozenset(n for n in footnote_numbers(text) if n in seen)
    html, marked = remembered(render, text, before)
    seen.update(marked)
    return html


def _render_marking(
    render, text: str, seen_before: frozenset[int]
) -> tuple[SafeString, frozenset[int]]:
    seen = set(seen_before)
    html = render(text, seen)
    return html, frozenset(seen - seen_before)


_remembered_render = lru_cache(maxsize=8_192)(_render_marking)
#: Long texts (a background of many paragraphs): fewer of them, as each
#: holds up to `_REMEMBERED_LONG_CHARS` of text and more of HTML.
_remembered_long_render = lru_cache(maxsize=256)(_render_marking)


@register.filter
def note_html(text: str) -> SafeString:
    """A note: *Publication* in italics and its web addresses linked."""
    return _clean(_html(text, italics=True))


@register.filter
def note_citation_html(citation) -> SafeString:
    """A note as its commentary followed by its sources in the house style,
    separated by "; ". A note citing no source is shown as written.

    Reads `citation.cited_sources()`: prefetch `citation_sources__source` to
    keep a page of notes to one query.
    """
    return _note_html(citation.text, _works(citation))


@register.simple_tag
def note_items(citations, referenced, cited_by=None, grades=None) -> SafeString:
    """The notes' list items, each its text as written (and the works it
    names in the house style beneath, `_formatted_html`), with a link back
    to its first mark when `referenced` (the numbers some mark points to)
    holds its number, links to every claim citing it when `cited_by`
    (number -> (anchor, label) of each, `page_claims.cited_by`) has it, and
    its works' grades beside it when `grades` (number -> `GradeLabel`s,
    `page_grades.note_grades`) has them. Each item is remembered per
    process by what it shows: a profile's 500 notes took most of its page's
    time, through the template, on every view."""
    cited_by = cited_by or {}
    grades = grades or {}
    return mark_safe(  # each item is built from escaped parts
        "".join(
            _note_item(
                c.number,
                c.text,
                _works(c),
                c.number in referenced,
                cited_by.get(c.number, ()),
                grades.get(c.number, ()),
            )
            for c in citations
        )
    )


@register.simple_tag
def source_marks(numbers) -> SafeString:
    """A mark linking to each note in `numbers` (whole numbers), each
    preceded by a space: a section may cite hundreds of notes."""
    return mark_safe(  # whole numbers only
        "".join(
            f' <sup class="fn"><a href="#note-{n:d}" '
            f'aria-label="Source: note {n:d}">{n:d}</a></sup>'
            for n in numbers
        )
    )


#: Texts longer than this are rendered on every view rather than remembered
#: among the many; prose up to the second length among a few.
_REMEMBERED_CHARS = 2_000
_REMEMBERED_LONG_CHARS = 40_000


def _works(citation) -> tuple[SourceEntry, ...]:
    """The works a note cites, as values (a `Source` row is not one; a page
    note's works already are)."""
    return tuple(
        source
        if isinstance(source, SourceEntry)
        else SourceEntry(**{field: getattr(source, field) for field in ENTRY_FIELDS})
        for source in citation.cited_sources()
    )


def _note_item(
    number: int,
    text: str,
    works: tuple[SourceEntry, ...],
    backref: bool,
    cited_by: tuple[tuple[str, str], ...] = (),
    grades: tuple[GradeLabel, ...] = (),
) -> str:
    args = (number, text, works, backref, cited_by, grades)
    if len(text) > _REMEMBERED_CHARS:
        return _remembered_note_item.__wrapped__(*args)
    return _remembered_note_item(*args)


@lru_cache(maxsize=8_192)
def _remembered_note_item(
    number: int,
    text: str,
    works: tuple[SourceEntry, ...],
    backref: bool,
    cited_by: tuple[tuple[str, str], ...],
    grades: tuple[GradeLabel, ...],
) -> str:
    back = (
        format_html(
            ' <a class="backref" href="#ref-{0}" '
            'aria-label="Back to the text of note {0}">↩</a>',
            number,
        )
        if backref
        else ""
    )
    language = detect_language(text)
    return format_html(
        '<li id="note-{0}" value="{0}"><span dir="{1}"{2}>{3}</span>{4}{5}{6}{7}'
        "</li>\n",
        number,
        text_direction(language),
        format_html(' lang="{}"', language) if language else "",
        note_html(text),
        _grades_html(grades),
        back,
        _formatted_html(text, works),
        _cited_by_html(cited_by),
    )


def _grades_html(grades: tuple[GradeLabel, ...]) -> SafeString:
    """Each grade of a note's works as its short form ("B2"), its words in
    its title for a pointer and in hidden text for a screen reader."""
    return format_html_join(
        "",
        ' <span class="note-grade" dir="ltr" title="{1}">'
        '<span aria-hidden="true">{0}</span>'
        '<span class="visually-hidden">{1}</span></span>',
        ((grade.short, grade.words) for grade in grades),
    )


#: Languages written right to left, of those `sources.languages` detects.
_RIGHT_TO_LEFT = frozenset({"ar", "fa", "ur", "ckb"})


def text_direction(language: str) -> str:
    """The direction of a text in `language` (as `sources.languages` reads
    it), or "auto" when it has none. A note of mostly English words that
    opens with a Persian title is laid out left to right, the title in it
    right to left; "auto" would have laid out the whole note right to left
    by its first letter, scrambling its English."""
    if not language:
        return "auto"
    return "rtl" if language in _RIGHT_TO_LEFT else "ltr"


def _cited_by_html(cited_by: tuple[tuple[str, str], ...]) -> SafeString:
    """Links to the claims citing a note, named by their place on the page
    ("Founding", "Weapons •2", "Background and analysis ¶2.1")."""
    if not cited_by:
        return SafeString()
    return format_html(
        '\n<p class="cited-by"><small>Cited by: {}</small></p>',
        format_html_join(", ", '<a href="#{}">{}</a>', cited_by),
    )


#: The parts of a work the formatted line shows.
_WORK_PARTS = ("authors", "title", "publication", "date")


def _formatted_html(text: str, works: tuple[SourceEntry, ...]) -> SafeString:
    """The works a note names, in the house style, as a line under the note
    as written: each work once (a note giving an archived and an original
    address of one work names it once), without its address (the note as
    written links it). Only works named clearly: by a title or a
    publication, and with no part still holding the note's `*` markup (a
    part the note's reading could not place). Nothing when no work is, or
    when the note is written exactly as the house style writes its works."""
    named = tuple(
        dict.fromkeys(
            dataclasses.replace(work, url="")
            for work in works
            if (work.title or work.publication)
            and not any("*" in getattr(work, part) for part in _WORK_PARTS)
        )
    )
    if not named or text.strip() == "; ".join(map(format_source, works)):
        return SafeString()
    return format_html(
        '\n<p class="note-formatted"><small>Formatted: {}</small></p>',
        format_html_join("; ", "{}", ((citation_html(work),) for work in named)),
    )


def _note_html(text: str, works: tuple[SourceEntry, ...]) -> SafeString:
    if not works:
        return note_html(text)
    citations = format_html_join("; ", "{}", ((citation_html(w),) for w in works))
    commentary = _commentary_html(text)
    if not commentary:
        return citations
    return format_html("{} {}", commentary, citations)


@lru_cache(maxsize=8_192)
def _remembered_commentary_html(text: str) -> SafeString:
    commentary = parse_note(text)[0]
    return note_html(commentary) if commentary else SafeString()


def _commentary_html(text: str) -> SafeString:
    """The HTML of what a note says besides its sources, remembered per
    process by the note's text: parsing every note of a 500-note profile
    again took most of the time of its page."""
    if len(text) > _REMEMBERED_CHARS:
        return _remembered_commentary_html.__wrapped__(text)
    return _remembered_commentary_html(text)


@register.filter
def web_url(url: str) -> bool:
    """Whether a URL from user data may become a link."""
    return is_web_url(url)


# Diffs --------------------------------------------------------------------------

#: What a diff may hold besides the profile text's own markup.
_DIFF_ALLOWED = {
    **_ALLOWED,
    "tags": {*_ALLOWED["tags"], "ins", "del", "span"},
    "attributes": {**_ALLOWED["attributes"], "span": {"class", "dir"}},
}
_DIFF_LABELS = {"insert": "inserted", "delete": "deleted"}
_DIFF_TAGS = {"insert": "ins", "delete": "del"}

# How each character of a text is shown: as text, in italics, in a link to the
# address given, or not at all (the `*` and `<` `>` that make the markup).
_PLAIN, _ITALIC, _HIDDEN = ("text",), ("em",), ("hidden",)


def _markup_spans(text: str, *, italics: bool) -> list[tuple[int, tuple]]:
    """(end, style) runs covering `text`, by the rules of `_html` (footnote
    marks stay text: a diff has no notes to link them to)."""
    spans: list[tuple[int, tuple]] = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "mark" or (kind == "italic" and not italics):
            continue
        if kind in ("url", "bracketed"):
            style = ("a", match.group(kind))
            if not is_web_url(style[1]):
                continue
        else:
            style = _ITALIC
        spans.append((match.start(), _PLAIN))
        spans.append((match.start(kind), _HIDDEN))
        spans.append((match.end(kind), style))
        spans.append((match.end(), _HIDDEN))
    spans.append((len(text), _PLAIN))
    return spans


class _Side:
    """One side of a diff read segment by segment, with its markup."""

    def __init__(self, text: str, *, italics: bool) -> None:
        self.spans = _markup_spans(text, italics=italics)
        self.span = 0
        self.position = 0

    def take(self, length: int) -> list[tuple[str, tuple]]:
        """The next `length` characters' runs as (start, end, style)."""
        runs, end = [], self.position + length
        while self.position < end:
            while self.spans[self.span][0] <= self.position:
                self.span += 1
            span_end, style = self.spans[self.span]
            stop = min(span_end, end)
            runs.append((self.position, stop, style))
            self.position = stop
        return runs


def _runs_html(text: str, runs: list[tuple[int, int, tuple]]) -> str:
    out = []
    for start, end, style in runs:
        chunk = escape(text[start:end])
        if style is _HIDDEN:
            continue
        if style is _ITALIC:
            out.append(f"<em>{chunk}</em>")
        elif style[0] == "a":
            out.append(
                f'<a href="{escape(style[1])}" rel="{_EXTERNAL_REL}">{chunk}</a>'
            )
        else:
            out.append(chunk)
    return "".join(out)


@register.simple_tag
def diff_html(segments, field: str = "", column: str = "") -> SafeString:
    """Diff segments (`profiles.diff.Segment`) shown as the profile page shows
    the text: links for http(s) addresses and, in notes, *italics*; each
    inserted or deleted run in <ins> or <del> with its change said in words.

    The markup is read from each whole text (the old one from the equal and
    deleted runs, the new one from the equal and inserted runs), so a change
    inside an italic span or a link keeps its formatting; every run's HTML is
    complete in itself. A change only to the markup (an added `*`) is shown
    as written, so that it is not lost.
    """
    italics = field == "citations" and column in ("", "text")
    old = "".join(s.text for s in segments if s.op != "insert")
    new = "".join(s.text for s in segments if s.op != "delete")
    sides = {
        "delete": _Side(old, italics=italics),
        "insert": _Side(new, italics=italics),
    }
    out = []
    for segment in segments:
        if segment.op == "equal":
            sides["delete"].take(len(segment.text))
            text = new
            runs = sides["insert"].take(len(segment.text))
        else:
            text = old if segment.op == "delete" else new
            runs = sides[segment.op].take(len(segment.text))
        html = _runs_html(text, runs)
        if segment.op == "equal":
            out.append(html)
            continue
        if not html:
            html = escape(segment.text)
        tag = _DIFF_TAGS[segment.op]
        out.append(
            f'<{tag}><span class="visually-hidden" dir="ltr">'
            f"{_DIFF_LABELS[segment.op]}: </span>{html}</{tag}>"
        )
    return mark_safe(nh3.clean("".join(out), **_DIFF_ALLOWED))  # just sanitised
