"""A person's inbox: the notifications `profiles.workflow.notifications` leaves them
about change requests, newest first. Views here only read them and mark them
read; the workflow creates them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from profiles.models import Notification

PER_PAGE = 25


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/list.html", {"page_obj": page})


@require_POST
@login_required
def open_notification(request, pk: int):
    """Marks one of the user's notifications read and goes to its request.
    A POST: following a link (or a crawler, or a prefetch) changes nothing."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect("review:detail", pk=notification.change_request_id)


@require_POST
@login_required
def mark_all_read(request):
    count = request.user.notifications.unread().update(read_at=timezone.now())
    if count:
        messages.success(
            request, f"Marked {count} notification{'s' if count != 1 else ''} read."
        )
    return redirect("inbox:list")
