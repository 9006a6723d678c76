"""Checking that source URLs still answer: plain functions over URLs, no
database, so `manage.py check_links` and `sources.tasks.check_links_task` run
the same code and tests can point it at a local server.

How a URL is checked (`check_url`):
- `HEAD` first; when a server refuses it (405, 501, or 403, which some send
  for any HEAD), `GET`, streamed and closed before its body is read.
- Redirects are followed one hop at a time, at most `max_redirects`; the
  final URL is the last one asked.
- Every hop waits its turn on its host (`HostPacer`): at most one request
  per host per `interval` seconds, whatever the number of threads.
- Every hop first resolves its host and refuses one that is not a public
  internet address (loopback, private, link-local …) unless `allow_private`:
  a source URL must not make this server probe its own network and publish
  what answered. Tests pass `allow_private=True` for their local server.
- Timeouts bound connecting and each read. A network error never raises: it
  is the result's `error`.

`check_urls` runs many URLs through a thread pool of `workers`, hosts
interleaved so that the pacing of one busy host does not hold the others up,
and yields each result as it comes.

What a result means for a source (`outcome`, applied by
`Source.record_link_check`): a status below 400 is `ok`; 404 and 410 are
`gone` (dead at once: the server says the page is not there); anything else,
a network error included, is `failed`, and a link is dead after
`FAILURES_BEFORE_DEAD` failed checks in a row, so one bad night does not bury
a link.
"""

import ipaddress
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from django.utils import timezone

__all__ = [
    "DEFAULT_INTERVAL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WORKERS",
    "ERROR_LENGTH",
    "FAILURES_BEFORE_DEAD",
    "HEAD_REFUSED",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "HostPacer",
    "LinkResult",
    "check_url",
    "check_urls",
    "is_checkable",
    "new_client",
]

USER_AGENT = (
    "profiles-wiki-linkcheck/1.0 (checks that cited sources still answer; "
    "one request per host per second)"
)
DEFAULT_WORKERS = 8
#: Seconds to connect, and to wait for each read.
DEFAULT_TIMEOUT = 10.0
#: Seconds between two requests to one host.
DEFAULT_INTERVAL = 1.0
MAX_REDIRECTS = 5
#: Statuses some servers give a HEAD they will not answer; GET is tried then.
HEAD_REFUSED = frozenset({403, 405, 501})
#: Statuses that say the page is gone: the link is dead at once.
GONE = frozenset({404, 410})
#: Failed checks in a row (statuses other than those, network errors) after
#: which a link is dead.
FAILURES_BEFORE_DEAD = 2
#: Characters of an error kept.
ERROR_LENGTH = 500

_WEB_SCHEMES = frozenset({"http", "https"})


class RefusedAddress(Exception):
    """The URL's host is not a public internet address."""


@dataclass(frozen=True)
class LinkResult:
    """What asking for `url` gave: the status of the last answer (None when
    none came), the URL that answered it, the error if the check failed
    before an answer, and when it was checked."""

    url: str
    status: int | None
    final_url: str
    error: str
    checked_at: datetime

    @property
    def outcome(self) -> str:
        """`ok`, `gone` (404, 410) or `failed` (any other status, or none)."""
        if self.status is not None and self.status < 400:
            return "ok"
        if self.status in GONE:
            return "gone"
        return "failed"


def is_checkable(url: str) -> bool:
    """Only http and https addresses with a host are checked."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _WEB_SCHEMES and bool(parts.hostname)


@dataclass
class HostPacer:
    """At most one request per host per `interval` seconds, across threads:
    each host has a lock and the time its last request went out; `wait`
    holds the host's lock until that host's turn has come."""

    interval: float = DEFAULT_INTERVAL
    _locks: defaultdict[str, threading.Lock] = field(
        default_factory=lambda: defaultdict(threading.Lock)
    )
    _last: dict[str, float] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, host: str) -> None:
        with self._guard:
            lock = self._locks[host.lower()]
        with lock:
            last = self._last.get(host.lower())
            if last is not None:
                delay = last + self.interval - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            self._last[host.lower()] = time.monotonic()


def _refuse_private(host: str, port: int) -> None:
    """Raise `RefusedAddress` unless every address of `host` is global."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise httpx.ConnectError(f"cannot resolve {host}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            raise RefusedAddress(f"{host} is not a public address ({address})")


def _bounded(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"


def _ask(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    pacer: HostPacer,
    allow_private: bool,
    max_redirects: int,
) -> tuple[int, str]:
    """The status and URL of the answer to `method url`, redirects followed
    hop by hop, each paced and its host checked; the body is never read."""
    request = client.build_request(method, url)
    for _hop in range(max_redirects + 1):
        if not allow_private:
            _refuse_private(request.url.host, request.url.port or 0)
        pacer.wait(request.url.host)
        response = client.send(request, stream=True, follow_redirects=False)
        response.close()
        if response.next_request is None:
            return response.status_code, str(response.url)
        request = response.next_request
    raise httpx.TooManyRedirects(
        f"more than {max_redirects} redirects", request=request
    )


def check_url(
    url: str,
    *,
    client: httpx.Client,
    pacer: HostPacer,
    allow_private: bool = False,
    max_redirects: int = MAX_REDIRECTS,
) -> LinkResult:
    """Ask for `url` (`HEAD`, then `GET` if HEAD is refused) and say what
    answered. Never raises for what the network or the server does."""
    status: int | None = None
    final_url = ""
    error = ""
    try:
        if not is_checkable(url):
            raise httpx.UnsupportedProtocol("only http and https URLs are checked")
        status, final_url = _ask(
            client,
            "HEAD",
            url,
            pacer=pacer,
            allow_private=allow_private,
            max_redirects=max_redirects,
        )
        if status in HEAD_REFUSED:
            status, final_url = _ask(
                client,
                "GET",
                url,
                pacer=pacer,
                allow_private=allow_private,
                max_redirects=max_redirects,
            )
    except (httpx.HTTPError, httpx.InvalidURL, RefusedAddress, OSError) as failure:
        status, final_url, error = None, "", _bounded(failure)
    return LinkResult(
        url=url,
        status=status,
        final_url=final_url,
        error=error,
        checked_at=timezone.now(),
    )


def _interleaved(urls: Iterable[str]) -> list[str]:
    """`urls` with hosts taken in turn (a, b, c, a, b, a …), so that threads
    waiting on one busy host's pace are few."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[(urlsplit(url).hostname or "") if is_checkable(url) else ""].append(url)
    queues = list(by_host.values())
    ordered: list[str] = []
    for index in range(max((len(q) for q in queues), default=0)):
        ordered.extend(queue[index] for queue in queues if index < len(queue))
    return ordered


def new_client(*, timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """A client with the checker's User-Agent and timeouts, sharing its
    connections between threads (httpx's Client is thread-safe)."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=DEFAULT_WORKERS * 2),
    )


def check_urls(
    urls: Iterable[str],
    *,
    workers: int = DEFAULT_WORKERS,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = DEFAULT_INTERVAL,
    allow_private: bool = False,
    max_redirects: int = MAX_REDIRECTS,
) -> Iterator[LinkResult]:
    """Check each of `urls` (duplicates once), at most `workers` at a time,
    and yield each result as it is known, in no set order."""
    pacer = HostPacer(interval=interval)
    with (
        new_client(timeout=timeout) as client,
        ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
    ):
        futures = [
            pool.submit(
                check_url,
                url,
                client=client,
                pacer=pacer,
                allow_private=allow_private,
                max_redirects=max_redirects,
            )
            for url in _interleaved(dict.fromkeys(urls))
        ]
        for future in as_completed(futures):
            yield future.result()
