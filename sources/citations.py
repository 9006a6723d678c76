"""Reading and writing bibliographic references as they appear in profile notes.

Pure Python: no Django import. `parse_note` turns one numbered note into its
commentary and its sources; `format_source` writes a source back in the house
citation style.
"""

import re
from dataclasses import dataclass, fields

from sources.dates import iso_partial_date
from sources.languages import detect_language


@dataclass(frozen=True)
class SourceEntry:
    """One cited work, as read from a note. `date` is kept as written."""

    authors: str = ""
    title: str = ""
    publication: str = ""
    date: str = ""
    url: str = ""
    language: str = ""


#: `SourceEntry`'s fields, in order: also the `Source` columns that hold them.
ENTRY_FIELDS = tuple(field.name for field in fields(SourceEntry))


# A link at the end of a source: "(<…>)" or a bare "(scheme://…)". The lazy
# bare form anchored at the end keeps parentheses that belong to the URL.
_LINK_SLOT = re.compile(
    r"\(\s*(?:<(?P<bracketed>[^<>\s]+)>"
    r"|(?P<bare>(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>]*?))"
    r"\s*\)\s*\.?\s*$"
)
_WEB_LINK = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
# A parenthesis ending the segment with words beside its link or links:
# "(archived at https://a.example/x and originally at https://b.example/y)".
_LINK_GROUP = re.compile(r"\((?P<inner>[^()]*)\)\s*\.?\s*$")
# A web address anywhere in a note; punctuation ending it is trimmed after.
_ANY_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”«»]+", re.IGNORECASE)
_URL_END_PUNCTUATION = ".,;:!?'’"
_ITALIC = re.compile(r"\*(?P<publication>[^*\n]+?)\*(?:\s*\((?P<place>[^()\n]*)\))?")
_CLOSING_QUOTES: dict[str, str] = {"”": "“", '"': '"', "»": "«"}
# Punctuation ending a sentence or a lead-in ("see:"), possibly followed by a
# closing quote or bracket, then a space.
_BOUNDARY = re.compile(r"[.!?:;؟][\"'”\u2019)\]]*\s+")
# Words whose period is not a sentence end, so "Dr. Jane Roe" stays one name.
_ABBREVIATIONS = frozenset(
    [
        "capt",
        "cf",
        "co",
        "col",
        "dr",
        "ed",
        "eds",
        "gen",
        "hon",
        "inc",
        "jr",
        "lt",
        "ltd",
        "maj",
        "mr",
        "mrs",
        "ms",
        "no",
        "pp",
        "prof",
        "rev",
        "sgt",
        "sr",
        "st",
        "trans",
        "vol",
        "vols",
        "vs",
    ]
)
_LEAD_IN = re.compile(r"(?i)(?:see also|see|cf\.)\s+")
# Words that say what a note's writer did or found ("report republished by",
# "copy hosted by", "undated profile"): text holding one is commentary, not
# the names of authors.
_COMMENTARY_WORDS = frozenset(
    [
        "accessed",
        "according",
        "archived",
        "available",
        "by",
        "cited",
        "copy",
        "hosted",
        "mirror",
        "mirrored",
        "originally",
        "posted",
        "quoted",
        "reported",
        "republished",
        "reposted",
        "retrieved",
        "undated",
        "via",
    ]
)
# Lower-case words that begin a name: "al-Tamimi", "bin Laden", "de Gaulle".
_NAME_PARTICLES = frozenset(
    [
        "abu",
        "ad",
        "al",
        "an",
        "ar",
        "as",
        "ash",
        "at",
        "az",
        "ben",
        "bin",
        "bint",
        "d",
        "da",
        "de",
        "del",
        "der",
        "di",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "van",
        "von",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")
_LAST_WORD = re.compile(r"([^\W\d_]+)$")


def parse_note(text: str) -> tuple[str, tuple[SourceEntry, ...]]:
    """Split one note (without its "N. ") into commentary and cited sources.

    A segment is a source when it ends in a link, or names an *italic*
    publication followed by a readable date; anything else is commentary.
    Several sources are separated by ";" right after a link's closing
    parenthesis. A closing parenthesis holding several links with words
    between them ("archived at … and originally at …") gives one source per
    link, each with the segment's description, in the order given; an
    address in running prose stays a link of the commentary. The commentary
    is the
    text before the first source's authors; lead-ins found before later
    sources are appended to it rather than lost. Text before a title that
    says what the writer did ("report republished by …") is commentary, not
    authors: a field is filled only where the note clearly states it.
    """
    commentary_parts: list[str] = []
    entries: list[SourceEntry] = []
    for segment in _split_segments(text):
        commentary, found = _parse_segment(segment)
        if commentary:
            commentary_parts.append(commentary)
        entries.extend(found)
    return " ".join(commentary_parts), tuple(entries)


def guess_language(text: str) -> str:
    """Language code of the text: ar, fa, ur, en, fr, or "" without letters.

    Read by `sources.languages.detect_language` (remembered by text).
    """
    return detect_language(text)


def format_source(entry: SourceEntry) -> str:
    """The house citation: `Authors, “Title,” *Publication*, Date. (<URL>)`.

    Missing parts are left out together with their punctuation. `parse_note`
    reads the result back into the same entry whenever it has a URL, or a
    publication followed by a readable date (otherwise it reads as prose).
    """
    chunks: list[str] = []
    parts_after = [entry.title, entry.publication, entry.date]
    if entry.authors:
        chunks.append(entry.authors + ("," if any(parts_after) else ""))
    if entry.title:
        more = bool(entry.publication or entry.date)
        if entry.title.endswith(("?", "!")):
            chunks.append(f"“{entry.title}”")
        elif more:
            chunks.append(f"“{entry.title},”")
        else:
            chunks.append(
                f"“{entry.title}”" if entry.title.endswith(".") else f"“{entry.title}.”"
            )
    if entry.publication:
        chunks.append(f"*{entry.publication}*" + ("," if entry.date else ""))
    if entry.date:
        chunks.append(entry.date)
    text = " ".join(chunks)
    if text and not text.endswith(("”", ".", "?", "!")):
        text += "."
    if entry.url:
        text = f"{text} (<{entry.url}>)" if text else f"(<{entry.url}>)"
    return text


def _split_segments(text: str) -> list[str]:
    """Cut a note at each ";" that directly follows a link's closing parenthesis.

    Semicolons elsewhere (inside titles, in commentary) never separate sources.
    """
    segments: list[str] = []
    start = 0
    for match in re.finditer(";", text):
        before = text[start : match.start()]
        if _LINK_SLOT.search(before) or _link_group(before):
            segments.append(text[start : match.start()])
            start = match.end()
    segments.append(text[start:])
    return [segment.strip() for segment in segments if segment.strip()]


def _parse_segment(segment: str) -> tuple[str, tuple[SourceEntry, ...]]:
    """Commentary and sources of one segment, in the order of their links;
    no source for commentary without a web address."""
    link = _LINK_SLOT.search(segment)
    urls: list[str] = []
    body = segment
    if link:
        raw_url = link["bracketed"] or link["bare"]
        urls = [raw_url] if _WEB_LINK.match(raw_url) else []
        body = segment[: link.start()]
    elif group := _link_group(segment):
        urls = _web_urls(group["inner"])
        body = segment[: group.start()]
    commentary, entry = _describe(segment, body, bool(link or urls), bool(urls))
    if entry is None:
        described = tuple(map(_url_entry, urls))
    else:
        described = tuple(_with_url(entry, url) for url in urls) or (entry,)
    return commentary, described


def _describe(
    segment: str, body: str, linked: bool, has_url: bool
) -> tuple[str, SourceEntry | None]:
    """Commentary and the work `body` describes, without a URL: its authors,
    title, publication and date. None when it names no work: no title or
    publication, and no web address (`has_url`) to name it by; a segment
    ending in a link (`linked`) needs no date to be read as a citation."""
    body = body.strip()
    # The period closing the citation (before its link) belongs to no field.
    body = body.removesuffix(".").rstrip()

    publication_match = _find_publication(body)
    if not linked and not _reads_as_citation(body, publication_match):
        return segment.strip(), None

    publication = ""
    date = ""
    if publication_match is not None:
        publication = publication_match["publication"].strip()
        if publication_match["place"]:
            publication += f" ({publication_match['place'].strip()})"
        head = body[: publication_match.start()]
        date = _strip_leading_comma(body[publication_match.end() :])
        before, title = _split_title(head)
    else:
        head, date = _split_after_title(body)
        before, title = _split_title(head)
        if not title:
            before, date = _split_trailing_date(body)

    if not (has_url or title or publication):
        # A link we will not follow (javascript:, mailto:) and nothing else to
        # name a work by: the segment is commentary, not a source.
        return segment.strip(), None
    commentary, authors = _split_authors(before)
    entry = SourceEntry(
        authors=authors,
        title=title,
        publication=publication,
        date=date,
        language=guess_language(title or authors or publication),
    )
    return commentary, entry


def _url_entry(url: str) -> SourceEntry:
    return SourceEntry(url=url)


def _with_url(entry: SourceEntry, url: str) -> SourceEntry:
    return SourceEntry(
        authors=entry.authors,
        title=entry.title,
        publication=entry.publication,
        date=entry.date,
        url=url,
        language=entry.language,
    )


def _link_group(segment: str) -> re.Match[str] | None:
    """The parenthesis ending `segment` when it holds a web address."""
    group = _LINK_GROUP.search(segment)
    if group is None or not _ANY_URL.search(group["inner"]):
        return None
    return group


def _web_urls(text: str) -> list[str]:
    """The web addresses in `text`, in order, without the punctuation that
    ends the sentence around them or a ")" they did not open."""
    urls = []
    for match in _ANY_URL.finditer(text):
        url = match[0].rstrip(_URL_END_PUNCTUATION)
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_URL_END_PUNCTUATION)
        if url.lower() not in ("www.", "http://", "https://"):
            urls.append(url)
    return urls


def _find_publication(body: str) -> re.Match[str] | None:
    """The last *italic* span followed only by ", date": the publication.

    An italic inside a quoted title is followed by the closing quote, and one
    in running prose by more words, which rules both out.
    """
    for match in reversed(list(_ITALIC.finditer(body))):
        tail = body[match.end() :].strip()
        if tail and not tail.startswith(","):
            continue
        if not any(char in tail for char in '*“”"«»'):
            return match
    return None


def _reads_as_citation(body: str, publication: re.Match[str] | None) -> bool:
    """Whether a segment without a link is still a source.

    Prose may italicise a newspaper's name ("as *Al-Watan* put it, …"), so
    without a link we also ask for a readable date after the publication.
    """
    if publication is None:
        return False
    return bool(iso_partial_date(_strip_leading_comma(body[publication.end() :])))


def _split_after_title(body: str) -> tuple[str, str]:
    """Without a publication: (text up to the title's closing quote, date)."""
    for index in range(len(body) - 1, -1, -1):
        if body[index] in _CLOSING_QUOTES:
            return body[: index + 1], _strip_leading_comma(body[index + 1 :])
    return body, ""


def _split_title(head: str) -> tuple[str, str]:
    """Split the text before the publication into (what precedes the title, title).

    The title is the quoted text at the end of `head`. When its opening quote
    is missing, it runs back to the previous sentence boundary.
    """
    stripped = head.rstrip().removesuffix(",").rstrip()
    if not stripped or stripped[-1] not in _CLOSING_QUOTES:
        return head, ""
    inner_end = len(stripped) - 1
    opening = stripped.rfind(_CLOSING_QUOTES[stripped[-1]], 0, inner_end)
    if opening == -1:
        start = _last_boundary_end(stripped[:inner_end])
        before, title = stripped[:start], stripped[start:inner_end]
    else:
        before, title = stripped[:opening], stripped[opening + 1 : inner_end]
    title = title.strip()
    if title.endswith((",", ".")):
        title = title[:-1].rstrip()
    return before, title


def _split_trailing_date(text: str) -> tuple[str, str]:
    """Split "Authors, Date" at the longest comma-separated tail read as a date."""
    pieces = text.split(",")
    for index in range(len(pieces)):
        tail = ",".join(pieces[index:]).strip()
        if iso_partial_date(tail):
            return ",".join(pieces[:index]), tail
    return text, ""


def _split_authors(before: str) -> tuple[str, str]:
    """(commentary, authors) from the text before the title or publication.

    The authors start after the last sentence boundary; a leading "See" or
    "Cf." is commentary.
    """
    # Trailing space is kept: text ending in "sparse. " ends at a boundary,
    # which leaves no authors (a title lacking its opening quote).
    start = _last_boundary_end(before)
    commentary = before[:start].strip()
    authors = before[start:].strip().removesuffix(",").rstrip()
    if lead_in := _LEAD_IN.match(authors):
        commentary = f"{commentary} {lead_in[0].strip()}".strip()
        authors = authors[lead_in.end() :]
    if authors and _reads_as_commentary(authors):
        return before.strip().removesuffix(",").rstrip(), ""
    return commentary, authors


def _reads_as_commentary(authors: str) -> bool:
    """Whether the text standing where authors go says what someone did
    ("report republished by …") rather than naming people: it starts with
    a lower-case word that begins no name, or holds a word of
    `_COMMENTARY_WORDS`."""
    if authors.startswith("@"):
        return False
    words = [word.lower() for word in _WORD.findall(authors)]
    if any(word in _COMMENTARY_WORDS for word in words):
        return True
    first = _WORD.search(authors)
    return bool(
        first and first[0][0].islower() and first[0].lower() not in _NAME_PARTICLES
    )


def _last_boundary_end(text: str) -> int:
    """Index just past the last sentence boundary in `text`, or 0 if none.

    A period after an initial ("Nicholas A. Heras") or a known abbreviation
    ("Dr.") does not end a sentence.
    """
    end = 0
    for match in _BOUNDARY.finditer(text):
        if text[match.start()] == "." and _is_abbreviation(text[: match.start()]):
            continue
        end = match.end()
    return end


def _is_abbreviation(text_before_period: str) -> bool:
    word = _LAST_WORD.search(text_before_period)
    if word is None:
        return False
    return len(word[1]) == 1 or word[1].lower() in _ABBREVIATIONS


def _strip_leading_comma(text: str) -> str:
    return text.strip().removeprefix(",").strip()
