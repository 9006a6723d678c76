"""Atom feeds of published changes: all profiles, or one."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from profiles import queries
from profiles.models import Profile

ITEMS = 50


class RecentChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Profiles wiki: recent changes"
    subtitle = "Every reviewed change published to a profile."

    def link(self):
        return reverse("changes")

    def items(self):
        return queries.recent_versions()[:ITEMS]

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
    def get_object(self, request, slug: str):
        return get_object_or_404(Profile.objects.published(), slug=slug)

    def title(self, profile):
        return f"Profiles wiki: changes to {profile.name}"

    def link(self, profile):
        return reverse("profiles:history", args=[profile.slug])

    def items(self, profile):
        return queries.recent_versions().filter(profile=profile)[:ITEMS]
