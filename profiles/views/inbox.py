"""A person's inbox: the notifications `profiles.workflow.notifications` leaves them
about change requests, newest first. Views here only read them and mark them
read; the workflow creates them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from profiles import queries, roles
from profiles.models import Notification

PER_PAGE = 25
#: As `profiles.views.talk.PER_PAGE` (views do not import each other).
TALK_PER_PAGE = 50


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/list.html", {"page_obj": page})


@require_POST
@login_required
def open_notification(request, pk: int):
    """Marks one of the user's notifications read and goes to its request, or
    to the watched profile for a watcher who may not read the request.
    A POST: following a link (or a crawler, or a prefetch) changes nothing."""
    notification = get_object_or_404(
        Notification.objects.select_related(
            "change_request__profile", "profile_comment__profile"
        ),
        pk=pk,
        recipient=request.user,
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.profile_comment_id:  # a mention on a talk page
        comment = notification.profile_comment
        page = queries.talk_page_number(comment, TALK_PER_PAGE)
        return redirect(
            f"{reverse('profiles:talk', args=[comment.profile.slug])}"
            f"?page={page}#comment-{comment.pk}"
        )
    change_request = notification.change_request
    if notification.request_event_id:  # a mention in the conversation
        return redirect(
            f"{reverse('review:detail', args=[change_request.pk])}"
            f"#event-{notification.request_event_id}"
        )
    if change_request.profile_id and not roles.can_view_change_request(
        request.user, change_request
    ):
        return redirect(change_request.profile)
    return redirect("review:detail", pk=change_request.pk)


@require_POST
@login_required
def mark_all_read(request):
    count = request.user.notifications.unread().update(read_at=timezone.now())
    if count:
        messages.success(
            request, f"Marked {count} notification{'s' if count != 1 else ''} read."
        )
    return redirect("inbox:list")
