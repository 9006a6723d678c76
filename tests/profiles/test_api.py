from datetime import datetime

import pytest

from tests.factories import profile_values, publish_profile, publish_values
from tests.pages import queries_for

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "slug",
    "name",
    "version",
    "updated_at",
    "founding",
    "size",
    "political_wing",
    "weapons",
    "atrocities",
    "areas_of_operation",
    "connections_to_other_militias",
    "current_designations",
    "social_media",
    "connections_to_irgc",
    "background",
    "logo",
    "flag_text",
    "leaders",
    "citations",
    "tags",
}


def get_json(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture
def baqir():
    values = profile_values("Liwa al-Baqir")
    values.update(
        english_name="al-Baqir Brigade",
        alternative_names=["لواء الباقر", "Liwa al-Imam al-Baqir"],
        tags=["Syria", "Local Defense Forces"],
        logo="Image of Bashar al-Assad",
        flag_text="The lions of al-Baqir",
        founding=["Group claims 2011¹"],
        size=["Estimated at 3,000"],
        political_wing=["None"],
        weapons=["Soviet-era weapons"],
        atrocities=["Possible role in civilian massacres"],
        areas_of_operation=["Aleppo province", "Hama province"],
        connections_to_other_militias=["Claims to coordinate with Hezbollah"],
        current_designations=["None"],
        social_media=["Facebook"],
        connections_to_irgc="Part of the Local Defense Forces.²",
        background="An Aleppo-based militia.¹\n\nLed by a tribe.²",
        leaders=[
            {
                "name": "Khalid al-Hassan",
                "aliases": ["Khalid al-Mara'i", "الحاج خالد"],
                "role": "is the top commander",
            },
            {"name": "Omar Hussein al-Hassan", "aliases": [], "role": ""},
        ],
        citations=[
            {
                "number": 1,
                "text": "Nicholas A. Heras, “Deir Azzour: Tribal Mapping Project,” "
                "*Center for a New American Security*, September 2017. "
                "(<https://www.cnas.org/publications/reports/deir-azzour>)",
            },
            {
                "number": 2,
                "text": "عنصر جداشده پیشین حکومت.” *Diyaruna* (Egypt), July 31, 2017. "
                "(http://diyaruna.com/fa/articles/feature-01); Liwa al-Imam "
                "al-Baqir, *Facebook*, 2018. (<https://www.facebook.com/baqueru/>)",
            },
        ],
    )
    return publish_values(values)


# List ------------------------------------------------------------------------


def test_list_gives_summaries_of_published_profiles(client, baqir):
    other = publish_profile("Kataib Hezbollah")

    data = get_json(client, "/api/v1/profiles/")

    assert data == {
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "kataib-hezbollah",
                "name": "Kataib Hezbollah",
                "english_name": "",
                "version": 1,
                "updated_at": other.published_at.isoformat(),
                "url": "http://testserver/api/v1/profiles/kataib-hezbollah/",
            },
            {
                "slug": "liwa-al-baqir",
                "name": "Liwa al-Baqir",
                "english_name": "al-Baqir Brigade",
                "version": 1,
                "updated_at": baqir.published_at.isoformat(),
                "url": "http://testserver/api/v1/profiles/liwa-al-baqir/",
            },
        ],
    }


def test_list_of_nothing_is_empty(client):
    assert get_json(client, "/api/v1/profiles/") == {
        "next": None,
        "previous": None,
        "results": [],
    }


def test_list_pages_by_cursor_at_50_with_next_and_previous(client):
    for n in range(101, 0, -1):
        publish_profile(f"Brigade {n:03}")

    first = get_json(client, "/api/v1/profiles/")
    second = get_json(client, first["next"])
    third = get_json(client, second["next"])

    assert [r["name"] for r in first["results"]] == [
        f"Brigade {n:03}" for n in range(1, 51)
    ]
    assert first["next"] == "http://testserver/api/v1/profiles/?after=brigade-050"
    assert first["previous"] is None
    assert [r["name"] for r in third["results"]] == ["Brigade 101"]
    assert third["next"] is None
    assert third["previous"] == "http://testserver/api/v1/profiles/?before=brigade-101"
    assert get_json(client, third["previous"]) == second
    assert get_json(client, second["previous"]) == first


def test_a_later_page_runs_as_few_queries_as_the_first(
    client, django_assert_max_num_queries
):
    for n in range(60):
        publish_profile(f"Brigade {n:03}")

    # Two, and the page cache's look-up of the newest version.
    with django_assert_max_num_queries(3):
        get_json(client, "/api/v1/profiles/?after=brigade-049")
    with django_assert_max_num_queries(3):
        get_json(client, "/api/v1/profiles/?before=brigade-050")


def test_list_url_leads_to_the_profile(client, baqir):
    (summary,) = get_json(client, "/api/v1/profiles/")["results"]

    assert get_json(client, summary["url"])["slug"] == "liwa-al-baqir"


def test_list_query_count_does_not_grow_with_profiles(client):
    publish_profile("Alpha", leaders=1, notes=1, tags=["Syria"])
    few = queries_for(client, "/api/v1/profiles/")
    for n in range(60):
        publish_profile(f"Brigade {n:02}", leaders=2, notes=2, tags=["Syria"])

    many = queries_for(client, "/api/v1/profiles/")
    later_page = queries_for(client, "/api/v1/profiles/?after=brigade-30")

    assert few == many
    assert later_page == many + 1  # and whether a page comes before it
    assert later_page <= 10


# Detail ----------------------------------------------------------------------


def test_detail_has_every_key_of_the_contract(client, baqir):
    data = get_json(client, "/api/v1/profiles/liwa-al-baqir/")

    assert data.keys() >= CONTRACT_KEYS
    # Each leader also carries its claim's fields (`test_api_claims.py`).
    assert {key for leader in data["leaders"] for key in leader} == {
        "name",
        "aliases",
        "role",
        "id",
        "citations",
        "status",
        "as_of",
        "review_by",
    }
    assert {"number", "text", "urls"} <= {
        key for citation in data["citations"] for key in citation
    }


def test_detail_gives_the_published_profile(client, baqir):
    data = get_json(client, "/api/v1/profiles/liwa-al-baqir/")
    data["leaders"] = [
        {key: leader[key] for key in ("name", "aliases", "role")}
        for leader in data["leaders"]
    ]

    assert {key: data[key] for key in CONTRACT_KEYS - {"citations"}} == {
        "slug": "liwa-al-baqir",
        "name": "Liwa al-Baqir",
        "version": 1,
        "updated_at": baqir.published_at.isoformat(),
        "founding": ["Group claims 2011¹"],
        "size": ["Estimated at 3,000"],
        "political_wing": ["None"],
        "weapons": ["Soviet-era weapons"],
        "atrocities": ["Possible role in civilian massacres"],
        "areas_of_operation": ["Aleppo province", "Hama province"],
        "connections_to_other_militias": ["Claims to coordinate with Hezbollah"],
        "current_designations": ["None"],
        "social_media": ["Facebook"],
        "connections_to_irgc": "Part of the Local Defense Forces.²",
        "background": "An Aleppo-based militia.¹\n\nLed by a tribe.²",
        "logo": "Image of Bashar al-Assad",
        "flag_text": "The lions of al-Baqir",
        "leaders": [
            {
                "name": "Khalid al-Hassan",
                "aliases": ["Khalid al-Mara'i", "الحاج خالد"],
                "role": "is the top commander",
            },
            {"name": "Omar Hussein al-Hassan", "aliases": [], "role": ""},
        ],
        "tags": ["Local Defense Forces", "Syria"],
    }
    assert data["english_name"] == "al-Baqir Brigade"
    assert data["alternative_names"] == ["لواء الباقر", "Liwa al-Imam al-Baqir"]


def test_detail_gives_citations_with_number_text_and_urls(client, baqir):
    citations = get_json(client, "/api/v1/profiles/liwa-al-baqir/")["citations"]

    assert [
        {key: citation[key] for key in ("number", "text", "urls")}
        for citation in citations
    ] == [
        {
            "number": 1,
            "text": "Nicholas A. Heras, “Deir Azzour: Tribal Mapping Project,” "
            "*Center for a New American Security*, September 2017. "
            "(<https://www.cnas.org/publications/reports/deir-azzour>)",
            "urls": ["https://www.cnas.org/publications/reports/deir-azzour"],
        },
        {
            "number": 2,
            "text": "عنصر جداشده پیشین حکومت.” *Diyaruna* (Egypt), July 31, 2017. "
            "(http://diyaruna.com/fa/articles/feature-01); Liwa al-Imam "
            "al-Baqir, *Facebook*, 2018. (<https://www.facebook.com/baqueru/>)",
            "urls": [
                "http://diyaruna.com/fa/articles/feature-01",
                "https://www.facebook.com/baqueru/",
            ],
        },
    ]


def test_detail_dates_are_iso_8601_at_their_precision(client, baqir):
    data = get_json(client, "/api/v1/profiles/liwa-al-baqir/")

    assert datetime.fromisoformat(data["updated_at"]) == baqir.published_at
    sources = [
        source for citation in data["citations"] for source in citation["sources"]
    ]
    assert [(s["date"], s["date_as_written"]) for s in sources] == [
        ("2017-09", "September 2017"),
        ("2017-07-31", "July 31, 2017"),
        ("2018", "2018"),
    ]


def test_detail_gives_a_march_2019_source_the_month(client):
    publish_profile("Alpha", notes=1)

    (citation,) = get_json(client, "/api/v1/profiles/alpha/")["citations"]

    assert [(s["date"], s["date_as_written"]) for s in citation["sources"]] == [
        ("2019-03", "March 2019")
    ]


def test_detail_writes_arabic_and_persian_text_as_utf8(client, baqir):
    response = client.get("/api/v1/profiles/liwa-al-baqir/")

    assert "لواء الباقر".encode() in response.content
    assert "عنصر جداشده پیشین حکومت".encode() in response.content
    assert b"\\u" not in response.content


def test_detail_is_404_for_unknown_slug(client, baqir):
    assert client.get("/api/v1/profiles/unknown/").status_code == 404


def test_api_refuses_writes_with_405(client, baqir):
    for url in ("/api/v1/profiles/", "/api/v1/profiles/liwa-al-baqir/"):
        assert client.post(url, {"name": "Changed"}).status_code == 405
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405
    assert get_json(client, "/api/v1/profiles/liwa-al-baqir/")["name"] == (
        "Liwa al-Baqir"
    )


def test_detail_query_count_does_not_grow_with_leaders_and_notes(client):
    small = publish_profile("Small Brigade", leaders=1, notes=1, tags=["Syria"])
    large = publish_profile(
        "Large Brigade", leaders=30, notes=30, tags=["Syria", "Iraq", "Lebanon"]
    )

    few = queries_for(client, f"/api/v1/profiles/{small.slug}/")
    many = queries_for(client, f"/api/v1/profiles/{large.slug}/")

    assert few == many
    assert many <= 10
    assert len(get_json(client, f"/api/v1/profiles/{large.slug}/")["citations"]) == 30
