"""The sitemaps: /sitemap.xml is an index of sections, each section at most
`limit` URLs a file (/sitemap-profiles.xml?p=2 …), so no one response grows
with the number of profiles."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from profiles.models import Profile


class ProfileSitemap(Sitemap):
    changefreq = "weekly"
    limit = 1_000

    def items(self):
        return Profile.objects.published().only("slug", "published_at").order_by("pk")

    def lastmod(self, profile):
        return profile.published_at

    def get_latest_lastmod(self):
        # Django's default reads every item for the index's <lastmod>.
        return Profile.objects.published().aggregate(latest=Max("published_at"))[
            "latest"
        ]


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "profiles:list", "sources:list", "changes", "network"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"profiles": ProfileSitemap, "pages": PageSitemap}
