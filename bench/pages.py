"""Times every reader page at real size, served the way production serves
them, and prints one table of throughput as a ratio to `/healthz/`.

    make bench                     # or: .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --reuse          # keep the seeded database
    .venv/bin/python bench/pages.py --reuse --only search --no-import
    .venv/bin/python bench/pages.py \
        --database-url postgres://postgres@127.0.0.1:5432/bench_pages
    .venv/bin/python bench/pages.py --reuse --profile /profiles/<slug>/ --cache-off

Steps: seeds a large database with `bench/seed.py` (5,000 profiles, 15,000
leaders, 20,000 sources, 100,000 versions, one profile with 10,000 versions,
one with 500 notes and 200 leaders; about two minutes), or with --reuse
keeps the one already seeded; SQLite at `bench/bench.sqlite3` by default
(git-ignored), or a PostgreSQL database on 127.0.0.1 with --database-url
(dropped and created again unless --reuse). Collects static files into a
temporary folder, loads each page twice through Django's test client (200,
the content expected, and the queries of the second, warm, load), then
starts two gunicorns on free ports of 127.0.0.1 (2 sync workers each, DEBUG
off, production settings with a throwaway secret key, no SSL redirect; the
second with the cache off, `CACHE_URL=dummycache://`, idle but for the
pages asked of it) and loads each page with wrk (`-t2 -c16 -d10s`) when
it is installed, else with a small Python load generator (16 threads, at
most 3,000 requests or 10 seconds per page; the client then limits
`/healthz/`, so ratios read high).
`/healthz/` is loaded first and last, and the ratios use both. Finally it
times `manage.py import_profiles --publish` of 1,000 new documents into a copy
of the seeded database, stopped after --import-seconds (120) if unfinished.
gunicorn is always stopped at the end. About eight minutes in all.

The table gives, for each page, requests per second, the 50th and 99th
percentile latencies, its throughput as a ratio to `/healthz/` (a view that
touches no database) served by the first server in the same run, its queries
and size, and the aim from issue 10 with whether it is met. "Profile,
anonymous" is what an anonymous reader gets from the page cache; "signed in"
is an editor's real session (a user the benchmark makes in the Editors
group), served the cached article with their own menu and notices around
it; "cache off" pages come from the second server, which renders every page
each time (`profiles/page_cache.py` and the remembered note and text HTML
of `profile_text` aside: that memory is per process, not the cache).

--profile PATH runs one page through the test client under cProfile (with
--cache-off, with the cache off) and prints where its time goes and its
queries, slowest first.
"""

import argparse
import cProfile
import os
import platform
import pstats
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import _corpus  # noqa: E402  (after the path above)
import _load  # noqa: E402
import seed  # noqa: E402

IMPORT_DOCUMENTS = 1_000
#: The second server's settings: every page rendered each time.
CACHE_OFF = {"CACHE_URL": "dummycache://"}
#: The editor whose session the signed-in pages are asked with.
EDITOR = "bench-editor"


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    expect: str  # text the page must contain
    headers: dict | None = None
    aim: str = ""  # a key of AIMS
    cache_off: bool = False  # asked of the server with the cache off


@dataclass
class Row:
    page: Page
    result: "_load.Result | None" = None
    queries: int | None = None
    size: int | None = None


def _ratio(row, health) -> float | None:
    if row.result is None or not health.result.per_second:
        return None
    return row.result.per_second / health.result.per_second


#: The aims of issue 10: the text shown, and a test given the page's row,
#: the `/healthz/` row and the rows by label.
AIMS = {
    "cached": ("≥ 0.8", lambda r, h, _: _ratio(r, h) >= 0.8),
    "uncached": ("≥ 0.3", lambda r, h, _: _ratio(r, h) >= 0.3),
    "notes": ("≥ 0.2", lambda r, h, _: _ratio(r, h) >= 0.2),
    "history": (
        "≥ ½ of 10 versions",
        lambda r, h, rows: (
            r.result.per_second >= 0.5 * rows["History, 10 versions"].result.per_second
        ),
    ),
    "search": (
        "p50 ≤ 3× healthz",
        lambda r, h, _: r.result.p50_ms <= 3 * h.result.p50_ms,
    ),
    "network and API": ("≥ 0.3", lambda r, h, _: _ratio(r, h) >= 0.3),
}


# Setup -----------------------------------------------------------------------


def environment(database_url: str, static_root: Path) -> dict[str, str]:
    """Production settings for the server, the commands and this process."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "EMAIL_URL": "dummymail://",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def postgres_database(url: str, *, create: bool, template: str | None = None) -> None:
    """Drops the database `url` names and, with `create`, makes it again
    (from `template` when given), through the server's `postgres` database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            source = f' TEMPLATE "{template}"' if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{source}')


def postgres_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone()
    return row is not None


def is_seeded() -> bool:
    """Whether the database holds this seed's corpus (its special profiles)."""
    from django.db import DatabaseError

    from profiles.models import Profile

    corpus = _corpus.Corpus(_corpus.FULL)
    names = [corpus.groups[i].name for i in (0, 1, 2, 3)]
    try:
        return (
            Profile.objects.published().count() >= _corpus.FULL.profiles
            and Profile.objects.filter(name__in=names).count() == len(names)
        )
    except DatabaseError:
        return False


def targets() -> dict[str, str]:
    """The slugs and names the pages ask for, found in the seeded database:
    an ordinary profile (not one of the well-connected ones, with a few
    notes and versions), the most connected one, the 10,000-version one,
    the 500-note one, one with 10 versions, a leader's name and a name in
    Arabic script."""
    from profiles.models import Profile, ProfileDegree

    corpus = _corpus.Corpus(_corpus.FULL)
    groups = corpus.groups
    ordinary = next(
        g
        for g in groups[100:]
        if g.name.isascii() and 5 <= g.versions <= 30 and len(g.notes) <= 6
    )
    hub = ProfileDegree.objects.select_related("profile").order_by("-degree").first()

    def slug(group) -> str:
        return Profile.objects.get(name=group.name).slug

    arabic = next(g for g in groups if not g.name.isascii())
    big = groups[_corpus.BIG_HISTORY]
    typical = slug(ordinary)
    notes = groups[_corpus.MANY_NOTES]
    ten = groups[_corpus.TEN_VERSIONS]
    return {
        "typical": typical,
        "editor_cookie": editor_cookie(f"/profiles/{quote(typical)}/"),
        "typical_name": ordinary.name,
        "hub": hub.profile.slug,
        "hub_name": hub.profile.name,
        "hub_degree": str(hub.degree),
        "big": slug(big),
        "big_name": big.name,
        "notes": slug(notes),
        "notes_name": notes.name,
        "ten": slug(ten),
        "ten_name": ten.name,
        "leader": corpus.first_values(ordinary)["leaders"][0]["name"],
        "arabic": arabic.name,
        "big_versions": str(big.versions),
    }


def editor_cookie(path: str) -> str:
    """A `Cookie` header of a signed-in editor (made if needed, in the
    Editors group, with no pending request): a real session in the
    database and the CSRF cookie a browser sends back after its first
    page."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from profiles import roles

    editor, _ = get_user_model().objects.get_or_create(username=EDITOR)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    client = Client()
    client.force_login(editor)
    client.get(path)  # sets the CSRF cookie, as a browser's first page does
    return "; ".join(
        f"{name}={client.cookies[name].value}"
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    )


def pages(t: dict[str, str]) -> list[Page]:
    p = quote  # slugs may be in Arabic script
    big = p(t["big"])
    last = int(t["big_versions"])
    editor = {"Cookie": t["editor_cookie"]}
    return [
        Page("/healthz/", "/healthz/", "ok"),
        Page("Home", "/", "<html"),
        Page("Profile list", "/profiles/", "<html"),
        Page("Profile list, cache off", "/profiles/", "<html", cache_off=True),
        Page(
            "Profile, anonymous",
            f"/profiles/{p(t['typical'])}/",
            t["typical_name"],
            aim="cached",
        ),
        Page(
            "Profile, signed in",
            f"/profiles/{p(t['typical'])}/",
            f"Sign out {EDITOR}",
            editor,
        ),
        Page(
            "Profile, cache off",
            f"/profiles/{p(t['typical'])}/",
            t["typical_name"],
            aim="uncached",
            cache_off=True,
        ),
        Page(
            f"Profile, {t['hub_degree']} connections, cache off",
            f"/profiles/{p(t['hub'])}/",
            t["hub_name"],
            aim="uncached",
            cache_off=True,
        ),
        Page(
            "Profile, 10,000 versions, cache off",
            f"/profiles/{big}/",
            t["big_name"],
            aim="uncached",
            cache_off=True,
        ),
        Page(
            "Profile, 500 notes, signed in",
            f"/profiles/{p(t['notes'])}/",
            f"Sign out {EDITOR}",
            editor,
        ),
        Page(
            "Profile, 500 notes, cache off",
            f"/profiles/{p(t['notes'])}/",
            t["notes_name"],
            aim="notes",
            cache_off=True,
        ),
        Page(
            "History, 10,000 versions",
            f"/profiles/{big}/history/",
            t["big_name"],
            aim="history",
        ),
        Page(
            "History, 10,000 versions, page 300",
            f"/profiles/{big}/history/?page=300",
            t["big_name"],
            aim="history",
        ),
        Page(
            "History, 10 versions", f"/profiles/{p(t['ten'])}/history/", t["ten_name"]
        ),
        Page(
            "Compare, 10,000 versions",
            f"/profiles/{big}/compare/?from={last - 1}&to={last}",
            t["big_name"],
        ),
        Page("Field history (size)", f"/profiles/{big}/fields/size/", t["big_name"]),
        Page(
            "Search: a leader's name",
            f"/search/?q={p(t['leader'])}",
            t["leader"],
            aim="search",
        ),
        Page("Search: a common word", "/search/?q=fighters", "fighters", aim="search"),
        Page(
            "Search: a common word, cache off",
            "/search/?q=fighters",
            "fighters",
            cache_off=True,
        ),
        Page(
            "Search: an Arabic-script name",
            f"/search/?q={p(t['arabic'])}",
            t["arabic"],
            aim="search",
        ),
        Page("Network", "/network/", "<svg", aim="network and API"),
        Page("Network, cache off", "/network/", "<svg", cache_off=True),
        Page(
            "API: profile list",
            "/api/v1/profiles/",
            '"results"',
            aim="network and API",
        ),
        Page(
            "API: one profile",
            f"/api/v1/profiles/{p(t['typical'])}/",
            '"citations"',
            aim="network and API",
        ),
        Page(
            "API: one profile, cache off",
            f"/api/v1/profiles/{p(t['typical'])}/",
            '"citations"',
            cache_off=True,
        ),
    ]


def check_pages(rows: list[Row]) -> None:
    """Each page through the test client: 200, the expected content, and
    how many queries it makes once warm."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils.html import escape

    client = Client()
    for row in rows:
        page = row.page
        cookie = {"HTTP_COOKIE": page.headers["Cookie"]} if page.headers else {}
        with cache_setting(off=page.cache_off):
            client.get(page.path, **cookie)  # the second is counted: caches warm
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.path, **cookie)
        body = response.content.decode()
        found = page.expect in body or escape(page.expect) in body
        if response.status_code != 200 or not found:
            raise SystemExit(
                f"{page.label}: {page.path} answered {response.status_code}"
                + ("" if found else f", without “{page.expect}”")
            )
        row.queries, row.size = len(captured), len(response.content)


def cache_setting(*, off: bool):
    """In this process, the cache as the server asked has it: off (every
    page rendered) or as configured."""
    from contextlib import nullcontext

    from django.test import override_settings

    if not off:
        return nullcontext()
    dummy = "django.core.cache.backends.dummy.DummyCache"
    return override_settings(CACHES={"default": {"BACKEND": dummy}})


# The server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    port: int, log: Path, settings: dict | None = None
) -> subprocess.Popen:
    """gunicorn on `port`, with the environment's settings and `settings`."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            # A slow page must be measured, not killed at the default 30 s.
            "--timeout",
            "300",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env={**os.environ, **(settings or {})},
        start_new_session=True,
    )
    for _ in range(150):
        try:
            if _load.get(f"http://127.0.0.1:{port}/healthz/", timeout=2)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def settle(base: str) -> None:
    """Waits until the workers are free again: after a slow page, requests
    wrk gave up on may still be running and would slow the next page."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if _load.get(f"{base}/healthz/", timeout=300)[2] < 0.05:
                return
        except OSError:
            pass
        time.sleep(0.5)


def load(base: str, page: Page, args) -> "_load.Result":
    url = base + page.path
    for _ in range(4):  # warm both workers' caches and templates
        status, _body, _ = _load.get(url, headers=page.headers)
        if status != 200:
            raise SystemExit(f"{page.label}: {page.path} answered {status}")
    if _load.wrk_path() and not args.python_load:
        return _load.run_wrk(
            url,
            headers=page.headers,
            seconds=args.seconds,
            threads=2,
            connections=args.connections,
        )
    return _load.run_python(
        url,
        headers=page.headers,
        seconds=args.seconds,
        connections=args.connections,
        requests=args.requests,
    )


# Import rate -----------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    documents: int  # published
    seconds: float
    startup: float  # of `seconds`, what the command takes to start
    stopped: bool  # at the time limit, before the last document

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def _count_profiles(url: str) -> int:
    """Published profiles in the database `url` names, read directly (this
    process's Django connection is to the seeded database)."""
    query = "SELECT COUNT(*) FROM profiles_profile WHERE version >= 1"
    if url.startswith("sqlite:///"):
        import sqlite3

        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as database:
            return database.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(url) as database:
        return database.execute(query).fetchone()[0]


def import_rate(database_url: str, folder: Path, env: dict, limit: int) -> Imported:
    """`manage.py import_profiles --publish` of new documents into a copy of
    the seeded database (so the seeded one stays as it was), stopped after
    `limit` seconds if it has not finished: the documents published in that
    time are counted (each is its own transaction)."""
    from profiles.document import render
    from profiles.serializers import values_document

    documents = folder / "documents"
    documents.mkdir()
    corpus = _corpus.Corpus(_corpus.FULL)
    for number, values in enumerate(corpus.new_documents(IMPORT_DOCUMENTS)):
        (documents / f"new-{number:03d}.txt").write_text(
            render(values_document(values)), encoding="utf-8"
        )
    if database_url.startswith("sqlite:///"):
        original = Path(database_url.removeprefix("sqlite:///"))
        copy = folder / "import.sqlite3"
        shutil.copyfile(original, copy)
        copy_url = f"sqlite:///{copy}"
    else:
        name = urlsplit(database_url).path.lstrip("/")
        copy_url = urlsplit(database_url)._replace(path=f"/{name}_import").geturl()
        postgres_database(copy_url, create=True, template=name)
    command_env = {**env, "DATABASE_URL": copy_url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    try:
        before = _count_profiles(copy_url)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "import_profiles", "--help"],
            env=command_env,
            check=True,
            capture_output=True,
        )
        startup = time.perf_counter() - started
        started = time.perf_counter()
        command = subprocess.Popen(
            [*manage, "import_profiles", "--publish", str(documents)],
            env=command_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            stopped = command.wait(timeout=limit) is None
        except subprocess.TimeoutExpired:
            stopped = True
            stop(command)
        seconds = time.perf_counter() - started
        if not stopped and command.returncode:
            raise SystemExit(f"import_profiles failed ({command.returncode})")
        published = _count_profiles(copy_url) - before
    finally:
        if database_url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{folder / 'import.sqlite3'}{suffix}").unlink(missing_ok=True)
        else:
            postgres_database(copy_url, create=False)
    return Imported(published, seconds, startup, stopped)


# Report ----------------------------------------------------------------------------


def machine(database_url: str, tool: str) -> str:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    if connection.vendor == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    return (
        f"{cpu}, {os.cpu_count()} cores{ram}; Python {platform.python_version()}; "
        f"{database}; gunicorn 2 sync workers; {tool}"
    )


def report(rows: list[Row], imported: Imported | None) -> list[str]:
    health = rows[0]
    by_label = {row.page.label: row for row in rows}
    lines = [
        f"| {'page':38} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | "
        f"{'× healthz':>9} | {'queries':>7} | {'KB':>6} | aim | met |",
        f"|{'-' * 40}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 11}|{'-' * 9}|"
        f"{'-' * 8}|-----|-----|",
    ]

    def number(value, digits=1) -> str:
        return "—" if value is None else f"{value:,.{digits}f}"

    for row in rows:
        result, page = row.result, row.page
        ratio = _ratio(row, health)
        aim, met = "", ""
        if page.aim:
            aim, test = AIMS[page.aim]
            try:
                met = "yes" if test(row, health, by_label) else "**no**"
            except KeyError:  # the page it compares with was not loaded
                met = "—"
            except (TypeError, AttributeError):  # no request completed
                met = "**no**"
        errors = f" ({result.errors} errors)" if result and result.errors else ""
        lines.append(
            f"| {page.label + errors:38} | {number(result and result.per_second):>7} "
            f"| {number(result and result.p50_ms):>7} "
            f"| {number(result and result.p99_ms):>7} "
            f"| {number(ratio, 3):>9} | {number(row.queries, 0):>7} "
            f"| {number(row.size and row.size / 1024, 0):>6} | {aim} | {met} |"
        )
    if imported:
        lines.append(
            f"| {'Import (documents/s)':38} | {imported.per_second:>7.1f} | {'':>7} "
            f"| {'':>7} | {'':>9} | {'':>7} | {'':>6} | ≥ 50/s | "
            f"{'yes' if imported.per_second >= 50 else '**no**'} |"
        )
    return lines


# Profiling one page ------------------------------------------------------------------


def profile(path: str, cache_off: bool, repeat: int = 5) -> None:
    """Where one page's time goes, through the test client: the functions
    of the project (and then of everything) by cumulative time, and its
    queries, slowest first."""
    with cache_setting(off=cache_off):
        _profile(path, repeat)


def _profile(path: str, repeat: int) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    extra = {}
    response = client.get(path, **extra)  # templates compiled, caches warm
    print(f"{path}: {response.status_code}, {len(response.content):,} bytes")
    started = time.perf_counter()
    for _ in range(repeat):
        client.get(path, **extra)
    print(f"{1000 * (time.perf_counter() - started) / repeat:.1f} ms per request")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path, **extra)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(r"/work/main/(profiles|sources|config|templates)/", 30)
    stats.sort_stats("tottime").print_stats(20)
    timings = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timed):
        client.get(path, **extra)
    print(f"{len(timings)} queries, slowest first:")
    for seconds, sql in sorted(timings, reverse=True):
        print(f"  {seconds * 1000:8.2f} ms  {sql[:700]}")


# Main ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split())
    )
    parser.add_argument("--database-url", default=seed.DEFAULT_DATABASE)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database if already seeded"
    )
    parser.add_argument("--seconds", type=int, default=10, help="per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--rounds", type=int, default=1, help="loads per page; the median is kept"
    )
    parser.add_argument(
        "--requests", type=int, default=3000, help="per page, Python generator only"
    )
    parser.add_argument(
        "--python-load", action="store_true", help="the Python generator, not wrk"
    )
    parser.add_argument("--no-import", action="store_true", help="skip the import")
    parser.add_argument(
        "--import-seconds",
        type=int,
        default=120,
        help="stop the import after this long and count what it published",
    )
    parser.add_argument(
        "--only", metavar="TEXT", help="only the pages whose label contains TEXT"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="DJANGO_CONN_MAX_AGE for the server (default: the production default)",
    )
    parser.add_argument("--profile", metavar="PATH", help="profile one page")
    parser.add_argument(
        "--cache-off", action="store_true", help="with --profile: the cache off"
    )
    args = parser.parse_args()
    if not 1 <= args.seconds <= 60 or not 1 <= args.connections <= 64:
        parser.error("--seconds: 1 to 60; --connections: 1 to 64")
    if not 1 <= args.rounds <= 5:
        parser.error("--rounds: 1 to 5")
    if not 1 <= args.requests <= 20_000:
        parser.error("--requests: 1 to 20,000")
    url = args.database_url
    is_sqlite = url.startswith("sqlite:///")
    if not is_sqlite and urlsplit(url).hostname not in _load.LOOPBACK:
        parser.error("--database-url: SQLite or PostgreSQL on 127.0.0.1 only")

    folder = Path(tempfile.mkdtemp(prefix="profiles-bench-"))
    env = environment(url, folder / "static")
    if args.conn_max_age is not None:
        env["DJANGO_CONN_MAX_AGE"] = str(args.conn_max_age)
    os.environ.update(env)
    servers = []
    try:
        fresh = not args.reuse
        if not is_sqlite:
            fresh = fresh or not postgres_exists(url)
            if fresh:
                postgres_database(url, create=True)
        elif fresh:
            seed.reset_sqlite(url)
        seed.configure(url)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        if fresh or not is_seeded():
            if not fresh:  # a database from elsewhere: start again
                connections.close_all()
                if is_sqlite:
                    seed.reset_sqlite(url)
                else:
                    postgres_database(url, create=True)
                call_command("migrate", verbosity=0)
            print(f"Seeding {url} …", flush=True)
            seeded = seed.seed(_corpus.FULL)
            print(
                f"Seeded in {time.perf_counter() - started:.0f} s: "
                + ", ".join(f"{count:,} {name}" for name, count in seeded.items()),
                flush=True,
            )
        else:
            print(f"Reusing the seeded database {url}", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        if args.profile:
            profile(args.profile, args.cache_off)
            return 0

        rows = [
            Row(page)
            for page in pages(targets())
            if page.path == "/healthz/"
            or not args.only
            or args.only.lower() in page.label.lower()
        ]
        check_pages(rows)
        print("Every page answers 200 with its content; loading …", flush=True)
        tool = (
            "wrk -t2 -c{0} -d{1}s"
            if _load.wrk_path() and not args.python_load
            else "Python load generator, {0} threads, ≤ {1} s"
        ).format(args.connections, args.seconds)
        about = machine(url, tool)
        if is_sqlite:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connections.close_all()

        bases = {}
        for cache_off in (False, True):
            port = free_port()
            log = folder / f"gunicorn{'-cache-off' if cache_off else ''}.log"
            servers.append(start_gunicorn(port, log, CACHE_OFF if cache_off else {}))
            bases[cache_off] = f"http://127.0.0.1:{port}"
        base = bases[False]
        for row in rows:
            # The median of the rounds, by requests per second.
            results = []
            for _ in range(args.rounds):
                settle(bases[row.page.cache_off])
                results.append(load(bases[row.page.cache_off], row.page, args))
            results.sort(key=lambda result: result.per_second)
            row.result = results[len(results) // 2]
            print(
                f"  {row.page.label}: {row.result.per_second:,.1f} req/s",
                flush=True,
            )
        # /healthz/ again at the end: the ratios use the mean of both, so a
        # machine busier at the start than at the end shows.
        settle(base)
        again = load(base, rows[0].page, args)
        first = rows[0].result
        print(
            f"  /healthz/ again: {again.per_second:,.1f} req/s "
            f"(first {first.per_second:,.1f})",
            flush=True,
        )
        rows[0].result = _load.Result(
            first.requests + again.requests,
            first.seconds + again.seconds,
            (first.p50_ms + again.p50_ms) / 2,
            (first.p99_ms + again.p99_ms) / 2,
            first.errors + again.errors,
            first.tool,
        )
        while servers:
            stop(servers.pop())

        imported = None
        if not args.no_import:
            print(f"Importing {IMPORT_DOCUMENTS} documents …", flush=True)
            imported = import_rate(url, folder, env, args.import_seconds)
        print()
        print(f"Machine: {about}")
        print()
        for line in report(rows, imported):
            print(line)
        if imported:
            print(
                f"\nImport: {imported.documents} of {IMPORT_DOCUMENTS} documents "
                f"published in {imported.seconds:.1f} s"
                + (" (stopped at the time limit)" if imported.stopped else "")
                + f", of which {imported.startup:.1f} s is the command starting."
            )
        return 0
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
