"""Dates for `<time datetime="…">`, in the form the HTML standard accepts.

Django's `date:'c'` keeps microseconds (`2026-12-03T08:06:05.123456+00:00`),
which the standard's "valid global date and time string" does not allow past
three fraction digits; the W3C checker rejects every one of them.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value) -> str:
    """`2026-12-03T08:06:05Z` for an aware datetime in UTC, `…+01:00` in another
    zone (the current one, as the page shows it); whole seconds; a date as
    `2026-12-03`; anything else (None, "") as an empty string."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        text = value.replace(microsecond=0).isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
