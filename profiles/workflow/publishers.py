"""Grading publishers, reviewed like any change: an editor proposes a
publisher's reliability grade (A to F), its kind and the reason; a reviewer
who did not propose it approves it, and only then does the publisher change,
or rejects it, saying why. The proposals (`PublisherGradeProposal`) are the
record: what was proposed is never changed, and each keeps its decision.

Each verb checks who may act (`roles`), runs in one transaction with the
publisher row locked, and refuses a proposal that is not pending any more.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from profiles import roles
from profiles.workflow.states import InvalidTransition, NotAllowed
from sources.models import Publisher, PublisherGradeProposal

NOT_AN_EDITOR = "Only editors can propose a publisher's grade."
NOT_A_REVIEWER = "Only reviewers can decide on a publisher's grade."
OWN_PROPOSAL = "Nobody decides on their own grade proposal."


def propose_publisher_grade(
    publisher: Publisher, *, by, grade: str, kind: str, reason: str
) -> PublisherGradeProposal:
    """Proposes that `publisher` be graded `grade` (A to F) as a `kind`
    (a `Publisher.Kind`) for `reason`.

    Raises `NotAllowed` unless `by` may propose changes; `InvalidTransition`
    when a proposal for the publisher is pending already; a
    `ValidationError` naming `grade`, `kind` or `reason` for a grade not A
    to F, an unknown kind, a missing or too long reason, or when the
    publisher has this grade, kind and reason already.

    Side effects, in one transaction with the publisher row locked: one
    pending `PublisherGradeProposal`. The publisher is not changed.
    """
    if not roles.can_propose(by):
        raise NotAllowed(NOT_AN_EDITOR)
    values = _checked(grade=grade, kind=kind, reason=reason)
    with transaction.atomic():
        locked = Publisher.objects.select_for_update().get(pk=publisher.pk)
        if locked.grade_proposals.pending().exists():
            raise InvalidTransition(
                f"A grade for {locked.name} is waiting for review already: a "
                "reviewer decides on it first."
            )
        if (locked.grade, locked.kind, locked.reason) == tuple(values.values()):
            raise ValidationError(
                {"grade": f"{locked.name} has this grade, kind and reason already."}
            )
        proposal = PublisherGradeProposal(publisher=locked, proposed_by=by, **values)
        proposal.save()
    return proposal


def approve_publisher_grade(
    proposal: PublisherGradeProposal, *, by, note: str = ""
) -> PublisherGradeProposal:
    """Approves a pending proposal: its publisher takes its grade, kind and
    reason.

    Raises `NotAllowed` unless `by` is a reviewer who did not make it;
    `InvalidTransition` when it is decided already; a `ValidationError`
    naming `note` when the note is too long.

    Side effects, in one transaction with the publisher row locked: the
    proposal approved (by whom, when, the note); the publisher's kind, grade
    and reason set, with a history row naming `by` and the proposal. Every
    profile page moves on to a new cached state (`profiles.page_cache`
    keys on the newest publisher history row), so readers see the new grade
    beside the notes at once.
    """
    note = _checked_note(note, required=False)
    with transaction.atomic():
        locked, proposal = _locked_pending(proposal, by=by, verb="approve")
        locked.grade, locked.kind, locked.reason = (
            proposal.grade,
            proposal.kind,
            proposal.reason,
        )
        locked._history_user = by
        locked._change_reason = f"Grade proposal {proposal.pk} approved"
        locked.save(update_fields=["grade", "kind", "reason"])
        _decide(proposal, PublisherGradeProposal.Status.APPROVED, by=by, note=note)
    return proposal


def reject_publisher_grade(
    proposal: PublisherGradeProposal, *, by, note: str
) -> PublisherGradeProposal:
    """Rejects a pending proposal, saying why; the publisher stays as it was.

    Raises `NotAllowed` unless `by` is a reviewer who did not make it;
    `InvalidTransition` when it is decided already; a `ValidationError`
    naming `note` when there is no note or it is too long.

    Side effects, in one transaction with the publisher row locked: the
    proposal rejected (by whom, when, why).
    """
    note = _checked_note(note, required=True)
    with transaction.atomic():
        _locked, proposal = _locked_pending(proposal, by=by, verb="reject")
        _decide(proposal, PublisherGradeProposal.Status.REJECTED, by=by, note=note)
    return proposal


def refusal(user, proposal: PublisherGradeProposal) -> str | None:
    """Why `user` may not decide on `proposal`, or None when they may."""
    if not roles.can_review(user):
        return NOT_A_REVIEWER
    if proposal.proposed_by_id == user.pk:
        return OWN_PROPOSAL
    return None


def _locked_pending(proposal, *, by, verb: str):
    """The proposal's publisher, locked, and the proposal as it is now;
    refuses a decider who may not decide it and a proposal decided
    already."""
    reason = refusal(by, proposal)
    if reason:
        raise NotAllowed(reason)
    locked = Publisher.objects.select_for_update().get(pk=proposal.publisher_id)
    current = PublisherGradeProposal.objects.get(pk=proposal.pk)
    if current.status != PublisherGradeProposal.Status.PENDING:
        raise InvalidTransition(
            f"Cannot {verb} a grade proposal that is {current.status} already."
        )
    return locked, current


def _decide(proposal, status: str, *, by, note: str) -> None:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def _checked(*, grade: str, kind: str, reason: str) -> dict[str, str]:
    errors = {}
    grade = (grade or "").strip().upper()
    if grade not in Publisher.Grade.values:
        errors["grade"] = "Choose a grade from A (completely reliable) to F."
    kind = (kind or "").strip()
    if kind not in Publisher.Kind.values:
        errors["kind"] = "Choose what kind of publisher it is."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why it deserves this grade; readers see the reason."
    elif len(reason) > Publisher.REASON_LENGTH:
        errors["reason"] = (
            f"Keep the reason to {Publisher.REASON_LENGTH} characters; "
            f"it has {len(reason)}."
        )
    if errors:
        raise ValidationError(errors)
    return {"grade": grade, "kind": kind, "reason": reason}


def _checked_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({"note": "Say why this grade is rejected."})
    if len(note) > Publisher.REASON_LENGTH:
        raise ValidationError(
            {
                "note": f"Keep the note to {Publisher.REASON_LENGTH} characters; "
                f"it has {len(note)}."
            }
        )
    return note
