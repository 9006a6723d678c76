"""The shape of a network: profiles as nodes, connections as edges, and what
each side's connections section says about an edge as its labels.

Pure data and one pure builder (`graph`, from profiles in memory); the pages
build the same shapes from the stored edges (`profiles.network.queries`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from profiles.models import Profile
from profiles.network.matching import (
    CONNECTIONS,
    NameMatcher,
    label_text,
    mentions,
    name_matcher,
    shorten,
    stated_year,
)

#: How long an edge label may be before it is shortened in the picture.
LABEL_LENGTH = 60


@dataclass(frozen=True)
class Label:
    """What `source`'s connections section says about a connection: the bullet,
    without its footnote marks (they point to notes on another page), and the
    year it states, if any."""

    source: Profile
    text: str
    year: int | None = None

    @property
    def short(self) -> str:
        return shorten(self.text, LABEL_LENGTH)


@dataclass(frozen=True)
class Edge:
    """A connection between profiles `a` and `b` (in the graph's node order),
    with what either side says about it, `a`'s bullets first."""

    a: Profile
    b: Profile
    labels: tuple[Label, ...]

    def other(self, profile: Profile) -> Profile:
        return self.b if profile.pk == self.a.pk else self.a


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Profile, ...]
    edges: tuple[Edge, ...]

    def neighbours(self, profile: Profile) -> list[tuple[Profile, list[Label]]]:
        """The profiles connected to `profile`, in node order, each with the
        labels of the connection, `profile`'s own first."""
        found = [
            (edge.other(profile), list(edge.labels))
            for edge in self.edges
            if profile.pk in (edge.a.pk, edge.b.pk)
        ]
        order = {node.pk: i for i, node in enumerate(self.nodes)}
        found.sort(key=lambda item: order[item[0].pk])
        for _, labels in found:
            labels.sort(key=lambda label: label.source.pk != profile.pk)
        return found

    @property
    def isolated(self) -> list[Profile]:
        """The nodes no edge touches."""
        connected = {pk for edge in self.edges for pk in (edge.a.pk, edge.b.pk)}
        return [node for node in self.nodes if node.pk not in connected]


#: A mention as a link: where it starts and ends in its bullet, and the
#: address of the profile it names.
Span = tuple[int, int, str]


@dataclass(frozen=True)
class Neighbourhood:
    """A profile among the profiles it names and that name it.

    `star` holds `center` first, then the `neighbours` in name order, and the
    edges joining `center` to them; `neighbours` pairs each with the labels
    of the connection, `center`'s own first; `links` gives, for each bullet
    of `center`'s connections section (by position), the mentions to link.
    `more` says that more profiles name it than were read."""

    center: Profile
    star: Graph
    neighbours: list[tuple[Profile, list[Label]]]
    links: dict[int, list[Span]] = field(default_factory=dict)
    more: bool = False


@dataclass(frozen=True)
class GraphPage:
    """A page of the whole graph: published profiles in the order they were
    first published, each with its degree, and every connection their own
    sections make; `after` is the cursor of the next page, if there is one."""

    nodes: list[tuple[Profile, int]]
    labels: list[tuple[Profile, Profile, Label]]
    after: int | None


def _first(item: tuple) -> object:
    return item[0]


def join(
    nodes: Iterable[Profile], labels: Iterable[tuple[Profile, Profile, Label]]
) -> Graph:
    """The graph of `nodes` whose edges carry `labels`, each given as (the
    profile whose bullet it is, the profile it names, the label), in the order
    of the bullets of each profile. A label naming a profile outside `nodes`
    is left out; both directions between two nodes make one edge, the labels
    of the node first in `nodes` first."""
    nodes = tuple(nodes)
    order = {node.pk: i for i, node in enumerate(nodes)}
    found: dict[tuple[int, int], list[tuple[int, Label]]] = {}
    for seq, (source, target, label) in enumerate(labels):
        if source.pk not in order or target.pk not in order:
            continue
        pair = tuple(sorted((order[source.pk], order[target.pk])))
        found.setdefault(pair, []).append(((order[source.pk], seq), label))
    edges = tuple(
        Edge(
            nodes[a],
            nodes[b],
            tuple(label for _, label in sorted(found[a, b], key=_first)),
        )
        for a, b in sorted(found)
    )
    return Graph(nodes, edges)


def graph(profiles: Iterable[Profile], matcher: NameMatcher | None = None) -> Graph:
    """The graph of `profiles`, computed from their text: an edge joins A and
    B when a bullet of A's connections section names B, or one of B's names
    A. Each bullet is one label, however often it names the other profile."""
    nodes = tuple(profiles)
    if matcher is None:
        matcher = name_matcher(nodes)
    labels = []
    for source in nodes:
        for bullet in source.items(CONNECTIONS):
            text = label_text(bullet)
            label = Label(source, text, stated_year(text))
            named = {m.profile.pk: m.profile for m in mentions(bullet, matcher, source)}
            labels += [(source, named[pk], label) for pk in sorted(named)]
    return join(nodes, labels)
