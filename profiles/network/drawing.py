"""The picture of a network: where each profile goes (`layout`) and the SVG
drawn from a `Graph` (`render_svg`), on the server, with no script and nothing
from another host. Pure: the graph it draws is already bounded by its caller.
"""

import math
import re
import unicodedata
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from profiles.models import Profile
from profiles.network.graph import Edge, Graph, Label, Neighbourhood
from profiles.network.matching import shorten

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


def network_svg(
    graph: Graph, *, title: str = "How the profiled groups connect"
) -> SafeString:
    """The picture of `graph`, a part of the network small enough to read."""
    return render_svg(
        graph,
        layout(graph),
        title=title,
        description=(
            f"{len(graph.nodes)} profile{'s' if len(graph.nodes) != 1 else ''} "
            f"joined by {len(graph.edges)} "
            f"connection{'s' if len(graph.edges) != 1 else ''}. "
            "A line joins two profiles when the connections section of one "
            "names the other; the list after the picture gives each connection "
            "in words."
        ),
    )


def neighbourhood_svg(near: Neighbourhood) -> SafeString:
    """The picture of a profile among its neighbours, its own words about
    each connection along the spokes when there are few. No neighbours: an
    empty picture."""
    center, neighbours = near.center, [n for n, _ in near.neighbours]
    if not neighbours:
        return mark_safe("")
    names = ", ".join(neighbour.name for neighbour in neighbours)
    return render_svg(
        near.star,
        layout(near.star, center=center),
        highlight=center,
        title=f"Connections of {center.name}",
        description=(
            f"{center.name} in the middle, joined to {len(neighbours)} "
            f"profile{'s' if len(neighbours) != 1 else ''}: {names}."
        ),
        id_prefix="neighbourhood",
        edge_labels=len(neighbours) <= _LABELLED_SPOKES,
    )
