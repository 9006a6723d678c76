"""The edit page's preview of a changed section: each claim's words with its
footnote marks as superscript numbers (the notes are not on the edit page,
so they link nowhere and carry no ids), then what the profile page says
beside a claim: "unsourced" when it cites no note, its status unless
confirmed and its as-of date in words."""

from django import template
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
