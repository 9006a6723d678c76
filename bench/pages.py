"""Times the reader pages in-process and prints requests per second and
queries per page. Figures, not assertions: run it before and after a change.

    make bench            # or: .venv/bin/python bench/pages.py [--requests N]

It builds a throwaway SQLite database and collected static files in a
temporary folder (as in production: DEBUG off), loads the demo
profiles plus one large profile (60 leaders, 120 notes), and times each page
through Django's test client (no network, no server).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="profiles-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_STATIC_ROOT"] = f"{folder}/static"

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.factories import publish_profile

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    publish_profile("Large Example Brigade", leaders=60, notes=120)

    # Keep one connection for the run, as a server with CONN_MAX_AGE does, so
    # the captured queries are those of the page and not of reconnecting.
    request_finished.disconnect(close_old_connections)
    client = Client()
    pages = [
        "/",
        "/profiles/",
        "/profiles/liwa-al-baqir/",
        "/profiles/large-example-brigade/",
        "/profiles/large-example-brigade/history/",
        "/api/v1/profiles/",
        "/api/v1/profiles/large-example-brigade/",
    ]
    print(f"{'page':45} {'queries':>7} {'req/s':>8} {'ms/req':>7}")
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        queries = len(captured)  # now: later requests reset the log it reads
        assert response.status_code == 200, (page, response.status_code)
        started = time.perf_counter()
        for _ in range(args.requests):
            client.get(page)
        elapsed = time.perf_counter() - started
        print(
            f"{page:45} {queries:7d} {args.requests / elapsed:8.1f} "
            f"{1000 * elapsed / args.requests:7.2f}"
        )


if __name__ == "__main__":
    main()
