"""Notes that lost or garbled facts on import (issue 12, "Import that loses
nothing"): several links in one parenthesis, commentary read as authors, and
the language of Arabic-script notes. Every note here is written for these
tests, with made-up works at example.org and example.net."""

import pytest

from sources.citations import SourceEntry, parse_note
from sources.languages import DETECTED_CHARS, detect_language


def test_every_link_of_a_parenthesis_with_words_is_kept_in_order():
    note = (
        "Mira Calder, “River Patrols in the Delta,” *Harbour Review*, May 2021. "
        "(archived at https://a.example.org/patrols and originally at "
        "https://b.example.net/delta/patrols)"
    )

    commentary, entries = parse_note(note)

    assert commentary == ""
    assert [entry.url for entry in entries] == [
        "https://a.example.org/patrols",
        "https://b.example.net/delta/patrols",
    ]
    for entry in entries:
        assert (entry.authors, entry.title, entry.publication, entry.date) == (
            "Mira Calder",
            "River Patrols in the Delta",
            "Harbour Review",
            "May 2021",
        )


def test_links_with_words_keep_their_order_across_sources_and_punctuation():
    note = (
        "Counts differ. Owen Tarr, “Boats,” *Coast Daily*, 2019. "
        "(first at https://example.org/boats, later at <https://example.net/b2>.); "
        "Lena Fosse, “Crews,” *Port Weekly*, 2020. (<https://example.org/crews>)"
    )

    commentary, entries = parse_note(note)

    assert commentary == "Counts differ."
    assert [entry.url for entry in entries] == [
        "https://example.org/boats",
        "https://example.net/b2",
        "https://example.org/crews",
    ]
    assert [entry.authors for entry in entries] == [
        "Owen Tarr",
        "Owen Tarr",
        "Lena Fosse",
    ]


def test_links_with_words_and_no_description_are_sources_of_their_own():
    note = (
        "copies of the leaflet (see https://example.org/l1 or https://example.net/l1)"
    )

    commentary, entries = parse_note(note)

    assert commentary == "copies of the leaflet"
    assert entries == (
        SourceEntry(url="https://example.org/l1"),
        SourceEntry(url="https://example.net/l1"),
    )


@pytest.mark.parametrize(
    ("note", "commentary"),
    [
        (
            "report republished by Harbour Watch, “Boats at Dawn,” *Coast Daily*, "
            "June 2, 2020. (<https://example.org/dawn>)",
            "report republished by Harbour Watch",
        ),
        (
            "undated profile, copy hosted by Delta Archive "
            "(https://example.net/profile)",
            "undated profile, copy hosted by Delta Archive",
        ),
        (
            "Statement of the brigade, via Coast Monitor, “Oath,” *Tideline*, 2018. "
            "(<https://example.org/oath>)",
            "Statement of the brigade, via Coast Monitor",
        ),
    ],
)
def test_commentary_where_authors_go_stays_commentary(note, commentary):
    found, (entry,) = parse_note(note)

    assert found == commentary
    assert entry.authors == ""
    assert entry.url.startswith("https://example.")


def test_names_where_authors_go_are_still_authors():
    note = (
        "ad-Dairi, Sami and Rhea van Holt, “Salt Roads,” *Delta Studies*, 2017. "
        "(<https://example.org/salt>)"
    )

    commentary, (entry,) = parse_note(note)

    assert commentary == ""
    assert entry.authors == "ad-Dairi, Sami and Rhea van Holt"


def test_an_undated_note_gets_no_date():
    (entry,) = parse_note(
        "undated profile, copy hosted by Delta Archive (https://example.net/p)"
    )[1]

    assert entry.date == ""


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("یہ رپورٹ مقامی اخبار میں چھپی", "ur"),
        ("گروپ کے ترجمان کا بیان", "ur"),
        ("گزارش روزنامه محلی", "fa"),
        ("سخنگوی گروه گفت", "fa"),
        ("بيان المتحدث باسم الجماعة", "ar"),
        ("تقرير صحيفة محلية", "ar"),
        ("Le porte-parole du groupe a déclaré", "fr"),
        ("Rapport d’un journal régional", "fr"),
        ("The group's spokesman said so", "en"),
        ("2019 — 300", ""),
        ("پیام", "fa"),
        ("حلب", "ar"),
    ],
)
def test_detect_language_of_short_notes(text, language):
    assert detect_language(text) == language


def test_an_urdu_note_is_tagged_urdu_not_persian():
    note = "“یہ رپورٹ مقامی اخبار میں چھپی,” *Sahil Akhbar*, 2019. (<https://example.org/ur>)"

    (entry,) = parse_note(note)[1]

    assert entry.language == "ur"


def test_detection_reads_a_bounded_prefix():
    text = "بيان المتحدث باسم الجماعة " * 1_000

    assert detect_language(text) == detect_language(text[:DETECTED_CHARS]) == "ar"
