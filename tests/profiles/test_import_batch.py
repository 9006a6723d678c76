"""`import_profiles` over many files: a progress bar and a summary, one
transaction per file, and the network's edges written once per batch and
equal to those `rebuild_network` computes."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles import importing, queries
from profiles.models import (
    ChangeRequest,
    Connection,
    Profile,
    ProfileDegree,
    RequestEvent,
    SearchName,
    Version,
)
from profiles.network import indexing
from profiles.serializers import profile_to_dict
from sources.models import Source
from tests.factories import publish_profile

pytestmark = pytest.mark.django_db

#: (name, Arabic-script alternative name, the names its connections give)
GROUPS = [
    ("Alpha Brigade", "لواء ألفا", ["Beta Battalions", "Old Guard"]),
    ("Beta Battalions", "كتائب بيتا", ["Alpha Brigade", "لواء ألفا"]),
    ("Gamma Front", "جبهة غاما", ["Beta Battalions", "Delta Movement"]),
    ("Delta Movement", "حركة دلتا", ["Gamma Front", "Alpha Brigade"]),
    ("Epsilon Force", "قوة إبسيلون", ["Old Guard", "كتائب بيتا"]),
]


def document(name: str, alternative: str, named: list[str], *, number: int) -> str:
    """A small profile document in the seed's layout, naming `named`."""
    slug = re.sub(r"\W+", "-", name.lower())
    connections = "\n".join(
        f"- Fought beside {other} in {2012 + i}¹" for i, other in enumerate(named)
    )
    return f"""{name} (Group {number})

Alternative names: {alternative}

Tags: test-groups, group-{number}

SIZE

- About {number} hundred fighters in 2020¹
- Armed by its patrons²

KEY LEADERS

- Abu Number{number} (aka Commander {number}; أبو {number}) is the commander
- Second{number} (aka Deputy {number}) is the deputy

CONNECTIONS TO OTHER MILITIAS

{connections}

BACKGROUND AND ANALYSIS

The group formed in 2014.¹

1. Jane Analyst, “On {name},” *Example Monitor*, June 2020. (<https://example.org/{slug}>)

2. See Sam Reporter, “Arms,” *Example Daily*, 2021. (<https://example.org/arms>); \
كاتب, “{alternative},” *صحيفة*, 2019. (<https://example.org/ar/{number}>)
"""


def write_documents(folder: Path, groups=GROUPS, *, start: int = 1) -> list[Path]:
    paths = []
    for number, (name, alternative, named) in enumerate(groups, start=start):
        path = folder / f"{number:03d}-{re.sub(r'\\W+', '-', name.lower())}.txt"
        path.write_text(
            document(name, alternative, named, number=number), encoding="utf-8"
        )
        paths.append(path)
    return paths


#: Passes the layout and the limits, then fails in the workflow after the
#: work of its first note has been recorded: the second note's URL is bad.
LATE_FAILURE = """Half Brigade

SIZE

- A few fighters¹

BACKGROUND AND ANALYSIS

It formed.¹ It split.²

1. Jane Analyst, “Half,” *Example Monitor*, 2020. (<https://example.org/half-brigade>)

2. Sam Reporter, “Split,” *Example Daily*, 2021. (<http://[::1/split>)
"""

#: Two profiles in one JSON file: the first is published, then the second is
#: refused, so the file must leave neither.
HALF_JSON = (
    '[{"name": "Whole One", "citations": [{"number": 1, "text": '
    '"Jane Analyst, “One,” *Example Monitor*, 2020. '
    '(<https://example.org/whole-one>)"}]},'
    ' {"name": "Whole Two", "leaders": [{"name": " ", "aliases": [], '
    '"role": "commander"}]}]'
)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_profiles", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + f"CommandError: {error}\n"
    return out.getvalue(), err.getvalue()


def stored_network() -> tuple[list[tuple], dict[int, int]]:
    rows = sorted(
        Connection.objects.values_list(
            "source_id", "target_id", "position", "start", "end", "name", "text", "year"
        )
    )
    return rows, dict(ProfileDegree.objects.values_list("profile_id", "degree"))


def test_import_shows_progress_and_a_summary_of_each_outcome(tmp_path):
    first, second = write_documents(tmp_path, GROUPS[:2])
    call_command("import_profiles", str(first), "--publish", stdout=StringIO())
    first.write_text(
        first.read_text(encoding="utf-8").replace("About 1 hundred", "About 9 hundred"),
        encoding="utf-8",
    )
    unchanged = tmp_path / "unchanged.txt"
    unchanged.write_text(second.read_text(encoding="utf-8"), encoding="utf-8")
    call_command("import_profiles", str(unchanged), "--publish", stdout=StringIO())
    bad = tmp_path / "bad.txt"
    bad.write_text(LATE_FAILURE, encoding="utf-8")
    new = write_documents(tmp_path, GROUPS[2:3], start=3)[0]

    out, err = run(
        str(first), str(bad), str(unchanged), str(new), "--publish", "--progress"
    )

    assert "Importing: 100%" in err
    assert "4/4" in err
    refusal = f"{bad}: url: Enter a valid URL."
    assert refusal in err.splitlines()
    *_, summary, reason = out.splitlines()
    assert re.fullmatch(
        r"4 files in [\d.,]+ s, [\d.,]+ files/s: 1 created, 1 updated, "
        r"1 unchanged, 1 refused:",
        summary,
    ), summary
    assert reason == f"  {refusal}"
    assert err.endswith(
        "CommandError: 1 file(s) not imported; nothing was written from them.\n"
    )


def test_import_summary_says_requests_wait_for_review_without_publish(tmp_path):
    paths = write_documents(tmp_path, GROUPS[:2])

    out, err = run(*map(str, paths))

    assert err == ""  # not a terminal: no progress bar unless asked
    assert re.fullmatch(
        r"2 files in [\d.,]+ s, [\d.,]+ files/s: 2 created, 0 updated, 0 unchanged "
        r"\(as change requests waiting for review\), 0 refused\.",
        out.splitlines()[-1],
    )
    assert not Profile.objects.exists()


def test_import_is_silent_at_verbosity_zero_even_with_progress(tmp_path):
    paths = write_documents(tmp_path, GROUPS[:2])

    out, err = run(*map(str, paths), "--publish", "--progress", "--verbosity", "0")

    assert (out, err) == ("", "")
    assert Profile.objects.count() == 2


@pytest.mark.parametrize(
    ("bad_text", "message"),
    [
        pytest.param(LATE_FAILURE, ": url: Enter a valid URL.", id="bad-source-url"),
        pytest.param(HALF_JSON, ": leaders: Leader 1 needs a name.", id="json-half"),
    ],
)
def test_a_refused_file_in_the_middle_leaves_the_others_and_nothing_of_itself(
    tmp_path, bad_text, message
):
    before = write_documents(tmp_path, [GROUPS[0]])
    after = write_documents(tmp_path, GROUPS[1:3], start=2)
    bad = tmp_path / "002-bad.txt"
    bad.write_text(bad_text, encoding="utf-8")

    out, err = run(*map(str, [*before, bad, *after]), "--publish")

    assert f"{bad}{message}" in err.splitlines()
    assert sorted(Profile.objects.published().values_list("name", flat=True)) == [
        "Alpha Brigade",
        "Beta Battalions",
        "Gamma Front",
    ]
    assert ChangeRequest.objects.count() == 3
    assert not ChangeRequest.objects.filter(summary__contains="002-bad").exists()
    assert not Source.objects.filter(url__contains="half").exists()
    assert not Source.objects.filter(url__contains="whole").exists()
    assert out.splitlines()[-1] == f"  {bad}{message}"
    # Nothing else of it either: the three imports' rows alone.
    assert RequestEvent.objects.count() == 9
    assert Profile.history.count() == 3
    assert Version.objects.count() == 3
    assert not SearchName.objects.filter(text__in=["Half Brigade", "Whole One"])


def test_edges_after_a_batched_import_are_those_rebuild_network_writes(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(importing, "BATCH_FILES", 2)  # three batches of files
    publish_profile(
        "Old Guard",
        connections_to_other_militias=[
            "Trained Epsilon Force in 2015",
            "Rival of حركة دلتا since 2017",
        ],
    )
    paths = write_documents(tmp_path)

    run(*map(str, paths), "--publish")
    imported = stored_network()
    indexing.rebuild()

    assert stored_network() == imported
    rows, _ = imported
    names = dict(Profile.objects.values_list("pk", "name"))
    pairs = {(names[source], names[target]) for source, target, *_ in rows}
    assert ("Old Guard", "Epsilon Force") in pairs  # published before it
    assert ("Old Guard", "Delta Movement") in pairs  # by its Arabic name
    assert ("Beta Battalions", "Alpha Brigade") in pairs
    assert ("Epsilon Force", "Beta Battalions") in pairs


def test_importing_twice_the_documents_takes_at_most_twice_the_queries(tmp_path):
    groups = [(f"Group {n} Brigade", f"لواء {n}", ["Old Guard"]) for n in range(9)]
    publish_profile("Old Guard")
    first = write_documents(tmp_path, groups[:3])
    second = write_documents(tmp_path, groups[3:], start=4)

    with CaptureQueriesContext(connection) as three:
        run(*map(str, first), "--publish")
    with CaptureQueriesContext(connection) as six:
        run(*map(str, second), "--publish")

    assert Profile.objects.count() == 10
    assert len(three) / 3 < 100
    assert len(six) <= 2 * len(three)


# The batch path against each file alone ---------------------------------------

#: Datetime columns differ between two runs; ids are compared through the
#: rows they point to (`_natural`).
_COMPARED = [
    "profiles.Profile",
    "profiles.Leader",
    "profiles.Citation",
    "profiles.CitationSource",
    "sources.Source",
    "profiles.ChangeRequest",
    "profiles.ProposedChange",
    "profiles.RequestEvent",
    "profiles.FieldProvenance",
    "profiles.Version",
    "profiles.SearchName",
    "profiles.SearchText",
    "profiles.Connection",
    "profiles.ProfileDegree",
    "taggit.TaggedItem",
    "taggit.Tag",
    "profiles.ProposedChange_sources",
    "profiles.Notification",
    "profiles.HistoricalProfile",
    "profiles.HistoricalLeader",
    "profiles.HistoricalCitation",
    "profiles.HistoricalCitationSource",
]


def _natural(model, pk):
    """What identifies the row `pk` of `model` whatever its id."""
    if pk is None:
        return None
    name = model._meta.label
    row = model._default_manager.get(pk=pk)
    if name == "profiles.Profile":
        return row.slug
    if name == "sources.Source":
        return row.normalised_url or row.title
    if name == "profiles.ChangeRequest":
        return row.summary
    if name == "profiles.Citation":
        return (row.profile.slug, row.number)
    if name == "profiles.ProposedChange":
        return (row.change_request.summary, row.field)
    if name == "taggit.Tag":
        return row.name
    if name in {"auth.User", "accounts.User"} or hasattr(row, "username"):
        return row.get_username()
    return str(row)


def _ids_in(value, sources):
    """A request event's proposal with its sources' ids as their URLs."""
    if isinstance(value, dict):
        return {
            key: [sources[pk] for pk in item]
            if key == "sources"
            else _ids_in(item, sources)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_ids_in(item, sources) for item in value]
    return value


def _claim_named(key):
    """Where the claim `key` stands: its profile, section and position."""
    from profiles.models import Claim

    if key is None:
        return None
    claim = Claim.objects.select_related("profile").get(key=key)
    return (claim.profile.slug, claim.section, claim.position)


def _table(label: str) -> list:
    from django.apps import apps
    from django.db import models

    model = apps.get_model(label)
    sources = {s.pk: s.normalised_url or s.title for s in Source.objects.all()}
    rows = []
    for row in model._default_manager.all():
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name in {"id", "history_id"}:
                continue
            if isinstance(field, models.DateTimeField):
                values[field.name] = getattr(row, field.attname) is not None
            elif field.is_relation:
                values[field.name] = _natural(
                    field.related_model, getattr(row, field.attname)
                )
            elif label == "profiles.SearchText" and field.name == "claim_key":
                # A new claim's key is random: the claim it names instead.
                values[field.name] = _claim_named(row.claim_key)
            elif label == "taggit.TaggedItem" and field.name == "object_id":
                # A generic key: the profile's id, which differs between
                # databases that number rows differently (PostgreSQL's
                # sequences do not roll back).
                values[field.name] = _natural(Profile, row.object_id)
            else:
                values[field.name] = getattr(row, field.attname)
        if "proposal" in values:
            values["proposal"] = _ids_in(values["proposal"], sources)
        if "snapshot" in values:
            values["snapshot"] = {
                k: v for k, v in values["snapshot"].items() if k != "updated_at"
            }
        rows.append(repr(sorted(values.items())))
    return sorted(rows)


def _source_history() -> list:
    """Each work's latest history row: the batch path writes a new work once,
    public, where a file alone writes it private and then publishes it."""
    latest = {}
    for row in Source.history.order_by("history_id"):
        latest[row.id] = (
            row.normalised_url,
            row.authors,
            row.title,
            row.publication,
            row.date,
            row.language,
            row.published_at is not None,
        )
    return sorted(latest.values())


def _dump() -> dict[str, list]:
    return {
        **{label: _table(label) for label in _COMPARED},
        "source history": _source_history(),
    }


def test_the_batch_path_writes_the_rows_each_file_alone_writes(tmp_path):
    from django.db import transaction

    from profiles import search

    publish_profile(
        "Old Guard", connections_to_other_militias=["Trained Epsilon Force in 2015"]
    )
    # A work an editor's pending request recorded: private until published.
    Source.objects.create(url="https://example.org/private-work", title="Draft")
    paths = write_documents(tmp_path)
    update = tmp_path / "900-alpha-again.txt"
    update.write_text(
        paths[0]
        .read_text(encoding="utf-8")
        .replace("About 1 hundred", "About 9 hundred")
        .replace("formed in 2014.¹", "formed in 2014.¹ It split.³")
        + "\n3. Sam Reporter, “Split,” *Example Daily*, 2021. "
        "(<https://example.org/private-work>)\n"
        "\n4. Jane Analyst, “On Beta,” *Example Monitor*, 2020. "
        "(<https://example.org/beta-battalions>)\n",
        encoding="utf-8",
    )
    unchanged = tmp_path / "901-beta-again.txt"
    unchanged.write_text(paths[1].read_text(encoding="utf-8"), encoding="utf-8")
    paths += [update, unchanged]

    with transaction.atomic():
        for path in paths:
            importing.import_file(path, publish=True)
        alone = _dump()
        alone_writes = Source.history.count()
        transaction.set_rollback(True)
    outcomes = [outcome for _, outcome in importing.import_files(paths, publish=True)]
    batched = _dump()
    indexing.rebuild()
    search.index_all()
    rebuilt = _dump()

    assert [len(outcome) for outcome in outcomes] == [1] * 7
    assert outcomes[-1][0].outcome == "unchanged"
    assert len(alone["profiles.Version"]) == 7  # six versions 1, one version 2
    assert len(alone["profiles.Leader"]) == 11  # Old Guard has one
    assert len(alone["taggit.TaggedItem"]) == 10
    assert len(alone["profiles.RequestEvent"]) == 7 * 3  # Old Guard's and six
    # Three links in each new profile, two in the update, one of Old Guard.
    assert len(alone["profiles.HistoricalCitationSource"]) == 5 * 3 + 2 + 1
    assert alone["profiles.ProposedChange_sources"]
    assert Source.objects.get(url__contains="private-work").title == "Split"
    assert not Source.objects.filter(published_at__isnull=True).exists()
    # Each new work written once, public, instead of twice; the work that
    # was private before, and Old Guard's, twice in both.
    assert alone_writes - Source.history.count() == Source.objects.count() - 2
    for table in alone:
        assert batched[table] == alone[table], table
        assert rebuilt[table] == batched[table], table


def test_a_new_profile_s_snapshot_is_its_record_read_back(tmp_path):
    """`publishing` builds a new profile's snapshot from the rows it has just
    written instead of reading them back: the two must be the same."""
    publish_profile("Old Guard", connections_to_other_militias=["Beside Gamma Front"])
    # Private until published, then described as the note describes it.
    Source.objects.create(url="https://example.org/arms", title="Draft")
    paths = write_documents(
        tmp_path, [*GROUPS, ("سرايا الاختبار", "Saraya Test", ["Alpha Brigade"])]
    )

    outcomes = [outcome for _, outcome in importing.import_files(paths, publish=True)]

    assert [result.outcome for results in outcomes for result in results] == [
        "created"
    ] * 6
    versions = Version.objects.exclude(profile__name="Old Guard")
    assert versions.count() == 6
    for version in versions:
        record = queries.profile_record(version.profile_id)
        assert version.snapshot == profile_to_dict(record), version.profile.slug
        assert len(version.snapshot["leaders"]) == 2
        assert len(version.snapshot["tags"]) == 2
        assert [len(note["sources"]) for note in version.snapshot["citations"]] == [
            1,
            2,
        ]
    arms = versions.get(profile__name="Alpha Brigade").snapshot["citations"][1]
    assert arms["sources"][0]["title"] == "Arms"


def test_a_new_profile_s_request_reads_submitted_approved_published(tmp_path):
    paths = write_documents(tmp_path, GROUPS[:1])

    [(_, [result])] = importing.import_files(paths, publish=True)

    request = result.change_request
    request.refresh_from_db()
    assert (request.status, request.published_version) == ("approved", 1)
    assert request.created_at <= request.decided_at == request.version.published_at
    log = list(request.events.values_list("kind", "version", "text"))
    assert log == [
        ("submitted", None, ""),
        ("approved", None, "Recorded import."),
        ("published", 1, ""),
    ]
    times = list(request.events.values_list("at", flat=True))
    assert times == sorted(times)
    assert set(request.changes.values_list("decision", flat=True)) == {"accepted"}
    history = request.profile.history.get()
    assert (history.history_type, history.change_request_id) == ("+", request.pk)
    assert history.history_user.username == "importer"


def many_notes_document(name: str, count: int) -> str:
    """A new profile with `count` leaders and `count` notes, each citing a
    work of its own."""
    leaders = "\n".join(
        f"- {name} Leader{n} (aka Kunya{n}) is a deputy" for n in range(count)
    )
    marks = "".join(f"It happened.{superscript(n + 1)} " for n in range(count))
    notes = "\n\n".join(
        f"{n + 1}. Jane Analyst, “Part {n},” *Example Monitor*, 2020. "
        f"(<https://example.org/{slug(name)}/{n}>)"
        for n in range(count)
    )
    return f"""{name}

Tags: many

KEY LEADERS

{leaders}

BACKGROUND AND ANALYSIS

{marks}

{notes}
"""


def superscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def slug(name: str) -> str:
    return re.sub(r"\W+", "-", name.lower())


def test_a_new_profile_takes_as_many_queries_whatever_its_leaders_and_notes(tmp_path):
    few, many = tmp_path / "few.txt", tmp_path / "many.txt"
    few.write_text(many_notes_document("Few Brigade", 2), encoding="utf-8")
    many.write_text(many_notes_document("Many Brigade", 30), encoding="utf-8")
    warm = tmp_path / "warm.txt"  # the system account and the tag exist after it
    warm.write_text(many_notes_document("Warm Brigade", 1), encoding="utf-8")
    list(importing.import_files([warm], publish=True))

    counts = []
    for path in (few, many):
        with CaptureQueriesContext(connection) as queries:
            [(_, [result])] = importing.import_files([path], publish=True)
        assert result.outcome == "created"
        counts.append(len(queries))

    assert Profile.objects.get(name="Many Brigade").leaders.count() == 30
    assert Profile.objects.get(name="Many Brigade").citations.count() == 30
    assert counts[0] == counts[1]
    assert counts[1] < 50


def test_a_later_file_in_the_batch_updates_a_profile_an_earlier_one_created(
    tmp_path,
):
    """A name is looked up in the names read for the batch, which must
    include the profiles the batch has just created, in any case."""
    [first] = write_documents(tmp_path, GROUPS[:1])
    again = tmp_path / "again.json"
    again.write_text(
        '{"name": "ALPHA BRIGADE", "slug": "another-slug", "size": ["Small"]}',
        encoding="utf-8",
    )

    outcomes = [
        outcome for _, outcome in importing.import_files([first, again], publish=True)
    ]

    assert [result.outcome for [result] in outcomes] == ["created", "updated"]
    profile = Profile.objects.get()
    assert (profile.name, profile.version, profile.size) == (
        "ALPHA BRIGADE",
        2,
        "Small",
    )


def test_a_batched_file_updates_the_profile_of_its_slug_whatever_its_name(
    tmp_path,
):
    """A slug is looked up in the slugs read for the batch: a profile of the
    document's slug under another name is updated, not created again, and a
    file of a slug and name no profile has creates one."""
    existing = publish_profile("Old Brigade")
    renamed = tmp_path / "renamed.json"
    renamed.write_text(
        f'{{"name": "New Brigade", "slug": "{existing.slug}", "size": ["Small"]}}',
        encoding="utf-8",
    )
    fresh = tmp_path / "fresh.json"
    fresh.write_text(
        '{"name": "Fresh Brigade", "slug": "fresh-brigade", "size": ["Small"]}',
        encoding="utf-8",
    )

    outcomes = [
        outcome for _, outcome in importing.import_files([renamed, fresh], publish=True)
    ]

    assert [result.outcome for [result] in outcomes] == ["updated", "created"]
    existing.refresh_from_db()
    assert (existing.name, existing.version) == ("New Brigade", 2)
    assert Profile.objects.filter(slug="fresh-brigade").count() == 1


def _inserts_into(queries, table: str) -> int:
    return sum(
        1
        for query in queries
        # A statement run for many rows is logged as "N times: INSERT …".
        if f'INSERT INTO "{table}"' in query["sql"]
    )


def test_a_commit_group_writes_each_kind_of_row_read_back_by_nothing_at_once(
    tmp_path,
):
    paths = write_documents(tmp_path)

    with CaptureQueriesContext(connection) as queries:
        outcomes = list(importing.import_files(paths, publish=True))

    assert [result.outcome for _, [result] in outcomes] == ["created"] * 5
    for table in (
        "profiles_searchname",
        "profiles_leader",
        "profiles_historicalleader",
        "profiles_historicalprofile",
        "profiles_requestevent",
        "profiles_fieldprovenance",
        "profiles_version",
        "taggit_taggeditem",
    ):
        assert _inserts_into(queries, table) == 1, table
    # Rows whose ids later rows need are still inserted file by file.
    assert _inserts_into(queries, "profiles_profile") == 5
    for profile in Profile.objects.all():
        assert profile.search_names.filter(kind="name").exists()
        assert profile.versions.get().snapshot["name"] == profile.name


def test_a_group_whose_rows_are_refused_when_written_is_imported_file_by_file(
    tmp_path, monkeypatch
):
    """When the rows a group kept are refused by the database, the group is
    rolled back and imported again, each file writing its own rows: a file
    the database refuses then stands alone, and no row is written twice."""
    from django.db import IntegrityError

    from profiles.workflow import pending

    written = pending.PendingRows.write
    attempts = []

    def refuse_once(group):
        attempts.append(group.holds_rows())
        if len(attempts) == 1:
            raise IntegrityError("refused")
        written(group)

    monkeypatch.setattr(pending.PendingRows, "write", refuse_once)
    paths = write_documents(tmp_path)

    outcomes = list(importing.import_files(paths, publish=True))

    assert attempts[0] is True
    assert [result.outcome for _, [result] in outcomes] == ["created"] * 5
    assert Profile.objects.count() == 5
    assert Profile.history.count() == 5
    assert Version.objects.count() == 5
    assert RequestEvent.objects.count() == 15
    assert ChangeRequest.objects.count() == 5
    assert SearchName.objects.filter(kind="name", word=0).count() == 5
    assert Source.objects.count() == Source.history.count()


def test_a_refused_file_s_new_tag_is_not_linked_by_a_later_file(tmp_path, monkeypatch):
    """Tags are looked up once per commit group; a tag a refused file
    created goes with its savepoint, so a later file must create it again
    rather than link the one taken back (which would refuse the group and
    import it again file by file)."""
    again = []
    monkeypatch.setattr(
        importing._ProfileNames, "forget", lambda names: again.append(names)
    )
    half = tmp_path / "001-half.json"
    half.write_text(
        HALF_JSON.replace(
            '"name": "Whole One",', '"name": "Whole One", "tags": ["fresh"],'
        ),
        encoding="utf-8",
    )
    later = tmp_path / "002-later.json"
    later.write_text('{"name": "Later One", "tags": ["fresh"]}', encoding="utf-8")

    outcomes = dict(importing.import_files([half, later], publish=True))

    assert isinstance(outcomes[half], importing.ImportFailed)
    assert [result.outcome for result in outcomes[later]] == ["created"]
    assert again == []
    profile = Profile.objects.get()
    assert list(profile.tags.names()) == ["fresh"]


def test_a_new_profile_imported_outside_a_commit_group_is_whole_when_it_returns(
    tmp_path,
):
    """Its request is inserted last, so the rows pointing to it wait for it
    (`pending.held`) even when no commit group keeps them."""
    from profiles import workflow

    [path] = write_documents(tmp_path, GROUPS[:1])
    [values] = importing.read_documents(path)
    values.pop("slug", None)

    version = workflow.import_new_profile(
        summary="Imported from a test",
        proposals=importing._proposals(values, published_at=None),
    )

    request = ChangeRequest.objects.get(pk=version.change_request.pk)
    assert (request.version.number, request.version.profile_id) == (
        1,
        request.profile_id,
    )
    assert (request.status, request.profile_id) == ("approved", version.profile.pk)
    assert request.created_at < request.decided_at <= request.updated_at
    fields = set(request.changes.values_list("field", flat=True))
    assert fields == set(version.profile.provenance.values_list("field", flat=True))
    assert request.events.count() == 3
    assert version.profile.history.get().change_request_id == request.pk
