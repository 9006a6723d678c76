"""Proposing changes: the edit form for a new or a published profile (with
its preview and its editor's draft), the author's own pending request (edit,
withdraw) and reverts to an earlier version. Each view loads, checks, calls
`profiles.workflow` (or `profiles.drafts`), says what happened and
redirects; the forms only clean and validate."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from profiles import drafts as drafts_store
from profiles import queries, redaction, roles, workflow
from profiles.forms import ProfileEdit, RevertForm, blank_values, draft_data
from profiles.models import ChangeRequest, EditDraft, Profile, Version
from profiles.serializers import profile_values

SUBMITTED = "Your change is waiting for review."


def _check_can_propose(user) -> None:
    if not roles.can_propose(user):
        raise PermissionDenied("Only editors can propose changes.")


def _published_profile(slug: str) -> Profile:
    try:
        return queries.published_profile(slug)
    except Profile.DoesNotExist as error:
        raise Http404("No published profile with this address.") from error


#: The buttons of the edit form, by the `action` they send.
SUBMIT, PREVIEW, SAVE_DRAFT, DISCARD_DRAFT = (
    "submit",
    "preview",
    "save_draft",
    "discard_draft",
)


@dataclass(frozen=True)
class DraftScope:
    """Whose draft of which form the page keeps: `profile` None for a new
    profile's form."""

    user: Any
    profile: Profile | None


def _edit_page(
    request,
    edit: ProfileEdit,
    *,
    title: str,
    cancel_url: str,
    propose: Callable[[ProfileEdit], ChangeRequest],
    drafts: DraftScope | None = None,
    draft: EditDraft | None = None,
    version: int = 0,
) -> HttpResponse:
    """Shows the edit form. A POST is one of its buttons: submit (a valid
    form goes to `propose`; whatever the workflow refuses comes back beside
    the fields, everything typed kept; the editor's draft, if any, is
    deleted), preview (the changed sections as readers will see them,
    nothing written; with `fragment`, the previews alone, for the page's
    script), or, where `drafts` says whose, save or discard the draft. A
    GET writes nothing; it shows `draft`, restored, when there is one, and
    says so when it was begun on a version before `version`."""
    action = request.POST.get("action", SUBMIT) if request.method == "POST" else ""
    previews = None
    if drafts is not None and action == DISCARD_DRAFT:
        if drafts_store.discard_draft(user=drafts.user, profile=drafts.profile):
            messages.success(request, "Your draft is discarded.")
        return redirect(request.path)
    if drafts is not None and action == SAVE_DRAFT:
        try:
            data = draft_data(request.POST)
        except ValidationError as error:
            edit.hide_errors()  # only why the draft is refused
            for message in error.messages:
                edit.form.add_error(None, f"Your draft is not saved: {message}")
        else:
            drafts_store.save_draft(user=drafts.user, profile=drafts.profile, data=data)
            messages.success(
                request,
                "Your draft is saved. Only you can see it; it is restored when "
                "you open this form again.",
            )
            return redirect(request.path)
    elif action == PREVIEW:
        previews = edit.previews()
        if request.POST.get("fragment"):
            return render(
                request,
                "profiles/includes/edit_previews.html",
                {"edit": edit, "previews": previews},
            )
    elif request.method == "POST" and edit.is_valid():
        try:
            change_request = propose(edit)
        except workflow.InvalidTransition as error:
            edit.add_error(error)
        except workflow.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except (ValidationError, workflow.WorkflowError) as error:
            edit.add_error(error)
        else:
            if drafts is not None:
                drafts_store.discard_draft(user=drafts.user, profile=drafts.profile)
            messages.success(request, SUBMITTED)
            return redirect("review:detail", change_request.pk)
    return render(
        request,
        "profiles/edit.html",
        {
            "edit": edit,
            "title": title,
            "cancel_url": cancel_url,
            "previews": previews,
            "drafts": drafts is not None,
            "draft": draft,
            "draft_outdated": version
            if draft is not None and draft.data.get("base_version") != [str(version)]
            else None,
        },
    )


def _bound_data(request, draft: EditDraft | None):
    """What the form is bound to: the POST, a restored draft, or nothing."""
    if request.method == "POST":
        return request.POST
    return MultiValueDict(draft.data) if draft is not None else None


@login_required
def new_profile(request):
    _check_can_propose(request.user)
    drafts = DraftScope(request.user, None)
    draft = (
        drafts_store.draft_for(request.user, None) if request.method == "GET" else None
    )
    edit = ProfileEdit(
        _bound_data(request, draft),
        profile=None,
        values=blank_values(),
        base_version=0,
        bibliography=queries.sources_for_editor(request.user),
    )
    if draft is not None:
        edit.hide_errors()
    return _edit_page(
        request,
        edit,
        title="New profile",
        cancel_url=reverse("profiles:list"),
        propose=lambda edit: workflow.submit_change_request(
            profile=None,
            author=request.user,
            summary=edit.summary,
            proposals=edit.proposals(),
        ),
        drafts=drafts,
        draft=draft,
    )


def _restored(
    proposals: dict[str, workflow.Proposal],
    hidden: redaction.Hidden,
    real: dict[str, Any],
) -> dict[str, workflow.Proposal]:
    """The form's proposals with what the notice of a hidden value stands
    for put back: a hidden field left alone is not proposed as its notice."""
    return {
        name: replace(
            proposal, value=hidden.restore(name, proposal.value, real.get(name))
        )
        for name, proposal in proposals.items()
    }


@login_required
def edit_profile(request, slug: str):
    _check_can_propose(request.user)
    profile = _published_profile(slug)
    hidden, real = redaction.hidden_for(request.user, profile), profile_values(profile)
    drafts = DraftScope(request.user, profile)
    draft = (
        drafts_store.draft_for(request.user, profile)
        if request.method == "GET"
        else None
    )
    edit = ProfileEdit(
        _bound_data(request, draft),
        profile=profile,
        values=hidden.values(real),
        base_version=profile.version,
        bibliography=queries.sources_for_editor(request.user),
    )
    if draft is not None:
        edit.hide_errors()
    return _edit_page(
        request,
        edit,
        title=f"Edit {profile.name}",
        cancel_url=profile.get_absolute_url(),
        propose=lambda edit: workflow.submit_change_request(
            profile=profile,
            author=request.user,
            summary=edit.summary,
            proposals=_restored(edit.proposals(), hidden, real),
            base_version=edit.base_version,
        ),
        drafts=drafts,
        draft=draft,
        version=profile.version,
    )


@login_required
def edit_change_request(request, pk: int):
    """The author reworks their undecided request: the published values with
    the request's proposals on top, each proposal's sources in its picker."""
    try:
        change_request = queries.change_request_detail(pk)
    except ChangeRequest.DoesNotExist as error:
        raise Http404("No such change request.") from error
    if not roles.can_change_change_request(request.user, change_request):
        raise PermissionDenied("Only its author can change an undecided request.")
    profile = (
        queries.profile_record(change_request.profile_id)
        if change_request.profile_id
        else None
    )
    changes = change_request.changes.all()
    real = {
        **(profile_values(profile) if profile else blank_values()),
        **{change.field: change.value for change in changes},
    }
    hidden = redaction.hidden_for(request.user, profile)
    edit = ProfileEdit(
        request.POST if request.method == "POST" else None,
        profile=profile,
        values=hidden.values(real),
        base_version=profile.version if profile else 0,
        summary=change_request.summary,
        cited={change.field: list(change.sources.all()) for change in changes},
        bibliography=queries.sources_for_editor(request.user),
    )
    return _edit_page(
        request,
        edit,
        title=f"Edit change request #{change_request.pk}",
        cancel_url=reverse("review:detail", args=[change_request.pk]),
        propose=lambda edit: workflow.revise_change_request(
            change_request,
            by=request.user,
            summary=edit.summary,
            proposals=_restored(edit.proposals(), hidden, real),
            base_version=edit.base_version,
        ),
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    change_request = get_object_or_404(ChangeRequest, pk=pk)
    try:
        workflow.withdraw(change_request, by=request.user)
    except workflow.InvalidTransition as error:
        messages.error(request, str(error))
        return redirect("review:detail", change_request.pk)
    except workflow.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    messages.success(request, f"Change request #{change_request.pk} is withdrawn.")
    return redirect("review:mine")


@login_required
@require_POST
def propose_revert(request, slug: str):
    """Proposes restoring an earlier version, or one field of it."""
    _check_can_propose(request.user)
    profile = get_object_or_404(Profile.objects.published(), slug=slug)
    form = RevertForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Choose a version of this profile, and a field or none.")
    number = form.cleaned_data["version"]
    field = form.cleaned_data["field"]
    try:
        change_request = workflow.propose_revert(
            profile,
            version_number=number,
            by=request.user,
            fields=[field] if field else None,
        )
    except Version.DoesNotExist as error:
        raise Http404(f"This profile has no version {number}.") from error
    except workflow.NothingToChange:
        messages.info(request, f"Version {number} is the same as the published one.")
        return redirect("profiles:history", profile.slug)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("profiles:history", profile.slug)
    messages.success(request, SUBMITTED)
    return redirect("review:detail", change_request.pk)
