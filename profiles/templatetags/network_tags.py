"""Profile text that links the other profiles it names (`profiles.network`),
rendered through `profile_text` so that escaping, footnote marks and
sanitising stay in one place."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString

from profiles.models import Profile
from profiles.network import NameMatcher, mentions
from profiles.templatetags.profile_text import _TOKEN_RE, _clean, _html, _seen

register = template.Library()


@register.simple_tag(takes_context=True)
def connections_item(
    context, text: str, matcher: NameMatcher | None, profile: Profile | None = None
) -> SafeString:
    """One bullet of a connections section: footnote marks linked to the notes
    as `marked` links them, and each name of another profile linked to it.

    A name inside a web address (or any other marked-up token) is left alone.
    Without a matcher the bullet is rendered as `marked` renders it.
    """
    seen = _seen(context)
    tokens = [match.span() for match in _TOKEN_RE.finditer(text)]
    out, position = [], 0
    for start, end, other in (
        mentions(text, matcher, exclude=profile) if matcher else []
    ):
        if any(
            start < token_end and token_start < end for token_start, token_end in tokens
        ):
            continue
        # The text between mentions never splits a token, so `_html` reads
        # each piece exactly as it would read the whole line.
        out.append(_html(text[position:start], seen))
        href = escape(other.get_absolute_url())
        out.append(f'<a href="{href}">{escape(text[start:end])}</a>')
        position = end
    out.append(_html(text[position:], seen))
    return _clean("".join(out))
