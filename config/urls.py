from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from profiles.views import reading

urlpatterns = [
    path("", reading.home, name="home"),
    path("profiles/", include("profiles.urls")),
    path("review/", include("profiles.review_urls")),
    path("inbox/", include("profiles.inbox_urls")),
    path("api/v1/", include("profiles.api_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
