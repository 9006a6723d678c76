"""KEY LEADERS bullets without "(aka …)" or "was …" (issue 12, "Import that
loses nothing"): names and aliases never hold a footnote mark, a bullet that
cannot be split is kept whole as the role and reported, and every bullet is
written back as it was read. The document is made up for these tests."""

import pytest

from profiles.document import FOOTNOTE_MARK_RE, LeaderEntry, parse, render

NOTES = "\n\n".join(f"{n}. Leaflet {n}, https://example.org/l{n}" for n in range(1, 5))


def read(*bullets: str):
    text = "Jaysh al-Mithal (Example Army)\n\nKEY LEADERS\n\n"
    text += "\n".join(f"• {bullet}" for bullet in bullets)
    return parse(f"{text}\n\n{NOTES}\n")


@pytest.mark.parametrize(
    ("bullet", "leader"),
    [
        (
            "Abu Ali al-Example, the group's spokesman since 2019.³",
            LeaderEntry("Abu Ali al-Example", (), "the group's spokesman since 2019.³"),
        ),
        (
            "Rana bint Example – head of the women's wing¹",
            LeaderEntry("Rana bint Example", (), "head of the women's wing¹"),
        ),
        (
            "Sami K. Example: treasurer until 2021²",
            LeaderEntry("Sami K. Example", (), "treasurer until 2021²"),
        ),
        (
            "Hadi ash-Shamali³, commander of the river unit",
            LeaderEntry("Hadi ash-Shamali", (), "³, commander of the river unit"),
        ),
        (
            "Deputy commander: Nour Example²",
            LeaderEntry("Nour Example", (), "Deputy commander ²"),
        ),
        (
            "Hassan Example (head of the sea unit)¹",
            LeaderEntry("Hassan Example", (), "(head of the sea unit)¹"),
        ),
        (
            "أبو مثال، المتحدث باسم الجماعة",
            LeaderEntry("أبو مثال", (), "المتحدث باسم الجماعة"),
        ),
        (
            "Field commander Yasin Example²",
            LeaderEntry("Field commander Yasin Example", (), "²"),
        ),
        (
            "Karim Example¹ (aka Abu Nour²) is the founder",
            LeaderEntry("Karim Example", ("Abu Nour",), "¹ ² is the founder"),
        ),
    ],
)
def test_a_bullet_splits_into_a_name_without_marks_and_a_role(bullet, leader):
    document = read(bullet)

    assert document.leaders == (leader,)
    assert document.warnings == ()


def test_no_name_or_alias_holds_a_mark():
    document = read(
        "Abu Ali al-Example³, the spokesman",
        "Karim Example¹ (aka Abu Nour², the Pilot) is the founder",
        "Nadia Example⁴ was the treasurer",
    )

    for leader in document.leaders:
        assert not FOOTNOTE_MARK_RE.search(leader.name)
        assert not any(FOOTNOTE_MARK_RE.search(alias) for alias in leader.aliases)
    assert [FOOTNOTE_MARK_RE.findall(leader.role) for leader in document.leaders] == [
        ["³"],
        ["¹", "²"],
        ["⁴"],
    ]


def test_a_bullet_that_cannot_be_split_is_kept_whole_as_the_role_and_reported():
    bullet = "the brigade's unnamed deputy, seen at a parade in 2020⁴"

    document = read("Abu Ali al-Example, the spokesman", bullet)

    assert document.leaders[1] == LeaderEntry(
        "the brigade's unnamed deputy", (), bullet
    )
    (warning,) = document.warnings
    assert warning.line == 6
    assert "could not be told from the role" in warning.message
    assert "the brigade's unnamed deputy" in str(warning)


def test_an_unsplit_bullet_is_named_by_its_first_capitalised_words():
    bullet = "The founder, Abu Nour Example, is said to be in exile¹"

    document = read(bullet)

    assert document.leaders == (LeaderEntry("Abu Nour Example", (), bullet),)
    assert len(document.warnings) == 1


def test_a_name_followed_by_a_long_sentence_is_kept_whole_and_reported():
    bullet = "Abu Ali al-Example the group's spokesman since 2019.³"

    document = read(bullet)

    assert document.leaders == (LeaderEntry("Abu Ali al-Example", (), bullet),)
    assert len(document.warnings) == 1


def test_every_kind_of_bullet_is_written_back_as_it_is_read():
    document = read(
        "Abu Ali al-Example, the group's spokesman since 2019.³",
        "Hadi ash-Shamali³, commander of the river unit",
        "Field commander Yasin Example²",
        "the brigade's unnamed deputy, seen at a parade in 2020⁴",
        "Karim Example (aka Abu Nour)¹ is the founder",
        "Nadia Example was the treasurer",
        "Deputy commander: Nour Example²",
        "Hassan Example (head of the sea unit)¹",
        "The founder, Abu Nour Example, is said to be in exile¹",
    )

    again = parse(render(document))

    assert again.leaders == document.leaders
    assert render(again) == render(document)


def test_a_leader_typed_with_a_bare_role_is_written_so_it_reads_back():
    document = read("Abu Ali al-Example, x")
    typed = LeaderEntry("Lina Example", (), "the movement's envoy")

    written = render(type(document)(name="Jaysh al-Mithal", leaders=(typed,)))

    assert "- Lina Example, the movement's envoy\n" in written
    assert parse(written).leaders == (typed,)
