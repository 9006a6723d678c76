"""URL hygiene for sources: the deduplication key and the link safety check.

Pure Python, stdlib only. `normalise_url` maps the many spellings of one web
address to a single key so that two notes citing the same page share one
`Source`; `is_web_url` decides whether a URL may be rendered as a link.
"""

import re
from urllib.parse import quote, urlsplit

_WEB_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = frozenset({80, 443})
_TRACKING_PARAMS = frozenset({"fbclid", "gclid"})
_UNRESERVED = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)
# Everything RFC 3986 allows unescaped in a path or query, plus "%" so that
# existing escapes are not escaped a second time.
_SAFE = "!#$%&'()*+,/:;=?@[]~"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def normalise_url(url: str) -> str:
    """The key under which two spellings of the same web address coincide.

    http and https, "www." or not, default ports, fragments, tracking
    parameters, query order, a trailing slash and needless percent-escapes
    make no difference. Non-web URLs are only trimmed. Returns "" for "".
    """
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    if not url:
        return ""
    # Citations sometimes give a bare "www." address; it can only mean the web.
    if url.lower().startswith("www."):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
        return url

    host = parts.hostname.lower().rstrip(".")
    host = host.removeprefix("www.")
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and port not in _DEFAULT_PORTS:
        netloc += f":{port}"

    path = _normalise_escapes(parts.path).rstrip("/")
    query = _normalise_query(parts.query)
    return f"https://{netloc}{path}" + (f"?{query}" if query else "")


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host: the only kind we link to."""
    url = url.strip()
    if not url or _WHITESPACE_OR_CONTROL.search(url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # the property raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in _WEB_SCHEMES and bool(parts.hostname)


def _normalise_query(query: str) -> str:
    """Sorted query without tracking parameters, escapes normalised."""
    kept: list[tuple[str, str]] = []
    for pair in query.split("&"):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        key = _normalise_escapes(key)
        lowered = key.lower()
        if lowered.startswith("utm_") or lowered in _TRACKING_PARAMS:
            continue
        kept.append((key, f"{key}{sep}{_normalise_escapes(value)}"))
    return "&".join(text for _, text in sorted(kept))


def _normalise_escapes(text: str) -> str:
    """Escape what must be escaped, unescape unreserved characters, upper-case hex.

    Both "/fa/مقاله" and "/fa/%d9%85…" become the same UTF-8 escapes.
    """

    def unescape_unreserved(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _UNRESERVED else f"%{match[1].upper()}"

    return _ESCAPE.sub(unescape_unreserved, quote(text, safe=_SAFE))
