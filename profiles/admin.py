"""The admin shows the whole record and its history. The published record is
read-only here: it changes only through change requests (`profiles.workflow`),
so no admin save can bypass review."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from profiles.models import (
    ChangeRequest,
    Citation,
    CitationSource,
    Leader,
    Profile,
    ProposedChange,
    Version,
)


class ReadOnlyMixin:
    """Viewable by staff with view permission, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LeaderInline(ReadOnlyMixin, admin.TabularInline):
    model = Leader
    fields = ["position", "name", "aliases", "role"]


class CitationInline(ReadOnlyMixin, admin.TabularInline):
    model = Citation
    fields = ["number", "text"]


@admin.register(Profile)
class ProfileAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["name", "english_name", "slug", "version", "published_at"]
    list_filter = ["tags", "published_at"]
    search_fields = ["name", "english_name", "alternative_names", "slug"]
    date_hierarchy = "published_at"
    inlines = [LeaderInline, CitationInline]
    history_list_display = ["version", "change_request"]


@admin.register(Leader)
class LeaderAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["name", "profile", "position", "role"]
    list_select_related = ["profile"]
    search_fields = ["name", "aliases", "profile__name"]
    list_filter = ["profile"]
    history_list_display = ["change_request"]


class CitationSourceInline(ReadOnlyMixin, admin.TabularInline):
    model = CitationSource
    fields = ["position", "source"]


@admin.register(Citation)
class CitationAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["number", "profile", "text"]
    list_select_related = ["profile"]
    search_fields = ["text", "profile__name"]
    list_filter = ["profile"]
    inlines = [CitationSourceInline]
    history_list_display = ["change_request"]


@admin.register(CitationSource)
class CitationSourceAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["citation", "source", "position"]
    list_select_related = ["citation__profile", "source"]
    search_fields = ["source__title", "source__url", "citation__profile__name"]


class ProposedChangeInline(ReadOnlyMixin, admin.StackedInline):
    model = ProposedChange
    fields = ["field", "value", "sources", "decision", "reason"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "summary",
        "profile",
        "author",
        "origin",
        "status",
        "created_at",
        "reviewer",
        "published_version",
    ]
    list_select_related = ["profile", "author", "reviewer"]
    list_filter = ["status", "origin", "created_at"]
    search_fields = ["summary", "profile__name", "author__username"]
    date_hierarchy = "created_at"
    inlines = [ProposedChangeInline]


@admin.register(Version)
class VersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["profile", "number", "published_at", "change_request"]
    list_select_related = ["profile", "change_request"]
    list_filter = ["published_at"]
    search_fields = ["profile__name"]
    date_hierarchy = "published_at"
