from django.urls import path

from profiles.views import sources as views
from profiles.views.bibliography import paste_import
from profiles.views.source_duplicates import source_duplicates

app_name = "sources"

urlpatterns = [
    path("", views.source_list, name="list"),
    path("dead/", views.dead_source_list, name="dead"),
    path("import/", paste_import, name="import"),
    path("duplicates/", source_duplicates, name="duplicates"),
    path("<int:pk>/", views.source_detail, name="detail"),
]
