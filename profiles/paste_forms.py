"""The form where an editor pastes references (BibTeX, RIS or CSL-JSON) to
add as notes of a profile. It only cleans: the profile must be published,
and every entry must read (`sources.pasted_references.read_pasted`, which
names each entry that does not); `views.bibliography.paste_import`
proposes the notes through the workflow."""

import re

from django import forms

from profiles.models import Profile
from sources.pasted_references import (
    FORMATS,
    MAX_CHARS,
    PasteError,
    detect_format,
    read_pasted,
)

# A profile's address pasted whole: "https://…/profiles/liwa-al-baqir/edit/".
_PROFILE_ADDRESS = re.compile(r"/profiles/([^/?#]+)")


class PasteImportForm(forms.Form):
    profile = forms.CharField(
        label="Profile",
        max_length=200,
        help_text="The profile whose notes will cite these works: its address "
        "name (liwa-al-baqir in /profiles/liwa-al-baqir/) or its address.",
        error_messages={"required": "Name the profile these works are for."},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("", "Recognise it"), *FORMATS.items()],
        required=False,
    )
    text = forms.CharField(
        label="References",
        help_text="Exported from Zotero, EndNote, Mendeley or a .bib file: at "
        "most 100 entries. Each becomes a note in the house citation style.",
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        error_messages={
            "required": "Paste the references to add.",
            "max_length": "Paste at most %(limit_value)d characters at a time; "
            "this is %(show_value)d.",
        },
    )

    def clean_profile(self) -> Profile:
        value = self.cleaned_data["profile"].strip()
        if found := _PROFILE_ADDRESS.search(value):
            value = found[1]
        profile = (
            Profile.objects.published()
            .filter(slug=value)
            .only("pk", "slug", "name", "english_name", "version")
            .first()
        )
        if profile is None:
            raise forms.ValidationError(
                "No published profile has this address name.", code="unknown"
            )
        return profile

    def clean(self):
        cleaned = super().clean()
        if "text" in cleaned:
            cleaned["format"] = cleaned.get("format") or detect_format(cleaned["text"])
            try:
                cleaned["entries"] = read_pasted(cleaned["text"], cleaned["format"])
            except PasteError as error:
                for message in error.messages:
                    self.add_error("text", message)
        return cleaned

    def problems(self) -> list[tuple[str, str]]:
        """(anchor, message) of each error, for the page's error summary."""
        return [
            (f"id_{name}" if name in self.fields else "", message)
            for name, messages in self.errors.items()
            for message in messages
        ]
