"""Import profile documents: the plain-text layout of the seed, or the JSON export.

    python manage.py import_profiles PATH… [--publish] [--dry-run]

Each file is imported all or nothing. Without --publish a profile that changed
becomes a pending change request; with --publish it is published at once as a
recorded import. A folder imports every .txt and .json file in it. Exits
non-zero if any file failed, after naming the file and line of each failure in
one line: a file too large, not UTF-8, badly laid out or nested, or with a
value past `profiles.limits` is refused before anything is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.importing import ImportFailed, import_file


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish at once as a recorded import instead of proposing a change.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and report, then roll back: nothing is written.",
        )

    def handle(self, *args, paths: list[Path], publish: bool, dry_run: bool, **options):
        self.verbosity = options["verbosity"]
        failures = 0
        for path in _expand(paths):
            try:
                results = import_file(path, publish=publish, dry_run=dry_run)
            except ImportFailed as error:
                failures += 1
                self.stderr.write(str(error))
                continue
            for result in results:
                self._report(result, dry_run=dry_run)
        if failures:
            raise CommandError(
                f"{failures} file(s) not imported; nothing was written from them."
            )

    def _report(self, result, *, dry_run: bool) -> None:
        if self.verbosity < 1:
            return
        prefix = "[dry run] " if dry_run else ""
        if result.change_request is None:
            message = f"{result.name}: unchanged, nothing to import"
        elif result.published_version is not None:
            message = f"{result.name}: published version {result.published_version}"
        else:
            message = (
                f"{result.name}: change request #{result.change_request.pk} "
                f"waits for review"
            )
        self.stdout.write(f"{prefix}{result.path}: {message}")


def _expand(paths) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p for p in path.iterdir() if p.suffix.lower() in {".txt", ".json"}
                )
            )
        else:
            files.append(path)
    return files
