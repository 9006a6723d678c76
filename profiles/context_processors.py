"""Counts the navigation shows to signed-in people. Lazy: a page that does not
show them does not query for them."""

from django.utils.functional import SimpleLazyObject

from profiles import roles
from profiles.models import ChangeRequest


def workflow(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    context = {
        "unread_count": SimpleLazyObject(lambda: user.notifications.unread().count()),
        "can_propose": roles.can_propose(user),
        "can_review": roles.can_review(user),
    }
    if context["can_review"]:
        context["review_count"] = SimpleLazyObject(
            lambda: ChangeRequest.objects.pending().count()
        )
    return context
