"""The house citation style in HTML: `Authors, “Title,” <em>Publication</em>,
Date. <a href="URL">URL</a>`, whatever punctuation the note was written with.

The punctuation follows `sources.citations.format_source`, the plain-text form
of the same style. Every part is escaped; each part a person typed is isolated
with `dir="auto"` so Arabic or Persian sits right inside an English line, and
the title and publication, the work's own words, carry its `lang`.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from sources.weblinks import is_web_url

register = template.Library()

_EXTERNAL_REL = "nofollow noopener noreferrer"


@register.filter
def citation_html(source) -> SafeString:
    """A `Source` (or a `SourceEntry`) as one citation in the house style.

    Missing parts are left out with their punctuation; the URL is a link only
    for http and https, otherwise plain text.
    """
    lang = format_html(' lang="{}"', source.language) if source.language else ""
    chunks: list[SafeString] = []
    plain_end = ""  # the text the reader sees ends with this, markup aside
    if source.authors:
        comma = "," if source.title or source.publication or source.date else ""
        chunks.append(
            format_html('<span dir="auto">{}</span>{}', source.authors, comma)
        )
        plain_end = source.authors + comma
    if source.title:
        if source.title.endswith(("?", "!")):
            close = "”"
        elif source.publication or source.date:
            close = ",”"
        else:
            close = "”" if source.title.endswith(".") else ".”"
        chunks.append(
            format_html('“<span dir="auto"{}>{}</span>{}', lang, source.title, close)
        )
        plain_end = close
    if source.publication:
        comma = "," if source.date else ""
        chunks.append(
            format_html('<em dir="auto"{}>{}</em>{}', lang, source.publication, comma)
        )
        plain_end = source.publication + comma
    if source.date:
        chunks.append(format_html('<span dir="auto">{}</span>', source.date))
        plain_end = source.date
    if chunks and not plain_end.endswith(("”", ".", "?", "!")):
        chunks[-1] = format_html("{}.", chunks[-1])
    if source.url:
        chunks.append(
            format_html(
                '<a href="{}" rel="{}">{}</a>', source.url, _EXTERNAL_REL, source.url
            )
            if is_web_url(source.url)
            else format_html("{}", source.url)
        )
    return format_html(
        '<span class="citation">{}</span>',
        format_html_join(" ", "{}", ((chunk,) for chunk in chunks)),
    )
