"""The form that hides one field of a published version: which field, why,
and a confirmation that the person means it. It only cleans;
`profiles.workflow.suppress` checks the rest and records it."""

from django import forms

from profiles.models import Suppression
from profiles.sections import FIELD_LABELS


class SuppressForm(forms.Form):
    """`fields`: the names of the version's fields that may be hidden."""

    field = forms.ChoiceField(
        label="Field to hide",
        error_messages={"required": "Choose the field to hide."},
    )
    reason = forms.CharField(
        label="Why it must be hidden",
        help_text="Kept in the audit log, for staff only; readers see only "
        "that a reviewer hid it, and when.",
        max_length=Suppression.REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why this value must be hidden; the audit log keeps it.",
            "max_length": "Keep the reason to %(limit_value)d characters; "
            "it has %(show_value)d.",
        },
    )
    confirm = forms.BooleanField(
        label="I understand that everyone but staff will see “Hidden by a "
        "reviewer” instead of this value, in this version and in every other "
        "one that has it.",
        error_messages={"required": "Confirm that you mean to hide this value."},
    )

    def __init__(self, *args, fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "Choose a field")] + [
            (name, FIELD_LABELS[name]) for name in fields
        ]

    def problems(self) -> list[tuple[str, str]]:
        """(anchor, message) of each error, for the page's error summary."""
        return [
            (f"id_{name}" if name in self.fields else "", message)
            for name, messages in self.errors.items()
            for message in messages
        ]
