"""Email each watcher, at most once a day, what happened on the profiles they watch.

    python manage.py send_watch_digest [--dry-run] [-v 2]

Watchers get an inbox entry at once when a request on a profile they watch is
opened or decided; their email waits for this digest: one message per person
listing their unread watch notifications not emailed yet, then stamped as
emailed so no later run sends them again. Someone who had a digest in the
last 20 hours is left for the next run. Run it daily from cron (README,
"Scheduling"). Nothing is sent unless EMAIL_URL names a mail server; with
--dry-run the digests are counted and nothing is sent or stamped.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from profiles import workflow


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the digests due; send and stamp nothing.",
        )

    def handle(self, *args, dry_run: bool, verbosity: int, **options):
        if not settings.EMAIL_CONFIGURED:
            if verbosity >= 1:
                self.stdout.write("Mail is not configured (EMAIL_URL); sent nothing.")
            return
        count = workflow.send_watch_digests(dry_run=dry_run)
        if verbosity >= 1:
            verb = "Would send" if dry_run else "Sent"
            self.stdout.write(f"{verb} {count} digest{'s' if count != 1 else ''}.")
