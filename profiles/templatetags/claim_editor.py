"""The edit page's claim editor: its rows' fields, built in Python, and the
preview of a changed section: each claim's words with its footnote marks as
superscript numbers (the notes are not on the edit page, so they link
nowhere and carry no ids), then what the profile page says beside a claim:
"unsourced" when it cites no note, its status unless confirmed and its
as-of date in words."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from profiles.document import FOOTNOTE_MARK_RE, footnote_numbers

register = template.Library()


@register.filter
def preview_marked(text: str) -> SafeString:
    """`text` escaped, each footnote mark a superscript note number."""
    out, position = [], 0
    for match in FOOTNOTE_MARK_RE.finditer(text):
        out.append(escape(text[position : match.start()]))
        out += [
            f'<sup class="fn">{number}</sup>'
            for number in footnote_numbers(match.group())
        ]
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # every piece of text is escaped


@register.simple_tag
def preview_meta(claim) -> SafeString:
    """What is said beside a claim (`forms.ClaimView`) in small type."""
    parts = []
    if claim.unsourced:
        parts.append(
            mark_safe(  # a constant
                '<span class="unsourced">unsourced<span class="visually-hidden">:'
                " this fact cites no note</span></span>"
            )
        )
    words = [claim.status] if claim.status else []
    if claim.as_of:
        words.append(f"as of {claim.as_of}")
    words += claim.locators
    if words:
        parts.append(
            format_html('<span class="claim-words">({})</span>', "; ".join(words))
        )
    if not parts:
        return SafeString()
    return format_html(
        ' <small class="claim-meta" dir="ltr">{}</small>',
        format_html_join(" ", "{}", ((part,) for part in parts)),
    )


# Fields -----------------------------------------------------------------------


@register.simple_tag
def edit_field(bound: BoundField) -> SafeString:
    """One field of a claim or note row, laid out as
    `profiles/includes/edit_field.html` lays out the page's other fields
    (label, help, errors linked to the input by aria-describedby, input),
    built here: a profile's hundreds of rows have thousands of fields, and
    Django renders each widget and label through a template of its own."""
    widget = bound.field.widget
    checkbox = isinstance(widget, forms.CheckboxInput)
    classes = "field" + (" field-invalid" if bound.errors else "")
    classes += " field-checkbox" if checkbox else ""
    label = format_html(
        '<label for="{}">{}</label>', bound.id_for_label, bound.label or ""
    )
    errors = (
        format_html(
            '<ul class="errorlist" id="{}_error">{}</ul>',
            bound.auto_id,
            format_html_join("", "<li>{}</li>", ((error,) for error in bound.errors)),
        )
        if bound.errors
        else ""
    )
    if checkbox:
        parts = (_input_html(bound), " ", label, errors)
    else:
        help_text = (
            format_html(
                '<p class="helptext" id="{}_helptext">{}</p>',
                bound.auto_id,
                bound.help_text,
            )
            if bound.help_text
            else ""
        )
        parts = (label, help_text, errors, _input_html(bound))
    return format_html(
        '<div class="{}" id="field-{}">{}</div>',
        classes,
        bound.html_name,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


@register.simple_tag(name="edit_input")
def _input_html(bound: BoundField) -> SafeString:
    """The field's input alone, as its widget's template would write it."""
    widget = bound.field.widget
    attrs = widget.build_attrs(widget.attrs, bound.build_widget_attrs({}, widget))
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    name, value = bound.html_name, bound.value()
    if isinstance(widget, forms.CheckboxInput):
        if widget.check_test(value):
            attrs["checked"] = True
        return format_html('<input type="checkbox" name="{}"{}>', name, flatatt(attrs))
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        chosen = str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) == chosen else "", text)
                for option, text in bound.field.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(attrs), options
        )
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            name,
            flatatt(attrs),
            widget.format_value(value) or "",
        )
    if isinstance(widget, Input):
        shown = widget.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget.input_type,
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            flatatt(attrs),
        )
    return bound.as_widget()  # a list box of notes renders itself quickly
