from django.urls import path

from profiles.views import inbox, watching

app_name = "inbox"

urlpatterns = [
    path("", inbox.notifications, name="list"),
    path("read/", inbox.mark_all_read, name="read-all"),
    path("<int:pk>/", inbox.open_notification, name="open"),
    path("watching/", watching.watched_profiles, name="watching"),
]
