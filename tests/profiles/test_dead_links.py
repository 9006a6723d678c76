"""`/sources/dead/`: the dead links, their last check, their archive copies
and the notes and claims of published profiles resting on them."""

import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from profiles.models import Claim
from profiles.views.sources import DEAD_PER_PAGE
from sources.citations import format_source
from sources.linkcheck import LinkResult
from sources.models import Source, SourceArchive
from tests.factories import SourceFactory, profile_values, publish_values
from tests.pages import hrefs, html_of, queries_for, text_of

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
CHECKED = datetime(2026, 3, 4, 5, 6, tzinfo=timezone.UTC)


def cite(*sources: Source, name: str):
    """A published profile whose notes 1, 2 … cite `sources` in order; its
    background has one claim per note ("Fact 1.¹" …)."""
    citations = [
        {"number": number, "text": format_source(source.as_entry())}
        for number, source in enumerate(sources, start=1)
    ]
    return publish_values(profile_values(name, notes=len(sources), citations=citations))


def kill(source: Source, status: int | None = 404, error: str = "") -> Source:
    """What `check_links` keeps for a dead link."""
    for _ in range(1 if status in (404, 410) else 2):
        source.record_link_check(
            LinkResult(
                url=source.url,
                status=status,
                final_url=source.url if status else "",
                error=error,
                checked_at=CHECKED,
            )
        )
    return source


def entry(html: str, source: Source) -> str:
    match = re.search(
        rf'<section class="source" id="source-{source.pk}"[^>]*>(.*?)</section>',
        html,
        re.S,
    )
    assert match, f"source {source.pk} is not listed"
    return match[1]


def facts(listed: str) -> dict[str, str]:
    """The source's facts as a reader sees them: term -> description."""
    return {
        text_of(term): text_of(description)
        for term, description in re.findall(
            r"<dt>(.*?)</dt><dd>(.*?)</dd>", listed, re.S
        )
    }


def test_a_dead_link_is_listed_with_its_check_archive_copies_and_claims(client):
    source = kill(
        SourceFactory(title="Lost report", url="https://example.org/lost"), 404
    )
    SourceArchive.objects.create(
        source=source,
        url="https://web.archive.org/web/2019/https://example.org/lost",
        archived_on=date(2019, 5, 1),
        position=0,
    )
    SourceArchive.objects.create(
        source=source,
        url="https://archive.ph/abcde",
        archived_on=date(2020, 1, 2),
        position=1,
    )
    profile = cite(SourceFactory(), source, name="Alpha Brigade")
    claim = Claim.objects.get(profile=profile, citations__number=2)

    html = html_of(client.get("/sources/dead/"))
    listed = entry(html, source)

    assert "<h1>Dead links</h1>" in html
    assert '<p class="meta">1 dead link</p>' in html
    assert (
        f'<h2 id="source-{source.pk}-heading"><a href="/sources/{source.pk}/">'
        in listed
    )
    text = text_of(listed)
    assert facts(listed) == {
        "URL": "https://example.org/lost",
        "Last checked": "4 March 2026",
        "Answer": "HTTP 404",
        "Failed checks in a row": "1",
    }
    assert '<time datetime="2026-03-04T05:06:00+00:00">' in listed
    assert (
        "https://web.archive.org/web/2019/https://example.org/lost, "
        "archived on 1 May 2019" in text
    )
    assert "https://archive.ph/abcde, archived on 2 January 2020" in text
    assert hrefs(listed) == [
        f"/sources/{source.pk}/",
        "https://example.org/lost",
        "https://example.org/lost",
        "https://web.archive.org/web/2019/https://example.org/lost",
        "https://archive.ph/abcde",
        "/profiles/alpha-brigade/",
        "/profiles/alpha-brigade/#note-2",
        f"/profiles/alpha-brigade/#claim-{claim.key}",
    ]
    assert "Alpha Brigade, note 2, cited by: Fact 2." in text
    assert "note 1" not in text


def test_a_note_without_claims_and_a_source_without_copies_say_so(client):
    source = kill(SourceFactory(title="Unanswered"), None, "ConnectTimeout: timed out")
    profile = publish_values(
        profile_values(
            "Beta Brigade",
            background="No marks here.",
            citations=[{"number": 1, "text": format_source(source.as_entry())}],
        )
    )
    assert not Claim.objects.filter(profile=profile, citations__number=1).exists()

    listed = entry(html_of(client.get("/sources/dead/")), source)
    text = text_of(listed)

    assert facts(listed)["Answer"] == "None: ConnectTimeout: timed out"
    assert facts(listed)["Failed checks in a row"] == "2"
    assert "No archive copy recorded." in text
    assert "Beta Brigade, note 1 (no claim cites it)" in text


def test_where_a_redirect_ended_is_shown_unlinked(client):
    source = SourceFactory(url="https://example.org/old")
    source.record_link_check(
        LinkResult(source.url, 404, "https://example.org/new", "", CHECKED)
    )

    listed = entry(html_of(client.get("/sources/dead/")), source)

    assert facts(listed)["Redirected to"] == "https://example.org/new"
    assert "https://example.org/new" not in hrefs(listed)


def test_live_unchecked_and_unpublished_sources_are_not_listed(client):
    kill(SourceFactory(title="Pending only", published_at=None))
    live = SourceFactory(title="Still there")
    live.record_link_check(
        LinkResult(live.url, 200, live.url, "", checked_at=timezone.now())
    )
    once = kill(SourceFactory(title="Failed once"), 503)
    once.record_link_check(
        LinkResult(once.url, 200, once.url, "", checked_at=timezone.now())
    )
    SourceFactory(title="Never checked")

    html = html_of(client.get("/sources/dead/"))

    assert '<p class="meta">0 dead links</p>' in html
    assert "No dead link: every checked source still answers." in html
    for title in ("Pending only", "Still there", "Failed once", "Never checked"):
        assert title not in html


def test_what_the_page_shows_is_escaped(client):
    source = kill(SourceFactory(title=SCRIPT, url="javascript:alert(1)"), None, SCRIPT)
    SourceArchive.objects.create(
        source=source, url="https://archive.ph/x?a=<b>", archived_on=date(2020, 1, 1)
    )

    html = html_of(client.get("/sources/dead/"))

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in "".join(hrefs(html))


def test_the_source_list_links_to_the_dead_links(client):
    html = html_of(client.get("/sources/"))

    assert "/sources/dead/" in hrefs(html)


def test_dead_links_page_in_title_order(client):
    sources = [kill(SourceFactory(title=f"Report {n:02}")) for n in range(26)]

    first = client.get("/sources/dead/")
    second = client.get("/sources/dead/?page=2")

    assert [s.pk for s in first.context["sources"]] == [
        s.pk for s in sources[:DEAD_PER_PAGE]
    ]
    assert [s.pk for s in second.context["sources"]] == [sources[-1].pk]
    assert 'href="?page=2"' in html_of(first)


def test_the_query_count_does_not_grow_with_dead_links(client):
    one = kill(SourceFactory())
    cite(one, name="First")
    few = queries_for(client, "/sources/dead/")

    many = [kill(SourceFactory()) for _ in range(6)]
    for n in range(3):
        cite(*many[n * 2 : n * 2 + 2], one, name=f"Brigade {n}")
    for source in [one, *many]:
        for k in range(2):
            SourceArchive.objects.create(
                source=source,
                url=f"https://archive.ph/{source.pk}-{k}",
                archived_on=date(2020, 1, 1),
                position=k,
            )

    assert queries_for(client, "/sources/dead/") == few == 5
