"""Tests for the house citation style as HTML: sources
(`sources.templatetags.citation_style`) and a profile's notes citing them
(`profiles.templatetags.profile_text.note_citation_html`)."""

import re
from html import unescape

import pytest
from django.template import Context, Template

from profiles import queries
from profiles.templatetags.profile_text import note_citation_html, note_html
from sources.citations import SourceEntry, format_source
from sources.templatetags.citation_style import citation_html
from tests.factories import SourceFactory, profile_values, publish_values

REL = 'rel="nofollow noopener noreferrer"'
FULL = SourceEntry(
    authors="A. Writer",
    title="Report",
    publication="Example Review",
    date="March 2019",
    url="https://example.org/r",
    language="en",
)
FULL_HTML = (
    '<span class="citation"><span dir="auto">A. Writer</span>, '
    '“<span dir="auto" lang="en">Report</span>,” '
    '<em dir="auto" lang="en">Example Review</em>, '
    '<span dir="auto">March 2019</span>. '
    f'<a href="https://example.org/r" {REL}>https://example.org/r</a></span>'
)


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def entry(**changes) -> SourceEntry:
    return SourceEntry(**{**FULL.__dict__, **changes})


def note(text: str):
    """A published note with this text, its sources prefetched as on the
    profile page."""
    values = profile_values(citations=[{"number": 1, "text": text}])
    profile = queries.published_profile(publish_values(values).slug)
    return profile.citations.all()[0]


# citation_html -----------------------------------------------------------------


def test_citation_html_renders_every_part_in_the_house_style():
    assert citation_html(FULL) == FULL_HTML


@pytest.mark.django_db
def test_citation_html_renders_a_saved_source_like_its_entry():
    source = SourceFactory(
        authors="A. Writer",
        title="Report",
        publication="Example Review",
        date="March 2019",
        url="https://example.org/r",
    )

    assert citation_html(source) == FULL_HTML


def test_citation_html_works_in_a_template():
    template = Template("{% load citation_style %}{{ source|citation_html }}")

    assert template.render(Context({"source": FULL})) == FULL_HTML


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"authors": ""}, "“Report,” Example Review, March 2019."),
        ({"title": ""}, "A. Writer, Example Review, March 2019."),
        ({"publication": ""}, "A. Writer, “Report,” March 2019."),
        ({"date": ""}, "A. Writer, “Report,” Example Review."),
        ({"publication": "", "date": ""}, "A. Writer, “Report.”"),
        ({"title": "Who pays?", "date": ""}, "A. Writer, “Who pays?” Example Review."),
        (
            {"title": "Report No.", "publication": "", "date": ""},
            "A. Writer, “Report No.”",
        ),
        ({"title": "", "publication": "", "date": ""}, "A. Writer."),
        ({"authors": "", "title": "", "date": ""}, "Example Review."),
        ({"date": "Sept."}, "A. Writer, “Report,” Example Review, Sept."),
    ],
)
def test_citation_html_leaves_out_missing_parts_with_their_punctuation(changes, text):
    html = citation_html(entry(url="", **changes))

    assert text_of(html) == text
    assert text == format_source(entry(url="", **changes)).replace("*", "")


def test_citation_html_of_a_url_alone_is_the_link():
    html = citation_html(SourceEntry(url="https://example.org/r"))

    assert html == (
        '<span class="citation">'
        f'<a href="https://example.org/r" {REL}>https://example.org/r</a></span>'
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/r", "mailto:a@example.org"]
)
def test_citation_html_links_only_http_and_https(url):
    html = citation_html(entry(url=url))

    assert "<a" not in html
    assert html.endswith(f'<span dir="auto">March 2019</span>. {url}</span>')


def test_citation_html_escapes_every_part():
    script = "<script>alert(1)</script>"
    html = citation_html(
        SourceEntry(
            authors=script,
            title=script,
            publication=script,
            date=script,
            url='https://example.org/?a="><b>&c=1',
            language='"><b>',
        )
    )

    assert "<script>" not in html
    assert "<b>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4
    assert 'lang="&quot;&gt;&lt;b&gt;"' in html
    assert 'href="https://example.org/?a=&quot;&gt;&lt;b&gt;&amp;c=1"' in html


def test_citation_html_marks_arabic_parts_with_direction_and_language():
    html = citation_html(
        SourceEntry(
            authors="حسن حسن",
            title="ألوية الحشد",
            publication="الأخبار",
            date="2017",
            language="ar",
        )
    )

    assert html == (
        '<span class="citation"><span dir="auto">حسن حسن</span>, '
        '“<span dir="auto" lang="ar">ألوية الحشد</span>,” '
        '<em dir="auto" lang="ar">الأخبار</em>, <span dir="auto">2017</span>.</span>'
    )


def test_citation_html_gives_no_lang_when_the_language_is_unknown():
    html = citation_html(entry(language=""))

    assert "lang=" not in html
    assert '“<span dir="auto">Report</span>,” <em dir="auto">Example' in html


@pytest.mark.parametrize(
    "source",
    [
        FULL,
        entry(title="Who pays?"),
        entry(authors="", publication="", url=""),
        entry(title="", date=""),
        entry(authors="Doe, J. and Roe, R.", title="Militias: a survey"),
    ],
)
def test_citation_html_reads_as_format_source(source):
    """The HTML says what the plain-text style says, with the link as text."""
    expected = format_source(entry(**{**source.__dict__, "url": ""}))
    expected = expected.replace("*", "")
    if source.url:
        expected += f" {source.url}"

    assert text_of(citation_html(source)) == expected


# note_citation_html --------------------------------------------------------------

CITED = (
    '<span class="citation"><span dir="auto">A. Writer</span>, '
    '“<span dir="auto" lang="en">Report</span>,” '
    '<em dir="auto" lang="en">Example Review</em>, '
    '<span dir="auto">March 2019</span>. '
    f'<a href="https://example.org/r" {REL}>https://example.org/r</a></span>'
)
CITED_TEXT = (
    "A. Writer, “Report,” *Example Review*, March 2019. (<https://example.org/r>)"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "A. Writer, “Report,” *Example Review*, March 2019. (<https://example.org/r>)",
        'A. Writer, "Report," *Example Review*, March 2019. (<https://example.org/r>)',
        'A. Writer, "Report", *Example Review*, March 2019. (https://example.org/r)',
        "A. Writer “Report” *Example Review*, March 2019 (https://example.org/r)",
        "A. Writer, “Report” *Example Review*, March 2019. (https://example.org/r)",
        'A. Writer, "Report," *Example Review*, March 2019 (https://example.org/r).',
    ],
    ids=[
        "house-style",
        "straight-quotes",
        "comma-outside-quotes-bare-url",
        "no-commas-no-period",
        "missing-comma-after-title",
        "period-after-link",
    ],
)
def test_note_citation_html_gives_one_style_whatever_the_punctuation(text):
    assert note_citation_html(note(text)) == CITED


@pytest.mark.django_db
def test_note_citation_html_links_a_bare_www_address_over_https():
    citation = note(
        'A. Writer, "Report" *Example Review*, March 2019 (www.example.org/r)'
    )

    assert note_citation_html(citation) == CITED.replace(
        "https://example.org/r", "https://www.example.org/r"
    )


@pytest.mark.django_db
def test_note_citation_html_puts_commentary_first_and_joins_sources_with_semicolons():
    citation = note(
        "The figure is disputed. See A. Writer, “Report,” *Example Review*, "
        "March 2019. (<https://example.org/r>); B. Other, “Second *look*,” "
        "*Daily*, 2020. (<https://example.org/s>)"
    )

    assert note_citation_html(citation) == (
        f"The figure is disputed. See {CITED}; "
        '<span class="citation"><span dir="auto">B. Other</span>, '
        '“<span dir="auto" lang="en">Second *look*</span>,” '
        '<em dir="auto" lang="en">Daily</em>, <span dir="auto">2020</span>. '
        f'<a href="https://example.org/s" {REL}>https://example.org/s</a></span>'
    )


@pytest.mark.django_db
def test_note_citation_html_renders_commentary_like_a_note():
    citation = note(
        "Compare *Al-Watan* & https://example.net/x: "
        "A. Writer, “Report,” *Example Review*, March 2019. (<https://example.org/r>)"
    )

    assert note_citation_html(citation) == (
        "Compare <em>Al-Watan</em> &amp; "
        f'<a href="https://example.net/x" {REL}>https://example.net/x</a>: {CITED}'
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Estimates of size vary widely; see the discussion above.",
        "Slogans in *Al-Watan* <b>daily</b>: https://example.org/w is one.",
    ],
)
def test_note_citation_html_shows_a_note_without_sources_as_written(text):
    citation = note(text)

    assert not citation.citation_sources.all()
    assert note_citation_html(citation) == note_html(text)


@pytest.mark.django_db
def test_note_citation_html_shows_the_bibliography_description_of_a_shared_work():
    """A work is one row wherever it is cited: its first description wins."""
    SourceFactory(
        authors="Jane Doe",
        title="The Report",
        publication="Review",
        date="2019",
        url="https://example.org/r",
    )

    html = note_citation_html(note(CITED_TEXT))

    assert text_of(html) == (
        "Jane Doe, “The Report,” Review, 2019. https://example.org/r"
    )


@pytest.mark.django_db
def test_note_citation_html_makes_no_query_when_sources_are_prefetched(
    django_assert_num_queries,
):
    citation = note(CITED_TEXT)

    with django_assert_num_queries(0):
        note_citation_html(citation)
