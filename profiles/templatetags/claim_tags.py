"""The profile page's claims as HTML: each bullet, leader entry and stretch
of prose in an element with its anchor, its footnote marks linked to the
notes as `profile_text` links them, and, where there is something to say,
its status and as-of date in words and an "unsourced" mark beside it
(`profiles.page_claims` reads what each claim shows).

Built here rather than by the template's loops: a profile may have 200
leaders and hundreds of bullets. Every piece of text is escaped
(`format_html`) or rendered and sanitised by `profile_text`.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from profiles.sections import SectionKind
from profiles.templatetags.network_tags import connections_item
from profiles.templatetags.profile_text import _line_html, _remembered, _seen

register = template.Library()

#: The mark of a claim citing no note: in words, not by colour alone.
_UNSOURCED = mark_safe(  # a constant
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
    if claim.hidden:
        return SafeString()
    parts = []
    if unsourced and claim.unsourced:
        parts.append(_UNSOURCED)
    words = [claim.status] if claim.status else []
    if claim.as_of:
        words.append(f"as of {claim.as_of}")
    if words:
        parts.append(
            format_html('<span class="claim-words">({})</span>', ", ".join(words))
        )
    if not parts:
        return SafeString()
    return format_html(
        ' <small class="claim-meta" dir="ltr">{}</small>',
        format_html_join(" ", "{}", ((part,) for part in parts)),
    )


@register.simple_tag(takes_context=True)
def claim_items(context, block, links=None) -> SafeString:
    """A section's claims: list items for bullets and leaders, paragraphs
    for prose. `links`: the stored mentions of other profiles in the
    connections section (`Neighbourhood.links`), linked there."""
    kind = block["section"].kind
    if kind == SectionKind.PROSE:
        return mark_safe(  # each paragraph is built with format_html
            "".join(_paragraph(context, claims) for claims in block["paragraphs"])
        )
    field = block["section"].field
    render = _leader if kind == SectionKind.LEADERS else _bullet
    return mark_safe(  # each item is built with format_html
        "".join(
            render(context, claim, links if field == _LINKED_FIELD else None)
            for claim in block["claims"]
        )
    )


def _text_html(context, claim, links=None) -> SafeString:
    if links:
        return connections_item(context, claim.shown, links, claim.position)
    return _remembered(_line_html, claim.shown, _seen(context))


def _bullet(context, claim, links) -> str:
    return format_html(
        '<li id="{}" dir="auto">{}{}</li>\n',
        claim.anchor,
        _text_html(context, claim, links),
        claim_meta(claim),
    )


def _leader(context, claim, _links) -> str:
    leader = claim.leader
    aliases = format_html_join(
        ", ",
        '<span class="alias" dir="auto">{}</span>',
        ((alias,) for alias in leader.alias_list),
    )
    role = _remembered(_line_html, claim.role, _seen(context)) if claim.role else ""
    return format_html(
        '<li id="{}" dir="auto"><span class="leader-name" dir="auto">{}</span>'
        "{}{}{}</li>\n",
        claim.anchor,
        leader.name,
        format_html(" (aka {})", aliases) if aliases else "",
        format_html(" {}", role) if role else "",
        claim_meta(claim),
    )


def _paragraph(context, claims) -> str:
    return format_html(
        '<p dir="auto">{}</p>',
        format_html_join(
            " ",
            '<span class="claim" id="{}" dir="auto">{}</span>{}',
            (
                (claim.anchor, _text_html(context, claim), claim_meta(claim))
                for claim in claims
            ),
        ),
    )
