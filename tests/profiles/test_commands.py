import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.document import parse
from profiles.models import ChangeRequest, Citation, Leader, Profile, Version
from profiles.serializers import document_values, profile_values
from sources.models import Source

pytestmark = pytest.mark.django_db

DOCUMENT = """Kataib Example (Example Battalions)

Logo: A green rifle over a globe

Flag Text: “Example Battalions”

Alternative names: كتائب المثال; Kata'ib al-Mithal

Tags: iraq, test

SIZE

- Several hundred fighters in 2020¹

KEY LEADERS

- Abu Example (aka Example Man) is the secretary-general

BACKGROUND AND ANALYSIS

The group formed in 2014.¹ It later split.²

1. Jane Analyst, “Example Battalions Explained,” *Example Monitor*, June 2020. (<https://example.org/battalions>)

2. Commentary on the split. Sam Reporter, *Example Daily*, 2021. (https://example.net/split)
"""


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "kataib-example.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    return path


def test_import_publish_creates_published_profile(document):
    out, _ = run("import_profiles", str(document), "--publish")

    assert "Kataib Example: published version 1" in out
    profile = Profile.objects.get()
    assert profile.slug == "kataib-example"
    assert profile.alternative_names == "كتائب المثال\nKata'ib al-Mithal"
    assert profile.version == 1
    assert sorted(profile.tags.names()) == ["iraq", "test"]
    assert Leader.objects.get().aliases == "Example Man"
    assert list(Citation.objects.values_list("number", flat=True)) == [1, 2]
    assert sorted(Source.objects.values_list("url", flat=True)) == [
        "https://example.net/split",
        "https://example.org/battalions",
    ]
    change_request = ChangeRequest.objects.get()
    assert change_request.origin == ChangeRequest.Origin.IMPORT
    assert change_request.author.username == "importer"
    size = change_request.changes.get(field="size")
    assert [s.url for s in size.sources.all()] == ["https://example.org/battalions"]


def test_import_without_publish_leaves_a_pending_request(document):
    out, _ = run("import_profiles", str(document))

    change_request = ChangeRequest.objects.get()
    assert f"change request #{change_request.pk} waits for review" in out
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.profile is None
    assert not Profile.objects.exists()


def test_reimporting_an_unchanged_document_creates_no_version(document):
    run("import_profiles", str(document), "--publish")

    out, _ = run("import_profiles", str(document), "--publish")

    assert "unchanged, nothing to import" in out
    assert Version.objects.count() == 1
    assert ChangeRequest.objects.count() == 1


def test_reimporting_a_changed_document_publishes_version_two(document):
    run("import_profiles", str(document), "--publish")
    document.write_text(
        DOCUMENT.replace("Several hundred", "About 2,000"), encoding="utf-8"
    )

    run("import_profiles", str(document), "--publish")

    profile = Profile.objects.get()
    assert profile.version == 2
    assert profile.size == "About 2,000 fighters in 2020¹"
    change_request = profile.versions.get(number=2).change_request
    assert list(change_request.changes.values_list("field", flat=True)) == ["size"]


def test_dry_run_writes_nothing(document):
    out, _ = run("import_profiles", str(document), "--publish", "--dry-run")

    assert out.startswith("[dry run]")
    assert not Profile.objects.exists()
    assert not Source.objects.exists()
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            DOCUMENT.replace("It later split.²", "It later split.²³"),
            ":21: footnote 23 has no note",
            id="footnote-without-note",
        ),
        pytest.param(
            DOCUMENT.replace("KEY LEADERS", "SIZE"),
            ":15: section SIZE appears twice (first on line 11)",
            id="duplicated-section",
        ),
        pytest.param(b"", ":1: the file is empty", id="empty"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            ":3: this is a binary file, not a profile document",
            id="binary",
        ),
        pytest.param(
            "Name\n\nSIZE\n\n- caf\u00e9\n".encode("latin-1"),
            ":5: not valid UTF-8 (byte 0xe9)",
            id="invalid-utf8",
        ),
        pytest.param(
            '{"name": "X", "leaders": [{"name": 3}]}',
            ": leaders[0].name: must be text",
            id="json-wrong-type",
        ),
        pytest.param('{"name": ', ":1: invalid JSON", id="json-syntax"),
    ],
)
def test_import_refuses_bad_file_and_writes_nothing(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    err = StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "import_profiles", str(path), "--publish", stdout=StringIO(), stderr=err
        )

    assert err.getvalue().startswith(f"{path}{message}")
    assert not Profile.objects.exists()
    assert not Source.objects.exists()
    assert not ChangeRequest.objects.exists()


def test_a_bad_file_does_not_stop_the_good_ones(tmp_path, document):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")

    with pytest.raises(CommandError):
        run("import_profiles", str(bad), str(document), "--publish")

    assert Profile.objects.get().name == "Kataib Example"


def test_export_text_round_trips(document, tmp_path):
    run("import_profiles", str(document), "--publish")
    out, _ = run("export_profiles", "--format", "text")

    assert parse(out) == parse(DOCUMENT)
    exported = tmp_path / "exported.txt"
    exported.write_text(out, encoding="utf-8")
    again, _ = run("import_profiles", str(exported), "--publish")
    assert "unchanged" in again


def test_seed_imports_exports_and_reimports_unchanged(seed_text, tmp_path):
    seed = tmp_path / "seed.txt"
    seed.write_text(seed_text, encoding="utf-8")
    run("import_profiles", str(seed), "--publish")
    profile = Profile.objects.get()
    before = profile_values(profile)

    out, _ = run("export_profiles", profile.slug, "--format", "text")
    assert document_values(parse(out)) == document_values(parse(seed_text))
    exported = tmp_path / "exported.txt"
    exported.write_text(out, encoding="utf-8")
    again, _ = run("import_profiles", str(exported), "--publish")

    assert "unchanged" in again
    profile.refresh_from_db()
    assert profile.version == 1
    assert profile_values(profile) == before
    assert Source.objects.count() == 8  # note 7 cites two works


def test_export_json_imports_to_the_same_profile(document, tmp_path):
    run("import_profiles", str(document), "--publish")
    out_dir = tmp_path / "json"
    run("export_profiles", "--format", "json", "--output", str(out_dir))
    exported = out_dir / "kataib-example.json"
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["citations"][0]["urls"] == ["https://example.org/battalions"]
    assert data["citations"][0]["sources"][0]["date"] == "2020-06"

    again, _ = run("import_profiles", str(exported), "--publish")
    assert "unchanged" in again

    data.update(slug="copy-example", name="Copy Example")
    exported.write_text(json.dumps(data), encoding="utf-8")
    run("import_profiles", str(exported), "--publish")
    copy = Profile.objects.get(slug="copy-example")
    assert copy.size == "Several hundred fighters in 2020¹"
    assert copy.citations.count() == 2


def test_export_markdown_turns_marks_into_footnotes(document):
    run("import_profiles", str(document), "--publish")

    out, _ = run("export_profiles", "--format", "markdown")

    assert out.startswith("# Kataib Example (Example Battalions)\n")
    assert "- Several hundred fighters in 2020[^1]" in out
    assert "[^2]: Commentary on the split." in out


def test_export_unknown_slug_fails():
    with pytest.raises(CommandError, match="No published profile: nope"):
        run("export_profiles", "nope")


def test_load_demo_publishes_profiles_and_accounts_once(settings):
    settings.DEBUG = True
    out, _ = run("load_demo")

    assert Profile.objects.count() >= 6
    assert out.count("Created account") == 3
    again, _ = run("load_demo")
    assert "Created account" not in again
    assert "Published" not in again


def test_load_demo_creates_no_accounts_without_debug(django_user_model):
    out, _ = run("load_demo")

    assert "only when DJANGO_DEBUG is on" in out
    assert not django_user_model.objects.filter(username="editor").exists()


@pytest.fixture
def imported_hezbollah(tmp_path) -> Profile:
    """A profile imported before the demo, with the slug a demo profile has."""
    path = tmp_path / "hezbollah.txt"
    path.write_text(
        "Hezbollah (Party of God)\n\nSIZE\n\n- Imported figure, not the demo's\n",
        encoding="utf-8",
    )
    run("import_profiles", str(path), "--publish")
    return Profile.objects.get(slug="hezbollah")


def test_load_demo_skips_a_profile_that_exists_and_says_so(imported_hezbollah):
    out, _ = run("load_demo")

    assert (
        "Skipped Hezbollah: a profile with the slug 'hezbollah' exists (--replace "
        "publishes the demo text over it as a new version)"
    ) in out
    assert "Published Hezbollah" not in out
    imported_hezbollah.refresh_from_db()
    assert imported_hezbollah.version == 1
    assert imported_hezbollah.size == "Imported figure, not the demo's"
    assert Profile.objects.count() == 6


def test_load_demo_replace_publishes_the_demo_as_a_recorded_import(
    imported_hezbollah,
):
    out, _ = run("load_demo", "--replace")

    assert "Replaced Hezbollah (version 2)" in out
    imported_hezbollah.refresh_from_db()
    assert imported_hezbollah.version == 2
    assert imported_hezbollah.size != "Imported figure, not the demo's"
    latest = imported_hezbollah.versions.get(number=2).change_request
    assert (latest.origin, latest.status, latest.author.username) == (
        ChangeRequest.Origin.IMPORT,
        ChangeRequest.Status.APPROVED,
        "importer",
    )
    first = imported_hezbollah.versions.get(number=1)
    assert first.snapshot["size"] == ["Imported figure, not the demo's"]


def test_load_demo_dry_run_writes_nothing(imported_hezbollah):
    out, _ = run("load_demo", "--dry-run")

    assert "Published Liwa al-Baqir (version 1)" in out
    assert out.endswith("Dry run: nothing was written.\n")
    assert list(Profile.objects.values_list("slug", flat=True)) == ["hezbollah"]


# Import bounds: one line naming the file (and line), nothing written ----------

LEADER_LINE = DOCUMENT.splitlines().index("KEY LEADERS") + 3
SPLIT_LINE = next(
    n for n, line in enumerate(DOCUMENT.splitlines(), start=1) if "split.²" in line
)


def deeply_nested(levels: int) -> str:
    return '{"name": "X", "tags": ' + "[" * levels + "]" * levels + "}"


def import_fails(path: Path) -> str:
    """What `import_profiles --publish` says about a file it refuses, having
    written nothing."""
    err = StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "import_profiles", str(path), "--publish", stdout=StringIO(), stderr=err
        )
    assert not Profile.objects.exists()
    assert not Source.objects.exists()
    assert not ChangeRequest.objects.exists()
    return err.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            DOCUMENT.replace("Kataib Example (", "N" * 201 + " ("),
            ":1: the name is 201 characters long; the most is 200",
            id="name",
        ),
        pytest.param(
            DOCUMENT.replace("(Example Battalions)", f"({'E' * 201})", 1),
            ":1: the English name is 201 characters long; the most is 200",
            id="english-name",
        ),
        pytest.param(
            DOCUMENT.replace("Abu Example (aka", "L" * 301 + " (aka"),
            f":{LEADER_LINE}: this leader's name is 301 characters long; "
            "the most is 300",
            id="leader-name",
        ),
        pytest.param(
            DOCUMENT.replace("It later split.²", "It later split.²" + "¹" * 5000),
            f":{SPLIT_LINE}: footnote 21111111111111111111… (5,001 digits) is out "
            "of range: notes are numbered 1 to 100,000",
            id="footnote-digits",
        ),
        pytest.param(
            DOCUMENT.replace("2. Commentary", "1" * 5000 + ". Commentary"),
            f":{len(DOCUMENT.splitlines())}: note number 11111111111111111111… "
            "(5,000 digits) is out of range (1 to 100,000)",
            id="note-number-digits",
        ),
        pytest.param(
            DOCUMENT.replace("It later split.", "It later\x01 split."),
            f":{SPLIT_LINE}: remove the control character U+0001: text cannot hold it",
            id="control-character",
        ),
        pytest.param(
            '{"name": "' + "N" * 201 + '"}',
            ": name: This name is 201 characters long; the most is 200.",
            id="json-name",
        ),
        pytest.param(
            '{"name": "X", "leaders": [{"name": "' + "L" * 301 + '"}]}',
            ": leaders: Leader 1's name is 301 characters long; the most is 300.",
            id="json-leader-name",
        ),
        pytest.param(
            '[{"name": "X"}, {"name": "Y", "background": "a\\u0000b"}]',
            ": profile 2, background: Remove the control character U+0000: text "
            "cannot hold it.",
            id="json-nul",
        ),
        pytest.param(
            '{"name": "X", "slug": "x\\u0000"}',
            ": slug: Remove the control character U+0000: text cannot hold it.",
            id="json-slug-nul",
        ),
        pytest.param(
            '{"name": "X", "background": "Fact.' + "¹" * 30 + '"}',
            ": background: Footnote 11111111111111111111… (30 digits) is out of "
            "range: notes are numbered 1 to 100,000.",
            id="json-footnote",
        ),
        pytest.param(
            deeply_nested(100_000),
            ": JSON nested more than 20 levels deep; a profile needs 5",
            id="json-recursion",
        ),
        pytest.param(
            deeply_nested(21),
            ": JSON nested more than 20 levels deep; a profile needs 5",
            id="json-depth",
        ),
        pytest.param(
            '{"name": "X", "citations": [{"number": ' + "9" * 5000 + "}]}",
            ": invalid JSON: a number of 5,000 digits is too long",
            id="json-long-number",
        ),
    ],
)
def test_import_refuses_values_past_the_limits_in_one_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")

    assert import_fails(path) == f"{path}{message}\n"


def test_import_refuses_a_file_past_the_size_limit(tmp_path, document, settings):
    settings.PROFILE_LIMITS = {"import_bytes": 100}
    size = document.stat().st_size

    assert import_fails(document) == (
        f"{document}: the file is {size:,} bytes; the most is 100\n"
    )


def test_import_refuses_counts_and_sizes_past_the_configured_limits(tmp_path, settings):
    path = tmp_path / "bad.txt"
    lines = DOCUMENT.splitlines()
    settings.PROFILE_LIMITS = {"leaders": 1}
    path.write_text(
        DOCUMENT.replace("- Abu Example", "- Abu Other is deputy\n- Abu Example"),
        encoding="utf-8",
    )
    assert import_fails(path) == (
        f"{path}:{LEADER_LINE + 1}: KEY LEADERS has more than 1 bullets; "
        "that is the most\n"
    )

    settings.PROFILE_LIMITS = {"field_chars": 20}
    path.write_text(
        "Name\n\nBACKGROUND AND ANALYSIS\n\nOne two three\nfour five.\n",
        encoding="utf-8",
    )
    assert import_fails(path) == (
        f"{path}:3: BACKGROUND AND ANALYSIS is 24 characters long; the most is 20\n"
    )

    path.write_text(DOCUMENT, encoding="utf-8")
    settings.PROFILE_LIMITS = {"citations": 1}
    assert import_fails(path) == (
        f"{path}:{len(lines)}: more than 1 notes; that is the most\n"
    )
