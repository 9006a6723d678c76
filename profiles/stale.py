"""Stale claims: published facts whose as-of date is older than the site
allows (`CLAIMS_STALE_AFTER_MONTHS`, 18 by default) or whose review-by date
has come, for `/stale/`; and the notes an editor may cite when confirming
one ("Still true").

Reads only: the claim rows are derived when a version is published
(`profiles.claim_index`), so a profile's hidden sections have none, and a
page of them is a constant number of queries whatever the number of claims.
"""

import calendar
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models import Case, F, IntegerField, Min, QuerySet, Value, When, Window
from django.db.models.functions import Substr

from profiles import redaction, roles
from profiles.models import Citation, Claim
from profiles.sections import SECTIONS

__all__ = [
    "DEFAULT_MONTHS",
    "NOTE_LABEL_CHARS",
    "months_before",
    "note_choices",
    "stale_after_months",
    "stale_claims",
]

#: How old an as-of date may grow before its claim is listed, unless the
#: settings say otherwise.
DEFAULT_MONTHS = 18
#: A note is offered by its number and the start of its text.
NOTE_LABEL_CHARS = 80

_SECTION_ORDER = Case(
    *(When(section=s.field, then=Value(k)) for k, s in enumerate(SECTIONS)),
    default=Value(len(SECTIONS)),
    output_field=IntegerField(),
)


def stale_after_months() -> int:
    """The age, in months, past which a claim's as-of date is stale."""
    return getattr(settings, "CLAIMS_STALE_AFTER_MONTHS", DEFAULT_MONTHS)


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is
    shorter: 31 August less 6 months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_claims(*, today: date, months: int | None = None) -> QuerySet[Claim]:
    """Claims of published profiles whose as-of date ended more than
    `months` months before `today` (`stale_after_months` by default), or
    whose review-by date is `today` or past.

    Grouped by profile, the profile with the oldest claim first; within a
    profile, oldest first: by the end of the as-of date, then the review-by
    date (undated last), then in reading order. Each row has its profile
    (slug and names only) joined: one query for any number of rows."""
    months = stale_after_months() if months is None else months
    older_than = months_before(today, months)
    per_profile = {"partition_by": [F("profile_id")]}
    return (
        Claim.objects.stale(older_than=older_than, today=today)
        .filter(profile__version__gte=1)
        .select_related("profile")
        .only(
            "key",
            "section",
            "position",
            "text",
            "status",
            "as_of",
            "as_of_end",
            "review_by",
            "profile__slug",
            "profile__name",
            "profile__english_name",
        )
        .annotate(
            profile_as_of=Window(Min("as_of_end"), **per_profile),
            profile_review_by=Window(Min("review_by"), **per_profile),
            section_order=_SECTION_ORDER,
        )
        .order_by(
            F("profile_as_of").asc(nulls_last=True),
            F("profile_review_by").asc(nulls_last=True),
            "profile_id",
            F("as_of_end").asc(nulls_last=True),
            F("review_by").asc(nulls_last=True),
            "section_order",
            "position",
        )
    )


def note_choices(
    profile_pks: Iterable[int], *, user
) -> dict[int, list[tuple[int, str]]]:
    """Profile id -> (number, the start of its text) of each of its notes,
    for `user` to cite: none for a profile whose notes are hidden from them
    (`profiles.redaction`). Two queries, a third only when one of these
    profiles has suppressions of its notes (rare)."""
    pks = list(dict.fromkeys(profile_pks))
    if not pks:
        return {}
    hidden = {} if roles.sees_suppressed(user) else redaction.hidden_by_profile(pks)
    found: dict[int, list[tuple[int, str]]] = {pk: [] for pk in pks}
    rows = (
        Citation.objects.filter(profile_id__in=pks)
        .order_by("profile_id", "number")
        .values_list("profile_id", "number", Substr("text", 1, NOTE_LABEL_CHARS + 1))
    )
    for pk, number, start in rows:
        found[pk].append((number, _label(number, start)))
    suppressed = [pk for pk, rules in hidden.items() if "citations" in rules.keys]
    if suppressed:
        notes: dict[int, list[dict]] = {pk: [] for pk in suppressed}
        for pk, number, text in (
            Citation.objects.filter(profile_id__in=suppressed)
            .order_by("profile_id", "number")
            .values_list("profile_id", "number", "text")
        ):
            notes[pk].append({"number": number, "text": text})
        for pk, value in notes.items():
            if hidden[pk].when("citations", value):
                found[pk] = []
    return found


def _label(number: int, start: str) -> str:
    text = " ".join(start.split())
    if len(start) > NOTE_LABEL_CHARS:
        text = text[: NOTE_LABEL_CHARS - 1].rstrip() + "…"
    return f"{number}. {text}"
