"""Atom feeds of published changes: all profiles, or one.

Each feed is paged as RFC 5005 describes: a page of the newest changes with a
`rel="next"` link to the older ones. The link carries the last change shown
(`?before=<version id>`), so a page deep in the past is found through the
index as quickly as the first, never by counting and skipping rows.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from profiles import queries
from profiles.models import Profile, Version

ITEMS = 50


class PagedAtomFeed(Atom1Feed):
    """An Atom feed with a link to its next (older) page when there is one."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("next_url"):
            handler.addQuickElement(
                "link", "", {"rel": "next", "href": self.feed["next_url"]}
            )


@dataclass(frozen=True)
class FeedPage:
    """One request's page of a feed: whose changes, the versions shown, and
    the last of them when older ones follow."""

    profile: Profile | None
    versions: list[Version]
    next_url: str | None


def _feed_page(request, profile: Profile | None = None) -> FeedPage:
    versions = queries.recent_versions()
    if profile is not None:
        versions = versions.filter(profile=profile)
    raw = request.GET.get("before", "")
    before = (
        Version.objects.filter(pk=int(raw)).only("pk", "published_at").first()
        if raw.isdigit() and len(raw) < 19
        else None
    )
    if before is not None:
        versions = versions.filter(
            Q(published_at__lt=before.published_at)
            | Q(published_at=before.published_at, pk__lt=before.pk)
        )
    rows = list(versions[: ITEMS + 1])  # one more says whether a page follows
    shown = rows[:ITEMS]
    next_url = None
    if len(rows) > ITEMS:
        query = urlencode({"before": shown[-1].pk})
        next_url = request.build_absolute_uri(f"{request.path}?{query}")
    return FeedPage(profile=profile, versions=shown, next_url=next_url)


class RecentChangesFeed(Feed):
    feed_type = PagedAtomFeed
    title = "Profiles wiki: recent changes"
    subtitle = "Every reviewed change published to a profile."

    def get_object(self, request, *args, **kwargs) -> FeedPage:
        return _feed_page(request)

    def link(self):
        return reverse("changes")

    def items(self, page: FeedPage):
        return page.versions

    def feed_extra_kwargs(self, page: FeedPage):
        return {"next_url": page.next_url} if page.next_url else {}

    def item_title(self, version):
        return f"{version.profile.name}, version {version.number}"

    def item_description(self, version):
        request = version.change_request
        fields = ", ".join(change.get_field_label() for change in request.changes.all())
        return f"{request.summary} ({fields}). Approved by {request.reviewer}."

    def item_link(self, version):
        return reverse("profiles:version", args=[version.profile.slug, version.number])

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at

    def item_author_name(self, version):
        return version.change_request.author.get_username()


class ProfileChangesFeed(RecentChangesFeed):
    def get_object(self, request, slug: str) -> FeedPage:
        profile = get_object_or_404(Profile.objects.published(), slug=slug)
        return _feed_page(request, profile)

    def title(self, page: FeedPage):
        return f"Profiles wiki: changes to {page.profile.name}"

    def link(self, page: FeedPage):
        return reverse("profiles:history", args=[page.profile.slug])
