"""Load generators for `bench/pages.py`: wrk when it is installed, else a small
one in Python (threads and `http.client`). Both on loopback only, both
bounded: wrk by its duration, the Python one by a number of requests and a
duration, whichever ends first.

Each returns a `Result`: requests completed, requests per second, the 50th and
99th percentile latencies and how many answers were errors (a socket error or
a status other than 2xx/3xx).
"""

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int
    tool: str

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _check_loopback(url: str) -> None:
    if urlsplit(url).hostname not in LOOPBACK:
        raise ValueError(f"loopback only: {url}")


def wrk_path() -> str | None:
    return shutil.which("wrk")


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.M)
_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def run_wrk(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    seconds: int = 10,
    threads: int = 2,
    connections: int = 16,
    timeout: int = 60,
) -> Result:
    """`wrk -t2 -c16 -d10s --latency` against `url`, its output parsed."""
    _check_loopback(url)
    command = [
        wrk_path() or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + timeout + 30,
    ).stdout
    latencies = {
        int(p): float(v) * _UNITS_MS[unit] for p, v, unit in _PERCENTILE.findall(output)
    }
    total = _TOTAL.search(output)
    if total is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    requests = int(total[1])
    elapsed = float(total[2]) * _UNITS_MS[total[3]] / 1000
    errors = sum(int(n) for n in (_SOCKET_ERRORS.search(output) or [0, 0])[1:])
    errors += int(m[1]) if (m := _NON_2XX.search(output)) else 0
    return Result(
        requests,
        elapsed,
        latencies.get(50) if requests else None,
        latencies.get(99) if requests else None,
        errors,
        "wrk",
    )


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, int(fraction * len(sorted_values)))
    return sorted_values[index]


def run_python(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    seconds: int = 10,
    connections: int = 16,
    requests: int = 3000,
    timeout: int = 60,
) -> Result:
    """`connections` threads, each requesting `url` over a new connection at
    a time (gunicorn's sync workers close each after answering), until
    `requests` have been sent or `seconds` have passed."""
    _check_loopback(url)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = 0
    sent = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors, sent
        while True:
            with lock:
                if sent >= requests or time.perf_counter() >= deadline:
                    return
                sent += 1
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=timeout
            )
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                ok = False
            finally:
                connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed * 1000)
                else:
                    errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        len(latencies),
        elapsed,
        _percentile(latencies, 0.50),
        _percentile(latencies, 0.99),
        errors,
        "python",
    )


def get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 300):
    """One request: (status, body, seconds)."""
    _check_loopback(url)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, time.perf_counter() - started
