"""The bibliography in the admin, read-only: a work's description comes from
the notes that cite it and changes only through a reviewed change request.

Archive copies are the exception: staff with the `sources.add_sourcearchive`
(change, delete) permissions keep them on their own admin page. A copy is a
pointer to the same work kept by a web archive, not a statement of any
profile, so it needs no change request; the permission is granted to chosen
staff as the admin's other rights are, and every copy has its history (who
added it, when). The check results are the link checker's alone
(`manage.py check_links`), read-only everywhere.

Publishers and their grade proposals are read-only here too: a grade is
given by a reviewer approving an editor's proposal on `/publishers/review/`
(`profiles.workflow.publishers`), never typed over in the admin.

`ReadOnlyHistoryAdmin` is the base of every admin of published content, here
and in `profiles.admin`: it shows rows and their history, and refuses every
write, django-simple-history's revert form included.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from sources.models import (
    LINK_CHECK_FIELDS,
    Publisher,
    PublisherGradeProposal,
    Source,
    SourceArchive,
)


class ReviewedHistoryAdmin(SimpleHistoryAdmin):
    """History can be read, never written back: simple-history's revert form
    saves the old row straight over the live one whatever the permissions say
    (it checks only view permission before saving a POST), so it is refused
    here. Restoring an old version is a change request (`workflow.propose_revert`)."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(
                "Old versions are restored by proposing a change request."
            )
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyHistoryAdmin(ReviewedHistoryAdmin):
    """Viewable by staff with view permission, never added, changed or deleted
    here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SourceArchiveInline(admin.TabularInline):
    """The source's archive copies, shown on its read-only page; they are
    added and changed on the archive copies' own page."""

    model = SourceArchive
    fields = ["url", "archived_on", "position"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "title",
        "authors",
        "publication",
        "date",
        "language",
        "url",
        "published_at",
        "link_dead",
    ]
    list_filter = [
        "language",
        ("published_at", admin.EmptyFieldListFilter),
        "link_dead",
    ]
    search_fields = ["title", "authors", "publication", "url"]
    readonly_fields = LINK_CHECK_FIELDS
    inlines = [SourceArchiveInline]


@admin.register(SourceArchive)
class SourceArchiveAdmin(ReviewedHistoryAdmin):
    """Archive copies, kept by staff with the model's permissions."""

    list_display = ["url", "archived_on", "source", "position"]
    list_select_related = ["source"]
    search_fields = ["url", "source__title", "source__url"]
    autocomplete_fields = ["source"]
    fields = ["source", "url", "archived_on", "position"]


@admin.register(Publisher)
class PublisherAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "kind", "grade", "url"]
    list_filter = ["grade", "kind"]
    search_fields = ["name", "reason"]


@admin.register(PublisherGradeProposal)
class PublisherGradeProposalAdmin(admin.ModelAdmin):
    """The requests to grade publishers and their decisions, as they were."""

    list_display = [
        "publisher",
        "grade",
        "kind",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "grade"]
    list_select_related = ["publisher", "proposed_by", "decided_by"]
    search_fields = ["publisher__name", "reason", "decision_note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
