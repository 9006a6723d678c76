"""`<time datetime="…">` values the HTML standard accepts: whole seconds and a
zone, never Django's six-digit fraction."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from profiles import workflow
from profiles.templatetags.html_dates import html_datetime
from tests.factories import SourceFactory, publish_profile

#: A valid global date and time string, in seconds, or a date at some precision.
VALID = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})"
    r"|\d{4}(?:-\d{2}(?:-\d{2})?)?"
)
TIME_DATETIME = re.compile(r'<time\b[^>]*\bdatetime="([^"]*)"')

MOMENT = datetime.datetime(2026, 12, 3, 8, 6, 5, 123456, tzinfo=datetime.UTC)


def test_utc_is_written_with_z_and_whole_seconds():
    assert html_datetime(MOMENT) == "2026-12-03T08:06:05Z"


def test_another_zone_keeps_its_offset():
    with timezone.override(ZoneInfo("Asia/Tehran")):
        assert html_datetime(MOMENT) == "2026-12-03T11:36:05+03:30"


def test_naive_datetimes_dates_and_nothing():
    assert html_datetime(MOMENT.replace(tzinfo=None)) == "2026-12-03T08:06:05"
    assert html_datetime(datetime.date(2017, 9, 15)) == "2017-09-15"
    assert html_datetime(None) == ""
    assert html_datetime("") == ""


@pytest.fixture
def busy_profile(editor, reviewer, django_capture_on_commit_callbacks):
    """A profile with an approved edit and a pending one, and their
    notifications: every page with a `<time>` has something to show."""
    profile = publish_profile()
    with django_capture_on_commit_callbacks(execute=True):
        approved = workflow.submit_change_request(
            profile=profile,
            author=editor,
            summary="Newer size",
            proposals={
                "size": workflow.Proposal(["About 700 in 2024"], [SourceFactory()])
            },
        )
        workflow.approve(approved, reviewer=reviewer)
        pending = workflow.submit_change_request(
            profile=profile,
            author=editor,
            summary="Newer weapons",
            proposals={"weapons": workflow.Proposal(["Drones"], [SourceFactory()])},
        )
    return profile, approved, pending


def datetimes_on(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return TIME_DATETIME.findall(response.content.decode())


@pytest.mark.django_db
def test_every_time_element_carries_a_valid_datetime(
    client, busy_profile, editor, reviewer
):
    profile, approved, pending = busy_profile
    slug = profile.slug
    public = [
        "/",
        "/profiles/",
        f"/profiles/{slug}/",
        f"/profiles/{slug}/history/",
        f"/profiles/{slug}/fields/size/",
        "/changes/",
    ]
    for_editor = ["/review/mine/", "/inbox/", f"/review/{approved.pk}/"]
    for_reviewer = ["/review/", f"/review/{pending.pk}/", "/inbox/"]

    found = {url: datetimes_on(client, url) for url in public}
    client.force_login(editor)
    found |= {f"editor {url}": datetimes_on(client, url) for url in for_editor}
    client.force_login(reviewer)
    found |= {f"reviewer {url}": datetimes_on(client, url) for url in for_reviewer}

    assert {url for url, values in found.items() if not values} == set()
    invalid = {
        url: [value for value in values if not VALID.fullmatch(value)]
        for url, values in found.items()
    }
    assert {url: values for url, values in invalid.items() if values} == {}
