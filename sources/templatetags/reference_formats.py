"""A cited work formatted in the styles researchers cite in (APA, Chicago
author-date, MLA), for the source's page: `{% formatted_references source
as references %}` gives (style, reference) pairs, each reference HTML with
its text escaped and only italics as markup (`sources.references`)."""

from django import template

from sources.references import formatted_references, source_reference

register = template.Library()


@register.simple_tag
def formatted_references_of(source) -> list:
    """(style label, formatted reference) of a `Source`, in each style."""
    return formatted_references(source_reference(source))
