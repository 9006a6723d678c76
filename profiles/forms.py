"""The edit page's forms: one form for a profile's own fields, formsets for its
leaders and notes, and a citation form per field saying what supports a change.

`ProfileEdit` holds them together: it turns what an editor typed into the
values and `workflow.Proposal`s of a change request, and puts the workflow's
refusals back beside the fields they concern. Forms clean and validate; only
`profiles.workflow` writes.

Every field is held to `profiles.limits` here, beside the field, before the
workflow checks the whole: its size (also as the widget's `maxlength`), its
count of items, rows or sources, its numbers, and no control characters.
"""

import dataclasses
import re
from collections.abc import Collection, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    ProhibitNullCharactersValidator,
    URLValidator,
)
from django.forms.formsets import (
    DELETION_FIELD_NAME,
    ORDERING_FIELD_NAME,
    TOTAL_FORM_COUNT,
)

from profiles import limits, workflow
from profiles.models import Citation, Profile, split_lines
from profiles.sections import BULLET_FIELDS, PROSE_FIELDS, SECTIONS
from profiles.serializers import FIELD_LABELS, FIELDS, TEXT_FIELDS
from sources.citations import SourceEntry
from sources.models import Source
from sources.weblinks import is_web_url

#: Fields that belong to the profile form itself; leaders and notes have formsets.
FORM_FIELDS = tuple(name for name in FIELDS if name not in ("leaders", "citations"))
IDENTITY_FIELDS = (
    "name",
    "english_name",
    "alternative_names",
    "tags",
    "logo",
    "flag_text",
)
NEW_SOURCE_FIELDS = ("url", "title", "authors", "publication", "date")

# Users write Arabic and Persian as well as English: let the browser pick the
# direction of each input from what is typed in it.
_TYPED = {"dir": "auto"}
# A list typed on one line: Latin or Arabic commas.
_COMMAS = re.compile(r"[,،]")
_SOURCE_ID = re.compile(r"#(\d+)(?!\d)")
_FOOTNOTE_HELP = "A footnote mark such as ¹ or ¹² points to the note with that number."


def blank_values() -> dict[str, Any]:
    """The values of a profile that does not exist yet."""
    return {name: "" if name in TEXT_FIELDS else [] for name in FIELDS}


def source_label(source: Source) -> str:
    """How the source picker offers a source: `#<id> · <title> — <publication>`.

    Semicolons separate picked sources, so none may appear inside a label.
    """
    label = f"#{source.pk} · {source.title or source.url}"
    if source.publication:
        label += f" — {source.publication}"
    return label.replace(";", ",")


# Fields ----------------------------------------------------------------------


class PlainTextField(forms.CharField):
    """Text as typed, with the browser's line endings made plain newlines."""

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


class ListField(forms.CharField):
    """A list typed as text, held to the bounds of a list: how many items,
    how long all of them are together (`profiles.limits`)."""

    def validate(self, value):
        super().validate(value)
        errors = []
        most = limits.limit("list_items")
        if len(value) > most:
            errors.append(f"{len(value):,} items; the most is {most:,}.")
        length, most = len("\n".join(value)), limits.limit("field_chars")
        if length > most:
            errors.append(limits.too_long_message("This list", length, most))
        if errors:
            raise ValidationError(errors)


class LinesField(ListField):
    """A list typed one item per line; blank lines are dropped."""

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return split_lines(super().to_python(value))


class CommaListField(ListField):
    """A list typed on one line, separated by commas; blanks are dropped."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        items = (item.strip() for item in _COMMAS.split(super().to_python(value)))
        return list(dict.fromkeys(item for item in items if item))


class TagsField(CommaListField):
    """Tags, sorted as the published profile lists them."""

    def to_python(self, value):
        return sorted(super().to_python(value))


def _bound_text(value: str) -> None:
    # Counted as stored: browsers send line breaks as "\r\n".
    length = len(value.replace("\r\n", "\n")) if isinstance(value, str) else 0
    most = limits.limit("field_chars")
    if length > most:
        raise ValidationError(
            limits.too_long_message("This field", length, most), code="max_length"
        )


def bound_fields(form: forms.Form, *, without_maxlength: Collection[str] = ()) -> None:
    """Holds every text field of `form` to `profiles.limits`: no control
    character (NUL included, in place of Django's own message for it alone);
    text without a `max_length` to the field size, which its widget also
    gets as `maxlength` (but the fields named `without_maxlength`) so
    browsers stop there."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        field.validators = [
            validator
            for validator in field.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]
        field.validators.append(limits.refuse_control_characters)
        if field.max_length is None:
            if not isinstance(field, ListField):
                field.validators.append(_bound_text)
            if name not in without_maxlength and not field.widget.is_hidden:
                field.widget.attrs["maxlength"] = str(limits.limit("field_chars"))


def _text_input() -> forms.TextInput:
    return forms.TextInput(attrs=_TYPED)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={**_TYPED, "rows": rows, "cols": 60})


def _profile_field(name: str) -> forms.Field:
    label = FIELD_LABELS[name]
    if name == "name":
        return forms.CharField(
            label=label,
            max_length=200,
            help_text="As the group writes it, in its own script.",
            error_messages={"required": "A profile needs a name."},
            widget=_text_input(),
        )
    if name == "english_name":
        return forms.CharField(
            label=label,
            max_length=200,
            required=False,
            help_text="The English gloss shown after the name.",
            widget=_text_input(),
        )
    if name == "tags":
        return TagsField(
            label=label,
            required=False,
            help_text="Separated by commas.",
            widget=_text_input(),
        )
    if name == "alternative_names":
        return LinesField(
            label=label,
            required=False,
            help_text="One per line, in any script.",
            widget=_textarea(3),
        )
    if name in BULLET_FIELDS:
        return LinesField(
            label=label,
            required=False,
            help_text=f"One bullet per line. {_FOOTNOTE_HELP}",
            widget=_textarea(5),
        )
    if name in PROSE_FIELDS:
        return PlainTextField(
            label=label,
            required=False,
            help_text=f"Paragraphs separated by a blank line. {_FOOTNOTE_HELP}",
            widget=_textarea(12),
        )
    help_text = {"logo": "What the logo shows.", "flag_text": "The words on the flag."}
    return PlainTextField(
        label=label,
        required=False,
        help_text=help_text.get(name, ""),
        widget=_textarea(2),
    )


def _kept(form: forms.Form, name: str) -> Any:
    """The cleaned value of a field, or its initial value when the two differ
    only in how the browser sent them back (line endings, spaces at the ends),
    so a field nobody touched is never proposed as a change."""
    value = form.cleaned_data[name]
    initial = form.initial.get(name)
    if initial is None:
        return value
    form_field = form.fields[name]
    try:
        unchanged = form_field.to_python(form_field.prepare_value(initial)) == value
    except ValidationError:
        unchanged = False
    return initial if unchanged else value


# Forms -------------------------------------------------------------------------


class ProfileForm(forms.Form):
    """A profile's own fields, the version the editor started from and the
    edit summary."""

    base_version = forms.IntegerField(
        min_value=0,
        max_value=limits.DATABASE_INT_MAX,
        required=False,
        widget=forms.HiddenInput,
    )
    summary = forms.CharField(
        label="Edit summary",
        max_length=300,
        help_text="What this change does and why, for the reviewer and the history.",
        error_messages={"required": "Say in a few words what this change does."},
        widget=_text_input(),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in FORM_FIELDS:
            self.fields[name] = _profile_field(name)
        bound_fields(self)

    def values(self) -> dict[str, Any]:
        return {name: _kept(self, name) for name in FORM_FIELDS}


class LeaderForm(forms.Form):
    name = forms.CharField(max_length=300, required=False, widget=_text_input())
    aliases = CommaListField(
        required=False, help_text="Separated by commas.", widget=_text_input()
    )
    role = PlainTextField(
        required=False,
        help_text="For example “is the secretary-general¹”.",
        widget=_text_input(),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        bound_fields(self)

    def clean(self):
        data = super().clean()
        if not data.get("name") and (data.get("aliases") or data.get("role")):
            self.add_error("name", "Give this leader's name.")
        return data

    def is_empty(self) -> bool:
        return not any(self.cleaned_data.get(n) for n in ("name", "aliases", "role"))

    def value(self) -> dict[str, Any]:
        return {name: _kept(self, name) for name in ("name", "aliases", "role")}


class NoteForm(forms.Form):
    number = forms.IntegerField(
        min_value=1,
        required=False,
        help_text="Footnote marks in the text point to this number.",
        widget=forms.NumberInput(attrs={"class": "note-number"}),
    )
    text = PlainTextField(
        required=False,
        help_text="Commentary, one source or several; a source ends with its link, "
        "as in: Author, “Title,” *Publication*, Date. (<https://…>)",
        widget=_textarea(3),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        bound_fields(self)
        # The bound is read when the form is made, so settings can change it.
        most = limits.limit("note_number")
        number = self.fields["number"]
        number.max_value = most
        number.validators.append(MaxValueValidator(most))
        number.widget.attrs["max"] = str(most)
        number.error_messages["max_value"] = f"Notes are numbered 1 to {most:,}."

    def clean(self):
        data = super().clean()
        if (
            data.get("text")
            and data.get("number") is None
            and not self.has_error("number")
        ):
            self.add_error("number", "Give this note a number.")
        if data.get("number") is not None and not data.get("text"):
            self.add_error("text", "Write the note, or tick Remove.")
        return data

    def is_empty(self) -> bool:
        return self.cleaned_data.get("number") is None and not self.cleaned_data.get(
            "text"
        )

    def value(self) -> dict[str, Any]:
        return {"number": self.cleaned_data["number"], "text": _kept(self, "text")}


class _RowFormSet(forms.BaseFormSet):
    """Rows with plain-language labels for reordering and removing, at most
    as many as `profiles.limits` allows (`bound`): more are refused with a
    form error, and no more forms than that are ever built, whatever number
    the management form claims."""

    bound = ""
    noun = "rows"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_num = self.absolute_max = limits.limit(self.bound)
        self.error_messages["too_many_forms"] = (
            f"There can be at most %(num)d {self.noun}: remove some."
        )

    def total_form_count(self) -> int:
        total = super().total_form_count()
        if self.is_bound and self.management_form.cleaned_data[TOTAL_FORM_COUNT] > (
            self.max_num
        ):
            # Refused whatever the rows hold: no more rows than the page had
            # are built and shown again, so that claiming thousands costs no
            # more than the page itself.
            return min(total, len(self.initial or []) + self.extra)
        return total

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if ORDERING_FIELD_NAME in form.fields:
            form.fields[ORDERING_FIELD_NAME].label = "Position"
            form.fields[ORDERING_FIELD_NAME].widget.attrs["class"] = "row-position"
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = "Remove"

    def kept_forms(self) -> list[forms.Form]:
        """The rows to keep, in the order asked for: not removed, not blank."""
        rows = self.ordered_forms if self.can_order else self.forms
        return [
            form
            for form in rows
            if form.cleaned_data
            and not form.cleaned_data.get(DELETION_FIELD_NAME)
            and not form.is_empty()
        ]

    def is_removed(self, form: forms.Form) -> bool:
        return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


class _LeaderRows(_RowFormSet):
    bound = noun = "leaders"


class _NoteRows(_RowFormSet):
    bound, noun = "citations", "notes"


LeaderFormSet = forms.formset_factory(
    LeaderForm,
    formset=_LeaderRows,
    extra=2,
    can_delete=True,
    can_order=True,
    validate_max=True,
)
NoteFormSet = forms.formset_factory(
    NoteForm, formset=_NoteRows, extra=2, can_delete=True, validate_max=True
)


class CitationForm(forms.Form):
    """What supports the change of one field: notes of the profile, works of
    the bibliography, or a new work described here."""

    notes = forms.TypedMultipleChoiceField(
        label="Notes of this profile",
        coerce=int,
        required=False,
        help_text="The sources of each note you tick support this change.",
        widget=forms.CheckboxSelectMultiple,
    )
    sources = forms.CharField(
        label="Sources from the bibliography",
        required=False,
        help_text="Pick from the list or type #id; separate several with “;”.",
        widget=forms.TextInput(attrs={**_TYPED, "list": "bibliography"}),
    )
    url = forms.CharField(
        label="Web address (URL)",
        max_length=2000,
        required=False,
        widget=forms.URLInput(attrs=_TYPED),
    )
    title = forms.CharField(
        label="Title", max_length=1000, required=False, widget=_text_input()
    )
    authors = forms.CharField(
        label="Authors", max_length=500, required=False, widget=_text_input()
    )
    publication = forms.CharField(
        label="Publication", max_length=300, required=False, widget=_text_input()
    )
    date = forms.CharField(
        label="Date",
        max_length=100,
        required=False,
        help_text="As written, e.g. “September 2017”.",
        widget=_text_input(),
    )

    def __init__(
        self,
        *args,
        notes: list[Citation],
        bibliography: dict[int, Source],
        **kwargs,
    ):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        bound_fields(self)
        self.bibliography = bibliography
        self.notes_by_number = {note.number: note for note in notes}
        self.fields["notes"].choices = [
            (note.number, f"Note {note.number}: {_shorten(note.text)}")
            for note in notes
        ]

    def clean_sources(self) -> list[Source]:
        parts = [p.strip() for p in self.cleaned_data["sources"].split(";")]
        parts = [part for part in parts if part]
        if len(parts) > limits.limit("sources"):
            raise ValidationError(self._too_many(len(parts)))
        picked = []
        for part in parts:
            match = _SOURCE_ID.match(part.strip())
            if match is None:
                raise ValidationError(
                    "Pick sources from the list, or write them as #12; #15."
                )
            source = self.bibliography.get(int(match[1]))
            if source is None:
                raise ValidationError(f"No source #{match[1]} in the bibliography.")
            picked.append(source)
        return picked

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if url:
            message = "Enter a web address starting with http:// or https://."
            if not is_web_url(url):
                raise ValidationError(message)
            URLValidator(schemes=["http", "https"], message=message)(url)
        return url

    def clean(self):
        data = super().clean()
        described = any(data.get(name) for name in NEW_SOURCE_FIELDS)
        untitled = not (data.get("title") or data.get("url"))
        if described and untitled and not self.has_error("url"):
            self.add_error("title", "Give the new source a title or a URL.")
        if not self.errors:
            count = len(self.cited_sources())
            if count > limits.limit("sources"):
                self.add_error("sources", self._too_many(count))
        return data

    @staticmethod
    def _too_many(count: int) -> str:
        return (
            f"{count:,} sources for one change; the most is "
            f"{limits.limit('sources'):,}."
        )

    @property
    def in_use(self) -> bool:
        """Whether anything is ticked, picked or typed here."""
        return any(self[name].value() for name in self.fields)

    def new_source(self) -> SourceEntry | None:
        data = self.cleaned_data
        if not (data["title"] or data["url"]):
            return None
        return SourceEntry(**{name: data[name] for name in NEW_SOURCE_FIELDS})

    def cited_sources(self) -> list[Source | SourceEntry]:
        """The works cited, each once: the ticked notes' sources, the picked
        sources, then the new source."""
        cited: list[Source | SourceEntry] = [
            link.source
            for number in self.cleaned_data["notes"]
            for link in self.notes_by_number[number].citation_sources.all()
        ]
        cited += self.cleaned_data["sources"]
        if entry := self.new_source():
            cited.append(entry)
        return list(dict.fromkeys(cited))


class RevertForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=limits.DATABASE_INT_MAX)
    field = forms.ChoiceField(
        choices=[("", "All fields"), *FIELD_LABELS.items()], required=False
    )


def _shorten(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The page ---------------------------------------------------------------------


@dataclasses.dataclass
class FieldBlock:
    """One field of the edit page with its citation form. `field` is None for
    leaders and notes, which the page shows as formsets; `errors` holds the
    workflow's messages about those lists."""

    name: str
    label: str
    citation: CitationForm
    field: forms.BoundField | None = None
    errors: list[str] = dataclasses.field(default_factory=list)
    heading: bool = False

    @property
    def container_id(self) -> str:
        """The element whose inputs this block's sources support."""
        return f"field-{self.name}" if self.field is not None else f"{self.name}-set"

    @property
    def open(self) -> bool:
        field_errors = self.field.errors if self.field is not None else []
        return bool(self.errors or field_errors or self.citation.in_use)


class ProfileEdit:
    """The whole edit page as one form: bound to a POST, or showing `values`
    (a profile's values in the shape `serializers.profile_values` gives).

    `profile` is the published profile (None for a new one), with its record
    prefetched, whose notes the citation forms offer. `cited` pre-fills the
    source pickers, field by field.
    """

    def __init__(
        self,
        data=None,
        *,
        profile: Profile | None,
        values: dict[str, Any],
        base_version: int,
        summary: str = "",
        cited: dict[str, list[Source]] | None = None,
        bibliography: Iterable[Source] = (),
    ):
        """`bibliography`: the works this editor may pick (`queries.
        sources_for_editor`); others' unapproved sources are not among them."""
        cited = cited or {}
        self.form = ProfileForm(
            data,
            initial={
                **{name: values[name] for name in FORM_FIELDS},
                "base_version": base_version,
                "summary": summary,
            },
        )
        self.leaders = LeaderFormSet(data, prefix="leaders", initial=values["leaders"])
        self.notes = NoteFormSet(data, prefix="citations", initial=values["citations"])
        self.bibliography = {source.pk: source for source in bibliography}
        notes = [
            note
            for note in (profile.citations.all() if profile else [])
            if note.citation_sources.all()
        ]
        self.citations = {
            name: CitationForm(
                data,
                prefix=f"cite-{name}",
                notes=notes,
                bibliography=self.bibliography,
                initial={"sources": "; ".join(f"#{s.pk}" for s in cited[name])}
                if cited.get(name)
                else None,
            )
            for name in FIELDS
        }
        self.list_errors: dict[str, list[str]] = {"leaders": [], "citations": []}
        self.blocks = {
            name: FieldBlock(
                name=name,
                label=FIELD_LABELS[name],
                citation=self.citations[name],
                field=self.form[name] if name in FORM_FIELDS else None,
                errors=self.list_errors.get(name, []),
                heading=name not in IDENTITY_FIELDS,
            )
            for name in FIELDS
        }

    # What the template shows.

    @property
    def identity_blocks(self) -> list[FieldBlock]:
        return [self.blocks[name] for name in IDENTITY_FIELDS]

    @property
    def section_blocks(self) -> list[FieldBlock]:
        return [self.blocks[section.field] for section in SECTIONS]

    @property
    def notes_block(self) -> FieldBlock:
        return self.blocks["citations"]

    @property
    def source_options(self) -> list[str]:
        return [source_label(source) for source in self.bibliography.values()]

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for every error on the page, in page order; the
        anchor is "" for errors about the whole form."""
        items = [("", str(message)) for message in self.form.non_field_errors()]
        items += _form_errors(self.form, ("base_version",), "")
        for name in FIELDS:
            label = FIELD_LABELS[name]
            if name in FORM_FIELDS:
                items += _form_errors(self.form, (name,), "")
            else:
                formset = self.leaders if name == "leaders" else self.notes
                items += [
                    (f"{name}-set", f"{label}: {m}") for m in self.list_errors[name]
                ]
                items += [
                    (f"{name}-set", f"{label}: {m}") for m in formset.non_form_errors()
                ]
                for index, form in enumerate(formset.forms, start=1):
                    if not formset.is_removed(form):
                        row = _row_label(name, index, form)
                        items += _form_errors(form, form.fields, f"{row}, ")
            items += _form_errors(
                self.citations[name], CitationForm.base_fields, f"Sources for {label}, "
            )
        items += _form_errors(self.form, ("summary",), "")
        return items

    # What the view asks.

    def is_valid(self) -> bool:
        parts = [self.form, self.leaders, self.notes, *self.citations.values()]
        # A list, not a generator: every part is validated, so the page shows
        # all its errors at once.
        return all([part.is_valid() for part in parts])

    @property
    def summary(self) -> str:
        return self.form.cleaned_data["summary"]

    @property
    def base_version(self) -> int | None:
        return self.form.cleaned_data["base_version"]

    def values(self) -> dict[str, Any]:
        """Every field's value: leaders in the order asked for, notes by number."""
        values = self.form.values()
        values["leaders"] = [form.value() for form in self.leaders.kept_forms()]
        values["citations"] = sorted(
            (form.value() for form in self.notes.kept_forms()),
            key=lambda note: note["number"],
        )
        return {name: values[name] for name in FIELDS}

    def proposals(self) -> dict[str, workflow.Proposal]:
        """A proposal for every field; the workflow keeps those that changed."""
        return {
            name: workflow.Proposal(value, self.citations[name].cited_sources())
            for name, value in self.values().items()
        }

    def add_error(self, error: ValidationError | workflow.WorkflowError) -> None:
        """Puts the workflow's refusal beside the field it concerns."""
        if isinstance(error, workflow.NothingToChange):
            self.form.add_error(None, "You have not changed anything.")
        elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    if name in self.list_errors:
                        self.list_errors[name].append(message)
                    elif name in self.form.fields:
                        self.form.add_error(name, message)
                    else:
                        self.form.add_error(None, message)
        elif isinstance(error, ValidationError):
            for message in error.messages:
                self.form.add_error(None, message)
        else:
            self.form.add_error(None, str(error))


def _row_label(name: str, index: int, form: forms.Form) -> str:
    """How the page names a row: leaders by position, notes by number."""
    if name == "leaders":
        return f"Leader {index}"
    number = form["number"].value()
    return f"Note {number}" if number else "New note"


def _form_errors(form: forms.Form, names, prefix: str) -> list[tuple[str, str]]:
    items = []
    for name in names:
        bound = form[name]
        anchor = f"field-{bound.html_name}" if bound.use_fieldset else bound.auto_id
        label = bound.label or FIELD_LABELS.get(name, name)
        items += [(anchor, f"{prefix}{label}: {message}") for message in bound.errors]
    return items


class CommentForm(forms.Form):
    """A comment on a request's conversation or a profile's talk page; the
    workflow keeps it, and checks the same bounds."""

    text = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Write @username to tell someone who may read it.",
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Write a comment.")
        if errors := limits.comment_errors(text):
            raise ValidationError(errors)
        return text

    def add_workflow_error(self, error: ValidationError) -> None:
        """The workflow's refusal beside the field it is about."""
        self.add_error(None, error)
