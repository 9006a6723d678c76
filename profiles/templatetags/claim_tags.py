"""The profile page's claims as HTML: each bullet, leader entry and stretch
of prose in an element with its anchor, its footnote marks linked to the
notes as `profile_text` links them, and, where there is something to say,
its status and as-of date in words and an "unsourced" mark beside it
(`profiles.page_claims` reads what each claim shows).

Built here with plain strings rather than by the template's loops or
`format_html`: a profile may have 200 leaders and a thousand claims, and
`format_html` took most of the page's time. Every piece of text is escaped
(`html.escape`, as Django's `escape` does it) or rendered and sanitised by
`profile_text`.
"""

from functools import lru_cache
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from profiles.sections import SectionKind
from profiles.templatetags.network_tags import connections_item
from profiles.templatetags.profile_text import _line_html, _remembered, _seen

register = template.Library()

#: The mark of a claim citing no note: in words, not by colour alone.
_UNSOURCED = (
    '<span class="unsourced">unsourced<span class="visually-hidden">:'
    " this fact cites no note</span></span>"
)
#: The section whose bullets link the profiles they name.
_LINKED_FIELD = "connections_to_other_militias"


@register.simple_tag
def claim_meta(claim, *, unsourced: bool = True) -> SafeString:
    """What is said beside a claim in small type: "unsourced" when it cites
    no note (unless `unsourced` is false: the infobox leaves that to the
    claim it links to), and its status (unless confirmed) and as-of date in
    words."""
    return mark_safe(_meta(claim, unsourced=unsourced))  # escaped in _meta_html


def _meta(claim, *, unsourced: bool = True) -> str:
    if claim.hidden:
        return ""
    return _meta_html(unsourced and claim.unsourced, claim.status, claim.as_of)


@lru_cache(maxsize=1_024)
def _meta_html(unsourced: bool, status: str, as_of: str) -> str:
    """Remembered: a page has few kinds of small print and many claims."""
    parts = [_UNSOURCED] if unsourced else []
    words = [status] if status else []
    if as_of:
        words.append(f"as of {as_of}")
    if words:
        parts.append(f'<span class="claim-words">({escape(", ".join(words))})</span>')
    if not parts:
        return ""
    return f' <small class="claim-meta" dir="ltr">{" ".join(parts)}</small>'


@register.simple_tag(takes_context=True)
def claim_items(context, block, links=None) -> SafeString:
    """A section's claims: list items for bullets and leaders, paragraphs
    for prose. `links`: the stored mentions of other profiles in the
    connections section (`Neighbourhood.links`), linked there."""
    kind = block["section"].kind
    if kind == SectionKind.PROSE:
        return mark_safe(  # each paragraph is built from escaped parts
            "".join(_paragraph(context, claims) for claims in block["paragraphs"])
        )
    field = block["section"].field
    render = _leader if kind == SectionKind.LEADERS else _bullet
    return mark_safe(  # each item is built from escaped parts
        "".join(
            render(context, claim, links if field == _LINKED_FIELD else None)
            for claim in block["claims"]
        )
    )


def _text_html(context, claim, links=None) -> str:
    """The claim's words and marks, rendered and sanitised by
    `profile_text` (and `network_tags` for the mentions it links)."""
    if links:
        return connections_item(context, claim.shown, links, claim.position)
    return _remembered(_line_html, claim.shown, _seen(context))


def _bullet(context, claim, links) -> str:
    return (
        f'<li id="{escape(claim.anchor)}" dir="auto">'
        f"{_text_html(context, claim, links)}{_meta(claim)}</li>\n"
    )


def _leader(context, claim, _links) -> str:
    leader = claim.leader
    aliases = ", ".join(
        f'<span class="alias" dir="auto">{escape(alias)}</span>'
        for alias in leader.alias_list
    )
    role = _remembered(_line_html, claim.role, _seen(context)) if claim.role else ""
    return (
        f'<li id="{escape(claim.anchor)}" dir="auto">'
        f'<span class="leader-name" dir="auto">{escape(leader.name)}</span>'
        f"{f' (aka {aliases})' if aliases else ''}{f' {role}' if role else ''}"
        f"{_meta(claim)}</li>\n"
    )


def _paragraph(context, claims) -> str:
    return '<p dir="auto">{}</p>'.format(
        " ".join(
            f'<span class="claim" id="{escape(claim.anchor)}" dir="auto">'
            f"{_text_html(context, claim)}</span>{_meta(claim)}"
            for claim in claims
        )
    )
