"""Answers for machines rather than readers: health checks for load balancers
and process managers, robots.txt and the favicon."""

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

#: Areas for signed-in people only; nothing in them is for search engines.
ROBOTS_DISALLOWED = ("/admin/", "/review/", "/inbox/", "/accounts/")


def _text(body: str, *, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    """The process answers: nothing else is asked, the database least of all,
    so a slow database never gets a healthy app server restarted."""
    return _text("ok")


@never_cache
@require_safe
def readyz(request):
    """The app can serve pages: the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return _text("database unavailable", status=503)
    return _text("ok")


@cache_control(max_age=86400, public=True)
@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED),
        "",
        f"Sitemap: {sitemap}",
    ]
    return _text("\n".join(lines) + "\n")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; the static file
    has a hashed name in production, so this is a temporary redirect."""
    return HttpResponseRedirect(static("img/favicon.png"))
