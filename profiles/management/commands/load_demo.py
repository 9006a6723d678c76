"""Load the demo data that `make run` serves: the sample profiles in
`profiles/demo/`, published as recorded imports, and the demo accounts
`editor`, `reviewer` and `admin`.

It never overwrites: a demo profile whose slug or name is already taken is
skipped, and said so, unless `--replace` is given; then the demo text goes in
as a recorded import (a change request, published as the next version, which
the history shows and a revert can undo), exactly as `import_profiles
--publish` does. Existing accounts keep their passwords. Accounts are created
only when DEBUG is on, and their passwords are printed once, when they are
created. `--dry-run` says what would happen and writes nothing.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from profiles.importing import ImportFailed, import_file, read_documents
from profiles.models import Profile
from profiles.roles import EDITORS, REVIEWERS

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

ACCOUNTS = (
    ("editor", "Demo editor", [EDITORS]),
    ("reviewer", "Demo reviewer", [REVIEWERS]),
    ("admin", "Demo admin", []),
)


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Publish the demo text over existing profiles of the same slug, "
            "as a recorded import (a new version).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be loaded; write nothing.",
        )

    def handle(self, **options):
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            for path in sorted(DEMO_DIR.glob("*.txt")):
                self._load(path, replace=options["replace"])
            if not settings.DEBUG:
                self._say(
                    "Demo accounts are created only when DJANGO_DEBUG is on; "
                    "none created."
                )
            else:
                self._create_accounts()
            if options["dry_run"]:
                transaction.set_rollback(True)
                self._say("Dry run: nothing was written.")

    def _say(self, message: str, style=None) -> None:
        if self.verbosity >= 1:
            self.stdout.write(style(message) if style else message)

    def _load(self, path: Path, *, replace: bool) -> None:
        try:
            existing = [
                profile
                for values in read_documents(path)
                if (profile := _existing_profile(values))
            ]
            if existing and not replace:
                for profile in existing:
                    self._say(
                        f"Skipped {profile.name}: a profile with the slug "
                        f"{profile.slug!r} exists (--replace publishes the demo "
                        "text over it as a new version)",
                        self.style.WARNING,
                    )
                return
            results = import_file(path, publish=True)
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        for result in results:
            if result.published_version is None:
                self._say(f"Unchanged {result.name}")
            elif existing:
                self._say(
                    f"Replaced {result.name} (version {result.published_version})"
                )
            else:
                self._say(
                    f"Published {result.name} (version {result.published_version})"
                )

    def _create_accounts(self) -> None:
        User = get_user_model()
        for username, first_name, groups in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            password = get_random_string(14)
            user = User.objects.create_user(
                username=username,
                password=password,
                first_name=first_name,
                email=f"{username}@example.org",
                is_staff=username == "admin",
                is_superuser=username == "admin",
            )
            user.groups.set(Group.objects.filter(name__in=groups))
            # Printed whatever the verbosity: it is shown this once only.
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created account {username!r} with password {password}"
                )
            )


def _existing_profile(values: dict) -> Profile | None:
    """The profile an import of `values` would change: the same slug or name,
    as `profiles.importing` matches them."""
    slug = values.get("slug") or slugify(values["name"], allow_unicode=True)
    return Profile.objects.filter(Q(slug=slug) | Q(name__iexact=values["name"])).first()
