import re

import pytest
from django.core.management import call_command
from django.template.defaultfilters import date as date_filter
from django.utils.html import escape

from profiles import queries
from profiles.document import parse
from sources.citations import format_source
from tests.conftest import SEED
from tests.factories import profile_values, publish_profile, publish_values
from tests.pages import hrefs, html_of, queries_for, text_of

pytestmark = pytest.mark.django_db

SECTION_HEADINGS = [
    "Founding",
    "Size",
    "Key leaders",
    "Political wing",
    "Weapons",
    "Atrocities",
    "Areas of operation",
    "Connections to other militias",
    "Current designations",
    "Social media",
    "Connections to the IRGC",
    "Background and analysis",
]
BULLET_FIELDS = [
    "founding",
    "size",
    "political_wing",
    "weapons",
    "atrocities",
    "areas_of_operation",
    "connections_to_other_militias",
    "current_designations",
    "social_media",
]
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SCRIPT = "<script>alert(1)</script>"


def section_html(html: str, element_id: str) -> str:
    match = re.search(rf'<section id="{element_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section #{element_id}"
    # The section's content, without the provenance line under it nor what
    # each claim says of itself (tests/profiles/test_reading_claims.py).
    content = re.sub(r'<p class="provenance">.*?</p>', "", match[1], flags=re.S)
    return re.sub(r' <small class="claim-meta"[^>]*>.*?</small>', "", content)


def note_html(html: str, number: int) -> str:
    """A note's item, without its links to the claims citing it (see
    tests/profiles/test_reading_claims.py)."""
    match = re.search(
        rf'<li id="note-{number}" value="{number}">(.*?)</li>', html, re.S
    )
    assert match, f"no note {number}"
    return re.sub(r'\n<p class="cited-by">.*?</p>', "", match[1], flags=re.S)


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="[^"]+-heading">([^<]+)</h2>', html)


def items(html: str) -> list[str]:
    return [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", html, re.S)]


def paragraphs(html: str) -> list[str]:
    return [text_of(p) for p in re.findall(r'<p dir="auto">(.*?)</p>', html, re.S)]


def names(response) -> list[str]:
    return [profile.name for profile in response.context["profiles"]]


def full_profile(name: str = "Liwa al-Test", **fields):
    """A profile with every section filled, two leaders and three notes."""
    values = profile_values(name)
    values.update(
        {field: [f"{field} fact one", f"{field} fact two"] for field in BULLET_FIELDS}
    )
    values.update(
        english_name="Test Brigade",
        leaders=[
            {
                "name": "Abu Alpha",
                "aliases": ["Alpha One", "al-Hajj Alpha"],
                "role": "is the commander",
            },
            {"name": "Abu Beta", "aliases": [], "role": "was the deputy¹"},
        ],
        connections_to_irgc="Answers to the IRGC.²",
        background="First paragraph.¹ Again.¹\n\nSecond paragraph.² Third.³",
        citations=[
            {
                "number": n,
                "text": f"A. Writer, “Report {n},” *Example Review*, March 2019. "
                f"(<https://example.org/reports/{n}>)",
            }
            for n in (1, 2, 3)
        ],
    )
    values.update(fields)
    return publish_values(values)


# Home page -------------------------------------------------------------------


def test_home_has_a_search_box(client):
    html = html_of(client.get("/"))

    form = (
        '<form class="big-search" role="search" aria-label="Search profiles" '
        'method="get" action="/search/">'
    )
    assert form in html
    assert '<input id="home-q" type="search" name="q">' in html
    assert "No profile has been published yet." in html


def test_home_lists_the_eight_most_recently_updated_profiles(client):
    for n in range(1, 10):
        publish_profile(f"Brigade {n}")

    response = client.get("/")

    html = html_of(response)
    assert [p.name for p in response.context["recent"]] == [
        f"Brigade {n}" for n in range(9, 1, -1)
    ]
    assert '<a href="/profiles/brigade-9/"><span dir="auto">Brigade 9</span></a>' in (
        html
    )
    assert "/profiles/brigade-1/" not in html
    assert '<p><a href="/profiles/">All profiles</a></p>' in html


def test_home_lists_tags_with_links_to_the_filtered_list(client):
    publish_profile("Alpha", tags=["Syria"])
    publish_profile("Beta", tags=["Syria", "Iraq war"])

    html = html_of(client.get("/"))

    assert re.findall(r'<li><a href="(/profiles/\?tag=[^"]+)">([^<]+)</a>', html) == [
        ("/profiles/?tag=iraq-war", "Iraq war"),
        ("/profiles/?tag=syria", "Syria"),
    ]
    syria = '<a href="/profiles/?tag=syria">Syria</a> <span class="count">(2)</span>'
    assert syria in html


def test_home_lists_only_the_most_used_tags_and_counts_a_new_publish(
    client, monkeypatch
):
    monkeypatch.setattr(queries, "POPULAR_TAGS", 2)
    publish_profile("Alpha", tags=["Common", "Rare"])
    publish_profile("Beta", tags=["Common", "Usual"])
    publish_profile("Gamma", tags=["Usual"])
    tags = re.compile(r'\?tag=[^"]+">([^<]+)</a> <span class="count">\((\d+)\)')

    assert tags.findall(html_of(client.get("/"))) == [("Common", "2"), ("Usual", "2")]
    publish_profile("Delta", tags=["Rare", "Usual"])
    publish_profile("Epsilon", tags=["Rare"])

    assert tags.findall(html_of(client.get("/"))) == [("Rare", "3"), ("Usual", "3")]


def test_home_query_count_does_not_grow_with_profiles_and_tags(client):
    publish_profile("Alpha", tags=["Syria"])
    few = queries_for(client, "/")
    for n in range(12):
        publish_profile(f"Brigade {n}", tags=["Syria", "Iraq", f"Tag {n}"])

    many = queries_for(client, "/")

    assert few == many
    assert many <= 10


# Profile list ----------------------------------------------------------------


@pytest.fixture
def twenty_six_profiles(db):
    """Published in reverse alphabetical order, so that the list's order is the
    name's and not the publication's."""
    return [
        publish_profile(f"Brigade {n:02}", tags=["Syria"]) for n in range(26, 0, -1)
    ]


def test_list_is_alphabetical_and_paginated_at_25(client, twenty_six_profiles):
    first = client.get("/profiles/")
    second = client.get("/profiles/?page=2")

    assert names(first) == [f"Brigade {n:02}" for n in range(1, 26)]
    assert names(second) == ["Brigade 26"]
    first_html, second_html = html_of(first), html_of(second)
    assert '<p class="meta">26 profiles</p>' in first_html
    assert '<span aria-current="page">Page 1 of 2</span>' in first_html
    assert '<a rel="next" href="?page=2">Next</a>' in first_html
    assert 'rel="prev"' not in first_html
    assert '<span aria-current="page">Page 2 of 2</span>' in second_html
    assert '<a rel="prev" href="?page=1">Previous</a>' in second_html
    assert 'rel="next"' not in second_html
    assert '<a href="/profiles/brigade-26/"><span dir="auto">Brigade 26</span></a>' in (
        second_html
    )


def test_list_has_no_pagination_for_one_page(client):
    publish_profile("Alpha")

    html = html_of(client.get("/profiles/"))

    assert '<p class="meta">1 profile</p>' in html
    assert 'class="pagination"' not in html


def test_list_search_matches_name_english_name_and_alternative_names(client):
    publish_profile("Liwa al-Quds", english_name="Jerusalem Brigade")
    publish_profile(
        "Liwa Fatemiyoun", alternative_names=["Fatemiyoun Division", "لشکر فاطمیون"]
    )
    publish_profile("Kataib Hezbollah", english_name="Hezbollah Brigades")

    assert names(client.get("/profiles/?q=quds")) == ["Liwa al-Quds"]
    assert names(client.get("/profiles/?q=jerusalem")) == ["Liwa al-Quds"]
    assert names(client.get("/profiles/?q=DIVISION")) == ["Liwa Fatemiyoun"]
    assert names(client.get("/profiles/?q=فاطمیون")) == ["Liwa Fatemiyoun"]
    assert names(client.get("/profiles/?q=brigade")) == [
        "Kataib Hezbollah",
        "Liwa al-Quds",
    ]
    assert sorted(names(client.get("/profiles/?q=%20liwa%20"))) == [
        "Liwa Fatemiyoun",
        "Liwa al-Quds",
    ]
    response = client.get("/profiles/?q=nothing")
    assert names(response) == []
    assert "No profile matches." in html_of(response)


def test_list_search_box_keeps_the_query(client):
    html = html_of(client.get("/profiles/?q=al-Quds"))

    assert '<input id="list-q" type="search" name="q" value="al-Quds">' in html


def test_list_filters_by_tag(client):
    publish_profile("Alpha", tags=["Syria"])
    publish_profile("Beta", tags=["Iraq"])
    publish_profile("Gamma", tags=["Iraq", "Syria"])

    response = client.get("/profiles/?tag=syria")

    assert names(response) == ["Alpha", "Gamma"]
    html = html_of(response)
    assert '<input type="hidden" name="tag" value="syria">' in html
    assert names(client.get("/profiles/?tag=iraq&q=gam")) == ["Gamma"]
    assert names(client.get("/profiles/?tag=unknown")) == []


def test_list_pagination_links_keep_query_and_tag(client, twenty_six_profiles):
    publish_profile("Brigade 00", tags=["Iraq"])
    publish_profile("Alpha", tags=["Syria"])

    first = client.get("/profiles/?q=brigade&tag=syria")
    second = client.get("/profiles/?q=brigade&tag=syria&page=2")

    assert names(first) == [f"Brigade {n:02}" for n in range(1, 26)]
    assert names(second) == ["Brigade 26"]
    assert '<a rel="next" href="?q=brigade&amp;tag=syria&amp;page=2">Next</a>' in (
        html_of(first)
    )
    assert '<a rel="prev" href="?q=brigade&amp;tag=syria&amp;page=1">Previous</a>' in (
        html_of(second)
    )


def test_list_query_count_does_not_grow_with_profiles(client):
    publish_profile("Alpha", tags=["Syria"])
    few = queries_for(client, "/profiles/")
    few_filtered = queries_for(client, "/profiles/?q=a&tag=syria")
    for n in range(30):
        publish_profile(f"Brigade {n:02}", tags=["Syria", f"Tag {n}"])

    many = queries_for(client, "/profiles/")
    many_filtered = queries_for(client, "/profiles/?q=a&tag=syria")
    second_page = queries_for(client, "/profiles/?page=2")

    assert few == many == second_page
    assert few_filtered == many_filtered
    assert max(many, many_filtered) <= 10


# Profile page ----------------------------------------------------------------


def test_profile_page_shows_every_section_heading_in_order(client):
    profile = full_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    assert headings(html) == [*SECTION_HEADINGS, "Notes"]


def test_profile_page_shows_each_sections_text(client):
    profile = full_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    for field in BULLET_FIELDS:
        assert items(section_html(html, field)) == [
            f"{field} fact one",
            f"{field} fact two",
        ]
    assert paragraphs(section_html(html, "connections_to_irgc")) == [
        "Answers to the IRGC.2"
    ]
    assert paragraphs(section_html(html, "background")) == [
        "First paragraph.1 Again.1",
        "Second paragraph.2 Third.3",
    ]


def test_profile_page_marks_empty_sections_not_recorded(client):
    profile = publish_profile("Bare Brigade", leaders=0, notes=0, background="")

    html = html_of(client.get(profile.get_absolute_url()))

    assert section_html(html, "founding").count("Not recorded.") == 1
    assert section_html(html, "leaders").count("Not recorded.") == 1
    assert section_html(html, "background").count("Not recorded.") == 1
    assert 'id="notes"' not in html


def test_profile_page_shows_leader_names_aliases_and_roles(client):
    profile = full_profile()

    leaders = section_html(html_of(client.get(profile.get_absolute_url())), "leaders")

    assert items(leaders) == [
        "Abu Alpha (aka Alpha One, al-Hajj Alpha) is the commander",
        "Abu Beta was the deputy1",
    ]
    assert re.findall(
        r'<span class="leader-name" dir="auto">([^<]+)</span>', leaders
    ) == [
        "Abu Alpha",
        "Abu Beta",
    ]
    assert re.findall(r'<span class="alias" dir="auto">([^<]+)</span>', leaders) == [
        "Alpha One",
        "al-Hajj Alpha",
    ]
    assert '<sup class="fn"><a href="#note-1" id="ref-1" aria-label="Note 1"' in (
        leaders
    )


def test_profile_page_links_footnote_marks_to_notes(client):
    profile = full_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    background = section_html(html, "background")
    assert re.findall(r'<sup class="fn"><a href="#note-(\d+)"', background) == [
        "1",
        "1",
        "2",
        "3",
    ]
    # The first mark of each note, wherever it stands, is the one the note
    # links back to; later marks carry no id, so ids stay unique.
    assert re.findall(r'id="ref-(\d+)"', html) == ["1", "2", "3"]
    assert '<sup class="fn"><a href="#note-1" id="ref-1"' in section_html(
        html, "leaders"
    )
    assert '<sup class="fn"><a href="#note-2" id="ref-2"' in section_html(
        html, "connections_to_irgc"
    )
    assert '<sup class="fn"><a href="#note-3" id="ref-3"' in background


def test_profile_page_lists_notes_with_links_and_back_links(client):
    profile = full_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    assert re.findall(r'<li id="note-(\d+)" value="\d+">', html) == ["1", "2", "3"]
    for n in (1, 2, 3):
        note = note_html(html, n)
        # As written, in the house style already: shown once, as written.
        assert text_of(note) == (
            f"A. Writer, “Report {n},” Example Review, March 2019. "
            f"(https://example.org/reports/{n}) ↩"
        )
        assert hrefs(note) == [f"https://example.org/reports/{n}", f"#ref-{n}"]
        assert f'<a href="https://example.org/reports/{n}"' in note
        assert (
            f'<a class="backref" href="#ref-{n}" '
            f'aria-label="Back to the text of note {n}">↩</a>'
        ) in note
        assert note.startswith('<span dir="ltr" lang="en">A. Writer, ')
        assert "<em>Example Review</em>" in note
        assert "note-formatted" not in note


def test_profile_page_gives_no_back_link_to_an_unmarked_note(client):
    profile = full_profile(
        background="Only one mark.¹",
        connections_to_irgc="",
        leaders=[],
        citations=[
            {"number": 1, "text": "Marked note."},
            {"number": 2, "text": "Unmarked note."},
        ],
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert 'href="#ref-1"' in note_html(html, 1)
    assert "backref" not in note_html(html, 2)


def test_profile_page_shows_version_and_published_date(client):
    profile = full_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    published = profile.published_at
    assert (
        '<p class="meta">Version 1, published '
        f'<time datetime="{published:%Y-%m-%dT%H:%M:%SZ}">'
        f"{date_filter(published, 'j F Y, H:i')} UTC</time> · "
    ) in html


def test_profile_page_shows_names_logo_flag_text_and_tags(client):
    profile = full_profile(
        alternative_names=["Liwa al-Test", "لواء التجربة"],
        logo="A rifle over a globe",
        flag_text="Victory is from God",
        tags=["Syria", "Local Defense Forces"],
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert (
        '<h1><span dir="auto">Liwa al-Test</span> '
        '<span class="gloss">(<span dir="auto">Test Brigade</span>)</span></h1>'
    ) in html
    assert "<title>Liwa al-Test (Test Brigade) · Profiles wiki</title>" in html
    assert re.findall(r'<span class="alt-name" dir="auto">([^<]+)</span>', html) == [
        "Liwa al-Test",
        "لواء التجربة",
    ]
    assert '<span dir="auto">A rifle over a globe</span>' in html
    assert '<span dir="auto">Victory is from God</span>' in html
    tags = re.findall(r'<li><a href="/profiles/\?tag=([^"]+)">([^<]+)</a></li>', html)
    assert sorted(tags) == [
        ("local-defense-forces", "Local Defense Forces"),
        ("syria", "Syria"),
    ]


def test_profile_page_is_404_for_unknown_slug(client):
    publish_profile("Alpha")

    assert client.get("/profiles/unknown/").status_code == 404


def test_profile_page_escapes_markup_in_every_field(client):
    profile = full_profile(
        f"Evil {SCRIPT}",
        english_name=SCRIPT,
        alternative_names=[SCRIPT],
        logo=SCRIPT,
        flag_text=SCRIPT,
        tags=[SCRIPT],
        size=[f"About {SCRIPT} fighters"],
        leaders=[{"name": SCRIPT, "aliases": [SCRIPT], "role": f"is {SCRIPT}"}],
        connections_to_irgc=SCRIPT,
        background=f'Text {SCRIPT}.¹ More.² <a href="javascript:alert(1)">x</a>³',
        citations=[
            {
                "number": 1,
                "text": "A. Writer, “Report,” *Example Review*, March 2019. "
                "(<javascript:alert(1)>)",
            },
            {"number": 2, "text": f"Commentary {SCRIPT} (see javascript:alert(1))."},
            {"number": 3, "text": "Click <a href='javascript:alert(1)'>here</a>."},
        ],
    )

    html = html_of(client.get(profile.get_absolute_url()))

    # The page's own scripts only.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/js/notes.js" defer>',
        '<script src="/static/js/cite.js" defer>',
    ]
    assert "<a href='" not in html
    assert not [
        href
        for href in hrefs(html)
        if not href.startswith(("/", "#", "?", "https://", "http://"))
    ]
    escaped = escape(SCRIPT)
    assert f"<title>Evil {escaped} ({escaped}) · Profiles wiki</title>" in html
    assert f'<h1><span dir="auto">Evil {escaped}</span>' in html
    assert f'<span class="leader-name" dir="auto">{escaped}</span>' in html
    assert items(section_html(html, "size")) == [f"About {SCRIPT} fighters"]
    assert paragraphs(section_html(html, "background")) == [
        f'Text {SCRIPT}.1 More.2 <a href="javascript:alert(1)">x</a>3'
    ]
    # The note as written, its unusable address as text; the work it names
    # in the house style beneath, without the address.
    assert text_of(note_html(html, 1)) == (
        "A. Writer, “Report,” Example Review, March 2019. (<javascript:alert(1)>) "
        "↩ Formatted: A. Writer, “Report,” Example Review, March 2019."
    )
    assert "(&lt;javascript:alert(1)&gt;)" in note_html(html, 1)
    assert hrefs(note_html(html, 1)) == ["#ref-1"]
    assert hrefs(note_html(html, 2)) == ["#ref-2"]
    assert hrefs(note_html(html, 3)) == ["#ref-3"]


def test_profile_page_links_only_http_and_https_urls(client):
    profile = full_profile(
        social_media=[
            "Telegram tg://resolve?domain=test and https://t.me/test",
            "Site http://example.org/site, mail mailto:info@example.org",
            "Archive ftp://example.org/files and javascript:alert(1)",
        ],
        citations=[
            {
                "number": n,
                "text": "See ftp://example.org/file, data:text/html,hi and "
                "https://example.org/page. A. Writer, “Report,” *Example Review*, "
                f"March 2019. (<https://example.org/reports/{n}>)",
            }
            for n in (1, 2, 3)
        ],
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert hrefs(section_html(html, "social_media")) == [
        "https://t.me/test",
        "http://example.org/site",
    ]
    assert hrefs(note_html(html, 1)) == [
        "https://example.org/page",
        "https://example.org/reports/1",
        "#ref-1",
    ]
    assert items(section_html(html, "social_media")) == [
        "Telegram tg://resolve?domain=test and https://t.me/test",
        "Site http://example.org/site, mail mailto:info@example.org",
        "Archive ftp://example.org/files and javascript:alert(1)",
    ]


def test_profile_page_puts_arabic_and_persian_text_in_auto_direction(client):
    profile = full_profile(
        "لواء الباقر",
        english_name="al-Baqir Brigade",
        alternative_names=["لواء الإمام الباقر"],
        size=["نحو ۳۰۰۰ مقاتل"],
        leaders=[{"name": "خالد الحسن", "aliases": ["الحاج خالد"], "role": ""}],
        connections_to_irgc="",
        background="لواء الباقر ميليشيا في حلب.¹",
        citations=[
            {
                "number": 1,
                "text": "«عنصر جداشده پیشین حکومت»، *دیارونا*، ۳۱ ژوئیه ۲۰۱۷. "
                "(<http://diyaruna.com/fa/articles/1>)",
            }
        ],
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert '<h1><span dir="auto">لواء الباقر</span>' in html
    assert '<span class="alt-name" dir="auto">لواء الإمام الباقر</span>' in html
    claim = r'id="claim-[0-9a-f-]{36}" dir="auto">'
    assert re.search(f"<li {claim}نحو ۳۰۰۰ مقاتل</li>", section_html(html, "size"))
    assert re.search(
        f'<li {claim}<span class="leader-name" dir="auto">خالد الحسن</span> '
        r'\(aka <span class="alias" dir="auto">الحاج خالد</span>\)</li>',
        section_html(html, "leaders"),
    )
    assert re.search(
        f'<p dir="auto"><span class="claim" {claim}لواء الباقر ميليشيا في حلب.'
        '<sup class="fn">',
        html,
    )
    # A Persian note right to left, in its language.
    note = note_html(html, 1)
    assert note.startswith(
        '<span dir="rtl" lang="fa">«عنصر جداشده پیشین حکومت»، <em>دیارونا</em>'
    )


def test_profile_page_shows_every_section_of_the_imported_seed(client, seed_text):
    document = parse(seed_text)
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)

    html = html_of(client.get("/profiles/liwa-al-baqir/"))

    seed_headings = [line for line in seed_text.splitlines() if line.isupper()]
    assert len(seed_headings) == 12
    assert [heading.upper() for heading in headings(html)] == [*seed_headings, "NOTES"]
    assert headings(html) == [*SECTION_HEADINGS, "Notes"]
    for field, bullets in document.bullets.items():
        assert items(section_html(html, field)) == list(bullets), field
    assert items(section_html(html, "size")) == [document.bullets["size"][0]]
    for field, prose in document.prose.items():
        assert paragraphs(section_html(html, field)) == [
            paragraph.translate(SUPERSCRIPT_DIGITS) for paragraph in prose.split("\n\n")
        ], field
    leaders = section_html(html, "leaders")
    assert len(items(leaders)) == len(document.leaders) == 3
    for leader in document.leaders:
        assert (
            f'<span class="leader-name" dir="auto">{escape(leader.name)}</span>'
        ) in leaders
        for alias in leader.aliases:
            assert f'<span class="alias" dir="auto">{escape(alias)}</span>' in leaders
        assert leader.role in text_of(leaders)
    notes = section_html(html, "notes")
    numbers = [int(n) for n in re.findall(r'<li id="note-(\d+)"', notes)]
    assert numbers == [note.number for note in document.notes] == list(range(1, 8))
    urls = []
    for note in document.notes:
        rendered = note_html(html, note.number)
        # As written: a bracketed address shown without its brackets, the
        # publication's asterisks as italics; a formatted line only beneath.
        written = re.sub(r'\n<p class="note-formatted">.*?</p>', "", rendered)
        shown = re.sub(r"<(https?://[^>]+)>", r"\1", note.text).replace("*", "")
        assert text_of(written) == f"{shown} ↩"
        house_style = "; ".join(format_source(source) for source in note.sources)
        assert ("note-formatted" in rendered) == (note.text != house_style)
        note_urls = [source.url for source in note.sources]
        assert note_urls
        assert hrefs(rendered) == [*note_urls, f"#ref-{note.number}"]
        for url in note_urls:
            assert f'<a href="{escape(url)}"' in written
        urls += note_urls
    assert len(urls) == 8
    for number in range(1, 8):
        assert (
            f'<sup class="fn"><a href="#note-{number}" id="ref-{number}"'
            in section_html(html, "background")
        )
    assert '<span dir="auto" lang="fa">عنصر جداشده پیشین حکومت' in note_html(html, 7)


def test_profile_page_runs_at_most_eleven_queries(
    client, django_assert_max_num_queries
):
    profile = full_profile(tags=["Syria", "Iraq"])

    # The eleventh reads the keys of its claims (queries.claim_keys).
    with django_assert_max_num_queries(11):
        response = client.get(profile.get_absolute_url())

    assert response.status_code == 200


def test_profile_page_query_count_does_not_grow_with_leaders_and_notes(client):
    small = publish_profile("Small Brigade", leaders=1, notes=1, tags=["Syria"])
    large = publish_profile(
        "Large Brigade", leaders=30, notes=30, tags=["Syria", "Iraq", "Lebanon"]
    )
    assert large.leaders.count() == 30
    assert large.citations.count() == 30

    few = queries_for(client, small.get_absolute_url())
    many = queries_for(client, large.get_absolute_url())

    assert few == many
    assert many <= 11
