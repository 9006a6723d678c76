"""The name index (`profiles.search`) and the search page `/search/?q=`."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import search, workflow
from profiles.models import ChangeRequest, Claim, Profile, SearchName, SearchText
from profiles.search import querying
from tests.factories import profile_values, publish_values

pytestmark = pytest.mark.django_db


def published(name: str, *, leaders=(), **fields):
    """A published profile with these leaders (`workflow.publishing.publish` indexes
    it)."""
    values = profile_values(name, **fields)
    values["leaders"] = list(leaders)
    return publish_values(values)


def republish(profile, **values):
    """A recorded import changing `values`, published and indexed."""
    change_request = workflow.submit_change_request(
        profile=profile,
        author=workflow.system_user(),
        summary="Test update",
        proposals={name: workflow.Proposal(value) for name, value in values.items()},
        origin=ChangeRequest.Origin.IMPORT,
    )
    workflow.publish_import(change_request)


def leader(name: str, *aliases: str) -> dict:
    return {"name": name, "aliases": list(aliases), "role": "leads"}


def results(client, query: str) -> search.Results:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.context["results"]


def page(client, query: str) -> str:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def profile_names(group: search.Group) -> list[str]:
    return [match.profile.name for match in group.items]


# The index ---------------------------------------------------------------------


def test_index_profile_writes_each_name_from_each_of_its_words():
    profile = published(
        "Kata'ib Hezbollah",
        size=["about 500"],
        background="a small group.",
        english_name="Hezbollah Brigades",
        alternative_names=["كتائب حزب الله"],
        leaders=[leader("Abu Mahdi al-Muhandis", "Jamal Jaafar Ibrahim")],
    )
    rows = {
        (row.kind, row.text, row.word, row.key, row.leader_position)
        for row in SearchName.objects.filter(profile=profile)
    }
    assert SearchText.objects.filter(profile=profile).count() == 2
    assert rows == {
        ("name", "Kata'ib Hezbollah", 0, "katayb hazbala", None),
        ("name", "Kata'ib Hezbollah", 1, "hazbala", None),
        ("english_name", "Hezbollah Brigades", 0, "hazbala bragadas", None),
        ("english_name", "Hezbollah Brigades", 1, "bragadas", None),
        ("alternative_name", "كتائب حزب الله", 0, "كتايب حزبالله", None),
        ("alternative_name", "كتائب حزب الله", 1, "حزبالله", None),
        ("leader", "Abu Mahdi al-Muhandis", 0, "aba mahda mahandas", 0),
        ("leader", "Abu Mahdi al-Muhandis", 1, "mahda mahandas", 0),
        ("leader", "Abu Mahdi al-Muhandis", 2, "mahandas", 0),
        ("alias", "Jamal Jaafar Ibrahim", 0, "jamal jafar abraham", 0),
        ("alias", "Jamal Jaafar Ibrahim", 1, "jafar abraham", 0),
        ("alias", "Jamal Jaafar Ibrahim", 2, "abraham", 0),
    }
    assert not SearchText.objects.filter(profile=profile, text__contains="<")


def test_index_profile_replaces_the_rows_of_a_republished_profile(client):
    profile = published("Liwa Fatemiyoun", alternative_names=["Fatemiyoun Division"])
    assert profile_names(results(client, "Fatimiyun").profiles) == ["Liwa Fatemiyoun"]

    republish(profile, name="Zainabiyoun Brigade", alternative_names=[])

    assert results(client, "Fatimiyun").profiles.count == 0
    found = results(client, "Zeynabiyoun")
    assert profile_names(found.profiles) == ["Zainabiyoun Brigade"]
    assert SearchName.objects.filter(profile=profile).count() == 2


def test_index_all_rebuilds_every_published_profile():
    published("Hezbollah", leaders=[leader("Hassan Nasrallah")])
    published("Kata'ib Hezbollah")
    SearchName.objects.all().delete()

    assert search.index_all() == 1 + 2 + 2
    assert set(SearchName.objects.values_list("key", flat=True)) == {
        "hazbala",
        "hasan nasrala",
        "nasrala",
        "katayb hazbala",
    }


def test_name_lookup_reads_the_key_index():
    published("Hezbollah")
    lookup = SearchName.objects.filter(querying._key_prefix("hazb"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A small table is cheaper to read whole; ask for the plan at scale.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = lookup.explain()
    assert "searchname_key" in plan
    assert [row.text for row in lookup] == ["Hezbollah"]


def test_profiles_named_filters_profiles_by_any_spelling():
    hezbollah = published("Hezbollah", alternative_names=["Hizb Allah"])
    fatemiyoun = published("Liwa Fatemiyoun")

    def named(query: str, *others: Q) -> list:
        matching = Q(pk__in=search.profiles_named(query))
        for other in others:
            matching |= other
        return list(Profile.objects.filter(matching))

    assert named("Hizbullah") == [hezbollah]
    assert named("Fatimiyun") == [fatemiyoun]
    assert named("’") == []
    assert named("’", Q(name__icontains="Liwa")) == [fatemiyoun]


# Names and leaders ---------------------------------------------------------------


def test_other_spellings_find_a_profile(client):
    published("Kata'ib Hezbollah")
    published("Liwa Fatemiyoun")

    for query in ("Kataib Hizballah", "kata’ib hizbullah", "KATAEB HEZBOLLAH"):
        assert profile_names(results(client, query).profiles) == ["Kata'ib Hezbollah"]
    assert profile_names(results(client, "Fatimiyun").profiles) == ["Liwa Fatemiyoun"]


def test_exact_matches_come_first(client):
    published("Hezbollah Brigades in Syria")
    published("Kata'ib Hezbollah")
    published("Hizballah", english_name="Party of God")
    published("Hezbollah")

    found = results(client, "Hezbollah").profiles

    assert profile_names(found) == [
        "Hezbollah",  # the same key and the same spelling
        "Hizballah",  # the same key
        "Kata'ib Hezbollah",  # the same key from its second word
        "Hezbollah Brigades in Syria",  # a key starting with the query's
    ]
    assert [match.exact for match in found.items] == [True, True, True, False]


def test_a_profile_found_by_several_names_is_listed_once(client):
    published(
        "Kata'ib Hezbollah",
        english_name="Hezbollah Brigades",
        alternative_names=["Kataib Hizballah", "Hizballah Brigades in Iraq"],
    )

    found = results(client, "Hizballah").profiles

    assert found.count == 1
    [match] = found.items
    assert (match.kind, match.text) == (
        "name",
        "Kata&#x27;ib <mark>Hezbollah</mark>",
    )


def test_an_arabic_query_finds_an_arabic_alternative_name(client):
    published("Kata'ib Hezbollah", alternative_names=["كتائب حزب الله"])

    found = results(client, "كتائب حِزْبُ اللّه").profiles

    [match] = found.items
    assert match.kind == "alternative_name"
    assert match.text == "<mark>كتائب حزب الله</mark>"
    html = page(client, "كتائب حزب الله")
    assert (
        'Alternative name: <span dir="auto"><mark>كتائب حزب الله</mark></span>' in html
    )


def test_leaders_and_aliases_are_found_with_their_profile(client):
    profile = published(
        "Kata'ib Hezbollah",
        leaders=[
            leader("Abu Mahdi al-Muhandis", "Jamal Jaafar Ibrahim"),
            leader("Abu Fadak al-Muhammadawi", "Abd al-Aziz al-Muhammadawi"),
        ],
    )

    by_name = results(client, "Mohandes").leaders
    by_alias = results(client, "Abdul Aziz al-Mohammadawi").leaders

    [match] = by_name.items
    assert (match.kind, match.text, match.leader_position) == (
        "leader",
        "Abu Mahdi <mark>al-Muhandis</mark>",
        0,
    )
    [match] = by_alias.items
    assert (match.kind, match.leader_name, match.text) == (
        "alias",
        "Abu Fadak al-Muhammadawi",
        "<mark>Abd al-Aziz al-Muhammadawi</mark>",
    )
    html = page(client, "Muhammadawi")
    assert f'href="{profile.get_absolute_url()}#leaders"' in html
    assert "also known as" in html


def test_a_leader_found_by_name_and_alias_is_listed_once(client):
    published("Hezbollah", leaders=[leader("Hassan Nasrallah", "Hasan Nasrullah")])

    found = results(client, "Nasrallah").leaders

    assert found.count == 1
    assert found.items[0].kind == "leader"


def test_each_group_shows_twenty_and_counts_all(client):
    for n in range(25):
        published(f"Liwa Fatemiyoun {n:02}")

    found = results(client, "Fatemiyoun").profiles

    assert found.count == 25
    assert len(found.items) == search.GROUP_SIZE
    assert "The first 20 of 25." in page(client, "Fatemiyoun")


# Sources and text ----------------------------------------------------------------


def test_sources_are_found_by_title_author_or_publication(client):
    profile = published("Kata'ib Hezbollah", notes=2)

    found = results(client, "example review").sources

    assert found.count == 2
    first = found.items[0]
    assert first.parts["publication"] == "<mark>Example Review</mark>"
    assert [(c.profile, c.note) for c in first.citing] == [(profile, 1)]
    html = page(client, "Report 2")
    assert f'href="{profile.get_absolute_url()}#note-2"' in html
    assert "<mark>Report 2</mark>" in html


def test_mentions_link_to_their_claim_with_their_section(client):
    profile = published(
        "Kata'ib Hezbollah",
        size=["About 500 fighters in 2019"],
        areas_of_operation=["Jurf al-Sakhar and the border"],
    )
    claim = Claim.objects.get(profile=profile, section="size")

    found = results(client, "fighters").mentions

    [match] = found.items
    assert match.profile == profile
    assert [(m.field, m.label) for m in match.mentions] == [("size", "Size")]
    assert "<mark>fighters</mark>" in match.mentions[0].snippet
    html = page(client, "fighters")
    assert f'href="{profile.get_absolute_url()}#claim-{claim.key}">Size</a>' in html


def test_a_long_mention_is_cut_around_the_match(client):
    published(
        "Hezbollah",
        background=" ".join(["Words before."] * 30)
        + " It smuggles weapons. "
        + " ".join(["Words after."] * 30),
    )

    [mention] = results(client, "smuggles").mentions.items[0].mentions

    assert "<mark>smuggles</mark>" in mention.snippet
    assert len(mention.snippet) < 400


# Escaping, the empty form, query count ----------------------------------------


def test_names_and_text_are_escaped(client):
    published(
        "Brigade <b>Hezbollah</b>",
        alternative_names=["<script>alert(1)</script> Hizballah"],
        size=["<b>fighters</b> & more"],
    )

    html = page(client, "Hezbollah")
    assert "<b>" not in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Hizballah</mark>" in html
    assert "<mark>Brigade</mark> &lt;b&gt;Hezbollah&lt;/b&gt;" in page(
        client, "Brigade"
    )
    mentions = page(client, "fighters")
    assert "<b>" not in mentions
    # PostgreSQL's headlines leave markup-like tags out; SQLite's keep them.
    assert (
        "<mark>fighters</mark>  &amp; more" in mentions
        if connection.vendor == "postgresql"
        else "&lt;b&gt;<mark>fighters</mark>&lt;/b&gt; &amp; more" in mentions
    )


def test_an_empty_query_shows_just_the_form(client):
    published("Hezbollah")

    for query in ("", "   "):  # the second is the first's page, from the cache
        html = client.get(reverse("search"), {"q": query}).content.decode()
        assert '<label for="search-q">' in html
        assert 'class="search-group"' not in html


def test_a_query_without_name_letters_searches_only_text(client):
    published("Hezbollah", size=["Estimated at 10,000"])

    found = results(client, "10,000")

    assert found.profiles.count == found.leaders.count == 0
    assert found.mentions.count == 1


def add_hezbollah_profiles(start: int, stop: int) -> None:
    for n in range(start, stop):
        published(
            f"Hezbollah {n}",
            leaders=[leader(f"Hezbollah Leader {n}", f"Abu Hezbollah {n}")],
            notes=2,
            size=["Hezbollah fighters"],
            background=f"Hezbollah Commander {n} spoke.",
            citations=[
                {"number": 1, "text": f"A. Writer, “Hezbollah {n},” *Review*, 2019."},
                {"number": 2, "text": f"B. Writer, “Hezbollah {n}b,” *Review*, 2020."},
            ],
        )


def test_query_count_does_not_grow_with_the_data(client, django_assert_max_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            found = results(client, "Hezbollah")
        assert all(group.count for _, _, group in found.groups)
        return len(queries)

    add_hezbollah_profiles(0, 25)
    at_25 = count()
    add_hezbollah_profiles(25, 200)

    most = search.QUERIES_PER_SEARCH + 1  # and the page cache's newest version
    assert count() == at_25 == most
    for query in ("Hezbollah 150", "fighters", "Writer", "Abu Hezbollah 7", "حزب"):
        with django_assert_max_num_queries(most):
            results(client, query)
    with django_assert_max_num_queries(most):
        client.get(reverse("search"), {"q": "Hezbollah", "in": "mentions", "page": 5})


# Spelling variants of people -------------------------------------------------------


def test_a_joined_compound_given_name_finds_the_name_written_apart(client):
    published(
        "Kata'ib Hezbollah",
        leaders=[leader("Abu Fadak al-Muhammadawi", "Abdul Aziz al-Muhammadawi")],
        background="Abdel Karim al-Zubaidi founded it.",
    )

    by_alias = results(client, "Abdulaziz al-Mohammadawi").leaders
    by_part = results(client, "Aziz al-Muhammadawi").leaders
    in_prose = results(client, "Abdulkarim Zubaidi").names

    assert [m.leader_name for m in by_alias.items] == ["Abu Fadak al-Muhammadawi"]
    assert by_alias.items[0].text == "<mark>Abdul Aziz al-Muhammadawi</mark>"
    assert [m.leader_name for m in by_part.items] == ["Abu Fadak al-Muhammadawi"]
    assert profile_names(in_prose) == ["Kata'ib Hezbollah"]


def test_an_alias_with_the_leaders_surname_finds_the_leader(client):
    profile = published(
        "Example Brigade",
        leaders=[
            leader("Hamid al-Example", "Abu Yasir"),
            leader("Khalid al-Hassan", "Khalid al-Mara'i", "al-Hajj Khalid"),
        ],
    )

    found = results(client, "Abu Yasir al-Example").leaders
    by_title = results(client, "Hajj Khalid al-Hasan").leaders

    [match] = found.items
    assert (match.kind, match.leader_name, match.text) == (
        "alias_surname",
        "Hamid al-Example",
        "<mark>Abu Yasir al-Example</mark>",
    )
    assert match.profile == profile
    assert [m.leader_name for m in by_title.items] == ["Khalid al-Hassan"]
    # An alias with a surname of its own is not given the leader's.
    assert not SearchName.objects.filter(text="Khalid al-Mara'i al-Hassan").exists()
    assert "also known as" in page(client, "Abu Yasir al-Example")


def test_a_vowel_variant_of_a_name_only_in_the_prose_finds_the_profile(client):
    profile = published(
        "Liwa al-Baqir",
        background=(
            "The tribe claims descent from the fifth Shiite imam, "
            "Mohammed al-Baqir,¹ the brigade's namesake."
        ),
    )
    published("Other Brigade", background="Nothing about imams.")

    found = results(client, "Muhammad al-Baqir")

    [match] = found.names.items
    assert match.profile == profile
    assert match.text == "<mark>Mohammed al-Baqir</mark>"
    assert results(client, "Muhamad Bakir").names.count == 1
    assert 'names <span dir="auto"><mark>Mohammed al-Baqir</mark>' in page(
        client, "Muhammad al-Baqir"
    )


def test_sentence_openings_are_not_names():
    from profiles.search.indexing import prose_names

    assert prose_names(
        "About 500 fighters. The group met Hezbollah chief Hassan Nasrallah's "
        "men in Aleppo. Liwa al-Baqir's members joined bin Laden."
    ) == ["Hezbollah", "Hassan Nasrallah", "Aleppo", "Liwa al-Baqir", "bin Laden"]


# Nothing unpublished ---------------------------------------------------------------


def test_nothing_unpublished_is_found(client):
    published("Hezbollah", background="Published words.")
    change_request = workflow.submit_change_request(
        profile=None,
        author=workflow.system_user(),
        summary="Pending",
        proposals={
            name: workflow.Proposal(value)
            for name, value in profile_values(
                "Zarqawi Pending Brigade",
                leaders=1,
                background="Zarqawi secret words.",
                citations=[
                    {"number": 1, "text": "Z. Secret, “Zarqawi dossier,” *Hidden*."}
                ],
            ).items()
        },
        origin=ChangeRequest.Origin.IMPORT,
    )
    assert change_request.profile is None

    found = results(client, "Zarqawi")

    assert found.count == 0
    assert results(client, "Hidden").sources.count == 0
    assert not SearchText.objects.filter(text__contains="Zarqawi").exists()


# Paging ----------------------------------------------------------------------------


def test_a_group_is_paged_with_its_total(client):
    for n in range(45):
        published(f"Liwa Fatemiyoun {n:02}", size=[f"Fatemiyoun fighters {n}"])

    overview = page(client, "Fatemiyoun")
    response = client.get(
        reverse("search"), {"q": "Fatemiyoun", "in": "profiles", "page": 2}
    )
    last = client.get(
        reverse("search"), {"q": "Fatemiyoun", "in": "profiles", "page": 3}
    )

    assert "The first 20 of 45." in overview
    assert "q=Fatemiyoun&amp;in=profiles&amp;page=2" in overview
    page_obj = response.context["page_obj"]
    assert page_obj.paginator.count == 45
    assert page_obj.number == 2
    assert [m.profile.name for m in page_obj.object_list] == [
        f"Liwa Fatemiyoun {n:02}" for n in range(20, 40)
    ]
    html = response.content.decode()
    assert "45 results for" in html
    assert "Page 2 of 3" in html
    assert 'rel="next" href="?q=Fatemiyoun&amp;in=profiles&amp;page=3"' in html
    assert len(last.context["page_obj"].object_list) == 5
    mentions = client.get(
        reverse("search"), {"q": "fighters", "in": "mentions", "page": 3}
    )
    assert len(mentions.context["page_obj"].object_list) == 5
    assert mentions.context["page_obj"].object_list[0].mentions


# Large sections ---------------------------------------------------------------


def dense_text(chars: int, *, start: int = 0) -> str:
    """Text of distinct hyphenated two-letter words of 4-byte letters: about
    ten bytes of PostgreSQL text-search vector per character, the most any
    text was measured to take. Texts from distant `start`s share no word."""
    letters = [chr(0x20000 + n) for n in range(400)]
    pairs = [a + b for a in letters for b in letters]
    words = [
        f"{pairs[2 * n]}-{pairs[2 * n + 1]}"
        for n in range(start, start + chars // 6 + 1)
    ]
    return " ".join(words)[:chars]


def test_a_profile_with_sections_past_the_vector_limit_leaves_search_working(
    client,
):
    # Two sections at the field limit: about 2 MB of vector, twice what
    # PostgreSQL takes; before the vector read a bounded part of the text,
    # every text search failed once this profile was published.
    published("Small Brigade", background="It fought near Aleppo.")
    published(
        "Large Brigade",
        connections_to_irgc="Zarqawi " + dense_text(99_000),
        background=dense_text(99_000, start=20_000),
    )

    assert profile_names(results(client, "Aleppo").mentions) == ["Small Brigade"]
    assert profile_names(results(client, "Zarqawi").mentions) == ["Large Brigade"]


# Relevance, capped counts and the page cache ------------------------------------


def test_mentions_come_most_relevant_first_not_by_name(client):
    published(
        "Alpha Brigade",
        background=" ".join(["Guards the roads and the villages."] * 40)
        + " Once accused of smuggling.",
    )
    published("Zulu Brigade", background="Smuggling, smuggling and more smuggling.")

    found = results(client, "smuggling").mentions

    assert profile_names(found) == ["Zulu Brigade", "Alpha Brigade"]


def test_a_count_past_the_cap_says_so_and_pages_stop_there(client, monkeypatch):
    from profiles.search import presenting

    monkeypatch.setattr(presenting, "COUNT_CAP", 3)
    monkeypatch.setattr(querying, "COUNT_CAP", 3)
    monkeypatch.setattr(querying, "GROUP_SIZE", 2)  # a full first page: counted
    for n in range(5):
        published(f"Brigade {n}", size=[f"About {n + 1}00 fighters"])

    found = results(client, "fighters")
    html = page(client, "fighters")
    one_group = client.get(reverse("search"), {"q": "fighters", "in": "mentions"})

    assert found.mentions.count == 4  # the count stopped at the cap + 1
    assert found.mentions.count_label == "3+"
    assert "Mentions in the text (3+)" in html
    assert "The first 2 of 3+." in html
    assert "3+ results for" in html
    assert one_group.context["page_obj"].paginator.count == 3
    assert "(3+)" in one_group.content.decode()


def test_an_anonymous_search_is_served_from_the_cache_until_a_publish(
    client, django_assert_num_queries
):
    published("Kata'ib Hezbollah", size=["About 500 fighters"])
    first = client.get(reverse("search"), {"q": "fighters"})

    with django_assert_num_queries(1):  # the newest version, nothing else
        again = client.get(reverse("search"), {"q": " fighters", "utm": "x"})
    published("Newer Brigade", size=["About 900 fighters"])
    after = client.get(reverse("search"), {"q": "fighters"}).content.decode()

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert "Newer Brigade" in after


def test_a_signed_in_search_is_not_the_cached_page(client):
    from tests.factories import editor_user

    published("Kata'ib Hezbollah", size=["About 500 fighters"])
    client.get(reverse("search"), {"q": "fighters"})
    client.force_login(editor_user(username="mina"))

    response = client.get(reverse("search"), {"q": "fighters"})

    assert "ETag" not in response
    assert "Sign out mina" in response.content.decode()
