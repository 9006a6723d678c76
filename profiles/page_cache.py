"""Whole profile pages as anonymous readers see them, cached per published
state, with `ETag` and `Last-Modified` so a reader's browser (or a proxy)
can ask "changed?" and get a 304.

A page shows its own version and also what other profiles' publishing
changes (the groups that name it). So the key is the profile's version and
the newest version published anywhere: any publish moves the key on, in every
process at once, because both are read from the database in one small
indexed query. A stale page is never served; an old entry simply expires.

Signed-in people (editors and reviewers see pending counts and their own
menus) and visitors with a session or messages are never served from the
cache, nor are their pages stored in it.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from profiles.models import Profile, Version

#: Seconds a page stays cached; publishing makes it unreachable sooner.
TIMEOUT = 60 * 60


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _published_state(slug: str) -> tuple[str, float] | None:
    """(ETag, last modified as a timestamp) of a published profile's page, or
    None when there is no such page."""
    newest = Version.objects.order_by("-pk")
    row = (
        Profile.objects.published()
        .filter(slug=slug)
        .annotate(
            newest_pk=Subquery(newest.values("pk")[:1]),
            newest_at=Subquery(newest.values("published_at")[:1]),
        )
        .values_list("pk", "version", "newest_pk", "newest_at")
        .first()
    )
    if row is None:
        return None
    pk, version, newest_pk, newest_at = row
    return f'"p{pk}-v{version}-n{newest_pk}"', newest_at.timestamp()


def cached_profile_page(view: Callable[..., HttpResponse]):
    """Serves `view(request, slug)` from the cache for anonymous readers."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        if not _cacheable(request):
            return view(request, slug)
        state = _published_state(slug)
        if state is None:
            return view(request, slug)  # its 404
        etag, last_modified = state
        response = get_conditional_response(
            request, etag=etag, last_modified=int(last_modified)
        )
        if response is None:
            state_key = f"{slug}{etag}{last_modified}".encode()
            key = f"profile-page:{hashlib.sha256(state_key).hexdigest()}"
            content = cache.get(key)
            if content is None:
                response = view(request, slug)
                if response.status_code == 200:
                    cache.set(key, response.content, TIMEOUT)
            else:
                response = HttpResponse(content)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
