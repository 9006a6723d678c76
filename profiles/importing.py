"""Turning profile documents (plain text or the project's JSON) into change
requests, through the workflow. Used by `import_profiles` and `load_demo`.

A file is checked whole before anything is written: its size, its encoding,
its layout or JSON shape, and every bound of `profiles.limits` (names as long
as their columns, counts, field sizes, note numbers, no control characters).
Whatever is wrong is one `ImportFailed` line naming the file (and the line of
a text document), never a traceback.

A document that updates a published profile proposes only what it states:
a field it leaves out, or leaves empty, stays as published unless the import
is told to replace (`replace=True`), when it is proposed empty. A title's
gloss in another script than the Latin ("Liwa al-Mithal (لواء المثال)") is
an alternative name, never the English name; a title in such a script with a
Latin gloss updates the profile the gloss names, when no profile has its
name."""

import json
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from profiles import limits, queries, workflow
from profiles.diff import FieldDiff, diff_values
from profiles.document import DocumentError, footnote_numbers, parse
from profiles.models import ChangeRequest, Profile, split_lines
from profiles.network import indexing
from profiles.network.matching import fold
from profiles.serializers import (
    FIELDS,
    InvalidValues,
    document_values,
    json_values,
    profile_values,
)
from profiles.workflow import pending
from sources.bibliography import sources_for
from sources.citations import parse_note


class ImportFailed(Exception):
    """A file that cannot be imported; `str()` is `file:line: what is wrong`."""

    def __init__(self, path: str, line: int | None, message: str):
        location = f"{path}:{line}" if line else path
        super().__init__(f"{location}: {message}")


@dataclass(frozen=True)
class ImportResult:
    path: str
    name: str
    change_request: ChangeRequest | None  # None when nothing changed
    published_version: int | None
    #: What the request changes, field by field, against the published
    #: values: filled in a dry run only, before it is rolled back.
    changes: tuple[FieldDiff, ...] = ()

    @property
    def outcome(self) -> str:
        """ "created" (a new profile, published or proposed), "updated" (a
        change to a published one) or "unchanged"."""
        if self.change_request is None:
            return "unchanged"
        return "created" if self.change_request.base_version == 0 else "updated"


#: Files published between two rewrites of the network's edges: the edges of
#: a batch are found in one pass (`indexing.batch`), which reads every
#: published profile's names and connections section, so its cost grows with
#: the database (about half a second at 5,000 profiles) whatever the batch's
#: size. An import stopped half-way leaves at most this many files' edges
#: unwritten (`rebuild_network` writes them).
BATCH_FILES = 1000

#: Files committed together when publishing a batch, each in its own
#: savepoint, so each is still all or nothing. A commit writes every page
#: its transaction changed (on SQLite it also flushes the text index), and
#: consecutive documents change many of the same pages of the search and
#: history tables: a commit per file cost about as much as the file's own
#: inserts. An import stopped half-way loses at most this many files.
COMMIT_FILES = 25


@dataclass(frozen=True)
class _Document:
    """One profile read from a file: its values for every field (a field the
    file leaves out is empty), the slug it gives (None for a text document,
    which gives none; "" for a JSON profile without one), the names its
    title gives beside the profile's name (kept as alternative names), and
    the Latin gloss of a title written in another script, by which the
    profile it updates may be found."""

    values: dict[str, Any]
    slug: str | None = None
    title_names: tuple[str, ...] = ()
    gloss: str = ""


def read_documents(path: Path) -> list[dict[str, Any]]:
    """The change-request values of every profile in one file, checked; a
    JSON profile's with its "slug".

    Raises `ImportFailed` naming the file and line for an empty, binary,
    non-UTF-8 or too large file, for any mistake the document parser or JSON
    check finds, and for values past `profiles.limits`.
    """
    documents = []
    for document in _read_file(path):
        values = dict(document.values)
        values["alternative_names"] = _with_names(
            values["alternative_names"], document.title_names, values["name"]
        )
        if document.slug is not None:
            values["slug"] = document.slug
        documents.append(values)
    return documents


def _read_file(path: Path) -> list[_Document]:
    """Every profile of one file, checked (see `read_documents`)."""
    name = str(path)
    most = limits.limit("import_bytes")
    try:
        size = path.stat().st_size
        if size > most:
            raise ImportFailed(
                name, None, f"the file is {size:,} bytes; the most is {most:,}"
            )
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailed(name, None, f"cannot read: {error.strerror}") from error
    if not data.strip():
        raise ImportFailed(name, 1, "the file is empty")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportFailed(name, line, "this is a binary file, not a profile document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed(
            name, line, f"not valid UTF-8 (byte 0x{data[error.start]:02x})"
        ) from error
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        return _json_documents(name, text)
    try:
        values = document_values(parse(text, limits=limits.document_limits()))
    except DocumentError as error:
        raise ImportFailed(name, error.line, error.message) from error
    document = _titled(values)
    _check_limits(
        name,
        {
            **values,
            "alternative_names": _with_names(
                values["alternative_names"], document.title_names, values["name"]
            ),
        },
        "",
    )
    return [document]


def _titled(values: dict[str, Any]) -> _Document:
    """A text document's values with its title read for what it is. The
    parser takes the title "Name (Gloss)" for the name and the English name;
    a gloss with letters of another script than the Latin is no English
    name: it is the name in that script, kept as an alternative name. A name
    in another script with a Latin gloss is kept as read, and the gloss is
    remembered to find the profile it names (`_glossed_profile`)."""
    name, gloss = values["name"], values["english_name"]
    if gloss and not _in_latin_script(gloss):
        return _Document({**values, "english_name": ""}, title_names=(gloss,))
    if gloss and not _in_latin_script(name):
        return _Document(values, gloss=gloss)
    return _Document(values)


def _in_latin_script(text: str) -> bool:
    """Whether every letter of `text` is a Latin one. Modifier letters (the
    ʿ and ʾ of transliterations) belong to no script and are not counted."""
    return all(
        unicodedata.category(char) not in ("Lu", "Ll", "Lt", "Lo")
        or unicodedata.name(char, "").startswith("LATIN ")
        for char in text
    )


def _with_names(names: list[str], more: Sequence[str], name: str) -> list[str]:
    """`names` followed by those of `more` not among them, nor the profile's
    `name` (regardless of case)."""
    known = {fold(n) for n in [*names, name]}
    added = []
    for other in more:
        if fold(other) not in known:
            known.add(fold(other))
            added.append(other)
    return [*names, *added]


class _LongNumber(ValueError):
    """A JSON number too long to be any value of a profile."""


def _json_int(digits: str) -> int:
    # Python refuses to read integers past 4,300 digits, with a message about
    # its own settings; no number of a profile has more than ten.
    if len(digits.lstrip("-")) > 18:
        raise _LongNumber(f"a number of {len(digits):,} digits is too long")
    return int(digits)


def _json_depth(data: Any) -> int:
    """How many arrays and objects deep `data` nests, counted level by level
    (no recursion), stopping one level past the bound."""
    depth, level = 0, [data]
    most = limits.limit("json_depth")
    while depth <= most:
        level = [item for item in level if isinstance(item, dict | list)]
        if not level:
            break
        depth += 1
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return depth


def _json_documents(name: str, text: str) -> list[_Document]:
    most = limits.limit("json_depth")
    too_deep = f"JSON nested more than {most} levels deep; a profile needs 5"
    try:
        data = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as error:
        raise ImportFailed(name, error.lineno, f"invalid JSON: {error.msg}") from error
    except _LongNumber as error:
        raise ImportFailed(name, None, f"invalid JSON: {error}") from error
    except RecursionError as error:
        raise ImportFailed(name, None, too_deep) from error
    if _json_depth(data) > most:
        raise ImportFailed(name, None, too_deep)
    items = data if isinstance(data, list) else [data]
    documents = []
    for index, item in enumerate(items):
        where = f"profile {index + 1}, " if isinstance(data, list) else ""
        try:
            values = json_values(item)
        except InvalidValues as error:
            raise ImportFailed(name, None, f"{where}{error}") from error
        slug = item.get("slug", "")
        if not isinstance(slug, str):
            raise ImportFailed(name, None, f"{where}slug: must be text")
        _check_limits(name, values, where, slug=slug)
        documents.append(_Document(values, slug=slug))
    return documents


def _check_limits(
    name: str, values: dict[str, Any], where: str, *, slug: str = ""
) -> None:
    """Raises `ImportFailed` for the first field past `profiles.limits`."""
    code = limits.control_character(slug)
    if code:
        message = limits.control_character_message(code)
        raise ImportFailed(name, None, f"{where}slug: {message}")
    for field, messages in limits.limit_errors(values).items():
        raise ImportFailed(name, None, f"{where}{field}: {messages[0]}")


@dataclass(frozen=True)
class _Mode:
    """How files are imported: published at once or proposed; rolled back
    (`dry_run`); a published profile's fields the document leaves out
    proposed empty (`replace`) or left as they are."""

    publish: bool
    dry_run: bool = False
    replace: bool = False


def import_files(
    paths: Sequence[Path],
    *,
    publish: bool,
    dry_run: bool = False,
    replace: bool = False,
) -> Iterator[tuple[Path, list[ImportResult] | ImportFailed]]:
    """Imports the files one after another, each all or nothing (see
    `import_file`), and yields each with its results or the `ImportFailed`
    that refused it: a refused file leaves nothing of itself and the others
    imported.

    Side effects: those of `import_file`, with four differences when
    publishing, which leave the same rows (`tests/profiles/test_import_batch.py`
    compares them): files are committed `COMMIT_FILES` at a time, each in
    its own savepoint, and yielded once committed; the network's edges are
    rewritten once per `BATCH_FILES` files (`indexing.batch`) instead of
    after each profile, in their own transaction once the batch's files are
    committed; the works first
    cited by a file are created public (`sources_for(published_at=...)`),
    as publishing would leave them, instead of private and then published;
    and a profile that does not exist yet is recorded and published in one
    step, in a handful of inserts (`workflow.import_new_profile`). The
    search index is still written in each file's transaction, so no
    published profile is ever without its search rows. A dry run publishes
    nothing that lasts, so it rewrites no edges.
    """
    mode = _Mode(publish, dry_run, replace)
    batched = publish and not dry_run
    group = COMMIT_FILES if batched else 1
    for start in range(0, len(paths), BATCH_FILES):
        with indexing.batch() if batched else nullcontext():
            names = _ProfileNames() if batched else None
            batch = paths[start : start + BATCH_FILES]
            for first in range(0, len(batch), group):
                yield from _import_group(
                    batch[first : first + group], mode=mode, names=names
                )


def _import_group(
    paths: Sequence[Path],
    *,
    mode: _Mode,
    names: "_ProfileNames | None",
) -> list[tuple[Path, list[ImportResult] | ImportFailed]]:
    """The files imported with their outcomes; when publishing a batch
    (`names` given), in one transaction, each in its own savepoint. Nothing
    is yielded while the transaction is open, so a caller that stops early
    loses nothing it was told was imported."""
    if names is None:
        return [(path, _outcome(path, mode=mode, names=None)) for path in paths]
    try:
        with transaction.atomic(), pending.grouped() as group:
            names.read_new()
            outcomes = [
                (path, _outcome(path, mode=mode, names=names)) for path in paths
            ]
            group.write()
        return outcomes
    except DatabaseError:
        # A row kept for the group was refused when written, and the whole
        # group rolled back: again, each file writing its own rows, so the
        # file at fault is refused alone.
        names.forget()
        with transaction.atomic():
            names.read_new()
            return [(path, _outcome(path, mode=mode, names=names)) for path in paths]


def _outcome(
    path: Path, *, mode: _Mode, names: "_ProfileNames | None"
) -> list[ImportResult] | ImportFailed:
    """One file imported (`_import_file`), or why it was refused. In a
    commit group (`pending.grouped`), the rows the file kept join the
    group's, or are dropped with the file; a file that reads back rows the
    group still holds (it updates a profile an earlier file created) is
    imported again once the group is written, writing its own rows."""
    try:
        outcome = _import_file(path, mode=mode, names=names)
    except ImportFailed as error:
        pending.drop_file()
        return error
    except pending.RowsPending:
        pending.drop_file()
        pending.write_group()
        with pending.paused():
            return _outcome(path, mode=mode, names=names)
    pending.keep_file()
    return outcome


class _ProfileNames:
    """The names and slugs of the profiles, read once per batch: looking a
    document's name up (`name__iexact`) reads every profile, since no index
    holds their names, and looking its slug up is a query per document that
    almost always finds nothing. The database is asked only when a profile
    of that slug, or of a loosely equal name, exists (`fold`: whatever the
    database takes for equal regardless of case, `fold` makes equal).
    Profiles created by others are read by `read_new` when a commit group's
    transaction starts (by their ids, which only grow), and those this
    import creates as it creates them (`add`); a slug never changes, and a
    profile renamed meanwhile by someone else is seen with its new name in
    the next batch. On SQLite no one else writes while the group's
    transaction is open; on PostgreSQL a profile another request creates
    during a group is seen from the next one."""

    def __init__(self) -> None:
        self._pks: dict[str, set[int]] = {}
        self._slugs: set[str] = set()
        self._last = 0

    def forget(self) -> None:
        """Reads every name again at the next `read_new`: after a rollback,
        whose profiles' ids may be given again."""
        self._pks, self._slugs, self._last = {}, set(), 0

    def add(self, profile: Profile) -> None:
        """Notes a profile this import has just created. A profile whose
        file is refused later stays noted: its name and slug are then only
        looked up in the database for nothing."""
        self._pks.setdefault(fold(profile.name), set()).add(profile.pk)
        self._slugs.add(profile.slug)

    def read_new(self) -> None:
        """Reads the names and slugs of the profiles created since the last
        call (one query)."""
        rows = (
            Profile.objects.filter(pk__gt=self._last)
            .order_by("pk")
            .values_list("pk", "name", "slug")
        )
        for pk, known, slug in rows:
            self._pks.setdefault(fold(known), set()).add(pk)
            self._slugs.add(slug)
            self._last = pk

    def slug_taken(self, slug: str) -> bool:
        """False only when no profile read by `read_new` has `slug`."""
        return slug in self._slugs

    def may_exist(self, name: str) -> bool:
        """False only when no profile read by `read_new` is called `name`,
        in any case."""
        return fold(name) in self._pks


def import_file(
    path: Path, *, publish: bool, dry_run: bool = False, replace: bool = False
) -> list[ImportResult]:
    """Imports every profile in the file, all or nothing.

    A profile already published is updated with what the file states: a
    field it leaves out, or leaves empty, stays as published, unless
    `replace`, when it is proposed empty.

    Side effects (none with `dry_run`): per profile whose values differ from the
    published ones, a change request by the system account, published at once
    with `publish`; the notes' sources in the bibliography. With `dry_run`,
    each result carries the diff of what its request would change.
    """
    return _import_file(path, mode=_Mode(publish, dry_run, replace), names=None)


def _import_file(
    path: Path, *, mode: _Mode, names: _ProfileNames | None
) -> list[ImportResult]:
    documents = _read_file(path)
    results = []
    with transaction.atomic():
        for document in documents:
            try:
                results.append(
                    _import_document(str(path), document, mode=mode, names=names)
                )
            except ValidationError as error:
                raise ImportFailed(str(path), None, _messages(error)) from error
            except workflow.WorkflowError as error:
                raise ImportFailed(str(path), None, str(error)) from error
        if mode.dry_run:
            transaction.set_rollback(True)
    return results


def _messages(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items()
    )


def _import_document(
    path: str,
    document: _Document,
    *,
    mode: _Mode,
    names: _ProfileNames | None,
) -> ImportResult:
    """One profile imported; `names` when publishing a batch. A dry run is
    never batched (`import_files`)."""
    values = document.values
    slug = document.slug or slugify(values["name"], allow_unicode=True)
    batched = names is not None
    profile = (
        Profile.objects.filter(slug=slug).first()
        if not batched or names.slug_taken(slug)
        else None
    )
    if profile is None and (not batched or names.may_exist(values["name"])):
        profile = Profile.objects.filter(name__iexact=values["name"]).first()
    if profile is None and document.gloss:
        profile = _glossed_profile(path, values["name"], document.gloss)
        if profile is not None:
            document = _named_by_gloss(document, profile)
            values = document.values
    if profile is None and batched:
        return _import_new(path, _proposed_values(document, None, mode), names)
    if batched:
        pending.check_none_pending()  # the usual path reads the profile back
    values = _proposed_values(document, profile, mode)
    try:
        # Works created public must not outlive a document that publishes
        # nothing: their savepoint goes with the refused request.
        with transaction.atomic() if batched else nullcontext():
            proposals = _proposals(
                values, published_at=timezone.now() if batched else None
            )
            change_request = workflow.submit_change_request(
                profile=profile,
                author=workflow.system_user(),
                summary=_summary(path),
                proposals=proposals,
                origin=ChangeRequest.Origin.IMPORT,
            )
    except workflow.NothingToChange:
        return ImportResult(path, values["name"], None, None)
    changes = _changes(profile, change_request) if mode.dry_run else ()
    version = workflow.publish_import(change_request) if mode.publish else None
    return ImportResult(
        path,
        values["name"],
        change_request,
        version.number if version else None,
        changes,
    )


def _glossed_profile(path: str, name: str, gloss: str) -> Profile | None:
    """The profile a title "Name (Gloss)" stands for when `name` is in
    another script than the Latin and no profile has it: the profile whose
    name (or slug) is the gloss, else whose English name is, else whose
    alternative names hold `name`. None when no profile is; `ImportFailed`
    when several are equally, rather than a guess."""
    folded = fold(name)
    for found in (
        Profile.objects.filter(
            Q(name__iexact=gloss) | Q(slug=slugify(gloss, allow_unicode=True))
        ),
        Profile.objects.filter(english_name__iexact=gloss),
        [
            profile
            for profile in Profile.objects.filter(alternative_names__icontains=name)
            if folded in {fold(n) for n in split_lines(profile.alternative_names)}
        ],
    ):
        found = list(found)
        if len(found) > 1:
            listed = ", ".join(sorted(profile.name for profile in found))
            raise ImportFailed(
                path,
                None,
                f"the title {name} ({gloss}) names {len(found)} profiles "
                f"({listed}); title the document with one profile's own name",
            )
        if found:
            return found[0]
    return None


def _named_by_gloss(document: _Document, profile: Profile) -> _Document:
    """A document titled "Name (Gloss)", in another script with a Latin
    gloss, as the update of `profile` found by the gloss: the profile keeps
    its name, the title's name is one of its alternative names, and the
    gloss is its English name unless it is the profile's name."""
    values = document.values
    gloss = document.gloss
    english = "" if fold(gloss) == fold(profile.name) else gloss
    return _Document(
        {**values, "name": profile.name, "english_name": english},
        slug=document.slug,
        title_names=(*document.title_names, values["name"]),
    )


def _proposed_values(
    document: _Document, profile: Profile | None, mode: _Mode
) -> dict[str, Any]:
    """The values to propose for `document`: for a new profile (`profile`
    None) or with `mode.replace`, every field, a field the document leaves
    out as empty; otherwise only the name and the fields the document
    states (not empty). The title's other names join the alternative names:
    those the document gives, else (unless replacing) those published."""
    values = document.values
    names = values["alternative_names"]
    if profile is not None and not mode.replace and not names:
        names = split_lines(profile.alternative_names)
    values = {
        **values,
        "alternative_names": _with_names(names, document.title_names, values["name"]),
    }
    if profile is None or mode.replace:
        return values
    return {
        field: value
        for field, value in values.items()
        if field == "name" or value not in ("", [])
    }


def _changes(
    profile: Profile | None, change_request: ChangeRequest
) -> tuple[FieldDiff, ...]:
    """What `change_request` changes, field by field, against the published
    values of `profile` (none for a new profile)."""
    published = profile_values(queries.profile_record(profile.pk)) if profile else {}
    proposed = {change.field: change.value for change in change_request.changes.all()}
    return tuple(diff_values(published, proposed, [f for f in FIELDS if f in proposed]))


def _import_new(
    path: str, values: dict[str, Any], names: _ProfileNames
) -> ImportResult:
    """A new profile published at once, in bulk (`workflow.import_new_profile`),
    noted in `names`.
    Its new works are created public: a new profile's request changes its
    notes whenever they cite a work, so a request that publishes nothing
    (`NothingToChange`) has created none, and no savepoint is needed."""
    cited: dict = {}
    try:
        version = workflow.import_new_profile(
            summary=_summary(path),
            proposals=_proposals(
                values, published_at=timezone.now(), cited=cited, keep_history=True
            ),
            cited=cited,
        )
    except workflow.NothingToChange:
        return ImportResult(path, values["name"], None, None)
    names.add(version.profile)
    return ImportResult(path, values["name"], version.change_request, version.number)


def _summary(path: str) -> str:
    return f"Imported from {Path(path).name}"


def _proposals(
    values: dict[str, Any],
    *,
    published_at=None,
    cited: dict | None = None,
    keep_history: bool = False,
) -> dict[str, workflow.Proposal]:
    """Each field of `values` proposed with the sources of the notes its
    footnote marks point to; the notes themselves are supported by every
    source they cite. New works are public from `published_at` when given: only when the
    request is published in the same transaction, which publishes them.
    `cited`, when given, is filled with each note's works and the note's
    readings of them, as `workflow.import_new_profile` takes them. With
    `keep_history`, the history rows of new works are kept for the commit
    group (`pending.keep`): only where no savepoint may take the works back
    while the file goes on."""
    entries = {
        citation["number"]: parse_note(citation["text"])[1]
        for citation in values.get("citations", [])
    }
    later = {"keep": pending.keep} if keep_history else {}
    found = iter(
        sources_for(
            (e for cited in entries.values() for e in cited),
            published_at=published_at,
            **later,
        )
    )
    read = {
        number: [(next(found), entry) for entry in readings]
        for number, readings in entries.items()
    }
    if cited is not None:
        cited.update(read)
    note_sources = {
        number: [source for source, _ in pairs] for number, pairs in read.items()
    }
    proposals = {}
    for field in (field for field in FIELDS if field in values):
        if field == "citations":
            numbers = list(note_sources)
        else:
            numbers = footnote_numbers(json.dumps(values[field], ensure_ascii=False))
        sources = [s for n in numbers for s in note_sources.get(n, [])]
        proposals[field] = workflow.Proposal(
            value=values[field], sources=list(dict.fromkeys(sources))
        )
    return proposals
