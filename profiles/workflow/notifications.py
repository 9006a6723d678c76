"""Telling people about change requests: an inbox entry and an email each.

Called by `profiles.workflow.transitions` after its transaction commits, so
nobody hears of a change that was rolled back.
"""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from profiles import queries
from profiles.models import ChangeRequest, Notification

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Status = ChangeRequest.Status


def _subject(change_request: ChangeRequest) -> str:
    return queries.change_request_title(change_request)


def _send(change_request: ChangeRequest, kind: str, recipients, message: str) -> None:
    recipients = [user for user in recipients if user.is_active]
    Notification.objects.bulk_create(
        Notification(
            recipient=user, change_request=change_request, kind=kind, message=message
        )
        for user in recipients
    )
    link = reverse("review:detail", args=[change_request.pk])
    messages = [
        (
            f"[Profiles wiki] {message}",
            f"{message}\n\n{change_request.summary}\n\n{link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        for user in recipients
        if user.email
    ]
    try:
        send_mass_mail(messages)
    except Exception:  # the inbox has it; a mail outage must not fail the request
        logger.exception("Could not email about change request #%s", change_request.pk)


def submitted(change_request: ChangeRequest) -> None:
    """Every reviewer but the author hears of a new or revised request."""
    author = change_request.author
    _send(
        change_request,
        Kind.SUBMITTED,
        queries.reviewers().exclude(pk=author.pk),
        f"{author.get_username()} proposed a change to {_subject(change_request)}: "
        f"{change_request.summary}",
    )


def decided(change_request: ChangeRequest) -> None:
    """The author hears of every decision on their request, with the comment."""
    kind, verb = {
        Status.APPROVED: (Kind.APPROVED, "approved"),
        Status.REJECTED: (Kind.REJECTED, "rejected"),
        Status.CHANGES_REQUESTED: (Kind.CHANGES_REQUESTED, "asked for changes to"),
    }[change_request.status]
    if (
        kind == Kind.APPROVED
        and change_request.changes.filter(decision="rejected").exists()
    ):
        kind, verb = Kind.PARTLY_APPROVED, "partly approved"
    note = f" “{change_request.decision_note}”" if change_request.decision_note else ""
    _send(
        change_request,
        kind,
        [change_request.author],
        f"{change_request.reviewer.get_username()} {verb} your change to "
        f"{_subject(change_request)}.{note}",
    )
