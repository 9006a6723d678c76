"""The read-only JSON API of published profiles (CONTRACT.md)."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from profiles import exporting, queries
from profiles.models import Profile
from profiles.network import queries as network_queries

PER_PAGE = 50


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def profile_list(request):
    paginator = Paginator(
        Profile.objects.published().only(
            "slug", "name", "english_name", "version", "published_at"
        ),
        PER_PAGE,
    )
    page = paginator.get_page(request.GET.get("page"))

    def page_url(number: int) -> str:
        return request.build_absolute_uri(
            f"{reverse('api:profile-list')}?page={number}"
        )

    return _json(
        {
            "count": paginator.count,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number())
            if page.has_previous()
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
                for profile in page.object_list
            ],
        }
    )


@require_GET
def profile_detail(request, slug: str):
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
