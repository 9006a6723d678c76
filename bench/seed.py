"""Seeds a large database for `make bench`, in bulk, without the network.

    .venv/bin/python bench/seed.py [--database-url URL]   # migrates, then seeds
    .venv/bin/python bench/seed.py --check                # bulk == workflow?

At full scale (`_corpus.FULL`: 5,000 published profiles, 15,000 leaders,
20,000 public sources, 100,000 versions, one profile with 10,000 versions,
one with 500 notes and 200 leaders) it takes about two minutes on SQLite and
three on PostgreSQL. The database must be empty: --database-url defaults to
`sqlite:///bench/bench.sqlite3`, which is deleted first; a PostgreSQL one
must be freshly created (`bench/pages.py` does that).

The rows are those `profiles.workflow` would write: version 1 of each profile
as a recorded import (`import_profiles --publish`), each later version as an
editor's change request approved by a reviewer, with its accepted proposed
changes and their sources, the version's snapshot, each field's
`FieldProvenance`, the notes' sources made public, tags. The derived tables
are then rebuilt by the project's own code: `profiles.claim_index.index_all`
for the claims, `profiles.search.index_all` for
the name index and `manage.py rebuild_network` for the edges.

Left out, because no reader page reads them: django-simple-history gets one
row per current record (its state now, stamped with the change request and
reviewer that last wrote it, as the workflow's latest history row is), not
one per version that touched it; and the inbox notifications of each edit
(`Notification`) are not written.

`--check` proves the claim above on a small corpus (`_corpus.SMALL`): it
publishes it once through the real workflow (documents through
`profiles.importing.import_file`, edits through `workflow.submit_change_request`
and `workflow.approve`) and once with this bulk writer, each into its own
scratch SQLite database, and compares every table the pages read, row by row
(ids and times aside), and each record's latest history row. It exits
non-zero on any difference.
"""

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]

DEFAULT_DATABASE = f"sqlite:///{BENCH / 'bench.sqlite3'}"
#: Rows kept in memory before they are written.
FLUSH_ROWS = 40_000


def configure(database_url: str) -> None:
    """Points Django at `database_url` and sets it up (production settings)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def reset_sqlite(database_url: str) -> None:
    """Deletes the SQLite file (and its WAL) a URL names, if any."""
    if not database_url.startswith("sqlite:///"):
        return
    path = Path(database_url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# People -------------------------------------------------------------------------


def make_people(scale) -> tuple[Any, list, list]:
    """The import account, the editors and the reviewers (both ways alike)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from profiles import workflow
    from profiles.roles import EDITORS, REVIEWERS, install_roles

    install_roles()
    User = get_user_model()

    def person(username: str, role: str):
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.set(Group.objects.filter(name=role))
        return user

    editors = [person(f"editor-{i + 1:02d}", EDITORS) for i in range(scale.editors)]
    reviewers = [
        person(f"reviewer-{i + 1:02d}", REVIEWERS) for i in range(scale.reviewers)
    ]
    return workflow.system_user(), editors, reviewers


def document_name(group) -> str:
    """The file a profile's first version is imported from."""
    return f"profile-{group.index:04d}.txt"


# The bulk writer -------------------------------------------------------------------


class Table:
    """Rows of one table, inserted with one prepared statement: the rows
    are plain tuples, and only the values that need it (JSON, times) are
    converted, by the model field itself, as `bulk_create` would."""

    def __init__(self, model, *, keys: bool = True):
        from django.db import connection
        from django.db.models import DateTimeField, JSONField

        self.model = model
        # Without `keys`, the database numbers the rows (history, tags).
        fields = [f for f in model._meta.concrete_fields if keys or not f.primary_key]
        self.names = [f.attname for f in fields]
        self.defaults = [f.get_default() for f in fields]
        self.convert = [
            (i, f)
            for i, f in enumerate(fields)
            if isinstance(f, JSONField | DateTimeField)
        ]
        quote = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        self.rows: list[tuple] = []

    def add(self, **values) -> None:
        self.rows.append(
            tuple(
                values.get(name, default)
                for name, default in zip(self.names, self.defaults, strict=True)
            )
        )

    def write(self) -> int:
        from django.db import connection

        rows = self.rows
        if self.convert:
            rows = [list(row) for row in rows]
            for row in rows:
                for i, field in self.convert:
                    row[i] = field.get_db_prep_save(row[i], connection)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 5000):
                cursor.executemany(self.sql, rows[start : start + 5000])
        self.rows = []
        return len(rows)


@dataclass(eq=False)
class Work:
    """A `Source` row as the writer keeps it: what notes and snapshots need."""

    id: int
    authors: str
    title: str
    publication: str
    date: str
    date_iso: str
    url: str
    normalised_url: str
    language: str
    created_at: Any
    published_at: Any


class Writer:
    """Writes the corpus's profiles as the workflow would, in bulk.

    Each profile's versions are replayed in memory: for each, the fields
    that differ from the version before (as `workflow.proposals.changed_proposals`
    keeps them), their sources (as `importing._proposals` or the edit form
    gives them), the request, its accepted changes and the snapshot
    (`serializers.profile_to_dict`'s shape); then the profile's final rows.
    Primary keys are given here, so rows can point to each other before
    they are written.
    """

    def __init__(self, corpus, out=print):
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import Max
        from taggit.models import TaggedItem

        from profiles.models import (
            ChangeRequest,
            Citation,
            CitationSource,
            FieldProvenance,
            Leader,
            Profile,
            ProposedChange,
            RequestEvent,
            Version,
        )
        from sources.models import Source

        self.corpus = corpus
        self.out = out
        self.system, self.editors, self.reviewers = make_people(corpus.scale)
        self.Through = ProposedChange.sources.through
        # In this order: rows point only to rows of tables before them.
        self.models = [
            Source,
            Profile,
            Leader,
            Citation,
            CitationSource,
            ChangeRequest,
            ProposedChange,
            self.Through,
            FieldProvenance,
            Version,
            RequestEvent,
        ]
        # `model.history` makes a new manager on each access: looked up once.
        self.history = {
            model: model.history.model
            for model in (Source, Profile, Leader, Citation, CitationSource)
        }
        self.tables = {model: Table(model) for model in self.models}
        for model in [TaggedItem, *self.history.values()]:
            self.tables[model] = Table(model, keys=False)
        self.next_id = {
            model: (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
            for model in self.models
        }
        self.pending = 0
        self.slugs = set(Profile.objects.values_list("slug", flat=True))
        self.sources: dict[str, Work] = {}  # by normalised URL
        self.tag_ids: dict[str, int] = {}
        self.content_type = ContentType.objects.get_for_model(Profile)
        self._notes: dict[str, tuple] = {}
        self.written_profiles = 0

    def _id(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def _put(self, model, **values) -> None:
        self.tables[model].add(**values)
        self.pending += 1

    # Notes and their works ----------------------------------------------------

    def _entries(self, text: str) -> tuple:
        """The works a note cites, as `parse_note` reads them (cached)."""
        from sources.citations import parse_note

        entries = self._notes.get(text)
        if entries is None:
            entries = self._notes[text] = parse_note(text)[1]
        return entries

    def _source(self, entry, at) -> Work:
        """The bibliography row for a work, made on its first citation as
        `source_for` and `publish_source` make it (published at once: every
        note here is published when it is first cited)."""
        from sources.citations import guess_language
        from sources.dates import iso_partial_date
        from sources.models import Source
        from sources.weblinks import normalise_url

        url = entry.url
        if url.startswith("www."):
            url = f"https://{url}"
        key = normalise_url(url)
        work = self.sources.get(key)
        if work is None:
            work = Work(
                id=self._id(Source),
                authors=entry.authors,
                title=entry.title,
                publication=entry.publication,
                date=entry.date,
                date_iso=iso_partial_date(entry.date),
                url=url,
                normalised_url=key,
                language=entry.language
                or guess_language(entry.title or entry.publication),
                created_at=at,
                published_at=at,
            )
            self.sources[key] = work
            self._put(Source, **vars(work))
            self._put(
                self.history[Source],
                **vars(work),
                history_type="+",
                history_date=at,
                history_user_id=None,
            )
        return work

    def _note_sources(self, text: str, at) -> list[Work]:
        """A note's distinct works in order, as `_sync_citations` links them."""
        return list(
            dict.fromkeys(self._source(entry, at) for entry in self._entries(text))
        )

    def _tag_id(self, name: str) -> int:
        from taggit.models import Tag

        if name not in self.tag_ids:
            # Through taggit itself, for its slugs; there are few tags.
            tag = Tag.objects.filter(name__iexact=name).first()
            self.tag_ids[name] = (tag or Tag.objects.create(name=name)).pk
        return self.tag_ids[name]

    # One profile --------------------------------------------------------------------

    def write_group(self, group) -> None:
        from django.utils.text import slugify

        from profiles.document import footnote_numbers
        from profiles.models import (
            ChangeRequest,
            FieldProvenance,
            Profile,
            ProposedChange,
            RequestEvent,
            Version,
        )
        from profiles.serializers import FIELDS, TEXT_FIELDS

        base = slugify(group.name, allow_unicode=True)[:190].strip("-") or "profile"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        profile_id = self._id(Profile)

        current: dict[str, Any] = {}
        provenance: dict[str, int] = {}
        snapshot_notes: tuple = (None, None)
        # The request that last wrote each leader and note: its history row
        # is stamped with it, as `_sync_leaders` and `_sync_citations` save a
        # row only when it changes.
        leader_stamps: dict[int, dict] = {}
        note_stamps: dict[int, dict] = {}
        for step in self.corpus.steps(group):
            values, at = step.values, step.at
            changed = [
                name
                for name in FIELDS
                if values[name] != current.get(name, "" if name in TEXT_FIELDS else [])
            ]
            if not changed:
                raise ValueError(f"{group.name} v{step.number} changes nothing")
            # The works of each note, by number; publishing the notes makes
            # their works public, and the first description recorded stays.
            if "citations" in changed or step.number == 1:
                note_sources = {
                    row["number"]: self._note_sources(row["text"], at)
                    for row in values["citations"]
                }
            if step.is_import:
                author = reviewer = self.system
                summary = f"Imported from {document_name(group)}"
                note = "Recorded import."
            else:
                author = self.editors[step.editor]
                reviewer = self.reviewers[step.reviewer]
                summary, note = step.summary, ""
            request_id = self._id(ChangeRequest)
            stamp = {
                "change_request_id": request_id,
                "history_user_id": reviewer.pk,
                "history_date": at,
            }
            if "leaders" in changed:
                before = current.get("leaders", [])
                for position, row in enumerate(values["leaders"]):
                    if position >= len(before) or before[position] != row:
                        leader_stamps[position] = stamp
            if "citations" in changed:
                before = {row["number"]: row for row in current.get("citations", [])}
                for row in values["citations"]:
                    if before.get(row["number"]) != row:
                        note_stamps[row["number"]] = stamp
            self._put(
                ChangeRequest,
                id=request_id,
                profile_id=profile_id,
                author_id=author.pk,
                summary=summary,
                origin=ChangeRequest.Origin.IMPORT
                if step.is_import
                else ChangeRequest.Origin.EDIT,
                status=ChangeRequest.Status.APPROVED,
                base_version=step.number - 1,
                created_at=at,
                updated_at=at,
                reviewer_id=reviewer.pk,
                decided_at=at,
                decision_note=note,
                published_version=step.number,
            )
            recorded: dict[str, dict] = {}  # the event log's copy of it
            for name in changed:  # in FIELDS order, as `_record_changes`
                change_id = self._id(ProposedChange)
                self._put(
                    ProposedChange,
                    id=change_id,
                    change_request_id=request_id,
                    field=name,
                    value=values[name],
                    decision=ProposedChange.Decision.ACCEPTED,
                )
                provenance[name] = change_id
                if name == "tags":
                    # Publishing makes every tag it sets, and a tag stays
                    # when no profile carries it any more.
                    for tag in values["tags"]:
                        self._tag_id(tag)
                if name == "citations":
                    # All the notes' works: the import's proposal, and for an
                    # edit what `_record_changes` reads from the notes.
                    numbers = [row["number"] for row in values["citations"]]
                elif step.is_import:
                    text = json.dumps(values[name], ensure_ascii=False)
                    numbers = footnote_numbers(text)
                else:
                    numbers = []
                works = [s for n in numbers for s in note_sources.get(n, [])]
                if not step.is_import and name != "citations":
                    works = [self.sources[self._key(url)] for url in step.sources[name]]
                recorded[name] = {"value": values[name], "sources": []}
                for work in dict.fromkeys(works):
                    self._put(
                        self.Through,
                        id=self._id(self.Through),
                        proposedchange_id=change_id,
                        source_id=work.id,
                    )
                    recorded[name]["sources"].append(work.id)
            # The request's log, as the workflow appends it: submitted with
            # its proposal, approved, published as this version.
            for kind, actor, extra in (
                (
                    RequestEvent.Kind.SUBMITTED,
                    author,
                    {
                        "proposal": {
                            "summary": summary,
                            "base_version": step.number - 1,
                            "changes": recorded,
                        }
                    },
                ),
                (RequestEvent.Kind.APPROVED, reviewer, {"text": note}),
                (RequestEvent.Kind.PUBLISHED, reviewer, {"version": step.number}),
            ):
                self._put(
                    RequestEvent,
                    id=self._id(RequestEvent),
                    change_request_id=request_id,
                    kind=kind,
                    actor_id=actor.pk,
                    at=at,
                    **{"text": "", "proposal": None, "version": None, **extra},
                )
            if snapshot_notes[0] is not values["citations"]:
                snapshot_notes = (
                    values["citations"],
                    self._snapshot_notes(values["citations"], note_sources),
                )
            self._put(
                Version,
                id=self._id(Version),
                profile_id=profile_id,
                number=step.number,
                change_request_id=request_id,
                published_at=at,
                snapshot=self._snapshot(
                    slug, step.number, at, values, snapshot_notes[1]
                ),
            )
            current = values
        self._write_record(
            profile_id,
            slug,
            step,
            current,
            note_sources,
            stamps=(stamp, leader_stamps, note_stamps),
        )
        for name, change_id in provenance.items():
            self._put(
                FieldProvenance,
                id=self._id(FieldProvenance),
                profile_id=profile_id,
                field=name,
                change_id=change_id,
            )
        self.written_profiles += 1
        if self.pending >= FLUSH_ROWS:
            self.flush()

    @staticmethod
    def _key(url: str) -> str:
        from sources.weblinks import normalise_url

        return normalise_url(url)

    def _snapshot_notes(self, rows, note_sources) -> list[dict]:
        from profiles.serializers import source_to_dict

        return [
            {
                "number": row["number"],
                "text": row["text"],
                "urls": [s.url for s in note_sources[row["number"]]],
                "sources": [source_to_dict(s) for s in note_sources[row["number"]]],
            }
            for row in rows
        ]

    @staticmethod
    def _snapshot(slug, number, at, values, notes) -> dict:
        """`profile_to_dict` of the profile as this version left it."""
        from profiles.models import join_lines, split_lines
        from profiles.serializers import FIELDS, LIST_FIELDS

        data: dict[str, Any] = {
            "slug": slug,
            "version": number,
            "updated_at": at.isoformat(),
        }
        for name in FIELDS:
            value = values[name]
            if name in LIST_FIELDS:
                value = split_lines(join_lines(value))
            elif name == "leaders":
                value = [
                    {
                        "name": row["name"],
                        "aliases": split_lines(join_lines(row["aliases"])),
                        "role": row["role"],
                    }
                    for row in value
                ]
            elif name == "tags":
                value = sorted(value)
            data[name] = value
        data["logo_url"] = None
        data["citations"] = notes
        return data

    def _write_record(
        self, profile_id, slug, step, values, note_sources, *, stamps
    ) -> None:
        """The published rows as the last version left them, each with one
        history row: its state now, stamped with the request that wrote it."""
        from taggit.models import TaggedItem

        from profiles.models import (
            Citation,
            CitationSource,
            Leader,
            Profile,
            join_lines,
        )
        from profiles.serializers import LIST_FIELDS, TEXT_FIELDS

        last, leader_stamps, note_stamps = stamps
        fields = {name: values[name] for name in TEXT_FIELDS}
        fields |= {name: join_lines(values[name]) for name in LIST_FIELDS}
        self._record(
            Profile,
            last,
            id=profile_id,
            slug=slug,
            version=step.number,
            published_at=step.at,
            **fields,
        )
        for position, row in enumerate(values["leaders"]):
            self._record(
                Leader,
                leader_stamps[position],
                id=self._id(Leader),
                profile_id=profile_id,
                position=position,
                name=row["name"],
                aliases=join_lines(row["aliases"]),
                role=row["role"],
            )
        for row in values["citations"]:
            citation_id = self._id(Citation)
            stamp = note_stamps[row["number"]]
            self._record(
                Citation,
                stamp,
                id=citation_id,
                profile_id=profile_id,
                number=row["number"],
                text=row["text"],
            )
            for position, work in enumerate(note_sources[row["number"]]):
                self._record(
                    CitationSource,
                    stamp,  # a note's links are written again with its text
                    id=self._id(CitationSource),
                    citation_id=citation_id,
                    source_id=work.id,
                    position=position,
                )
        for name in values["tags"]:
            self._put(
                TaggedItem,
                content_type_id=self.content_type.pk,
                object_id=profile_id,
                tag_id=self._tag_id(name),
            )

    def _record(self, model, stamp: dict, **values) -> None:
        """A row of the published record and its history row."""
        self._put(model, **values)
        self._put(self.history[model], **values, **stamp, history_type="+")

    # Writing --------------------------------------------------------------------

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            for table in self.tables.values():
                table.write()
        self.pending = 0

    def reset_sequences(self) -> None:
        """PostgreSQL's sequences past the ids given here."""
        from django.core.management.color import no_style
        from django.db import connection

        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def rebuild_derived(out=print) -> None:
    """The claims, the works' publishers, the search index and the network,
    by the project's own code."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from profiles import search

    try:
        from profiles import claim_index
    except ImportError:  # an older tree without claims
        claim_index = None
    if claim_index is not None:
        started = time.perf_counter()
        claims = claim_index.index_all()
        out(f"  claims: {claims:,} rows in {time.perf_counter() - started:.1f} s")
    try:  # the works' publishers, as migration 0006 fills them
        fill = importlib.import_module("sources.migrations.0006_publishers")
    except ImportError:  # an older tree without publishers
        fill = None
    if fill is not None:
        from django.apps import apps

        started = time.perf_counter()
        fill.fill_publishers(apps, None)
        out(f"  publishers: filled in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    rows = search.index_all()
    out(f"  search index: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    try:
        call_command("rebuild_network", verbosity=0)
        out(f"  network: rebuild_network in {time.perf_counter() - started:.1f} s")
    except CommandError as error:  # an older tree without the command
        out(f"  network: NOT rebuilt ({error})")


def seed(scale, out=print) -> dict[str, int]:
    """Writes the corpus of `scale` into the (migrated, empty) database."""
    from _corpus import Corpus
    from django.db import connection

    from profiles.models import Profile

    if Profile.objects.exists():
        raise SystemExit("the database already holds profiles; seed an empty one")
    started = time.perf_counter()
    corpus = Corpus(scale)
    writer = Writer(corpus, out=out)
    for group in corpus.groups:
        writer.write_group(group)
        if writer.written_profiles % 500 == 0:
            out(
                f"  {writer.written_profiles:,} profiles written "
                f"({time.perf_counter() - started:.0f} s)"
            )
    writer.flush()
    if connection.vendor == "postgresql":
        writer.reset_sequences()
    out(f"  records written in {time.perf_counter() - started:.1f} s")
    rebuild_derived(out)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would soon do
    return counts()


def counts() -> dict[str, int]:
    from profiles.models import (
        Citation,
        Connection,
        Leader,
        Profile,
        ProposedChange,
        SearchName,
        Version,
    )
    from sources.models import Source

    return {
        "profiles": Profile.objects.published().count(),
        "leaders": Leader.objects.count(),
        "notes": Citation.objects.count(),
        "public sources": Source.objects.public().count(),
        "versions": Version.objects.count(),
        "proposed changes": ProposedChange.objects.count(),
        "search names": SearchName.objects.count(),
        "connections": Connection.objects.count(),
    }


# The same corpus through the workflow, and the comparison ---------------------------


def publish_through_workflow(scale, folder: Path, out=print) -> None:
    """Publishes the corpus the way the product does: each first version as
    a document through `import_file(publish=True)`, each later one as an
    edit approved by a reviewer."""
    from _corpus import Corpus

    from profiles import workflow
    from profiles.document import render
    from profiles.importing import import_file
    from profiles.models import Profile
    from profiles.serializers import FIELDS, values_document
    from sources.models import Source
    from sources.weblinks import normalise_url

    corpus = Corpus(scale)
    system, editors, reviewers = make_people(scale)
    del system
    for group in corpus.groups:
        previous: dict[str, Any] = {}
        profile = None
        for step in corpus.steps(group):
            if step.is_import:
                path = folder / document_name(group)
                path.write_text(render(values_document(step.values)), encoding="utf-8")
                (result,) = import_file(path, publish=True)
                profile = Profile.objects.get(change_requests=result.change_request)
            else:
                proposals = {
                    name: workflow.Proposal(
                        step.values[name],
                        [
                            Source.objects.get(normalised_url=normalise_url(url))
                            for url in step.sources.get(name, [])
                        ],
                    )
                    for name in FIELDS
                    if step.values[name] != previous[name]
                }
                request = workflow.submit_change_request(
                    profile=profile,
                    author=editors[step.editor],
                    summary=step.summary,
                    proposals=proposals,
                )
                workflow.approve(request, reviewer=reviewers[step.reviewer])
            previous = step.values
    out(f"  published {len(corpus.groups)} profiles through the workflow")


def dump() -> dict[str, Any]:
    """Every table the pages read, keyed by natural keys, without ids and
    times, so two databases written differently can be compared."""
    from django.apps import apps
    from taggit.models import Tag, TaggedItem

    from profiles.models import (
        ChangeRequest,
        Citation,
        CitationSource,
        Connection,
        FieldProvenance,
        Leader,
        Profile,
        ProfileDegree,
        ProposedChange,
        SearchName,
        Version,
    )
    from sources.models import Source

    slug = dict(Profile.objects.values_list("pk", "slug"))
    url = dict(Source.objects.values_list("pk", "normalised_url"))
    requests = {
        r.pk: f"{slug[r.profile_id]}@{r.published_version}"
        for r in ChangeRequest.objects.all()
    }
    data: dict[str, Any] = {}
    skip = {"id", "published_at"}
    data["profiles"] = {
        p["slug"]: {k: v for k, v in p.items() if k not in skip}
        for p in Profile.objects.values()
    }
    data["leaders"] = sorted(
        [slug[p], pos, n, a, r]
        for p, pos, n, a, r in Leader.objects.values_list(
            "profile_id", "position", "name", "aliases", "role"
        )
    )
    citations = {}
    for c in Citation.objects.all():
        citations[c.pk] = f"{slug[c.profile_id]}#{c.number}"
        data.setdefault("citations", []).append([citations[c.pk], c.text])
    data["citations"].sort()
    data["citation_sources"] = sorted(
        [citations[c], url[s], pos]
        for c, s, pos in CitationSource.objects.values_list(
            "citation_id", "source_id", "position"
        )
    )
    data["sources"] = {
        s.normalised_url: [
            s.authors,
            s.title,
            s.publication,
            s.date,
            s.date_iso,
            s.url,
            s.language,
            s.published_at is not None,
        ]
        for s in Source.objects.all()
    }
    users = {}
    from django.contrib.auth import get_user_model

    users = dict(get_user_model().objects.values_list("pk", "username"))
    data["requests"] = {
        requests[r.pk]: [
            users[r.author_id],
            users.get(r.reviewer_id),
            r.summary,
            r.origin,
            r.status,
            r.base_version,
            r.decision_note,
            r.decided_at is not None,
        ]
        for r in ChangeRequest.objects.all()
    }
    changes = {}
    order = defaultdict(list)
    for c in ProposedChange.objects.order_by("pk").prefetch_related("sources"):
        key = f"{requests[c.change_request_id]}:{c.field}"
        changes[c.pk] = key
        order[requests[c.change_request_id]].append(c.field)
        data.setdefault("changes", {})[key] = [
            c.value,
            c.decision,
            c.reason,
            c.published_value,
            sorted(s.normalised_url for s in c.sources.all()),
        ]
    data["change_order"] = order
    data["provenance"] = {
        f"{slug[p]}:{f}": changes[c]
        for p, f, c in FieldProvenance.objects.values_list(
            "profile_id", "field", "change_id"
        )
    }
    versions = {}
    for v in Version.objects.all():
        snapshot = dict(v.snapshot)
        snapshot.pop("updated_at")
        versions[f"{slug[v.profile_id]}@{v.number}"] = [
            requests[v.change_request_id],
            snapshot,
        ]
    data["versions"] = versions
    data["search_names"] = sorted(
        [slug[r[0]], *r[1:]]
        for r in SearchName.objects.values_list(
            "profile_id", "kind", "leader_position", "text", "word", "key"
        )
    )
    data["connections"] = sorted(
        [slug[r[0]], slug[r[1]], *r[2:]]
        for r in Connection.objects.values_list(
            "source_id", "target_id", "position", "start", "end", "name", "text", "year"
        )
    )
    data["degrees"] = {
        slug[p]: d for p, d in ProfileDegree.objects.values_list("profile_id", "degree")
    }
    data["tags"] = sorted(Tag.objects.values_list("name", "slug"))
    tagged = defaultdict(list)
    for item in TaggedItem.objects.select_related("tag"):
        tagged[slug[item.object_id]].append(item.tag.name)
    data["tagged"] = {k: sorted(v) for k, v in tagged.items()}
    natural = {
        Profile: lambda row: slug[row["id"]],
        Leader: lambda row: f"{slug[row['profile_id']]}/{row['position']}",
        Citation: lambda row: citations[row["id"]],
        CitationSource: lambda row: (
            f"{citations[row['citation_id']]}/{row['source_id']}"
        ),
        Source: lambda row: url[row["id"]],
    }
    data["history"] = {
        model._meta.label: sorted(
            _latest_history(model, natural[model], requests, users)
        )
        for model in natural
    }
    data["row_counts"] = {
        model._meta.label: model.objects.count()
        for app in ("profiles", "sources", "taggit")
        for model in apps.get_app_config(app).get_models()
    }
    return data


def _latest_history(model, key, requests, users) -> list:
    """For each current row: its key, whether its latest history row holds
    its current values, and the request and person that row is stamped with.
    """
    names = [f.attname for f in model._meta.concrete_fields]
    current = {row["id"]: row for row in model.objects.values(*names)}
    History = model.history.model
    stamp = ["change_request_id"] if hasattr(History, "change_request") else []
    latest = {}
    for row in History.objects.order_by("history_id").values(
        *names, "history_user_id", *stamp
    ):
        latest[row["id"]] = row
    found = []
    for pk, row in current.items():
        history = latest.get(pk)
        if history is None:
            found.append([key(row), None])
            continue
        found.append(
            [
                key(row),
                all(history[name] == row[name] for name in names),
                users.get(history["history_user_id"]),
                requests.get(history.get("change_request_id")),
            ]
        )
    return found


#: Tables the bulk writer leaves with other counts on purpose (see the
#: module's docstring).
EXPECTED_COUNT_DIFFERENCES = (
    "profiles.Historical",
    "sources.Historical",
    "profiles.Notification",
)


def compare(workflow_dump: dict, bulk_dump: dict) -> list[str]:
    problems = []
    for table in workflow_dump:
        a, b = workflow_dump[table], bulk_dump.get(table)
        if table == "row_counts":
            for label in sorted(set(a) | set(b)):
                if a.get(label) != b.get(label) and not label.startswith(
                    EXPECTED_COUNT_DIFFERENCES
                ):
                    problems.append(
                        f"{label}: {a.get(label)} rows by the workflow, "
                        f"{b.get(label)} in bulk"
                    )
            continue
        if a == b:
            continue
        if isinstance(a, dict):
            keys = sorted(set(a) | set(b), key=str)
            diffs = [k for k in keys if a.get(k) != b.get(k)]
            problems.append(f"{table}: {len(diffs)} of {len(keys)} rows differ")
            for key in diffs[:3]:
                problems.append(f"    {key}:\n      workflow {a.get(key)!r:.600}")
                problems.append(f"      bulk     {b.get(key)!r:.600}")
        else:
            only_a = [r for r in a if r not in b]
            only_b = [r for r in b if r not in a]
            problems.append(
                f"{table}: {len(only_a)} rows only by the workflow, "
                f"{len(only_b)} only in bulk"
            )
            for row in only_a[:3]:
                problems.append(f"    workflow {row!r:.400}")
            for row in only_b[:3]:
                problems.append(f"    bulk     {row!r:.400}")
    return problems


def _dumps(folder: Path) -> dict[str, Any]:
    """The small corpus seeded both ways, each by a subprocess into its own
    SQLite database, and dumped."""
    dumps = {}
    for mode in ("workflow", "bulk"):
        started = time.perf_counter()
        output = folder / f"{mode}.json"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--small",
                "--mode",
                mode,
                "--dump",
                str(output),
                "--database-url",
                f"sqlite:///{folder / mode}.sqlite3",
            ],
            check=True,
        )
        dumps[mode] = json.loads(output.read_text(encoding="utf-8"))
        print(f"{mode}: {time.perf_counter() - started:.1f} s")
    return dumps


def check() -> int:
    """Seeds the small corpus both ways and compares."""
    folder = Path(tempfile.mkdtemp(prefix="profiles-bench-check-"))
    try:
        dumps = _dumps(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    problems = compare(dumps["workflow"], dumps["bulk"])
    counts_ = dumps["bulk"]["row_counts"]
    print(
        f"compared {len(dumps['bulk']['profiles'])} profiles, "
        f"{len(dumps['bulk']['versions'])} versions, "
        f"{len(dumps['bulk']['changes'])} proposed changes, "
        f"{counts_.get('profiles.SearchName')} search names, "
        f"{counts_.get('profiles.Connection')} connections"
    )
    for problem in problems:
        print(problem)
    print(
        "check: " + ("the bulk rows are the workflow's" if not problems else "FAILED")
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument(
        "--check", action="store_true", help="compare bulk and workflow seeding"
    )
    parser.add_argument("--small", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("bulk", "workflow"), default="bulk")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.check:
        return check()
    reset_sqlite(args.database_url)
    configure(args.database_url)
    import _corpus
    from django.core.management import call_command

    scale = _corpus.SMALL if args.small else _corpus.FULL
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.mode == "workflow":
        folder = Path(tempfile.mkdtemp(prefix="profiles-bench-documents-"))
        try:
            publish_through_workflow(scale, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"seeding {args.database_url} …", flush=True)
        for name, count in seed(scale).items():
            print(f"  {name}: {count:,}")
    print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
    if args.dump:
        args.dump.write_text(
            json.dumps(dump(), ensure_ascii=False, default=str), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
