from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.ProfileListView.as_view(), name="list"),
    path("<str:slug>/", views.profile_detail, name="detail"),
]
