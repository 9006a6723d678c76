"""Export published profiles as text (the import layout), JSON or Markdown.

    python manage.py export_profiles [SLUG…] --format text|json|markdown [--output DIR]

Without slugs every published profile is exported. Without --output the
export goes to standard output (JSON as one list); with it, one file per
profile named <slug>.txt, .json or .md. Text export re-imports to the same
profile.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles import exporting, queries

EXTENSIONS = {"text": "txt", "json": "json", "markdown": "md"}


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG")
        parser.add_argument("--format", choices=sorted(EXTENSIONS), default="text")
        parser.add_argument("--output", type=Path, metavar="DIR")

    def handle(
        self, *args, slugs: list[str], format: str, output: Path | None, **options
    ):
        self.verbosity = options["verbosity"]
        profiles = queries.published_profiles()
        if slugs:
            profiles = profiles.filter(slug__in=slugs)
            missing = sorted(set(slugs) - {p.slug for p in profiles})
            if missing:
                raise CommandError(f"No published profile: {', '.join(missing)}")
        profiles = list(profiles)
        if output is None:
            if format == "json":
                data = [exporting.as_data(p) for p in profiles]
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(
                    "\n".join(exporting.export(p, format) for p in profiles)
                )
            return
        output.mkdir(parents=True, exist_ok=True)
        for profile in profiles:
            target = output / f"{profile.slug}.{EXTENSIONS[format]}"
            target.write_text(exporting.export(profile, format), encoding="utf-8")
            if self.verbosity >= 1:
                self.stdout.write(f"Wrote {target}")
