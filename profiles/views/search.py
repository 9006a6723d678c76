"""The search page: `/search/?q=` over names, leaders, sources and text."""

from django.shortcuts import render

from profiles import search as queries

#: Longer queries are cut: no name or phrase is this long.
MAX_QUERY_LENGTH = 200


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    return render(
        request,
        "search/results.html",
        {"query": query, "results": queries.search(query) if query else None},
    )
