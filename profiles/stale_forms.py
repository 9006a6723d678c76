"""The "Still true" form of `/stale/`: which claim, the date it was checked
on, and optionally one more of its profile's notes to cite. It only cleans;
`profiles.workflow.freshness.propose_still_true` checks the rest and
proposes the change."""

from django import forms


class StillTrueForm(forms.Form):
    """`notes`: (number, label) of the notes of the claim's profile that the
    editor may cite."""

    claim = forms.UUIDField(widget=forms.HiddenInput)
    page = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=1_000_000
    )
    as_of = forms.DateField(
        label="Checked on",
        required=False,
        help_text="The claim becomes dated as of this day (today if left empty).",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Give the day as YYYY-MM-DD, e.g. 2026-12-03."},
    )
    note = forms.TypedChoiceField(
        label="Also cite",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of this profile's notes."},
    )

    #: The names of the fields a row of `/stale/` shows, with their ids'
    #: prefixes (each row's ids end with its claim's key).
    ROW_FIELDS = ("as_of", "note")

    def __init__(self, *args, notes: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].choices = [("", "No new note"), *notes]

    def problems(self, key) -> list[tuple[str, str]]:
        """(anchor, message) of each error, for the page's error summary;
        the anchors are the row's fields, whose ids end with `key` (none
        when the row is not on the page)."""
        return [
            (
                f"{name.replace('_', '-')}-{key}"
                if key is not None and name in self.ROW_FIELDS
                else "",
                f"{self.fields[name].label}: {message}"
                if name in self.ROW_FIELDS
                else message,
            )
            for name, messages in self.errors.items()
            for message in messages
        ]
