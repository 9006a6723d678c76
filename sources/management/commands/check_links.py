"""Check that the public sources' URLs still answer, and mark dead links.

    python manage.py check_links [--limit N] [--older-than DAYS] [--dry-run]
    python manage.py check_links --enqueue [--limit N] [--older-than DAYS]

Each public source with an http(s) URL is asked for (HEAD, then GET when HEAD
is refused; redirects followed; eight at a time, at most one request per host
per second, 10 s timeouts) and its status, final URL and the time are kept on
it. A 404 or 410 marks the link dead at once; any other failure, two checks
in a row (`sources.linkcheck`). Dead links are listed on /sources/dead/.

--older-than DAYS checks only sources never checked or last checked longer
ago; --limit N at most N of them, never checked first. --dry-run checks and
prints, and keeps nothing. --enqueue hands the run to the task worker
(`manage.py db_worker`) instead of checking now. Run it nightly from cron
(README, "Scheduling"). A network error never stops the run: it is recorded.
"""

from django.core.management.base import BaseCommand, CommandError

from sources import linkcheck
from sources.tasks import check_links_task, check_source_links


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _positive_seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=_non_negative, metavar="N", help="Check at most N sources."
        )
        parser.add_argument(
            "--older-than",
            type=_non_negative,
            metavar="DAYS",
            dest="older_than_days",
            help="Only sources not checked in the last DAYS days.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and print; keep nothing."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the run for the task worker instead of checking now.",
        )
        parser.add_argument(
            "--timeout",
            type=_positive_seconds,
            default=linkcheck.DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help="To connect, and for each read (default %(default)s).",
        )
        parser.add_argument(
            "--interval",
            type=_seconds,
            default=linkcheck.DEFAULT_INTERVAL,
            metavar="SECONDS",
            help="Between two requests to one host (default %(default)s).",
        )
        parser.add_argument(
            "--allow-private",
            action="store_true",
            help="Also ask hosts on this machine's own networks (loopback, "
            "private ranges); for testing against a local server.",
        )

    def handle(
        self,
        *args,
        limit,
        older_than_days,
        dry_run,
        enqueue,
        timeout,
        interval,
        allow_private,
        verbosity,
        **options,
    ):
        if enqueue:
            if dry_run:
                raise CommandError("--dry-run checks now; it cannot be queued.")
            result = check_links_task.enqueue(
                limit=limit,
                older_than_days=older_than_days,
                timeout=timeout,
                interval=interval,
                allow_private=allow_private,
            )
            if verbosity >= 1:
                self.stdout.write(
                    f"Queued link check {result.id} ({result.status.label.lower()})."
                )
            return

        def report(source, result: linkcheck.LinkResult) -> None:
            if verbosity >= 2:
                said = result.status if result.status is not None else result.error
                self.stdout.write(f"{result.outcome:6} {said}  {source.url}")

        summary = check_source_links(
            limit=limit,
            older_than_days=older_than_days,
            dry_run=dry_run,
            report=report,
            timeout=timeout,
            interval=interval,
            allow_private=allow_private,
        )
        if verbosity >= 1:
            verb = "Checked (dry run, nothing kept)" if dry_run else "Checked"
            dead = "" if dry_run else f"; {summary.dead} dead"
            self.stdout.write(
                f"{verb} {summary.checked} link{'s' if summary.checked != 1 else ''}: "
                f"{summary.ok} answering, {summary.gone} gone, "
                f"{summary.failed} failing{dead}."
            )
