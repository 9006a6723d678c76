from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "authors", "publication", "date", "language", "url"]
    list_filter = ["language", "publication"]
    search_fields = ["title", "authors", "publication", "url"]
    readonly_fields = ["normalised_url", "date_iso", "created_at"]
