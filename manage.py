#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Commands read the environment like the server does, but only `runserver`
needs a secret key: it alone serves requests. Every other command (migrate,
import_profiles, backup …) runs with just DATABASE_URL.
"""

import os
import sys

#: Commands that serve requests and so need what the WSGI app needs.
SERVING_COMMANDS = frozenset({"runserver"})


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    if len(sys.argv) > 1 and sys.argv[1] in SERVING_COMMANDS:
        from config.startup import require_secret_key

        try:
            require_secret_key()
        except ImproperlyConfigured as error:
            sys.exit(f"manage.py {sys.argv[1]}: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
