"""Restore a backup made by `manage.py backup`: `manage.py restore PATH`.

The database must have the tables of the code that made the backup (run
`migrate` first). A database that already holds data (users, profiles,
sources … anything a backup keeps beyond the role groups that migrations
make) is refused unless `--force`, which replaces that data with the backup.
All in one transaction: the database is emptied (as `flush` does; content
types and permissions are made again), the backup is loaded with its row ids
(on PostgreSQL the id sequences then continue after the highest id), and if
anything fails nothing has changed. Sessions are not in a backup: everyone
signs in again. Then the shared cache (CACHE_URL) is cleared, since its pages
may show the data replaced; a server's local-memory cache is its own, so
restart the servers. `--dry-run` loads and checks the backup, then rolls back.
"""

import shutil
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from profiles.management.commands.backup import row_counts

#: Rows a freshly migrated database already holds.
MADE_BY_MIGRATIONS = frozenset({"auth.Group"})

GZIP_MAGIC = b"\x1f\x8b"


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file made by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of a database that is not empty.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Load and check the backup, then roll back: nothing changes.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            choices=tuple(connections),
            help="The database to restore into (default: %(default)s).",
        )

    def handle(self, *, path, force, dry_run, database, verbosity, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        with tempfile.TemporaryDirectory() as folder:
            # loaddata tells the format and compression from the file's name.
            with source.open("rb") as file:
                compressed = file.read(2) == GZIP_MAGIC
            fixture = Path(folder) / ("backup.json.gz" if compressed else "backup.json")
            shutil.copyfile(source, fixture)
            with transaction.atomic(using=database):
                held = {
                    label: count
                    for label, count in row_counts(database).items()
                    if label not in MADE_BY_MIGRATIONS
                }
                if held and not force:
                    raise CommandError(
                        f"The database is not empty: it holds {sum(held.values())} "
                        f"rows ({', '.join(sorted(held)[:3])} …); "
                        "--force replaces its data with the backup."
                    )
                call_command("flush", interactive=False, database=database, verbosity=0)
                try:
                    call_command(
                        "loaddata", str(fixture), database=database, verbosity=0
                    )
                except (
                    DeserializationError,
                    DatabaseError,
                    OSError,
                    EOFError,
                ) as error:
                    # loaddata names its own copy of the file; the cause says why.
                    raise CommandError(
                        f"{source} cannot be restored, nothing changed: "
                        f"{error.__cause__ or error}"
                    ) from error
                counts = row_counts(database)
                if dry_run:
                    transaction.set_rollback(True)
        if not dry_run:
            cache.clear()
        if verbosity >= 2:
            for label, count in sorted(counts.items()):
                self.stdout.write(f"{label}: {count}")
        if verbosity >= 1:
            done = "Checked (dry run, nothing changed)" if dry_run else "Restored"
            self.stdout.write(
                self.style.SUCCESS(f"{done} {sum(counts.values())} rows from {source}")
            )
