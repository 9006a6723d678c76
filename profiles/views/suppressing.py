"""Hiding one field of a published version from the public: the form for
people given the permission (everyone else is refused with a 403). The rule
and its audit log are `profiles.workflow.suppress`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from profiles import redaction, roles, workflow
from profiles.models import Profile
from profiles.sections import FIELD_LABELS
from profiles.serializers import json_values
from profiles.suppress_forms import SuppressForm
from profiles.workflow.suppression import NOT_PERMITTED


def _hideable(profile: Profile, snapshot: dict) -> list[str]:
    """The fields of a version's snapshot that may be hidden: not empty,
    not identifying the profile, not hidden already."""
    values = json_values(snapshot)
    hidden = redaction.hidden_in(profile).fields(values)
    return [
        name
        for name in redaction.SUPPRESSIBLE_FIELDS
        if not redaction.is_empty(values[name]) and name not in hidden
    ]


@login_required
def hide_field(request, slug: str, number: int):
    """GET: the form, with `?field=` chosen; POST: hides the field, with the
    reason given, once confirmed."""
    if not roles.can_suppress(request.user):
        raise PermissionDenied(NOT_PERMITTED)
    profile = get_object_or_404(Profile.objects.published(), slug=slug)
    version = get_object_or_404(profile.versions, number=number)
    form = SuppressForm(
        request.POST if request.method == "POST" else None,
        fields=_hideable(profile, version.snapshot),
        initial={"field": request.GET.get("field", "")},
    )
    if request.method == "POST" and form.is_valid():
        field = form.cleaned_data["field"]
        try:
            workflow.suppress(
                profile,
                field,
                number,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"{FIELD_LABELS[field]} as version {number} has it is now hidden "
                "from everyone but staff.",
            )
            return redirect("profiles:version", profile.slug, number)
    return render(
        request,
        "profiles/hide_field.html",
        {"profile": profile, "version": version, "form": form},
    )
