"""Telling people about change requests: reviewers of new requests and
authors of decisions get an inbox entry and an email each; people who watch
a profile (`Watch`) get an inbox entry when a request on it is opened or
decided, and at most one email a day listing them (`send_watch_digests`);
people named as `@username` in a comment, on a request or a profile's talk
page, get an inbox entry linking to it (no email).

`submitted`, `decided` and the `mentioned_*` functions are called by
`profiles.workflow.transitions` after its transaction commits, so nobody
hears of a change that was rolled back.
"""

import logging
import re
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from profiles import limits, queries, roles
from profiles.models import (
    ChangeRequest,
    Notification,
    Profile,
    ProfileComment,
    ProposedChange,
    RequestEvent,
    Watch,
)

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Status = ChangeRequest.Status


def _subject(change_request: ChangeRequest) -> str:
    return queries.change_request_title(change_request)


def _send(
    change_request: ChangeRequest, kind: str, recipients, message: str
) -> set[int]:
    """Inbox entries and emails; returns the primary keys of those told."""
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
    return {user.pk for user in recipients}


def _tell_watchers(
    change_request: ChangeRequest, kind: str, message: str, *, skip: Iterable[int]
) -> None:
    """An inbox entry for each active watcher of the request's profile but
    those in `skip` (the actor and whoever was told already): two queries
    however many watch. Their email waits for the daily digest."""
    if change_request.profile_id is None:  # a new profile has no watchers yet
        return
    watchers = (
        Watch.objects.filter(profile_id=change_request.profile_id, user__is_active=True)
        .exclude(user_id__in=set(skip))
        .values_list("user_id", flat=True)
    )
    Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            change_request=change_request,
            kind=kind,
            message=message,
        )
        for user_id in watchers
    )


def submitted(change_request: ChangeRequest) -> None:
    """Every reviewer but the author hears of a new or revised request; the
    profile's other watchers hear of a new one (not of its revisions)."""
    author = change_request.author
    title = _subject(change_request)
    told = _send(
        change_request,
        Kind.SUBMITTED,
        queries.reviewers().exclude(pk=author.pk),
        f"{author.get_username()} proposed a change to {title}: "
        f"{change_request.summary}",
    )
    if change_request.events.filter(kind=RequestEvent.Kind.REVISED).exists():
        return
    _tell_watchers(
        change_request,
        Kind.WATCHED_OPENED,
        f"{author.get_username()} proposed a change to {title}, which you watch: "
        f"{change_request.summary}",
        skip=told | {author.pk},
    )


def decided(change_request: ChangeRequest) -> None:
    """The author hears of every decision on their request, with the comment
    (an approval with fields rejected or sent back is "partly approved"; the
    request that carries fields sent back is told of as changes requested);
    the profile's other watchers of an approval or a rejection (not of a
    request for changes), the reviewer excepted."""
    kind, verb = {
        Status.APPROVED: (Kind.APPROVED, "approved"),
        Status.REJECTED: (Kind.REJECTED, "rejected"),
        Status.CHANGES_REQUESTED: (Kind.CHANGES_REQUESTED, "asked for changes to"),
    }[change_request.status]
    if (
        kind == Kind.APPROVED
        and change_request.changes.exclude(
            decision=ProposedChange.Decision.ACCEPTED
        ).exists()
    ):
        kind, verb = Kind.PARTLY_APPROVED, "partly approved"
    note = f" “{change_request.decision_note}”" if change_request.decision_note else ""
    reviewer, author = change_request.reviewer, change_request.author
    told = _send(
        change_request,
        kind,
        [author],
        f"{reviewer.get_username()} {verb} your change to "
        f"{_subject(change_request)}.{note}",
    )
    if kind == Kind.CHANGES_REQUESTED:
        return
    _tell_watchers(
        change_request,
        Kind.WATCHED_DECIDED,
        f"{reviewer.get_username()} {verb} {author.get_username()}’s change to "
        f"{_subject(change_request)}, which you watch.{note}",
        skip=told | {author.pk, reviewer.pk},
    )


#: `@name` not inside a word or an address; a username's characters as
#: Django allows them (letters, digits and @ . + - _).
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames `text` mentions, each once, in order, at most
    `limits.limit("mentions")` of them; a full stop ending a sentence is not
    part of the name."""
    names = dict.fromkeys(name.rstrip(".") for name in MENTION_RE.findall(text))
    return [name for name in names if name][: limits.limit("mentions")]


def _mentioned_users(text: str, *, author_pk: int):
    return (
        get_user_model()
        .objects.filter(username__in=mentioned_usernames(text), is_active=True)
        .exclude(pk=author_pk)
    )


def _excerpt(text: str, most: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def mentioned_in_request(event: RequestEvent) -> None:
    """Everyone a request comment mentions who may read the request (its
    author or a reviewer) hears of it in their inbox, the commenter
    excepted; others mentioned are skipped. One insert."""
    change_request = event.change_request
    recipients = [
        user
        for user in _mentioned_users(event.text, author_pk=event.actor_id)
        if roles.can_view_change_request(user, change_request)
    ]
    message = (
        f"{event.actor.get_username()} mentioned you on change request "
        f"#{change_request.pk} ({_subject(change_request)}): “{_excerpt(event.text)}”"
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            change_request=change_request,
            request_event=event,
            kind=Kind.MENTIONED,
            message=message,
        )
        for user in recipients
    )


def mentioned_on_talk(comment: ProfileComment) -> None:
    """Everyone active a talk-page comment mentions hears of it in their
    inbox, its author excepted (anyone signed in may read talk). One
    insert."""
    message = (
        f"{comment.author.get_username()} mentioned you on the talk page of "
        f"{comment.profile.name}: “{_excerpt(comment.text)}”"
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            profile_comment=comment,
            kind=Kind.MENTIONED,
            message=message,
        )
        for user in _mentioned_users(comment.text, author_pk=comment.author_id)
    )


def watch(*, user, profile: Profile) -> bool:
    """`user` hears of requests opened and decided on `profile` from now on.
    Returns False when they watched it already.

    Side effects: one `Watch` row."""
    try:
        with transaction.atomic():
            Watch.objects.create(user=user, profile=profile)
    except IntegrityError:  # watched already, perhaps from another tab
        return False
    return True


def unwatch(*, user, profile: Profile) -> bool:
    """`user` stops hearing of `profile`'s requests (notifications already in
    their inbox stay). Returns False when they did not watch it.

    Side effects: their `Watch` row of it is deleted."""
    deleted, _ = Watch.objects.filter(user=user, profile=profile).delete()
    return bool(deleted)


#: The least time between two digests to one person: a day, less slack for
#: a daily job that starts a little earlier than the day before.
DIGEST_INTERVAL = timedelta(hours=20)


def send_watch_digests(*, dry_run: bool = False) -> int:
    """One email to each active watcher with an address, listing their
    unread watch notifications not emailed yet, unless they had a digest in
    the last `DIGEST_INTERVAL`. Returns how many emails were (or, with
    `dry_run`, would be) sent.

    Side effects: the emails, in one batch; the notifications listed get
    `emailed_at` now, so the next run does not send them again. If sending
    fails nothing is stamped and the error propagates (the next run retries).
    """
    now = timezone.now()
    pending = list(
        Notification.objects.awaiting_digest()
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient", "change_request__profile")
        .order_by("recipient_id", "created_at", "pk")
    )
    recent = set(
        Notification.objects.filter(
            kind__in=Notification.WATCH_KINDS,
            recipient_id__in={n.recipient_id for n in pending},
            emailed_at__gt=now - DIGEST_INTERVAL,
        ).values_list("recipient_id", flat=True)
    )
    by_recipient: dict[int, list[Notification]] = {}
    for notification in pending:
        if notification.recipient_id not in recent:
            by_recipient.setdefault(notification.recipient_id, []).append(notification)
    messages = [_digest(items) for items in by_recipient.values()]
    if dry_run or not messages:
        return len(messages)
    send_mass_mail(messages)
    Notification.objects.filter(
        pk__in=[n.pk for items in by_recipient.values() for n in items]
    ).update(emailed_at=now)
    return len(messages)


def _digest(notifications: list[Notification]):
    """The email (subject, body, sender, recipients) listing a watcher's news."""
    count = len(notifications)
    lines = [
        f"- {n.message}\n  "
        + reverse("profiles:detail", args=[n.change_request.profile.slug])
        for n in notifications
    ]
    body = (
        "News of the profiles you watch:\n\n"
        + "\n".join(lines)
        + f"\n\nYour inbox: {reverse('inbox:list')}\n"
        f"Profiles you watch: {reverse('inbox:watching')}\n"
    )
    return (
        f"[Profiles wiki] {count} update{'s' if count != 1 else ''} "
        "on profiles you watch",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [notifications[0].recipient.email],
    )
