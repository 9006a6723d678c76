"""Import profile documents: the plain-text layout of the seed, or the JSON export.

    python manage.py import_profiles PATH… [--publish] [--replace] [--dry-run]
        [--progress]

Each file is imported all or nothing, in its own transaction: a refused file
leaves nothing of itself and the others imported. Without --publish a
profile that changed becomes a pending change request; with --publish it is
published at once as a recorded import. A document of a profile already
published (the same slug or name) proposes only the fields it states whose
value differs from the published one: a field it leaves out or leaves empty
stays as published, unless --replace is given, when it is proposed empty.
--dry-run prints, per profile, the diff it would propose (each field's
label, then its removed and added items, or its words as [-old-]{+new+})
and writes nothing. With --publish the network's edges are
rewritten once per batch of files rather than after each one
(`profiles.importing.BATCH_FILES`), while each file's search rows are
written in its own transaction. A folder imports every .txt and .json
file in it. Exits non-zero if any file failed, after naming the file and
line of each failure in one line on stderr: a file too large, not UTF-8,
badly laid out or nested, or with a value past `profiles.limits` is refused
before anything is written. A leader bullet whose name could not be told
from its role is imported whole as the role and named on stderr as a
warning, with its file and line.

A progress bar (tqdm) goes to stderr when it is a terminal, or always with
--progress (never with --no-progress or -v 0). At the end a summary goes to
stdout: the profiles created, updated and unchanged, and each refused file
with its reason, one per line.
"""

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from profiles.diff import FieldDiff, Segment
from profiles.document import leader_warnings
from profiles.importing import ImportFailed, ImportResult, import_files


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish at once as a recorded import instead of proposing a change.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Propose the fields a document leaves out of a published "
            "profile as empty, instead of leaving them as published.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the diff each document would propose, then roll back: "
            "nothing is written.",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            default=None,
            help="Show the progress bar on stderr even when it is not a terminal.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_false",
            dest="progress",
            help="Never show the progress bar.",
        )

    def handle(
        self,
        *args,
        paths: list[Path],
        publish: bool,
        replace: bool,
        dry_run: bool,
        progress: bool | None,
        **options,
    ):
        self.verbosity = options["verbosity"]
        self.prefix = "[dry run] " if dry_run else ""
        files = _expand(paths)
        if self.verbosity < 1:
            progress = False
        bar = tqdm(
            total=len(files),
            unit="file",
            desc="Importing",
            file=_Unended(self.stderr),
            disable=None if progress is None else not progress,
            mininterval=0.5,
        )
        tally: Counter[str] = Counter()
        refused: list[str] = []
        started = time.perf_counter()
        with bar:
            imported = import_files(
                files, publish=publish, dry_run=dry_run, replace=replace
            )
            for path, outcome in imported:
                if isinstance(outcome, ImportFailed):
                    refused.append(str(outcome))
                    with _above(bar):
                        self.stderr.write(str(outcome))
                else:
                    tally.update(result.outcome for result in outcome)
                    if self.verbosity >= 1:
                        with _above(bar):
                            for result in outcome:
                                self._report(result)
                            self._warn(path)
                bar.update()
        if self.verbosity >= 1:
            self._summarise(
                len(files), time.perf_counter() - started, tally, refused, publish
            )
        if refused:
            raise CommandError(
                f"{len(refused)} file(s) not imported; nothing was written from them."
            )

    def _report(self, result: ImportResult) -> None:
        if result.change_request is None:
            message = f"{result.name}: unchanged, nothing to import"
        elif self.prefix:
            message = f"{result.name}: would change:"
            for line in diff_lines(result.changes):
                message += f"\n  {line}"
        elif result.published_version is not None:
            message = f"{result.name}: published version {result.published_version}"
        else:
            message = (
                f"{result.name}: change request #{result.change_request.pk} "
                f"waits for review"
            )
        self.stdout.write(f"{self.prefix}{result.path}: {message}")

    def _warn(self, path: Path) -> None:
        """One line on stderr per leader bullet of a text document whose
        name could not be told from its role (`leader_warnings`)."""
        if path.suffix.lower() == ".json":
            return
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if text.lstrip().startswith(("{", "[")):
            return
        for warning in leader_warnings(text):
            self.stderr.write(
                f"{self.prefix}{path}:{warning.line}: warning: {warning.message}",
                style_func=self.style.WARNING,
            )

    def _summarise(
        self,
        files: int,
        seconds: float,
        tally: Counter[str],
        refused: list[str],
        publish: bool,
    ) -> None:
        rate = f", {files / seconds:,.1f} files/s" if seconds > 0 else ""
        pending = "" if publish else " (as change requests waiting for review)"
        self.stdout.write(
            f"{self.prefix}{files:,} file{'s' if files != 1 else ''} "
            f"in {seconds:,.1f} s{rate}: "
            f"{tally['created']:,} created, {tally['updated']:,} updated, "
            f"{tally['unchanged']:,} unchanged{pending}, {len(refused):,} refused"
            + (":" if refused else ".")
        )
        for reason in refused:
            self.stdout.write(f"{self.prefix}  {reason}")


class _Unended:
    """A command's output stream as tqdm writes to it: as it is, without the
    line ending and error colour `OutputWrapper.write` adds."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> None:
        self._stream.write(text, style_func=lambda text: text, ending="")

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()


@contextmanager
def _above(bar: tqdm) -> Iterator[None]:
    """What is written inside appears above the bar: it is cleared first and
    drawn again after."""
    bar.clear()
    yield
    bar.refresh()


def _expand(paths) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p for p in path.iterdir() if p.suffix.lower() in {".txt", ".json"}
                )
            )
        else:
            files.append(path)
    return files


# The diff a dry run prints ----------------------------------------------------------

_MARKERS = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}


def diff_lines(diffs: Iterable[FieldDiff]) -> list[str]:
    """A readable text of `diffs` (`profiles.diff`): per changed field its
    label, then indented below it its words with [-removed-] and {+added+}
    runs (of prose, the changed paragraphs, "…" for those between), its
    items removed ("- removed: …"), added ("+ added: …"), rewritten ("~ "
    and their words) or moved, or its rows (leaders, notes) likewise, a
    rewritten row with each changed column's words. No line holds a line
    break: a text's own breaks start lines of the same indent."""
    lines = []
    for diff in diffs:
        if not diff.changed:
            continue
        lines.append(f"{diff.label}:")
        if diff.notice:
            lines.append(f"  ({diff.notice})")
        if diff.kind == "text":
            body = _paragraphs(diff.segments)
        elif diff.kind == "list":
            body = [_item(item) for item in diff.items if item.op != "equal"]
        else:
            body = [line for row in diff.rows for line in _row(diff.field, row)]
        lines += [f"  {part}" for line in body for part in line.split("\n")]
    return lines


def _words(segments: Iterable[Segment]) -> str:
    """Segments as one text with their changes marked."""
    return "".join(f"{_MARKERS[s.op][0]}{s.text}{_MARKERS[s.op][1]}" for s in segments)


def _paragraphs(segments: Iterable[Segment]) -> list[str]:
    """A text's segments as its changed paragraphs (blank-line separated),
    their changes marked; an unchanged paragraph between them is "…"."""
    paragraphs: list[list[Segment]] = [[]]
    for segment in segments:
        pieces = segment.text.split("\n\n")
        for number, piece in enumerate(pieces):
            if number:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Segment(segment.op, piece))
    lines: list[str] = []
    for paragraph in paragraphs:
        if any(segment.op != "equal" for segment in paragraph):
            lines.append(_words(paragraph))
        elif lines[-1:] != ["…"]:
            lines.append("…")
    return lines if len(paragraphs) > 1 else [_words(paragraphs[0])]


def _item(item) -> str:
    if item.op == "insert":
        return f"+ added: {item.new}"
    if item.op == "delete":
        return f"- removed: {item.old}"
    if item.op == "move":
        return f"↕ moved from {item.old_position} to {item.new_position}: {item.new}"
    return f"~ {_words(item.words)}"


def _row(field: str, row) -> list[str]:
    if row.op == "insert":
        return [f"+ added: {_row_text(field, row.new)}"]
    if row.op == "delete":
        return [f"- removed: {_row_text(field, row.old)}"]
    if row.op == "equal":
        return []
    what = _row_label(field, row.old or row.new)
    return [
        f"~ {what}, {column}: {_words(segments)}"
        for column, segments in row.fields.items()
    ]


def _row_label(field: str, row: dict) -> str:
    if field == "citations":
        return f"note {row['number']}"
    return str(row.get("name", ""))


def _row_text(field: str, row: dict) -> str:
    """A leader as its bullet reads ("Name (aka …) role"), a note as
    "N. text"."""
    if field == "citations":
        return f"{row['number']}. {row['text']}"
    text = str(row.get("name", ""))
    aliases = [alias for alias in row.get("aliases", []) if alias]
    if aliases:
        text += f" (aka {', '.join(aliases)})"
    if row.get("role"):
        text += f" {row['role']}"
    return text
