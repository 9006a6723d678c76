"""Possible duplicates in the bibliography: works that may be one work
stored twice, grouped in the database for a reviewer to merge
(`profiles.workflow.source_merge`, `/sources/duplicates/`).

Two rules, each a key computed by the database:

- `URL`: the same URL key. Keys are unique, so such works exist only when
  the normalisation rules changed and a work now waits under
  `weblinks.duplicate_key` beside the work holding its key.
- `TITLE`: the same title, ignoring case and white space, and the same date
  (its ISO form when it reads as a date, else as written, ignoring case
  and spaces). A work without a title or a date is matched by URL alone: a
  bare title says too little. Case is ignored for ASCII letters on SQLite,
  for every letter on PostgreSQL.

Reads only; sorting, grouping and counting happen in the database, so a
page of groups costs the same few queries however large the bibliography.
"""

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Concat,
    Lower,
    Replace,
    RowNumber,
    StrIndex,
    Substr,
)

from sources.models import Source
from sources.weblinks import DUPLICATE_MARK

URL, TITLE = "url", "title"
#: Each rule, as a reviewer reads it.
RULES = {URL: "Same URL", TITLE: "Same title and date"}
#: The works of one group shown at once; merging them brings on the rest.
MEMBERS_SHOWN = 20
_SPACES = (" ", "\t", "\n", "\r", "\u00a0")


def _without_spaces(expression):
    for space in _SPACES:
        expression = Replace(expression, Value(space), Value(""))
    return expression


def url_key():
    """The key a work is stored under, or for a work waiting under a
    duplicate key, the key it waits for."""
    marked = StrIndex("normalised_url", Value(DUPLICATE_MARK))
    return Case(
        When(
            normalised_url__contains=DUPLICATE_MARK,
            then=Substr("normalised_url", 1, marked - 1),
        ),
        default=F("normalised_url"),
        output_field=CharField(),
    )


def title_key():
    """Title and date as the `TITLE` rule compares them, one text: empty
    for a work without a title or a date."""
    title = Lower(_without_spaces(F("title")))
    date = Case(
        When(~Q(date_iso=""), then=F("date_iso")),
        default=Lower(_without_spaces(F("date"))),
        output_field=CharField(),
    )
    # A newline cannot be in either part: it is taken out as a space.
    return Concat(title, Value("\n"), date, output_field=CharField())


def _keys(rule: str):
    return url_key() if rule == URL else title_key()


def _keyed(rule: str) -> QuerySet:
    """The works `rule` can match, each with its `key`."""
    if rule == URL:
        queryset = Source.objects.exclude(normalised_url="")
    else:
        queryset = Source.objects.exclude(title="").exclude(date="")
    return (
        queryset.annotate(rule=Value(rule, output_field=CharField()), key=_keys(rule))
        .exclude(key="")
        .exclude(key__startswith="\n")  # a title of spaces alone
        .exclude(key__endswith="\n")  # a date of spaces alone
    )


def _groups_by(rule: str) -> QuerySet:
    return (
        _keyed(rule)
        .values("rule", "key")
        .annotate(size=Count("pk"))
        .filter(size__gte=2)
        .order_by()  # ordered as a whole by `duplicate_groups`
    )


def duplicate_groups() -> QuerySet:
    """Every group of possible duplicates, by rule and key: dicts of
    `rule`, `key` and `size` (how many works). Page it, then read each
    page's works with `members`."""
    return _groups_by(URL).union(_groups_by(TITLE)).order_by("rule", "key")


def members(rule: str, keys: list[str]) -> dict[str, list[Source]]:
    """The works of the groups of `rule` with these keys, by key, the
    first `MEMBERS_SHOWN` of each, oldest first: one query."""
    found: dict[str, list[Source]] = {key: [] for key in keys}
    if not keys:
        return found
    rows = (
        _keyed(rule)
        .filter(key__in=keys)
        .annotate(rank=Window(RowNumber(), partition_by=[F("key")], order_by="pk"))
        .filter(rank__lte=MEMBERS_SHOWN)
        .order_by("pk")
    )
    for source in rows:
        found[source.key].append(source)
    return found


def same_group(rule: str, pks: list[int]) -> bool:
    """Whether the works `pks` (two or more) are all of one group of `rule`:
    what a merge asked for from the page must be. One query."""
    if rule not in RULES or len(set(pks)) < 2:
        return False
    keys = list(_keyed(rule).filter(pk__in=pks).values_list("key", flat=True))
    return len(keys) == len(set(pks)) and len(set(keys)) == 1
