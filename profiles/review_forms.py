"""The reviewer's forms: the queue's filters, and the decision form (one set of
controls per proposed field and a comment for the author). The decision form
starts with nothing chosen; approving needs a decision on every field (accept,
reject or send back) and a reason for each field rejected or sent back. It
cleans what the reviewer chose into the `workflow.FieldDecision`s that
`workflow.approve` takes, and places the workflow's errors next to the
controls they are about; it never publishes.

The rule that no field is left undecided lives here, not in the workflow:
`workflow.approve` takes a field without a decision as accepted, so the
admin's action and imports approve a request whole.

An edited value to publish is held to `profiles.limits` beside its textarea
(size, items, name length, footnote numbers), and no text may hold a control
character.

A section of claims (bullets, prose, leaders) whose diff has several claim
changes also gets one control per change (`<field>-claim-<key>`: as the
field, accept or reject), so the reviewer accepts some claims and rejects
others; the field's decision is then a `ClaimsDecision` (accepted in part),
and a reason is needed for the claims rejected."""

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField

from profiles import limits, queries
from profiles.diff import ItemChange, RowChange
from profiles.forms import bound_fields
from profiles.models import ProposedChange, split_lines
from profiles.serializers import FIELD_LABELS, LIST_FIELDS, TEXT_FIELDS
from profiles.workflow import ClaimsDecision, Conflict, FieldDecision
from profiles.workflow.proposals import REASON_NEEDED

ACCEPT, REJECT, SEND_BACK = "accept", "reject", "send_back"
DECISION_CHOICES = [(ACCEPT, "Accept"), (REJECT, "Reject"), (SEND_BACK, "Send back")]
#: The choices that need a reason, and the decision each gives its field.
REFUSALS = {
    REJECT: ProposedChange.Decision.REJECTED,
    SEND_BACK: ProposedChange.Decision.SENT_BACK,
}
UNDECIDED = "Accept, reject or send back this change."
KEEP, PROPOSED, EDITED = "keep", "proposed", "edited"
KEPT_REASON = "Kept the published value."
#: A claim's control: as its field is decided, or its own decision.
AS_FIELD = ""
CLAIM_CHOICES = [(AS_FIELD, "As the field"), (ACCEPT, "Accept"), (REJECT, "Reject")]
SENT_BACK_WHOLE = (
    "A field sent back goes back whole: accept or reject it to decide its "
    "claims one by one."
)
CLAIMS_REASON = "Say why you reject these claims."
CLAIMS_CHANGED = (
    "The claims you decided are not the changes found now: look at them "
    "again and decide each claim."
)

ClaimChange = ItemChange | RowChange

#: Fields whose value a reviewer may edit by hand when resolving a conflict:
#: a text, or a list written one item per line. Leaders and notes are rows.
EDITABLE_FIELDS = frozenset({*TEXT_FIELDS, *LIST_FIELDS, "tags"})


def editable_text(field: str, value: Any) -> str:
    """A proposed value as the reviewer edits it: text as is, lists one item
    per line."""
    if field in TEXT_FIELDS:
        return value or ""
    return "\n".join(value or [])


def edited_value(field: str, text: str) -> Any:
    """The value a reviewer's edited text stands for (see `editable_text`)."""
    text = text.replace("\r\n", "\n")
    return text.strip() if field in TEXT_FIELDS else split_lines(text)


class QueueFilterForm(forms.Form):
    """The review queue's filters, read from the query string; each one left
    empty (or invalid, with its error shown) does not narrow the queue."""

    profile = forms.CharField(
        label="Profile",
        help_text="Its name, part of it, or its slug.",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    editor = forms.CharField(
        label="Editor", required=False, max_length=150, widget=forms.Select
    )
    older_than = forms.IntegerField(
        label="Waiting at least (days)",
        required=False,
        min_value=0,
        max_value=36500,
    )
    newer_than = forms.IntegerField(
        label="Waiting less than (days)",
        required=False,
        min_value=1,
        max_value=36500,
    )
    size = forms.ChoiceField(
        label="Size",
        required=False,
        choices=[
            ("", "Any size"),
            ("small", "Small: 1–2 fields"),
            ("medium", "Medium: 3–5 fields"),
            ("large", "Large: 6 fields or more"),
        ],
    )
    claimed = forms.ChoiceField(
        label="Claimed",
        required=False,
        choices=[
            ("", "Claimed or not"),
            (queries.MINE, "Claimed by me"),
            (queries.UNCLAIMED, "Unclaimed"),
        ],
    )

    def __init__(self, *args, editors: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.data.get("editor", "")
        names = list(editors)
        # A username from a link whose requests have all been decided stays
        # shown as chosen rather than silently reading "All editors".
        if chosen and chosen not in names:
            names.append(chosen)
        self.fields["editor"].widget.choices = [
            ("", "All editors"),
            *((name, name) for name in names),
        ]
        bound_fields(self)

    def filters(self) -> dict[str, Any]:
        """The valid filters, as `queries.review_queue` takes them."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: value
            for name in self.fields
            if name not in self.errors and (value := data.get(name)) not in (None, "")
        }


@dataclasses.dataclass(frozen=True)
class FieldControls:
    """The bound controls for one proposed field, for the template; `claims`
    maps the key of each claim change decided on its own to its control."""

    field: str
    label: str
    decision: BoundField
    reason: BoundField
    resolution: BoundField | None = None
    edited: BoundField | None = None
    claims: dict[str, BoundField] = dataclasses.field(default_factory=dict)


def claim_label(name: str, change: ClaimChange) -> str:
    """The name of one claim change's control: "Weapons: added claim 3",
    "Key leaders: removed leader 2", "Size: moved claim from 1 to 3"."""
    noun = "leader" if name == "leaders" else "claim"
    i, j = change.old_index, change.new_index
    where = {
        "insert": f"added {noun} {(j or 0) + 1}",
        "delete": f"removed {noun} {(i or 0) + 1}",
        "change": f"changed {noun} {(j or 0) + 1}",
        "move": f"moved {noun} from {(i or 0) + 1} to {(j or 0) + 1}",
    }[change.op]
    return f"{FIELD_LABELS[name]}: {where}"


def undecided_message(labels: Sequence[str]) -> str:
    count = len(labels)
    fields = "field is" if count == 1 else "fields are"
    return (
        f"{count} {fields} still undecided: {', '.join(labels)}. "
        "Accept, reject or send back each before approving."
    )


class ReviewForm(forms.Form):
    """Built per request: for each proposed change, `<field>-decision`
    (accept, reject or send back, nothing chosen at first) and
    `<field>-reason`; for each field in conflict also `<field>-resolution`
    (keep published, use proposed, or use an edited value) and, for text and
    list fields, `<field>-edited`; for each field in `claim_changes` (the
    claim changes of its diff against the published value, for a section a
    reviewer may decide claim by claim) `<field>-claim-<key>` per change.
    For `action="approve"` every field must be decided, and each one
    rejected, sent back or with claims rejected needs its reason."""

    comment = forms.CharField(
        label="Comment for the author",
        help_text="Needed to reject the request or to request changes.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def __init__(
        self,
        *args,
        changes: Sequence[ProposedChange],
        conflicts: Sequence[str] = (),
        unseen: Sequence[str] = (),
        send_back: bool = True,
        action: str = "",
        claim_changes: Mapping[str, Sequence[ClaimChange]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.action = action
        # A field in conflict is resolved whole, as before.
        self.claim_changes = {
            name: list(found)
            for name, found in (claim_changes or {}).items()
            if name not in conflicts
        }
        # No "send back" when nobody could rework the fields (an import).
        self.send_back = send_back
        self.changes = list(changes)
        self.conflicts = set(conflicts)
        # Fields whose proposed value holds text a suppression hides from
        # this reviewer: they get no textarea to edit it, which would show it.
        self.unseen = set(unseen)
        for change in self.changes:
            self._add_controls(change)
        # An edited list is bounded by its items (checked in `clean`), which a
        # maxlength on its text would not say.
        bound_fields(
            self,
            without_maxlength=[
                f"{change.field}-edited"
                for change in self.changes
                if change.field not in TEXT_FIELDS
            ],
        )

    def undecided(self) -> list[str]:
        """The labels of the fields not decided yet: all of them on a fresh
        form, those left without a choice on a posted one."""
        if not self.is_bound:
            return [FIELD_LABELS[change.field] for change in self.changes]
        return [
            FIELD_LABELS[change.field]
            for change in self.changes
            if self.data.get(f"{change.field}-decision") not in dict(DECISION_CHOICES)
        ]

    def clean(self):
        data = super().clean()
        if self.action == "approve":
            self._check_every_field_decided(data)
            self._check_claims(data)
        for change in self.changes:
            name = change.field
            if data.get(f"{name}-resolution") != EDITED:
                continue
            value = edited_value(name, data.get(f"{name}-edited", ""))
            for messages in limits.limit_errors({name: value}).values():
                for message in messages:
                    self.add_error(f"{name}-edited", message)
        return data

    def _check_every_field_decided(self, data: dict[str, Any]) -> None:
        """Approving: each field decided, and a reason beside each field
        rejected or sent back."""
        if undecided := self.undecided():
            self.add_error(None, undecided_message(undecided))
        for change in self.changes:
            name = change.field
            choice, reason = data.get(f"{name}-decision"), f"{name}-reason"
            if not choice:
                self.add_error(f"{name}-decision", UNDECIDED)
            elif choice == REJECT and self._claim_choices(name, data):
                continue  # its claims decide whether it needs a reason
            elif choice in REFUSALS and reason in data and not data[reason].strip():
                self.add_error(reason, REASON_NEEDED[REFUSALS[choice]])

    def _claim_choices(self, name: str, data: dict[str, Any]) -> dict[str, str]:
        """The reviewer's own choice (accept or reject) on each claim change
        of `name` given one."""
        return {
            change.key: choice
            for change in self.claim_changes.get(name, ())
            if (choice := data.get(f"{name}-claim-{change.key}"))
        }

    def _claim_verdicts(self, name: str, data: dict[str, Any]) -> dict[str, bool]:
        """Each claim change of `name` accepted (True) or not: its own
        choice, else the field's."""
        accepted = data.get(f"{name}-decision") == ACCEPT
        chosen = self._claim_choices(name, data)
        return {
            change.key: chosen.get(change.key, ACCEPT if accepted else REJECT) == ACCEPT
            for change in self.claim_changes.get(name, ())
        }

    def _check_claims(self, data: dict[str, Any]) -> None:
        """Approving: claims are decided within a field accepted or
        rejected, claims rejected need a reason, and a claim decided must be
        one of the changes found now (the page's comparison may have found
        others, when the time allowed for it ran out), never dropped
        silently."""
        for change in self.changes:
            prefix = f"{change.field}-claim-"
            posted = [k for k in self.data if k.startswith(prefix) and self.data[k]]
            if any(key not in self.fields for key in posted):
                self.add_error(f"{change.field}-decision", CLAIMS_CHANGED)
        for name in self.claim_changes:
            choice = data.get(f"{name}-decision")
            if not self._claim_choices(name, data) or not choice:
                continue
            if choice == SEND_BACK:
                self.add_error(f"{name}-decision", SENT_BACK_WHOLE)
                continue
            verdicts = self._claim_verdicts(name, data).values()
            reason = f"{name}-reason"
            if not all(verdicts) and not data.get(reason, "").strip():
                self.add_error(reason, CLAIMS_REASON)

    def _add_controls(self, change: ProposedChange) -> None:
        name, label = change.field, FIELD_LABELS[change.field]
        self.fields[f"{name}-decision"] = forms.ChoiceField(
            label=(
                f"Accept, reject or send back the change to {label}"
                if self.send_back
                else f"Accept or reject the change to {label}"
            ),
            choices=DECISION_CHOICES if self.send_back else DECISION_CHOICES[:2],
            # Nothing is chosen for the reviewer: approving needs a choice on
            # every field (see `clean`); rejecting or sending the whole
            # request back does not.
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields[f"{name}-reason"] = forms.CharField(
            label=f"Reason for your decision on {label}",
            help_text=(
                "Needed when you reject this field, some of its claims, or "
                "send it back."
                if name in self.claim_changes
                else "Needed when you reject this field or send it back."
            ),
            required=False,
            widget=forms.TextInput(attrs={"dir": "auto"}),
        )
        for claim_change in self.claim_changes.get(name, ()):
            self.fields[f"{name}-claim-{claim_change.key}"] = forms.ChoiceField(
                label=claim_label(name, claim_change),
                label_suffix="",
                choices=CLAIM_CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "claim-choice"}),
            )
        if name not in self.conflicts:
            return
        choices = [
            (KEEP, "Keep the published value"),
            (PROPOSED, "Use the proposed value"),
        ]
        if name in EDITABLE_FIELDS and name not in self.unseen:
            choices.append((EDITED, "Use the edited value below"))
            self.fields[f"{name}-edited"] = forms.CharField(
                label=f"Edited value for {label}",
                help_text="" if name in TEXT_FIELDS else "One item per line.",
                required=False,
                initial=editable_text(name, change.value),
                widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
            )
        self.fields[f"{name}-resolution"] = forms.ChoiceField(
            label=f"Value to publish for {label}",
            choices=choices,
            required=False,
            widget=forms.RadioSelect,
        )

    def controls(self, field: str) -> FieldControls:
        def bound(suffix: str) -> BoundField | None:
            name = f"{field}-{suffix}"
            return self[name] if name in self.fields else None

        return FieldControls(
            field=field,
            label=FIELD_LABELS[field],
            decision=bound("decision"),
            reason=bound("reason"),
            resolution=bound("resolution"),
            edited=bound("edited"),
            claims={
                change.key: self[f"{field}-claim-{change.key}"]
                for change in self.claim_changes.get(field, ())
            },
        )

    def decisions(self) -> dict[str, FieldDecision]:
        """The reviewer's choice for each field (accepted, rejected or sent
        back), as `workflow.approve` takes it. A conflicting field left
        without a resolution is accepted as proposed without a value, so the
        workflow reports the conflict."""
        data = self.cleaned_data
        result = {}
        for change in self.changes:
            name = change.field
            reason = data.get(f"{name}-reason", "")
            if self._claim_choices(name, data) and data.get(f"{name}-decision") in (
                ACCEPT,
                REJECT,
            ):
                result[name] = self._claims_decision(name, data, reason)
                continue
            if data.get(f"{name}-decision") == REJECT:
                result[name] = FieldDecision(accept=False, reason=reason)
                continue
            if data.get(f"{name}-decision") == SEND_BACK:
                result[name] = FieldDecision(False, reason, send_back=True)
                continue
            resolution = data.get(f"{name}-resolution", "")
            if resolution == KEEP:
                result[name] = FieldDecision(accept=False, reason=reason or KEPT_REASON)
            elif resolution == PROPOSED:
                result[name] = FieldDecision(True, reason, value=change.value)
            elif resolution == EDITED:
                value = edited_value(name, data.get(f"{name}-edited", ""))
                result[name] = FieldDecision(True, reason, value=value)
            else:
                result[name] = FieldDecision(True, reason)
        return result

    def _claims_decision(
        self, name: str, data: dict[str, Any], reason: str
    ) -> FieldDecision:
        """A field whose claims the reviewer decided: accepted or rejected
        whole when every claim goes one way, else accepted in part."""
        verdicts = self._claim_verdicts(name, data)
        if all(verdicts.values()):
            return FieldDecision(accept=True, reason=reason)
        if not any(verdicts.values()):
            return FieldDecision(accept=False, reason=reason)
        return ClaimsDecision(accept=True, reason=reason, items=verdicts)

    def add_workflow_error(self, error: ValidationError) -> None:
        """Puts the workflow's errors beside their controls: the request's
        reason or comment beside the comment field; a field's beside its
        reason when it was rejected or sent back, beside its edited value when
        that was to be published, else beside its decision; others above the
        form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            target = self._error_target(key)
            if target is None:
                label = FIELD_LABELS.get(key)
                messages = [f"{label}: {m}" if label else m for m in messages]
            self.add_error(target, messages)

    def _error_target(self, key: str) -> str | None:
        if key in ("reason", "comment"):
            return "comment"
        if f"{key}-decision" not in self.fields:
            return None
        data = self.cleaned_data
        if data.get(f"{key}-decision") in REFUSALS:
            return f"{key}-reason"
        if data.get(f"{key}-resolution") == EDITED:
            return f"{key}-edited"
        return f"{key}-decision"

    def add_conflict(self, conflict: Conflict) -> None:
        self.add_error(None, str(conflict))
        for name in conflict.fields:
            if f"{name}-resolution" in self.fields:
                self.add_error(f"{name}-resolution", "Choose the value to publish.")

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id or "", message) for each error, in the form's order, for
        the list of problems above the form."""
        problems = [("", message) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                prefix = field.label if name == "comment" else self._field_label(name)
                problems.append((self[name].auto_id, f"{prefix}: {message}"))
        return problems

    def _field_label(self, name: str) -> str:
        # Control names start with their field's ("weapons-claim-o1n2x…").
        return FIELD_LABELS[name.split("-", 1)[0]]
