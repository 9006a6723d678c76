"""Importing a document written in the seed's layout loses nothing (issue 12):
every link of a note becomes a work, notes are stored and exported exactly as
written, leaders' names hold no footnote mark, a bullet that cannot be split
is reported, and an Urdu note's work is tagged Urdu. The document is made up
for these tests; its works are at example.org and example.net."""

from io import StringIO

import pytest
from django.core.management import call_command

from profiles.models import Citation, Leader, Profile
from profiles.serializers import profile_values
from sources.models import Source

pytestmark = pytest.mark.django_db

NOTES = [
    "Mira Calder, “River Patrols in the Delta,” *Harbour Review*, May 2021. "
    "(archived at https://a.example.org/patrols and originally at "
    "https://b.example.net/delta/patrols)",
    "report republished by Harbour Watch, “Boats at Dawn,” *Coast Daily*, "
    "June 2, 2020. (<https://example.org/dawn>)",
    "undated profile, copy hosted by Delta Archive (https://example.net/profile)",
    "“یہ رپورٹ مقامی اخبار میں چھپی,” *Sahil Akhbar*, 2019. (<https://example.org/ur>)",
]

DOCUMENT = "\n".join(
    [
        "Jaysh al-Mithal (Example Army)",
        "",
        "Tags: delta, test",
        "",
        "KEY LEADERS",
        "",
        "• Abu Ali al-Example, the group's spokesman since 2019.³",
        "• the brigade's unnamed deputy, seen at a parade in 2020⁴",
        "",
        "BACKGROUND AND ANALYSIS",
        "",
        "Boats patrol the delta at dawn.¹ ²",
        "",
        *(f"{number}. {text}\n" for number, text in enumerate(NOTES, start=1)),
    ]
)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "jaysh-al-mithal.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    out, err = run("import_profiles", str(path), "--publish")
    return path, out, err


def test_every_link_of_a_note_is_a_work_in_order(imported):
    citation = Citation.objects.get(number=1)

    assert [source.url for source in citation.cited_sources()] == [
        "https://a.example.org/patrols",
        "https://b.example.net/delta/patrols",
    ]


def test_commentary_in_a_note_is_no_author(imported):
    dawn = Source.objects.get(url="https://example.org/dawn")
    hosted = Source.objects.get(url="https://example.net/profile")

    assert (dawn.authors, dawn.title, dawn.publication) == (
        "",
        "Boats at Dawn",
        "Coast Daily",
    )
    assert (hosted.authors, hosted.title, hosted.date) == ("", "", "")


def test_notes_are_stored_as_written_and_the_round_trip_is_exact(imported, tmp_path):
    assert [c.text for c in Citation.objects.order_by("number")] == NOTES
    profile = Profile.objects.get()
    before = profile_values(profile)

    exported, _ = run("export_profiles", profile.slug, "--format", "text")
    for number, text in enumerate(NOTES, start=1):
        assert f"\n{number}. {text}\n" in exported
    again = tmp_path / "again.txt"
    again.write_text(exported, encoding="utf-8")
    out, _ = run("import_profiles", str(again), "--publish")

    assert "unchanged" in out
    profile.refresh_from_db()
    assert profile_values(profile) == before
    assert run("export_profiles", profile.slug, "--format", "text")[0] == exported


def test_leaders_names_hold_no_marks_and_an_unsplit_bullet_is_reported(imported):
    path, _, err = imported
    spokesman, deputy = Leader.objects.order_by("position")

    assert (spokesman.name, spokesman.role) == (
        "Abu Ali al-Example",
        "the group's spokesman since 2019.³",
    )
    assert deputy.name == "the brigade's unnamed deputy"
    assert deputy.role == "the brigade's unnamed deputy, seen at a parade in 2020⁴"
    (line,) = err.splitlines()
    assert line.startswith(f"{path}:8: warning: ")


def test_an_urdu_note_is_tagged_urdu(imported):
    assert Source.objects.get(url="https://example.org/ur").language == "ur"
