from django.urls import path

from profiles import api

app_name = "api"

urlpatterns = [
    path("profiles/", api.profile_list, name="profile-list"),
    path("profiles/<str:slug>/", api.profile_detail, name="profile-detail"),
    path("network/", api.network, name="network"),
]
