"""The admin shows the whole record and its history, under the same rules as
the site: the published record changes only through change requests.

Editing a profile here proposes a change request (a summary and a source are
required) instead of saving; change requests are approved or rejected by
actions that call `profiles.workflow`. Leaders, notes, tags and versions are
shown read-only, and no history page writes an old row back.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from taggit.models import Tag

from profiles import diff, queries, roles, workflow
from profiles.models import (
    ChangeRequest,
    Citation,
    CitationSource,
    Leader,
    Notification,
    Profile,
    ProfileComment,
    ProposedChange,
    RequestEvent,
    Suppression,
    Version,
    split_lines,
)
from profiles.serializers import LIST_FIELDS, TEXT_FIELDS, profile_values
from sources.admin import ReadOnlyHistoryAdmin, ReviewedHistoryAdmin
from sources.citations import SourceEntry
from sources.weblinks import is_web_url


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


EDITABLE = [field for field in TEXT_FIELDS if field != "name"] + list(LIST_FIELDS)


class ProfileChangeForm(forms.ModelForm):
    """A profile edit as a change request: what changed, why, and on what source."""

    summary = forms.CharField(
        max_length=300, help_text="What this change does, for the reviewer."
    )
    source_url = forms.URLField(
        label="Source URL", required=False, assume_scheme="https"
    )
    source_title = forms.CharField(label="Source title", required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Profile
        fields = ["name", *EDITABLE, "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_version"].initial = self.instance.version

    def proposed_values(self) -> dict:
        values = {}
        # A field that failed validation has no clean value to propose.
        for name in (n for n in self.changed_data if n in self.cleaned_data):
            if name in TEXT_FIELDS:
                values[name] = self.cleaned_data[name]
            elif name in LIST_FIELDS:
                values[name] = split_lines(self.cleaned_data[name])
            elif name == "tags":
                values[name] = sorted(self.cleaned_data[name])
        return values

    def clean(self):
        cleaned = super().clean()
        if not self.proposed_values():
            raise ValidationError("Nothing to propose: no field was changed.")
        url, title = cleaned.get("source_url"), cleaned.get("source_title", "").strip()
        if not (url or title):
            raise ValidationError(
                "Give the source of this change: its URL or its title."
            )
        if url and not is_web_url(url):
            self.add_error("source_url", "Only http and https addresses.")
        current = profile_values(queries.profile_record(self.instance.pk))
        try:
            workflow.check_values({**current, **self.proposed_values()})
        except ValidationError as error:
            for name, messages_ in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages_)
        return cleaned

    def source_entry(self) -> SourceEntry:
        return SourceEntry(
            title=self.cleaned_data["source_title"].strip(),
            url=self.cleaned_data["source_url"] or "",
        )


@admin.register(Profile)
class ProfileAdmin(ReviewedHistoryAdmin):
    form = ProfileChangeForm
    list_display = ["name", "english_name", "slug", "version", "published_at"]
    list_filter = ["tags", "published_at"]
    search_fields = ["name", "english_name", "alternative_names", "slug"]
    date_hierarchy = "published_at"
    inlines = [LeaderInline, CitationInline]
    history_list_display = ["version", "change_request"]
    readonly_fields = ["slug", "version", "published_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "version", "published_at"]}),
        ("Proposed change", {"fields": ["summary", "source_url", "source_title"]}),
        ("Sections", {"fields": [*EDITABLE, "tags", "base_version"]}),
    ]

    def has_add_permission(self, request):
        return False  # new profiles are proposed at /profiles/new/

    def has_delete_permission(self, request, obj=None):
        return False  # published versions stay citable

    def has_change_permission(self, request, obj=None):
        return roles.can_propose(request.user)

    def save_model(self, request, obj, form, change):
        """Proposes the edit instead of saving it."""
        source = form.source_entry()
        try:
            request.proposed_change_request = workflow.submit_change_request(
                profile=Profile.objects.get(pk=obj.pk),
                author=request.user,
                summary=form.cleaned_data["summary"],
                proposals={
                    name: workflow.Proposal(value, [source])
                    for name, value in form.proposed_values().items()
                },
                origin=ChangeRequest.Origin.ADMIN,
                base_version=form.cleaned_data["base_version"],
            )
        except (ValidationError, workflow.WorkflowError) as error:
            request.proposed_change_request = None
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))

    def save_related(self, request, form, formsets, change):
        """Nothing: tags and inlines change only through the request."""

    def construct_change_message(self, request, form, formsets, add=False):
        return []  # nothing was saved here to describe

    def log_change(self, request, obj, message):
        """The admin's log records the request, not a change of the profile."""

    def response_change(self, request, obj):
        change_request = getattr(request, "proposed_change_request", None)
        if change_request is None:
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            f"Proposed as change request #{change_request.pk}; "
            "the profile changes when a reviewer approves it.",
        )
        return HttpResponseRedirect(
            reverse("admin:profiles_changerequest_change", args=[change_request.pk])
        )


@admin.register(Leader)
class LeaderAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "profile", "position", "role"]
    list_select_related = ["profile"]
    search_fields = ["name", "aliases", "profile__name"]
    list_filter = ["profile"]
    history_list_display = ["change_request"]


class CitationSourceInline(ReadOnlyMixin, admin.TabularInline):
    model = CitationSource
    fields = ["position", "source"]


@admin.register(Citation)
class CitationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "profile", "text"]
    list_select_related = ["profile"]
    search_fields = ["text", "profile__name"]
    list_filter = ["profile"]
    inlines = [CitationSourceInline]
    history_list_display = ["change_request"]


@admin.register(CitationSource)
class CitationSourceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["citation", "source", "position"]
    list_select_related = ["citation__profile", "source"]
    search_fields = ["source__title", "source__url", "citation__profile__name"]


class ProposedChangeInline(ReadOnlyMixin, admin.StackedInline):
    model = ProposedChange
    fields = ["field", "value", "sources", "decision", "reason", "published_value"]


class RequestEventInline(ReadOnlyMixin, admin.TabularInline):
    """The request's conversation, in order; events are never edited."""

    model = RequestEvent
    fields = ["at", "kind", "actor", "text", "version"]
    readonly_fields = fields
    ordering = ["at", "pk"]


class DecisionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        label="Reason",
        help_text="Required to reject: the author reads it.",
    )


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
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
    inlines = [ProposedChangeInline, RequestEventInline]
    action_form = DecisionForm
    actions = ["approve_selected", "reject_selected"]
    fields = [
        "summary",
        "profile",
        "author",
        "origin",
        "status",
        "base_version",
        "claimed_by",
        "claimed_at",
        "reviewer",
        "decided_at",
        "decision_note",
        "published_version",
        "differences",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return roles.can_review(request.user)

    @admin.display(description="Differences from the published profile")
    def differences(self, obj):
        published = (
            profile_values(queries.profile_record(obj.profile_id))
            if obj.profile_id
            else {}
        )
        deadline = diff.shared_deadline()
        return mark_safe(  # the template escapes every value it shows
            "".join(
                render_to_string(
                    "includes/diff.html",
                    {
                        "diff": diff.diff_field(
                            c.field,
                            published.get(c.field),
                            c.value,
                            deadline=deadline,
                        )
                    },
                )
                for c in obj.changes.all()
            )
        )

    def _decide(self, request, queryset, decide, verb: str) -> None:
        done = 0
        for change_request in queryset:
            try:
                decide(change_request)
                done += 1
            except (ValidationError, workflow.WorkflowError) as error:
                text = "; ".join(getattr(error, "messages", [str(error)]))
                messages.error(request, f"#{change_request.pk}: {text}")
        if done:
            messages.success(request, f"{verb} {done} change request(s).")

    @admin.action(description="Approve and publish", permissions=["review"])
    def approve_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda cr: workflow.approve(cr, reviewer=request.user),
            "Approved",
        )

    @admin.action(description="Reject (give a reason)", permissions=["review"])
    def reject_selected(self, request, queryset):
        reason = request.POST.get("reason", "")
        self._decide(
            request,
            queryset,
            lambda cr: workflow.reject(cr, reviewer=request.user, reason=reason),
            "Rejected",
        )


@admin.register(Version)
class VersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["profile", "number", "published_at", "change_request"]
    list_select_related = ["profile", "change_request"]
    list_filter = ["published_at"]
    search_fields = ["profile__name"]
    date_hierarchy = "published_at"


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The event logs, read-only: nothing here updates or deletes an event."""

    list_display = ["change_request", "kind", "actor", "at", "version"]
    list_select_related = ["change_request", "actor"]
    list_filter = ["kind", "at"]
    search_fields = ["text", "actor__username", "change_request__summary"]
    date_hierarchy = "at"
    actions = None


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit log of suppressions, read-only, for staff: who hid which
    field of which version, when and why. Values are hidden through the
    version's page (`profiles:hide`), never here."""

    list_display = ["profile", "version", "field", "by", "at", "reason"]
    list_select_related = ["profile", "version", "by"]
    list_filter = ["field", "at"]
    search_fields = ["profile__name", "reason", "by__username"]
    date_hierarchy = "at"
    actions = None


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["recipient", "kind", "message", "created_at", "read_at"]
    list_select_related = ["recipient"]
    list_filter = ["kind", "created_at"]
    search_fields = ["message", "recipient__username"]


@admin.register(ProfileComment)
class ProfileCommentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Talk-page comments, read-only: like request events they are only ever
    added (on the talk page, through the workflow), never edited or deleted
    here."""

    list_display = ["profile", "author", "created_at", "text"]
    list_select_related = ["profile", "author"]
    list_filter = ["created_at"]
    search_fields = ["text", "author__username", "profile__name"]
    date_hierarchy = "created_at"
    actions = None


admin.site.unregister(Tag)


@admin.register(Tag)
class ReadOnlyTagAdmin(admin.ModelAdmin):
    """Tags are set on a profile by change requests. taggit's own admin edits,
    deletes and merges tags in place (its merge view rewrites every tagged
    profile), which would change published pages unreviewed: this one only
    lists them."""

    list_display = ["name", "slug"]
    ordering = ["name", "slug"]
    search_fields = ["name"]
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
