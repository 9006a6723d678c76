"""The pages that read the stored network: a profile's page and its version
page, `/network/` in each of its modes, and the JSON graph. Each makes the
same queries whatever the number of profiles, and shows a bounded part."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from profiles.models import Profile
from profiles.network import indexing, queries
from tests.factories import publish_profile
from tests.pages import hrefs, html_of

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Every request renders its page, so its queries can be counted."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }


def seed(count: int, start: int = 0) -> None:
    """`count` more published profiles, "Group N", each naming the next two
    (Group 3 names Groups 4 and 5), written in bulk and then indexed: the
    network of a large site without publishing each one."""
    now = timezone.now()
    Profile.objects.bulk_create(
        Profile(
            name=f"Group {n}",
            slug=f"group-{n}",
            version=1,
            published_at=now,
            connections_to_other_militias=(
                f"Beside Group {n + 1} since {2000 + n % 20}\nRival of Group {n + 2}"
            ),
        )
        for n in range(start, start + count)
    )
    indexing.rebuild()


def captured(client, url: str) -> tuple[list[str], str]:
    """The SQL a GET of `url` runs, and the page."""
    with CaptureQueriesContext(connection) as queries_run:
        response = client.get(url)
    return [query["sql"] for query in queries_run], html_of(response)


def section(html: str, field: str) -> str:
    """A section of a profile page, each claim's anchor made plain and what
    it says of itself left out (tests/profiles/test_reading_claims.py)."""
    found = re.search(rf'<section id="{field}".*?</section>', html, re.S).group()
    found = re.sub(r' <small class="claim-meta"[^>]*>.*?</small>', "", found)
    return re.sub(r'<li id="claim-[^"]+" dir="auto">', '<li dir="auto">', found)


# The profile page -----------------------------------------------------------


def test_profile_page_links_the_mentions_its_stored_edges_give(client):
    alpha = publish_profile(
        "Alpha Brigade",
        connections_to_other_militias=[
            "Trained by Beta Brigade¹ and https://example.org/beta-brigade",
            "Named by Gamma Group",
        ],
    )
    publish_profile("Beta Brigade")

    html = section(
        html_of(client.get(alpha.get_absolute_url())), "connections_to_other_militias"
    )

    assert (
        '<li dir="auto">Trained by <a href="/profiles/beta-brigade/">Beta Brigade</a>'
        '<sup class="fn"><a href="#note-1" id="ref-1" aria-label="Note 1">1</a></sup>'
        ' and <a href="https://example.org/beta-brigade" '
        'rel="nofollow noopener noreferrer">https://example.org/beta-brigade</a></li>'
    ) in html
    assert '<li dir="auto">Named by Gamma Group</li>' in html
    assert '<h3 id="neighbourhood-heading">Connected profiles</h3>' in html


def test_profile_page_queries_do_not_grow_with_the_network(client):
    center = publish_profile(
        "Center Brigade",
        connections_to_other_militias=["Beside Group 1", "Rival of Group 2"],
    )
    seed(20)
    few, few_html = captured(client, center.get_absolute_url())
    seed(180, start=20)
    many, many_html = captured(client, center.get_absolute_url())

    assert len(few) == len(many)
    assert Profile.objects.published().count() == 201
    # Only the page's own profile is read with its connections section: no
    # query reads every profile's, as building a matcher of all names would.
    reading_connections = [
        sql for sql in many if "connections_to_other_militias" in sql
    ]
    assert len(reading_connections) == 1
    assert "\"slug\" = 'center-brigade'" in reading_connections[0]
    assert many_html.count('<a class="node') == 3 == few_html.count('<a class="node')


def test_profile_page_shows_at_most_its_limit_of_profiles_naming_it(
    client, monkeypatch
):
    monkeypatch.setattr(queries, "PROFILE_PAGE_INCOMING_LIMIT", 3)
    hub = publish_profile("Hub Brigade")
    now = timezone.now()
    Profile.objects.bulk_create(
        Profile(
            name=f"Namer {n}",
            slug=f"namer-{n}",
            version=1,
            published_at=now,
            connections_to_other_militias="Beside Hub Brigade",
        )
        for n in range(5)
    )
    indexing.rebuild()

    html = html_of(client.get(hub.get_absolute_url()))

    assert re.findall(r'<a class="node[^"]*" href="([^"]+)"', html) == [
        "/profiles/hub-brigade/",
        "/profiles/namer-0/",
        "/profiles/namer-1/",
        "/profiles/namer-2/",
    ]
    assert (
        '<p class="more">More profiles name <span dir="auto">Hub Brigade</span> '
        'than are shown here: see <a href="/network/?profile=hub-brigade">its '
        'connections on the network page</a>; the <a href="/api/v1/network/">'
        "network API</a> lists every connection.</p>"
    ) in html


def test_version_page_shows_connections_unlinked(client):
    alpha = publish_profile(
        "Alpha Brigade", connections_to_other_militias=["Beside Beta Brigade"]
    )
    publish_profile("Beta Brigade")

    sqls, html = captured(client, f"/profiles/{alpha.slug}/versions/1/")

    assert '<li dir="auto">Beside Beta Brigade</li>' in section(
        html, "connections_to_other_militias"
    )
    assert not any("profiles_connection" in sql for sql in sqls)


# /network/ ------------------------------------------------------------------


def test_network_page_shows_the_most_connected_in_constant_queries(client):
    seed(20)
    few, few_html = captured(client, "/network/")
    seed(180, start=20)
    many, html = captured(client, "/network/")

    # The newest version (for the page cache), the profiles, their edges.
    assert len(few) == len(many) == 3
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group())
    nodes = svg.findall(f".//{SVG}a")
    assert len(nodes) == queries.MOST_CONNECTED == 40
    assert few_html.count('<a class="node') == 20
    # Everyone but the first two and the last two is joined to four others.
    assert nodes[0].get("href") == "/profiles/group-10/"
    assert "40 profiles and" in html


def test_network_page_shows_one_profiles_neighbourhood(client):
    seed(10)

    html = html_of(client.get("/network/?profile=group-5"))

    assert '<h1>Connections of <span dir="auto">Group 5</span></h1>' in html
    assert re.findall(r'<a class="node[^"]*" href="([^"]+)"', html) == [
        "/profiles/group-5/",
        "/profiles/group-3/",
        "/profiles/group-4/",
        "/profiles/group-6/",
        "/profiles/group-7/",
    ]
    assert (
        '<li><span class="label-source" dir="auto">Group 5</span>: '
        '<span dir="auto">Beside Group 6 since 2005</span></li>'
    ) in html
    assert '<input type="hidden" name="profile" value="group-5">' in html
    assert client.get("/network/?profile=no-such-group").status_code == 404
    assert client.get("/network/?profile=not a slug").status_code == 404


def test_network_year_filter_keeps_connections_dated_that_year_or_before(client):
    publish_profile("Alpha Brigade", connections_to_other_militias=["Beside Beta"])
    publish_profile(
        "Beta",
        connections_to_other_militias=[
            "Allied with Gamma since 2014",
            "Split from Alpha Brigade in 2019",
        ],
    )
    publish_profile("Gamma", connections_to_other_militias=["Named Delta in 2010"])
    publish_profile("Delta")

    def pairs(url: str) -> list[str]:
        html = html_of(client.get(url))
        connections = re.search(r'<section id="connections".*?</section>', html, re.S)
        return re.findall(
            r'dir="auto">([^<]+)</a> — <a[^>]*>([^<]+)</a>', connections.group()
        )

    assert pairs("/network/") == [
        ("Alpha Brigade", "Beta"),
        ("Beta", "Gamma"),
        ("Delta", "Gamma"),
    ]
    assert pairs("/network/?year=2015") == [("Beta", "Gamma"), ("Delta", "Gamma")]
    assert pairs("/network/?year=2012") == [("Delta", "Gamma")]
    assert pairs("/network/?year=2012&profile=beta") == []
    assert pairs("/network/?year=2019&profile=beta") == [
        ("Alpha Brigade", "Beta"),
        ("Beta", "Gamma"),
    ]
    html = html_of(client.get("/network/?year=2015"))
    assert (
        "Only connections whose text states 2015 or an earlier year are shown; "
        "connections whose text states no year are left out."
    ) in html
    invalid = html_of(client.get("/network/?year=soon"))
    assert "The year must be a number from 1800 to 2100" in invalid
    assert pairs("/network/?year=soon") == pairs("/network/")
    assert pairs("/network/?year=soon&profile=gamma") == [
        ("Beta", "Gamma"),
        ("Delta", "Gamma"),
    ]


def test_network_search_box_finds_profiles_by_name(client):
    publish_profile("Kata'ib Hezbollah", alternative_names=["كتائب حزب الله"])
    publish_profile(
        "Hezbollah", connections_to_other_militias=["Trains Kata'ib Hezbollah"]
    )
    publish_profile("Liwa Fatemiyoun")

    several = html_of(client.get("/network/?q=hezbollah"))
    one = html_of(client.get("/network/?q=كتائب"))
    none = html_of(client.get("/network/?q=nobody"))

    matches = re.search(r'<section class="network-matches".*?</section>', several, re.S)
    assert hrefs(matches.group()) == [
        "/network/?profile=hezbollah",
        "/network/?profile=kataib-hezbollah",
    ]
    assert "<svg" not in several
    assert '<label for="network-q">Find a profile by name</label>' in several
    assert (
        '<h1>Connections of <span dir="auto">Kata&#x27;ib Hezbollah</span></h1>' in one
    )
    assert '<a class="node" href="/profiles/hezbollah/">' in one
    assert "No published profile has that name." in none


# The JSON graph -------------------------------------------------------------


def test_network_api_pages_through_every_node_and_edge(client, monkeypatch):
    monkeypatch.setattr(queries, "API_PAGE_SIZE", 4)
    seed(10)

    pages, url = [], "/api/v1/network/"
    while url:
        with CaptureQueriesContext(connection) as queries_run:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries_run) == 2
        pages.append(response.json())
        url = pages[-1]["next"]

    assert [len(page["nodes"]) for page in pages] == [4, 4, 2]
    assert pages[0]["next"].startswith("http://testserver/api/v1/network/?cursor=")
    nodes = [node["slug"] for page in pages for node in page["nodes"]]
    assert nodes == [f"group-{n}" for n in range(10)]
    assert pages[0]["nodes"][0] == {
        "slug": "group-0",
        "name": "Group 0",
        "english_name": "",
        "degree": 2,
        "url": "http://testserver/api/v1/profiles/group-0/",
    }
    edges = [edge for page in pages for edge in page["edges"]]
    assert len(edges) == 17  # Groups 0–7 name two others, Group 8 names one
    assert edges[0] == {
        "source": "group-0",
        "target": "group-1",
        "text": "Beside Group 1 since 2000",
        "year": 2000,
    }
    assert client.get("/api/v1/network/?cursor=x").status_code == 400
    assert client.get("/api/v1/network/?cursor=-1").status_code == 400
