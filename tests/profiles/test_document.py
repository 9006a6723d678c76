"""The plain-text profile document: reading, writing and the round trip.

The small documents here describe made-up groups; the seed tests read the real
sample from ../shared and pin down what the parser makes of it.
"""

from collections.abc import Callable

import pytest

from profiles.document import (
    FOOTNOTE_MARK_RE,
    MARK_DIGITS,
    DocumentError,
    DocumentLimits,
    LeaderEntry,
    NoteEntry,
    ProfileDocument,
    footnote_numbers,
    mark_label,
    parse,
    render,
    superscript,
)


def lines(*rows: str) -> str:
    """A document from its lines, so that a test can count them."""
    return "\n".join(rows) + "\n"


RIVER = lines(
    "Saraya al-Nahr (River Companies)",  # 1
    "",
    "Logo: A blue fish over crossed oars",  # 3
    "",
    "Flag Text: “Guardians of the river”",  # 5
    "",
    "FOUNDING",  # 7
    "",
    "- Announced in 2019",  # 9
    "",
    "SIZE",  # 11
    "",
    "- Several hundred, by its own count¹",  # 13
    "",
    "KEY LEADERS",  # 15
    "",
    "- Adel Farouk (aka Abu Sami, the Boatman) is the founder",  # 17
    "",
    "BACKGROUND AND ANALYSIS",  # 19
    "",
    "The companies patrol the marshes east of the delta.²",  # 21
    "",
    "1. The figure comes from a recruitment video.",  # 23
    "",
    "2. Jane Roe, “Life on the Marsh,” *Delta Gazette*, May 2, 2021. "
    "(<https://example.org/marsh>)",  # 25
)


# The seed -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(seed_text: str) -> ProfileDocument:
    return parse(seed_text)


def test_seed_title_and_header(seed: ProfileDocument) -> None:
    assert seed.name == "Liwa al-Baqir"
    assert seed.english_name == "al-Baqir Brigade"
    assert seed.logo_description == "Image of Bashar al-Assad"
    assert seed.flag_text.startswith("Above image: “Liwa al-Baqir the first")
    assert seed.flag_text.endswith(
        "; below image: “The lions of al-Baqir, men of al-Assad”"
    )
    assert seed.alternative_names == ()
    assert seed.tags == ()


@pytest.mark.parametrize(
    ("field", "count", "first"),
    [
        ("founding", 1, "Group claims 2011, likely 2012 or later"),
        ("size", 1, "Estimated at 3,000"),
        ("political_wing", 1, "None"),
        (
            "weapons",
            1,
            "Has displayed Soviet-era weapons that were available in "
            "Syria prior to the war",
        ),
        ("atrocities", 1, "Possible role in civilian massacres"),
        (
            "areas_of_operation",
            1,
            "Based in Aleppo province, has operated in in Hama "
            "and Raqqa provinces, participated in the 2017 offensive toward the U.S. "
            "base at Tanf",
        ),
        ("connections_to_other_militias", 3, "Frequently employs Hezbollah imagery"),
        ("current_designations", 1, "None"),
        ("social_media", 1, "Facebook"),
    ],
)
def test_seed_bullet_sections(
    seed: ProfileDocument, field: str, count: int, first: str
) -> None:
    assert len(seed.bullets[field]) == count
    assert seed.bullets[field][0] == first


def test_seed_has_exactly_the_bullet_sections_of_the_table(
    seed: ProfileDocument,
) -> None:
    assert len(seed.bullets) == 9
    assert "leaders" not in seed.bullets


def test_seed_leaders(seed: ProfileDocument) -> None:
    assert seed.leaders == (
        LeaderEntry(
            name="Khalid al-Hassan",
            aliases=("Khalid al-Mara'i", "Khalid Baqir", "al-Hajj Khalid"),
            role="is the top commander",
        ),
        LeaderEntry(
            name="Hamza al-Hassan",
            aliases=("Abu al-Abbas", "al-Hajj Hamza"),
            role="is a commander of the militia's special unit",
        ),
        LeaderEntry(name="National Assembly representative Omar Hussein al-Hassan"),
    )


def test_seed_prose(seed: ProfileDocument) -> None:
    assert set(seed.prose) == {"connections_to_irgc", "background"}
    assert "\n" not in seed.prose["connections_to_irgc"]
    paragraphs = seed.prose["background"].split("\n\n")
    assert len(paragraphs) == 5
    assert all(paragraph.strip() == paragraph for paragraph in paragraphs)
    assert footnote_numbers(seed.prose["background"]) == [1, 2, 3, 4, 5, 6, 7]


def test_seed_notes(seed: ProfileDocument) -> None:
    assert [note.number for note in seed.notes] == [1, 2, 3, 4, 5, 6, 7]
    assert [len(note.sources) for note in seed.notes] == [1, 1, 1, 1, 1, 1, 2]
    assert seed.notes[0].sources[0].url == (
        "https://www.cnas.org/publications/reports/deir-azzour-tribal-mapping-project"
    )
    persian, facebook = seed.notes[6].sources
    assert persian.url == (
        "http://diyaruna.com/fa/articles/cnmi_di/features/2017/07/31/feature-01"
    )
    assert persian.language == "fa"
    assert facebook.url.startswith("https://www.facebook.com/baqueru/photos/")
    assert seed.notes[6].text.endswith("?type=3>)")
    assert seed.notes[2].commentary.startswith("Al-Baqir's Facebook page")


def test_seed_round_trip(seed_text: str, seed: ProfileDocument) -> None:
    written = render(seed)
    assert parse(written) == seed
    assert render(parse(written)) == written


def test_seed_renders_as_written_but_for_blank_line_runs(
    seed_text: str, seed: ProfileDocument
) -> None:
    blocks = [block.strip() for block in seed_text.split("\n\n") if block.strip()]
    assert render(seed) == "\n\n".join(blocks) + "\n"


# Reading: one table of edge cases ------------------------------------------------


def urls(document: ProfileDocument, number: int) -> tuple[str, ...]:
    return tuple(source.url for source in document.notes[number - 1].sources)


EDGE_CASES = [
    pytest.param(
        RIVER,
        lambda d: (d.name, d.english_name, d.logo_description),
        ("Saraya al-Nahr", "River Companies", "A blue fish over crossed oars"),
        id="title-with-gloss-and-logo",
    ),
    pytest.param(
        RIVER.replace("Saraya al-Nahr (River Companies)", "Saraya al-Nahr"),
        lambda d: (d.name, d.english_name),
        ("Saraya al-Nahr", ""),
        id="title-without-gloss",
    ),
    pytest.param(
        RIVER,
        lambda d: d.flag_text,
        "“Guardians of the river”",
        id="curly-quotes",
    ),
    pytest.param(
        RIVER.replace("“Guardians of the river”", '"Guardians of the river"'),
        lambda d: d.flag_text,
        '"Guardians of the river"',
        id="straight-quotes",
    ),
    pytest.param(
        RIVER.replace("Flag Text:", "FLAG TEXT:"),
        lambda d: d.flag_text,
        "“Guardians of the river”",
        id="flag-text-key-in-capitals",
    ),
    pytest.param(
        RIVER.replace("\n", "\r\n"),
        lambda d: (d.bullets["founding"], d.prose["background"]),
        (
            ("Announced in 2019",),
            "The companies patrol the marshes east of the delta.²",
        ),
        id="crlf",
    ),
    pytest.param(
        "\ufeff" + RIVER.replace("\n", "\r"),
        lambda d: (d.name, d.bullets["size"]),
        ("Saraya al-Nahr", ("Several hundred, by its own count¹",)),
        id="bom-and-old-mac-line-ends",
    ),
    pytest.param(
        RIVER,
        lambda d: (d.prose["background"], footnote_numbers(d.prose["background"])),
        ("The companies patrol the marshes east of the delta.²", [2]),
        id="mark-in-prose",
    ),
    pytest.param(
        RIVER,
        lambda d: d.bullets["size"],
        ("Several hundred, by its own count¹",),
        id="mark-in-bullet",
    ),
    pytest.param(
        RIVER.replace("is the founder", "is the founder²"),
        lambda d: d.leaders[0].role,
        "is the founder²",
        id="mark-in-leader-bullet",
    ),
    pytest.param(
        RIVER,
        lambda d: d.leaders,
        (LeaderEntry("Adel Farouk", ("Abu Sami", "the Boatman"), "is the founder"),),
        id="aka-aliases",
    ),
    pytest.param(
        RIVER.replace("(aka Abu Sami, the Boatman)", "(a.k.a. Abu Sami; the Boatman)"),
        lambda d: d.leaders,
        (LeaderEntry("Adel Farouk", ("Abu Sami", "the Boatman"), "is the founder"),),
        id="a.k.a.-with-semicolon",
    ),
    pytest.param(
        RIVER.replace("(aka Abu Sami, the Boatman)", "(Also Known As Abu Sami)"),
        lambda d: d.leaders,
        (LeaderEntry("Adel Farouk", ("Abu Sami",), "is the founder"),),
        id="also-known-as",
    ),
    pytest.param(
        RIVER.replace("(aka Abu Sami, the Boatman)", "(aka Abu Sami)¹"),
        lambda d: d.leaders,
        (LeaderEntry("Adel Farouk", ("Abu Sami",), "¹ is the founder"),),
        id="mark-right-after-aka-group",
    ),
    pytest.param(
        RIVER.replace(
            "Adel Farouk (aka Abu Sami, the Boatman) is the founder",
            "Rami Haddad was its spokesman until 2022, and is now in exile",
        ),
        lambda d: d.leaders,
        (
            LeaderEntry(
                "Rami Haddad", (), "was its spokesman until 2022, and is now in exile"
            ),
        ),
        id="leader-without-aka-splits-at-first-verb",
    ),
    pytest.param(
        RIVER.replace(
            "Adel Farouk (aka Abu Sami, the Boatman) is the founder",
            "Deputy commander Nour Salim",
        ),
        lambda d: d.leaders,
        (LeaderEntry("Deputy commander Nour Salim"),),
        id="leader-name-only",
    ),
    pytest.param(
        RIVER.replace(
            "- Announced in 2019", "• Announced in 2019\n* Renamed in 2020"
        ).replace("- Several hundred, by its own count¹", "– Several hundred¹"),
        lambda d: (d.bullets["founding"], d.bullets["size"]),
        (("Announced in 2019", "Renamed in 2020"), ("Several hundred¹",)),
        id="other-bullet-marks",
    ),
    pytest.param(
        RIVER,
        lambda d: (d.notes[0].commentary, d.notes[0].sources),
        ("The figure comes from a recruitment video.", ()),
        id="note-of-commentary-only",
    ),
    pytest.param(
        RIVER.replace(
            "2. Jane Roe,",
            "2. The group disputes the account. Jane Roe,",
        ),
        lambda d: (d.notes[1].commentary, urls(d, 2)),
        ("The group disputes the account.", ("https://example.org/marsh",)),
        id="note-of-commentary-and-source",
    ),
    pytest.param(
        RIVER.replace(
            "(<https://example.org/marsh>)",
            "(<https://example.org/marsh>); Omar Zaki, “Boats and Guns,” "
            "*Harbour Review*, 2022. (<https://example.net/boats>)",
        ),
        lambda d: urls(d, 2),
        ("https://example.org/marsh", "https://example.net/boats"),
        id="note-with-two-sources",
    ),
    pytest.param(
        RIVER.replace("(<https://example.org/marsh>)", "(https://example.org/marsh)"),
        lambda d: urls(d, 2),
        ("https://example.org/marsh",),
        id="note-with-bare-url",
    ),
    pytest.param(
        RIVER.replace(
            "2. Jane Roe, “Life on the Marsh,” *Delta Gazette*, May 2, 2021. "
            "(<https://example.org/marsh>)",
            "2. A long note whose text\nruns onto a second line.",
        ),
        lambda d: d.notes[1],
        NoteEntry(
            2,
            "A long note whose text runs onto a second line.",
            "A long note whose text runs onto a second line.",
        ),
        id="note-over-two-lines",
    ),
    pytest.param(
        RIVER.replace("1. The figure", "NOTES\n\n1. The figure"),
        lambda d: [note.number for note in d.notes],
        [1, 2],
        id="notes-heading",
    ),
    pytest.param(
        RIVER.replace(
            "Saraya al-Nahr (River Companies)", "سرايا النهر (River Companies)"
        ).replace("- Announced in 2019", "- أعلن عنها في ٢٠١٩"),
        lambda d: (d.name, d.bullets["founding"]),
        ("سرايا النهر", ("أعلن عنها في ٢٠١٩",)),
        id="arabic",
    ),
    pytest.param(
        RIVER.replace(
            "The companies patrol the marshes east of the delta.²",
            "گروه در مرز شرقی فعال است.²",
        ).replace("(<https://example.org/marsh>)", "(<https://example.org/fa/marsh>)"),
        lambda d: (d.prose["background"], urls(d, 2)),
        ("گروه در مرز شرقی فعال است.²", ("https://example.org/fa/marsh",)),
        id="persian",
    ),
    pytest.param(
        RIVER.replace("Logo: A blue fish over crossed oars\n\n", ""),
        lambda d: (d.logo_description, d.flag_text),
        ("", "“Guardians of the river”"),
        id="missing-logo-line",
    ),
    pytest.param(
        RIVER.replace("Logo: A blue fish over crossed oars\n", "").replace(
            "Flag Text: “Guardians of the river”\n", ""
        ),
        lambda d: (d.logo_description, d.flag_text, d.bullets["founding"]),
        ("", "", ("Announced in 2019",)),
        id="no-header-lines",
    ),
    pytest.param(
        RIVER.replace(
            "Logo:",
            "Alternative names: Nahr Companies; سرايا النهر\n"
            "Tags: marsh, delta ,\nLogo:",
        ),
        lambda d: (d.alternative_names, d.tags),
        (("Nahr Companies", "سرايا النهر"), ("marsh", "delta")),
        id="alternative-names-and-tags",
    ),
    pytest.param(
        RIVER.replace("FOUNDING\n\n- Announced in 2019\n\n", ""),
        lambda d: sorted(d.bullets),
        ["size"],
        id="missing-section",
    ),
    pytest.param(
        lines("Kataib al-Jabal", "", "SIZE", "", "- Unknown"),
        lambda d: d,
        ProfileDocument(name="Kataib al-Jabal", bullets={"size": ("Unknown",)}),
        id="no-notes-at-all",
    ),
    pytest.param(
        lines("Kataib al-Jabal"),
        lambda d: d,
        ProfileDocument(name="Kataib al-Jabal"),
        id="title-only",
    ),
    pytest.param(
        lines("Kataib al-Jabal", "SIZE", "- Unknown", "WEAPONS", "- Rifles"),
        lambda d: d.bullets,
        {"size": ("Unknown",), "weapons": ("Rifles",)},
        id="no-blank-lines-between-blocks",
    ),
    pytest.param(
        lines("Kataib al-Jabal", "", "Key leaders:", "", "- Sami Aziz is in charge"),
        lambda d: d.leaders,
        (LeaderEntry("Sami Aziz", (), "is in charge"),),
        id="heading-in-other-case-with-colon",
    ),
    pytest.param(
        lines(
            "Kataib al-Jabal",
            "",
            "CONNECTIONS TO THE IRGC",
            "",
            "Trained by advisers",
            "from abroad.",
            "",
            "",
            "Paid through a front company.",
        ),
        lambda d: d.prose,
        {
            "connections_to_irgc": "Trained by advisers from abroad.\n\n"
            "Paid through a front company."
        },
        id="prose-lines-and-paragraphs",
    ),
    pytest.param(
        lines(
            "Kataib al-Jabal",
            "",
            "BACKGROUND AND ANALYSIS",
            "",
            "Its founders came from the",
            "NATO",
            "trained units.",
        ),
        lambda d: d.prose["background"],
        "Its founders came from the NATO trained units.",
        id="capitals-inside-a-paragraph-are-not-a-heading",
    ),
    pytest.param(
        lines("Kataib al-Jabal", "", "SIZE", "", "- About 40¹²", "")
        + "\n".join(f"\n{n}. Note number {n}." for n in range(1, 13)),
        lambda d: (d.bullets["size"], len(d.notes)),
        (("About 40¹²",), 12),
        id="run-of-superscripts-is-one-mark",
    ),
]


@pytest.mark.parametrize(("text", "extract", "expected"), EDGE_CASES)
def test_parse_edge_case(
    text: str, extract: Callable[[ProfileDocument], object], expected: object
) -> None:
    assert extract(parse(text)) == expected


@pytest.mark.parametrize(("text", "extract", "expected"), EDGE_CASES)
def test_edge_case_round_trips(
    text: str, extract: Callable[[ProfileDocument], object], expected: object
) -> None:
    document = parse(text)
    written = render(document)
    assert parse(written) == document
    assert render(parse(written)) == written


def test_crlf_and_lf_read_the_same() -> None:
    assert parse(RIVER.replace("\n", "\r\n")) == parse(RIVER)


def test_notes_are_read_with_their_sources() -> None:
    note = parse(RIVER).notes[1]
    assert note.number == 2
    assert note.text == (
        "Jane Roe, “Life on the Marsh,” *Delta Gazette*, May 2, 2021. "
        "(<https://example.org/marsh>)"
    )
    assert note.commentary == ""
    assert [(s.authors, s.title, s.url) for s in note.sources] == [
        ("Jane Roe", "Life on the Marsh", "https://example.org/marsh")
    ]


# Reading: each kind of error -------------------------------------------------


ERRORS = [
    pytest.param(
        RIVER.replace("delta.²", "delta.⁸"),
        21,
        "footnote 8 has no note",
        id="mark-without-note-in-prose",
    ),
    pytest.param(
        RIVER.replace("own count¹", "own count³"),
        13,
        "footnote 3 has no note",
        id="mark-without-note-in-bullet",
    ),
    pytest.param(
        RIVER.replace("is the founder", "is the founder⁵"),
        17,
        "footnote 5 has no note",
        id="mark-without-note-in-leader",
    ),
    pytest.param(
        "\ufeff" + RIVER.replace("delta.²", "delta.⁸").replace("\n", "\r\n"),
        21,
        "footnote 8 has no note",
        id="line-numbers-count-crlf-once-and-ignore-the-bom",
    ),
    pytest.param(
        RIVER.replace("BACKGROUND AND ANALYSIS", "SIZE"),
        19,
        "section SIZE appears twice (first on line 11)",
        id="duplicated-section",
    ),
    pytest.param("", 0, "the document is empty", id="empty"),
    pytest.param("\ufeff \n\t\r\n", 0, "the document is empty", id="blank"),
    pytest.param(
        "PK\x03\x04\x00\x00binary",
        0,
        "this looks like a binary file, not a profile document",
        id="nul-characters",
    ),
    pytest.param(
        RIVER.replace("SIZE", "ARSENAL"),
        11,
        "unknown section heading 'ARSENAL'",
        id="unknown-heading",
    ),
    pytest.param(
        RIVER.replace("KEY LEADERS", "KEY LEADER"),
        15,
        "unknown section heading 'KEY LEADER' (did you mean KEY LEADERS?)",
        id="misspelt-heading",
    ),
    pytest.param(
        RIVER.replace("The companies patrol", "STRUCTURE\n\nThe companies patrol"),
        21,
        "unknown section heading 'STRUCTURE'",
        id="unknown-heading-among-prose",
    ),
    pytest.param(
        RIVER.replace("- Announced in 2019", "- Announced in 2019\nby its founders"),
        10,
        "'by its founders' in FOUNDING is not a bullet; start each line with '- '",
        id="non-bullet-line-in-bullet-section",
    ),
    pytest.param(
        RIVER.replace("2. Jane Roe", "3. Jane Roe"),
        25,
        "note 3 is out of sequence: expected note 2",
        id="notes-out-of-order",
    ),
    pytest.param(
        RIVER.replace("2. Jane Roe", "1. Jane Roe"),
        25,
        "note 1 appears twice (first on line 23)",
        id="note-duplicated",
    ),
    pytest.param(
        RIVER + "\nThat is all.\n",
        27,
        "expected note 3 to start with '3. ', found 'That is all.'",
        id="text-after-the-notes",
    ),
    pytest.param(
        RIVER + "\nSOCIAL MEDIA\n\n- Telegram\n",
        27,
        "SOCIAL MEDIA comes after the notes, which start on line 23; the notes go last",
        id="section-after-the-notes",
    ),
    pytest.param(
        RIVER.replace("Logo:", "Emblem:"),
        3,
        "unknown key 'Emblem'; the keys are Logo, Flag Text, Alternative names, Tags",
        id="unknown-header-key",
    ),
    pytest.param(
        RIVER.replace("Logo:", "Flag Text:"),
        5,
        "Flag Text appears twice (first on line 3)",
        id="header-key-twice",
    ),
    pytest.param(
        RIVER.replace("Logo: A blue fish over crossed oars", "Founded by fishermen"),
        3,
        "expected a 'Key: value' line (Logo, Flag Text, Alternative names, Tags) "
        "or a section heading, found 'Founded by fishermen'",
        id="prose-before-any-section",
    ),
    pytest.param(
        lines("", "SIZE", "", "- Unknown"),
        2,
        "the first line should be the profile's name, found 'SIZE'",
        id="no-title",
    ),
    pytest.param(
        RIVER.replace("1. The figure comes from a recruitment video.", "1."),
        23,
        "note 1 is empty",
        id="empty-note",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), ERRORS)
def test_parse_refuses(text: str, line: int, message: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_document_error_names_its_line() -> None:
    assert str(DocumentError("footnote 4 has no note", 12)) == (
        "line 12: footnote 4 has no note"
    )
    assert str(DocumentError("the document is empty")) == "the document is empty"
    assert isinstance(DocumentError("x"), ValueError)


# Footnote marks ------------------------------------------------------------------


def test_footnote_numbers_reads_runs_in_order() -> None:
    assert footnote_numbers("First.³ Then² and¹⁰, again³.") == [3, 2, 10, 3]
    assert footnote_numbers("No marks, just 2 and 3.") == []


def test_superscript_writes_each_digit() -> None:
    assert superscript(0) == "⁰"
    assert superscript(7) == "⁷"
    assert superscript(1234567890) == "¹²³⁴⁵⁶⁷⁸⁹⁰"
    assert FOOTNOTE_MARK_RE.fullmatch(superscript(45))
    with pytest.raises(ValueError, match="negative"):
        superscript(-1)


# Writing ---------------------------------------------------------------------------


def test_render_writes_the_house_layout() -> None:
    document = ProfileDocument(
        name="Harakat al-Sahil",
        english_name="Coast Movement",
        alternative_names=("HaS", "Sahil Movement"),
        tags=("coast", "naval"),
        logo_description="An anchor",
        flag_text="“Sea and sword”",
        bullets={
            "size": ("A few dozen¹",),
            "founding": ("2015",),
            "political_wing": ("None",),
        },
        leaders=(
            LeaderEntry("Yusuf Kamal", ("Abu Bahr", "the Captain"), "is its leader"),
            LeaderEntry("Lina Aziz", (), "was its treasurer"),
            LeaderEntry("Spokesman Karim Nader"),
        ),
        prose={"background": "First paragraph.\n\nSecond paragraph.¹"},
        notes=(NoteEntry(1, "Seen in a 2020 leaflet."),),
    )
    assert render(document) == lines(
        "Harakat al-Sahil (Coast Movement)",
        "",
        "Logo: An anchor",
        "",
        "Flag Text: “Sea and sword”",
        "",
        "Alternative names: HaS; Sahil Movement",
        "",
        "Tags: coast, naval",
        "",
        "FOUNDING",
        "",
        "- 2015",
        "",
        "SIZE",
        "",
        "- A few dozen¹",
        "",
        "KEY LEADERS",
        "",
        "- Yusuf Kamal (aka Abu Bahr, the Captain) is its leader",
        "- Lina Aziz was its treasurer",
        "- Spokesman Karim Nader",
        "",
        "POLITICAL WING",
        "",
        "- None",
        "",
        "BACKGROUND AND ANALYSIS",
        "",
        "First paragraph.",
        "",
        "Second paragraph.¹",
        "",
        "1. Seen in a 2020 leaflet.",
    )


def test_render_leaves_out_what_is_empty() -> None:
    document = ProfileDocument(
        name="Harakat al-Sahil",
        bullets={"size": (), "weapons": ("", "  ")},
        prose={"background": "  "},
    )
    assert render(document) == "Harakat al-Sahil\n"


def test_render_keeps_a_mark_against_the_aka_group() -> None:
    leader = LeaderEntry("Yusuf Kamal", ("Abu Bahr",), "² is its leader")
    written = render(ProfileDocument(name="X", leaders=(leader,)))
    assert "- Yusuf Kamal (aka Abu Bahr)² is its leader\n" in written


def test_render_puts_stray_line_breaks_on_one_line() -> None:
    document = ProfileDocument(
        name="Harakat\nal-Sahil",
        flag_text="Above:\n“Sea”",
        bullets={"size": ("About\n  fifty",)},
        prose={"background": "One line\nand another.\n\n\n\nA second paragraph."},
        notes=(NoteEntry(1, "A note\nover two lines."),),
    )
    written = render(document)
    assert written == lines(
        "Harakat al-Sahil",
        "",
        "Flag Text: Above: “Sea”",
        "",
        "SIZE",
        "",
        "- About fifty",
        "",
        "BACKGROUND AND ANALYSIS",
        "",
        "One line and another.",
        "",
        "A second paragraph.",
        "",
        "1. A note over two lines.",
    )
    assert render(parse(written)) == written


def test_render_then_parse_gives_back_the_document() -> None:
    document = ProfileDocument(
        name="Harakat al-Sahil",
        english_name="Coast Movement",
        tags=("coast",),
        bullets={"weapons": ("Small boats²",)},
        leaders=(LeaderEntry("Yusuf Kamal", ("Abu Bahr",), "is its leader¹"),),
        prose={"connections_to_irgc": "None known."},
        notes=(
            NoteEntry(1, "A claim made on its channel."),
            NoteEntry(2, "Seen in photographs."),
        ),
    )
    parsed = parse(render(document))
    assert parsed.name == document.name
    assert parsed.tags == document.tags
    assert parsed.bullets == document.bullets
    assert parsed.leaders == document.leaders
    assert parsed.prose == document.prose
    assert [(n.number, n.text) for n in parsed.notes] == [
        (1, "A claim made on its channel."),
        (2, "Seen in photographs."),
    ]
    assert parsed.notes[0].sources == ()


# Bounds ---------------------------------------------------------------------------

SMALL = DocumentLimits(
    name_chars=10,
    english_name_chars=8,
    leader_name_chars=12,
    field_chars=40,
    list_items=1,
    leaders=1,
    notes=1,
    note_number=5,
)

BOUNDS = [
    pytest.param(
        lines("Saraya al-Nahr al-Kabir"),
        1,
        "the name is 23 characters long; the most is 10",
        id="name",
    ),
    pytest.param(
        lines("River (Companies)"),
        1,
        "the English name is 9 characters long; the most is 8",
        id="english-name",
    ),
    pytest.param(
        lines("River", "", "Logo: A blue fish over crossed oars and a river delta"),
        3,
        "Logo is 47 characters long; the most is 40",
        id="header-value",
    ),
    pytest.param(
        lines("River", "", "Tags: iraq, river"),
        3,
        "Tags: 2 items; the most is 1",
        id="tags",
    ),
    pytest.param(
        lines("River", "", "SIZE", "", "- A few", "- Many"),
        6,
        "SIZE has more than 1 bullets; that is the most",
        id="bullets",
    ),
    pytest.param(
        lines("River", "", "SIZE", "", "- " + "x" * 41),
        5,
        "SIZE is more than 40 characters long; that is the most",
        id="section",
    ),
    pytest.param(
        lines("River", "", "KEY LEADERS", "", "- Abu Nahr is the founder", "- Abu"),
        6,
        "KEY LEADERS has more than 1 bullets; that is the most",
        id="leaders",
    ),
    pytest.param(
        lines("River", "", "KEY LEADERS", "", "- Abu Nahr al-Kabir is the founder"),
        5,
        "this leader's name is 17 characters long; the most is 12",
        id="leader-name",
    ),
    pytest.param(
        lines("River", "", "BACKGROUND AND ANALYSIS", "", "x" * 30, "", "y" * 9),
        3,
        "BACKGROUND AND ANALYSIS is 41 characters long; the most is 40",
        id="prose",
    ),
    pytest.param(
        lines("River", "", "NOTES", "", "1. One.", "", "2. Two."),
        7,
        "more than 1 notes; that is the most",
        id="notes",
    ),
    pytest.param(
        lines("River", "", "NOTES", "", "1. " + "x" * 41),
        5,
        "note 1 is 41 characters long; the most is 40",
        id="note-text",
    ),
    pytest.param(
        lines("River", "", "SIZE", "", "- A few⁶"),
        5,
        "footnote 6 is out of range: notes are numbered 1 to 5",
        id="footnote",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BOUNDS)
def test_parse_refuses_a_document_past_its_limits(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        parse(text, limits=SMALL)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_the_default_limits_are_those_of_profiles_limits() -> None:
    from profiles.limits import DEFAULTS, NAME_CHARS

    assert DocumentLimits() == DocumentLimits(
        name_chars=NAME_CHARS["name"],
        english_name_chars=NAME_CHARS["english_name"],
        leader_name_chars=NAME_CHARS["leader"],
        field_chars=DEFAULTS["field_chars"],
        list_items=DEFAULTS["list_items"],
        leaders=DEFAULTS["leaders"],
        notes=DEFAULTS["citations"],
        note_number=DEFAULTS["note_number"],
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            RIVER.replace("delta.²", "delta.²" + "³" * 5000),
            21,
            "footnote 23333333333333333333… (5,001 digits) is out of range: notes "
            "are numbered 1 to 100,000",
            id="mark-of-thousands-of-digits",
        ),
        pytest.param(
            RIVER.replace("delta.²", "delta.²¹⁴⁷⁴⁸³⁶⁴⁸"),
            21,
            "footnote 2147483648 is out of range: notes are numbered 1 to 100,000",
            id="mark-past-the-database-integer",
        ),
        pytest.param(
            lines("River", "", "NOTES", "", "1. One.", "", f"{2**31}. Two."),
            7,
            "note number 2147483648 is out of range (1 to 100,000)",
            id="note-past-the-database-integer",
        ),
        pytest.param(
            lines("River", "", "NOTES", "", "1. One.", "", "9" * 5000 + ". Two."),
            7,
            "note number 99999999999999999999… (5,000 digits) is out of range "
            "(1 to 100,000)",
            id="note-of-thousands-of-digits",
        ),
        pytest.param(
            RIVER.replace("delta.²", "delta.\x1b²"),
            21,
            "remove the control character U+001B: text cannot hold it",
            id="control-character",
        ),
        pytest.param(
            RIVER.replace("Announced in 2019", "Announced\x0c in 2019"),
            9,
            "remove the control character U+000C: text cannot hold it",
            id="form-feed",
        ),
    ],
)
def test_parse_refuses_numbers_and_characters_no_field_holds(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_footnote_numbers_cap_a_mark_too_long_to_be_a_note() -> None:
    assert footnote_numbers("x" + "¹" * 18) == [111_111_111_111_111_111]
    assert footnote_numbers("x" + "¹" * 19 + " y²") == [10**18, 2]
    assert footnote_numbers("x" + "¹" * 5000) == [10**MARK_DIGITS]


def test_mark_label_shortens_a_long_mark() -> None:
    assert mark_label("¹²") == "12"
    assert mark_label("¹" * 25) == "11111111111111111111… (25 digits)"


@pytest.mark.parametrize(
    ("line", "length"),
    [
        pytest.param("a(" * 50_000, 100_000, id="parentheses"),
        pytest.param("a " * 50_000 + "(x)(", 100_004, id="gloss-then-parenthesis"),
    ],
)
def test_a_long_title_line_is_read_in_one_pass(line: str, length: int) -> None:
    # The title used to be matched by a pattern that tried every split of the
    # line: a line of 100,000 characters took minutes. Read now, it is a name
    # too long.
    with pytest.raises(DocumentError) as caught:
        parse(line)
    assert (caught.value.line, caught.value.message) == (
        1,
        f"the name is {length:,} characters long; the most is 200",
    )


def test_spaces_before_the_gloss_are_read_in_one_pass() -> None:
    document = parse("Name" + " " * 100_000 + "(Gloss)")

    assert (document.name, document.english_name) == ("Name", "Gloss")


def test_a_long_leader_line_is_read_in_one_pass() -> None:
    # "Name (aka" followed by a long run of spaces made the leader pattern try
    # every split of the run.
    # Such a bullet is no name: it is kept whole as the role, with a warning.
    text = "Abu Nahr (aka" + " " * 50_000 + "("
    document = parse(lines("River", "", "KEY LEADERS", "", f"- {text}"))
    assert document.leaders == (LeaderEntry("Abu Nahr", (), text),)
    assert [warning.line for warning in document.warnings] == [5]
