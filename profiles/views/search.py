"""The search page: `/search/?q=` over names, leaders, names in the text,
sources and text; `&in=<group>&page=<n>` pages through one group."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode

from profiles import search as queries
from profiles.page_cache import public_page_cache

#: Longer queries are cut: no name or phrase is this long.
MAX_QUERY_LENGTH = 200
GROUP_LABELS = dict(queries.GROUPS)


def _query(request) -> str:
    return request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]


def _page_key(request) -> str:
    """What a results page shows, and so its entry in the page cache: the
    query, the group and the page asked for (an address may carry more)."""
    group = request.GET.get("in", "")
    page = request.GET.get("page", "")[:12]
    return f"search:{group if group in GROUP_LABELS else ''}:{page}:{_query(request)}"


@public_page_cache(_page_key)
def search(request):
    """Results for anonymous readers are cached until the next publish."""
    query = _query(request)
    group = request.GET.get("in", "")
    context = {
        "query": query,
        "search_query": urlencode({"q": query}),
        "results": None,
        "group": None,
    }
    if query and group in GROUP_LABELS:
        paginator = Paginator(queries.group_pages(query, group), queries.GROUP_SIZE)
        context.update(
            group=group,
            group_label=GROUP_LABELS[group],
            page_obj=paginator.get_page(request.GET.get("page")),
            extra_query=urlencode({"q": query, "in": group}),
        )
    elif query:
        context["results"] = queries.search(query)
    return render(request, "search/results.html", context)
