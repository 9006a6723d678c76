"""How much one change request may carry and which text it may hold: the bounds
every write path checks (edit form, review form, admin, importer, API), so no
input can make a page, a diff or the search index do unbounded work, or reach
the database in a shape it refuses.

Each bound can be changed in settings (`PROFILE_LIMITS`); the defaults fit
the largest real profiles with room to spare. Names are bounded by their
columns (`NAME_CHARS`), numbers by PostgreSQL's integer (`DATABASE_INT_MAX`),
and no text may hold a control character other than tab and line breaks
(`profiles.document.CONTROL_CHARACTER_RE`).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from profiles import claims
from profiles.document import (
    CONTROL_CHARACTER_RE,
    FOOTNOTE_MARK_RE,
    DocumentLimits,
    footnote_numbers,
    mark_label,
)
from profiles.sections import PROSE_FIELDS

DEFAULTS = {
    "field_chars": 100_000,  # one text field, one list item, one note
    "list_items": 1_000,  # bullets of one section, alternative names, tags
    "leaders": 500,
    "citations": 2_000,
    "sources": 50,  # sources cited for one field of a request
    "note_number": 100_000,
    "import_bytes": 50_000_000,  # one file given to import_profiles
    "json_depth": 20,  # how deep a JSON import nests; a profile needs 5
    "comment_chars": 5_000,  # one comment on a request or a talk page
    "mentions": 20,  # @names notified from one comment; the rest are not
    "prose_claims": 1_000,  # claims of one prose section (bullets: list_items)
    "claim_citations": 30,  # notes one claim cites
}

#: The most characters of a profile's names, as their columns hold them.
NAME_CHARS = {"name": 200, "english_name": 200, "leader": 300}

#: The largest value of PostgreSQL's `integer`, the type of every number column
#: (versions, note numbers): a larger one is refused before it reaches a query.
DATABASE_INT_MAX = 2**31 - 1


def limit(name: str) -> int:
    return {**DEFAULTS, **getattr(settings, "PROFILE_LIMITS", {})}[name]


def document_limits() -> DocumentLimits:
    """The bounds for `profiles.document.parse`, as configured."""
    return DocumentLimits(
        name_chars=NAME_CHARS["name"],
        english_name_chars=NAME_CHARS["english_name"],
        leader_name_chars=NAME_CHARS["leader"],
        field_chars=limit("field_chars"),
        list_items=limit("list_items"),
        leaders=limit("leaders"),
        notes=limit("citations"),
        note_number=limit("note_number"),
    )


def control_character(text: str) -> str | None:
    """The first control character in `text`, written as U+0000, or None."""
    match = CONTROL_CHARACTER_RE.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def control_character_message(code: str) -> str:
    return f"Remove the control character {code}: text cannot hold it."


def refuse_control_characters(value: Any) -> None:
    """A form field validator: text, or a list of texts, without control
    characters."""
    for text in [value] if isinstance(value, str) else value or []:
        if isinstance(text, str) and (code := control_character(text)):
            raise ValidationError(
                control_character_message(code), code="control_character"
            )


def comment_errors(text: str) -> list[str]:
    """Why a comment cannot be kept: too long, or holding a control
    character; [] when it fits."""
    errors = []
    if len(text) > (most := limit("comment_chars")):
        errors.append(too_long_message("This comment", len(text), most))
    if code := control_character(text):
        errors.append(control_character_message(code))
    return errors


def footnote_errors(text: str) -> list[str]:
    """A message for each footnote mark in `text` past the note numbers."""
    most = limit("note_number")
    return [
        f"Footnote {mark_label(mark)} is out of range: notes are numbered "
        f"1 to {most:,}."
        for mark in dict.fromkeys(FOOTNOTE_MARK_RE.findall(text))
        if footnote_numbers(mark)[0] > most
    ]


def too_long_message(what: str, length: int, most: int) -> str:
    return f"{what} is {length:,} characters long; the most is {most:,}."


def limit_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """Messages keyed by field for every value past its bound, every text
    holding a control character and every footnote mark past the note
    numbers; {} when all fit."""
    errors: dict[str, list[str]] = {}
    max_chars = limit("field_chars")

    def add(name: str, message: str) -> None:
        if message not in errors.get(name, []):
            errors.setdefault(name, []).append(message)

    def check_text(name: str, text: str, what: str, *, marks: bool = True) -> None:
        if len(text) > max_chars:
            add(name, too_long_message(what, len(text), max_chars))
        if code := control_character(text):
            add(name, control_character_message(code))
        for message in footnote_errors(text) if marks else []:
            add(name, message)

    def check_count(name: str, count: int, bound: str, what: str) -> None:
        if count > limit(bound):
            add(name, f"{count:,} {what}; the most is {limit(bound):,}.")

    def check_citations(name: str, text: str, what: str) -> None:
        cited = len(FOOTNOTE_MARK_RE.findall(text))
        if cited > limit("claim_citations"):
            add(
                name,
                f"{what} cites {cited:,} notes; the most is "
                f"{limit('claim_citations'):,}: split it into several claims.",
            )

    for name, value in values.items():
        if isinstance(value, str):
            check_text(name, value, "This field")
            if name in PROSE_FIELDS and len(value) <= max_chars:
                found = claims.parse_prose(value)
                check_count(name, len(found), "prose_claims", "claims")
                for i, claim in enumerate(found[: limit("prose_claims")], start=1):
                    check_citations(name, claim.body + claim.tail, f"Claim {i}")
            if name in NAME_CHARS and len(value) > NAME_CHARS[name]:
                add(name, too_long_message("This name", len(value), NAME_CHARS[name]))
        elif name == "leaders":
            check_count(name, len(value), "leaders", "leaders")
            for i, row in enumerate(value, start=1):
                text = "\n".join([row["name"], row["role"], *row["aliases"]])
                check_text(name, text, f"Leader {i}")
                check_citations(name, text, f"Leader {i}")
                if len(row["name"]) > NAME_CHARS["leader"]:
                    add(
                        name,
                        too_long_message(
                            f"Leader {i}'s name", len(row["name"]), NAME_CHARS["leader"]
                        ),
                    )
        elif name == "citations":
            check_count(name, len(value), "citations", "notes")
            for row in value:
                if not 1 <= row["number"] <= limit("note_number"):
                    add(
                        name,
                        f"Note number {row['number']} is out of range "
                        f"(1 to {limit('note_number'):,}).",
                    )
                # A note's text is not marked with footnotes: digits such as
                # ² in it are its own.
                check_text(name, row["text"], f"Note {row['number']}", marks=False)
        elif isinstance(value, list):
            check_count(name, len(value), "list_items", "items")
            check_text(name, "\n".join(value), "This list")
            for i, item in enumerate(value[: limit("list_items")], start=1):
                check_citations(name, item, f"Item {i}")
    return errors
