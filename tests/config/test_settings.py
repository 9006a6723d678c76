"""Settings read from the environment: each variable the README lists sets what
it says. The settings file is run afresh for each environment."""

import re
import runpy
from datetime import timedelta
from pathlib import Path

import environ
import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"
VARIABLES = (
    "DATABASE_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_CONN_MAX_AGE",
    "DJANGO_CONN_HEALTH_CHECKS",
    "DJANGO_SQLITE_TIMEOUT",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_SECURE_HSTS_PRELOAD",
    "DJANGO_SECURE_PROXY_SSL_HEADER",
    "DJANGO_EMAIL_TIMEOUT",
    "DJANGO_LOGIN_FAILURE_LIMIT",
    "DJANGO_LOGIN_COOLOFF_MINUTES",
)


@pytest.fixture
def settings_from(monkeypatch):
    """The settings module's values for an environment holding only `variables`
    of those the settings read; a developer's .env is not read."""
    monkeypatch.setattr(environ.Env, "read_env", lambda *args, **kwargs: None)

    def read(**variables: str) -> dict:
        for name in VARIABLES:
            if name in variables:
                monkeypatch.setenv(name, variables.pop(name))
            else:
                monkeypatch.delenv(name, raising=False)
        assert not variables, f"not read by the settings: {variables}"
        return runpy.run_path(str(SETTINGS))

    return read


def test_defaults_are_sqlite_local_memory_cache_and_console_mail(settings_from):
    values = settings_from(DJANGO_DEBUG="false")

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(SETTINGS.parents[1] / "db.sqlite3")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert values["CACHES"] == {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "",
        }
    }
    assert values["MAILERS"] == {
        "default": {
            "BACKEND": "django.core.mail.backends.console.EmailBackend",
            "OPTIONS": {},
        }
    }
    assert values["SECRET_KEY"] == ""
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_sqlite_waits_for_writers_in_wal_mode(settings_from):
    values = settings_from(DATABASE_URL="sqlite:////srv/wiki/db.sqlite3")

    assert values["DATABASES"]["default"]["OPTIONS"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def test_postgresql_gets_no_sqlite_options(settings_from):
    values = settings_from(
        DATABASE_URL="postgres://wiki:pw@db.internal:5432/wiki",
        DJANGO_CONN_MAX_AGE="0",
        DJANGO_CONN_HEALTH_CHECKS="false",
    )

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        5432,
        "wiki",
    )
    assert database.get("OPTIONS", {}) == {}
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is False


def test_email_url_names_the_smtp_server(settings_from):
    values = settings_from(EMAIL_URL="smtp+tls://wiki:s3cret@mail.example.org:587")

    assert values["MAILERS"] == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "mail.example.org",
                "port": 587,
                "username": "wiki",
                "password": "s3cret",
                "use_tls": True,
                "timeout": 10,
            },
        }
    }


def test_cache_url_names_a_shared_redis(settings_from):
    values = settings_from(CACHE_URL="redis://cache.internal:6379/1")

    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert values["CACHES"]["default"]["BACKEND"] in {
        "django.core.cache.backends.redis.RedisCache",
        "django_redis.cache.RedisCache",
    }


def test_https_behind_a_proxy(settings_from):
    values = settings_from(
        DJANGO_SECURE_SSL_REDIRECT="true",
        DJANGO_SECURE_HSTS_SECONDS="31536000",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        DJANGO_SECURE_HSTS_PRELOAD="true",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^healthz/$", r"^readyz/$"]


def test_sign_in_throttling_limits_come_from_the_environment(settings_from):
    defaults = settings_from()
    changed = settings_from(
        DJANGO_LOGIN_FAILURE_LIMIT="3", DJANGO_LOGIN_COOLOFF_MINUTES="60"
    )

    assert (defaults["AXES_FAILURE_LIMIT"], defaults["AXES_COOLOFF_TIME"]) == (
        5,
        timedelta(minutes=15),
    )
    assert (changed["AXES_FAILURE_LIMIT"], changed["AXES_COOLOFF_TIME"]) == (
        3,
        timedelta(minutes=60),
    )


def test_debug_alone_falls_back_to_a_development_key(settings_from):
    assert settings_from(DJANGO_DEBUG="true")["SECRET_KEY"] == (
        "insecure-development-key-only"
    )


def test_every_variable_is_listed_with_its_default():
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', SETTINGS.read_text()))
    root = SETTINGS.parents[1]
    example = set(
        re.findall(r"^# ([A-Z_]+)=", (root / ".env.example").read_text(), re.M)
    )
    readme = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (root / "README.md").read_text(), re.M)
    )

    assert read == set(VARIABLES) | {
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_CSRF_TRUSTED_ORIGINS",
        "DJANGO_SECURE_COOKIES",
        "DJANGO_STATIC_ROOT",
        "DJANGO_MEDIA_ROOT",
        "DJANGO_DEFAULT_FROM_EMAIL",
        "DJANGO_LOG_LEVEL",
        "CLAIMS_STALE_AFTER_MONTHS",
    }
    assert example == read
    assert readme == read
