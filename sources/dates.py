"""Dates as written in citations, turned into ISO 8601 at their own precision.

Pure Python, stdlib only. A citation's date stays as written for display;
`iso_partial_date` derives the sortable form: a year stays a year ("2017"),
a month stays a month ("2017-09"), a day is a full date ("2017-09-15").
"""

import re
from datetime import date

# Hard-coded rather than taken from `calendar`, whose names follow the locale.
_MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

# Words that qualify a date without changing the period it names: an access
# date is still a date, and "late 2016" can only be pinned down to the year.
_QUALIFIER = re.compile(
    r"^(?:accessed(?:\s+on)?|retrieved(?:\s+on)?|(?:last\s+)?updated(?:\s+on)?"
    r"|published(?:\s+on)?|posted(?:\s+on)?|early|mid-|mid|late|circa|ca\.|c\."
    r"|spring|summer|autumn|fall|winter"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day,?)\s*"
)

_NUMERIC = re.compile(
    r"(?P<year>\d{4})[-/](?P<month>\d{1,2})(?:[-/](?P<day>\d{1,2}))?(?:t.*)?"
)
_YEAR = re.compile(r"(?P<year>\d{4})")
_MONTH_DAY_YEAR = re.compile(
    r"(?P<name>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
)
_DAY_MONTH_YEAR = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<name>[a-z]+)\.?,?\s+(?P<year>\d{4})"
)
_MONTH_YEAR = re.compile(r"(?P<name>[a-z]+)\.?,?\s+(?P<year>\d{4})")


def iso_partial_date(text: str) -> str:
    """ISO 8601 form of a written date, at the precision it was written.

    "September 2017" → "2017-09", "15 September 2011" → "2011-09-15",
    "late 2016" → "2016". Returns "" for anything it cannot read, including
    impossible dates such as "February 30, 2017".
    """
    cleaned = " ".join(text.lower().split()).strip(" ,.")
    while True:
        stripped = _QUALIFIER.sub("", cleaned, count=1)
        if stripped == cleaned:
            break
        cleaned = stripped
    if not cleaned:
        return ""

    if match := _YEAR.fullmatch(cleaned):
        return _render(int(match["year"]))
    if match := _NUMERIC.fullmatch(cleaned):
        day = int(match["day"]) if match["day"] else None
        return _render(int(match["year"]), int(match["month"]), day)
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        if (match := pattern.fullmatch(cleaned)) and match["name"] in _MONTHS:
            return _render(
                int(match["year"]), _MONTHS[match["name"]], int(match["day"])
            )
    if (match := _MONTH_YEAR.fullmatch(cleaned)) and match["name"] in _MONTHS:
        return _render(int(match["year"]), _MONTHS[match["name"]])
    return ""


def _render(year: int, month: int | None = None, day: int | None = None) -> str:
    """The ISO string for the given parts, or "" when they name no real date."""
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return ""
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"
