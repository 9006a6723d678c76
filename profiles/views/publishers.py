"""Publishers and their grades: the public list (`/publishers/`) and each
publisher's page (its grade's history and its works); an editor's proposal
of a grade, and the reviewers' queue of them (`/publishers/review/`). The
rules and the record are `profiles.workflow.publishers`'."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from profiles import roles
from profiles.publisher_forms import GradeDecisionForm, GradeProposalForm
from profiles.workflow.publishers import (
    NOT_A_REVIEWER,
    NOT_AN_EDITOR,
    approve_publisher_grade,
    propose_publisher_grade,
    refusal,
    reject_publisher_grade,
)
from profiles.workflow.states import InvalidTransition
from sources.models import Publisher, PublisherGradeProposal

#: Rows per page of every list here.
PER_PAGE = 50
#: `?sort=` of the list: value -> how the page says it.
SORTS = {
    "name": "name",
    "grade": "grade, best first",
    "sources": "most sources",
}
#: `?grade=` and `?kind=` for those not graded or not said yet.
NONE = "none"
_UNGRADED_LAST = Case(When(grade="", then=Value(1)), default=Value(0))
_ORDERINGS = {
    "name": ["key", "pk"],
    "grade": [_UNGRADED_LAST, "grade", "key", "pk"],
    "sources": ["-source_count", "key", "pk"],
}


def publisher_list(request):
    """Every publisher with its kind, grade, reason and number of public
    works; `?grade=` (A to F, or "none"), `?kind=` (a kind, or "none") and
    `?sort=` (one of `SORTS`). Two queries a page: the count and the rows."""
    grade = _choice(request, "grade", Publisher.Grade.values)
    kind = _choice(request, "kind", Publisher.Kind.values)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else "name"
    publishers = Publisher.objects.with_source_counts()
    if grade:
        publishers = publishers.graded("" if grade == NONE else grade)
    if kind:
        publishers = publishers.filter(kind="" if kind == NONE else kind)
    page = Paginator(publishers.order_by(*_ORDERINGS[sort]), PER_PAGE).get_page(
        request.GET.get("page")
    )
    filters = {"grade": grade, "kind": kind, "sort": sort if sort != "name" else ""}
    return render(
        request,
        "publishers/list.html",
        {
            "page_obj": page,
            "publishers": page.object_list,
            "grade": grade,
            "kind": kind,
            "sort": sort,
            "sort_label": SORTS[sort],
            "sort_choices": list(SORTS.items()),
            "grade_choices": Publisher.Grade.choices,
            "kind_choices": Publisher.Kind.choices,
            "filtered": bool(grade or kind),
            "extra_query": urlencode({k: v for k, v in filters.items() if v}),
        },
    )


def _choice(request, name: str, values) -> str:
    value = request.GET.get(name, "")
    return value if value in values or value == NONE else ""


def publisher_detail(request, pk: int):
    """One publisher: its grade and reason, every grade it was given (the
    approved proposals: what, who proposed it, who approved it, when, why)
    and its public works. Editors may propose a grade; a proposal waiting
    for review is shown to reviewers and to whoever made it."""
    publisher = get_object_or_404(Publisher, pk=pk)
    grades = Paginator(
        publisher.grade_proposals.approved()
        .select_related("proposed_by", "decided_by")
        .order_by("-decided_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("grades"))
    works = Paginator(
        publisher.sources.public().order_by("title", "pk"), PER_PAGE
    ).get_page(request.GET.get("sources"))
    pending = None
    if roles.can_propose(request.user) or roles.can_review(request.user):
        pending = (
            publisher.grade_proposals.pending().select_related("proposed_by").first()
        )
    return render(
        request,
        "publishers/detail.html",
        {
            "publisher": publisher,
            "grades": grades,
            "sources": works,
            "pending": pending,
            "pending_shown": pending is not None
            and (
                roles.can_review(request.user)
                or pending.proposed_by_id == request.user.pk
            ),
            "can_propose": roles.can_propose(request.user),
        },
    )


@login_required
def propose_grade(request, pk: int):
    """GET: the form for an editor to propose the publisher's grade; POST:
    proposes it, for a reviewer to decide."""
    if not roles.can_propose(request.user):
        raise PermissionDenied(NOT_AN_EDITOR)
    publisher = get_object_or_404(Publisher, pk=pk)
    form = GradeProposalForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": publisher.kind, "grade": publisher.grade},
    )
    if request.method == "POST" and form.is_valid():
        try:
            propose_publisher_grade(publisher, by=request.user, **form.cleaned_data)
        except InvalidTransition as error:
            messages.error(request, error.reason)
            return redirect("publishers:detail", publisher.pk)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"Your grade for {publisher.name} waits for a reviewer; it is "
                "shown once approved.",
            )
            return redirect("publishers:detail", publisher.pk)
    return render(
        request, "publishers/propose.html", {"publisher": publisher, "form": form}
    )


@login_required
def review_queue(request):
    """The grades waiting for review, oldest first, each with what the
    publisher has now; the reviewer's own are listed without buttons."""
    if not roles.can_review(request.user):
        raise PermissionDenied(NOT_A_REVIEWER)
    page = Paginator(
        PublisherGradeProposal.objects.pending()
        .select_related("publisher", "proposed_by")
        .order_by("proposed_at", "pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "publishers/review.html",
        {"page_obj": page, "proposals": page.object_list, "form": GradeDecisionForm()},
    )


@login_required
@require_POST
def decide_grade(request, pk: int):
    """Approves or rejects a proposed grade (a rejection says why)."""
    proposal = get_object_or_404(
        PublisherGradeProposal.objects.select_related("publisher"), pk=pk
    )
    reason = refusal(request.user, proposal)
    if reason:
        raise PermissionDenied(reason)
    form = GradeDecisionForm(request.POST)
    if not form.is_valid():
        for _anchor, problem in form.problems():
            messages.error(request, f"{proposal.publisher.name}: {problem}")
        return redirect("publishers:review")
    decide = (
        approve_publisher_grade
        if form.cleaned_data["decision"] == "approve"
        else reject_publisher_grade
    )
    try:
        decide(proposal, by=request.user, note=form.cleaned_data["note"])
    except InvalidTransition as error:
        messages.error(request, error.reason)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, f"{proposal.publisher.name}: {problem}")
    else:
        verb = "approved" if decide is approve_publisher_grade else "rejected"
        messages.success(
            request, f"Grade {proposal.grade} for {proposal.publisher.name} {verb}."
        )
    return redirect("publishers:review")
