"""Checking the bibliography's links and keeping what was found: the one
function `check_source_links`, run at once by `manage.py check_links` or
later by a task worker through `check_links_task` (Django's task framework,
the database backend of django-tasks-db by default: `manage.py db_worker`)."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from sources import linkcheck
from sources.models import Source, SourceQuerySet

__all__ = ["LinkCheckSummary", "check_links_task", "check_source_links", "due"]


@dataclass
class LinkCheckSummary:
    """How many sources were checked, and how the checks came out."""

    checked: int = 0
    ok: int = 0
    gone: int = 0
    failed: int = 0
    dead: int = 0


def due(*, older_than_days: int | None = None) -> SourceQuerySet:
    """Public sources with a web URL whose link is to be checked: never
    checked, or (with `older_than_days`) last checked longer ago than that;
    never checked first, then the longest unchecked."""
    sources = Source.objects.public().web()
    if older_than_days is not None:
        cutoff = timezone.now() - timedelta(days=older_than_days)
        sources = sources.filter(
            Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff)
        )
    return sources.order_by(F("link_checked_at").asc(nulls_first=True), "pk")


def check_source_links(
    *,
    limit: int | None = None,
    older_than_days: int | None = None,
    dry_run: bool = False,
    report: Callable[[Source, linkcheck.LinkResult], None] | None = None,
    workers: int = linkcheck.DEFAULT_WORKERS,
    timeout: float = linkcheck.DEFAULT_TIMEOUT,
    interval: float = linkcheck.DEFAULT_INTERVAL,
    allow_private: bool = False,
) -> LinkCheckSummary:
    """Check the links of the sources `due` (at most `limit`) and keep each
    result on its source (`Source.record_link_check`), unless `dry_run`.
    `report(source, result)`, if given, hears of each result; the rest goes
    to `linkcheck.check_urls`.

    Side effects: HTTP requests to each source's host; the link fields of
    each checked source (no history row). Sources sharing a URL spelling are
    asked for once."""
    sources = list(due(older_than_days=older_than_days)[:limit])
    by_url: dict[str, list[Source]] = {}
    for source in sources:
        by_url.setdefault(source.url, []).append(source)
    summary = LinkCheckSummary()
    results = linkcheck.check_urls(
        by_url,
        workers=workers,
        timeout=timeout,
        interval=interval,
        allow_private=allow_private,
    )
    for result in results:
        for source in by_url[result.url]:
            summary.checked += 1
            setattr(summary, result.outcome, getattr(summary, result.outcome) + 1)
            if not dry_run:
                source.record_link_check(result)
                summary.dead += source.link_dead
            if report is not None:
                report(source, result)
    return summary


@task()
def check_links_task(
    *,
    limit: int | None = None,
    older_than_days: int | None = None,
    timeout: float = linkcheck.DEFAULT_TIMEOUT,
    interval: float = linkcheck.DEFAULT_INTERVAL,
    allow_private: bool = False,
) -> dict[str, int]:
    """`check_source_links` in a task worker; returns its summary."""
    summary = check_source_links(
        limit=limit,
        older_than_days=older_than_days,
        timeout=timeout,
        interval=interval,
        allow_private=allow_private,
    )
    return asdict(summary)
