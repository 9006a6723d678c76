"""Profile text that links the other profiles it names, from the stored edges
(`profiles.network`), rendered through `profile_text` so that escaping,
footnote marks and sanitising stay in one place."""

from collections.abc import Mapping

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString

from profiles.network.graph import Span
from profiles.templatetags.profile_text import _TOKEN_RE, _clean, _html, _seen

register = template.Library()


@register.simple_tag(takes_context=True)
def connections_item(
    context, text: str, links: Mapping[int, list[Span]] | None, position: int
) -> SafeString:
    """Bullet `position` of a connections section: footnote marks linked to
    the notes as `marked` links them, and each mention of another profile
    that `links` holds for this bullet (see `Neighbourhood.links`) linked to
    it.

    A mention inside a web address (or any other marked-up token) is left
    alone, and so is one whose span does not fit the text. Without links the
    bullet is rendered as `marked` renders it.
    """
    seen = _seen(context)
    tokens = [match.span() for match in _TOKEN_RE.finditer(text)]
    out, position_in_text = [], 0
    for start, end, href in sorted((links or {}).get(position, [])):
        if start < position_in_text or end > len(text):
            continue
        if any(
            start < token_end and token_start < end for token_start, token_end in tokens
        ):
            continue
        # The text between mentions never splits a token, so `_html` reads
        # each piece exactly as it would read the whole line.
        out.append(_html(text[position_in_text:start], seen))
        out.append(f'<a href="{escape(href)}">{escape(text[start:end])}</a>')
        position_in_text = end
    out.append(_html(text[position_in_text:], seen))
    return _clean("".join(out))
