"""Keeping claims fresh: "Still true", an editor's confirmation that a
published claim still holds, proposed as an ordinary change request.

The claim's line in its section (a bullet, its stretch of prose, or a
leader's role) is read as a claim (`profiles.claims`), given the new as-of
date and, if asked, one more note, and written back; the rest of the
section stays as it was, character for character. A reviewer decides on it
like any other change.
"""

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from profiles import claim_index, queries
from profiles import claims as claim_text
from profiles.models import ChangeRequest, Claim, Profile
from profiles.sections import FIELD_LABELS, SECTIONS_BY_FIELD, SectionKind
from profiles.serializers import profile_values
from profiles.workflow import permissions
from profiles.workflow.proposals import Proposal
from profiles.workflow.states import Origin
from profiles.workflow.transitions import submit_change_request

__all__ = ["propose_still_true"]


@transaction.atomic
def propose_still_true(
    profile: Profile,
    claim_key: UUID | str,
    *,
    by,
    note_number: int | None = None,
    as_of: date | str | None = None,
) -> ChangeRequest:
    """Proposes that the published claim `claim_key` of `profile` still
    holds as of `as_of` (a day, or an as-of date as `claims.parse_as_of`
    reads it: "2026-12", "early 2026"; today when None), citing note
    `note_number` too when given and not already cited.

    Only that claim changes in its section: its as-of date becomes `as_of`,
    the note is appended to its citations, and a review-by date that has
    come is dropped (this confirmation is the review it asked for). The
    change is supported by the works of the notes the claim then cites.

    Side effects: as `submit_change_request` (origin "edit"): one pending
    change request changing the claim's section, its "submitted" event, and
    reviewers notified after commit. Nothing is published.
    Raises `NotAllowed` for a non-editor, `Claim.DoesNotExist` for a key
    that is not a published claim of `profile`, `ValidationError` keyed
    "as_of" (not a date, in the future, or earlier than the claim's own) or
    "note" (not a note of the profile; no work behind the claim's notes),
    or keyed by the section when the claim cannot be dated in its text,
    and `NothingToChange` when the claim already says all of it.
    """
    permissions.check_proposer(by, Origin.EDIT)
    row = Claim.objects.get(profile_id=profile.pk, key=claim_key)
    record = queries.profile_record(profile.pk)
    field = row.section
    values = profile_values(record)
    today = timezone.localdate()
    claim = _claim_at(field, values[field], row)
    new_date = _new_as_of(as_of, claim, today=today)
    notes = {note.number: note for note in record.citations.all()}
    citations = claim.citations
    if note_number is not None:
        if note_number not in notes:
            raise ValidationError({"note": f"This profile has no note {note_number}."})
        if note_number not in claim.numbers:
            citations = (*citations, claim_text.Citation(note_number))
    review_by = claim.review_by
    if claim.review_by_date and claim.review_by_date <= today:
        review_by = ""
    confirmed = replace(
        claim, as_of=new_date.edtf, citations=citations, review_by=review_by
    )
    value = _with_claim(field, values[field], row.position, confirmed)
    _check_written(field, value, row, confirmed)
    sources = [
        source
        for number in confirmed.numbers
        if number in notes
        for source in notes[number].cited_sources()
    ]
    if not sources:
        raise ValidationError(
            {
                "note": "The notes this claim cites name no work: choose a "
                "note that does."
            }
        )
    label = FIELD_LABELS[field]
    return submit_change_request(
        profile=record,
        author=by,
        summary=f"Still true: {label} claim confirmed as of {new_date.edtf}",
        proposals={field: Proposal(value, list(dict.fromkeys(sources)))},
        origin=Origin.EDIT,
        base_version=record.version,
    )


def _claim_at(field: str, value: Any, row: Claim) -> claim_text.Claim:
    """The claim `row` is, read from the section's published value (for a
    leader, from their role, which carries the marks and annotation)."""
    found = claim_index.section_claims(field, value)
    if row.position >= len(found) or found[row.position].text != row.text:
        raise ValidationError(
            {field: "This claim is not in the section as published: reload the page."}
        )
    if SECTIONS_BY_FIELD[field].kind == SectionKind.LEADERS:
        return claim_text.parse_bullet(value[row.position]["role"])
    return found[row.position]


def _new_as_of(
    as_of: date | str | None, claim: claim_text.Claim, *, today: date
) -> claim_text.ClaimDate:
    """The confirmation's as-of date, checked: not in the future, and not
    starting before the date the claim already has (a day within it is a
    later, narrower date: "2026-12-03" for "2026-12")."""
    if as_of is None:
        as_of = today
    text = as_of.isoformat() if isinstance(as_of, date) else as_of
    try:
        new = claim_text.parse_as_of(text)
    except claim_text.InvalidClaim as error:
        raise ValidationError({"as_of": f"{text!r} is not a date."}) from error
    if new.lower > today:
        raise ValidationError(
            {"as_of": "A claim cannot be confirmed as of a date to come."}
        )
    current = claim.as_of_date
    if current and new.lower < current.lower:
        raise ValidationError(
            {
                "as_of": "This claim is already dated as of "
                f"{claim_text.as_of_words(current.edtf)}: give a later date."
            }
        )
    return new


def _with_claim(field: str, value: Any, position: int, claim: claim_text.Claim):
    """The section's value with its `position`-th claim written as `claim`."""
    kind = SECTIONS_BY_FIELD[field].kind
    if kind == SectionKind.PROSE:
        found = claim_text.parse_prose(value)
        found[position] = claim
        return claim_text.render_prose(found)
    if kind == SectionKind.LEADERS:
        leaders = [dict(leader) for leader in value]
        leaders[position]["role"] = claim_text.render_bullet(claim)
        return leaders
    lines = list(value)
    line_numbers = [k for k, line in enumerate(lines) if line.strip()]
    lines[line_numbers[position]] = claim_text.render_bullet(claim)
    return lines


def _check_written(field: str, value: Any, row: Claim, claim: claim_text.Claim):
    """The section as it would be read back has the confirmed claim where
    `row` stood, with its words: a line the text layout cannot carry it in
    (a leader without a role, a bracket read as words) is refused."""
    found = claim_index.section_claims(field, value)
    read = found[row.position] if row.position < len(found) else None
    if (
        read is None
        or read.text != row.text
        or read.as_of != claim.as_of
        or read.citations != claim.citations
        or read.review_by != claim.review_by
        or read.status != claim.status
    ):
        raise ValidationError(
            {field: "This claim cannot be dated in place: edit the section instead."}
        )
