"""Watching profiles: the Watch and Unwatch buttons of a profile page and the
list of what someone watches. What watchers are told is
`profiles.workflow.notifications`'s."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from profiles import queries, workflow
from profiles.models import Profile
from profiles.redirects import back

PER_PAGE = 25


@require_POST
@login_required
def watch(request, slug: str):
    profile = get_object_or_404(Profile.objects.published(), slug=slug)
    workflow.watch(user=request.user, profile=profile)
    messages.success(
        request,
        f"You are watching {profile.name}: your inbox will tell you when a change "
        "to it is proposed or decided.",
    )
    return back(request, profile)


@require_POST
@login_required
def unwatch(request, slug: str):
    profile = get_object_or_404(Profile.objects.published(), slug=slug)
    workflow.unwatch(user=request.user, profile=profile)
    messages.success(request, f"You no longer watch {profile.name}.")
    return back(request, profile)


@login_required
def watched_profiles(request):
    page = Paginator(queries.watched_profiles(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/watching.html", {"page_obj": page})
