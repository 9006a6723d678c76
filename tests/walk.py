"""Walking the site as a reader would: every URL the URLconf has, filled in
with the rows in the database, and what each answers.

The walks find what no single page test would: a new URL that shows text no
reviewer approved, or a GET that changes something. A URL pattern whose
parameters this module cannot fill fails the walk, so a new page is walked
as soon as it exists.
"""

import re
from collections.abc import Iterator

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from profiles.models import ChangeRequest, Notification, Profile
from profiles.sections import FIELDS
from profiles.sitemaps import SITEMAPS
from sources.models import Publisher, Source

#: Prefixes of URLs for staff only; the admin is walked on its own.
ADMIN_PREFIX = "admin/"
_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def url_patterns() -> Iterator[tuple[str, str]]:
    """(route, name) of every URL pattern outside the admin, with routes
    joined from their includes, e.g. ("profiles/<str:slug>/", "profiles:detail")."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                yield route, f"{namespace}{pattern.name or ''}"

    for route, name in walk(get_resolver().url_patterns, "", ""):
        if not route.startswith(ADMIN_PREFIX) and not route.startswith("^"):
            yield route, name


def _values(name: str, param: str) -> list[str]:
    """What to put for `param` in the URL named `name`: every row there is."""
    if param == "slug":
        return [*Profile.objects.values_list("slug", flat=True), "no-such"]
    if param == "number":
        top = max(Profile.objects.values_list("version", flat=True), default=0)
        return [str(n) for n in range(1, top + 2)]
    if param == "field":
        return list(FIELDS)
    if param == "section":
        return [*SITEMAPS, "no-such"]
    if param == "format":
        return ["json", "md", "txt"]
    if (param, name) in {
        ("uidb64", "password_reset_confirm"),
        ("token", "password_reset_confirm"),
    }:
        return ["MQ", "set-password"]
    if param == "pk":
        model = {
            "sources": Source,
            "review": ChangeRequest,
            "inbox": Notification,
            "publishers": Publisher,
        }[name.split(":")[0]]
        return [str(pk) for pk in model.objects.values_list("pk", flat=True)]
    raise AssertionError(f"The walk cannot fill <{param}> in {name}: teach it.")


def urls() -> list[str]:
    """Every non-admin URL for every row it can show (static files aside)."""
    found = []
    for route, name in url_patterns():
        if route.startswith("media/") or "<path:" in route:
            continue
        params = [m["name"] for m in _PARAM.finditer(route)]
        paths = [route]
        for param in params:
            paths = [
                _fill(path, param, value)
                for path in paths
                for value in _values(name, param)
            ]
        found.extend(f"/{path}" for path in paths)
    return found


def _fill(path: str, param: str, value: str) -> str:
    return _PARAM.sub(lambda m: value if m["name"] == param else m[0], path)


def comparable(body: bytes) -> str:
    """A page as two walks can compare it: without CSRF tokens, and without
    the words of relative times ("3 minutes ago"), which change on their own."""
    text = body.decode(errors="replace")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r"(<time[^>]*>).*?(</time>)", r"\1\2", text, flags=re.S)


#: Accounts and sign-in records are not published content; every other model
#: in the admin is.
NOT_CONTENT = {"auth", "axes"}


def admin_urls(*, content_only: bool = True) -> list[str]:
    """Every admin URL of every model (of content only, unless asked): list,
    add, and for its first row change, delete, history, and each history
    row's own page."""
    found = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if content_only and opts.app_label in NOT_CONTENT:
            continue
        name = f"admin:{opts.app_label}_{opts.model_name}"
        found += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        found += [
            reverse(f"{name}_{view}", args=[obj.pk])
            for view in ("change", "delete", "history")
        ]
        history = getattr(model, "history", None)
        if isinstance(model_admin, SimpleHistoryAdmin) and history is not None:
            for row in obj.history.all():
                found.append(
                    reverse(f"{name}_simple_history", args=[obj.pk, row.history_id])
                )
    return found
