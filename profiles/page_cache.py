"""Whole pages as anonymous readers see them, cached per published state,
with `ETag` and `Last-Modified` so a reader's browser (or a proxy) can ask
"changed?" and get a 304: profile pages (`cached_profile_page`) and the
pages drawn from the whole record, the home page and the network
(`cached_public_page`, keyed on the newest version alone).

A page shows its own version and also what other profiles' publishing
changes (the groups that name it). So the key is the profile's version and
the newest version published anywhere: any publish moves the key on, in every
process at once, because both are read from the database in one small
indexed query. A suppression, a merge of sources and a publisher's new
grade change what pages show without a new version, so the newest of each
is part of the key too. A stale page is never served; an old entry simply
expires.

A cached page is answered by the `serve_cached_pages` middleware, above
the session and everything below it, when the reader sends no session
cookie; on a miss the view's decorator renders and stores it.

Signed-in people (editors and reviewers see pending counts and their own
menus) and visitors with a session or messages never get a whole cached
page, nor are their pages stored whole: the view keeps the part that is the
same for everyone (the profile's article) with `cached_fragment`, under the
same state, and lays their own parts out around it on each request. Their
pages carry no `ETag`: it would not say who the page was for.
"""

import functools
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
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from profiles.models import Profile, Suppression, Version
from sources.models import Publisher, SourceMerge

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
    return _cookieless_read(request) and not request.user.is_authenticated


def _published_state(slug: str) -> PageState | None:
    """The state of a published profile's page, or None when there is no
    such page.

    One indexed query, written out: this runs on every anonymous view, and
    building it through the ORM took longer than serving the cached page."""
    with connection.cursor() as cursor:
        cursor.execute(_profile_state_sql(connection.vendor), [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, version, newest_pk, newest_at, *unversioned = row
    etag = f'"p{pk}-v{version}-n{newest_pk}{_unversioned_tag(*unversioned)}"'
    return PageState(etag, _latest(newest_at, *unversioned), pk, version)


def _newest_state() -> PageState | None:
    """The state of pages that show the whole published record (the
    network, the home page): the newest version published anywhere, or None
    before the first."""
    with connection.cursor() as cursor:
        cursor.execute(_newest_state_sql(connection.vendor))
        row = cursor.fetchone()
    if row is None:
        return None
    newest_pk, newest_at, *unversioned = row
    return PageState(
        f'"n{newest_pk}{_unversioned_tag(*unversioned)}"',
        _latest(newest_at, *unversioned),
    )


@functools.cache
def _profile_state_sql(vendor: str) -> str:
    """`_published_state`'s query, written once per database vendor."""
    quote = connection.ops.quote_name
    return (
        f"SELECT p.{quote('id')}, p.{quote('version')}, v.{quote('id')}, "
        f"v.{quote('published_at')}, {_newest_unversioned_sql()} "
        f"FROM {quote(Profile._meta.db_table)} p, "
        f"(SELECT {quote('id')}, {quote('published_at')} "
        f"FROM {quote(Version._meta.db_table)} "
        f"ORDER BY {quote('id')} DESC LIMIT 1) v "
        f"WHERE p.{quote('slug')} = %s AND p.{quote('version')} >= 1"
    )


@functools.cache
def _newest_state_sql(vendor: str) -> str:
    """`_newest_state`'s query, written once per database vendor."""
    quote = connection.ops.quote_name
    return (
        # v.id: PostgreSQL reads a bare "id" as either id column selected.
        f"SELECT v.{quote('id')}, v.{quote('published_at')}, "
        f"{_newest_unversioned_sql()} "
        f"FROM {quote(Version._meta.db_table)} v "
        f"ORDER BY v.{quote('id')} DESC LIMIT 1"
    )


def _newest_unversioned_sql() -> str:
    """Six columns: the id and time of the newest suppression, of the newest
    merge of sources, then of the newest change to a publisher (a grade
    approved), or nulls. Each changes what pages show without a new version
    (a value hidden; a note's source links; the grade beside a note), so it
    moves every page's state on too."""
    return ", ".join(
        [
            _newest_sql(Suppression),
            _newest_sql(SourceMerge),
            _newest_sql(Publisher.history.model, "history_id", "history_date"),
        ]
    )


def _newest_sql(model, id_column: str = "id", at_column: str = "at") -> str:
    quote = connection.ops.quote_name
    newest = (
        f"FROM {quote(model._meta.db_table)} ORDER BY {quote(id_column)} DESC LIMIT 1"
    )
    return f"(SELECT {quote(id_column)} {newest}), (SELECT {quote(at_column)} {newest})"


def _unversioned_tag(
    hidden_pk, hidden_at, merge_pk, merged_at, graded_pk, graded_at
) -> str:
    hidden = f"-s{hidden_pk}" if hidden_pk else ""
    merged = f"-m{merge_pk}" if merge_pk else ""
    return hidden + merged + (f"-g{graded_pk}" if graded_pk else "")


def _latest(published_at, *unversioned) -> float:
    """Last modified: the newest publication, or suppression, merge or
    change to a publisher if later (`unversioned` as
    `_newest_unversioned_sql` gives them)."""
    stamps = [_timestamp(published_at)]
    stamps += [_timestamp(at) for at in unversioned[1::2] if at is not None]
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
    and content type) from the cache, rendered and stored on a miss."""
    # `serve_cached_pages` has looked already when it left the state.
    looked = getattr(request, "page_cache_state", None) == (key, state)
    response = None if looked else _from_cache(request, state, key)
    if response is not None:
        return response
    response = render_page()
    if response.status_code != 200:
        return response
    if isinstance(response, SimpleTemplateResponse):
        response.render()  # a class-based view's: rendered later otherwise
    cache.set(
        _cache_key(request, state, key),
        (response.content, response["Content-Type"]),
        TIMEOUT,
    )
    return _stamped(response, state)


def _cache_key(request: HttpRequest, state: PageState, key: str) -> str:
    """Pages hold absolute addresses, so the site's address is part of the
    key, with the page's own key and its state."""
    site = f"{request.scheme}://{request.get_host()}"
    state_key = f"{site}{key}{state.etag}{state.last_modified}".encode()
    return f"page:v2:{hashlib.sha256(state_key).hexdigest()}"


def _from_cache(
    request: HttpRequest, state: PageState, key: str
) -> HttpResponse | None:
    """A 304 if the reader has this state's page, the page from the cache if
    it holds it, else None."""
    response = get_conditional_response(
        request, etag=state.etag, last_modified=int(state.last_modified)
    )
    if response is None:
        cached = cache.get(_cache_key(request, state, key))
        if cached is None:
            return None
        content, content_type = cached
        response = HttpResponse(content, content_type=content_type)
    return _stamped(response, state)


def _stamped(response: HttpResponse, state: PageState) -> HttpResponse:
    response["ETag"] = state.etag
    response["Last-Modified"] = http_date(state.last_modified)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ["Cookie"])
    return response


def serve_cached_pages(get_response):
    """Middleware: a cached page answered before the middleware below it
    runs, for a reader who sends no session or messages cookie (an anonymous
    reader, for sure: signing in needs the session).

    The views decorated here say how to find their page's state and key
    (`page_state`); on a hit the page, or a 304, is answered at once, which
    spares an anonymous read the session, CSRF, authentication, messages,
    history and sign-in throttling middleware, none of which a cached page
    for an anonymous reader needs. On a miss, or for anyone else, the
    request goes on as usual and the decorated view serves and stores it.
    Put it below the middleware that set headers on every answer (security,
    content security policy, frame options) and whitenoise."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if _cookieless_read(request):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            finder = _page_state_finder(match.func) if match else None
            if finder is not None:
                state, key = finder(request, *match.args, **match.kwargs)
                # The view's decorator reads it from here on a miss.
                request.page_cache_state = (key, state)
                if state is not None:
                    response = _from_cache(request, state, key)
                    if response is not None:
                        return response
        return get_response(request)

    return middleware


def _known_state(
    request: HttpRequest, key: str, read: Callable[[], PageState | None]
) -> PageState | None:
    """The state `serve_cached_pages` read for this page on its way to a
    miss, else `read()`."""
    known = getattr(request, "page_cache_state", None)
    if known is not None and known[0] == key:
        return known[1]
    return read()


def _page_state_finder(view) -> Callable | None:
    """The `page_state` a decorator here left on a view function, or on a
    class-based view's `dispatch` (`method_decorator` copies it there)."""
    dispatch = getattr(getattr(view, "view_class", None), "dispatch", None)
    return getattr(view, "page_state", None) or getattr(dispatch, "page_state", None)


def _cookieless_read(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


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


def cached_profile_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    variant: Callable[[HttpRequest], str] | None = None,
):
    """Serves `view(request, slug, state=...)` whole from the cache for
    anonymous readers. Everyone else gets the view's own answer; the view is
    given the profile's published state (None when it has no such page) to
    key what it caches with `cached_fragment`. `variant(request)`, when
    given, names the version of the page the address asks for (a filter it
    reads; "" for the page itself): each is cached on its own."""
    if view is None:
        return lambda view: cached_profile_page(view, variant=variant)
    return _by_profile_state(view, "profile", give_state=True, variant=variant)


def _by_profile_state(view, name: str, *, give_state: bool, variant=None):
    def key(request: HttpRequest, slug: str) -> str:
        return f"{name}:{slug}{variant(request) if variant else ''}"

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        page_key = key(request, slug)
        state = _known_state(request, page_key, lambda: _published_state(slug))
        extra = {"state": state} if give_state else {}
        if state is None or not _cacheable(request):
            return view(request, slug, **extra)
        return _serve(request, lambda: view(request, slug, **extra), state, page_key)

    def page_state(request: HttpRequest, slug: str):
        return _published_state(slug), key(request, slug)

    wrapper.page_state = page_state
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
            page_key = key(request, *args, **kwargs)
            state = _known_state(request, page_key, _newest_state)
            if state is None:
                return view(request, *args, **kwargs)
            return _serve(
                request, lambda: view(request, *args, **kwargs), state, page_key
            )

        def page_state(request: HttpRequest, *args, **kwargs):
            return _newest_state(), key(request, *args, **kwargs)

        wrapper.page_state = page_state
        return wrapper

    return decorate
