"""Checking source links: `sources.linkcheck` against a local server only
(never the internet), what `check_links` keeps on each source, and the
same run through the task framework."""

import itertools
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone

from sources import linkcheck
from sources.models import Source
from sources.tasks import check_links_task
from tests.factories import SourceFactory

#: Seconds the client waits in these tests; the slow page sleeps past it.
TIMEOUT = 0.3
SLOW = 1.0


class Server:
    """A local HTTP server with one page per case, recording each request
    (method, path, when it arrived)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        host, port = self.httpd.server_address[:2]
        self.base = f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def seen(self, path: str) -> list[str]:
        with self.lock:
            return [method for method, seen, _ in self.requests if seen == path]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_HEAD(self):
                self._answer(body=False)

            def do_GET(self):
                self._answer(body=True)

            def _answer(self, *, body: bool) -> None:
                with server.lock:
                    server.requests.append((self.command, self.path, time.monotonic()))
                path = self.path
                try:
                    if path == "/slow":
                        time.sleep(SLOW)
                    if path == "/moved":
                        self._send(301, location="/live")
                    elif path == "/loop":
                        self._send(302, location="/loop")
                    elif path == "/missing":
                        self._send(404)
                    elif path == "/gone":
                        self._send(410)
                    elif path == "/broken":
                        self._send(500)
                    elif path == "/no-head" and not body:
                        self._send(405)
                    elif path == "/no-head":
                        self._send_endless_body()
                    else:
                        self._send(200, body=b"x" * 100_000 if body else b"")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) or stopped reading

            def _send_endless_body(self):
                """A body far too long to read in a test: 64 KiB every
                10 ms, until the client hangs up (or 20 s have passed)."""
                self.send_response(200)
                self.send_header("Content-Length", str(10**12))
                self.end_headers()
                for _ in range(2000):
                    self.wfile.write(b"x" * 65536)
                    time.sleep(0.01)

            def _send(self, status, *, location="", body=b""):
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", str(len(body) or 0))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    server = Server()
    thread = threading.Thread(
        target=server.httpd.serve_forever, args=(0.05,), daemon=True
    )
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    thread.join(timeout=5)


def check(*urls: str, **options) -> dict[str, linkcheck.LinkResult]:
    options = {"timeout": TIMEOUT, "interval": 0, "allow_private": True} | options
    return {result.url: result for result in linkcheck.check_urls(urls, **options)}


# The checker -------------------------------------------------------------------


def test_each_kind_of_answer_is_told_apart(server):
    live, moved, missing, no_head, slow = (
        server.url(path)
        for path in ("/live", "/moved", "/missing", "/no-head", "/slow")
    )

    started = time.monotonic()
    results = check(live, moved, missing, no_head, slow)

    assert time.monotonic() - started < SLOW
    assert (results[live].status, results[live].final_url) == (200, live)
    assert (results[live].outcome, results[live].error) == ("ok", "")
    assert (results[moved].status, results[moved].final_url) == (200, live)
    assert (results[missing].status, results[missing].outcome) == (404, "gone")
    assert (results[no_head].status, results[no_head].outcome) == (200, "ok")
    assert server.seen("/no-head") == ["HEAD", "GET"]
    assert results[slow].status is None
    assert results[slow].outcome == "failed"
    assert results[slow].error.startswith("ReadTimeout")
    assert server.seen("/live") == ["HEAD", "HEAD"]  # asked for itself, and moved


def test_a_redirect_loop_and_a_refused_connection_are_recorded_not_raised(server):
    loop = server.url("/loop")
    closed = "http://127.0.0.1:9/"  # the discard port: nothing listens there

    results = check(loop, closed, max_redirects=3)

    assert results[loop].status is None
    assert results[loop].error.startswith("TooManyRedirects")
    assert server.seen("/loop") == ["HEAD"] * 4  # the first ask and 3 redirects
    assert results[closed].status is None
    assert results[closed].error.startswith("ConnectError")


def test_get_is_closed_without_reading_the_body(server):
    started = time.monotonic()
    with linkcheck.new_client(timeout=TIMEOUT) as client:
        result = linkcheck.check_url(
            server.url("/no-head"),
            client=client,
            pacer=linkcheck.HostPacer(interval=0),
            allow_private=True,
        )

    assert result.status == 200
    assert time.monotonic() - started < 0.5  # the endless body was not read


def test_hosts_on_this_machine_are_refused_unless_allowed(server):
    live = server.url("/live")

    result = check(live, allow_private=False)[live]

    assert result.status is None
    assert "not a public address (127.0.0.1)" in result.error
    assert server.seen("/live") == []


def test_only_web_urls_are_asked_for():
    results = check("ftp://example.org/file", "mailto:a@example.org")

    assert {r.error for r in results.values()} == {
        "UnsupportedProtocol: only http and https URLs are checked"
    }


def test_one_host_is_asked_at_most_once_per_interval(server):
    interval = 0.4
    urls = [server.url(f"/live?page={n}") for n in range(3)]

    results = check(*urls, interval=interval, workers=8)

    assert {r.status for r in results.values()} == {200}
    with server.lock:
        arrivals = sorted(when for _, _, when in server.requests)
    assert len(arrivals) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= interval - 0.02, gaps


def test_the_pacer_lets_different_hosts_go_at_once():
    pacer = linkcheck.HostPacer(interval=5)
    pacer.wait("a.example")

    started = time.monotonic()
    pacer.wait("b.example")
    pacer.wait("C.example")

    assert time.monotonic() - started < 0.1


# What a check means for a source -----------------------------------------------


def result(status: int | None, error: str = "") -> linkcheck.LinkResult:
    return linkcheck.LinkResult(
        url="https://example.org/r",
        status=status,
        final_url="https://example.org/r" if status else "",
        error=error,
        checked_at=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statuses", "dead", "failures"),
    [
        ([200], False, 0),
        ([404], True, 1),
        ([410], True, 1),
        ([500], False, 1),
        ([500, None], True, 2),
        ([None, None, None], True, 3),
        ([500, 200, 500], False, 1),
        ([404, 301], False, 0),
    ],
)
def test_a_link_is_dead_when_gone_or_after_two_failures(statuses, dead, failures):
    source = SourceFactory()
    for status in statuses:
        source.record_link_check(result(status, "" if status else "ConnectError: x"))

    source.refresh_from_db()
    assert (source.link_dead, source.link_failures) == (dead, failures)
    assert source.link_status == statuses[-1]


@pytest.mark.django_db
def test_a_check_changes_only_the_link_fields_and_adds_no_history():
    source = SourceFactory(title="As cited")
    rows = source.history.count()

    source.record_link_check(result(None, "E" * 2000))

    source.refresh_from_db()
    assert source.history.count() == rows
    assert source.title == "As cited"
    assert len(source.link_error) == linkcheck.ERROR_LENGTH


# The command ---------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command(
        "check_links",
        "--allow-private",
        "--timeout",
        str(TIMEOUT),
        "--interval",
        "0",
        *args,
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def sources(db, server) -> dict[str, Source]:
    return {
        path: SourceFactory(url=server.url(f"/{path}"))
        for path in ("live", "moved", "missing", "no-head", "slow")
    }


def test_check_links_keeps_status_final_url_and_date(sources, server):
    before = timezone.now()

    out = run()

    assert "Checked 5 links: 3 answering, 1 gone, 1 failing; 1 dead." in out
    found = {path: Source.objects.get(pk=s.pk) for path, s in sources.items()}
    for path in ("live", "moved", "no-head"):
        assert (found[path].link_status, found[path].link_dead) == (200, False)
        assert found[path].link_checked_at >= before
    assert found["moved"].link_final_url == server.url("/live")
    assert found["live"].link_final_url == server.url("/live")
    assert (found["missing"].link_status, found["missing"].link_dead) == (404, True)
    slow = found["slow"]
    assert (slow.link_status, slow.link_dead, slow.link_failures) == (None, False, 1)
    assert slow.link_error.startswith("ReadTimeout")

    run()

    slow.refresh_from_db()
    assert (slow.link_dead, slow.link_failures) == (True, 2)


def test_dry_run_checks_and_keeps_nothing(sources, server):
    out = run("--dry-run", "-v", "2")

    assert "Checked (dry run, nothing kept) 5 links" in out
    assert f"gone   404  {server.url('/missing')}" in out
    assert server.seen("/missing") == ["HEAD"]
    assert not Source.objects.filter(link_checked_at__isnull=False).exists()


def test_older_than_and_limit_choose_the_longest_unchecked(db, server):
    recent = SourceFactory(url=server.url("/live?recent"))
    old = SourceFactory(url=server.url("/live?old"))
    never = SourceFactory(url=server.url("/live?never"))
    Source.objects.filter(pk=recent.pk).update(
        link_checked_at=timezone.now() - timedelta(days=1)
    )
    Source.objects.filter(pk=old.pk).update(
        link_checked_at=timezone.now() - timedelta(days=8)
    )

    run("--older-than", "7", "--limit", "1")
    assert server.seen("/live?never") == ["HEAD"]
    assert server.seen("/live?old") == []

    run("--older-than", "7")
    assert server.seen("/live?old") == ["HEAD"]
    assert server.seen("/live?recent") == []
    never.refresh_from_db()
    assert never.link_status == 200


def test_only_public_web_sources_are_checked(db, server):
    SourceFactory(url=server.url("/live?pending"), published_at=None)
    SourceFactory(url="ftp://example.org/file")

    assert "Checked 0 links" in run()
    assert server.requests == []


def test_enqueue_cannot_be_a_dry_run(db):
    with pytest.raises(CommandError, match="cannot be queued"):
        call_command("check_links", "--enqueue", "--dry-run")


# The task ------------------------------------------------------------------------


def test_the_task_checks_and_keeps_through_the_task_backend(sources, server):
    task_result = check_links_task.enqueue(
        timeout=TIMEOUT, interval=0, allow_private=True
    )

    assert task_result.status == TaskResultStatus.SUCCESSFUL
    assert task_result.return_value == {
        "checked": 5,
        "ok": 3,
        "gone": 1,
        "failed": 1,
        "dead": 1,
    }
    assert list(Source.objects.dead()) == [sources["missing"]]


def test_check_links_enqueue_hands_the_run_to_the_task(sources, server):
    out = run("--enqueue")

    assert out.startswith("Queued link check ")
    assert Source.objects.get(pk=sources["missing"].pk).link_dead
    assert server.seen("/live") == ["HEAD", "HEAD"]
