"""SQLite on one machine: editors, reviewers and readers at once never see
"database is locked" (WAL, and write transactions that take their lock when
they begin). Runs in its own process against a file database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WRITERS = Path(__file__).with_name("sqlite_writers.py")

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's file locking is what is tested; PostgreSQL locks rows",
)


def run(args: list[str], database: Path) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_")
        and name not in {"DATABASE_URL", "CACHE_URL", "EMAIL_URL"}
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "",
        "DATABASE_URL": f"sqlite:///{database}",
        "EMAIL_URL": "dummymail://",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_concurrent_editors_and_reviewers_never_see_a_locked_database(tmp_path):
    database = tmp_path / "wiki.sqlite3"
    migrated = run(["manage.py", "migrate", "--no-input", "-v", "0"], database)
    assert migrated.returncode == 0, migrated.stderr

    result = run([str(WRITERS), "4", "5", "2"], database)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "versions": [6, 6, 6, 6],
        "errors": [],
    }
