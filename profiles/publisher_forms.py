"""The forms of publishers' grades: an editor's proposal (grade, kind,
reason) and a reviewer's decision on one (approve or reject, with a note).
They only clean; `profiles.workflow.publishers` checks the rest and
records it."""

from django import forms

from sources.models import Publisher


class _Problems:
    def problems(self) -> list[tuple[str, str]]:
        """(anchor, message) of each error, for the page's error summary."""
        return [
            (f"id_{name}" if name in self.fields else "", message)
            for name, messages in self.errors.items()
            for message in messages
        ]


class GradeProposalForm(_Problems, forms.Form):
    grade = forms.ChoiceField(
        label="Reliability grade",
        choices=[("", "Choose a grade"), *Publisher.Grade.choices],
        error_messages={"required": "Choose a grade from A to F."},
    )
    kind = forms.ChoiceField(
        label="Kind of publisher",
        choices=[("", "Choose a kind"), *Publisher.Kind.choices],
        error_messages={"required": "Choose what kind of publisher it is."},
    )
    reason = forms.CharField(
        label="Why this grade",
        help_text="Readers see it beside the grade once a reviewer approves it.",
        max_length=Publisher.REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why it deserves this grade; readers see the reason.",
            "max_length": "Keep the reason to %(limit_value)d characters; "
            "it has %(show_value)d.",
        },
    )


class GradeDecisionForm(_Problems, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Approve or reject the grade."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=Publisher.REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": "Keep the note to %(limit_value)d characters; "
            "it has %(show_value)d."
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", "Say why this grade is rejected.")
        return data
