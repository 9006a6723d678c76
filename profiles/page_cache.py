"""Whole pages as anonymous readers see them, cached per published state,
with `ETag` and `Last-Modified` so a reader's browser (or a proxy) can ask
"changed?" and get a 304: profile pages (`cached_profile_page`) and the
pages drawn from the whole record, the home page and the network
(`cached_public_page`, keyed on the newest version alone).

A page shows its own version and also what other profiles' publishing
changes (the groups that name it). So the key is the profile's version and
the newest version published anywhere: any publish moves the key on, in every
process at once, because both are read from the database in one small
indexed query. A stale page is never served; an old entry simply expires.

Signed-in people (editors and reviewers see pending counts and their own
menus) and visitors with a session or messages never get a whole cached
page, nor are their pages stored whole: the view keeps the part that is the
same for everyone (the profile's article) with `cached_fragment`, under the
same state, and lays their own parts out around it on each request. Their
pages carry no `ETag`: it would not say who the page was for.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from profiles.models import Profile, Suppression, Version

#: Seconds a page stays cached; publishing makes it unreachable sooner.
TIMEOUT = 60 * 60


class PageState(NamedTuple):
    """What a cached page depends on: its `etag` (which names every part of
    the state, so a new state is a new key) and when it last changed. For a
    profile page, also the profile's id and version, which the view uses
    without loading the profile."""

    etag: str
    last_modified: float
    profile_pk: int | None = None
    version: int | None = None


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _published_state(slug: str) -> PageState | None:
    """The state of a published profile's page, or None when there is no
    such page.

    One indexed query, written out: this runs on every anonymous view, and
    building it through the ORM took longer than serving the cached page."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.{quote('id')}, p.{quote('version')}, v.{quote('id')}, "
            f"v.{quote('published_at')}, {_newest_suppression_sql()} "
            f"FROM {quote(Profile._meta.db_table)} p, "
            f"(SELECT {quote('id')}, {quote('published_at')} "
            f"FROM {quote(Version._meta.db_table)} "
            f"ORDER BY {quote('id')} DESC LIMIT 1) v "
            f"WHERE p.{quote('slug')} = %s AND p.{quote('version')} >= 1",
            [slug],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, version, newest_pk, newest_at, hidden_pk, hidden_at = row
    etag = f'"p{pk}-v{version}-n{newest_pk}{_hidden_tag(hidden_pk)}"'
    return PageState(etag, _latest(newest_at, hidden_at), pk, version)


def _newest_state() -> PageState | None:
    """The state of pages that show the whole published record (the
    network, the home page): the newest version published anywhere, or None
    before the first."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            # v.id: PostgreSQL reads a bare "id" as either id column selected.
            f"SELECT v.{quote('id')}, v.{quote('published_at')}, "
            f"{_newest_suppression_sql()} "
            f"FROM {quote(Version._meta.db_table)} v "
            f"ORDER BY v.{quote('id')} DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    newest_pk, newest_at, hidden_pk, hidden_at = row
    return PageState(
        f'"n{newest_pk}{_hidden_tag(hidden_pk)}"', _latest(newest_at, hidden_at)
    )


def _newest_suppression_sql() -> str:
    """Two columns: the id and time of the newest suppression, or nulls.
    A suppression changes what pages show without a new version, so it
    moves every page's state on too."""
    quote = connection.ops.quote_name
    newest = (
        f"FROM {quote(Suppression._meta.db_table)} ORDER BY {quote('id')} DESC LIMIT 1"
    )
    return f"(SELECT {quote('id')} {newest}), (SELECT {quote('at')} {newest})"


def _hidden_tag(suppression_pk: int | None) -> str:
    return f"-s{suppression_pk}" if suppression_pk else ""


def _latest(published_at, suppressed_at) -> float:
    """Last modified: the newest publication, or suppression if later."""
    stamps = [_timestamp(published_at)]
    if suppressed_at is not None:
        stamps.append(_timestamp(suppressed_at))
    return max(stamps)


def _timestamp(value) -> float:
    if isinstance(value, str):  # SQLite returns the column's text
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value.timestamp()


def _serve(
    request: HttpRequest,
    render_page: Callable[[], HttpResponse],
    state: PageState,
    key: str,
) -> HttpResponse:
    """A 304 if the reader has this state's page, else the page (its body
    and content type) from the cache, rendered and stored on a miss. Pages
    hold absolute addresses, so the site's address is part of the key."""
    etag, last_modified = state.etag, state.last_modified
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified)
    )
    if response is None:
        site = f"{request.scheme}://{request.get_host()}"
        state_key = f"{site}{key}{etag}{last_modified}".encode()
        cache_key = f"page:v2:{hashlib.sha256(state_key).hexdigest()}"
        cached = cache.get(cache_key)
        if cached is None:
            response = render_page()
            if response.status_code != 200:
                return response
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # a class-based view's: rendered later otherwise
            cache.set(cache_key, (response.content, response["Content-Type"]), TIMEOUT)
        else:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ["Cookie"])
    return response


def cached_fragment[T](name: str, state: PageState, render: Callable[[], T]) -> T:
    """`render()`'s result for this `name` and `state`, from the cache, or
    rendered and stored on a miss. For the part of a page that is the same
    for every reader; it must be picklable."""
    state_key = f"{name}{state.etag}{state.last_modified}".encode()
    cache_key = f"fragment:{hashlib.sha256(state_key).hexdigest()}"
    value = cache.get(cache_key)
    if value is None:
        value = render()
        cache.set(cache_key, value, TIMEOUT)
    return value


def cached_profile_data(view: Callable[..., HttpResponse]):
    """Serves `view(request, slug)`, what one published profile's state
    alone decides (the API's profile), whole from the cache for anonymous
    readers, with the profile page's ETag."""
    return _by_profile_state(view, "profile-data", give_state=False)


def cached_profile_page(view: Callable[..., HttpResponse]):
    """Serves `view(request, slug, state=...)` whole from the cache for
    anonymous readers. Everyone else gets the view's own answer; the view is
    given the profile's published state (None when it has no such page) to
    key what it caches with `cached_fragment`."""
    return _by_profile_state(view, "profile", give_state=True)


def _by_profile_state(view, name: str, *, give_state: bool):
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        state = _published_state(slug)
        extra = {"state": state} if give_state else {}
        if state is None or not _cacheable(request):
            return view(request, slug, **extra)
        return _serve(
            request, lambda: view(request, slug, **extra), state, f"{name}:{slug}"
        )

    return wrapper


def cached_public_page(view: Callable[..., HttpResponse]):
    """Serves `view(request)`, a page drawn from the whole published record,
    from the cache for anonymous readers: one entry per address (query string
    included) and newest version."""
    return public_page_cache(lambda request, *_, **__: request.get_full_path())(view)


def public_page_cache(key: Callable[[HttpRequest], str]):
    """Like `cached_public_page`, but one entry per `key(request)` and newest
    version: for a page whose address may carry parameters it ignores, the
    key names only what the page shows (and stays short)."""

    def decorate(view: Callable[..., HttpResponse]):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            state = _newest_state()
            if state is None:
                return view(request, *args, **kwargs)
            return _serve(
                request,
                lambda: view(request, *args, **kwargs),
                state,
                key(request, *args, **kwargs),
            )

        return wrapper

    return decorate
