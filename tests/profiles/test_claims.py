"""Claims read from the text layout (`profiles.claims`) and kept as rows on
publish (`profiles.claim_index`): lossless reading, partial dates, stable
keys through edits and moves, nothing hidden, and the round trip of a
document that states statuses and dates."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles import claims
from profiles.claims import Citation, InvalidClaim, Status
from profiles.models import Claim
from tests.factories import SourceFactory, publish_change, publish_profile

# Reading a bullet --------------------------------------------------------------


def test_a_bullet_is_its_words_its_marks_and_its_bracket():
    claim = claims.parse_bullet(
        "Founded in 2012¹ or 2013.² [reported; as of early 2017; note 2, p. 12]"
    )
    assert claim.text == "Founded in 2012 or 2013."
    assert claim.citations == (Citation(1), Citation(2, "p. 12"))
    assert claim.status == Status.REPORTED
    assert claim.as_of == "2017-01/2017-04"
    assert claim.as_of_date.lower == date(2017, 1, 1)
    assert claim.as_of_date.upper == date(2017, 4, 30)


@pytest.mark.parametrize(
    ("line", "numbers"),
    [("Two notes.¹ ²", [1, 2]), ("Two notes.¹,²", [1, 2]), ("One note.¹²", [12])],
)
def test_marks_apart_are_several_notes_and_marks_together_one(line, numbers):
    claim = claims.parse_bullet(line)
    assert claim.numbers == numbers
    assert claims.render_bullet(claim) == line


@pytest.mark.parametrize(
    "line",
    [
        "A group's own words [sic]",  # a bracket that is not an annotation
        "Estimate [as of tomorrow]¹",  # not a date: the words stay the claim's
        "[disputed]",  # a bracket alone is the claim's text
        "No marks and no bracket",
    ],
)
def test_what_is_not_an_annotation_stays_in_the_text(line):
    claim = claims.parse_bullet(line)
    assert claim.status == Status.CONFIRMED
    assert claim.as_of == ""
    assert claims.render_bullet(claim) == line


def test_a_claim_without_citation_is_unsourced():
    assert claims.parse_bullet("Seen at a parade.").unsourced
    assert not claims.parse_bullet("Seen at a parade.³").unsourced


def test_a_changed_claim_is_written_in_the_house_form():
    claim = claims.parse_bullet("About 500 fighters.¹,²")
    changed = claims.Claim(
        body=claim.body,
        citations=(*claim.citations, Citation(4, "para. 3")),
        status=Status.CLAIMED,
        as_of="2019",
    )
    assert claims.render_bullet(changed) == (
        "About 500 fighters.¹ ² ⁴ [claimed by the group; as of 2019; note 4, para. 3]"
    )
    assert claims.parse_bullet(claims.render_bullet(changed)) == changed


# Reading prose -------------------------------------------------------------------

PROSE = (
    "The unit formed in 2013.¹ It grew quickly [reported; as of 2016?] and "
    "split later.² ³\n\nA second paragraph without a source"
)


def test_prose_claims_end_at_their_marks_or_their_paragraph():
    found = claims.parse_prose(PROSE)
    assert [claim.text for claim in found] == [
        "The unit formed in 2013.",
        "It grew quickly",
        "and split later.",
        "A second paragraph without a source",
    ]
    assert [claim.numbers for claim in found] == [[1], [], [2, 3], []]
    assert found[1].status == Status.REPORTED
    assert found[1].as_of == "2016?"
    assert [len(p) for p in claims.paragraphs(found)] == [3, 1]
    assert claims.render_prose(found) == PROSE


def test_marks_inside_a_sentence_stay_where_they_are():
    text = "The founder¹ was killed in 2016.² Another claim."
    found = claims.parse_prose(text)
    assert claims.render_prose(found) == text
    assert found[0].text == "The founder was killed in 2016."
    assert found[0].numbers == [1, 2]


_WORDS = st.lists(
    st.sampled_from([*"abc ¹²³,.[];\n", "as of 2017", "disputed", "\n\n"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_reading_a_bullet_loses_no_character(line):
    assert claims.render_bullet(claims.parse_bullet(line)) == line


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_reading_prose_loses_no_character(text):
    assert claims.render_prose(claims.parse_prose(text)) == text.strip()


def test_the_seed_background_reads_as_claims_and_back(seed_text):
    start = seed_text.index("BACKGROUND AND ANALYSIS") + len("BACKGROUND AND ANALYSIS")
    end = seed_text.index("\n1. ")
    prose = seed_text[start:end].strip()
    found = claims.parse_prose(prose)
    assert claims.render_prose(found) == prose
    assert sum(len(claim.citations) for claim in found) == len(
        claims._numbers(prose)  # every mark is some claim's citation
    )


# Dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "edtf", "words"),
    [
        ("2017", "2017", "2017"),
        ("2017-09", "2017-09", "September 2017"),
        ("September 2017", "2017-09", "September 2017"),
        ("early 2017", "2017-01/2017-04", "early 2017"),
        ("mid-2016", "2016-05/2016-08", "mid-2016"),
        ("late 2016", "2016-09/2016-12", "late 2016"),
        ("2016?", "2016?", "2016 (uncertain)"),
        ("2016~", "2016~", "about 2016"),
        ("2017-03-05", "2017-03-05", "5 March 2017"),
    ],
)
def test_as_of_dates_are_stored_as_edtf_and_read_in_words(written, edtf, words):
    assert claims.parse_as_of(written).edtf == edtf
    assert claims.as_of_words(edtf) == words


@pytest.mark.parametrize("written", ["", "tomorrow", "2017-13", "2017/..", "x" * 100])
def test_what_is_not_a_date_is_refused(written):
    with pytest.raises(InvalidClaim):
        claims.parse_as_of(written)


# Rows kept on publish ------------------------------------------------------------


def _rows(profile, section):
    return list(Claim.objects.filter(profile=profile, section=section))


@pytest.mark.django_db
def test_publishing_writes_a_row_per_claim_with_its_citations():
    profile = publish_profile(
        size=["About 500 fighters.¹ [reported; as of early 2019; note 1, p. 4]"]
    )
    (row,) = _rows(profile, "size")
    assert row.text == "About 500 fighters."
    assert row.status == "reported"
    assert (row.as_of, row.as_of_start, row.as_of_end) == (
        "2019-01/2019-04",
        date(2019, 1, 1),
        date(2019, 4, 30),
    )
    assert [(c.number, c.locator) for c in row.citations.all()] == [(1, "p. 4")]
    assert [r.text for r in _rows(profile, "leaders")] == [
        "Leader 1 (aka Abu Test 1) is in charge"
    ]
    assert [r.text for r in _rows(profile, "background")] == [
        "A small test group. Fact 1."
    ]


@pytest.mark.django_db
def test_a_claim_keeps_its_key_when_edited_and_moved():
    profile = publish_profile(
        weapons=["Rockets of several kinds.¹", "Armed drones.¹", "Small arms.¹"]
    )
    keys = {row.text: row.key for row in _rows(profile, "weapons")}
    publish_change(
        profile,
        weapons=[
            "A new claim about mortars.¹",
            "Small arms.¹",
            "Armed drones, some made locally.¹ [reported]",
        ],
    )
    after = {row.text: row for row in _rows(profile, "weapons")}
    assert after["Small arms."].key == keys["Small arms."]
    assert after["Small arms."].position == 1
    assert after["Armed drones, some made locally."].key == keys["Armed drones."]
    assert after["A new claim about mortars."].key not in keys.values()
    assert len(after) == 3


@pytest.mark.django_db
def test_an_unpublished_change_has_no_claim_rows(editor):
    from profiles import workflow

    profile = publish_profile()
    workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="Pending",
        proposals={
            "weapons": workflow.Proposal(["A pending claim."], [SourceFactory()])
        },
    )
    assert not Claim.objects.filter(text="A pending claim.").exists()


# The round trip of a document that states claims --------------------------------

DOCUMENT = """Saraya al-Mithal (Example Companies)

SIZE

- About 800 fighters.¹ [reported; as of late 2018]
- Its own channel says 5,000.² [claimed by the group; as of 2019-03]

KEY LEADERS

- Abu Nour al-Mithal, commander since 2015.¹ [disputed; as of 2016?]

BACKGROUND AND ANALYSIS

The companies formed in 2014.¹ They fought near the river. [unverified]

1. A. Writer, “The Companies,” *Example Review*, 2019. (<https://example.org/c>)

2. Channel post, 2019. (<https://example.net/post>)
"""


@pytest.mark.django_db
def test_import_export_import_keeps_statuses_and_dates(tmp_path):
    path = tmp_path / "mithal.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    call_command("import_profiles", str(path), "--publish", verbosity=0)
    rows = {row.text: row for row in Claim.objects.all()}
    assert rows["Its own channel says 5,000."].status == "claimed by the group"
    assert rows["Its own channel says 5,000."].as_of == "2019-03"
    assert rows["About 800 fighters."].as_of == "2018-09/2018-12"
    leader = rows["Abu Nour al-Mithal, commander since 2015."]
    assert (leader.status, leader.as_of) == ("disputed", "2016?")
    assert rows["They fought near the river."].status == "unverified"

    out = tmp_path / "out"
    call_command("export_profiles", "--format", "text", "--output", str(out))
    (exported,) = out.iterdir()
    text = exported.read_text(encoding="utf-8")
    # As written: the words "late 2018" say what 2018-09/2018-12 says.
    assert "- About 800 fighters.¹ [reported; as of late 2018]" in text
    assert "They fought near the river. [unverified]" in text
    keys = set(Claim.objects.values_list("key", flat=True))
    call_command("import_profiles", str(exported), "--publish", verbosity=0)
    assert set(Claim.objects.values_list("key", flat=True)) == keys


# The data migration ------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_reads_the_demo_profiles_as_publishing_does(tmp_path):
    """Migration 0021 on the demo data: the claims it writes are those
    publishing writes, and every export is the same before and after."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "profiles.migrations.0021_claims_of_published_profiles"
    )
    call_command("load_demo", verbosity=0)

    def exported(folder):
        call_command("export_profiles", "--format", "text", "--output", str(folder))
        return {path.name: path.read_bytes() for path in folder.iterdir()}

    def claim_rows():
        return sorted(
            (
                row.profile_id,
                row.section,
                row.position,
                row.text,
                row.status,
                row.as_of,
                tuple((c.number, c.locator) for c in row.citations.all()),
            )
            for row in Claim.objects.prefetch_related("citations")
        )

    published = claim_rows()
    before = exported(tmp_path / "before")
    Claim.objects.all().delete()
    migration.read_claims(apps, None)
    assert claim_rows() == published
    assert len(published) > 50
    assert exported(tmp_path / "after") == before


@pytest.mark.django_db
def test_rebuild_claims_keeps_every_key():
    profile = publish_profile(weapons=["Rockets.¹", "Drones.¹"])
    keys = sorted(Claim.objects.filter(profile=profile).values_list("key", flat=True))
    out = StringIO()
    call_command("rebuild_claims", stdout=out)
    assert (
        sorted(Claim.objects.filter(profile=profile).values_list("key", flat=True))
        == keys
    )
    assert f"{len(keys)} claims" in out.getvalue()
    call_command("rebuild_claims", "--dry-run", stdout=StringIO())
    assert Claim.objects.filter(profile=profile).count() == len(keys)


# Bounds --------------------------------------------------------------------------


def test_reading_hostile_text_takes_linear_time():
    """A 100,000-character field of marks, brackets or dates (the most a
    field holds) is read in well under a second each; measured figures are
    printed by bench/claims.py, not asserted here."""
    for text in (
        "¹ " * 50_000,
        "[as of 2017] " * 7_000,
        "".join(
            f"x.¹ [as of {1900 + i % 100}-{1 + i % 12:02d}] " for i in range(4_000)
        ),
    ):
        assert claims.render_prose(claims.parse_prose(text)) == text.strip()
        assert claims.render_bullet(claims.parse_bullet(text)) == text


@pytest.mark.django_db
def test_a_claim_citing_too_many_notes_is_refused(settings):
    from profiles.limits import limit_errors

    settings.PROFILE_LIMITS = {"claim_citations": 3, "prose_claims": 2}
    errors = limit_errors(
        {
            "weapons": ["Fine.¹ ²", "Too many.¹ ² ³ ⁴"],
            "background": "One.¹ Two.² Three.³",
            "leaders": [{"name": "A", "aliases": [], "role": "x.¹ ² ³ ⁴"}],
        }
    )
    assert errors["weapons"] == [
        "Item 2 cites 4 notes; the most is 3: split it into several claims."
    ]
    assert errors["background"] == ["3 claims; the most is 2."]
    assert errors["leaders"] == [
        "Leader 1 cites 4 notes; the most is 3: split it into several claims."
    ]


@pytest.mark.django_db
def test_a_hidden_section_has_no_claims_before_or_after_a_rebuild():
    from tests.suppressing import HIDDEN_BULLET, hide_secret, profile_with_secret

    profile = profile_with_secret()
    assert Claim.objects.filter(profile=profile, text=HIDDEN_BULLET).exists()
    hide_secret(profile)
    assert not Claim.objects.filter(profile=profile, section="atrocities").exists()
    call_command("rebuild_claims", stdout=StringIO())
    assert not Claim.objects.filter(profile=profile, section="atrocities").exists()
    assert Claim.objects.filter(profile=profile, section="size").exists()


def test_a_citation_carries_its_credibility_grade():
    claim = claims.parse_bullet(
        "About 800.¹ ² [reported; note 1 graded 2, p. 4; note 2 graded 5]"
    )
    assert claim.citations == (Citation(1, "p. 4", 2), Citation(2, "", 5))
    assert claims.render_bullet(claim) == (
        "About 800.¹ ² [reported; note 1 graded 2, p. 4; note 2 graded 5]"
    )
    # The Admiralty scale stops at 6: past it, the bracket is the claim's words.
    assert claims.parse_bullet("Y.¹ [note 1 graded 7]").text == "Y. [note 1 graded 7]"


@pytest.mark.django_db
def test_the_grade_is_kept_with_the_claims_citation():
    profile = publish_profile(size=["About 500.¹ [note 1 graded 3]"])
    (row,) = _rows(profile, "size")
    assert [(c.number, c.credibility) for c in row.citations.all()] == [(1, 3)]


def test_a_mark_of_thousands_of_digits_is_read_without_error():
    line = "A claim." + "¹" * 5_000
    claim = claims.parse_bullet(line)
    assert claim.numbers == [10**claims.MARK_DIGITS]
    assert claims.render_bullet(claim) == line
