"""The bibliography in the admin, read-only: a work's description comes from
the notes that cite it and changes only through a reviewed change request.

`ReadOnlyHistoryAdmin` is the base of every admin of published content, here
and in `profiles.admin`: it shows rows and their history, and refuses every
write, django-simple-history's revert form included.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Source


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
    ]
    list_filter = ["language", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "authors", "publication", "url"]
