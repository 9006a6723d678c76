"""Recompute the stored network of profiles: every connection and degree.

    python manage.py rebuild_network [--dry-run] [-v 2]

Publishing keeps the network up to date by itself; run this after the rules
of `profiles.network.matching` change, or to repair a database whose
profiles were changed outside the workflow. The tables are rewritten in one
transaction, so pages read the old network or the new one, never half of
each. With --dry-run the new network is computed and counted, then rolled
back; with -v 2 the ten most connected profiles are listed as well.

A rebuild publishes no version, so anonymous readers' cached profile pages
(profiles.page_cache, keyed on versions) keep their old neighbourhood until
the next publish anywhere, or an hour at most.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from profiles.models import Connection, ProfileDegree
from profiles.network import indexing

#: How many of the most connected profiles -v 2 lists.
MOST_LISTED = 10


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compute and count the network, then roll it back.",
        )

    def handle(self, *args, dry_run: bool, verbosity: int, **options):
        with transaction.atomic():
            before = Connection.objects.count()
            connections, profiles = indexing.rebuild()
            ranked = list(
                ProfileDegree.objects.select_related("profile")
                .only("degree", "profile__name")
                .order_by("-degree", "profile_id")[:MOST_LISTED]
            )
            if dry_run:
                transaction.set_rollback(True)
        if verbosity >= 1:
            verb = "Would write" if dry_run else "Wrote"
            self.stdout.write(
                f"{verb} {connections} connection{'s' if connections != 1 else ''} "
                f"among {profiles} published profile{'s' if profiles != 1 else ''} "
                f"(there were {before})."
            )
        if verbosity >= 2:
            self.stdout.write("Most connected:")
            for row in ranked:
                self.stdout.write(f"{row.degree:6}  {row.profile.name}")
