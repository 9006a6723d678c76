"""Settings for the profiles wiki, read from the environment (twelve-factor).

Every variable read here is listed, with its default, in `.env.example`.
DEBUG is off unless asked for; `make run` asks for it.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The key signs sessions, CSRF tokens and password-reset links, so only what serves
# requests needs it: config/wsgi.py, config/asgi.py and `manage.py runserver` refuse
# to start without one (config.startup). Commands that serve nothing (migrate,
# import_profiles, backup …) run with just DATABASE_URL; Django itself refuses an
# empty key if one of them ever signs something. Debug falls back to a known key.
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="insecure-development-key-only" if DEBUG else ""
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # SearchVectorField (profiles.SearchText); harmless on SQLite.
    "django.contrib.postgres",
    "simple_history",
    "taggit",
    # The tasks' database backend (TASKS below) and its `db_worker` command.
    "django_tasks_db",
    "sources",
    "profiles",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.refuse_control_characters",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cached page for an anonymous reader is answered here, before the
    # session and everything below it, which such a page does not need.
    "profiles.page_cache.serve_cached_pages",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "profiles.context_processors.workflow",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a connection is kept between requests (0: one per request); the health
# check drops a kept connection that the server closed meanwhile. Connecting
# anew costs more than a whole cached page (bench/README.md), so it is kept.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(
    "DJANGO_CONN_HEALTH_CHECKS", default=True
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One machine, several editors at once: WAL lets readers go on while one
    # writer writes; a write transaction takes its lock when it begins
    # (IMMEDIATE), so two transactions never both read and then both try to
    # write, which SQLite answers at once with "database is locked" whatever
    # the timeout; a writer waits up to `timeout` seconds for the other.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("DJANGO_SQLITE_TIMEOUT", default=20),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default (one process); redis://host:6379/0 shares it between
# workers and machines.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Background work (`check_links --enqueue`) waits in the database until
# `manage.py db_worker` runs it: no broker on one machine.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
AUTHENTICATION_BACKENDS = [
    "config.throttling.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# One request's body: the edit form of the largest profile the limits allow
# (profiles/limits.py: 500 leaders, 2,000 notes, each a few inputs) fits, and
# anything larger is refused with 400 before a form reads it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Every asset is served from this host: the policy says so to the browser too.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS, usually ended by a reverse proxy: it says so in a header such as
# X-Forwarded-Proto ("HTTP_X_FORWARDED_PROTO,https"), which it must set itself.
SECURE_PROXY_SSL_HEADER = (
    tuple(env.list("DJANGO_SECURE_PROXY_SSL_HEADER", default=[])) or None
)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# Load balancers probe over plain HTTP; a redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)

# Django 6.1 sends mail through MAILERS; EMAIL_URL (django-environ's URL form:
# smtp+tls://user:password@host:587, smtp+ssl://…:465, consolemail://) fills its
# default entry. The console backend prints mail, which suits development only:
# `check --deploy` says so (mail.E001) until EMAIL_URL names a real server.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_mailer = {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": {}}
if _mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _mailer["OPTIONS"] = {
        option: _email[key]
        for key, option in {
            "EMAIL_HOST": "host",
            "EMAIL_PORT": "port",
            "EMAIL_HOST_USER": "username",
            "EMAIL_HOST_PASSWORD": "password",
            "EMAIL_USE_TLS": "use_tls",
            "EMAIL_USE_SSL": "use_ssl",
        }.items()
        if _email.get(key) not in (None, "")
    } | {"timeout": env.int("DJANGO_EMAIL_TIMEOUT", default=10)}
elif _mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    _mailer["OPTIONS"] = {"file_path": _email["EMAIL_FILE_PATH"]}
MAILERS = {"default": _mailer}
# Watchers' daily digest (`send_watch_digest`) goes out only to a real server.
EMAIL_CONFIGURED = bool(env.str("EMAIL_URL", default=""))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="wiki@localhost")

# A claim whose as-of date ended more than this many months ago is stale: listed
# on /stale/ and said quietly under its section on the profile page.
CLAIMS_STALE_AFTER_MONTHS = env.int("CLAIMS_STALE_AFTER_MONTHS", default=18)
# The project as a citation of a profile's version names it.
SITE_NAME = "Armed-group profiles"

TAGGIT_CASE_INSENSITIVE = True
SIMPLE_HISTORY_REVERT_DISABLED = True  # reverting is a change request, never a save

# Sign-in throttling (django-axes): this many wrong passwords for one account from
# one address lock that account there for the cool-off, staff included; the
# admin's sign-in goes through the same backend. The lock is per account and
# address, so an attacker cannot lock everyone out; behind a reverse proxy every
# client has the proxy's address and the lock holds for the account everywhere.
# `manage.py axes_reset_username NAME` unlocks an account early.
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.throttling.locked_out"
AXES_VERBOSE = False  # its start-up banner would open every command's output

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # httpx says every request of `check_links` at INFO; bibtexparser warns of
    # every malformed entry of a paste, which the paste form reports itself.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "bibtexparser": {"level": "ERROR"},
    },
}
