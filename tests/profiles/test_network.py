import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify
from hypothesis import given
from hypothesis import strategies as st

from profiles.models import Profile
from profiles.network import neighbourhood, neighbourhood_svg
from profiles.network.drawing import Point, layout, render_svg
from profiles.network.graph import Label, graph
from profiles.network.matching import (
    NameIndex,
    _name_pattern,
    mention_links,
    mentions,
    name_matcher,
    shorten,
    spaced,
    stated_year,
)
from tests.factories import publish_profile

SVG = "{http://www.w3.org/2000/svg}"


def group(pk: int, name: str, *connections: str, **fields) -> Profile:
    """An unsaved profile, enough for the pure functions of the network."""
    return Profile(
        pk=pk,
        name=name,
        slug=fields.pop("slug", slugify(name) or f"profile-{pk}"),
        connections_to_other_militias="\n".join(connections),
        **fields,
    )


def named(text: str, profiles, exclude=None) -> list[tuple[str, str]]:
    return [
        (text[start:end], profile.name)
        for start, end, profile in mentions(text, name_matcher(profiles), exclude)
    ]


HEZBOLLAH = group(1, "Hezbollah", alternative_names="حزب الله\nHizballah")
KATAIB = group(
    2,
    "Kata'ib Hezbollah",
    english_name="Hezbollah Brigades",
    alternative_names="كتائب حزب الله\nKH",
)
FATEMIYOUN = group(3, "Liwa Fatemiyoun", english_name="Fatemiyoun Brigade")


# Mentions -------------------------------------------------------------------


def test_a_longer_name_wins_over_the_name_inside_it():
    text = "Fought beside Kata'ib Hezbollah in Syria"

    assert named(text, [HEZBOLLAH, KATAIB]) == [("Kata'ib Hezbollah", KATAIB.name)]


def test_names_match_in_any_case_but_only_as_whole_words():
    text = "Trained by HEZBOLLAH's commanders, not by Hezbollahi or XHezbollah"

    assert named(text, [HEZBOLLAH]) == [("HEZBOLLAH", "Hezbollah")]


def test_a_footnote_mark_does_not_hide_a_name():
    assert named("Trained by Hezbollah¹²", [HEZBOLLAH]) == [("Hezbollah", "Hezbollah")]


def test_an_alternative_name_or_english_name_names_the_profile():
    text = "Close to Hizballah and to the Hezbollah Brigades"

    assert named(text, [HEZBOLLAH, KATAIB]) == [
        ("Hizballah", "Hezbollah"),
        ("Hezbollah Brigades", "Kata'ib Hezbollah"),
    ]


def test_an_arabic_name_matches_inside_a_word():
    text = "قاتل وحزب الله ومع كتائب حزب الله"

    assert named(text, [HEZBOLLAH, KATAIB]) == [
        ("حزب الله", "Hezbollah"),
        ("كتائب حزب الله", "Kata'ib Hezbollah"),
    ]


def test_any_apostrophe_and_any_spacing_match():
    text = "Beside Kata’ib\u00a0 Hezbollah"

    assert named(text, [HEZBOLLAH, KATAIB]) == [
        ("Kata’ib\u00a0 Hezbollah", KATAIB.name)
    ]


def test_an_acronym_matches_only_in_capitals():
    assert named("KH and kh and Kh", [KATAIB]) == [("KH", KATAIB.name)]


def test_a_profile_does_not_link_to_itself_nor_through_its_own_name():
    text = "Kata'ib Hezbollah was trained by Hezbollah"

    assert named(text, [HEZBOLLAH, KATAIB], exclude=KATAIB) == [
        ("Hezbollah", "Hezbollah")
    ]
    assert mentions(text, name_matcher([HEZBOLLAH, KATAIB]), KATAIB)[0][:2] == (
        33,
        42,
    )


def test_a_name_two_profiles_share_links_to_neither():
    first = group(1, "Liwa al-Quds", alternative_names="Quds Brigade")
    second = group(2, "Saraya al-Quds", alternative_names="Quds Brigade")

    assert named("The Quds Brigade and Liwa al-Quds", [first, second]) == [
        ("Liwa al-Quds", "Liwa al-Quds")
    ]


def test_a_profile_name_beats_another_profiles_alternative_name():
    real = group(1, "Badr Organization")
    other = group(2, "Kata'ib Sayyid al-Shuhada", alternative_names="Badr Organization")

    assert named("With the Badr Organization", [real, other]) == [
        ("Badr Organization", "Badr Organization")
    ]


def test_no_profiles_no_mentions():
    assert mentions("Hezbollah", name_matcher([])) == []


def test_mention_links_give_the_profile_address():
    assert mention_links("With Hezbollah", name_matcher([HEZBOLLAH])) == [
        (5, 14, "/profiles/hezbollah/")
    ]


QUDS = group(4, "Liwa al-Quds", alternative_names="Quds Brigade\nQuds")
SARAYA = group(5, "Saraya al-Quds", alternative_names="Quds Brigade")
BADR = group(6, "Badr Organization", alternative_names="Badr\nبدر")
EVERYONE = [HEZBOLLAH, KATAIB, FATEMIYOUN, QUDS, SARAYA, BADR]
#: Pieces of text that make, break and overlap the names above.
PIECES = [
    *("Hezbollah", "HEZBOLLAH", "Hizballah", "Kata'ib", "Kata’ib", "Brigades"),
    *("KH", "kh", "Liwa", "al-Quds", "Quds", "Brigade", "Fatemiyoun", "Badr"),
    *("Organization", "حزب", "الله", "كتائب", "بدر", "و", "ب"),
    *(" ", " ", "  ", "\u00a0", "¹", "²", ",", "-", "x", "'", "’", "\n"),
]
texts = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


@given(texts, st.sampled_from([None, *EVERYONE]))
def test_searching_names_one_by_one_finds_what_their_alternation_finds(text, own):
    together = mentions(text, name_matcher(EVERYONE), own)

    assert mentions(text, name_matcher(EVERYONE, each=True), own) == together


@given(texts, st.sampled_from([None, *EVERYONE]))
def test_a_matcher_of_the_names_a_text_may_hold_finds_what_all_names_find(text, own):
    everyone = mentions(text, name_matcher(EVERYONE), own)

    assert mentions(text, NameIndex(EVERYONE).matcher_for(text), own) == everyone


#: Letters whose case the patterns and `fold` treat in their own ways.
CASES = [*("ŉ", "İ", "ı", "i", "I", "ß", "ẞ", "ss", "ſ", "s", "\u212a", "k")]
CASES += [*("Σ", "ς", "σ", "\u0307", "ﬅ", "st", "µ", "μ")]
odd_texts = st.lists(st.sampled_from(PIECES + CASES), max_size=12).map("".join)
odd_names = st.lists(st.sampled_from(PIECES + CASES), min_size=1, max_size=4).map(
    "".join
)


@given(odd_texts, odd_names)
def test_a_text_a_name_s_pattern_matches_holds_the_name_s_spaced_form(text, name):
    """Matchers try on a text only the names whose `spaced` form it holds:
    that must never leave out a name the pattern finds."""
    if re.search(_name_pattern(name), text, re.IGNORECASE):
        assert spaced(name) in spaced(text)


def test_spaced_folds_case_and_makes_apostrophes_and_spaces_one_space():
    assert spaced(" Kata’ib\u00a0\n Hezbollah ") == "kata ib hezbollah"
    assert spaced("İraq") == "iraq"


# The graph ------------------------------------------------------------------


def test_graph_merges_both_directions_into_one_edge_with_both_labels():
    a = group(1, "Alpha Brigade", "Trained by Beta Brigade¹", "Rival of Beta Brigade")
    b = group(2, "Beta Brigade", "Trained Alpha Brigade and Gamma Brigade")
    c = group(3, "Gamma Brigade", "Alpha Brigade, Alpha Brigade and Alpha Brigade")
    d = group(4, "Delta Brigade", "Names Delta Brigade only")

    network = graph([a, b, c, d])

    assert [
        (
            edge.a.name,
            edge.b.name,
            [(label.source.name, label.text) for label in edge.labels],
        )
        for edge in network.edges
    ] == [
        (
            "Alpha Brigade",
            "Beta Brigade",
            [
                ("Alpha Brigade", "Trained by Beta Brigade"),
                ("Alpha Brigade", "Rival of Beta Brigade"),
                ("Beta Brigade", "Trained Alpha Brigade and Gamma Brigade"),
            ],
        ),
        (
            "Alpha Brigade",
            "Gamma Brigade",
            [("Gamma Brigade", "Alpha Brigade, Alpha Brigade and Alpha Brigade")],
        ),
        (
            "Beta Brigade",
            "Gamma Brigade",
            [("Beta Brigade", "Trained Alpha Brigade and Gamma Brigade")],
        ),
    ]
    assert network.isolated == [d]


def test_neighbours_come_in_node_order_with_the_profiles_own_labels_first():
    a = group(1, "Alpha Brigade", "Trained by Beta Brigade")
    b = group(2, "Beta Brigade", "Trained Alpha Brigade")
    c = group(3, "Gamma Brigade", "Fought beside Beta Brigade")

    neighbours = graph([a, b, c]).neighbours(b)

    assert [
        (profile.name, [label.text for label in labels])
        for profile, labels in neighbours
    ] == [
        ("Alpha Brigade", ["Trained Alpha Brigade", "Trained by Beta Brigade"]),
        ("Gamma Brigade", ["Fought beside Beta Brigade"]),
    ]


def test_labels_are_shortened_at_a_word_for_the_picture():
    label = Label(
        HEZBOLLAH,
        "Fought in Syria alongside Liwa Fatemiyoun and Iraqi groups, "
        "under IRGC coordination",
    )

    assert label.short == "Fought in Syria alongside Liwa Fatemiyoun and Iraqi groups…"
    assert len(label.short) <= 60
    assert shorten("Short enough", 60) == "Short enough"


# Layout and picture ---------------------------------------------------------


def test_layout_puts_nodes_on_a_circle_from_the_top_clockwise():
    network = graph([group(i, f"Group {i}") for i in range(1, 5)])

    assert layout(network) == {
        1: Point(0.0, -150.0),
        2: Point(150.0, 0.0),
        3: Point(0.0, 150.0),
        4: Point(-150.0, 0.0),
    }


def test_layout_of_a_neighbourhood_puts_its_centre_in_the_middle():
    nodes = [group(i, f"Group {i}") for i in range(1, 4)]

    positions = layout(graph(nodes), center=nodes[1])

    assert positions == {
        2: Point(0.0, 0.0),
        1: Point(0.0, -250.0),
        3: Point(0.0, 250.0),
    }


def svg_of(profiles, **kwargs) -> tuple[str, ET.Element]:
    network = graph(profiles)
    svg = render_svg(
        network, layout(network), title="All <groups>", description="A & B", **kwargs
    )
    return svg, ET.fromstring(svg)


def test_svg_is_well_formed_accessible_and_scalable():
    svg, root = svg_of([HEZBOLLAH, KATAIB, FATEMIYOUN])

    assert root.tag == f"{SVG}svg"
    # Not "img": an image's children are presentational, and the links must
    # stay reachable (axe reports links inside an img as nested-interactive).
    assert root.get("role") == "group"
    assert root.find(f"{SVG}g[@class='edges']").get("aria-hidden") == "true"
    assert root.get("aria-labelledby") == "network-title"
    assert root.get("aria-describedby") == "network-desc"
    assert root.find(f"{SVG}title").text == "All <groups>"
    assert root.find(f"{SVG}desc").text == "A & B"
    assert re.fullmatch(r"-?[\d.]+ -?[\d.]+ [\d.]+ [\d.]+", root.get("viewBox"))
    assert "<script" not in svg
    assert "style=" not in svg  # the page's CSP allows no inline style


def test_svg_links_each_node_to_its_profile():
    _, root = svg_of([HEZBOLLAH, KATAIB, FATEMIYOUN])

    links = root.findall(f".//{SVG}a")
    assert [(a.get("href"), a.find(f"{SVG}text").text) for a in links] == [
        ("/profiles/hezbollah/", "Hezbollah"),
        ("/profiles/kataib-hezbollah/", "Kata'ib Hezbollah"),
        ("/profiles/liwa-fatemiyoun/", "Liwa Fatemiyoun"),
    ]
    assert [a.find(f"{SVG}title").text for a in links] == [
        "Hezbollah",
        "Kata'ib Hezbollah (Hezbollah Brigades)",
        "Liwa Fatemiyoun (Fatemiyoun Brigade)",
    ]
    assert all(len(a.findall(f"{SVG}circle")) == 1 for a in links)


def test_svg_edges_carry_their_labels_in_a_title():
    a = group(1, "Alpha Brigade", "Trained by Beta Brigade")
    b = group(2, "Beta Brigade", "Trained Alpha Brigade")

    _, root = svg_of([a, b])

    edges = root.findall(f".//{SVG}g[@class='edge']")
    assert [edge.find(f"{SVG}title").text for edge in edges] == [
        "Alpha Brigade — Beta Brigade\n"
        "Alpha Brigade: Trained by Beta Brigade\n"
        "Beta Brigade: Trained Alpha Brigade"
    ]
    assert len(edges[0].findall(f"{SVG}line")) == 2
    assert edges[0].find(f"{SVG}text") is None  # labels in words only on request


def test_svg_escapes_names_and_labels():
    evil = group(1, "<b>X</b>", 'Beside "Y" & <script>', slug="x")
    other = group(2, '"Y" & <script>', "Beside <b>X</b>", slug="y")

    svg, root = svg_of([evil, other], edge_labels=True)

    assert "<b>" not in svg
    assert "<script>" not in svg
    assert "&lt;b&gt;X&lt;/b&gt;" in svg
    assert [t.text for t in root.iter(f"{SVG}text")] == [
        'Beside "Y" & <script>',
        "<b>X</b>",
        '"Y" & <script>',
    ]


def test_svg_sets_arabic_names_right_to_left():
    arabic = group(1, "لواء الباقر", slug="liwa-al-baqir")

    _, root = svg_of([arabic, HEZBOLLAH])

    texts = {t.text: t for t in root.iter(f"{SVG}text")}
    assert texts["لواء الباقر"].get("direction") == "rtl"
    assert texts["Hezbollah"].get("direction") is None


def test_svg_highlights_the_current_profile_and_labels_its_spokes():
    a = group(1, "Alpha Brigade", "Trained by Beta Brigade")
    b = group(2, "Beta Brigade", "Fought beside Alpha Brigade")
    network = graph([a, b])

    svg = render_svg(
        network,
        layout(network, center=b),
        highlight=b,
        title="t",
        description="d",
        id_prefix="neighbourhood",
        edge_labels=True,
    )

    root = ET.fromstring(svg)
    assert root.get("aria-labelledby") == "neighbourhood-title"
    assert root.find(f".//{SVG}a[@class='node current']").get("href") == (
        "/profiles/beta-brigade/"
    )
    edge = root.find(f".//{SVG}g[@class='edge current']")
    assert edge.find(f"{SVG}text").text == "Fought beside Alpha Brigade"


# Pages ----------------------------------------------------------------------


def demo(*names_and_connections) -> list[Profile]:
    return [publish_profile(name, **fields) for name, fields in names_and_connections]


def test_stated_year_is_the_earliest_year_a_bullet_gives():
    assert stated_year("Allied since 2014, closer in 2017–2018") == 2014
    assert stated_year("Group claims 2011, likely 2012 or later") == 2011
    assert stated_year("Fought beside Hezbollah") is None
    assert stated_year("Report 12345 and 20140 are not years") is None


@pytest.mark.django_db
def test_network_page_shows_the_picture_and_the_connections_in_words(client):
    demo(
        (
            "Hezbollah",
            {"connections_to_other_militias": ["Trained Kata'ib Hezbollah¹"]},
        ),
        (
            "Kata'ib Hezbollah",
            {"connections_to_other_militias": ["Trained by Hezbollah"]},
        ),
        ("Liwa <Alone>", {}),
    )

    response = client.get("/network/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    svg = re.search(r"<svg.*?</svg>", html, re.S).group()
    ET.fromstring(svg)
    assert (
        '<a href="/profiles/hezbollah/" dir="auto">Hezbollah</a> — '
        '<a href="/profiles/kataib-hezbollah/" dir="auto">Kata&#x27;ib Hezbollah</a>'
    ) in html
    assert (
        '<li><span class="label-source" dir="auto">Hezbollah</span>: '
        '<span dir="auto">Trained Kata&#x27;ib Hezbollah</span></li>'
    ) in html
    assert '<a href="/profiles/liwa-alone/" dir="auto">Liwa &lt;Alone&gt;</a>' in html
    assert "3 profiles and 1 connection." in html


@pytest.mark.django_db
def test_network_page_with_no_profiles(client):
    response = client.get("/network/")

    assert response.status_code == 200
    assert "No profiles are published yet." in response.content.decode()


@pytest.mark.django_db
def test_neighbourhood_costs_two_queries_and_lists_who_names_whom():
    hezbollah, _, _, alone = demo(
        ("Hezbollah", {"connections_to_other_militias": ["Trained Kata'ib Hezbollah"]}),
        (
            "Kata'ib Hezbollah",
            {"connections_to_other_militias": ["Trained by Hezbollah"]},
        ),
        ("Liwa Fatemiyoun", {"connections_to_other_militias": ["Beside Hezbollah"]}),
        ("Alone", {}),
    )

    with CaptureQueriesContext(connection) as queries:
        near = neighbourhood(hezbollah)

    assert len(queries) == 2
    assert [
        (profile.name, [(label.source.name, label.text) for label in labels])
        for profile, labels in near.neighbours
    ] == [
        (
            "Kata'ib Hezbollah",
            [
                ("Hezbollah", "Trained Kata'ib Hezbollah"),
                ("Kata'ib Hezbollah", "Trained by Hezbollah"),
            ],
        ),
        ("Liwa Fatemiyoun", [("Liwa Fatemiyoun", "Beside Hezbollah")]),
    ]
    assert near.links == {0: [(8, 25, "/profiles/kataib-hezbollah/")]}
    root = ET.fromstring(neighbourhood_svg(near))
    assert root.find(f"{SVG}title").text == "Connections of Hezbollah"
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == [
        "/profiles/hezbollah/",
        "/profiles/kataib-hezbollah/",
        "/profiles/liwa-fatemiyoun/",
    ]
    lonely = neighbourhood(alone)
    assert (lonely.neighbours, lonely.links, neighbourhood_svg(lonely)) == ([], {}, "")


@pytest.mark.django_db
def test_neighbourhood_include_renders_the_picture_and_the_list():
    hezbollah, _ = demo(
        ("Hezbollah", {"connections_to_other_militias": ["Trained Kata'ib Hezbollah"]}),
        ("Kata'ib Hezbollah", {}),
    )
    near = neighbourhood(hezbollah)
    svg = neighbourhood_svg(near)
    include = Template('{% include "includes/neighbourhood.html" %}')

    html = include.render(Context({"neighbourhood": near, "neighbourhood_svg": svg}))

    assert svg in html
    assert (
        '<a href="/profiles/kataib-hezbollah/" dir="auto">Kata&#x27;ib Hezbollah</a>'
        in html
    )
    assert '<a href="/network/?profile=hezbollah">' in html
    assert '<a href="/network/">the most connected profiles</a>' in html
    alone = neighbourhood(publish_profile("Alone"))
    assert include.render(Context({"neighbourhood": alone})).strip() == ""


# The template tag -----------------------------------------------------------

TAG = Template(
    "{% load network_tags %}"
    "{% for item in items %}<li>{% connections_item item links forloop.counter0 %}"
    "</li>{% endfor %}"
)


def render_items(items, profiles, profile=None) -> str:
    """The bullets rendered with the links their mentions make, by
    position, as `Neighbourhood.links` gives them."""
    matcher = name_matcher(profiles)
    links = {
        position: mention_links(item, matcher, profile)
        for position, item in enumerate(items)
    }
    return TAG.render(Context({"items": items, "links": links}))


def test_tag_links_mentions_and_footnote_marks():
    html = render_items(
        ["Trained by Hezbollah¹ & Kata'ib Hezbollah²", "Again Hezbollah¹"],
        [HEZBOLLAH, KATAIB, FATEMIYOUN],
        profile=FATEMIYOUN,
    )

    assert html == (
        '<li>Trained by <a href="/profiles/hezbollah/">Hezbollah</a>'
        '<sup class="fn"><a href="#note-1" id="ref-1" aria-label="Note 1">1</a></sup>'
        ' &amp; <a href="/profiles/kataib-hezbollah/">Kata\'ib Hezbollah</a>'
        '<sup class="fn"><a href="#note-2" id="ref-2" aria-label="Note 2">2</a></sup>'
        "</li>"
        '<li>Again <a href="/profiles/hezbollah/">Hezbollah</a>'
        '<sup class="fn"><a href="#note-1" aria-label="Note 1">1</a></sup></li>'
    )


def test_tag_leaves_names_inside_web_addresses_and_its_own_name_alone():
    html = render_items(
        ["Kata'ib Hezbollah, see https://example.org/hezbollah <b>"],
        [HEZBOLLAH, KATAIB],
        profile=KATAIB,
    )

    assert html == (
        "<li>Kata'ib Hezbollah, see "
        '<a href="https://example.org/hezbollah" rel="nofollow noopener noreferrer">'
        "https://example.org/hezbollah</a> &lt;b&gt;</li>"
    )


def test_tag_links_only_the_bullet_its_position_gives():
    html = TAG.render(
        Context(
            {
                "items": ["Beside Hezbollah", "Beside Hezbollah"],
                "links": {1: [(7, 16, "/profiles/hezbollah/")]},
            }
        )
    )

    assert html == (
        "<li>Beside Hezbollah</li>"
        '<li>Beside <a href="/profiles/hezbollah/">Hezbollah</a></li>'
    )


def test_tag_passes_over_a_span_that_does_not_fit_the_text():
    html = TAG.render(
        Context(
            {
                "items": ["Beside Hezbollah"],
                "links": {0: [(7, 16, "/a/"), (10, 12, "/b/"), (7, 99, "/c/")]},
            }
        )
    )

    assert html == '<li>Beside <a href="/a/">Hezbollah</a></li>'


def test_tag_without_links_renders_as_marked():
    html = TAG.render(Context({"items": ["Beside Hezbollah¹"], "links": None}))

    assert html == (
        '<li>Beside Hezbollah<sup class="fn"><a href="#note-1" id="ref-1" '
        'aria-label="Note 1">1</a></sup></li>'
    )
