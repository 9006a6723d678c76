"""Every public page does the same work whatever the size of the database:
the same number of queries, and a bounded number of rows, at a few dozen
profiles and at 200, and for a profile with 10 versions or 1,000.

A page that loads every profile, or every change ever proposed to one, passes
every test on six demo profiles and takes minutes at real size; these tests
are the ones that fail."""

import re
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from profiles.models import Profile
from profiles.network import queries as network_queries
from profiles.sitemaps import ProfileSitemap
from profiles.views import sources as source_views
from tests.factories import (
    add_bulk_versions,
    editor_user,
    publish_change,
    publish_profile,
    reviewer_user,
)

pytestmark = pytest.mark.django_db

#: The most queries any public page may run.
MOST_QUERIES = 12
#: The most profiles a page may load: a page of a list, its neighbours.
MOST_PROFILES = 60
#: Pages that show more, each bounded by its own page size.
MOST_PROFILES_ON = {
    "/network/?profile=hub-brigade": network_queries.INCOMING_LIMIT + 1,
    "/api/v1/network/": 2 * network_queries.API_PAGE_SIZE,  # nodes, their targets
    "/sitemap-profiles.xml": ProfileSitemap.limit,
    "/sources/<id>/": 2 * source_views.PER_PAGE,  # notes citing it, fields it supports
}


def most_profiles(url: str) -> int:
    return MOST_PROFILES_ON.get(
        re.sub(r"^/sources/\d+/$", "/sources/<id>/", url), MOST_PROFILES
    )


def public_urls(profile: Profile, other: Profile) -> list[str]:
    """The public pages the issue names, for `profile` (which has versions 1
    and 2 and names `other`)."""
    slug = profile.slug
    source = profile.citations.first().sources.first()
    return [
        "/",
        "/profiles/",
        "/profiles/?page=2",
        "/profiles/?tag=syria&sort=updated",
        f"/profiles/{slug}/",
        f"/profiles/{slug}/versions/1/",
        f"/profiles/{slug}/history/",
        f"/profiles/{slug}/compare/?from=1&to=2",
        f"/profiles/{slug}/fields/size/",
        f"/profiles/{slug}/feed/",
        f"/profiles/{slug}/export.json",
        "/sources/",
        "/sources/?sort=title",
        f"/sources/{source.pk}/",
        "/search/?q=brigade",
        f"/search/?q={other.name}",
        "/search/?q=لواء",
        "/search/?q=brigade&in=mentions&page=2",
        "/network/",
        f"/network/?profile={other.slug}",
        "/network/?q=brigade",
        "/network/?year=2019",
        "/changes/",
        "/changes/feed/",
        "/api/v1/profiles/",
        "/api/v1/profiles/?after=brigade-010",
        f"/api/v1/profiles/{slug}/",
        "/api/v1/network/",
        "/sitemap.xml",
        "/sitemap-profiles.xml",
    ]


@contextmanager
def counting_rows():
    """Counts the model instances made while it is open, by model name."""
    loaded = Counter()

    def count(sender, **kwargs):
        loaded[sender.__name__] += 1

    post_init.connect(count)
    try:
        yield loaded
    finally:
        post_init.disconnect(count)


def measure(client, url: str) -> tuple[int, Counter]:
    with CaptureQueriesContext(connection) as queries, counting_rows() as rows:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), rows


def grow_to(count: int) -> None:
    """Published profiles up to `count`, each with leaders, notes and tags,
    the later ones naming the first so the network has hubs."""
    for n in range(Profile.objects.count(), count):
        publish_profile(
            f"Brigade {n:03}",
            leaders=3,
            notes=3,
            tags=["Syria", f"Tag {n % 10}"],
            connections_to_other_militias=["Works with the Hub Brigade in 2019."],
        )


@pytest.fixture
def profile_and_hub(settings):
    # Pages are measured as rendered, not as the page cache serves them.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    hub = publish_profile("Hub Brigade", leaders=2, notes=2, tags=["Syria"])
    profile = publish_profile(
        "Test Brigade",
        leaders=5,
        notes=5,
        tags=["Syria", "Iraq"],
        connections_to_other_militias=["Allied with the Hub Brigade since 2019."],
    )
    publish_change(profile, size=["About 900 fighters in 2021"])
    return profile, hub


def test_every_public_page_does_the_same_work_at_30_and_200_profiles(
    client, profile_and_hub
):
    profile, hub = profile_and_hub
    urls = public_urls(profile, hub)
    grow_to(30)  # the list has a second page
    few = {url: measure(client, url) for url in urls}
    grow_to(200)
    many = {url: measure(client, url) for url in urls}

    grown = {
        url: (few[url][0], many[url][0]) for url in urls if few[url][0] != many[url][0]
    }
    assert grown == {}, "query counts grew with the number of profiles"
    too_many = {url: n for url, (n, _) in many.items() if n > MOST_QUERIES}
    assert too_many == {}
    loading_all = {
        url: rows["Profile"]
        for url, (_, rows) in many.items()
        if rows["Profile"] > most_profiles(url)
    }
    assert loading_all == {}, "pages that load profiles by the hundred"


def test_a_profile_page_loads_the_same_rows_at_20_and_200_profiles(
    client, profile_and_hub
):
    profile, _ = profile_and_hub
    grow_to(20)
    few = measure(client, profile.get_absolute_url())
    grow_to(200)

    assert measure(client, profile.get_absolute_url()) == few


@pytest.mark.parametrize("role", [editor_user, reviewer_user])
def test_a_signed_in_profile_page_does_the_same_work_at_20_and_200_profiles(
    client, profile_and_hub, role, settings
):
    """Signed in, the article is rendered once per published state (here
    each time: the cache is off) and then comes from the cache; the reader's
    own parts around it are a few small queries."""
    profile, _ = profile_and_hub
    url = profile.get_absolute_url()
    client.force_login(role())
    grow_to(20)
    rendered_few = measure(client, url)
    grow_to(200)
    rendered_many = measure(client, url)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    client.get(url)  # the article is cached

    cached_queries, _ = measure(client, url)

    assert rendered_many == rendered_few
    assert cached_queries <= MOST_QUERIES


@pytest.mark.parametrize(
    ("page", "versions"),
    [("", 10), ("history/", 40), ("fields/size/", 40)],  # lists: a full page
)
def test_a_profile_with_1000_versions_loads_no_more_rows_than_a_young_one(
    client, settings, page, versions
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    profile = publish_profile(leaders=3, notes=3)
    add_bulk_versions(profile, versions - 1)
    url = f"{profile.get_absolute_url()}{page}"
    few_queries, few_rows = measure(client, url)

    add_bulk_versions(profile, 1000 - versions)
    many_queries, many_rows = measure(client, url)

    assert many_queries == few_queries
    assert sum(many_rows.values()) <= sum(few_rows.values())
