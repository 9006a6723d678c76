"""One shape for a profile's data, shared by the JSON API, the JSON export, the
version snapshots and change requests.

`profile_values` gives the editable fields in the shape a change request
proposes them; `profile_to_dict` adds what readers also need (version, dates,
the sources read from each note). `document_values` and `values_document`
translate to and from the plain-text document.
"""

from typing import Any

from profiles.document import LeaderEntry, NoteEntry, ProfileDocument
from profiles.models import Claim, Profile, join_lines, split_lines
from profiles.sections import (
    BULLET_FIELDS,
    FIELD_LABELS,
    FIELDS,
    PROSE_FIELDS,
    SECTIONS,
)
from sources.citations import parse_note

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "LIST_FIELDS",
    "TEXT_FIELDS",
    "InvalidValues",
    "claim_to_dict",
    "claims_to_dict",
    "document_values",
    "json_values",
    "model_value",
    "profile_to_dict",
    "profile_values",
    "values_document",
    "with_leader_claims",
]

TEXT_FIELDS = ("name", "english_name", "logo", "flag_text", *PROSE_FIELDS)
LIST_FIELDS = ("alternative_names", *BULLET_FIELDS)


def profile_values(profile: Profile) -> dict[str, Any]:
    """The editable fields of a published profile, as a change request proposes
    them. Expects leaders, citations and tags prefetched (`queries`)."""
    values: dict[str, Any] = {field: getattr(profile, field) for field in TEXT_FIELDS}
    values.update(
        {field: split_lines(getattr(profile, field)) for field in LIST_FIELDS}
    )
    values["tags"] = sorted(tag.name for tag in profile.tags.all())
    values["leaders"] = [
        {"name": leader.name, "aliases": leader.alias_list, "role": leader.role}
        for leader in profile.leaders.all()
    ]
    values["citations"] = [
        {"number": citation.number, "text": citation.text}
        for citation in profile.citations.all()
    ]
    return {field: values[field] for field in FIELDS}


def source_to_dict(source) -> dict[str, str]:
    return {
        "authors": source.authors,
        "title": source.title,
        "publication": source.publication,
        "date": source.date_iso or None,
        "date_as_written": source.date,
        "url": source.url,
        "language": source.language,
    }


def profile_to_dict(profile: Profile, *, logo_url: str | None = None) -> dict[str, Any]:
    """The published profile as JSON (CONTRACT.md): the API, the JSON export and
    every version's snapshot."""
    data: dict[str, Any] = {
        "slug": profile.slug,
        "version": profile.version,
        "updated_at": profile.published_at.isoformat()
        if profile.published_at
        else None,
        **profile_values(profile),
        "logo_url": logo_url,
    }
    data["citations"] = [
        {
            "number": citation.number,
            "text": citation.text,
            "urls": [link.source.url for link in citation.citation_sources.all()],
            "sources": [
                source_to_dict(link.source) for link in citation.citation_sources.all()
            ],
        }
        for citation in profile.citations.all()
    ]
    return data


#: What a leader row of the API gains from its claim (`with_leader_claims`).
LEADER_CLAIM_KEYS = ("id", "citations", "status", "as_of", "review_by")


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """A published claim as the API gives it: its key as the id, its notes
    with their locators, its status in words, its as-of date as EDTF and its
    review-by date (ISO 8601), null when it has none. Expects its
    `citations` prefetched (`claim_index.published_claims`)."""
    return {
        "id": str(claim.key),
        "text": claim.text,
        "citations": [
            {
                "number": cite.number,
                "locator": cite.locator or None,
                "credibility": cite.credibility,
            }
            for cite in claim.citations.all()
        ],
        "status": claim.status,
        "as_of": claim.as_of or None,
        "review_by": claim.review_by.isoformat() if claim.review_by else None,
    }


def claims_to_dict(claims: dict[str, list[Claim]]) -> dict[str, list[dict]]:
    """Every section's published claims (`claim_index.published_claims`),
    by section field, in the sections' order."""
    return {
        section.field: [claim_to_dict(claim) for claim in claims.get(section.field, ())]
        for section in SECTIONS
    }


def with_leader_claims(
    leaders: list[dict[str, Any]], claims: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The API's leader rows, each with the id, citations, status and dates
    of its claim (the claim at its position); a row without one (the notice
    of a hidden section) has them null and no citations."""
    rows = []
    for position, leader in enumerate(leaders):
        claim = claims[position] if position < len(claims) else None
        rows.append(
            {
                **leader,
                **{
                    key: (claim[key] if claim else [] if key == "citations" else None)
                    for key in LEADER_CLAIM_KEYS
                },
            }
        )
    return rows


def document_values(document: ProfileDocument) -> dict[str, Any]:
    """A parsed document as change-request values for every field."""
    values: dict[str, Any] = {
        "name": document.name,
        "english_name": document.english_name,
        "alternative_names": list(document.alternative_names),
        "tags": sorted(document.tags),
        "logo": document.logo_description,
        "flag_text": document.flag_text,
        "leaders": [
            {"name": leader.name, "aliases": list(leader.aliases), "role": leader.role}
            for leader in document.leaders
        ],
        "citations": [{"number": n.number, "text": n.text} for n in document.notes],
    }
    for field in BULLET_FIELDS:
        values[field] = list(document.bullets.get(field, ()))
    for field in PROSE_FIELDS:
        values[field] = document.prose.get(field, "")
    return {field: values[field] for field in FIELDS}


def values_document(values: dict[str, Any]) -> ProfileDocument:
    """Change-request values (or a profile's JSON) as a document to render."""
    notes = []
    for citation in values["citations"]:
        commentary, sources = parse_note(citation["text"])
        notes.append(
            NoteEntry(
                number=citation["number"],
                text=citation["text"],
                commentary=commentary,
                sources=sources,
            )
        )
    return ProfileDocument(
        name=values["name"],
        english_name=values["english_name"],
        alternative_names=tuple(values["alternative_names"]),
        tags=tuple(values["tags"]),
        logo_description=values["logo"],
        flag_text=values["flag_text"],
        bullets={f: tuple(values[f]) for f in BULLET_FIELDS if values[f]},
        leaders=tuple(
            LeaderEntry(
                name=leader["name"],
                aliases=tuple(leader["aliases"]),
                role=leader["role"],
            )
            for leader in values["leaders"]
        ),
        prose={f: values[f] for f in PROSE_FIELDS if values[f]},
        notes=tuple(notes),
    )


class InvalidValues(ValueError):
    """Data that is not a profile's JSON; `path` names the offending key."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def json_values(data: Any) -> dict[str, Any]:
    """Change-request values from a profile's JSON (the API's or the export's),
    checking every field's type. Derived keys (urls, sources, version) are
    ignored: a note's sources are always read again from its text."""
    if not isinstance(data, dict):
        raise InvalidValues("", "expected a JSON object describing one profile")

    def text(path: str, value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidValues(path, "must be text")
        return value

    def text_list(path: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise InvalidValues(path, "must be a list of text")
        return [text(f"{path}[{i}]", item) for i, item in enumerate(value)]

    def rows(path: str, value: Any) -> list[dict]:
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            raise InvalidValues(path, "must be a list of objects")
        return value

    name = text("name", data.get("name"))
    if not name.strip():
        raise InvalidValues("name", "is required")
    values: dict[str, Any] = {"name": name}
    for field in TEXT_FIELDS[1:]:
        values[field] = text(field, data.get(field, ""))
    for field in (*LIST_FIELDS, "tags"):
        values[field] = text_list(field, data.get(field, []))
    values["tags"] = sorted(values["tags"])
    values["leaders"] = [
        {
            "name": text(f"leaders[{i}].name", row.get("name")),
            "aliases": text_list(f"leaders[{i}].aliases", row.get("aliases", [])),
            "role": text(f"leaders[{i}].role", row.get("role", "")),
        }
        for i, row in enumerate(rows("leaders", data.get("leaders", [])))
    ]
    citations = []
    for i, row in enumerate(rows("citations", data.get("citations", []))):
        number = row.get("number")
        if number != i + 1:
            raise InvalidValues(f"citations[{i}].number", f"expected {i + 1}")
        citations.append(
            {"number": number, "text": text(f"citations[{i}].text", row.get("text"))}
        )
    values["citations"] = citations
    return {field: values[field] for field in FIELDS}


def model_value(field: str, value: Any) -> Any:
    """A proposed value as it is stored on `Profile` (lists become lines)."""
    return join_lines(value) if field in LIST_FIELDS else value
