"""Search finds claims: a mention is a claim of a section, linked to the
claim inside the profile (`#claim-<key>`), with its status when it is not
"confirmed"."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from profiles import search, workflow
from profiles.models import Claim, SearchText
from profiles.search import querying
from tests.factories import profile_values, publish_change, publish_values
from tests.suppressing import SECRET, hide_secret, profile_with_secret

pytestmark = pytest.mark.django_db

SIZE = [
    "About 500 fighters in 2019.¹",
    "Up to 2,000 fighters by its own count.¹ [disputed; as of 2020]",
]


def published(name: str = "Claim Brigade", **fields):
    return publish_values(profile_values(name, **fields))


def mentions(client, query: str) -> list:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.context["results"].mentions.items


def page(client, query: str) -> str:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def claim(profile, section: str, position: int) -> Claim:
    return Claim.objects.get(profile=profile, section=section, position=position)


def mention_items(html: str) -> list[str]:
    found = re.search(r'<ul class="mentions">(.*?)</ul>', html, re.DOTALL)
    assert found, "no mentions on the page"
    return re.findall(r"<li>(.*?)</li>", found.group(1), re.DOTALL)


def test_a_word_of_a_claim_links_to_the_claim_with_its_status(client):
    profile = published(size=SIZE)
    confirmed, disputed = claim(profile, "size", 0), claim(profile, "size", 1)

    [match] = mentions(client, "fighters")

    assert [(m.anchor, m.status_words) for m in match.mentions] == [
        (confirmed.anchor, ""),
        (disputed.anchor, "disputed"),
    ]
    first, second = mention_items(page(client, "fighters"))
    url = profile.get_absolute_url()
    assert f'href="{url}#claim-{confirmed.key}">Size</a>' in first
    assert "claim-status" not in first
    assert f'href="{url}#claim-{disputed.key}">Size</a>' in second
    assert '<span class="claim-status">(disputed)</span>' in second
    # Each link leads to its claim on the profile page.
    profile_page = client.get(url).content.decode()
    assert f'id="claim-{confirmed.key}"' in profile_page
    assert f'id="claim-{disputed.key}"' in profile_page


def test_a_mention_is_the_claim_not_its_whole_section(client):
    profile = published(
        background="Founded in 2014 near Aleppo.¹ Later smuggled arms into Iraq.¹"
    )
    smuggling = claim(profile, "background", 1)

    [match] = mentions(client, "smuggled")

    [mention] = match.mentions
    assert (mention.field, mention.claim_key) == ("background", smuggling.key)
    assert "<mark>smuggled</mark>" in mention.snippet
    assert "Aleppo" not in mention.snippet
    assert mention.status_words == ""


def test_the_text_index_holds_a_row_per_claim_with_its_key(client):
    profile = published(size=SIZE, background="One.¹ Two.¹\n\nThree.")

    rows = SearchText.objects.filter(profile=profile).order_by("pk")

    assert [(row.field, row.claim_key, row.text) for row in rows] == [
        (c.section, c.key, c.text)
        for c in Claim.objects.filter(
            profile=profile, section__in=("size", "background")
        ).order_by("-section", "position")
    ]
    assert [row.text for row in rows] == [
        "About 500 fighters in 2019.",
        "Up to 2,000 fighters by its own count.",
        "One.",
        "Two.",
        "Three.",
    ]


def test_an_import_s_batched_profiles_index_the_keys_of_their_claims(client):
    from profiles.workflow import pending

    values = profile_values("Batched Brigade", size=SIZE)
    # As `importing.import_files` does: the group's rows written together.
    with transaction.atomic(), pending.grouped() as group:
        workflow.import_new_profile(
            summary="Import",
            proposals={
                field: workflow.Proposal(value) for field, value in values.items()
            },
        )
        assert not Claim.objects.exists()  # kept for the group
        group.keep_file()
        group.write()

    [match] = mentions(client, "fighters")
    keys = [m.claim_key for m in match.mentions]
    assert keys == list(
        Claim.objects.filter(profile=match.profile, section="size")
        .order_by("position")
        .values_list("key", flat=True)
    )
    assert [m.status_words for m in match.mentions] == ["", "disputed"]


def test_a_moved_claim_is_still_linked_by_its_key(client):
    profile = published(size=SIZE)
    disputed = claim(profile, "size", 1)

    publish_change(profile, size=[SIZE[1], "Recruits from Aleppo.", SIZE[0]])

    [match] = mentions(client, "count")
    [mention] = match.mentions
    assert match.profile == profile
    assert (mention.claim_key, mention.status_words) == (disputed.key, "disputed")
    assert claim(profile, "size", 0).key == disputed.key


def test_hidden_sections_are_not_found(client):
    profile = profile_with_secret()
    assert [m.profile for m in mentions(client, SECRET)] == [profile]

    hide_secret(profile)

    assert mentions(client, SECRET) == []
    assert not SearchText.objects.filter(profile=profile, field="atrocities").exists()
    assert not Claim.objects.filter(profile=profile, section="atrocities").exists()
    [match] = mentions(client, "fighters")
    assert [m.field for m in match.mentions] == ["size"]


def test_a_profile_shows_its_most_relevant_claims_in_reading_order(client):
    size = [f"Bullet {n} about fighters.¹" for n in range(8)]
    size[6] = "Fighters, fighters and fighters.¹"
    profile = published(size=size)

    [match] = mentions(client, "fighters")

    assert len(match.mentions) == querying.MENTIONS_PER_PROFILE
    positions = [Claim.objects.get(key=m.claim_key).position for m in match.mentions]
    assert 6 in positions
    assert positions == sorted(positions)
    assert Claim.objects.filter(profile=profile, section="size").count() == 8


def test_many_matching_claims_take_no_more_queries(
    client, django_assert_max_num_queries
):
    published("Few Brigade", size=["About fighters.¹"])
    published("Many Brigade", size=[f"Bullet {n} about fighters.¹" for n in range(60)])

    # The search's queries and the page cache's newest version.
    with django_assert_max_num_queries(querying.QUERIES_PER_SEARCH + 1):
        found = mentions(client, "fighters")

    assert sorted(len(match.mentions) for match in found) == [
        1,
        querying.MENTIONS_PER_PROFILE,
    ]


def test_a_section_without_claim_rows_is_found_whole_and_linked_to_itself(client):
    profile = published(size=SIZE)
    Claim.objects.filter(profile=profile, section="size").delete()

    search.index_all()

    [match] = mentions(client, "fighters")
    [mention] = match.mentions
    assert (mention.claim_key, mention.anchor) == (None, "size")
    text = SearchText.objects.get(profile=profile, field="size").text
    assert "About 500 fighters in 2019." in text
    assert "Up to 2,000 fighters by its own count." in text
