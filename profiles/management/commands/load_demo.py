"""Load the demo data that `make run` serves: the sample profiles in
`profiles/demo/`, published as recorded imports, and the demo accounts
`editor`, `reviewer` and `admin`.

Safe to run again: unchanged profiles are left alone and existing accounts keep
their passwords. Accounts are created only when DEBUG is on, and their
passwords are printed once, when they are created.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.crypto import get_random_string

from profiles.importing import ImportFailed, import_file
from profiles.roles import EDITORS, REVIEWERS

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

ACCOUNTS = (
    ("editor", "Demo editor", [EDITORS]),
    ("reviewer", "Demo reviewer", [REVIEWERS]),
    ("admin", "Demo admin", []),
)


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    @transaction.atomic
    def handle(self, **options):
        self.verbosity = options["verbosity"]
        for path in sorted(DEMO_DIR.glob("*.txt")):
            try:
                results = import_file(path, publish=True)
            except ImportFailed as error:
                raise CommandError(str(error)) from error
            for result in results:
                if self.verbosity >= 1 and result.published_version:
                    self.stdout.write(
                        f"Published {result.name} (version {result.published_version})"
                    )
        if not settings.DEBUG:
            self.stdout.write(
                "Demo accounts are created only when DJANGO_DEBUG is on; none created."
            )
            return
        self._create_accounts()

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
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created account {username!r} with password {password}"
                )
            )
