"""`/stale/`: the published claims past their age or review-by date, oldest
first, by profile; and "Still true", an editor's confirmation of one, which
becomes a change request for review."""

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from profiles import claims as claim_text
from profiles import roles, stale, workflow
from profiles.models import Claim, Profile
from profiles.sections import FIELD_LABELS
from profiles.stale_forms import StillTrueForm

#: Claims on a page of `/stale/`: the list can hold every claim of the site.
PER_PAGE = 100


@dataclass
class Row:
    """One stale claim as its row shows it; `form` is the "Still true" form
    sent for it that came back with errors, if any."""

    claim: Claim
    section: str
    as_of: str
    notes: list[tuple[int, str]] = field(default_factory=list)
    form: StillTrueForm | None = None


@dataclass
class Group:
    profile: Profile
    rows: list[Row]


@require_safe
def stale_claims(request):
    return _stale_page(request, request.GET.get("page"))


def _stale_page(request, page_number: Any, *, sent: StillTrueForm | None = None):
    """The page of stale claims numbered `page_number`; with `sent`, the
    "Still true" form refused, its errors beside its row and in a summary."""
    today = timezone.localdate()
    months = stale.stale_after_months()
    page = Paginator(stale.stale_claims(today=today, months=months), PER_PAGE)
    page = page.get_page(page_number)
    claims = list(page.object_list)
    editor = roles.can_propose(request.user)
    notes = (
        stale.note_choices((claim.profile_id for claim in claims), user=request.user)
        if editor
        else {}
    )
    sent_key = sent.cleaned_data.get("claim") if sent is not None else None
    shown = sent_key is not None and any(claim.key == sent_key for claim in claims)
    groups = [
        Group(
            profile=rows[0].profile,
            rows=[
                Row(
                    claim=claim,
                    section=FIELD_LABELS[claim.section],
                    as_of=claim_text.as_of_words(claim.as_of) if claim.as_of else "",
                    notes=notes.get(claim.profile_id, []),
                    form=sent if claim.key == sent_key else None,
                )
                for claim in rows
            ],
        )
        for rows in (
            list(found) for _, found in groupby(claims, key=lambda c: c.profile_id)
        )
    ]
    return render(
        request,
        "profiles/stale.html",
        {
            "page_obj": page,
            "groups": groups,
            "months": months,
            "today": today,
            "can_confirm": editor,
            "problems": sent.problems(sent_key if shown else None)
            if sent is not None
            else [],
        },
        status=400 if sent is not None else 200,
    )


@login_required
@require_POST
def still_true(request):
    """An editor confirms a stale claim: a change request that dates it as
    of the day given (today by default) and cites one more note if chosen.
    Refused: 403 for anyone but editors, 404 for a claim not published, the
    page again with the form's errors for anything else."""
    if not roles.can_propose(request.user):
        raise PermissionDenied("Only editors can propose changes.")
    claim = _published_claim(request.POST.get("claim", ""))
    notes = stale.note_choices([claim.profile_id], user=request.user)
    form = StillTrueForm(request.POST, notes=notes.get(claim.profile_id, []))
    if not form.is_valid():
        return _stale_page(request, request.POST.get("page"), sent=form)
    as_of: date | None = form.cleaned_data["as_of"]
    try:
        change_request = workflow.propose_still_true(
            claim.profile,
            claim.key,
            by=request.user,
            note_number=form.cleaned_data["note"],
            as_of=as_of,
        )
    except workflow.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except Claim.DoesNotExist as error:
        raise Http404("No published claim with this id.") from error
    except ValidationError as error:
        _add_errors(form, error)
        return _stale_page(request, form.cleaned_data["page"], sent=form)
    except workflow.WorkflowError as error:
        form.add_error(None, str(error))
        return _stale_page(request, form.cleaned_data["page"], sent=form)
    messages.success(
        request,
        f"Your confirmation is change request #{change_request.pk}; it is "
        "waiting for review.",
    )
    url = reverse("stale")
    page = form.cleaned_data["page"]
    return redirect(f"{url}?page={page}" if page and page > 1 else url)


def _published_claim(key: str) -> Claim:
    """The claim of a published profile with this key, or 404."""
    try:
        return Claim.objects.select_related("profile").get(
            key=key, profile__version__gte=1
        )
    except (Claim.DoesNotExist, ValidationError) as error:
        raise Http404("No published claim with this id.") from error


def _add_errors(form: StillTrueForm, error: ValidationError) -> None:
    """The workflow's refusals beside the form's fields; one about the
    claim's section goes above the form, naming the section."""
    for name, messages_ in error.message_dict.items():
        if name in form.fields:
            for message in messages_:
                form.add_error(name, message)
        else:
            label = FIELD_LABELS.get(name, name)
            for message in messages_:
                form.add_error(None, f"{label}: {message}")
