"""A published profile's talk page: discussion about it, not reviewed
content. Anyone signed in reads it; editors and reviewers write on it;
anonymous readers do not see it (the public record is the reviewed profile).
Comments are kept by `profiles.workflow.comment_on_profile`, never edited or
deleted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from profiles import queries, roles, workflow
from profiles.forms import CommentForm
from profiles.models import Profile

PER_PAGE = 50


def _profile(user, slug: str) -> Profile:
    if not roles.can_read_talk(user):
        raise PermissionDenied("Only people signed in read talk pages.")
    try:
        return Profile.objects.published().get(slug=slug)
    except Profile.DoesNotExist as error:
        raise Http404("No published profile with this address.") from error


def _render(request, profile: Profile, form: CommentForm | None, page_number=None):
    paginator = Paginator(queries.talk_comments(profile), PER_PAGE)
    if page_number == "last":  # after a refused comment, where it would go
        page_number = paginator.num_pages
    page = paginator.get_page(page_number)
    return render(
        request,
        "profiles/talk.html",
        {
            "profile": profile,
            "page_obj": page,
            "form": form,
        },
    )


@login_required
def talk_page(request, slug: str):
    """The comments on a profile, oldest first, with the comment form for
    those who may write."""
    profile = _profile(request.user, slug)
    form = CommentForm() if roles.can_talk(request.user) else None
    return _render(request, profile, form, request.GET.get("page"))


@require_POST
@login_required
def add_comment(request, slug: str):
    """Adds a comment; on bad input the talk page's last page again with the
    error beside the field."""
    profile = _profile(request.user, slug)
    if not roles.can_talk(request.user):
        raise PermissionDenied("Only editors and reviewers write on a talk page.")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = workflow.comment_on_profile(
                profile, by=request.user, text=form.cleaned_data["text"]
            )
        except workflow.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, "Comment added.")
            page = queries.talk_page_number(comment, PER_PAGE)
            return redirect(
                f"{reverse('profiles:talk', args=[profile.slug])}"
                f"?page={page}#comment-{comment.pk}"
            )
    return _render(request, profile, form, "last")
