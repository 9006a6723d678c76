"""The bibliography's pages: the source list and one source's page."""

import re

import pytest

from profiles import workflow
from profiles.models import ChangeRequest
from sources.citations import format_source
from tests.factories import (
    SourceFactory,
    editor_user,
    profile_values,
    publish_values,
)
from tests.pages import hrefs, html_of, queries_for, text_of

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
REL = 'rel="nofollow noopener noreferrer"'


def rows(html: str) -> list[list[str]]:
    """The text of each cell of each body row of the tables in `html`."""
    body = "".join(re.findall(r"<tbody>(.*?)</tbody>", html, re.S))
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<section id="{element_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section #{element_id}"
    return match[1]


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [source.pk for source in response.context["sources"]]


def cite(*sources, name: str = "Test Brigade"):
    """A published profile whose notes 1, 2 … cite `sources` in order."""
    citations = [
        {"number": number, "text": format_source(source.as_entry())}
        for number, source in enumerate(sources, start=1)
    ]
    return publish_values(profile_values(name, notes=len(sources), citations=citations))


def propose(profile, source, **values) -> ChangeRequest:
    """A pending request changing `values`, each supported by `source`."""
    return workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Update",
        proposals={f: workflow.Proposal(v, [source]) for f, v in values.items()},
    )


def support(profile, source, reviewer, **values) -> ChangeRequest:
    """An approved request whose changed `values` rest on `source`."""
    change_request = propose(profile, source, **values)
    workflow.approve(change_request, reviewer=reviewer)
    profile.refresh_from_db()
    return change_request


# The list ----------------------------------------------------------------------


def test_list_shows_each_source_in_house_style_with_its_count_and_page(client):
    source = SourceFactory(
        authors="A. Writer",
        title="Report",
        publication="Example Review",
        date="March 2019",
        url="https://example.org/r",
    )
    cite(source, name="Alpha")

    html = html_of(client.get("/sources/"))

    assert "<h1>Sources</h1>" in html
    assert '<p class="meta">1 source</p>' in html
    assert (
        "<caption>Sources, by title</caption>\n      <thead>\n        <tr>"
        '<th scope="col">Source</th>'
        '<th scope="col" class="number">Profiles citing it</th>'
    ) in html
    assert rows(html) == [
        [
            "A. Writer, “Report,” Example Review, March 2019. https://example.org/r",
            "1",
            "Where cited: Report",
            "Not graded yet",
        ]
    ]
    assert (
        '<th scope="row"><span class="citation"><span dir="auto">A. Writer</span>, '
        '“<span dir="auto" lang="en">Report</span>,” '
        '<em dir="auto" lang="en">Example Review</em>, '
        '<span dir="auto">March 2019</span>. '
        f'<a href="https://example.org/r" {REL}>https://example.org/r</a></span></th>'
    ) in html
    assert f'<a href="/sources/{source.pk}/">Where cited' in html


def test_list_has_a_labelled_search_and_sort_form_keeping_the_choice(client):
    html = html_of(client.get("/sources/?q=militia&sort=-date"))

    assert (
        '<form class="filters" role="search" aria-label="Search the sources" '
        'method="get">'
    ) in html
    assert '<label for="sources-q">' in html
    assert '<input id="sources-q" type="search" name="q" value="militia">' in html
    assert '<label for="sources-sort">Sort by</label>' in html
    assert re.findall(
        r'<option value="([^"]+)"( selected)?>([^<]+)</option>', html
    ) == [
        ("A", "", "A: completely reliable"),
        ("B", "", "B: usually reliable"),
        ("C", "", "C: fairly reliable"),
        ("D", "", "D: not usually reliable"),
        ("E", "", "E: unreliable"),
        ("F", "", "F: reliability cannot be judged"),
        ("none", "", "Not graded yet"),
        ("title", "", "Title"),
        ("publication", "", "Publication"),
        ("date", "", "Date, oldest first"),
        ("-date", " selected", "Date, newest first"),
        ("cited", "", "Most cited"),
        ("grade", "", "Publisher&#x27;s grade, best first"),
    ]
    assert "<caption>Sources" not in html
    assert "<p>No source matches.</p>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("euphrates", ["euphrates"]),
        ("HADDAD", ["haddad"]),
        ("levant policy", ["levant"]),
        ("example.net/deir", ["url"]),
        ("report", ["haddad", "levant", "url", "euphrates"]),
        ("report haddad", ["haddad"]),
        ("nothing-like-it", []),
        ("", ["haddad", "levant", "url", "euphrates"]),
    ],
)
def test_list_search_finds_every_word_in_title_authors_publication_or_url(
    client, query, expected
):
    made = {
        "euphrates": SourceFactory(title="Report on the Euphrates"),
        "haddad": SourceFactory(title="Report B", authors="Omar Haddad"),
        "levant": SourceFactory(title="Report C", publication="Levant Policy Review"),
        "url": SourceFactory(title="Report D", url="https://example.net/deir"),
    }

    response = client.get("/sources/", {"q": query})

    assert listed(response) == [made[key].pk for key in expected]


@pytest.fixture
def four_sources(db):
    """Cited by 2, 0, 0 and 1 profiles; one untitled, one undated."""
    sources = {
        "beta": SourceFactory(title="beta report", publication="Zeta", date="2019"),
        "alpha": SourceFactory(
            title="Alpha report", publication="eta", date="March 2021"
        ),
        "untitled": SourceFactory(
            title="", publication="Alpha Monthly", date="15 January 2018"
        ),
        "gamma": SourceFactory(title="Gamma", publication="", date=""),
    }
    cite(sources["beta"], sources["gamma"], name="One")
    cite(sources["beta"], name="Two")
    return sources


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["alpha", "beta", "gamma", "untitled"]),
        ("publication", ["untitled", "alpha", "beta", "gamma"]),
        ("date", ["untitled", "beta", "alpha", "gamma"]),
        ("-date", ["alpha", "beta", "untitled", "gamma"]),
        ("cited", ["beta", "gamma", "alpha", "untitled"]),
        ("", ["alpha", "beta", "gamma", "untitled"]),
        ("-title; DROP TABLE", ["alpha", "beta", "gamma", "untitled"]),
    ],
)
def test_list_sorts_in_the_order_asked_with_blanks_last(
    client, four_sources, sort, expected
):
    response = client.get("/sources/", {"sort": sort})

    assert listed(response) == [four_sources[key].pk for key in expected]


def test_list_caption_says_the_search_and_sort(client, four_sources):
    html = html_of(client.get("/sources/?q=report&sort=cited"))

    assert "<caption>Sources matching “report”, by most cited</caption>" in html
    assert "<title>Sources matching “report” · Profiles wiki</title>" in html


def test_list_counts_each_citing_profile_once(client, reviewer):
    shared, other = SourceFactory(title="Shared"), SourceFactory(title="Other")
    alpha = cite(shared, other, name="Alpha")
    cite(shared, name="Beta")
    # Alpha also rests a field on the work its note already cites.
    support(alpha, shared, reviewer, size=["About 900"])

    response = client.get("/sources/")

    counts = {s.title: s.citing_profiles for s in response.context["sources"]}
    assert counts == {"Other": 1, "Shared": 2}
    assert [row[1] for row in rows(html_of(response))] == ["1", "2"]


def test_list_counts_a_profile_whose_field_rests_on_a_source_no_note_cites(
    client, profile, reviewer
):
    source = SourceFactory(title="Field only")
    support(profile, source, reviewer, size=["About 900"])
    # The note publishing added for it is then removed.
    first_note = profile.citations.get(number=1)
    support(
        profile,
        SourceFactory(title="Replacement"),
        reviewer,
        citations=[{"number": 1, "text": first_note.text}],
    )
    assert not source.citation_sources.exists()

    response = client.get("/sources/")

    counts = {s.title: s.citing_profiles for s in response.context["sources"]}
    assert counts["Field only"] == 1


def test_list_does_not_count_pending_or_rejected_changes(client, profile, reviewer):
    pending, rejected = SourceFactory(title="Pending"), SourceFactory(title="Rejected")
    propose(profile, pending, size=["About 900"])
    workflow.reject(
        propose(profile, rejected, weapons=["Rifles"]),
        reviewer=reviewer,
        reason="Unsupported.",
    )

    response = client.get("/sources/")

    counts = {s.title: s.citing_profiles for s in response.context["sources"]}
    assert counts == {"Pending": 0, "Rejected": 0, "Report 1": 1}


def test_list_is_paginated_at_50_keeping_search_and_sort(client):
    for n in range(51):
        SourceFactory(title=f"Report {n:02}", date=f"{1950 + n}")

    first = client.get("/sources/?q=report&sort=-date")
    second = client.get("/sources/?q=report&sort=-date&page=2")

    assert len(first.context["sources"]) == 50
    assert [s.title for s in second.context["sources"]] == ["Report 00"]
    assert first.context["sources"][0].title == "Report 50"
    html = html_of(first)
    assert '<p class="meta">51 sources</p>' in html
    assert '<a rel="next" href="?q=report&amp;sort=-date&amp;page=2">Next</a>' in html
    assert ", page 1 of 2</caption>" in html


def test_list_escapes_source_text_and_the_query(client):
    SourceFactory(authors=SCRIPT, title=SCRIPT, publication=SCRIPT, date=SCRIPT)

    html = html_of(client.get("/sources/", {"q": SCRIPT}))

    assert SCRIPT not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 8


def test_list_links_only_http_and_https_urls(client):
    SourceFactory(title="Web", url="https://example.org/web")
    SourceFactory(title="Script", url="javascript:alert(1)")
    SourceFactory(title="FTP", url="ftp://example.org/file")

    html = html_of(client.get("/sources/"))

    external = [href for href in hrefs(html) if not href.startswith(("/", "#"))]
    assert external == ["https://example.org/web"]
    assert "“Script,” Example Review, March 2019. javascript:alert(1)" in text_of(html)


def test_list_query_count_does_not_grow_with_sources(client, reviewer):
    cite(SourceFactory(), name="First")
    few = queries_for(client, "/sources/?sort=cited")
    sources = [SourceFactory() for _ in range(29)]
    for n in range(3):
        profile = cite(*sources[n * 9 : n * 9 + 9], name=f"Brigade {n}")
        support(profile, sources[-1], reviewer, size=[f"About {n}00"])

    many = queries_for(client, "/sources/?sort=cited")

    assert few == many == 2


# One source --------------------------------------------------------------------


def test_detail_shows_every_fact_of_the_source(client):
    source = SourceFactory(
        authors="حسن حسن",
        title="ألوية الحشد",
        publication="الأخبار",
        date="September 2017",
        url="https://example.org/a",
        language="ar",
    )

    html = html_of(client.get(f"/sources/{source.pk}/"))

    assert '<h1><span dir="auto">ألوية الحشد</span></h1>' in html
    assert "<title>ألوية الحشد · Sources · Profiles wiki</title>" in html
    facts = re.search(r'<dl class="source-facts">(.*?)</dl>', html, re.S)[1]
    assert re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", facts) == [
        ("Authors", '<span dir="auto">حسن حسن</span>'),
        ("Title", '<span dir="auto" lang="ar">ألوية الحشد</span>'),
        ("Publication", '<em dir="auto" lang="ar">الأخبار</em>'),
        (
            "Date",
            '<span dir="auto">September 2017</span> '
            '(<time datetime="2017-09">2017-09</time>)',
        ),
        ("URL", f'<a href="https://example.org/a" {REL}>https://example.org/a</a>'),
        ("Language", "Arabic (ar)"),
    ]
    assert '<p class="source-citation"><span class="citation">' in html
    assert "Cited by 0 profiles." in html
    assert '<p class="empty">No published note cites this source.</p>' in html
    assert '<p class="empty">No published field rests on this source.</p>' in html


def test_detail_marks_missing_facts_not_recorded(client):
    source = SourceFactory(
        authors="", title="", publication="Daily", date="sometime", language="xx"
    )

    html = html_of(client.get(f"/sources/{source.pk}/"))

    facts = re.search(r'<dl class="source-facts">(.*?)</dl>', html, re.S)[1]
    assert [
        (term, text_of(value))
        for term, value in re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", facts)
    ] == [
        ("Authors", "Not recorded"),
        ("Title", "Not recorded"),
        ("Publication", "Daily"),
        ("Date", "sometime"),
        ("URL", source.url),
        ("Language", "xx"),
    ]
    assert "<time" not in facts
    assert '<h1><span dir="auto">Daily</span></h1>' in html


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a", True),
        ("javascript:alert(1)", False),
        ("ftp://example.org/a", False),
        ("data:text/html,<b>x</b>", False),
    ],
)
def test_detail_links_the_url_only_for_http_and_https(client, url, linked):
    source = SourceFactory(url=url)

    html = html_of(client.get(f"/sources/{source.pk}/"))

    external = [href for href in hrefs(html) if not href.startswith(("/", "#"))]
    assert external == ([url, url] if linked else [])
    assert "<b>x</b>" not in html


def test_detail_lists_the_notes_citing_it_by_profile(client):
    source, other = SourceFactory(title="Shared"), SourceFactory()
    cite(other, source, name="Zulu Brigade")
    alpha = cite(source, name="alpha Group")

    html = html_of(client.get(f"/sources/{source.pk}/"))

    notes = section(html, "notes")
    assert '<h2 id="notes-heading">Notes citing this source</h2>' in notes
    assert rows(notes) == [["alpha Group", "1"], ["Zulu Brigade", "2"]]
    assert hrefs(notes) == [
        f"{alpha.get_absolute_url()}#note-1",
        "/profiles/zulu-brigade/#note-2",
    ]
    assert "Cited by 2 profiles." in html


def test_detail_lists_the_published_fields_it_supports(client, profile, reviewer):
    source = SourceFactory(title="Field source")
    support(profile, source, reviewer, size=["About 900"], weapons=["Rifles"])
    refused = propose(profile, source, founding=["In 2013"])
    workflow.reject(refused, reviewer=reviewer, reason="Unsupported.")
    propose(profile, source, atrocities=["Pending claim"])
    cite(source, name="Another Brigade")

    html = html_of(client.get(f"/sources/{source.pk}/"))

    fields = section(html, "fields")
    assert '<h2 id="fields-heading">Published fields it supports</h2>' in fields
    assert rows(fields) == [
        ["Another Brigade", "Notes", "Version 1"],
        ["Test Brigade", "Size", "Version 2"],
        ["Test Brigade", "Weapons", "Version 2"],
    ]
    assert hrefs(fields) == [
        "/profiles/another-brigade/",
        "/profiles/another-brigade/fields/citations/",
        "/profiles/another-brigade/versions/1/",
        "/profiles/test-brigade/",
        "/profiles/test-brigade/fields/size/",
        "/profiles/test-brigade/versions/2/",
        "/profiles/test-brigade/",
        "/profiles/test-brigade/fields/weapons/",
        "/profiles/test-brigade/versions/2/",
    ]
    # Publishing gave the source a note in Test Brigade too.
    assert rows(section(html, "notes")) == [
        ["Another Brigade", "1"],
        ["Test Brigade", "2"],
    ]
    assert "Cited by 2 profiles." in html


def test_detail_is_404_for_an_unknown_source(client):
    assert client.get("/sources/999999/").status_code == 404


def test_detail_escapes_source_and_profile_text(client):
    source = SourceFactory(
        authors=SCRIPT, title=SCRIPT, publication=SCRIPT, date=SCRIPT, language='"x'
    )
    cite(source, name=f"Brigade {SCRIPT}")

    html = html_of(client.get(f"/sources/{source.pk}/"))

    assert SCRIPT not in html
    assert 'lang="&quot;x"' in html
    assert "Brigade &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_detail_query_count_does_not_grow_with_citations(client, reviewer):
    """One note citing it, then 31 notes and 10 supported fields."""
    source = SourceFactory()
    cite(source, name="First")
    few = queries_for(client, f"/sources/{source.pk}/")
    for n in range(5):
        profile = cite(*[source] * 6, name=f"Brigade {n}")
        support(profile, source, reviewer, size=[f"About {n}00"])

    many = queries_for(client, f"/sources/{source.pk}/")

    # The source; each table's count and page; how many profiles cite it.
    assert few == many == 6


def test_detail_pages_the_notes_and_fields_citing_a_much_cited_source(
    client, monkeypatch
):
    monkeypatch.setattr("profiles.views.sources.PER_PAGE", 2)
    source = SourceFactory()
    for name in ("Alpha", "Bravo", "Charlie"):
        cite(source, name=name)

    first = client.get(f"/sources/{source.pk}/")
    second = client.get(f"/sources/{source.pk}/?notes=2")

    names = [link.citation.profile.name for link in first.context["notes"]]
    assert names == ["Alpha", "Bravo"]
    assert [link.citation.profile.name for link in second.context["notes"]] == [
        "Charlie"
    ]
    assert 'href="?notes=2#notes"' in first.content.decode()
    assert first.context["citing_profiles"] == 3
