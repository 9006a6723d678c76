from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from config import views as site
from profiles.feeds import RecentChangesFeed
from profiles.sitemaps import SITEMAPS
from profiles.views import history, network, reading, search, stale

urlpatterns = [
    path("", reading.home, name="home"),
    path("healthz/", site.healthz, name="healthz"),
    path("readyz/", site.readyz, name="readyz"),
    path("robots.txt", site.robots_txt, name="robots"),
    path("favicon.ico", site.favicon, name="favicon"),
    path("profiles/", include("profiles.urls")),
    path("review/", include("profiles.review_urls")),
    path("inbox/", include("profiles.inbox_urls")),
    path("sources/", include("profiles.sources_urls")),
    path("publishers/", include("profiles.publishers_urls")),
    path("search/", search.search, name="search"),
    path("changes/", history.recent_changes, name="changes"),
    path("changes/feed/", RecentChangesFeed(), name="changes-feed"),
    path("network/", network.network, name="network"),
    path("stale/", stale.stale_claims, name="stale"),
    path("stale/still-true/", stale.still_true, name="still-true"),
    path("api/v1/", include("profiles.api_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
