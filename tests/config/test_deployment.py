"""Starting the app as production does, in fresh processes: `check --deploy`
is clean from the documented environment, management commands need only
DATABASE_URL, and the servers refuse to start without a secret key."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config.startup import MISSING_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]

#: The production environment the README documents (a long random key, HTTPS
#: ended by a proxy that sets X-Forwarded-Proto, real mail, a shared cache).
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3y-" + "x9Q2mP7vL4tR8wZ1" * 4,
    "DJANGO_ALLOWED_HOSTS": "wiki.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://wiki.example.org",
    "DATABASE_URL": "postgres://wiki:password@db.internal:5432/wiki",
    "CACHE_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://wiki:password@mail.example.org:587",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}

CHECK_DEPLOY = (
    "import django; django.setup(); "
    "from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    """Runs the venv's Python in the project folder with only `variables` of the
    project's own (the rest of the environment, PATH and so on, is kept). An
    empty DJANGO_SECRET_KEY and DJANGO_DEBUG stand for unset ones: a
    developer's .env never overrides what is set."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_")
        and name not in {"DATABASE_URL", "CACHE_URL", "EMAIL_URL"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "",
        "DJANGO_DEBUG": "false",
    } | variables
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_the_documented_production_environment():
    result = run(["-c", CHECK_DEPLOY], **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_check_deploy_names_what_a_bare_environment_lacks():
    result = run(["manage.py", "check", "--deploy"])

    assert result.returncode == 1  # mail.E001 is an error
    assert re.findall(r"^\?: \((\w+\.[EW]\d{3})\)", result.stderr, re.M) == [
        "mail.E001",
        "security.W004",
        "security.W008",
        "security.W009",
    ]


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'wiki.sqlite3'}"


def test_management_commands_need_only_database_url(sqlite_url, tmp_path):
    document = tmp_path / "example.txt"
    document.write_text(
        "Example Brigade\n\nSIZE\n\n- About 100 fighters\n", encoding="utf-8"
    )

    steps = [
        ["manage.py", "migrate", "--no-input", "--verbosity", "0"],
        ["manage.py", "import_profiles", str(document), "--publish"],
        ["manage.py", "export_profiles", "example-brigade", "--format", "text"],
    ]
    results = [run(step, DATABASE_URL=sqlite_url) for step in steps]

    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    assert "Example Brigade: published version 1" in results[1].stdout
    assert results[2].stdout.startswith("Example Brigade\n")


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_server_refuses_to_start_without_a_secret_key(module, sqlite_url):
    result = run(["-c", f"import {module}"], DATABASE_URL=sqlite_url)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {MISSING_SECRET_KEY}"
    )


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_server_starts_with_a_secret_key(module, sqlite_url):
    result = run(
        ["-c", f"import {module}; print({module}.application.__class__.__name__)"],
        DATABASE_URL=sqlite_url,
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "WSGIHandler\n" if module == "config.wsgi" else "ASGIHandler\n"
    )


def test_runserver_says_the_key_is_missing_in_one_line(sqlite_url):
    result = run(["manage.py", "runserver", "--noreload"], DATABASE_URL=sqlite_url)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"manage.py runserver: {MISSING_SECRET_KEY}"
    )
