"""The bibliography as files: `/api/v1/sources/` and
`/api/v1/profiles/<slug>/sources/` in CSL-JSON, BibTeX and RIS (each read
back by its reader), paged with a `Link` header, in constant queries; a
version of a profile as a reference in the "Cite this version" box and
its `cite.json|bib|ris` files; a source's page with its formatted
references."""

import json
from datetime import date

import bibtexparser
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from profiles import workflow
from profiles.models import Version
from profiles.views import bibliography
from sources.models import Source
from tests.factories import (
    SourceFactory,
    profile_values,
    publish_change,
    publish_values,
)
from tests.suppressing import suppressor_user

pytestmark = pytest.mark.django_db

FORMATS = {
    "csl-json": ("application/vnd.citationstyles.csl+json", "json"),
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
}


def read(response, format_name: str) -> list[dict]:
    """The works of an export as {title, url}, read by each format's reader."""
    text = response.content.decode()
    if format_name == "csl-json":
        return [{"title": i["title"], "url": i.get("URL")} for i in json.loads(text)]
    if format_name == "bibtex":
        library = bibtexparser.parse_string(text)
        assert library.failed_blocks == []
        return [
            {"title": e["title"], "url": e["url"] if "url" in e.fields_dict else None}
            for e in library.entries
        ]
    records = [r for r in text.strip().split("\n\n") if r]
    found = []
    for record in records:
        lines = record.splitlines()
        assert lines[0].startswith("TY  - ")
        assert lines[-1].rstrip() == "ER  -"
        values = dict(line.split("  - ", 1) for line in lines[1:-1])
        found.append({"title": values["TI"], "url": values.get("UR")})
    return found


def cited_profile():
    """A profile whose notes cite, in order: Alpha; Beta and Alpha again
    (one note, two works); Gamma; and Beta again."""

    def cite(title: str, slug: str) -> str:
        return f"A. Writer, “{title},” *Example Review*, March 2019. (<https://example.org/{slug}>)"

    return publish_values(
        profile_values(
            "Cited Brigade",
            notes=0,
            background="A group.",
            citations=[
                {"number": 1, "text": cite("Alpha", "alpha")},
                {
                    "number": 2,
                    "text": f"{cite('Beta', 'beta')}; {cite('Alpha', 'alpha')}",
                },
                {"number": 3, "text": f"See {cite('Gamma', 'gamma')}"},
                {"number": 4, "text": cite("Beta", "beta")},
            ],
        )
    )


# /api/v1/sources/


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_source_export_writes_every_public_source_in_each_format(client, format_name):
    first = SourceFactory(title="First work", url="https://example.org/first")
    second = SourceFactory(title="Second work", url="https://example.org/second")
    SourceFactory(title="Only a request cites this", published_at=None)

    response = client.get("/api/v1/sources/", {"format": format_name})

    content_type, extension = FORMATS[format_name]
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="sources.{extension}"'
    )
    assert "Link" not in response
    assert read(response, format_name) == [
        {"title": first.title, "url": first.url},
        {"title": second.title, "url": second.url},
    ]


def test_csl_json_items_carry_type_title_url_issued_and_accessed(client):
    source = SourceFactory(
        authors="Phillip Smyth",
        title="The Shiite Jihad",
        publication="Washington Institute",
        date="September 15, 2017",
        accessed_on=date(2018, 1, 2),
    )

    (item,) = client.get("/api/v1/sources/").json()

    assert item == {
        "id": f"smyth2017-{source.pk}",
        "type": "webpage",
        "title": "The Shiite Jihad",
        "author": [{"family": "Smyth", "given": "Phillip"}],
        "container-title": "Washington Institute",
        "issued": {"date-parts": [[2017, 9, 15]]},
        "accessed": {"date-parts": [[2018, 1, 2]]},
        "URL": source.url,
        "language": "en",
    }


def test_an_unknown_format_is_refused_with_the_formats_named(client):
    for path in ("/api/v1/sources/", "/api/v1/profiles/no-such/sources/"):
        response = client.get(path, {"format": "endnote"})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "Unknown format “endnote”: use format=csl-json, "
            "format=bibtex or format=ris."
        }


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_source_export_pages_with_a_link_to_the_next(client, monkeypatch, format_name):
    monkeypatch.setattr(bibliography, "EXPORT_PAGE_SIZE", 2)
    sources = [SourceFactory(title=f"Work {n}") for n in range(5)]

    pages, url = [], f"/api/v1/sources/?format={format_name}"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([work["title"] for work in read(response, format_name)])
        link = response.get("Link")
        url = (
            link[1 : link.index(">")].removeprefix("http://testserver") if link else ""
        )

    assert pages == [["Work 0", "Work 1"], ["Work 2", "Work 3"], ["Work 4"]]
    assert link is None
    last = f"sources-after-{sources[3].pk}.{FORMATS[format_name][1]}"
    assert response["Content-Disposition"] == f'attachment; filename="{last}"'


@pytest.mark.parametrize("after", ["x", "-1", "99999999999999999999", "1.5"])
def test_source_export_refuses_a_cursor_it_did_not_give(client, after):
    response = client.get("/api/v1/sources/", {"after": after})

    assert response.status_code == 400
    assert response.json() == {"detail": "Not a cursor this API gave."}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_source_export_queries_do_not_grow_with_the_bibliography(client):
    SourceFactory.create_batch(3)
    few = queries_for(client, "/api/v1/sources/?format=bibtex")
    SourceFactory.create_batch(40)

    assert queries_for(client, "/api/v1/sources/?format=bibtex") == few == 1


# /api/v1/profiles/<slug>/sources/


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_profile_export_gives_each_work_once_in_note_order(client, format_name):
    profile = cited_profile()

    response = client.get(
        f"/api/v1/profiles/{profile.slug}/sources/", {"format": format_name}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == f"{FORMATS[format_name][0]}; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cited-brigade-sources.{FORMATS[format_name][1]}"'
    )
    assert read(response, format_name) == [
        {"title": "Alpha", "url": "https://example.org/alpha"},
        {"title": "Beta", "url": "https://example.org/beta"},
        {"title": "Gamma", "url": "https://example.org/gamma"},
    ]


def test_profile_export_pages_by_note_and_place(client, monkeypatch):
    monkeypatch.setattr(bibliography, "EXPORT_PAGE_SIZE", 2)
    profile = cited_profile()
    url = f"/api/v1/profiles/{profile.slug}/sources/?format=ris"

    first = client.get(url)
    link = first["Link"]
    second = client.get(link[1 : link.index(">")])

    assert link == (
        f"<http://testserver/api/v1/profiles/{profile.slug}/sources/"
        '?format=ris&after=2-0>; rel="next"'
    )
    assert [w["title"] for w in read(first, "ris")] == ["Alpha", "Beta"]
    assert [w["title"] for w in read(second, "ris")] == ["Gamma"]
    assert "Link" not in second


@pytest.mark.parametrize("after", ["2", "2-", "-1", "a-b", "1-99999999999999999999"])
def test_profile_export_refuses_a_cursor_it_did_not_give(client, after):
    profile = cited_profile()

    response = client.get(f"/api/v1/profiles/{profile.slug}/sources/?after={after}")

    assert response.status_code == 400


def test_profile_export_of_no_published_profile_is_not_found(client):
    response = client.get("/api/v1/profiles/no-such/sources/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No published profile with this slug."}


def test_profile_export_is_empty_while_its_notes_are_hidden(client):
    profile = cited_profile()
    workflow.suppress(
        profile,
        "citations",
        1,
        by=suppressor_user(username="suppressor"),
        reason="Names an informant",
    )

    response = client.get(f"/api/v1/profiles/{profile.slug}/sources/")

    assert response.status_code == 200
    assert response.json() == []


def test_profile_export_queries_do_not_grow_with_its_notes(client):
    few = publish_values(profile_values("Few Notes", notes=2))
    many = publish_values(profile_values("Many Notes", notes=30))

    assert (
        queries_for(client, f"/api/v1/profiles/{few.slug}/sources/")
        == queries_for(client, f"/api/v1/profiles/{many.slug}/sources/")
        == 3
    )


# Cite this version


def cite_url(profile, number: int, extension: str) -> str:
    return f"/profiles/{profile.slug}/versions/{number}/cite.{extension}"


def test_cite_json_is_the_version_as_one_csl_item(client):
    profile = cited_profile()
    version = Version.objects.get(profile=profile, number=1)

    response = client.get(cite_url(profile, 1, "json"))

    assert response["Content-Type"] == (
        "application/vnd.citationstyles.csl+json; charset=utf-8"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="cited-brigade-v1.json"'
    )
    published = timezone.localdate(version.published_at)
    today = timezone.localdate()
    assert response.json() == [
        {
            "id": "cited-brigade-v1",
            "type": "webpage",
            "title": "Cited Brigade",
            "author": [{"literal": settings.SITE_NAME}],
            "issued": {
                "date-parts": [[published.year, published.month, published.day]]
            },
            "accessed": {"date-parts": [[today.year, today.month, today.day]]},
            "URL": "http://testserver/profiles/cited-brigade/versions/1/",
            "language": "en",
            "version": "1",
        }
    ]


def test_cite_bib_and_ris_parse(client):
    profile = cited_profile()

    bib = client.get(cite_url(profile, 1, "bib"))
    ris = client.get(cite_url(profile, 1, "ris"))

    (entry,) = bibtexparser.parse_string(bib.content.decode()).entries
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert entry.key == "cited-brigade-v1"
    assert entry["title"] == "Cited Brigade"
    assert entry["author"] == "{" + settings.SITE_NAME + "}"
    assert entry["url"] == "http://testserver/profiles/cited-brigade/versions/1/"
    assert entry["version"] == "1"
    assert read(ris, "ris") == [
        {
            "title": "Cited Brigade",
            "url": "http://testserver/profiles/cited-brigade/versions/1/",
        }
    ]
    assert ris["Content-Disposition"] == 'attachment; filename="cited-brigade-v1.ris"'


def test_a_cite_file_of_an_unknown_format_or_version_is_not_found(client):
    profile = cited_profile()

    assert client.get(cite_url(profile, 1, "txt")).status_code == 404
    assert client.get(cite_url(profile, 2, "json")).status_code == 404
    assert client.get("/profiles/no-such/versions/1/cite.json").status_code == 404


def test_cite_box_offers_the_three_styles_and_files(client):
    profile = cited_profile()
    year = timezone.localdate(profile.published_at).year

    for url in (f"/profiles/{profile.slug}/", f"/profiles/{profile.slug}/versions/1/"):
        html = client.get(url).content.decode()

        assert "<summary>More styles and files</summary>" in html
        assert (
            '<dt>APA (7th edition)</dt><dd class="cite-reference">'
            f"{settings.SITE_NAME}. ({year}, "
        ) in html
        assert "<dt>Chicago (author-date)</dt>" in html
        assert "<dt>MLA (9th edition)</dt>" in html
        for extension in ("json", "bib", "ris"):
            assert f'href="{cite_url(profile, 1, extension)}" download' in html
        for format_name in FORMATS:
            assert (
                f'href="/api/v1/profiles/{profile.slug}/sources/?format={format_name}"'
            ) in html


def test_an_older_versions_cite_box_offers_no_bibliography_of_today(client):
    profile = cited_profile()
    publish_change(profile, size=["About 900 fighters in 2021"])

    old = client.get(f"/profiles/{profile.slug}/versions/1/").content.decode()
    current = client.get(f"/profiles/{profile.slug}/versions/2/").content.decode()

    assert f'href="{cite_url(profile, 1, "bib")}" download' in old
    assert "/sources/?format=" not in old
    assert "/sources/?format=bibtex" in current


# A source's page


def test_a_source_page_shows_its_formatted_references_escaped(client):
    source = SourceFactory(
        authors="Phillip Smyth",
        title="<script>alert(1)</script> & more",
        publication="Washington Institute",
        date="2015",
    )

    html = client.get(f"/sources/{source.pk}/").content.decode()

    assert '<section id="cite-source"' in html
    assert (
        "<dt>APA (7th edition)</dt><dd>Smyth, P. (2015). "
        "<i>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</i>. "
        f"Washington Institute. {source.url}</dd>"
    ) in html
    assert "<dt>Chicago (author-date)</dt>" in html
    assert "<dt>MLA (9th edition)</dt>" in html
    assert "<script>alert(1)" not in html


def test_every_public_source_exports(client):
    Source.objects.create(
        publication="Diyaruna", date="July 31, 2017", published_at=timezone.now()
    )

    (item,) = client.get("/api/v1/sources/").json()

    assert item["title"] == "Diyaruna"
    assert item["type"] == "article-journal"
    assert "URL" not in item
