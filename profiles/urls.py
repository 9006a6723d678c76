from django.urls import path

from profiles.feeds import ProfileChangesFeed
from profiles.views import (
    bibliography,
    editing,
    history,
    reading,
    suppressing,
    talk,
    watching,
)

app_name = "profiles"

urlpatterns = [
    path("", reading.ProfileListView.as_view(), name="list"),
    path("new/", editing.new_profile, name="new"),
    path("<str:slug>/", reading.profile_detail, name="detail"),
    path("<str:slug>/edit/", editing.edit_profile, name="edit"),
    path("<str:slug>/history/", reading.profile_history, name="history"),
    path("<str:slug>/versions/<int:number>/", history.version_detail, name="version"),
    path(
        "<str:slug>/versions/<int:number>/cite.<str:format>",
        bibliography.version_citation,
        name="cite",
    ),
    path(
        "<str:slug>/versions/<int:number>/hide/",
        suppressing.hide_field,
        name="hide",
    ),
    path("<str:slug>/compare/", history.compare, name="compare"),
    path("<str:slug>/fields/<str:field>/", history.field_history, name="field"),
    path("<str:slug>/feed/", ProfileChangesFeed(), name="feed"),
    path("<str:slug>/export.<str:format>", reading.profile_export, name="export"),
    path("<str:slug>/revert/", editing.propose_revert, name="revert"),
    path("<str:slug>/watch/", watching.watch, name="watch"),
    path("<str:slug>/unwatch/", watching.unwatch, name="unwatch"),
    path("<str:slug>/talk/", talk.talk_page, name="talk"),
    path("<str:slug>/talk/comment/", talk.add_comment, name="comment"),
]
