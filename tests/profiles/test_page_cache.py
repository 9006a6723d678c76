"""The profile page for anonymous readers: cached per published state, with
conditional requests answered 304, and never stale after a publish. Signed-in
readers get the same cached article with their own parts around it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import workflow
from tests.factories import (
    SourceFactory,
    editor_user,
    publish_profile,
    reviewer_user,
)
from tests.factories import publish_change as publish
from tests.pages import queries_for, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(profile):
    return reverse("profiles:detail", args=[profile.slug])


def test_a_second_anonymous_view_is_served_from_the_cache(
    client, url, django_assert_num_queries
):
    first = client.get(url)

    with django_assert_num_queries(1):  # is it still the same published state?
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert second["Vary"] == "Cookie"


def test_publishing_shows_the_new_version_at_once(client, profile, url):
    client.get(url)

    publish(profile, size=["About 900 fighters"])
    html = client.get(url).content.decode()

    assert "About 900 fighters" in html
    assert "Version 2," in html


def test_another_profiles_publish_renews_the_page(client, profile, url):
    """A page also shows what other profiles say of it (who names it)."""
    etag = client.get(url)["ETag"]

    publish_profile("Other Brigade")

    assert client.get(url)["ETag"] != etag


def test_a_repeated_conditional_request_gets_304(client, url):
    first = client.get(url)

    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})

    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_date.status_code == 304


def test_a_conditional_request_after_a_publish_gets_the_new_page(client, profile, url):
    etag = client.get(url)["ETag"]
    publish(profile, size=["About 900 fighters"])

    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert "About 900 fighters" in response.content.decode()


def test_signed_in_people_get_a_fresh_page_of_their_own(client, profile, url):
    client.get(url)  # cached for anonymous readers
    editor = editor_user()
    workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="Mine",
        proposals={"size": workflow.Proposal(["About 900"], [SourceFactory()])},
    )
    client.force_login(editor)

    response = client.get(url)

    assert "ETag" not in response
    assert "You have 1 change waiting for review." in text_of(response.content.decode())


def _propose(profile, author, size: str):
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Mine",
        proposals={"size": workflow.Proposal([size], [SourceFactory()])},
    )


def test_a_signed_in_editor_sees_their_own_parts_and_no_one_elses(client, profile, url):
    mine, theirs = editor_user(username="mina"), editor_user(username="omar")
    _propose(profile, mine, "About 900")
    client.force_login(theirs)
    client.get(url)  # the article is cached now, with no one's parts in it
    client.force_login(mine)

    text = text_of(client.get(url).content.decode())

    assert "Sign out mina" in text
    assert "Sign out omar" not in text
    assert "You have 1 change waiting for review." in text
    assert "My changes" in text
    client.force_login(theirs)
    text = text_of(client.get(url).content.decode())
    assert "Sign out omar" in text
    assert "You have no changes waiting for review." in text


def test_a_signed_in_reader_does_not_get_the_anonymous_page(client, profile, url):
    client.get(url)
    client.force_login(editor_user(username="mina"))

    response = client.get(url)
    text = text_of(response.content.decode())

    assert "Sign out mina" in text
    assert "Sign in" not in text
    assert "Watch" in text
    assert "Test Brigade" in text
    assert "ETag" not in response


def test_a_reviewer_sees_every_pending_request(client, profile, url):
    _propose(profile, editor_user(), "About 900")
    client.force_login(reviewer_user())

    text = text_of(client.get(url).content.decode())

    assert "1 pending change waiting for review." in text


@pytest.mark.parametrize("role", [editor_user, reviewer_user])
def test_after_an_approval_signed_in_readers_see_the_new_version(
    client, profile, url, role
):
    client.force_login(role())
    assert "About 500 fighters" in client.get(url).content.decode()
    change_request = _propose(profile, editor_user(), "About 900 fighters")

    workflow.approve(change_request, reviewer=reviewer_user())
    html = client.get(url).content.decode()

    assert "About 900 fighters" in html
    assert "About 500 fighters" not in html
    assert "Version 2," in html


def test_a_signed_in_view_runs_the_same_queries_whatever_the_profile_holds(
    client, profile
):
    """The article is cached: its notes and leaders cost nothing once read."""
    large = publish_profile("Large Brigade", leaders=30, notes=40)
    client.force_login(reviewer_user())
    small_url, large_url = profile.get_absolute_url(), large.get_absolute_url()
    first = queries_for(client, large_url)
    queries_for(client, small_url)

    small, large_again = queries_for(client, small_url), queries_for(client, large_url)

    assert small == large_again < first


def test_a_signed_in_readers_message_is_shown_once_around_the_cached_article(
    client, profile, url
):
    client.force_login(editor_user())
    client.get(url)
    client.post(reverse("profiles:watch", args=[profile.slug]), {"next": url})

    first = text_of(client.get(url).content.decode())
    second = text_of(client.get(url).content.decode())

    assert "You are watching Test Brigade" in first
    assert "You watch this profile." in first
    assert "You are watching Test Brigade" not in second
    assert "You watch this profile." in second


def test_an_unknown_profile_is_not_found(client):
    response = client.get(reverse("profiles:detail", args=["no-such"]))

    assert response.status_code == 404
    assert "ETag" not in response


# Pages drawn from the whole record: home and the network --------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/network/",
        "/network/?year=2019",
        "/profiles/",
        "/profiles/?sort=updated",
        "/api/v1/profiles/",
    ],
)
def test_a_whole_record_page_is_cached_until_anything_is_published(
    client, profile, path, django_assert_num_queries
):
    first = client.get(path)
    with django_assert_num_queries(1):  # the newest version, nothing else
        second = client.get(path)
    assert second.content == first.content
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    publish_profile("Newer Brigade", connections_to_other_militias=["Test Brigade"])
    third = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert third.status_code == 200
    assert "Newer Brigade" in third.content.decode()


def test_a_whole_record_page_is_fresh_for_signed_in_people(client, profile):
    client.get("/network/")
    client.force_login(editor_user())

    response = client.get("/network/")

    assert "ETag" not in response


def test_the_profile_list_keys_on_its_filters_not_the_whole_address(
    client, profile, django_assert_num_queries
):
    first = client.get("/profiles/?tag=syria")

    with django_assert_num_queries(1):
        again = client.get("/profiles/?tag=syria&utm_source=mail")

    assert again.content == first.content


# The JSON API -----------------------------------------------------------------


def test_the_api_profile_is_cached_until_its_page_changes(
    client, profile, django_assert_num_queries
):
    url = reverse("api:profile-detail", args=[profile.slug])
    first = client.get(url)

    with django_assert_num_queries(1):
        second = client.get(url)
    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    publish(profile, size=["About 900 fighters"])
    after = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second["Vary"] == "Cookie"
    assert by_etag.status_code == 304
    assert after.status_code == 200
    assert after.json()["size"] == ["About 900 fighters"]


def test_the_api_list_is_json_from_the_cache_too(client, profile):
    client.get("/api/v1/profiles/")

    response = client.get("/api/v1/profiles/")

    assert response["Content-Type"] == "application/json"
    assert [row["slug"] for row in response.json()["results"]] == [profile.slug]


def test_an_unknown_api_profile_is_not_found_and_not_cached(client):
    response = client.get(reverse("api:profile-detail", args=["no-such"]))

    assert response.status_code == 404
    assert response.json() == {"detail": "No published profile with this slug."}
    assert "ETag" not in response


def test_each_site_address_has_its_own_cached_page(client, profile, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    client.get("/api/v1/profiles/")

    mirrored = client.get("/api/v1/profiles/", headers={"Host": "mirror.example"})

    assert mirrored.json()["results"][0]["url"].startswith("http://mirror.example/")


# Answered before the session (`serve_cached_pages`) --------------------------------


@pytest.mark.parametrize(
    "address",
    [
        lambda profile: reverse("profiles:detail", args=[profile.slug]),
        lambda profile: reverse("profiles:list"),
        lambda profile: reverse("api:profile-detail", args=[profile.slug]),
        lambda profile: reverse("network"),
    ],
    ids=["profile", "list", "api profile", "network"],
)
def test_a_cached_page_is_answered_before_the_session_with_every_header(
    client, profile, address, django_assert_num_queries
):
    url = address(profile)
    first = client.get(url)

    with django_assert_num_queries(1):
        second = client.get(url)

    # Authentication never ran for the second: it was answered above it.
    assert hasattr(first.wsgi_request, "user")
    assert not hasattr(second.wsgi_request, "user")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    for header in ("ETag", "X-Frame-Options", "Content-Security-Policy"):
        assert second[header] == first[header]
    assert second["X-Content-Type-Options"] == "nosniff"


def test_a_miss_reads_the_page_s_state_once(client, url, django_assert_num_queries):
    client.get(url)  # compiles and warms what is not the page
    with django_assert_num_queries(1):
        client.get(url)
    publish_profile("Other Brigade")  # a new state: the next view is a miss

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    states = [q for q in queries if 'FROM "profiles_profile" p,' in q["sql"]]
    assert len(states) == 1


def test_a_reader_with_a_session_is_not_answered_early(client, url):
    client.force_login(editor_user(username="ed"))
    client.get(url)

    response = client.get(url)

    assert response.wsgi_request.user.username == "ed"
    assert "ETag" not in response
