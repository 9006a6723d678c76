"""URL hygiene for sources: the deduplication key and the link safety check.

Pure Python, stdlib only. `normalise_url` maps the many spellings of one web
address to a single key so that two notes citing the same page share one
`Source`; `is_web_url` decides whether a URL may be rendered as a link.

When the rules change, two works stored under different keys may come to
share one. The key is unique, so the later of them is stored under
`duplicate_key` (the key and its own id) until a reviewer merges the two
(`sources/migrations/0004_renormalise_urls.py`, `sources.duplicates`).
"""

import re
from urllib.parse import quote, urlsplit

_WEB_SCHEMES = frozenset({"http", "https"})
#: Either default port goes, whichever the scheme: the key is always https,
#: so keeping "http://example.org:443"'s port would make a key that does not
#: normalise to itself.
_DEFAULT_PORTS = frozenset({80, 443})
#: Query parameters that say how a reader came to a page, not which page it
#: is: click ids of ad and social networks, newsletter and referral tags.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "pk_campaign",
        "pk_kwd",
        "pk_keyword",
        "pk_source",
        "pk_medium",
        "pk_content",
    }
)
#: Families of tracking parameters: Google's and Matomo's campaign tags.
_TRACKING_PREFIXES = ("utm_", "mtm_")
_UNRESERVED = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)
# Everything RFC 3986 allows unescaped in a path or query, plus "%" so that
# existing escapes are not escaped a second time.
_SAFE = "!#$%&'()*+,/:;=?@[]~"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
#: Between a key and the id of a work stored as a possible duplicate of the
#: work holding that key. A web key escapes its spaces, so none holds it.
DUPLICATE_MARK = " #duplicate-"
_DUPLICATE_KEY = re.compile(rf"(?P<key>.+){re.escape(DUPLICATE_MARK)}[0-9]+")


def normalise_url(url: str) -> str:
    """The key under which two spellings of the same web address coincide.

    http and https, the host's case, "www." or not, default ports,
    fragments, tracking parameters (`utm_*`, click ids, newsletter tags),
    query order, a path's trailing slash, the case of percent-escapes and
    needless ones make no difference. Non-web URLs are only trimmed.
    Returns "" for "". Applying it to its own result changes nothing.
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
    # "www.www.example.org" too (so that a key normalises to itself), but
    # not "www.com", a site of its own.
    while host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and port not in _DEFAULT_PORTS:
        netloc += f":{port}"

    path = _normalise_escapes(parts.path).rstrip("/")
    query = _normalise_query(parts.query)
    return f"https://{netloc}{path}" + (f"?{query}" if query else "")


def duplicate_key(key: str, pk: int) -> str:
    """The unique key of work `pk` when another work holds `key`."""
    return f"{key}{DUPLICATE_MARK}{pk}"


def duplicate_of(stored_key: str) -> str | None:
    """The key a `duplicate_key` was made from, or None for any other key."""
    match = _DUPLICATE_KEY.fullmatch(stored_key)
    return match["key"] if match else None


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
        if lowered.startswith(_TRACKING_PREFIXES) or lowered in _TRACKING_PARAMS:
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
