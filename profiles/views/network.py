"""The network page: a readable part of the network, drawn on the server and
given again in words. By default the most connected profiles and the
connections among them; `?profile=<slug>` one profile's neighbourhood;
`?q=` finds a profile by name; `?year=` keeps the connections whose text
states that year or an earlier one. Every part is read from the stored edges
(`profiles.network.queries`) in a fixed number of bounded queries."""

from django import forms
from django.http import Http404
from django.shortcuts import render

from profiles.models import Profile
from profiles.network import neighbourhood, neighbourhood_svg, network_svg
from profiles.network.queries import (
    MOST_CONNECTED,
    NODE_FIELDS,
    most_connected,
    named_profiles,
)
from profiles.page_cache import cached_public_page


class NetworkFilters(forms.Form):
    """The page's query string. Kept beside its only view: it reads a page's
    filters and never writes anything."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    profile = forms.SlugField(required=False, allow_unicode=True, max_length=200)
    year = forms.IntegerField(required=False, min_value=1800, max_value=2100)


@cached_public_page
def network(request):
    filters = NetworkFilters(request.GET)
    filters.is_valid()  # a field in error is left out; the others still apply
    values = filters.cleaned_data
    if "profile" in filters.errors:
        raise Http404("No published profile with this address.")
    year, query = values.get("year"), values.get("q", "")
    context = {
        "filters": filters,
        "year": year,
        "query": query,
        "most_connected": MOST_CONNECTED,
    }
    center = None
    if values.get("profile"):
        center = (
            Profile.objects.published()
            .only(*NODE_FIELDS)
            .filter(slug=values["profile"])
            .first()
        )
        if center is None:
            raise Http404("No published profile with this address.")
    elif query:
        matches = named_profiles(query)
        context["matches"] = matches
        if len(matches) == 1:
            center = matches[0]
    if center is not None:
        near = neighbourhood(center, year=year)
        context.update(
            center=center,
            graph=near.star,
            more=near.more,
            svg=neighbourhood_svg(near) if near.neighbours else None,
        )
    elif not query:
        graph = most_connected(year=year)
        context.update(
            graph=graph,
            svg=network_svg(
                graph, title=f"The {len(graph.nodes)} most connected profiles"
            ),
        )
    return render(request, "network/network.html", context)
