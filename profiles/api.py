"""The read-only JSON API of published profiles (CONTRACT.md). Anonymous
readers get the list from the page cache until the next publish, and a
profile until its page's state changes, with `ETag`/304
(`profiles.page_cache`)."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from profiles import exporting, limits, queries
from profiles.models import Profile
from profiles.network import queries as network_queries
from profiles.page_cache import cached_profile_data, public_page_cache

PER_PAGE = 50


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _list_url(request, **cursor: str) -> str:
    return request.build_absolute_uri(
        f"{reverse('api:profile-list')}?{urlencode(cursor)}"
    )


def _list_key(request) -> str:
    """A list page's entry in the page cache: its cursor, and nothing else
    the address may carry."""
    after = request.GET.get("after", "")[: limits.NAME_CHARS["name"]]
    before = request.GET.get("before", "")[: limits.NAME_CHARS["name"]]
    return f"api-profiles:{urlencode({'after': after, 'before': before})}"


@require_GET
@public_page_cache(_list_key)
def profile_list(request):
    """Published profiles in slug order, `PER_PAGE` at a time. `next` and
    `previous` are the addresses of the pages either side, null at either
    end: `?after=<slug>` starts after a profile, `?before=<slug>` ends before
    one. Two indexed queries whichever page, and no count of the whole."""
    after = request.GET.get("after", "")[: limits.NAME_CHARS["name"]]
    before = request.GET.get("before", "")[: limits.NAME_CHARS["name"]]
    published = Profile.objects.published()
    fields = ("slug", "name", "english_name", "version", "published_at")
    if before:
        rows = list(
            published.filter(slug__lt=before)
            .only(*fields)
            .order_by("-slug")[: PER_PAGE + 1]
        )
        page = rows[:PER_PAGE][::-1]
        has_previous = len(rows) > PER_PAGE
        has_next = published.filter(slug__gte=before).exists()
    else:
        queryset = published.filter(slug__gt=after) if after else published
        rows = list(queryset.only(*fields).order_by("slug")[: PER_PAGE + 1])
        page = rows[:PER_PAGE]
        has_next = len(rows) > PER_PAGE
        has_previous = bool(after) and published.filter(slug__lte=after).exists()
    return _json(
        {
            "next": _list_url(request, after=page[-1].slug)
            if has_next and page
            else None,
            "previous": _list_url(request, before=page[0].slug)
            if has_previous and page
            else None,
            "results": [
                {
                    "slug": profile.slug,
                    "name": profile.name,
                    "english_name": profile.english_name,
                    "version": profile.version,
                    "updated_at": profile.published_at.isoformat(),
                    "url": request.build_absolute_uri(
                        reverse("api:profile-detail", args=[profile.slug])
                    ),
                }
                for profile in page
            ],
        }
    )


@require_GET
@cached_profile_data
def profile_detail(request, slug: str):
    """The published profile's JSON with its claims (`exporting.as_data`,
    what the JSON export writes)."""
    try:
        profile = queries.published_profile(slug)
    except Profile.DoesNotExist:
        return JsonResponse(
            {"detail": "No published profile with this slug."}, status=404
        )
    return _json(exporting.as_data(profile))


#: The largest cursor a page can give: the largest primary key there can be.
_CURSOR_MAX = 2**63 - 1


@require_GET
def network(request):
    """The whole network, a page of profiles at a time, in the order they
    were first published: each profile with its number of connections, and
    every connection its own connections section makes (so each appears
    once, on its source's page). `next` holds the address of the next page,
    null on the last; `cursor` is only ever one a page gave."""
    raw = request.GET.get("cursor", "")
    after = int(raw) if raw.isascii() and raw.isdigit() else -1
    if raw and not 0 <= after <= _CURSOR_MAX:
        return JsonResponse({"detail": "Not a cursor this API gave."}, status=400)
    page = network_queries.graph_page(max(after, 0))
    next_url = None
    if page.after is not None:
        next_url = request.build_absolute_uri(
            f"{reverse('api:network')}?cursor={page.after}"
        )
    return _json(
        {
            "next": next_url,
            "nodes": [
                {
                    "slug": profile.slug,
                    "name": profile.name,
                    "english_name": profile.english_name,
                    "degree": degree,
                    "url": request.build_absolute_uri(
                        reverse("api:profile-detail", args=[profile.slug])
                    ),
                }
                for profile, degree in page.nodes
            ],
            "edges": [
                {
                    "source": source.slug,
                    "target": target.slug,
                    "text": label.text,
                    "year": label.year,
                }
                for source, target, label in page.labels
            ],
        }
    )
