"""Reads of the stored network (`Connection`, `ProfileDegree`) for the pages
and the API: a profile's neighbourhood, the most connected profiles and the
edges among them, and the whole graph a page at a time.

Each read is a fixed number of indexed queries, and each returns a bounded
number of rows: a profile's own mentions (bounded by its own text), at most
`INCOMING_LIMIT` mentions of it by others, at most `MOST_CONNECTED` profiles,
at most `API_PAGE_SIZE` profiles a page.
"""

from profiles import search
from profiles.models import Connection, Profile, ProfileDegree
from profiles.network.graph import Graph, GraphPage, Label, Neighbourhood, Span, join

#: What the network shows of a profile: its name and address.
NODE_FIELDS = ("slug", "name", "english_name")
#: The mentions of a profile by others that its neighbourhood reads at most:
#: on the network page, and in the picture on the profile's own page.
INCOMING_LIMIT = 200
PROFILE_PAGE_INCOMING_LIMIT = 30
#: How many profiles the network page shows when no profile is chosen.
MOST_CONNECTED = 40
#: How many profiles a name search offers.
SEARCH_RESULTS = 20
#: How many profiles (with their edges) one page of the JSON graph carries.
API_PAGE_SIZE = 100

_LABEL_FIELDS = ("source_id", "target_id", "position", "start", "end", "text", "year")


def _name_order(profile: Profile) -> tuple[str, int]:
    # As `Profile.Meta.ordering`, in Python: the rows come ordered otherwise.
    return profile.name.lower(), profile.pk


def _labels(rows, nodes: dict[int, Profile]) -> list[tuple[Profile, Profile, Label]]:
    """One label for each bullet and profile it names, however often it
    names it, in the order of `rows`."""
    seen = set()
    labels = []
    for row in rows:
        key = (row.source_id, row.position, row.target_id)
        if key in seen:
            continue
        seen.add(key)
        source = nodes[row.source_id]
        labels.append((source, nodes[row.target_id], Label(source, row.text, row.year)))
    return labels


def neighbourhood(
    profile: Profile, *, year: int | None = None, limit: int | None = None
) -> Neighbourhood:
    """`profile`'s neighbourhood from its stored edges, in two indexed
    queries: its own mentions of others, and up to `limit` (by default
    `INCOMING_LIMIT`) mentions of it by others (`more` says whether there are
    others). With `year`, only the
    connections whose bullets state that year or an earlier one."""
    if limit is None:
        limit = INCOMING_LIMIT
    outgoing = Connection.objects.filter(source_id=profile.pk)
    incoming = Connection.objects.filter(target_id=profile.pk)
    if year is not None:
        outgoing = outgoing.filter(year__lte=year)
        incoming = incoming.filter(year__lte=year)
    own = list(
        outgoing.select_related("target")
        .only(*_LABEL_FIELDS, *(f"target__{name}" for name in NODE_FIELDS))
        .order_by("position", "start")
    )
    others = list(
        incoming.select_related("source")
        .only(*_LABEL_FIELDS, *(f"source__{name}" for name in NODE_FIELDS))
        .order_by("source_id", "position", "start")[: limit + 1]
    )
    more = len(others) > limit
    others = others[:limit]
    nodes = {profile.pk: profile}
    for row in own:
        nodes.setdefault(row.target_id, row.target)
    for row in others:
        nodes.setdefault(row.source_id, row.source)
    everyone = join(
        sorted(nodes.values(), key=_name_order), _labels([*own, *others], nodes)
    )
    neighbours = everyone.neighbours(profile)
    links: dict[int, list[Span]] = {}
    for row in own:
        links.setdefault(row.position, []).append(
            (row.start, row.end, row.target.get_absolute_url())
        )
    return Neighbourhood(
        center=profile,
        star=Graph(
            nodes=(profile, *(neighbour for neighbour, _ in neighbours)),
            edges=everyone.edges,
        ),
        neighbours=neighbours,
        links=links,
        more=more,
    )


def most_connected(*, limit: int = MOST_CONNECTED, year: int | None = None) -> Graph:
    """The `limit` profiles joined to the most others (ties: the first
    published first), in name order, and the edges among them; with `year`,
    only those whose bullets state that year or an earlier one. Two indexed
    queries."""
    nodes = {
        row.profile_id: row.profile
        for row in ProfileDegree.objects.select_related("profile")
        .only("degree", *(f"profile__{name}" for name in NODE_FIELDS))
        .order_by("-degree", "profile_id")[:limit]
    }
    rows = Connection.objects.filter(source_id__in=nodes, target_id__in=nodes)
    if year is not None:
        rows = rows.filter(year__lte=year)
    rows = rows.only(*_LABEL_FIELDS).order_by("source_id", "position", "start")
    return join(sorted(nodes.values(), key=_name_order), _labels(rows, nodes))


def named_profiles(query: str) -> list[Profile]:
    """Up to `SEARCH_RESULTS` published profiles with a name, English name or
    alternative name that matches `query`, looked up in the name index."""
    return list(
        Profile.objects.published()
        .filter(pk__in=search.profiles_named(query))
        .only(*NODE_FIELDS)[:SEARCH_RESULTS]
    )


def graph_page(after: int = 0) -> GraphPage:
    """The page of the whole graph after the profile with primary key
    `after`, `API_PAGE_SIZE` profiles long: two indexed queries."""
    size = API_PAGE_SIZE
    ranked = list(
        ProfileDegree.objects.filter(profile_id__gt=after)
        .select_related("profile")
        .only("degree", *(f"profile__{name}" for name in NODE_FIELDS))
        .order_by("profile_id")[: size + 1]
    )
    page = ranked[:size]
    nodes = {row.profile_id: row.profile for row in page}
    rows = list(
        Connection.objects.filter(source_id__in=nodes)
        .select_related("target")
        .only(*_LABEL_FIELDS, *(f"target__{name}" for name in NODE_FIELDS))
        .order_by("source_id", "position", "start")
    )
    for row in rows:
        nodes.setdefault(row.target_id, row.target)
    return GraphPage(
        nodes=[(row.profile, row.degree) for row in page],
        labels=_labels(rows, nodes),
        after=page[-1].profile_id if len(ranked) > size else None,
    )
