"""Reading pasted BibTeX, RIS and CSL-JSON into works and their notes: each
format read, the files this project writes read back, every problem named
by its entry, and the bounds."""

import json
from datetime import date

import pytest

from sources import references
from sources.citations import SourceEntry, parse_note
from sources.pasted_references import (
    MAX_CHARS,
    MAX_ENTRIES,
    PasteError,
    detect_format,
    read_pasted,
    written_date,
)

SMYTH = SourceEntry(
    authors="Phillip Smyth and Carole A. O’Leary",
    title="The Shiite Jihad in Syria & Iraq",
    publication="Washington Institute",
    date="February 15, 2015",
    url="https://example.org/shiite-jihad?a=1&b=2",
    language="en",
)

BIBTEX = r"""
@string{wi = "Washington Institute"}
@article{smyth2015,
  author = {Smyth, Phillip and O’Leary, Carole A.},
  title = {The {Shiite} Jihad in Syria \& Iraq},
  journal = wi,
  year = 2015, month = feb, day = {15},
  url = {https://example.org/shiite-jihad?a=1&b=2},
}
"""
RIS = """TY  - ELEC
ID  - smyth2015
AU  - Smyth, Phillip
AU  - O’Leary, Carole A.
TI  - The Shiite Jihad in
  Syria & Iraq
T2  - Washington Institute
PY  - 2015
DA  - 2015/02/15/
UR  - https://example.org/shiite-jihad?a=1&b=2
ER  - 
"""
CSL_JSON = json.dumps(
    [
        {
            "id": "smyth2015",
            "type": "webpage",
            "title": "The Shiite Jihad in Syria & Iraq",
            "author": [
                {"family": "Smyth", "given": "Phillip"},
                {"family": "O’Leary", "given": "Carole A."},
            ],
            "container-title": "Washington Institute",
            "issued": {"date-parts": [["2015", "2", "15"]]},
            "URL": "https://example.org/shiite-jihad?a=1&b=2",
        }
    ]
)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (BIBTEX, "Entry 1 (BibTeX key smyth2015)"),
        (RIS, "Entry 1 (RIS ID smyth2015)"),
        (CSL_JSON, "Entry 1 (id smyth2015)"),
    ],
)
def test_each_format_reads_into_the_work_and_its_note(text, label):
    (pasted,) = read_pasted(text)

    assert pasted.number == 1
    assert pasted.label == label
    assert pasted.entry == SMYTH
    assert pasted.note == (
        "Phillip Smyth and Carole A. O’Leary, “The Shiite Jihad in Syria & Iraq,” "
        "*Washington Institute*, February 15, 2015. "
        "(<https://example.org/shiite-jihad?a=1&b=2>)"
    )
    assert parse_note(pasted.note) == ("", (SMYTH,))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BIBTEX, "bibtex"),
        (RIS, "ris"),
        (CSL_JSON, "csl-json"),
        ("\ufeff  {}", "csl-json"),
        ("Just some words", ""),
    ],
)
def test_detect_format_reads_the_first_mark(text, expected):
    assert detect_format(text) == expected


@pytest.mark.parametrize("format_name", ["csl-json", "bibtex", "ris"])
def test_what_this_project_exports_reads_back(format_name):
    reference = references.Reference(
        key="heras2017-4",
        kind="webpage",
        title="Deir Azzour: Tribal Mapping Project",
        authors=references.author_names("Nicholas A. Heras and Jusoor Center"),
        container="Center for a New American Security",
        issued="2017-09",
        accessed=date(2018, 2, 22),
        url="https://www.cnas.org/publications/reports/deir_azzour%20x",
    )

    (pasted,) = read_pasted(references.write([reference], format_name))

    assert pasted.entry == SourceEntry(
        authors="Nicholas A. Heras and Jusoor Center",
        title="Deir Azzour: Tribal Mapping Project",
        publication="Center for a New American Security",
        date="September 2017",
        url="https://www.cnas.org/publications/reports/deir_azzour%20x",
        language="en",
    )


def test_every_problem_is_named_by_its_entry():
    text = r"""
@misc{fine, title = {Fine}, url = {https://example.org/fine}}
@misc{smith2019, author = {Smith, Jane}, url = {https://example.org/x}}
@misc{badurl, title = {Bad link}, url = {javascript:alert(1)}}
@misc{nowhere, title = {Nowhere}, journal = {Monthly}}
@misc{fine, title = {Again}, url = {https://example.org/again}}
@misc{broken, title = {Never closed
"""
    with pytest.raises(PasteError) as raised:
        read_pasted(text, "bibtex")

    assert raised.value.messages == [
        "Entry 2 (BibTeX key smith2019): no title",
        "Entry 3 (BibTeX key badurl): its URL “javascript:alert(1)” is not a web "
        "address",
        "Entry 4 (BibTeX key nowhere): it needs a URL, or a publication and a "
        "date, to be cited in a note",
        "Entry 5 (BibTeX key fine): its key is used by an entry before it",
        "Entry 6 (BibTeX key broken): could not be read as BibTeX: Unexpectedly "
        "reached end of file.",
    ]


def test_ris_problems_are_named_by_their_entry():
    text = RIS + "TY  - JOUR\nID  - open\nTI  - Never ended\n"

    with pytest.raises(PasteError) as raised:
        read_pasted(text, "ris")

    assert raised.value.messages == ["Entry 2 (RIS ID open): it has no end (“ER  -”)"]


def test_csl_json_problems_are_named_by_their_entry():
    text = json.dumps(
        [
            {"id": "a", "title": "Fine", "URL": "https://example.org/a"},
            "not an item",
            {"id": "c", "title": "x" * 1001, "URL": "https://example.org/c"},
            {"id": "d", "title": "Names", "author": "Jane Smith"},
            {"id": "e", "title": "Bell\u0007", "URL": "https://example.org/e"},
        ]
    )

    with pytest.raises(PasteError) as raised:
        read_pasted(text)

    assert raised.value.messages == [
        "Entry 2: it is not a CSL-JSON item (“{…}”)",
        "Entry 3 (id c): its title is 1001 characters long; the bibliography keeps "
        "at most 1000",
        "Entry 4 (id d): its author is not a list of names",
        "Entry 5 (id e): its title holds a control character",
    ]


def test_a_title_that_would_not_read_back_is_refused():
    text = json.dumps(
        [{"id": "q", "title": "A “quoted,” title", "URL": "https://example.org/q"}]
    )

    with pytest.raises(PasteError) as raised:
        read_pasted(text)

    assert raised.value.messages == [
        "Entry 1 (id q): its note would not read back as the same work (check the "
        "quotation marks and asterisks in its title and publication)"
    ]


def test_the_paste_is_bounded_in_characters_and_entries():
    with pytest.raises(PasteError, match="paste at most 200,000"):
        read_pasted("[" + " " * MAX_CHARS + "]")
    items = [
        {"title": f"Work {n}", "URL": f"https://example.org/{n}"}
        for n in range(MAX_ENTRIES + 1)
    ]
    with pytest.raises(PasteError, match="101 entries: paste at most 100"):
        read_pasted(json.dumps(items))


def test_text_in_no_known_format_or_without_entries_is_refused():
    with pytest.raises(PasteError, match="not BibTeX, RIS or CSL-JSON"):
        read_pasted("Smith, J. (2019). A title.")
    with pytest.raises(PasteError, match="No BibTeX entry was found"):
        read_pasted("% just a comment", "bibtex")
    with pytest.raises(PasteError, match="This is not JSON"):
        read_pasted("[{", "csl-json")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((2017,), "2017"),
        ((2017, 9), "September 2017"),
        (("2017", "09", "15"), "September 15, 2017"),
        ((2017, 2, 30), ""),
        ((2017, 13), ""),
        (("soon",), ""),
    ],
)
def test_written_date_uses_the_house_style(parts, expected):
    assert written_date(*parts) == expected
