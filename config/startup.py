"""What a server needs before it answers a request, and a management command
does not: checked by config/wsgi.py, config/asgi.py, `manage.py runserver`,
and by `make serve` before it starts (`python -m config.startup`, which says
what is missing in one line)."""

import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "DJANGO_SECRET_KEY is not set: a server needs a long random secret key when "
    "DJANGO_DEBUG is off (make one with "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
)


def require_secret_key() -> None:
    """Raises `ImproperlyConfigured` naming the variable to set when the settings
    have no secret key."""
    try:
        settings.SECRET_KEY  # noqa: B018  (Django raises when the key is empty)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(MISSING_SECRET_KEY) from None


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        require_secret_key()
    except ImproperlyConfigured as error:
        sys.exit(str(error))
