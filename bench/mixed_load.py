"""Readers, editors and reviewers at once against the production setup, then
checks that nothing was lost. Prints figures; exits non-zero if a check fails.

    make bench-mixed MINUTES=2            # or: .venv/bin/python bench/mixed_load.py

On loopback only: it creates a scratch PostgreSQL database (`bench_mixed` on
127.0.0.1 unless --database-url says otherwise), migrates it, loads the demo
profiles and some generated ones, makes editor and reviewer accounts, collects
static files into a temporary folder and starts gunicorn (DEBUG off) on
127.0.0.1. For --minutes it then runs, in threads, over HTTP:

- readers: home, lists, profile pages, histories, search, sources, the API;
- editors: sign in, open a profile's edit form, change one field citing a
  new source, submit (the real form, with its CSRF token); an editor keeps
  one pending request per profile, as a person waiting for review would;
- reviewers: sign in, open the queue, open a request, approve it through the
  real decision form.

Afterwards: no response was a 5xx; every approved request is exactly one
version; each version's snapshot has the values its request proposed (no
field lost) and every submitted value reached its request; each profile's
history rows are its versions 1…n, stamped with their requests, the newest
equal to the published row. The database is dropped at the end.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PASSWORD = "bench-" + secrets.token_urlsafe(12)
#: The bullet field each editor changes: one field per editor, so two editors'
#: requests for one profile merge rather than conflict.
EDITOR_FIELDS = ("size", "weapons", "areas_of_operation", "political_wing")
GENERATED_PROFILES = 24
#: The kinds of request the figures show, in this order.
KINDS = (
    "read",
    "edit form",
    "edit submit",
    "review queue",
    "review page",
    "approve",
    "sign-in",
)


# HTTP -------------------------------------------------------------------------


@dataclass
class Stats:
    """Latencies and statuses per kind of request, shared by all threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1

    def problem(self, message: str) -> None:
        with self.lock:
            if len(self.problems) < 50:
                self.problems.append(message)


class Session:
    """One browser: its cookies, over fresh connections (gunicorn's sync
    workers close each one after its response)."""

    def __init__(self, host: str, port: int, stats: Stats):
        self.host, self.port, self.stats = host, port, stats
        self.cookies: dict[str, str] = {}

    def request(
        self, kind: str, method: str, path: str, form: dict | list | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.stats.record(kind, response.status, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if response.status >= 500:
            self.stats.problem(f"{response.status} on {method} {path}")
        return response.status, dict(response.headers.items()), text

    def sign_in(self, username: str) -> None:
        status, _, html = self.request("sign-in", "GET", "/accounts/login/")
        form = FormReader.read(html, "login-form")
        form.update(username=username, password=PASSWORD)
        status, _, _ = self.request("sign-in", "POST", "/accounts/login/", form)
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


class FormReader(HTMLParser):
    """What a browser sends for the form with `css_class`: named inputs (the
    checked ones among boxes and radios), textareas and selected options;
    blank rows kept in <template> for the page's script are left out."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class = css_class
        self.fields: dict[str, list[str]] = defaultdict(list)
        self.radios: dict[str, list[str]] = defaultdict(list)
        self.in_form = self.in_template = False
        self.textarea: str | None = None
        self.text = ""

    @classmethod
    def read(cls, html: str, css_class: str) -> dict[str, list[str]]:
        reader = cls(css_class)
        reader.feed(html)
        return dict(reader.fields) | {"_radios": list(reader.radios)}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.css_class in (attrs.get("class") or "").split():
            self.in_form = True
        if not self.in_form:
            return
        if tag == "template":
            self.in_template = True
        if self.in_template or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind == "radio":
                self.radios[name].append(attrs.get("value", ""))
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button"):
                self.fields[name].append(attrs.get("value") or "")
        elif tag == "textarea":
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "template":
            self.in_template = False
        elif tag == "textarea" and self.textarea:
            self.fields[self.textarea].append(self.text.removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


# The people -------------------------------------------------------------------


@dataclass
class Shared:
    """What the threads tell each other: the bench's record of the run."""

    deadline: float
    slugs: list[str]
    decided: set[int] = field(default_factory=set)
    #: request id -> (slug, field, value) as the editor submitted it
    submitted: dict[int, tuple[str, str, list[str]]] = field(default_factory=dict)
    approved: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def reader(session: Session, shared: Shared, seed: int) -> None:
    chance = random.Random(seed)
    words = ["hezbollah", "liwa", "brigade", "iran", "syria", "commander"]
    while time.monotonic() < shared.deadline:
        slug = chance.choice(shared.slugs)
        path = chance.choice(
            [
                "/",
                "/profiles/",
                f"/profiles/{slug}/",
                f"/profiles/{slug}/",
                f"/profiles/{slug}/history/",
                f"/search/?q={chance.choice(words)}",
                "/sources/",
                "/changes/",
                "/api/v1/profiles/",
                f"/api/v1/profiles/{slug}/",
            ]
        )
        status, _, _ = session.request("read", "GET", path)
        if status != 200:
            session.stats.problem(f"read {path}: {status}")


def editor(session: Session, shared: Shared, index: int) -> None:
    name = f"bench-editor-{index}"
    field_name = EDITOR_FIELDS[index % len(EDITOR_FIELDS)]
    session.sign_in(name)
    chance = random.Random(index)
    pending: dict[str, int] = {}  # slug -> this editor's request waiting for review
    count = 0
    while time.monotonic() < shared.deadline:
        with shared.lock:
            for slug, request_id in list(pending.items()):
                if request_id in shared.decided:
                    del pending[slug]
        free = [slug for slug in shared.slugs if slug not in pending]
        if not free:
            time.sleep(0.2)
            continue
        slug = chance.choice(free)
        status, _, html = session.request("edit form", "GET", f"/profiles/{slug}/edit/")
        if status != 200:
            session.stats.problem(f"edit form {slug}: {status}")
            continue
        count += 1
        value = [f"Bench estimate {index}.{count}: about {count * 10} fighters"]
        form = FormReader.read(html, "edit-form")
        form.pop("_radios")
        form |= {
            # The section's first claim row (the claim editor's formset).
            f"{field_name}-0-text": value,
            f"cite-{field_name}-url": [
                f"https://bench.example.org/{index}/{count}/{secrets.token_hex(4)}"
            ],
            f"cite-{field_name}-title": [f"Bench report {index}.{count}"],
            f"cite-{field_name}-publication": ["Bench Review"],
            f"cite-{field_name}-date": ["2025"],
            "summary": [f"Bench edit {index}.{count}"],
        }
        status, headers, body = session.request(
            "edit submit", "POST", f"/profiles/{slug}/edit/", form
        )
        match = re.fullmatch(
            r"/review/(\d+)/", urlsplit(headers.get("Location", "")).path
        )
        if status != 302 or not match:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
            session.stats.problem(f"edit {slug} refused ({status}): {errors[:2]}")
            continue
        request_id = int(match[1])
        pending[slug] = request_id
        with shared.lock:
            shared.submitted[request_id] = (slug, field_name, value)


def reviewer(session: Session, shared: Shared, index: int, reviewers: int) -> None:
    session.sign_in(f"bench-reviewer-{index}")
    while time.monotonic() < shared.deadline:
        status, _, html = session.request("review queue", "GET", "/review/")
        ids = [
            int(found)
            for found in dict.fromkeys(re.findall(r'href="/review/(\d+)/"', html))
            if int(found) % reviewers == index
        ]
        if not ids:
            time.sleep(0.2)
            continue
        for request_id in ids[:5]:
            if time.monotonic() >= shared.deadline:
                return
            status, _, html = session.request(
                "review page", "GET", f"/review/{request_id}/"
            )
            form = FormReader.read(html, "review-form")
            radios = form.pop("_radios")
            if status != 200 or "csrfmiddlewaretoken" not in form:
                session.stats.problem(f"review page {request_id}: {status}")
                continue
            for name in radios:
                if name.endswith("-decision"):
                    form[name] = ["accept"]
            form["action"] = ["approve"]
            status, _, _ = session.request(
                "approve", "POST", f"/review/{request_id}/decide/", form
            )
            if status != 302:
                session.stats.problem(f"approve {request_id} refused ({status})")
                continue
            with shared.lock:
                shared.decided.add(request_id)
                shared.approved.add(request_id)


def run_person(target, stats: Stats, *args) -> None:
    try:
        target(*args)
    except Exception as error:  # reported in the figures, not raised
        stats.problem(f"{target.__name__} stopped: {error!r}")


# Setup, checks, report --------------------------------------------------------


def scratch_database(url: str, *, create: bool) -> None:
    """Creates (after dropping any leftover) or drops the database `url` names,
    through the server's `postgres` database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def seed(editors: int, reviewers: int, folder: Path) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from profiles.importing import import_file
    from profiles.models import Profile
    from profiles.roles import EDITORS, REVIEWERS

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    for number in range(1, GENERATED_PROFILES + 1):
        document = folder / f"bench-{number}.txt"
        document.write_text(
            f"Bench Brigade {number} (Generated group {number})\n\n"
            f"SIZE\n\n- About {number}00 fighters in 2020¹\n\n"
            f"WEAPONS\n\n- Rifles\n\n"
            "BACKGROUND AND ANALYSIS\n\nA group generated for the benchmark.¹\n\n"
            f"1. A. Writer, “Report {number},” *Bench Review*, March 2020. "
            f"(<https://bench.example.org/reports/{number}>)\n",
            encoding="utf-8",
        )
        import_file(document, publish=True)
    User = get_user_model()
    for role, prefix, count in (
        (EDITORS, "bench-editor", editors),
        (REVIEWERS, "bench-reviewer", reviewers),
    ):
        for index in range(count):
            user = User.objects.create_user(f"{prefix}-{index}", password=PASSWORD)
            user.groups.set(Group.objects.filter(name=role))
    return list(Profile.objects.order_by("slug").values_list("slug", flat=True))


def check(shared: Shared) -> list[str]:
    """The invariants after the run; each failure as a sentence."""
    from profiles.models import ChangeRequest, Profile, Version
    from profiles.serializers import json_values

    failures = []
    approved = ChangeRequest.objects.filter(status=ChangeRequest.Status.APPROVED)
    edits = approved.filter(origin=ChangeRequest.Origin.EDIT)
    versions = {version.change_request_id: version for version in Version.objects.all()}
    if set(edits.values_list("pk", flat=True)) != shared.approved:
        failures.append(
            "the approved edit requests are not those the reviewers approved"
        )
    for change_request in approved.prefetch_related("changes"):
        count = Version.objects.filter(change_request=change_request).count()
        if count != 1:
            failures.append(f"request {change_request.pk} made {count} versions")
            continue
        version = versions[change_request.pk]
        if change_request.published_version != version.number:
            failures.append(f"request {change_request.pk} points to another version")
        snapshot = json_values(version.snapshot)
        for change in change_request.changes.all():
            if snapshot[change.field] != change.value:
                failures.append(
                    f"version {version.number} of {version.profile_id} lost "
                    f"{change.field} of request {change_request.pk}"
                )
    for request_id, (_, field_name, value) in shared.submitted.items():
        change = ChangeRequest.objects.get(pk=request_id).changes.get()
        if (change.field, change.value) != (field_name, value):
            failures.append(f"request {request_id} holds other than what was typed")
    for profile in Profile.objects.all():
        numbers = sorted(profile.versions.values_list("number", flat=True))
        if numbers != list(range(1, profile.version + 1)):
            failures.append(
                f"{profile.slug}: versions {numbers}, not 1…{profile.version}"
            )
        history = list(profile.history.order_by("history_date", "history_id"))
        stamps = {row.version: row.change_request_id for row in history}
        if sorted(row.version for row in history) != numbers:
            failures.append(f"{profile.slug}: history rows are not one per version")
        by_number = {v.number: v.change_request_id for v in profile.versions.all()}
        if stamps != by_number:
            failures.append(f"{profile.slug}: history rows stamped with other requests")
        newest = history[-1]
        for model_field in Profile._meta.concrete_fields:
            name = model_field.attname
            if getattr(newest, name) != getattr(profile, name):
                failures.append(f"{profile.slug}: history disagrees on {name}")
    return failures


def report(stats: Stats, seconds: float) -> None:
    columns = ("requests", "req/s", "p50 ms", "p95 ms")
    print(f"\n{'kind':14} " + " ".join(f"{c:>8}" for c in columns) + "  statuses")
    total = 0
    for kind in KINDS:
        latencies = sorted(stats.latencies.get(kind, []))
        if not latencies:
            continue
        total += len(latencies)
        p50 = 1000 * statistics.median(latencies)
        p95 = 1000 * latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        statuses = ", ".join(
            f"{status}×{count}"
            for status, count in sorted(stats.statuses[kind].items())
        )
        print(
            f"{kind:14} {len(latencies):8d} {len(latencies) / seconds:8.1f} "
            f"{p50:8.1f} {p95:8.1f}  {statuses}"
        )
    print(f"{'all':14} {total:8d} {total / seconds:8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2–4)")
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--editors", type=int, default=3)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8019)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_mixed"
        ),
        help="a scratch PostgreSQL database on this machine; created and dropped",
    )
    args = parser.parse_args()
    if not 0 < args.minutes <= 30:
        parser.error("--minutes: between 0 and 30")
    if not 1 <= args.workers <= 8:
        parser.error("--workers: between 1 and 8")
    if urlsplit(args.database_url).hostname not in LOOPBACK:
        parser.error("--database-url: loopback only (127.0.0.1)")

    folder = Path(tempfile.mkdtemp(prefix="profiles-bench-mixed-"))
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": args.database_url,
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: cookies must not be HTTPS-only here.
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_CONN_MAX_AGE": "60",
        "EMAIL_URL": "dummymail://",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(environment)
    scratch_database(args.database_url, create=True)
    server = None
    try:
        import django

        django.setup()
        from django.db import connections

        slugs = seed(args.editors, args.reviewers, folder)
        connections.close_all()
        error_log = folder / "gunicorn.log"
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--error-logfile",
                str(error_log),
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            start_new_session=True,
        )
        stats = Stats()
        probe = Session("127.0.0.1", args.port, Stats())
        for _ in range(100):
            try:
                if probe.request("health", "GET", "/healthz/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start; see {error_log}")

        seconds = args.minutes * 60
        shared = Shared(deadline=time.monotonic() + seconds, slugs=slugs)
        people = [
            (reader, Session("127.0.0.1", args.port, stats), shared, n)
            for n in range(args.readers)
        ]
        people += [
            (editor, Session("127.0.0.1", args.port, stats), shared, n)
            for n in range(args.editors)
        ]
        people += [
            (
                reviewer,
                Session("127.0.0.1", args.port, stats),
                shared,
                n,
                args.reviewers,
            )
            for n in range(args.reviewers)
        ]
        print(
            f"{len(slugs)} profiles; {args.readers} readers, {args.editors} editors, "
            f"{args.reviewers} reviewers; gunicorn with {args.workers} workers on "
            f"PostgreSQL; {args.minutes:g} minutes …",
            flush=True,
        )
        started = time.monotonic()
        threads = [
            threading.Thread(target=run_person, args=(target, stats, *rest))
            for target, *rest in people
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        report(stats, elapsed)
        server_errors = sum(
            count
            for statuses in stats.statuses.values()
            for status, count in statuses.items()
            if status >= 500
        )
        failures = check(shared)
        from profiles.models import ChangeRequest

        pending = ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
        print(
            f"\nchange requests submitted {len(shared.submitted)}, approved "
            f"{len(shared.approved)}, still pending {pending.count()}"
        )
        print(f"5xx responses: {server_errors}")
        for problem in stats.problems:
            print(f"problem: {problem}")
        for failure in failures:
            print(f"FAILED: {failure}")
        ok = not server_errors and not failures and not stats.problems
        print("checks: " + ("all passed" if ok else "FAILED"))
        return 0 if ok else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        try:
            from django.db import connections

            connections.close_all()
        except ImportError:
            pass
        scratch_database(args.database_url, create=False)


if __name__ == "__main__":
    sys.exit(main())
