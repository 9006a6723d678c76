"""Versions, comparisons, field histories, recent changes, feeds, exports and
the sitemap: how readers follow and cite changes."""

import json
import re
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import workflow
from profiles.sitemaps import ProfileSitemap
from sources.models import Source
from tests.factories import (
    SourceFactory,
    add_bulk_versions,
    editor_user,
    publish_profile,
)
from tests.pages import queries_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def change(profile, reviewer, summary="Update", **values):
    source = SourceFactory(title=f"Report for {summary}")
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary=summary,
        proposals={f: workflow.Proposal(v, [source]) for f, v in values.items()},
    )
    workflow.approve(change_request, reviewer=reviewer)
    profile.refresh_from_db()
    return change_request


def test_an_old_version_shows_the_profile_as_it_was(client, profile, reviewer):
    change(profile, reviewer, size=["About 900"])

    html = client.get(reverse("profiles:version", args=[profile.slug, 1])).content
    html = html.decode()

    assert "About 500 fighters in 2019" in html
    assert "About 900" not in html
    assert "You are reading version 1 of this profile" in html
    assert f'href="/profiles/{profile.slug}/">read the current version (2)</a>' in html
    assert '<li id="note-1" value="1">' in html


def test_the_current_version_page_is_not_marked_old(client, profile):
    html = client.get(reverse("profiles:version", args=[profile.slug, 1])).content

    assert b"You are reading version" not in html


def test_an_unknown_version_is_404(client, profile):
    response = client.get(reverse("profiles:version", args=[profile.slug, 7]))

    assert response.status_code == 404


def test_compare_shows_changed_fields_and_collapses_the_rest(client, profile, reviewer):
    change(profile, reviewer, size=["About 900 fighters in 2019"])

    html = client.get(
        reverse("profiles:compare", args=[profile.slug]) + "?from=1&to=2"
    ).content.decode()

    assert re.findall(r'<h2 id="compare-[a-z_]+">([^<]+)</h2>', html) == [
        "Size",
        "Notes",
    ]
    assert (
        '<del><span class="visually-hidden" dir="ltr">deleted: </span>500</del>' in html
    )
    assert (
        '<ins><span class="visually-hidden" dir="ltr">inserted: </span>900</ins>'
        in html
    )
    assert '<details class="unchanged-fields">' in html
    assert "<li>Background and analysis</li>" in html


def test_compare_defaults_to_the_last_change_and_404s_unknown(
    client, profile, reviewer
):
    change(profile, reviewer, weapons=["Rifles"])
    url = reverse("profiles:compare", args=[profile.slug])

    assert client.get(url).context["older"] == 1
    assert client.get(url + "?from=1&to=9").status_code == 404
    assert client.get(url + "?from=x").status_code == 404


def test_field_history_lists_every_value_with_its_people_and_sources(
    client, profile, reviewer
):
    change(profile, reviewer, summary="Bigger", size=["About 900"])
    change(profile, reviewer, summary="Smaller", size=["About 300"])

    response = client.get(reverse("profiles:field", args=[profile.slug, "size"]))

    html = response.content.decode()
    titles = re.findall(r">Version (\d+)</a>", html)
    assert titles == ["3", "2", "1"]
    assert html.index("Smaller") < html.index("Bigger")
    assert "Report for Smaller" in html
    assert "approved by reviewer" in html
    assert "No source was recorded for this value (document import)" in html
    entries = response.context["entries"]
    assert [(s.op, s.text) for s in entries[0].diff.items[0].words] == [
        ("equal", "About "),
        ("delete", "900"),
        ("insert", "300"),
    ]


def test_field_history_of_an_unknown_field_is_404(client, profile):
    response = client.get(reverse("profiles:field", args=[profile.slug, "colour"]))

    assert response.status_code == 404


def test_profile_sections_link_to_their_history(client, profile, reviewer):
    change(profile, reviewer, size=["About 900"])

    html = client.get(profile.get_absolute_url()).content.decode()

    size = re.search(r'<section id="size".*?</section>', html, re.S)[0]
    assert f'href="/profiles/{profile.slug}/fields/size/">changed on ' in size
    assert 'aria-label="Source: note 2"' in size


def test_recent_changes_and_their_feeds(client, profile, reviewer):
    change(profile, reviewer, summary="Bigger", size=["About 900"])

    html = client.get(reverse("changes")).content.decode()
    feed = ElementTree.fromstring(client.get(reverse("changes-feed")).content)
    one = ElementTree.fromstring(
        client.get(reverse("profiles:feed", args=[profile.slug])).content
    )

    assert html.index("Bigger") < html.index("Test import")
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Test Brigade, version 2", "Test Brigade, version 1"]
    assert len(list(one.iter(f"{ATOM}entry"))) == 2
    link = next(feed.iter(f"{ATOM}entry")).find(f"{ATOM}link").get("href")
    assert link.endswith(f"/profiles/{profile.slug}/versions/2/")


@pytest.mark.parametrize(
    ("format", "content_type", "start"),
    [
        ("json", "application/json; charset=utf-8", '{\n  "slug": "test-brigade"'),
        ("md", "text/markdown; charset=utf-8", "# Test Brigade\n"),
        ("txt", "text/plain; charset=utf-8", "Test Brigade\n"),
    ],
)
def test_profile_exports(client, profile, format, content_type, start):
    response = client.get(reverse("profiles:export", args=[profile.slug, format]))

    assert response["Content-Type"] == content_type
    assert response.content.decode().startswith(start)


def test_json_export_is_the_api_document(client, profile):
    exported = client.get(reverse("profiles:export", args=[profile.slug, "json"]))
    api = client.get(reverse("api:profile-detail", args=[profile.slug]))

    assert json.loads(exported.content) == json.loads(api.content)


def test_unknown_export_format_is_404(client, profile):
    response = client.get(reverse("profiles:export", args=[profile.slug, "pdf"]))

    assert response.status_code == 404


def test_sitemap_lists_profiles(client, profile):
    xml = client.get("/sitemap-profiles.xml").content.decode()

    assert f"/profiles/{profile.slug}/</loc>" in xml
    assert "<lastmod>" in xml


def test_sitemap_is_an_index_of_sections_of_bounded_size(
    client, django_assert_max_num_queries
):
    for number in range(3):
        publish_profile(f"Group {number}")
    limit = ProfileSitemap.limit
    ProfileSitemap.limit = 2
    try:
        index = client.get("/sitemap.xml").content.decode()
        with django_assert_max_num_queries(3):
            second = client.get("/sitemap-profiles.xml", {"p": 2}).content.decode()
    finally:
        ProfileSitemap.limit = limit

    assert "<sitemapindex" in index
    assert "http://testserver/sitemap-profiles.xml?p=2</loc>" in index
    assert "http://testserver/sitemap-pages.xml</loc>" in index
    assert second.count("<url>") == 1
    assert "/profiles/group-2/</loc>" in second


def test_profile_page_has_title_description_and_open_graph(client, profile):
    html = client.get(profile.get_absolute_url()).content.decode()

    assert "<title>Test Brigade · Profiles wiki</title>" in html
    assert '<meta name="description" content="Sourced profile of Test Brigade' in html
    assert '<meta property="og:title" content="Test Brigade">' in html
    assert 'rel="alternate" type="application/atom+xml"' in html


def test_list_filters_by_designation_area_and_sorts_by_update(client):
    listed = publish_profile("Alpha", current_designations=["U.S. FTO, 2019"])
    publish_profile(
        "Beta", current_designations=["None"], areas_of_operation=["Aleppo"]
    )
    publish_profile("Gamma", areas_of_operation=["Basra and Baghdad"])
    url = reverse("profiles:list")

    def names(query):
        return [p.name for p in client.get(url + query).context["profiles"]]

    assert names("?designation=designated") == ["Alpha"]
    assert names("?designation=not-designated") == ["Beta", "Gamma"]
    assert names("?area=baghdad") == ["Gamma"]
    assert names("?sort=updated") == ["Gamma", "Beta", "Alpha"]
    assert listed.version == 1


def test_history_of_a_thousand_versions_is_paginated_in_constant_queries(
    client, profile
):
    url = reverse("profiles:history", args=[profile.slug])
    few = queries_for(client, url)
    add_bulk_versions(profile, 1000)

    response = client.get(url + "?page=2")

    assert queries_for(client, url) == few
    assert [v.number for v in response.context["versions"]][:2] == [976, 975]
    assert len(response.context["versions"]) == 25
    with CaptureQueriesContext(connection) as last_page:
        response = client.get(url + "?page=41")
    assert [v.number for v in response.context["versions"]] == [1]
    # Found by number: no row counted, none skipped, whatever the page.
    sql = " ".join(query["sql"] for query in last_page).upper()
    assert "OFFSET" not in sql
    assert "COUNT(" not in sql


def test_new_pages_query_counts_do_not_grow(client, reviewer):
    small = publish_profile("Small", leaders=1, notes=1)
    large = publish_profile("Large", leaders=30, notes=30)
    for profile in small, large:
        change(profile, reviewer, size=["About 900"])
        change(profile, reviewer, size=["About 300"])

    for name, args in [
        ("profiles:version", [1]),
        ("profiles:compare", []),
        ("profiles:field", ["size"]),
        ("profiles:history", []),
    ]:
        counts = {
            queries_for(client, reverse(name, args=[p.slug, *args]))
            for p in (small, large)
        }
        assert len(counts) == 1, (name, counts)
    assert queries_for(client, reverse("changes")) <= 6


def test_feeds_page_to_older_changes_by_the_last_one_shown(
    client, profile, monkeypatch
):
    monkeypatch.setattr("profiles.feeds.ITEMS", 2)
    for name in ("Bravo", "Charlie", "Delta"):
        publish_profile(name)

    def page(url):
        feed = ElementTree.fromstring(client.get(url).content)
        titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
        nexts = [
            link.get("href")
            for link in feed.findall(f"{ATOM}link")
            if link.get("rel") == "next"
        ]
        return titles, nexts

    first, [next_url] = page(reverse("changes-feed"))
    second, no_more = page(next_url)

    assert first == ["Delta, version 1", "Charlie, version 1"]
    assert (second, no_more) == (["Bravo, version 1", "Test Brigade, version 1"], [])
    assert next_url.startswith("http://testserver/changes/feed/?before=")


# Compare with previous, notes linked to their sources --------------------------


def compare_previous_links(html: str, slug: str) -> list[tuple[int, int]]:
    return [
        (int(a), int(b))
        for a, b in re.findall(
            rf'href="/profiles/{slug}/compare/\?from=(\d+)&amp;to=(\d+)">'
            "Compare with previous",
            html,
        )
    ]


def test_every_version_page_but_the_first_links_to_its_comparison(
    client, profile, reviewer
):
    change(profile, reviewer, size=["Bigger"])
    change(profile, reviewer, size=["Biggest"])

    pages = {
        number: client.get(reverse("profiles:version", args=[profile.slug, number]))
        for number in (1, 2, 3)
    }

    assert compare_previous_links(pages[1].content.decode(), profile.slug) == []
    assert compare_previous_links(pages[2].content.decode(), profile.slug) == [(1, 2)]
    assert compare_previous_links(pages[3].content.decode(), profile.slug) == [(2, 3)]
    assert (
        client.get(f"/profiles/{profile.slug}/compare/?from=2&to=3").status_code == 200
    )


def test_each_history_entry_but_the_first_links_to_its_comparison(
    client, profile, reviewer
):
    change(profile, reviewer, size=["Bigger"])
    change(profile, reviewer, size=["Biggest"])

    html = client.get(reverse("profiles:history", args=[profile.slug])).content.decode()

    assert compare_previous_links(html, profile.slug) == [(2, 3), (1, 2)]


def test_compare_links_a_changed_note_to_its_source_page(client, profile, reviewer):
    source = Source.objects.get(normalised_url__endswith="example.org/reports/1")
    change(
        profile,
        reviewer,
        citations=[
            {
                "number": 1,
                "text": "A. Writer, “Report 1,” *Example Review*, April 2019. "
                "(<https://example.org/reports/1>)",
            }
        ],
    )

    html = client.get(f"/profiles/{profile.slug}/compare/?from=1&to=2").content.decode()

    assert source.published_at is not None
    assert (
        f'(source page: <a href="/sources/{source.pk}/"><span dir="auto">Report 1'
    ) in html
    assert f"<em>Example Review</em>, {DEL}March{'</del>'}" in html


DEL = '<del><span class="visually-hidden" dir="ltr">deleted: </span>'
