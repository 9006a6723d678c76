"""Re-importing a profile that is already published (issue 12): the document
proposes what it states and differs, never empties what it does not mention
unless told to (`--replace`), never puts Arabic script into the English
name, and `--dry-run` prints the diff it would propose and writes nothing.
The documents are made up for these tests, in the seed's layout."""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from profiles.models import ChangeRequest, Profile, Version
from profiles.serializers import profile_values

pytestmark = pytest.mark.django_db

TITLE = "Saraya al-Mithal (Example Companies)"

DOCUMENT = f"""{TITLE}

Logo: A lantern over two oars

Alternative names: Example Companies of the Coast; SMX

Tags: coast, test

FOUNDING

- Formed by fishermen in 2013¹

SIZE

- Perhaps 400 fighters in 2019¹

KEY LEADERS

- Abu Lantern (aka The Fisherman) is the founder

WEAPONS

- Light boats and rifles²

BACKGROUND AND ANALYSIS

The companies guard a stretch of coast.¹ They say they answer to no one.²

1. Lena Harbour, “Companies of the Coast,” *Shoreline Review*, April 2020. (<https://example.org/companies>)

2. Commentary on their claims. Omar Tide, *Coast Daily*, 2021. (https://example.net/claims)
"""


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def without(text: str, *lines: str) -> str:
    """`text` with each of `lines` (and the blank line after it) removed."""
    for line in lines:
        assert f"{line}\n\n" in text, line
        text = text.replace(f"{line}\n\n", "", 1)
    return text


@pytest.fixture
def published(tmp_path) -> Path:
    """The document, published as version 1; its path, to write again."""
    path = tmp_path / "saraya-al-mithal.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    run("import_profiles", str(path), "--publish")
    assert Profile.objects.get().version == 1
    return path


def latest_fields() -> list[str]:
    change_request = ChangeRequest.objects.latest("pk")
    return list(change_request.changes.values_list("field", flat=True))


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"profiles", "sources", "taggit"}
    }


# What the document does not mention is left as published ---------------------


def test_reimport_keeps_alternative_names_and_tags_the_document_leaves_out(
    published,
):
    published.write_text(
        without(
            DOCUMENT,
            "Alternative names: Example Companies of the Coast; SMX",
            "Tags: coast, test",
        ).replace("Perhaps 400", "About 600"),
        encoding="utf-8",
    )

    out, _ = run("import_profiles", str(published), "--publish")

    assert "Saraya al-Mithal: published version 2" in out
    profile = Profile.objects.get()
    assert profile.alternative_names == "Example Companies of the Coast\nSMX"
    assert sorted(profile.tags.names()) == ["coast", "test"]
    assert profile.size == "About 600 fighters in 2019¹"
    assert latest_fields() == ["size"]


def test_reimport_keeps_sections_the_document_leaves_out_or_leaves_empty(published):
    changed = without(DOCUMENT, "Logo: A lantern over two oars").replace(
        "WEAPONS\n\n- Light boats and rifles²\n", "WEAPONS\n\n-\n"
    )
    changed = changed.replace("FOUNDING\n\n- Formed by fishermen in 2013¹\n\n", "")
    published.write_text(changed.replace("Abu Lantern", "Abu Oar"), encoding="utf-8")

    run("import_profiles", str(published), "--publish")

    profile = Profile.objects.get()
    assert profile.version == 2
    assert profile.logo == "A lantern over two oars"
    assert profile.founding == "Formed by fishermen in 2013¹"
    assert profile.weapons == "Light boats and rifles²"
    assert [leader.name for leader in profile.leaders.all()] == ["Abu Oar"]
    assert latest_fields() == ["leaders"]


def test_reimport_of_one_section_without_notes_proposes_that_section_alone(
    published,
):
    published.write_text(
        f"{TITLE}\n\nSIZE\n\n- About 600 fighters in 2021\n", encoding="utf-8"
    )

    run("import_profiles", str(published), "--publish")

    profile = Profile.objects.get()
    assert profile.version == 2
    assert profile.size == "About 600 fighters in 2021"
    assert list(profile.citations.values_list("number", flat=True)) == [1, 2]
    assert profile.background.startswith("The companies guard a stretch of coast.¹")
    assert [leader.name for leader in profile.leaders.all()] == ["Abu Lantern"]
    assert latest_fields() == ["size"]


def test_replace_empties_what_the_document_leaves_out(published):
    published.write_text(
        without(
            DOCUMENT,
            "Alternative names: Example Companies of the Coast; SMX",
            "Tags: coast, test",
        ),
        encoding="utf-8",
    )

    out, _ = run("import_profiles", str(published), "--publish", "--replace")

    assert "Saraya al-Mithal: published version 2" in out
    profile = Profile.objects.get()
    assert profile.alternative_names == ""
    assert list(profile.tags.names()) == []
    assert latest_fields() == ["alternative_names", "tags"]


def test_reimport_proposes_only_the_changed_fields_and_waits_for_review(published):
    published.write_text(
        DOCUMENT.replace("Light boats and rifles", "Fast boats and rifles").replace(
            "Tags: coast, test", "Tags: coast, test, boats"
        ),
        encoding="utf-8",
    )

    out, _ = run("import_profiles", str(published))

    change_request = ChangeRequest.objects.latest("pk")
    assert f"change request #{change_request.pk} waits for review" in out
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.profile == Profile.objects.get()
    assert {c.field: c.value for c in change_request.changes.all()} == {
        "tags": ["boats", "coast", "test"],
        "weapons": ["Fast boats and rifles²"],
    }
    assert Profile.objects.get().version == 1


def test_reimport_of_what_is_published_says_so_and_creates_nothing(published):
    published.write_text(
        without(DOCUMENT, "Tags: coast, test", "Logo: A lantern over two oars"),
        encoding="utf-8",
    )

    out, _ = run("import_profiles", str(published), "--publish")

    assert "Saraya al-Mithal: unchanged, nothing to import" in out
    assert ChangeRequest.objects.count() == 1
    assert Version.objects.count() == 1


# The English name holds no Arabic script ----------------------------------------


def test_an_arabic_gloss_is_an_alternative_name_not_the_english_name(published):
    published.write_text(
        DOCUMENT.replace(TITLE, "Saraya al-Mithal (سرايا المثال)"), encoding="utf-8"
    )

    out, _ = run("import_profiles", str(published), "--publish")

    assert "Saraya al-Mithal: published version 2" in out
    profile = Profile.objects.get()
    assert profile.english_name == "Example Companies"
    assert profile.alternative_names.splitlines() == [
        "Example Companies of the Coast",
        "SMX",
        "سرايا المثال",
    ]
    assert latest_fields() == ["alternative_names"]


def test_an_arabic_gloss_of_a_new_profile_is_an_alternative_name(tmp_path):
    path = tmp_path / "new.txt"
    path.write_text(
        without(
            DOCUMENT.replace(TITLE, "Saraya al-Mithal (سرايا المثال)"),
            "Alternative names: Example Companies of the Coast; SMX",
        ),
        encoding="utf-8",
    )

    run("import_profiles", str(path), "--publish")

    profile = Profile.objects.get()
    assert (profile.name, profile.english_name, profile.alternative_names) == (
        "Saraya al-Mithal",
        "",
        "سرايا المثال",
    )


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("سرايا المثال (Saraya al-Mithal)", id="gloss-is-the-name"),
        pytest.param("سرايا المثال (Example Companies)", id="gloss-is-english-name"),
    ],
)
def test_an_arabic_title_with_a_latin_gloss_updates_the_profile_it_glosses(
    published, title
):
    published.write_text(
        DOCUMENT.replace(TITLE, title).replace("Perhaps 400", "About 600"),
        encoding="utf-8",
    )

    out, _ = run("import_profiles", str(published), "--publish")

    assert "published version 2" in out
    profile = Profile.objects.get()
    assert (profile.name, profile.english_name) == (
        "Saraya al-Mithal",
        "Example Companies",
    )
    assert profile.alternative_names.splitlines()[-1] == "سرايا المثال"
    assert profile.size == "About 600 fighters in 2019¹"
    assert sorted(latest_fields()) == ["alternative_names", "size"]


def test_an_arabic_title_of_a_profile_known_by_it_is_matched_by_its_alternative_name(
    published,
):
    published.write_text(
        DOCUMENT.replace("; SMX", "; SMX; سرايا المثال"), encoding="utf-8"
    )
    run("import_profiles", str(published), "--publish")
    published.write_text(
        DOCUMENT.replace(TITLE, "سرايا المثال (Companies of the Example)").replace(
            "; SMX", "; SMX; سرايا المثال"
        ),
        encoding="utf-8",
    )

    run("import_profiles", str(published), "--publish")

    profile = Profile.objects.get()
    assert profile.version == 3
    assert (profile.name, profile.english_name) == (
        "Saraya al-Mithal",
        "Companies of the Example",
    )
    assert latest_fields() == ["english_name"]


def test_an_arabic_named_profile_round_trips_by_its_own_name(tmp_path):
    path = tmp_path / "arabic.txt"
    path.write_text(DOCUMENT.replace(TITLE, "سرايا المثال (Example Companies)"))
    run("import_profiles", str(path), "--publish")
    before = profile_values(Profile.objects.get())

    out, _ = run("import_profiles", str(path), "--publish")

    assert "unchanged, nothing to import" in out
    profile = Profile.objects.get()
    assert (profile.name, profile.english_name) == (
        "سرايا المثال",
        "Example Companies",
    )
    assert profile_values(profile) == before


# --dry-run: the diff it would propose, nothing written ------------------------


def test_dry_run_prints_the_diff_of_a_reimport_and_writes_nothing(published):
    published.write_text(
        DOCUMENT.replace("Perhaps 400", "About 600")
        .replace("Tags: coast, test", "Tags: coast, boats")
        .replace("Abu Lantern (aka The Fisherman)", "Abu Lantern (aka The Boatman)"),
        encoding="utf-8",
    )
    before = row_counts()

    out, _ = run("import_profiles", str(published), "--publish", "--dry-run")

    assert row_counts() == before
    assert Profile.objects.get().size == "Perhaps 400 fighters in 2019¹"
    lines = out.splitlines()
    start = lines.index(f"[dry run] {published}: Saraya al-Mithal: would change:")
    assert lines[start + 1 : start + 8] == [
        "  Tags:",
        "    + added: boats",
        "    - removed: test",
        "  Size:",
        "    ~ [-Perhaps 400-]{+About 600+} fighters in 2019¹",
        "  Key leaders:",
        "    ~ Abu Lantern, aliases: The [-Fisherman-]{+Boatman+}",
    ]
    assert lines[start + 8].startswith("[dry run] 1 file in ")
    assert "0 created, 1 updated, 0 unchanged" in lines[start + 8]


def test_dry_run_of_a_new_profile_shows_every_field_it_adds(tmp_path):
    path = tmp_path / "new.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    before = row_counts()

    out, _ = run("import_profiles", str(path), "--dry-run")

    assert row_counts() == before
    assert f"[dry run] {path}: Saraya al-Mithal: would change:" in out
    assert "  Name:\n    {+Saraya al-Mithal+}\n" in out
    assert "  Alternative names:\n    + added: Example Companies of the Coast\n" in out
    assert "  Notes:\n    + added: 1. Lena Harbour, “Companies of the Coast,”" in out


def test_dry_run_of_an_unchanged_document_says_so(published):
    before = row_counts()

    out, _ = run("import_profiles", str(published), "--publish", "--dry-run")

    assert row_counts() == before
    assert f"[dry run] {published}: Saraya al-Mithal: unchanged" in out
    assert "would change" not in out


def test_dry_run_shows_only_the_changed_claims_of_prose(published):
    published.write_text(
        DOCUMENT.replace(
            "They say they answer to no one.²",
            "They say they answer to no one.²\n\nA second paragraph, new here.",
        ),
        encoding="utf-8",
    )

    out, _ = run("import_profiles", str(published), "--dry-run")

    # Prose is compared claim by claim: the new paragraph is one claim added.
    assert out.splitlines()[1:3] == [
        "  Background and analysis:",
        "    + added: A second paragraph, new here.",
    ]
