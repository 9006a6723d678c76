from django.urls import path

from profiles import api
from profiles.views import bibliography

app_name = "api"

urlpatterns = [
    path("profiles/", api.profile_list, name="profile-list"),
    path("profiles/<str:slug>/", api.profile_detail, name="profile-detail"),
    path(
        "profiles/<str:slug>/sources/",
        bibliography.profile_source_export,
        name="profile-sources",
    ),
    path("sources/", bibliography.source_export, name="source-export"),
    path("network/", api.network, name="network"),
]
