from django.urls import path

from profiles.views import editing, reading

app_name = "profiles"

urlpatterns = [
    path("", reading.ProfileListView.as_view(), name="list"),
    path("new/", editing.new_profile, name="new"),
    path("<str:slug>/", reading.profile_detail, name="detail"),
    path("<str:slug>/edit/", editing.edit_profile, name="edit"),
    path("<str:slug>/history/", reading.profile_history, name="history"),
    path("<str:slug>/revert/", editing.propose_revert, name="revert"),
]
