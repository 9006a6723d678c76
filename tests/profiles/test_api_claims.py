"""The claims in `/api/v1/profiles/<slug>/`: every section's, by field, and
each leader row with its claim's id, citations, status and dates."""

import json
import uuid

import pytest

from profiles import exporting, queries, serializers, workflow
from profiles.sections import SECTIONS
from tests.factories import profile_values, publish_change, publish_values
from tests.pages import queries_for
from tests.suppressing import suppressor_user

pytestmark = pytest.mark.django_db

SIZE = [
    "Roughly 3,000 fighters.¹ [reported; as of early 2017; note 1, p. 12]",
    "Perhaps 5,000 today.² [claimed by the group]",
]
BACKGROUND = (
    "Founded in 2014.¹ Fought near Aleppo.² [disputed; as of 2016?]\n\n"
    "A second paragraph with no note."
)
SPOKESMAN = {
    "name": "Abu Test",
    "aliases": ["Abu T"],
    "role": "the spokesman since 2019.³ [reported; review by 2027-06-01; "
    "note 3, para. 4]",
}
CLAIM_KEYS = {"id", "text", "citations", "status", "as_of", "review_by"}


def published(**fields):
    values = profile_values("Claim Brigade", notes=3)
    values.update(size=SIZE, background=BACKGROUND, leaders=[SPOKESMAN], **fields)
    return publish_values(values)


def detail(client, profile) -> dict:
    response = client.get(f"/api/v1/profiles/{profile.slug}/")
    assert response.status_code == 200
    return response.json()


def without_ids(claims: list[dict]) -> list[dict]:
    return [{k: v for k, v in claim.items() if k != "id"} for claim in claims]


def test_claims_are_given_for_every_section_by_field(client):
    data = detail(client, published())

    assert list(data["claims"]) == [section.field for section in SECTIONS]
    for claims in data["claims"].values():
        for claim in claims:
            assert set(claim) == CLAIM_KEYS
            assert str(uuid.UUID(claim["id"])) == claim["id"]
    assert data["claims"]["founding"] == []


def test_a_bullet_s_claims_carry_status_dates_and_locators(client):
    data = detail(client, published())

    assert without_ids(data["claims"]["size"]) == [
        {
            "text": "Roughly 3,000 fighters.",
            "citations": [{"number": 1, "locator": "p. 12", "credibility": None}],
            "status": "reported",
            "as_of": "2017-01/2017-04",
            "review_by": None,
        },
        {
            "text": "Perhaps 5,000 today.",
            "citations": [{"number": 2, "locator": None, "credibility": None}],
            "status": "claimed by the group",
            "as_of": None,
            "review_by": None,
        },
    ]


def test_prose_gives_a_claim_per_stretch_ending_at_its_marks(client):
    data = detail(client, published())

    assert without_ids(data["claims"]["background"]) == [
        {
            "text": "Founded in 2014.",
            "citations": [{"number": 1, "locator": None, "credibility": None}],
            "status": "confirmed",
            "as_of": None,
            "review_by": None,
        },
        {
            "text": "Fought near Aleppo.",
            "citations": [{"number": 2, "locator": None, "credibility": None}],
            "status": "disputed",
            "as_of": "2016?",
            "review_by": None,
        },
        {
            "text": "A second paragraph with no note.",
            "citations": [],
            "status": "confirmed",
            "as_of": None,
            "review_by": None,
        },
    ]


def test_each_leader_gains_its_claim_s_id_citations_status_and_dates(client):
    data = detail(client, published())

    [claim] = data["claims"]["leaders"]
    assert claim["text"] == "Abu Test (aka Abu T), the spokesman since 2019."
    assert data["leaders"] == [
        {
            **SPOKESMAN,
            "id": claim["id"],
            "citations": [{"number": 3, "locator": "para. 4", "credibility": None}],
            "status": "reported",
            "as_of": None,
            "review_by": "2027-06-01",
        }
    ]


def test_the_export_is_the_api_document_with_its_keys_unchanged(client):
    profile = published()
    data = detail(client, profile)

    exported = json.loads(exporting.as_json(queries.published_profile(profile.slug)))
    assert exported == data
    snapshot = profile.versions.get(number=profile.version).snapshot
    assert "claims" not in snapshot
    assert [
        {k: leader[k] for k in ("name", "aliases", "role")}
        for leader in data["leaders"]
    ] == snapshot["leaders"]
    # An import of the API's JSON reads the same values as of the export's.
    assert serializers.json_values(data) == serializers.json_values(exported)


def test_a_claim_keeps_its_id_when_another_is_edited_and_it_moves(client):
    profile = published()
    before = detail(client, profile)["claims"]["size"]

    publish_change(
        profile,
        size=[
            "A new first bullet about recruits.",
            "Perhaps 5,000 fighters today.² [claimed by the group]",
            SIZE[0],
        ],
    )

    after = detail(client, profile)["claims"]["size"]
    assert [claim["text"] for claim in after] == [
        "A new first bullet about recruits.",
        "Perhaps 5,000 fighters today.",
        "Roughly 3,000 fighters.",
    ]
    assert after[2] == before[0]  # moved, unchanged
    assert after[1]["id"] == before[1]["id"]  # edited
    assert after[0]["id"] not in {claim["id"] for claim in before}


def test_a_hidden_section_has_no_claims_and_hidden_leaders_none(client):
    profile = published()
    publish_change(profile, size=["About 900 zqxhidden fighters in 2021"])

    for field in ("size", "leaders"):
        workflow.suppress(
            profile,
            field,
            2,
            by=suppressor_user(username=f"suppressor-{field}"),
            reason="A private person's details",
        )
    data = detail(client, profile)

    assert set(data["hidden"]) == {"size", "leaders"}
    assert data["claims"]["size"] == []
    assert data["claims"]["leaders"] == []
    assert "zqxhidden" not in json.dumps(data)
    [leader] = data["leaders"]
    assert leader["name"].startswith("Hidden by a reviewer")
    assert (leader["id"], leader["citations"], leader["status"]) == (None, [], None)
    assert len(data["claims"]["background"]) == 3


def test_the_cached_answer_holds_the_claims(client, django_assert_max_num_queries):
    profile = published()
    first = detail(client, profile)

    with django_assert_max_num_queries(1):  # the page's state, nothing else
        again = detail(client, profile)

    assert again == first
    assert again["claims"]["size"][0]["text"] == "Roughly 3,000 fighters."


def test_the_query_count_does_not_grow_with_claims(client):
    few = publish_values(profile_values("Small Brigade", leaders=1, notes=1))
    values = profile_values("Large Brigade", leaders=30, notes=30)
    values["size"] = [
        f"Bullet {n}.¹ ² [reported; as of 2017; note 1, p. {n}]" for n in range(40)
    ]
    many = publish_values(values)

    small = queries_for(client, f"/api/v1/profiles/{few.slug}/")
    large = queries_for(client, f"/api/v1/profiles/{many.slug}/")

    assert small == large
    assert len(detail(client, many)["claims"]["size"]) == 40
