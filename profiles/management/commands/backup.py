"""Back up the wiki's data into one compressed file: `manage.py backup PATH`.

Kept: users and groups, profiles with their leaders, notes and tags, every
version, change request, proposed change and notification, the bibliography,
the history tables and the admin's log, each row with its id, so every URL
stays the same after a restore. Left out, since Django or the next sign-in
remakes them: content types and permissions (rows refer to them by natural
key, so their ids need not match), sessions, and django-axes's sign-in
records.

The file is Django's JSON fixture format compressed with gzip (name it
`….json.gz`), with times to the microsecond (`dumpdata` would cut them to the
millisecond); `manage.py restore PATH` loads it. The data is read in one
transaction, so a backup taken while people edit is consistent (on PostgreSQL,
one repeatable-read snapshot). The file appears only once complete. For
PostgreSQL, `pg_dump` is the alternative (README, "Backup and restore").
"""

import datetime
import gzip
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

#: What a backup leaves out: apps, and models as `app.Model`.
EXCLUDED = ("contenttypes", "auth.Permission", "sessions", "axes")


def backed_up_models() -> list:
    """The models whose rows a backup holds, every concrete model but those
    `EXCLUDED`, in an order that loads: a model whose natural key others use
    (users, groups) before them."""
    by_app: dict = {}
    for model in apps.get_models():
        meta = model._meta
        if (
            meta.managed
            and not meta.proxy
            and not {meta.app_label, meta.label} & set(EXCLUDED)
        ):
            by_app.setdefault(meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's JSON encoder cuts times to milliseconds, as JavaScript keeps
    them; a backup keeps every microsecond, so history keeps its order."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def rows(database: str) -> Iterator:
    for model in backed_up_models():
        manager = model._base_manager.using(database)
        yield from manager.order_by(model._meta.pk.name).iterator()


def row_counts(database: str) -> dict[str, int]:
    """Rows per backed-up model (`app.Model` label), models without rows left out."""
    counts = {
        model._meta.label: model._base_manager.using(database).count()
        for model in backed_up_models()
    }
    return {label: count for label, count in counts.items() if count}


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="File to write, e.g. wiki-2026-12-03.json.gz (replaced)."
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            choices=tuple(connections),
            help="The database to back up (default: %(default)s).",
        )

    def handle(self, *, path, database, verbosity, **options):
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"No such folder: {target.parent}")
        connection = connections[database]
        # PostgreSQL takes a snapshot only as a transaction's first statement.
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        # Written beside the target, then renamed: a reader never sees half a file.
        with tempfile.TemporaryDirectory(dir=target.parent) as folder:
            dump = Path(folder) / "backup.json.gz"
            try:
                with transaction.atomic(using=database):
                    if snapshot:
                        with connection.cursor() as cursor:
                            cursor.execute(
                                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
                                "READ ONLY"
                            )
                    counts = row_counts(database)
                    with gzip.open(dump, "wt", encoding="utf-8") as stream:
                        serializers.serialize(
                            "json",
                            rows(database),
                            stream=stream,
                            use_natural_foreign_keys=True,
                            cls=ExactJSONEncoder,
                        )
            except DatabaseError as error:
                raise CommandError(
                    f"Cannot read the database (is it migrated?): {error}"
                ) from error
            os.replace(dump, target)
        if verbosity >= 2:
            for label, count in sorted(counts.items()):
                self.stdout.write(f"{label}: {count}")
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up {sum(counts.values())} rows to {target} "
                    f"({target.stat().st_size} bytes)"
                )
            )
