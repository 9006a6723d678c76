"""Read every published profile's claims again from its text.

    python manage.py rebuild_claims [--dry-run]

Publishing keeps the claim rows up to date by itself; run this after the
rules of `profiles.claims` change, or to repair a database whose profiles
were changed outside the workflow. Each claim keeps its key where its text is
still there (`profiles.claim_index`). All in one transaction; with --dry-run
the claims are read and counted, then rolled back. The search index, whose
text rows name the claims, is rebuilt with them.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from profiles import claim_index, search
from profiles.models import Claim


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and count the claims, then roll them back.",
        )

    def handle(self, *args, dry_run: bool, **options):
        with transaction.atomic():
            before = Claim.objects.count()
            written = claim_index.index_all()
            search.index_all()  # its text rows name the claims
            self.stdout.write(f"{written:,} claims (there were {before:,}).")
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write("Dry run: nothing was written.")
