from django.urls import path

from profiles.views import sources as views

app_name = "sources"

urlpatterns = [
    path("", views.source_list, name="list"),
    path("dead/", views.dead_source_list, name="dead"),
    path("<int:pk>/", views.source_detail, name="detail"),
]
