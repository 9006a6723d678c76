"""The edit page's forms: one form for a profile's own fields, a formset of
claim rows for each section (its leaders too), a formset for its notes, and
a citation form per field saying what else supports a change.

A claim row is one bullet, one stretch of prose or one leader: its words
(never typed footnote marks), the notes it cites picked from the profile's
notes, a locator per note, a status, an as-of date and a review-by date.
`profiles.claims` writes the rows back into the section's text layout; a row
left as it was gives back its text exactly as written.

`ProfileEdit` holds them together: it turns what an editor typed into the
values and `workflow.Proposal`s of a change request, checks what needs more
than one form (a claim citing a note being removed, a claim that would not
read back as itself) so that every error shows in one round, previews the
changed sections, and puts the workflow's refusals back beside the fields
they concern. Forms clean and validate; only `profiles.workflow` writes.

Every field is held to `profiles.limits` here, beside the field, before the
workflow checks the whole: its size (also as the widget's `maxlength`), its
count of items, rows or sources, its numbers, and no control characters.
"""

import dataclasses
import functools
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
from django.forms.forms import ErrorDict
from django.forms.formsets import (
    DELETION_FIELD_NAME,
    ORDERING_FIELD_NAME,
    TOTAL_FORM_COUNT,
)
from django.forms.utils import flatatt
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from profiles import claims as claim_text
from profiles import limits, workflow
from profiles.claims import Citation as ClaimCitation
from profiles.claims import Claim, InvalidClaim, Status
from profiles.document import FOOTNOTE_MARK_RE
from profiles.models import Citation, Profile, split_lines
from profiles.sections import (
    PROSE_FIELDS,
    SECTIONS,
    SECTIONS_BY_FIELD,
    SectionKind,
)
from profiles.serializers import FIELD_LABELS, FIELDS, TEXT_FIELDS
from sources.citations import SourceEntry, format_source, parse_note
from sources.models import Source
from sources.weblinks import is_web_url

#: The sections edited as claim rows, in reading order (leaders among them).
CLAIM_FIELDS = tuple(section.field for section in SECTIONS)
#: Fields that belong to the profile form itself; sections and notes have
#: formsets.
FORM_FIELDS = tuple(name for name in FIELDS if name not in (*CLAIM_FIELDS, "citations"))
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
_SUPERSCRIPT_RE = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]")


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


# Claims ------------------------------------------------------------------------

#: The statuses as the status menu offers them.
STATUS_CHOICES = [(status.value, status.value.capitalize()) for status in Status]
_LOCATOR_RE = re.compile(r"(?P<number>\d{1,6})\s*:\s*(?P<locator>.*)", re.DOTALL)
_GRADE_RE = re.compile(r"(?P<number>\d{1,6})\s*:\s*(?P<grade>\S+)")
_MARKS_TYPED = "pick notes under Citations instead of typing marks."
_CHANGED_WRITTEN = (
    "this row's original text has been altered; open the edit page again."
)


def _as_of_shown(edtf: str) -> str:
    """An as-of date as the form shows it: in words where they read back as
    the same date ("early 2017"), else as stored ("2017-01/2017-03")."""
    if not edtf:
        return ""
    words = claim_text.as_of_words(edtf)
    try:
        return words if claim_text.parse_as_of(words).edtf == edtf else edtf
    except InvalidClaim:
        return edtf


def _review_by_shown(claim: Claim):
    try:
        return claim.review_by_date
    except InvalidClaim:
        return None


def _read_claim(text: str) -> Claim | None:
    """A row's claim as first shown, or None when it is no claim (a mark of
    more digits than any note has, which `profiles.claims` cannot read)."""
    if limits.footnote_errors(text):
        return None
    try:
        return claim_text.parse_bullet(text)
    except ValueError:
        return None


def claim_meaning(claim: Claim) -> tuple:
    """What a claim says, whatever the layout of its text: its words, its
    citations in order, status and dates."""
    return (claim.text, claim.citations, claim.status, claim.as_of, claim.review_by)


def claim_initial(claim: Claim, written: str) -> dict[str, Any]:
    """A claim row's fields for `claim`, whose text as written is `written`."""
    return {
        "text": claim.text,
        "citations": list(dict.fromkeys(claim.numbers)),
        "locators": "; ".join(
            f"{citation.number}: {citation.locator}"
            for citation in claim.citations
            if citation.locator
        ),
        "grades": "; ".join(
            f"{number}: {grade}"
            for number, grade in {
                c.number: c.credibility for c in claim.citations if c.credibility
            }.items()
        ),
        "status": claim.status.value,
        "as_of": _as_of_shown(claim.as_of),
        "review_by": _review_by_shown(claim),
        "written": written,
    }


def note_choices(notes: Iterable[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """The notes a claim may cite, by number: "6 · Heras, “Deir Azzour…”"."""
    by_number = dict(notes)
    return tuple(
        (number, f"{number} · {_shorten(by_number[number], 60)}")
        for number in sorted(by_number)
    )


@functools.lru_cache(maxsize=16)
def _options_html(choices: tuple[tuple[Any, str], ...]) -> tuple[tuple[str, str], ...]:
    """Each note's <option>, escaped once per list of notes: (value, html)."""
    return tuple(
        (str(value), format_html('<option value="{}">{}</option>', value, label))
        for value, label in choices
    )


class NoteSelect(forms.SelectMultiple):
    """The notes a claim cites, as a list box. Built in Python rather than
    with Django's option templates: a profile of a hundred claims and
    hundreds of notes lists them all in every row."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in value or []}
        choices = tuple((v, label) for v, label in self.choices)
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("size", str(min(max(len(choices), 2), 6)))
        options = [
            # Built with format_html; only the attribute is added.
            mark_safe(html.replace("<option ", "<option selected ", 1))
            if option in chosen
            else html
            for option, html in _options_html(choices)
        ]
        return format_html(
            '<select name="{}" multiple{}>{}</select>',
            name,
            flatatt(attrs),
            format_html_join("", "{}", ((option,) for option in options)),
        )


class NoteNumbers(forms.TextInput):
    """The notes a claim cites, typed as their numbers ("6, 7")."""

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(number) for number in value) or None
        return super().format_value(value)


#: The most notes a claim row lists in a list box; a profile with more has
#: their numbers typed ("6, 7"), so that the page does not list every note
#: in every row (hundreds of notes times hundreds of claims).
NOTE_LIST_MOST = 50
_NUMBER_RE = re.compile(r"[0-9]{1,9}")


class CitationsField(forms.Field):
    """The notes a claim cites, in the order given: picked in a list box
    (`NoteSelect`, which sends them in the notes' order) or typed as numbers
    (`NoteNumbers`, in the order typed). `notes` are those it may cite."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.notes: tuple[tuple[int, str], ...] = ()

    @property
    def choices(self):
        return self.notes

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        items = (
            value
            if isinstance(value, list | tuple)
            else re.split(r"[\s,;]+", str(value).strip())
        )
        numbers = []
        for item in (str(item).strip() for item in items):
            if not item:
                continue
            if not _NUMBER_RE.fullmatch(item):
                raise ValidationError(
                    "write the notes' numbers, as in “6, 7” "
                    f"(not “{_shorten(item, 20)}”)."
                )
            numbers.append(int(item))
        return list(dict.fromkeys(numbers))

    def validate(self, value: list[int]) -> None:
        known = {number for number, _ in self.notes}
        for number in value:
            if number not in known:
                raise ValidationError(
                    f"note {number} is not a note of this profile: pick one from "
                    "the list."
                )


class ClaimForm(forms.Form):
    """One claim of a bullet section: its words, the notes it cites with a
    locator for each, its status and dates. `written` is the claim as the
    page first showed it: a row whose fields still say the same gives that
    text back unchanged. `row` names the row in every error ("Founding,
    claim 2: …"); `notes` are the notes it may cite."""

    #: Whether the words may hold line breaks.
    lines = False
    #: The field of the claim's words.
    text_name = "text"

    text = PlainTextField(label="Claim", required=False, widget=_textarea(2))
    citations = CitationsField(label="Citations", widget=NoteSelect)
    locators = forms.CharField(label="Locators", required=False, widget=_text_input())
    grades = forms.CharField(
        label="Credibility (1–6)",
        required=False,
        widget=_text_input(),
        help_text="How credible each note's work makes the claim, e.g. “6: 2”: "
        "1 confirmed by other sources, 2 probably true, 3 possibly true, "
        "4 doubtful, 5 improbable, 6 cannot be judged.",
    )
    status = forms.ChoiceField(
        label="Status", choices=STATUS_CHOICES, initial=Status.CONFIRMED.value
    )
    as_of = forms.CharField(
        label="As of", max_length=60, required=False, widget=_text_input()
    )
    review_by = forms.DateField(
        label="Review by",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    written = PlainTextField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args, row: str, notes: tuple[tuple[int, str], ...], **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.row = row
        super().__init__(*args, **kwargs)
        bound_fields(self)
        citations = self.fields["citations"]
        citations.notes = notes
        if len(notes) > NOTE_LIST_MOST:
            citations.widget = NoteNumbers(attrs={"inputmode": "numeric"})
        else:
            citations.widget.choices = notes
        self.fields["review_by"].error_messages["invalid"] = (
            "review by must be a day such as 2027-06-01."
        )
        self.fields["status"].error_messages["invalid_choice"] = (
            "pick a status from the list."
        )

    def add_error(self, field, error):
        """Every message names its row, so the summary of problems at the
        top of the page says which claim of which section it is about."""
        if isinstance(error, ValidationError) and not hasattr(error, "error_dict"):
            error = ValidationError([self._named(m) for m in error.messages])
        elif isinstance(error, str):
            error = self._named(error)
        super().add_error(field, error)

    def _named(self, message: str) -> str:
        if message.startswith(f"{self.row}:"):
            return message
        return f"{self.row}: {message[:1].lower()}{message[1:]}"

    # Cleaning.

    def clean_text(self) -> str:
        return self._words(self.cleaned_data["text"])

    def _words(self, text: str) -> str:
        if _SUPERSCRIPT_RE.search(text):
            raise ValidationError(_MARKS_TYPED)
        if not self.lines and "\n" in text:
            raise ValidationError("a bullet is one line: add another claim instead.")
        if re.search(r"\n[^\S\n]*\n", text):
            raise ValidationError(
                "a claim holds no blank line: add another claim and tick “New "
                "paragraph” on it."
            )
        return text

    def clean_as_of(self):
        typed = self.cleaned_data["as_of"]
        if not typed:
            return ""
        try:
            return claim_text.parse_as_of(typed).edtf
        except InvalidClaim as error:
            detail = str(error)
            if "is not a date" in detail:
                raise ValidationError(
                    f"as of “{typed}” is not a date: write it as “2017”, "
                    "“2017-09”, “early 2017”, “2016?” or “2016/2018”."
                ) from error
            # "'2018/2016' ends before it starts", "…: 'foo' is not a month"
            reason = detail.removeprefix(repr(typed)).strip(" :")
            raise ValidationError(f"as of “{typed}”: {reason}.") from error

    def clean_written(self) -> Claim | None:
        written = self.cleaned_data["written"]
        if not written:
            return None
        claim = _read_claim(written)
        if claim is None:
            raise ValidationError(_CHANGED_WRITTEN)
        return claim

    def clean(self):
        data = super().clean()
        self._check_citations(data)
        if not data.get("text") and self.has_facts() and not self.has_error("text"):
            self.add_error("text", "write the claim, or tick Remove.")
        return data

    def _check_citations(self, data: dict[str, Any]) -> None:
        """At most `limits` "claim_citations" notes, each with one locator."""
        if "citations" not in data:
            return
        count, most = len(set(data["citations"])), limits.limit("claim_citations")
        if count > most:
            self.add_error("citations", f"{count} notes cited; the most is {most}.")
        if "locators" in data:
            data["locators"] = self._locators(data["locators"], data["citations"])
        if "grades" in data:
            data["grades"] = self._grades(data["grades"], data["citations"])

    def _grades(self, typed: str, numbers: list[int]) -> dict[int, int]:
        """The credibility grades typed as "6: 2; 7: 4", as {6: 2, 7: 4}:
        each note one of the claim's citations, each grade 1 to 6."""
        found: dict[int, int] = {}
        for part in (part.strip() for part in typed.split(";")):
            if not part:
                continue
            match = _GRADE_RE.fullmatch(part)
            if match is None:
                self.add_error(
                    "grades",
                    "write each grade as the note's number, a colon and 1 to 6, "
                    f"e.g. “6: 2; 7: 4” (not “{_shorten(part, 30)}”).",
                )
                continue
            number, grade = int(match["number"]), match["grade"]
            if number not in numbers:
                self.add_error(
                    "grades",
                    f"note {number} has a grade but is not among this claim's "
                    "citations.",
                )
            elif number in found:
                self.add_error("grades", f"note {number} has two grades.")
            elif grade not in {"1", "2", "3", "4", "5", "6"}:
                self.add_error(
                    "grades",
                    f"note {number}: a grade is 1 to 6 (the Admiralty scale), "
                    f"not “{_shorten(grade, 10)}”.",
                )
            else:
                found[number] = int(grade)
        return found

    def _locators(self, typed: str, numbers: list[int]) -> dict[int, str]:
        """The locators typed as "6: p. 12; 7: para 3", as {6: "p. 12", 7:
        "para 3"}: each note one of the claim's citations, each locator short
        enough to be kept."""
        found: dict[int, str] = {}
        for part in (part.strip() for part in typed.split(";")):
            if not part:
                continue
            match = _LOCATOR_RE.fullmatch(part)
            if match is None or not match["locator"].strip():
                self.add_error(
                    "locators",
                    f"write each locator as the note's number, a colon and where "
                    f"in it, e.g. “6: p. 12; 7: para 3” (not “{_shorten(part, 30)}”).",
                )
                continue
            number, locator = int(match["number"]), match["locator"].strip()
            most = claim_text.LOCATOR_CHARS - len(f"note {number}, ")
            if number not in numbers:
                self.add_error(
                    "locators",
                    f"note {number} has a locator but is not among this claim's "
                    "citations.",
                )
            elif number in found:
                self.add_error("locators", f"note {number} has two locators.")
            elif re.search(r"[\[\]\n]", locator):
                self.add_error(
                    "locators", "a locator cannot hold “[”, “]” or a line break."
                )
            elif len(locator) > most:
                self.add_error(
                    "locators",
                    f"the locator of note {number} is {len(locator)} characters "
                    f"long; the most is {most}.",
                )
            else:
                found[number] = locator
        return found

    def has_facts(self) -> bool:
        """Whether anything but the words is given: citations, locators, a
        status other than confirmed, dates."""
        data = self.cleaned_data
        return bool(
            data.get("citations")
            or data.get("locators")
            or data.get("grades")
            or data.get("as_of")
            or data.get("review_by")
            or data.get("status", Status.CONFIRMED) != Status.CONFIRMED
        )

    def is_empty(self) -> bool:
        return not self.cleaned_data.get("text") and not self.has_facts()

    # What the row says.

    def claim(self) -> Claim:
        """The row's claim. Left as the page showed it, it is the claim as
        written, character for character; with its words unchanged it keeps
        them as written (marks inside them too, while it cites those notes
        first)."""
        data = self.cleaned_data
        written: Claim | None = data.get("written")
        picked = data["citations"]
        # Typed numbers are in the order meant. A list box sends the notes in
        # their own order: those the claim cited keep the order it had them
        # in, notes picked now follow.
        typed = isinstance(self.fields["citations"].widget, NoteNumbers)
        before = (
            [n for n in dict.fromkeys(written.numbers) if n in picked]
            if written and not typed
            else []
        )
        numbers = before + [n for n in picked if n not in before]
        graded = data.get("grades", {})
        citations = tuple(
            ClaimCitation(n, data["locators"].get(n, ""), graded.get(n))
            for n in numbers
        )
        review_by = data["review_by"].isoformat() if data["review_by"] else ""
        if (
            written
            and written.review_by
            and (_review_by_shown(written) == data["review_by"])
        ):
            review_by = written.review_by  # "2027-06" stays a month
        claim = Claim(
            body=data[self.text_name],
            citations=citations,
            status=Status(data["status"]),
            as_of=data["as_of"],
            review_by=review_by,
        )
        if written is None or claim.text != written.text:
            return claim
        if _same_citations(written, citations) and (
            not typed or list(dict.fromkeys(written.numbers)) == numbers
        ):
            claim = dataclasses.replace(claim, citations=written.citations)
        inner = written.numbers[: len(FOOTNOTE_MARK_RE.findall(written.body))]
        if list(claim.numbers[: len(inner)]) != inner:
            return claim
        return dataclasses.replace(claim, body=written.body, tail=written.tail)

    @property
    def changed_claim(self) -> bool:
        """Whether the row says something other than it did (a new row does)."""
        written = self.cleaned_data.get("written")
        return written is None or claim_meaning(self.claim()) != claim_meaning(written)


def _same_citations(written: Claim, citations: tuple[ClaimCitation, ...]) -> bool:
    """Whether the same notes are cited with the same locators, whatever the
    order the list box sent them in."""
    return sorted(set(written.citations), key=_citation_key) == sorted(
        set(citations), key=_citation_key
    )


def _citation_key(citation: ClaimCitation) -> tuple[int, str, int]:
    return (citation.number, citation.locator, citation.credibility or 0)


class ProseClaimForm(ClaimForm):
    """One claim of a prose section: a stretch of a paragraph ending at its
    marks. "New paragraph" starts a paragraph with it; `lead` is the space
    that came before it as written, kept while the box says the same."""

    lines = True

    text = PlainTextField(label="Claim", required=False, widget=_textarea(3))
    paragraph = forms.BooleanField(label="New paragraph", required=False)
    lead = PlainTextField(required=False, strip=False, widget=forms.HiddenInput)

    def clean_lead(self) -> str:
        lead = self.cleaned_data["lead"]
        if lead.strip():
            raise ValidationError(_CHANGED_WRITTEN)
        return lead

    def claim(self) -> Claim:
        claim = super().claim()
        lead, paragraph = self.cleaned_data["lead"], self.cleaned_data["paragraph"]
        if paragraph != ("\n" in lead):
            lead = "\n\n" if paragraph else " "
        return dataclasses.replace(claim, lead=lead)


class LeaderForm(ClaimForm):
    """One leader: name, aliases and role, the role a claim of its own with
    its citations, status and dates (the role carries them in the text
    layout: "is the commander¹ [reported; as of 2019]")."""

    text_name = "role"

    name = forms.CharField(
        label="Name", max_length=300, required=False, widget=_text_input()
    )
    aliases = CommaListField(
        label="Aliases",
        required=False,
        help_text="Separated by commas.",
        widget=_text_input(),
    )
    role = PlainTextField(label="Role", required=False, widget=_text_input())
    text = None

    field_order = ["name", "aliases", "role"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if _SUPERSCRIPT_RE.search(name):
            raise ValidationError(f"a name carries no marks: {_MARKS_TYPED}")
        return name

    def clean_aliases(self) -> list[str]:
        aliases = self.cleaned_data["aliases"]
        if any(_SUPERSCRIPT_RE.search(alias) for alias in aliases):
            raise ValidationError(f"aliases carry no marks: {_MARKS_TYPED}")
        return aliases

    def clean_role(self) -> str:
        return self._words(self.cleaned_data["role"])

    def clean(self):
        data = forms.Form.clean(self)
        self._check_citations(data)
        if not data.get("name") and not self.is_empty() and not self.has_error("name"):
            self.add_error("name", "give this leader's name.")
        return data

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return (
            not (data.get("name") or data.get("aliases") or data.get("role"))
            and not self.has_facts()
        )

    def value(self) -> dict[str, Any]:
        return {
            "name": _kept(self, "name"),
            "aliases": _kept(self, "aliases"),
            "role": claim_text.render_bullet(self.claim()),
        }


class NoteForm(forms.Form):
    """One note: its number and text, or a work of the bibliography whose
    citation in the house style becomes its text. `bibliography`: the works
    the editor may pick, by id."""

    number = forms.IntegerField(
        min_value=1,
        required=False,
        help_text="Claims cite the note by this number.",
        widget=forms.NumberInput(attrs={"class": "note-number"}),
    )
    text = PlainTextField(
        required=False,
        help_text="Commentary, one source or several; a source ends with its link, "
        "as in: Author, “Title,” *Publication*, Date. (<https://…>)",
        widget=_textarea(3),
    )
    work = forms.CharField(
        label="Or a work from the bibliography",
        required=False,
        help_text="Pick from the list or type #id; its citation becomes the note.",
        widget=forms.TextInput(attrs={**_TYPED, "list": "bibliography"}),
    )

    def __init__(self, *args, bibliography: dict[int, Source], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.bibliography = bibliography
        bound_fields(self)
        # The bound is read when the form is made, so settings can change it.
        most = limits.limit("note_number")
        number = self.fields["number"]
        number.max_value = most
        number.validators.append(MaxValueValidator(most))
        number.widget.attrs["max"] = str(most)
        number.error_messages["max_value"] = f"Notes are numbered 1 to {most:,}."

    def clean_work(self) -> str:
        typed = self.cleaned_data["work"].strip()
        if not typed:
            return ""
        match = _SOURCE_ID.match(typed)
        if match is None:
            raise ValidationError("Pick a work from the list, or write it as #12.")
        source = self.bibliography.get(int(match[1]))
        if source is None:
            raise ValidationError(f"No source #{match[1]} in the bibliography.")
        return format_source(source.as_entry())

    def clean(self):
        data = super().clean()
        cited = data.get("work")
        if cited and data.get("text") and data["text"] != cited:
            self.add_error("work", "Write the note or pick a work for it, not both.")
        elif cited:
            data["text"] = cited
        if (
            data.get("text")
            and data.get("number") is None
            and not self.has_error("number")
        ):
            self.add_error("number", "Give this note a number.")
        if (
            data.get("number") is not None
            and not data.get("text")
            and not self.has_error("work")
        ):
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


class _ClaimRows(_RowFormSet):
    """The claim rows of one section (`field`), each offering `notes` to
    cite, and what they come to: the section's value in the text layout."""

    bound, noun, word = "list_items", "claims", "claim"

    def __init__(self, *args, field: str, notes: tuple[tuple[int, str], ...], **kw):
        self.field, self.label, self.notes = field, FIELD_LABELS[field], notes
        super().__init__(*args, **kw)

    def get_form_kwargs(self, index):
        row = (
            f"{self.label}, new {self.word}"
            if index is None
            else f"{self.label}, {self.word} {index + 1}"
        )
        return {**super().get_form_kwargs(index), "row": row, "notes": self.notes}

    @property
    def lists_notes(self) -> bool:
        """Whether its rows pick notes from a list (else they type numbers)."""
        return len(self.notes) <= NOTE_LIST_MOST

    def claims(self) -> list[Claim]:
        return [form.claim() for form in self.kept_forms()]

    def value(self) -> Any:
        return [claim_text.render_bullet(claim) for claim in self.claims()]

    def cited_by_changes(self) -> list[int]:
        """The notes cited by the rows that say something new."""
        return list(
            dict.fromkeys(
                number
                for form in self.kept_forms()
                if form.changed_claim
                for number in form.claim().numbers
            )
        )

    def problems(
        self, notes: Collection[int] | None
    ) -> list[tuple[forms.Form, str, str]]:
        """(row, field, message) for each claim that cites a note not among
        `notes` (the notes the request keeps; None when the notes have
        errors of their own), or that would not read back as itself from the
        section's text."""
        found = []
        for form in self.kept_forms() if notes is not None else []:
            for number in form.claim().numbers:
                if number not in notes:
                    found.append(
                        (
                            form,
                            "citations",
                            f"note {number} is removed under Notes: keep the "
                            "note, or pick another.",
                        )
                    )
        return found + self._unreadable()

    def _unreadable(self) -> list[tuple[forms.Form, str, str]]:
        for form, claim in zip(self.kept_forms(), self.claims(), strict=True):
            line = claim_text.render_bullet(claim)
            back = claim_text.parse_bullet(line)
            if line != line.strip() or claim_meaning(back) != claim_meaning(claim):
                return [(form, form.text_name, _UNREADABLE)]
        return []


_UNREADABLE = (
    "this claim would not read back as written: its words cannot end in a "
    "bracket that reads as a status or a date, such as “[reported]”."
)
_RUNS_ON = (
    "this claim has no citation, status or date to end it, so it runs into "
    "the next one: cite a note, or tick “New paragraph” on the next claim."
)


class _ProseRows(_ClaimRows):
    bound = "prose_claims"

    def value(self) -> str:
        return claim_text.render_prose(self.claims())

    def _unreadable(self) -> list[tuple[forms.Form, str, str]]:
        claims = self.claims()
        back = claim_text.parse_prose(claim_text.render_prose(claims))
        rows = self.kept_forms()
        for index, (form, claim) in enumerate(zip(rows, claims, strict=True)):
            read = back[index] if index < len(back) else None
            starts = index > 0 and "\n" in (claim.lead or " ")
            if (
                read is not None
                and claim_meaning(read) == claim_meaning(claim)
                and (index == 0 or ("\n" in read.lead) == starts)
            ):
                continue
            following = claims[index + 1] if index + 1 < len(claims) else None
            runs_on = (
                following is not None
                and "\n" not in (following.lead or " ")
                and claim_meaning(claim)[1:] == ((), Status.CONFIRMED, "", "")
            )
            return [(form, "text", _RUNS_ON if runs_on else _UNREADABLE)]
        return []


class _LeaderRows(_ClaimRows):
    bound = noun = "leaders"
    word = "leader"

    def value(self) -> list[dict[str, Any]]:
        return [form.value() for form in self.kept_forms()]

    def _unreadable(self) -> list[tuple[forms.Form, str, str]]:
        return [
            (form, "role", _UNREADABLE)
            for form in self.kept_forms()
            if claim_meaning(claim_text.parse_bullet(form.value()["role"]))
            != claim_meaning(form.claim())
        ][:1]


class _NoteRows(_RowFormSet):
    bound, noun = "citations", "notes"


def _claim_rows(form, formset) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form,
        formset=formset,
        extra=1,
        can_delete=True,
        can_order=True,
        validate_max=True,
    )


#: The rows of each kind of section.
CLAIM_ROWS = {
    SectionKind.BULLETS: _claim_rows(ClaimForm, _ClaimRows),
    SectionKind.PROSE: _claim_rows(ProseClaimForm, _ProseRows),
    SectionKind.LEADERS: _claim_rows(LeaderForm, _LeaderRows),
}
NoteFormSet = forms.formset_factory(
    NoteForm, formset=_NoteRows, extra=2, can_delete=True, validate_max=True
)


def claim_rows(field: str, value: Any) -> list[dict[str, Any]]:
    """The rows of a section's value, each with its text as written."""
    kind = SECTIONS_BY_FIELD[field].kind
    if kind == SectionKind.PROSE:
        return [
            {
                **claim_initial(claim, claim_text.render_bullet(claim)),
                "lead": claim.lead,
                "paragraph": "\n" in claim.lead,
            }
            for claim in claim_text.parse_prose(value)
        ]
    if kind == SectionKind.LEADERS:
        rows = []
        for leader in value:
            claim = claim_text.parse_bullet(leader["role"])
            rows.append(
                {
                    **claim_initial(claim, leader["role"]),
                    "name": leader["name"],
                    "aliases": leader["aliases"],
                    "role": claim.text,
                }
            )
        return rows
    return [claim_initial(claim_text.parse_bullet(line), line) for line in value]


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
    """One field of the edit page with its citation form. `field` is the
    profile form's field; sections have claim `rows` instead, and leaders
    and notes a formset; `errors` holds the workflow's messages about
    those. `changed`: the section's rows say something new."""

    name: str
    label: str
    citation: CitationForm
    field: forms.BoundField | None = None
    rows: forms.BaseFormSet | None = None
    errors: list[str] = dataclasses.field(default_factory=list)
    heading: bool = False
    changed: bool = False
    preview: "SectionPreview | None" = None

    @property
    def leaders(self) -> bool:
        return self.name == "leaders"

    @property
    def prose(self) -> bool:
        return self.name in PROSE_FIELDS

    @property
    def container_id(self) -> str:
        """The element whose inputs this block's sources support."""
        return f"field-{self.name}" if self.field is not None else f"{self.name}-set"

    @property
    def open(self) -> bool:
        field_errors = self.field.errors if self.field is not None else []
        return bool(self.errors or field_errors or self.citation.in_use)

    @property
    def rows_open(self) -> bool:
        """Whether the section's rows are shown unfolded: when something in
        them is wrong or new."""
        return bool(self.errors or self.changed or _has_errors(self.rows))

    @property
    def row_count(self) -> int:
        return self.rows.initial_form_count() if self.rows is not None else 0


def _has_errors(formset: forms.BaseFormSet | None) -> bool:
    if formset is None or not formset.is_bound:
        return False
    return bool(formset.non_form_errors()) or any(
        form.errors for form in formset.forms if not formset.is_removed(form)
    )


@dataclasses.dataclass(frozen=True)
class ClaimView:
    """One claim as readers see it: its words with their marks, then its
    status and date where they say more than "confirmed, undated"."""

    marked: str
    status: str = ""
    as_of: str = ""
    locators: tuple[str, ...] = ()
    unsourced: bool = False
    name: str = ""
    aliases: tuple[str, ...] = ()


def claim_view(claim: Claim, **leader: Any) -> ClaimView:
    plain = dataclasses.replace(
        claim,
        status=Status.CONFIRMED,
        as_of="",
        review_by="",
        citations=tuple(ClaimCitation(c.number) for c in claim.citations),
    )
    return ClaimView(
        marked=claim_text.render_bullet(plain),
        status="" if claim.status == Status.CONFIRMED else claim.status.value,
        as_of=claim_text.as_of_words(claim.as_of) if claim.as_of else "",
        locators=tuple(
            f"note {c.number}: {c.locator}" for c in claim.citations if c.locator
        ),
        unsourced=not claim.citations,
        **leader,
    )


@dataclasses.dataclass(frozen=True)
class SectionPreview:
    """A changed section as readers will see it: `items` for bullets and
    leaders, `paragraphs` of claims for prose."""

    field: str
    label: str
    kind: SectionKind
    items: tuple[ClaimView, ...] = ()
    paragraphs: tuple[tuple[ClaimView, ...], ...] = ()


def _same_value(value: Any, shown: Any) -> bool:
    """Whether a section's value is the one the page showed (prose compared
    without the spaces at its ends, which the text layout does not keep)."""
    if isinstance(value, str) and isinstance(shown, str):
        return value == shown.strip()
    return value == shown


class ProfileEdit:
    """The whole edit page as one form: bound to a POST (or to a draft's
    data), or showing `values` (a profile's values in the shape
    `serializers.profile_values` gives).

    `profile` is the published profile (None for a new one), with its record
    prefetched: its notes' sources support the claims that cite them.
    `cited` pre-fills the source pickers, field by field.
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
        self.shown = values
        self.form = ProfileForm(
            data,
            initial={
                **{name: values[name] for name in FORM_FIELDS},
                "base_version": base_version,
                "summary": summary,
            },
        )
        self.bibliography = {source.pk: source for source in bibliography}
        self.notes = NoteFormSet(
            data,
            prefix="citations",
            initial=values["citations"],
            form_kwargs={"bibliography": self.bibliography},
        )
        self.note_choices = note_choices(self._notes_offered())
        self.sections = {
            name: CLAIM_ROWS[SECTIONS_BY_FIELD[name].kind](
                data,
                prefix=name,
                initial=claim_rows(name, values[name]),
                field=name,
                notes=self.note_choices,
            )
            for name in CLAIM_FIELDS
        }
        self.leaders = self.sections["leaders"]
        stored = list(profile.citations.all()) if profile else []
        self.stored_notes = {note.number: note for note in stored}
        sourced = [note for note in stored if note.citation_sources.all()]
        self.citations = {
            name: CitationForm(
                data,
                prefix=f"cite-{name}",
                # Claims cite notes themselves; other fields tick them here.
                notes=[] if name in CLAIM_FIELDS else sourced,
                bibliography=self.bibliography,
                initial={"sources": "; ".join(f"#{s.pk}" for s in cited[name])}
                if cited.get(name)
                else None,
            )
            for name in FIELDS
        }
        self.list_errors: dict[str, list[str]] = {
            name: [] for name in (*CLAIM_FIELDS, "citations")
        }
        self.blocks = {
            name: FieldBlock(
                name=name,
                label=FIELD_LABELS[name],
                citation=self.citations[name],
                field=self.form[name] if name in FORM_FIELDS else None,
                rows=self.sections.get(name),
                errors=self.list_errors.get(name, []),
                heading=name not in IDENTITY_FIELDS,
            )
            for name in FIELDS
        }
        self._valid: bool | None = None

    def _notes_offered(self) -> dict[int, str]:
        """The notes claims may cite: those shown, and those typed into the
        note rows of this submission (so a new note can be cited at once)."""
        offered = {row["number"]: row["text"] for row in self.shown["citations"]}
        if not self.notes.is_bound:
            return offered
        most = limits.limit("note_number")
        for form in self.notes.forms:
            typed = str(form["number"].value() or "").strip()
            if not (typed.isdigit() and len(typed) <= len(str(most))):
                continue
            number = int(typed)
            if 1 <= number <= most:
                text = str(form["text"].value() or form["work"].value() or "")
                offered[number] = text.strip() or offered.get(number, "New note")
        return offered

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
                formset = self.sections.get(name, self.notes)
                items += [
                    (f"{name}-set", f"{label}: {m}") for m in self.list_errors[name]
                ]
                items += [
                    (f"{name}-set", f"{label}: {m}") for m in formset.non_form_errors()
                ]
                for index, form in enumerate(formset.forms, start=1):
                    if formset.is_removed(form):
                        continue
                    if name in self.sections:  # their messages name the row
                        items += _form_errors(form, form.fields, "", labelled=False)
                    else:
                        row = _row_label(index, form)
                        items += _form_errors(form, form.fields, f"{row}, ")
            items += _form_errors(
                self.citations[name], CitationForm.base_fields, f"Sources for {label}, "
            )
        items += _form_errors(self.form, ("summary",), "")
        return items

    # What the view asks.

    def is_valid(self) -> bool:
        """Whether every part is valid, and the claims with them: none cites
        a note the request removes, each reads back as itself. Each part is
        checked whatever the others hold, so the page shows every error at
        once."""
        if self._valid is not None:
            return self._valid
        parts = [self.form, self.notes, *self.sections.values()]
        results = [part.is_valid() for part in [*parts, *self.citations.values()]]
        kept_notes = (
            {note["number"] for note in self._note_values()}
            if self.notes.is_valid()
            else None
        )
        problems, too_big = [], False
        for name, rows in self.sections.items():
            if rows.is_valid():
                problems += rows.problems(kept_notes)
                # The bounds of the whole section (its length, its count of
                # claims), as the workflow will check them.
                bounds = limits.limit_errors({name: rows.value()}).get(name, [])
                self.list_errors[name] += bounds
                too_big = too_big or bool(bounds)
        for form, field, message in problems:
            form.add_error(field, message)
        for name, rows in self.sections.items():
            self.blocks[name].changed = rows.is_valid() and not _same_value(
                rows.value(), self.shown[name]
            )
        self._valid = all(results) and not problems and not too_big
        return self._valid

    def hide_errors(self) -> None:
        """Validates a restored draft, then forgets what is wrong with it: a
        draft is work in progress, shown as it was left; its errors show when
        it is previewed or submitted. (Django has no public way to forget a
        form's errors: this empties the lists it keeps them in.)"""
        self.is_valid()
        formsets = [self.notes, *self.sections.values()]
        forms_ = [self.form, *self.citations.values()]
        forms_ += [form for formset in formsets for form in formset.forms]
        for form in forms_:
            form._errors = ErrorDict()
        for formset in formsets:
            formset._errors = [form.errors for form in formset.forms]
            formset._non_form_errors = formset.error_class(
                error_class="nonform", renderer=formset.renderer
            )

    @property
    def summary(self) -> str:
        return self.form.cleaned_data["summary"]

    @property
    def base_version(self) -> int | None:
        return self.form.cleaned_data["base_version"]

    def _note_values(self) -> list[dict[str, Any]]:
        return sorted(
            (form.value() for form in self.notes.kept_forms()),
            key=lambda note: note["number"],
        )

    def values(self) -> dict[str, Any]:
        """Every field's value: each section written from its rows in the
        order asked for, notes by number."""
        values = self.form.values()
        for name, rows in self.sections.items():
            value = rows.value()
            values[name] = (
                self.shown[name] if _same_value(value, self.shown[name]) else value
            )
        values["citations"] = self._note_values()
        return {name: values[name] for name in FIELDS}

    def proposals(self) -> dict[str, workflow.Proposal]:
        """A proposal for every field; the workflow keeps those that changed.
        A section's sources are those cited for it, and those of the notes
        its new and changed claims cite."""
        values = self.values()
        notes = {note["number"]: note["text"] for note in values["citations"]}
        proposals = {}
        for name, value in values.items():
            sources = self.citations[name].cited_sources()
            if name in self.sections:
                for number in self.sections[name].cited_by_changes():
                    sources += self._sources_of_note(number, notes.get(number, ""))
            proposals[name] = workflow.Proposal(value, list(dict.fromkeys(sources)))
        return proposals

    def _sources_of_note(self, number: int, text: str) -> list[Source | SourceEntry]:
        stored = self.stored_notes.get(number)
        if stored is not None and stored.text == text:
            return [link.source for link in stored.citation_sources.all()]
        return list(parse_note(text)[1]) if text else []

    def previews(self) -> list[SectionPreview]:
        """The changed sections whose rows are valid, as readers will see
        them. A preview needs no edit summary."""
        if self._valid is None:
            self.form.fields["summary"].required = False
        self.is_valid()
        previews = []
        for name, rows in self.sections.items():
            if not self.blocks[name].changed:
                continue
            kind = SECTIONS_BY_FIELD[name].kind
            preview = SectionPreview(field=name, label=FIELD_LABELS[name], kind=kind)
            if kind == SectionKind.PROSE:
                preview = dataclasses.replace(
                    preview,
                    paragraphs=tuple(
                        tuple(claim_view(claim) for claim in paragraph)
                        for paragraph in claim_text.paragraphs(rows.claims())
                    ),
                )
            elif kind == SectionKind.LEADERS:
                preview = dataclasses.replace(
                    preview,
                    items=tuple(
                        claim_view(
                            form.claim(),
                            name=form.cleaned_data["name"],
                            aliases=tuple(form.cleaned_data["aliases"]),
                        )
                        for form in rows.kept_forms()
                    ),
                )
            else:
                preview = dataclasses.replace(
                    preview, items=tuple(claim_view(c) for c in rows.claims())
                )
            self.blocks[name].preview = preview
            previews.append(preview)
        return previews

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


def _row_label(index: int, form: forms.Form) -> str:
    """How the page names a note's row: by its number."""
    number = form["number"].value()
    return f"Note {number}" if number else "New note"


def _form_errors(
    form: forms.Form, names, prefix: str, *, labelled: bool = True
) -> list[tuple[str, str]]:
    items = []
    for name in names:
        bound = form[name]
        anchor = f"field-{bound.html_name}" if bound.use_fieldset else bound.auto_id
        label = bound.label or FIELD_LABELS.get(name, name)
        items += [
            (anchor, f"{prefix}{label}: {message}" if labelled else str(message))
            for message in bound.errors
        ]
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


# Drafts ----------------------------------------------------------------------

_DRAFT_FIELDS = frozenset((*FORM_FIELDS, "base_version", "summary"))
_DRAFT_ROW_RE = re.compile(
    r"(?P<prefix>[a-z_]+)-(?:(?P<form>TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS"
    r"|(?P<index>\d{1,6})-(?P<field>[A-Za-z_]{1,30}))"
)
_DRAFT_CITE_RE = re.compile(r"cite-(?P<prefix>[a-z_]+)-(?P<field>[a-z_]{1,30})")
_ROW_BOUNDS = {
    **{name: "list_items" for name in CLAIM_FIELDS},
    **{name: "prose_claims" for name in PROSE_FIELDS},
    "leaders": "leaders",
    "citations": "citations",
}


def _draft_label(key: str) -> str | None:
    """How the page names the field `key` of the edit form, or None when
    the edit form has no such field."""
    if key in _DRAFT_FIELDS:
        return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
    if match := _DRAFT_CITE_RE.fullmatch(key):
        known = match["prefix"] in FIELD_LABELS
        fields = match["field"] in CitationForm.base_fields
        return (
            f"Sources for {FIELD_LABELS[match['prefix']]}" if known and fields else None
        )
    match = _DRAFT_ROW_RE.fullmatch(key)
    if match is None or match["prefix"] not in _ROW_BOUNDS:
        return None
    label = FIELD_LABELS[match["prefix"]]
    if match["index"] is None:
        return label
    word = {"leaders": "leader", "citations": "note row"}.get(match["prefix"], "claim")
    return f"{label}, {word} {int(match['index']) + 1}"


def draft_data(data: MultiValueDict) -> dict[str, list[str]]:
    """What a draft keeps of the edit form's `data`: the form's own fields
    (not the CSRF token, nor the button pressed), held to the form's bounds:
    no more rows than the form takes, no field longer than a field may be,
    no control character, and all of it no larger than a document the
    importer takes. Raises `ValidationError` naming each field past them."""
    kept: dict[str, list[str]] = {}
    errors: list[str] = []
    most_chars = limits.limit("field_chars")
    for key in data:
        label = _draft_label(key)
        if label is None:
            continue
        values = [str(value) for value in data.getlist(key)]
        if len(values) > limits.limit("citations"):
            errors.append(
                f"{label}: {len(values):,} values; the most is "
                f"{limits.limit('citations'):,}."
            )
            continue
        for value in values:
            if len(value.replace("\r\n", "\n")) > most_chars:
                errors.append(
                    f"{label}: "
                    + limits.too_long_message("This field", len(value), most_chars)
                )
            elif code := limits.control_character(value):
                errors.append(f"{label}: {limits.control_character_message(code)}")
        match = _DRAFT_ROW_RE.fullmatch(key)
        if match and match["prefix"] in _ROW_BOUNDS:
            most = limits.limit(_ROW_BOUNDS[match["prefix"]])
            count = (
                int(match["index"]) + 1
                if match["index"] is not None
                else _count(values)
            )
            if count > most + 1:
                errors.append(f"{label}: there can be at most {most:,} rows.")
        kept[key] = values
    size = sum(len(key) + sum(map(len, values)) for key, values in kept.items())
    if size > (most := limits.limit("import_bytes")):
        errors.append(limits.too_long_message("This draft", size, most))
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    return kept


def _count(values: list[str]) -> int:
    """The number a management form's field holds (0 if none)."""
    typed = values[0].strip() if values else ""
    return int(typed) if typed.isdigit() and len(typed) < 10 else 0
