"""The note as written is the record (issue 12): the profile page shows each
note's text exactly as written, its addresses linked in place and in order,
and the work it names in the house style only on a line of its own beneath.
The document is made up for these tests, in the seed's layout."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.html import escape

from tests.pages import hrefs, html_of, text_of

pytestmark = pytest.mark.django_db

REL = 'rel="nofollow noopener noreferrer"'

NOTES = [
    # Two addresses of one work, with words between them.
    "Tomas Reed, “Harbour Militias at Night,” *Estuary Monitor*, March 2022. "
    "(archived at https://archive.example.org/harbour and originally at "
    "https://estuary.example.net/night)",
    # Commentary around a work, not in the house style.
    "A profile republished by Estuary Desk; the original is lost. "
    "“Who Guards the Piers,” *Pier Weekly*, 2020 (https://example.org/piers)",
    # Commentary alone, with an address in running prose.
    "The figure is the group's own claim; see https://example.net/claim for it.",
    # Already written in the house style.
    "Ana Sol, “Boats and Flags,” *Tide Review*, May 2019. "
    "(<https://example.org/flags>)",
]

DOCUMENT = "\n".join(
    [
        "Kataib al-Marsa (Harbour Battalions)",
        "",
        "SIZE",
        "",
        "- A few hundred at most¹ ³",
        "",
        "BACKGROUND AND ANALYSIS",
        "",
        "The battalions hold the old harbour.² They fly a blue flag.⁴",
        "",
        *(f"{number}. {text}\n" for number, text in enumerate(NOTES, start=1)),
    ]
)


@pytest.fixture
def page(tmp_path, client) -> str:
    path = tmp_path / "kataib-al-marsa.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    call_command("import_profiles", str(path), "--publish", stdout=StringIO())
    return html_of(client.get("/profiles/kataib-al-marsa/"))


def note(html: str, number: int) -> str:
    match = re.search(
        rf'<li id="note-{number}" value="{number}">(.*?)</li>', html, re.S
    )
    assert match, f"no note {number}"
    return match[1]


def written(html: str, number: int) -> str:
    """The note's text as the page shows it, without the formatted line and
    the links to the claims citing it."""
    return re.sub(
        r'<p class="(?:note-formatted|cited-by)">.*?</p>', "", note(html, number)
    )


def formatted(html: str, number: int) -> str | None:
    match = re.search(r'<p class="note-formatted">(.*?)</p>', note(html, number))
    return match[1] if match else None


def test_a_note_with_two_addresses_is_shown_once_as_written_with_both_links(page):
    assert text_of(written(page, 1)) == (
        "Tomas Reed, “Harbour Militias at Night,” Estuary Monitor, March 2022. "
        "(archived at https://archive.example.org/harbour and originally at "
        "https://estuary.example.net/night) ↩"
    )
    assert hrefs(written(page, 1)) == [
        "https://archive.example.org/harbour",
        "https://estuary.example.net/night",
        "#ref-1",
    ]
    assert (
        f'<a href="https://archive.example.org/harbour" {REL}>'
        "https://archive.example.org/harbour</a> and originally at "
        f'<a href="https://estuary.example.net/night" {REL}>'
    ) in note(page, 1)
    assert text_of(note(page, 1)).count("Harbour Militias at Night") == 2
    assert text_of(formatted(page, 1)) == (
        "Formatted: Tomas Reed, “Harbour Militias at Night,” Estuary Monitor, "
        "March 2022."
    )
    assert hrefs(formatted(page, 1)) == []


def test_commentary_in_a_note_is_shown_unchanged(page):
    assert text_of(written(page, 2)) == (
        "A profile republished by Estuary Desk; the original is lost. "
        "“Who Guards the Piers,” Pier Weekly, 2020 (https://example.org/piers) ↩"
    )
    assert escape("A profile republished by Estuary Desk; the original is lost.") in (
        note(page, 2)
    )
    assert text_of(formatted(page, 2)) == (
        "Formatted: “Who Guards the Piers,” Pier Weekly, 2020."
    )


def test_a_note_of_commentary_alone_has_no_formatted_line(page):
    assert text_of(written(page, 3)) == (
        "The figure is the group's own claim; see https://example.net/claim for it. ↩"
    )
    assert hrefs(written(page, 3)) == ["https://example.net/claim", "#ref-3"]
    assert formatted(page, 3) is None


def test_a_note_written_in_the_house_style_is_not_shown_twice(page):
    assert text_of(written(page, 4)) == (
        "Ana Sol, “Boats and Flags,” Tide Review, May 2019. "
        "(https://example.org/flags) ↩"
    )
    assert formatted(page, 4) is None


def test_the_notes_keep_their_order_and_numbers(page):
    assert re.findall(r'<li id="note-(\d+)" value="\d+">', page) == [
        "1",
        "2",
        "3",
        "4",
    ]
