"""The network of profiles: which profiles a profile's "Connections to other
militias" section names, the graph those mentions make, and its picture.

Reads only: one light query of the published profiles (`network_profiles`),
then everything is computed in memory, so a page's query count does not grow
with the number of profiles. The picture is SVG drawn here, on the server: no
script and nothing from another host.
"""

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from profiles.document import FOOTNOTE_MARK_RE
from profiles.models import Profile, split_lines

CONNECTIONS = "connections_to_other_militias"
#: The fields the network reads; anything else would cost a query per profile.
NETWORK_FIELDS = ("name", "english_name", "alternative_names", "slug", CONNECTIONS)
#: How long an edge label may be before it is shortened.
LABEL_LENGTH = 60


def network_profiles() -> QuerySet[Profile]:
    """The published profiles with only the fields the network reads."""
    return Profile.objects.published().only(*NETWORK_FIELDS)


# Mentions -------------------------------------------------------------------

_APOSTROPHES = "'’‘ʼ`´"
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_ARABIC_SCRIPT_RE = re.compile(
    "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
)
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9]{1,5}")
# A word character that is not a footnote mark: "Hezbollah¹" names Hezbollah.
_WORD_CHAR = r"[^\W⁰¹²³⁴⁵⁶⁷⁸⁹]"
# Where two profiles claim the same name, the stronger claim wins; two equal
# claims make the name ambiguous, and an ambiguous name links nowhere.
_NAME, _ENGLISH_NAME, _ALTERNATIVE_NAME = range(3)


def _key(name: str) -> str:
    """What two spellings of a name have in common when they are the same name."""
    return " ".join(_APOSTROPHE_RE.sub("'", name).split()).casefold()


def _name_pattern(name: str) -> str:
    """The regular expression for one name.

    Arabic-script names match anywhere, because Arabic joins prefixes such as
    و and ب to the word they precede. Other names match whole words only,
    case-insensitively, except acronyms ("KH"), which must match in capitals.
    Any apostrophe matches any other, and any run of spaces any other.
    """
    words = [
        f"[{_APOSTROPHES}]".join(re.escape(part) for part in _APOSTROPHE_RE.split(word))
        for word in name.split()
    ]
    body = r"\s+".join(words)
    if _ARABIC_SCRIPT_RE.search(name):
        return body
    if _ACRONYM_RE.fullmatch(name):
        body = f"(?-i:{body})"
    return rf"(?<!{_WORD_CHAR}){body}(?!{_WORD_CHAR})"


@dataclass(frozen=True)
class NameMatcher:
    """Finds the names of profiles in text. `profiles` maps each name's key to
    its profile, or to None when the name is ambiguous."""

    pattern: re.Pattern | None
    profiles: dict[str, Profile | None]


def name_matcher(profiles: Iterable[Profile]) -> NameMatcher:
    """A matcher of every name, English name and alternative name of `profiles`
    (pass `network_profiles()`). Longer names are tried first, so
    "Kata'ib Hezbollah" is found whole rather than as "Hezbollah"."""
    # key -> (strength of the claim, its spelling, the profiles making it)
    claims: dict[str, tuple[int, str, dict[int, Profile]]] = {}
    for profile in profiles:
        names = [(_NAME, profile.name), (_ENGLISH_NAME, profile.english_name)]
        names += [
            (_ALTERNATIVE_NAME, n) for n in split_lines(profile.alternative_names)
        ]
        for strength, name in names:
            key = _key(name)
            if len(key) < 2:  # a one-letter name would link half the text
                continue
            claim = claims.get(key)
            if claim is None or strength < claim[0]:
                claims[key] = (strength, name.strip(), {profile.pk: profile})
            elif strength == claim[0]:
                claim[2][profile.pk] = profile
    if not claims:
        return NameMatcher(pattern=None, profiles={})
    keys = sorted(claims, key=lambda key: (-len(key), key))
    pattern = re.compile(
        "|".join(f"(?:{_name_pattern(claims[key][1])})" for key in keys),
        re.IGNORECASE,
    )
    return NameMatcher(
        pattern=pattern,
        profiles={
            key: next(iter(owners.values())) if len(owners) == 1 else None
            for key, (_, _, owners) in claims.items()
        },
    )


class Mention(NamedTuple):
    start: int
    end: int
    profile: Profile


def mentions(
    text: str, matcher: NameMatcher, exclude: Profile | None = None
) -> list[Mention]:
    """The profiles `text` names, in order and not overlapping, leftmost and
    then longest first. A name of `exclude` (the profile the text belongs to)
    or an ambiguous name is passed over, but its words stay taken: the
    "Hezbollah" in "Kata'ib Hezbollah" never names Hezbollah."""
    if matcher.pattern is None:
        return []
    found = []
    for match in matcher.pattern.finditer(text):
        profile = matcher.profiles.get(_key(match.group()))
        if profile is None or (exclude is not None and profile.pk == exclude.pk):
            continue
        found.append(Mention(match.start(), match.end(), profile))
    return found


def mention_links(
    text: str, matcher: NameMatcher, exclude: Profile | None = None
) -> list[tuple[int, int, str]]:
    """The mentions in `text` as (start, end, address of the profile) spans."""
    return [
        (start, end, profile.get_absolute_url())
        for start, end, profile in mentions(text, matcher, exclude)
    ]


# The graph ------------------------------------------------------------------


def shorten(text: str, length: int) -> str:
    """`text` cut at a word to at most `length` characters, with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1].isalnum() and " " in cut:  # the cut falls inside a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–—-") + "…"


@dataclass(frozen=True)
class Label:
    """What `source`'s connections section says about a connection: the bullet,
    without its footnote marks (they point to notes on another page)."""

    source: Profile
    text: str

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


def graph(profiles: Iterable[Profile], matcher: NameMatcher | None = None) -> Graph:
    """The graph of `profiles`: an edge joins A and B when a bullet of A's
    connections section names B, or one of B's names A. Each bullet is one
    label, however often it names the other profile."""
    nodes = tuple(profiles)
    if matcher is None:
        matcher = name_matcher(nodes)
    order = {node.pk: i for i, node in enumerate(nodes)}
    labels: dict[tuple[int, int], list[Label]] = {}
    for source in nodes:
        for bullet in source.items(CONNECTIONS):
            label = Label(source, " ".join(FOOTNOTE_MARK_RE.sub("", bullet).split()))
            named = {m.profile.pk for m in mentions(bullet, matcher, exclude=source)}
            for target in sorted(pk for pk in named if pk in order):
                pair = tuple(sorted((order[source.pk], order[target])))
                labels.setdefault(pair, []).append(label)
    edges = tuple(
        Edge(nodes[a], nodes[b], tuple(labels[a, b])) for a, b in sorted(labels)
    )
    return Graph(nodes, edges)


# Layout ---------------------------------------------------------------------


class Point(NamedTuple):
    x: float
    y: float


# Room on the ring for each node, so that names along the radius do not touch.
_RING_SPACING = 22
_MIN_RADIUS = 150
_MIN_STAR_RADIUS = 250  # long enough spokes for a short label along each


def layout(graph: Graph, *, center: Profile | None = None) -> dict[int, Point]:
    """Where each node goes, by primary key: on a circle around the origin in
    node order, clockwise from the top; `center`, when given, at the origin.
    Deterministic, so a page draws the same picture every time."""
    ring = [node for node in graph.nodes if center is None or node.pk != center.pk]
    minimum = _MIN_RADIUS if center is None else _MIN_STAR_RADIUS
    radius = max(minimum, _RING_SPACING * len(ring) / (2 * math.pi))
    positions = {} if center is None else {center.pk: Point(0.0, 0.0)}
    for i, node in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * i / len(ring)
        positions[node.pk] = Point(
            round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1)
        )
    return positions


# The picture ----------------------------------------------------------------

_FONT_SIZE = 13
_EDGE_FONT_SIZE = 11
_CHAR_WIDTH = 0.6  # of the font size: a generous average, to leave room
_EDGE_CHAR_WIDTH = 0.52  # closer to the truth: an edge label has its own line
_NODE_RADIUS = 9
_CURRENT_RADIUS = 12
_NAME_LENGTH = 32
_PADDING = 8
_LABEL_CLEARANCE = 30
# Up to this many nodes, names are set level; beyond, along the radius.
_HORIZONTAL_NAMES_UP_TO = 12
_SHORTEST_EDGE_LABEL = 12  # characters; a shorter label says too little
_TEXT = "#1b1b1b"
_LINK = "#0a4f94"
_ACCENT = "#8a2b0c"
_EDGE = "#767676"  # 4.5:1 on white: lines are information too
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _number(value: float) -> str:
    return f"{round(value, 1) + 0.0:g}"


def _content(text: str) -> str:
    """Text escaped for SVG; control characters, which XML forbids, dropped."""
    return escape(_CONTROL_CHARS.sub("", text))


def _is_rtl(text: str) -> bool:
    """Whether the first strongly directional character of `text` is
    right-to-left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


class _Box:
    """The extent of what has been drawn, for the viewBox."""

    def __init__(self) -> None:
        self.left = self.top = math.inf
        self.right = self.bottom = -math.inf

    def add(self, left: float, top: float, right: float, bottom: float) -> None:
        self.left, self.top = min(self.left, left), min(self.top, top)
        self.right, self.bottom = max(self.right, right), max(self.bottom, bottom)


def _text(
    content: str,
    x: float,
    y: float,
    *,
    align: str,
    size: int,
    box: _Box | None = None,
    attributes: str = "",
) -> str:
    """A `<text>` whose left end, right end or middle (`align`) is at x, in
    its own direction, so an Arabic name reads right to left and still sits
    on the side of its node that the layout chose."""
    rtl = _is_rtl(content)
    anchor = {"left": "start", "right": "end", "center": "middle"}[align]
    if rtl and align != "center":
        anchor = "end" if align == "left" else "start"
    if box is not None:
        width = len(content) * size * _CHAR_WIDTH
        left = {"left": x, "right": x - width, "center": x - width / 2}[align]
        box.add(left, y - size, left + width, y + size * 0.3)
    bidi = ' direction="rtl" unicode-bidi="embed"' if rtl else ""
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" text-anchor="{anchor}" '
        f'font-size="{size}"{bidi}{attributes}>{_content(content)}</text>'
    )


def _node(
    profile: Profile, point: Point, *, current: bool, radial: bool, box: _Box
) -> str:
    radius = _CURRENT_RADIUS if current else _NODE_RADIUS
    box.add(point.x - radius, point.y - radius, point.x + radius, point.y + radius)
    name = shorten(profile.name, _NAME_LENGTH)
    attributes = (
        f' fill="{_ACCENT if current else _LINK}"'
        + (' font-weight="700"' if current else "")
        + ' stroke="#fff" stroke-width="3" stroke-linejoin="round"'
        ' paint-order="stroke"'
    )
    distance = math.hypot(point.x, point.y)
    gap = radius + 5
    if distance < 1:  # the centre of a neighbourhood: its name goes below
        label = _text(
            name,
            point.x,
            point.y + gap + _FONT_SIZE * 0.8,
            align="center",
            size=_FONT_SIZE,
            box=box,
            attributes=attributes,
        )
    elif radial:
        # Along the radius, outward, never upside down: on a crowded ring
        # horizontal names would run into each other at the top and bottom.
        ux, uy = point.x / distance, point.y / distance
        x, y = point.x + ux * gap, point.y + uy * gap
        reach = gap + len(name) * _FONT_SIZE * _CHAR_WIDTH
        end_x, end_y = point.x + ux * reach, point.y + uy * reach
        box.add(
            min(x, end_x) - _FONT_SIZE,
            min(y, end_y) - _FONT_SIZE,
            max(x, end_x) + _FONT_SIZE,
            max(y, end_y) + _FONT_SIZE,
        )
        angle = math.degrees(math.atan2(uy, ux))
        if ux < 0:
            angle += 180
        label = _text(
            name,
            x,
            y + _FONT_SIZE * 0.35,
            align="left" if ux >= 0 else "right",
            size=_FONT_SIZE,
            attributes=(
                f' transform="rotate({_number(angle)} {_number(x)} {_number(y)})"'
                + attributes
            ),
        )
    else:
        # Outward, away from the middle of the picture.
        ux, uy = point.x / distance, point.y / distance
        x, y = point.x + ux * gap, point.y + uy * gap
        if uy > 0.35:
            y += _FONT_SIZE * 0.8
        elif uy >= -0.35:
            y += _FONT_SIZE * 0.35
        label = _text(
            name,
            x,
            y,
            align="left" if ux > 0.35 else "right" if ux < -0.35 else "center",
            size=_FONT_SIZE,
            box=box,
            attributes=attributes,
        )
    return (
        f'<a class="node{" current" if current else ""}" '
        f'href="{escape(profile.get_absolute_url())}">'
        f"<title>{_content(profile.title)}</title>"
        f'<circle cx="{_number(point.x)}" cy="{_number(point.y)}" r="{radius}" '
        f'fill="{_ACCENT if current else _LINK}" stroke="#fff" stroke-width="2"/>'
        f"{label}</a>"
    )


def _edge(
    edge: Edge,
    start: Point,
    end: Point,
    *,
    highlight: int | None,
    visible: Label | None,
) -> str:
    current = highlight in (edge.a.pk, edge.b.pk)
    dx, dy = end.x - start.x, end.y - start.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    trim = _CURRENT_RADIUS + 2
    x1, y1 = start.x + ux * trim, start.y + uy * trim
    x2, y2 = end.x - ux * trim, end.y - uy * trim
    coordinates = (
        f'x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}"'
    )
    title = "\n".join(
        [f"{edge.a.name} — {edge.b.name}"]
        + [f"{label.source.name}: {label.short}" for label in edge.labels]
    )
    parts = [
        f'<g class="edge{" current" if current else ""}">',
        f"<title>{_content(title)}</title>",
        # A wide, unseen line under the drawn one, so the title is easy to hover.
        f'<line {coordinates} stroke="#000" stroke-opacity="0" stroke-width="12"/>',
        f'<line {coordinates} stroke="{_ACCENT if current else _EDGE}" '
        f'stroke-width="{2 if current else 1.5}"/>',
    ]
    if visible is not None:
        # The label keeps clear of the nodes, and further clear of the
        # highlighted node, whose name may sit across any of its edges.
        clear_a = trim + 4 + (_LABEL_CLEARANCE if edge.a.pk == highlight else 0)
        clear_b = trim + 4 + (_LABEL_CLEARANCE if edge.b.pk == highlight else 0)
        fits = int((length - clear_a - clear_b) / (_EDGE_FONT_SIZE * _EDGE_CHAR_WIDTH))
        if fits >= _SHORTEST_EDGE_LABEL:
            middle = (clear_a + length - clear_b) / 2
            x, y = start.x + ux * middle, start.y + uy * middle
            angle = math.degrees(math.atan2(dy, dx))
            if angle > 90 or angle <= -90:  # never upside down
                angle += 180 if angle <= -90 else -180
            parts.append(
                _text(
                    shorten(visible.text, fits),
                    x,
                    y - 4,
                    align="center",
                    size=_EDGE_FONT_SIZE,
                    attributes=(
                        f' class="edge-label" fill="{_TEXT}"'
                        f' transform="rotate({_number(angle)} {_number(x)} '
                        f'{_number(y)})" stroke="#fff" stroke-width="3"'
                        ' stroke-linejoin="round" paint-order="stroke"'
                    ),
                )
            )
    parts.append("</g>")
    return "".join(parts)


def render_svg(
    graph: Graph,
    layout: dict[int, Point],
    highlight: Profile | None = None,
    *,
    title: str,
    description: str,
    id_prefix: str = "network",
    edge_labels: bool = False,
) -> SafeString:
    """The graph as an SVG image: each node a link to its profile, each edge a
    line whose `<title>` says what either profile says of the connection, and
    with `edge_labels`, one of those (the highlighted profile's own, if it has
    one) along the line, as much of it as fits.

    The picture is a `role="group"` named by `title` and described by
    `description`, not an `img`: an image hides what is inside it, and its
    node links must stay reachable. The edges are hidden from assistive
    technology, because the page gives the same connections in words. Every
    piece of text is escaped. It scales to its container through its viewBox.
    """
    current = highlight.pk if highlight is not None else None
    box = _Box()
    edges = []
    for edge in graph.edges:
        # The highlighted profile's own words about the edge come first.
        own = [label for label in edge.labels if label.source.pk == current]
        edges.append(
            _edge(
                edge,
                layout[edge.a.pk],
                layout[edge.b.pk],
                highlight=current,
                visible=(own or list(edge.labels))[0] if edge_labels else None,
            )
        )
    radial = len(graph.nodes) > _HORIZONTAL_NAMES_UP_TO
    nodes = [
        _node(node, layout[node.pk], current=node.pk == current, radial=radial, box=box)
        for node in graph.nodes
    ]
    if not nodes:
        box.add(0, 0, 0, 0)
    left, top = box.left - _PADDING, box.top - _PADDING
    width = box.right - box.left + 2 * _PADDING
    height = box.bottom - box.top + 2 * _PADDING
    prefix = escape(id_prefix)
    return mark_safe(  # every piece of data in it has been escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-graph" '
        f'viewBox="{_number(left)} {_number(top)} {_number(width)} {_number(height)}" '
        f'width="{math.ceil(width)}" height="{math.ceil(height)}" role="group" '
        f'aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc">'
        f'<title id="{prefix}-title">{_content(title)}</title>'
        f'<desc id="{prefix}-desc">{_content(description)}</desc>'
        f'<g class="edges" aria-hidden="true">{"".join(edges)}</g>'
        f'<g class="nodes">{"".join(nodes)}</g>'
        "</svg>"
    )


# Pages ----------------------------------------------------------------------

#: Up to this many neighbours, each spoke carries its label in words.
_LABELLED_SPOKES = 8


def network_svg(graph: Graph) -> SafeString:
    """The picture of the whole network."""
    return render_svg(
        graph,
        layout(graph),
        title="How the profiled groups connect",
        description=(
            f"{len(graph.nodes)} profiles joined by {len(graph.edges)} connections. "
            "A line joins two profiles when the connections section of one "
            "names the other; the list after the picture gives each connection "
            "in words."
        ),
    )


def neighbourhood(
    profile: Profile,
    all_profiles: Iterable[Profile],
    *,
    matcher: NameMatcher | None = None,
) -> tuple[SafeString, list[tuple[Profile, list[Label]]]]:
    """The picture of `profile` among the profiles it names or that name it,
    and those neighbours with the labels of each connection, `profile`'s own
    first. `all_profiles` is `network_profiles()` (one query, unless it has
    been evaluated already); pass the page's `matcher` to build it only once.
    No neighbours: an empty picture and an empty list."""
    everyone = graph(all_profiles, matcher)
    center = next((n for n in everyone.nodes if n.pk == profile.pk), profile)
    neighbours = everyone.neighbours(center)
    if not neighbours:
        return mark_safe(""), []
    star = Graph(
        nodes=(center, *(neighbour for neighbour, _ in neighbours)),
        edges=tuple(
            edge for edge in everyone.edges if center.pk in (edge.a.pk, edge.b.pk)
        ),
    )
    names = ", ".join(neighbour.name for neighbour, _ in neighbours)
    svg = render_svg(
        star,
        layout(star, center=center),
        highlight=center,
        title=f"Connections of {center.name}",
        description=(
            f"{center.name} in the middle, joined to {len(neighbours)} "
            f"profile{'s' if len(neighbours) != 1 else ''}: {names}."
        ),
        id_prefix="neighbourhood",
        edge_labels=len(neighbours) <= _LABELLED_SPOKES,
    )
    return svg, neighbours
