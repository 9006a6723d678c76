"""Tests for sources.citations: reading notes into sources and writing them back."""

import re

import pytest

from sources.citations import SourceEntry, format_source, guess_language, parse_note


def test_pure_commentary_has_no_sources():
    text = "  The emblem borrows from older loyalist posters; estimates of size vary.  "
    assert parse_note(text) == (text.strip(), ())


def test_italic_in_prose_is_not_a_publication():
    text = "Its slogans are often quoted in *Al-Watan*, a pro-government daily."
    assert parse_note(text) == (text, ())


def test_single_source_with_initials_in_authors():
    note = (
        "Jane Q. Doe, R. T. Smith, and Omar Haddad, "
        "“Militias on the Euphrates: A Field Survey,” *Levant Policy Review*, "
        "March 2019. (<https://www.levantpolicy.org/reports/militias>)"
    )
    assert parse_note(note) == (
        "",
        (
            SourceEntry(
                authors="Jane Q. Doe, R. T. Smith, and Omar Haddad",
                title="Militias on the Euphrates: A Field Survey",
                publication="Levant Policy Review",
                date="March 2019",
                url="https://www.levantpolicy.org/reports/militias",
                language="en",
            ),
        ),
    )


def test_straight_quotes_and_bare_url():
    note = (
        'Omar Haddad, "Border Tribes, Old and New." *Gulf Notes*, 12 June 2020. '
        "(https://gulfnotes.example.com/a/12)"
    )
    _, (entry,) = parse_note(note)
    assert entry.authors == "Omar Haddad"
    assert entry.title == "Border Tribes, Old and New"
    assert entry.date == "12 June 2020"
    assert entry.url == "https://gulfnotes.example.com/a/12"


def test_commentary_before_source_ends_at_last_sentence():
    note = (
        "Several outlets repeated the claim. For the original, see: Karim Nasser, "
        "“Who Funds the Brigade?,” *Middle East Watch*, accessed May 2, 2021. "
        "(<https://mewatch.org/funds>)"
    )
    commentary, (entry,) = parse_note(note)
    assert commentary == "Several outlets repeated the claim. For the original, see:"
    assert entry.authors == "Karim Nasser"
    assert entry.title == "Who Funds the Brigade?"
    assert entry.date == "accessed May 2, 2021"


def test_commentary_sentence_then_author_without_title():
    note = (
        "The banner shows the commander beside a general. Brigade Media Office, "
        "*Telegram*, accessed March 3, 2019. (<https://t.me/s/brigade_media>)"
    )
    commentary, (entry,) = parse_note(note)
    assert commentary == "The banner shows the commander beside a general."
    assert entry == SourceEntry(
        authors="Brigade Media Office",
        publication="Telegram",
        date="accessed March 3, 2019",
        url="https://t.me/s/brigade_media",
        language="en",
    )


def test_abbreviation_is_not_a_sentence_end():
    note = "Dr. Lina Farouk, “Tribes and the State,” *Syria Studies*, 2018."
    assert parse_note(note)[1][0].authors == "Dr. Lina Farouk"


def test_see_also_is_commentary():
    note = (
        "See also Omar Haddad, *Gulf Notes*, 2020. (<https://gulfnotes.example.com/>)"
    )
    commentary, (entry,) = parse_note(note)
    assert commentary == "See also"
    assert entry.authors == "Omar Haddad"


def test_several_sources_split_only_after_a_link():
    note = (
        "Sam Ortiz, “Guns; Butter; Loyalty,” *Weekly Dispatch*, 2016. "
        "(<https://example.org/guns>); Nadia Rahimi, *Telegram*, June 1, 2019. "
        "(https://t.me/s/channel/55); “Aleppo\u2019s Quarters; A Map,” *Atlas*, 2015. "
        "(<https://atlas.example.net/aleppo>)"
    )
    commentary, entries = parse_note(note)
    assert commentary == ""
    assert [entry.url for entry in entries] == [
        "https://example.org/guns",
        "https://t.me/s/channel/55",
        "https://atlas.example.net/aleppo",
    ]
    assert entries[0].title == "Guns; Butter; Loyalty"
    assert entries[2].title == "Aleppo\u2019s Quarters; A Map"
    assert entries[2].authors == ""


def test_publication_keeps_its_place():
    note = (
        "Ali Kazem, “Night Raids,” *Asharq* (London), 4 May 2014. "
        "(<https://asharq.example.com/x>)"
    )
    (entry,) = parse_note(note)[1]
    assert entry.publication == "Asharq (London)"
    assert entry.date == "4 May 2014"


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("(<ftp://files.example.org/report.pdf>)", ""),
        ("(<mailto:press@example.org>)", ""),
        ("(www.example.org/page)", "www.example.org/page"),
        (
            "(https://en.wikipedia.org/wiki/Baggara_(tribe))",
            "https://en.wikipedia.org/wiki/Baggara_(tribe)",
        ),
        ("(<http://example.org/a?b=1&c=2>)", "http://example.org/a?b=1&c=2"),
    ],
)
def test_only_web_links_become_urls(link: str, url: str):
    (entry,) = parse_note(f"Sara Lind, *Field Notes*, 2019. {link}")[1]
    assert entry.url == url
    assert entry.date == "2019"


def test_title_without_opening_quote_runs_to_segment_start():
    note = (
        "گزارش تازه درباره گروه‌های مسلح در شرق سوریه.” *Radio Farda*, August 3, 2018. "
        "(http://www.radiofarda.com/a/29400000.html)"
    )
    commentary, (entry,) = parse_note(note)
    assert commentary == ""
    assert entry.authors == ""
    assert entry.title == "گزارش تازه درباره گروه‌های مسلح در شرق سوریه"
    assert entry.language == "fa"


def test_title_without_opening_quote_stops_at_previous_sentence():
    note = (
        "Coverage in Arabic was sparse. تقرير عن الميليشيات في حلب.” "
        "*Enab Baladi*, 2017. "
        "(https://www.enabbaladi.net/archives/100)"
    )
    commentary, (entry,) = parse_note(note)
    assert commentary == "Coverage in Arabic was sparse."
    assert entry.title == "تقرير عن الميليشيات في حلب"
    assert entry.language == "ar"


def test_source_without_publication():
    note = (
        "Rana Aziz, “The Brigade\u2019s Founding,” January 2, 2018. "
        "(<https://blog.example.com/founding>)"
    )
    (entry,) = parse_note(note)[1]
    assert (entry.authors, entry.title, entry.publication, entry.date) == (
        "Rana Aziz",
        "The Brigade\u2019s Founding",
        "",
        "January 2, 2018",
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("", ""),
        ("2017 — 3,000", ""),
        ("Tribal Mapping", "en"),
        ("Élite forces à Alep", "fr"),
        ("الميليشيات في حلب", "ar"),
        ("پیام فرمانده", "fa"),
        ("نگاهی به سوریه", "fa"),
        ("The word «جيش»", "en"),
        ("تقرير عن ISIS في حلب", "ar"),
    ],
)
def test_guess_language(text: str, language: str):
    assert guess_language(text) == language


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            SourceEntry(
                "A. Author", "A Title", "Pub", "May 2017", "https://x.org/a", "en"
            ),
            "A. Author, “A Title,” *Pub*, May 2017. (<https://x.org/a>)",
        ),
        (SourceEntry(publication="Pub", date="2017"), "*Pub*, 2017."),
        (
            SourceEntry(title="Only a Title", url="https://x.org"),
            "“Only a Title.” (<https://x.org>)",
        ),
        (SourceEntry(title="Why Now?", publication="Pub"), "“Why Now?” *Pub*."),
        (SourceEntry(authors="Team", url="https://x.org"), "Team. (<https://x.org>)"),
        (SourceEntry(url="https://x.org"), "(<https://x.org>)"),
        (SourceEntry(), ""),
    ],
)
def test_format_source(entry: SourceEntry, expected: str):
    assert format_source(entry) == expected


ROUND_TRIP = [
    SourceEntry(
        "Jane Q. Doe and Omar Haddad",
        "Militias: A Survey",
        "Levant Review",
        "March 2019",
        "https://levant.example.org/m",
        "en",
    ),
    SourceEntry(
        "",
        "Untitled Militia Report",
        "Gulf Notes",
        "2020",
        "https://gulf.example.com/r",
        "en",
    ),
    SourceEntry(
        "Brigade Media Office",
        "",
        "Telegram",
        "accessed May 2, 2021",
        "https://t.me/s/b",
        "en",
    ),
    SourceEntry(
        "", "", "Facebook", "June 1, 2019", "https://www.facebook.com/page/", "en"
    ),
    SourceEntry(
        "",
        "گزارش تازه از شرق سوریه",
        "Diyaruna (Egypt)",
        "July 1, 2017",
        "http://d.example.com/fa/1",
        "fa",
    ),
    SourceEntry(
        "مكتب الإعلام",
        "تقرير عن حلب",
        "عنب بلدي",
        "2016",
        "https://enab.example.net/a",
        "ar",
    ),
    SourceEntry(
        "Rana Aziz",
        "Is the Brigade Growing?",
        "Syria Desk",
        "15 September 2011",
        "",
        "en",
    ),
    SourceEntry(
        "Rana Aziz",
        "The Founding",
        "",
        "January 2, 2018",
        "https://blog.example.com/f",
        "en",
    ),
    SourceEntry(
        "Dr. Lina Farouk",
        "Tribes; and the State",
        "Studies",
        "2018",
        "https://s.example.org",
        "en",
    ),
    SourceEntry("Sara Lind", "", "", "", "https://lind.example.com", "en"),
    SourceEntry("", "", "", "Sept. 2017", "https://x.example.com", ""),
]


@pytest.mark.parametrize("entry", ROUND_TRIP)
def test_format_then_parse_round_trips(entry: SourceEntry):
    assert parse_note(format_source(entry)) == ("", (entry,))


def test_formatted_sources_joined_with_semicolons_parse_back():
    with_links = [entry for entry in ROUND_TRIP if entry.url]
    note = "; ".join(format_source(entry) for entry in with_links)
    assert parse_note(note) == ("", tuple(with_links))


SEED_URLS = {
    1: ["https://www.cnas.org/publications/reports/deir-azzour-tribal-mapping-project"],
    2: [
        "https://jamestown.org/program/shiite-proselytizing-in-northeastern-syria"
        "-will-destabilize-a-post-assad-syria/"
    ],
    3: [
        "https://www.facebook.com/baqueru/photos/"
        "a.334127693653159.1073741827.334099843655944/517885905277336"
    ],
    4: ["https://www.facebook.com/baqueru/"],
    5: [
        "http://www.aymennjawad.org/18859/the-local-defence-forces-regime-auxiliary-forces"
    ],
    6: ["https://twitter.com/tobiaschneider/status/817148099353255936"],
    7: [
        "http://diyaruna.com/fa/articles/cnmi_di/features/2017/07/31/feature-01",
        "https://www.facebook.com/baqueru/photos/"
        "a.335191200213475.1073741829.334099843655944/523783604687566/?type=3",
    ],
}


def test_seed_notes(seed_text):
    notes = {
        int(match[1]): match[2].strip()
        for line in seed_text.splitlines()
        if (match := re.match(r"^(\d+)\. (.*)", line))
    }
    assert sorted(notes) == list(range(1, 8))
    parsed = {number: parse_note(text) for number, text in notes.items()}

    for number, urls in SEED_URLS.items():
        assert [entry.url for entry in parsed[number][1]] == urls, number

    first = parsed[1][1][0]
    assert first.authors == "Nicholas A. Heras, Bassam Barabandi, and Nidal Betare"
    assert first.title == "Deir Azzour: Tribal Mapping Project"
    assert first.publication == "Center for a New American Security"
    assert first.date == "September 2017"

    # Notes 3 and 4 lead into the page owner's name; everything before it is commentary.
    for number, last_word in ((3, "see:"), (4, "Assad.")):
        commentary, (entry,) = parsed[number]
        assert commentary == notes[number].split(entry.authors)[0].strip()
        assert commentary.endswith(last_word)
        assert entry.publication == "Facebook"

    for number in (1, 2, 5, 6):
        assert parsed[number][0] == ""

    persian, facebook = parsed[7][1]
    assert persian.language == "fa"
    assert persian.publication == "Diyaruna (Egypt)"
    assert persian.authors == ""
    assert facebook.publication == "Facebook"
