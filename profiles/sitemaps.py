"""sitemap.xml: every published profile and the public index pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from profiles.models import Profile


class ProfileSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Profile.objects.published().only("slug", "published_at")

    def lastmod(self, profile):
        return profile.published_at


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "profiles:list", "sources:list", "changes", "network"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"profiles": ProfileSitemap, "pages": PageSitemap}
