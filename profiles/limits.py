"""How much one change request may carry: the bounds every write path checks
(edit form, review form, admin, importer, API), so no input can make a page,
a diff or the search index do unbounded work.

Each bound can be changed in settings (`PROFILE_LIMITS`); the defaults fit
the largest real profiles with room to spare.
"""

from typing import Any

from django.conf import settings

DEFAULTS = {
    "field_chars": 100_000,  # one text field, one list item, one note
    "list_items": 1_000,  # bullets of one section, alternative names, tags
    "leaders": 500,
    "citations": 2_000,
    "sources": 50,  # sources cited for one field of a request
    "note_number": 100_000,
}


def limit(name: str) -> int:
    return {**DEFAULTS, **getattr(settings, "PROFILE_LIMITS", {})}[name]


def limit_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """Messages keyed by field for every value past its bound; {} when all fit."""
    errors: dict[str, list[str]] = {}
    max_chars = limit("field_chars")

    def too_long(name: str, text: str, what: str) -> None:
        if len(text) > max_chars:
            errors.setdefault(name, []).append(
                f"{what} is {len(text):,} characters long; the most is {max_chars:,}."
            )

    for name, value in values.items():
        if isinstance(value, str):
            too_long(name, value, "This field")
        elif name == "leaders":
            if len(value) > limit("leaders"):
                errors.setdefault(name, []).append(
                    f"{len(value):,} leaders; the most is {limit('leaders'):,}."
                )
            for i, row in enumerate(value, start=1):
                text = "\n".join([row["name"], row["role"], *row["aliases"]])
                too_long(name, text, f"Leader {i}")
        elif name == "citations":
            if len(value) > limit("citations"):
                errors.setdefault(name, []).append(
                    f"{len(value):,} notes; the most is {limit('citations'):,}."
                )
            for row in value:
                if not 1 <= row["number"] <= limit("note_number"):
                    errors.setdefault(name, []).append(
                        f"Note number {row['number']} is out of range "
                        f"(1 to {limit('note_number'):,})."
                    )
                too_long(name, row["text"], f"Note {row['number']}")
        elif isinstance(value, list):
            if len(value) > limit("list_items"):
                errors.setdefault(name, []).append(
                    f"{len(value):,} items; the most is {limit('list_items'):,}."
                )
            too_long(name, "\n".join(value), "This list")
    return errors
