"""`/stale/`: claims past their age or review-by date, oldest first by
profile; and "Still true", an editor's confirmation proposed for review."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from profiles import claims, stale, workflow
from profiles.models import ChangeRequest, Claim, Profile, ProposedChange
from profiles.workflow.freshness import propose_still_true
from tests.factories import (
    UserFactory,
    editor_user,
    profile_values,
    publish_profile,
    publish_values,
)

pytestmark = pytest.mark.django_db

URL = "/stale/"
ACTION = "/stale/still-true/"


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def _claim(profile: Profile, text: str) -> Claim:
    return Claim.objects.get(profile=profile, text=text)


def _texts(response) -> list[tuple[str, list[str]]]:
    return [
        (group.profile.name, [row.claim.text for row in group.rows])
        for group in response.context["groups"]
    ]


@pytest.fixture
def two_profiles():
    """Profile A with old, fresh, due and dated claims in two sections;
    profile B with the oldest claim of all."""
    month = _this_month()
    first = publish_profile(
        "Alpha Brigade",
        notes=2,
        size=[
            "Old count.¹ [as of 2010]",
            f"Fresh count.¹ [as of {month}]",
            f"Due count.¹ [as of {month}; review by 2020-01-01]",
            "Undated count.²",
            "Later review.² [review by 2999-01-01]",
        ],
        founding=["Founded in 2012.² [as of 2012]"],
    )
    second = publish_profile(
        "Beta Brigade",
        size=["Beta count.¹ [as of 2008]"],
        weapons=["Rifles.¹ [as of 2011-05]"],
    )
    return first, second


# The list -------------------------------------------------------------------


def test_lists_old_and_due_claims_oldest_first_by_profile(client, two_profiles):
    response = client.get(URL)

    assert response.status_code == 200
    assert _texts(response) == [
        ("Beta Brigade", ["Beta count.", "Rifles."]),
        ("Alpha Brigade", ["Old count.", "Founded in 2012.", "Due count."]),
    ]


def test_a_longer_age_keeps_only_claims_due_for_review(client, settings, two_profiles):
    settings.CLAIMS_STALE_AFTER_MONTHS = 12 * 100

    response = client.get(URL)

    assert _texts(response) == [("Alpha Brigade", ["Due count."])]
    assert "more than 1200 months ago" in response.text


def test_the_age_is_18_months_unless_set(settings):
    del settings.CLAIMS_STALE_AFTER_MONTHS

    assert stale.stale_after_months() == 18


def test_a_claim_is_stale_the_day_after_its_age(two_profiles):
    today = date(2026, 12, 3)
    first, _ = two_profiles
    Claim.objects.filter(profile=first, text="Fresh count.").update(
        as_of_end=date(2025, 6, 2)
    )
    Claim.objects.filter(profile=first, text="Undated count.").update(
        as_of="2025-06-03", as_of_start=date(2025, 6, 3), as_of_end=date(2025, 6, 3)
    )

    found = stale.stale_claims(today=today, months=18).filter(profile=first)

    assert "Fresh count." in {claim.text for claim in found}
    assert "Undated count." not in {claim.text for claim in found}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 3), 18, date(2025, 6, 3)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
    ],
)
def test_months_before(day, months, expected):
    assert stale.months_before(day, months) == expected


def test_each_row_says_what_the_claim_is_and_links_to_it(client, two_profiles):
    first, _ = two_profiles
    due = _claim(first, "Due count.")
    old = _claim(first, "Old count.")

    page = client.get(URL).text

    assert f'href="/profiles/{first.slug}/#claim-{old.key}"' in page
    assert "Size · confirmed · as of 2010" in page
    assert "Founding · confirmed · as of 2012" in page
    assert f"as of {claims.as_of_words(due.as_of)}" in page
    assert '<time datetime="2020-01-01">1 January 2020</time>' in page
    assert f'id="claim-text-{old.key}" dir="auto">Old count.</a>' in page


def test_claim_text_and_names_are_escaped(client):
    publish_profile(
        "<b>Bold</b> Brigade",
        size=["<script>alert(1)</script> fighters.¹ [reported; as of 2010]"],
    )

    page = client.get(URL).text

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fighters." in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Brigade" in page
    assert "Size · reported · as of 2010" in page


def test_only_published_profiles_are_listed(client, two_profiles):
    first, _ = two_profiles
    Profile.objects.filter(pk=first.pk).update(version=0, published_at=None)

    assert _texts(client.get(URL)) == [
        ("Beta Brigade", ["Beta count.", "Rifles."]),
    ]


def test_nothing_stale_says_so(client):
    publish_profile()

    response = client.get(URL)

    assert response.context["groups"] == []
    assert "No published claim is past its age" in response.text


def test_pages_hold_at_most_100_claims(client):
    publish_profile(size=[f"Count {n}.¹ [as of {1800 + n}]" for n in range(150)])

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert [len(g.rows) for g in first.context["groups"]] == [100]
    assert first.context["groups"][0].rows[0].claim.text == "Count 0."
    assert [len(g.rows) for g in second.context["groups"]] == [50]
    assert second.context["groups"][0].rows[-1].claim.text == "Count 149."
    assert 'rel="next" href="?page=2"' in first.text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_query_count_does_not_grow_with_claims_or_profiles(client, who):
    if who == "editor":
        client.force_login(editor_user())
    publish_profile("Few", size=["One.¹ [as of 2010]"])
    few = _queries(client, URL)

    for n in range(4):
        publish_profile(
            f"Many {n}",
            notes=3,
            size=[f"Count {k}.¹ [as of {1990 + k}]" for k in range(30)],
            founding=["Founded.² [as of 2001]"],
        )
    many = _queries(client, URL)

    assert many == few
    # The count and the rows; for an editor, also the session, the user,
    # their permissions, the notes and what of them is hidden.
    assert few <= (2 if who == "anonymous" else 9)


def test_anonymous_readers_see_no_still_true_form(client, two_profiles):
    page = client.get(URL).text

    assert "Old count." in page
    assert ACTION not in page


def test_readers_without_the_editor_role_see_no_form(client, two_profiles):
    client.force_login(UserFactory(username="reader"))

    assert ACTION not in client.get(URL).text


def test_editors_get_a_form_per_claim_with_the_profile_notes(client, two_profiles):
    first, _ = two_profiles
    old = _claim(first, "Old count.")
    client.force_login(editor_user())

    page = client.get(URL).text

    today = timezone.localdate().isoformat()
    assert page.count(f'action="{ACTION}"') == 5
    assert f'<input type="hidden" name="claim" value="{old.key}">' in page
    assert (
        f'<input id="as-of-{old.key}" type="date" name="as_of" value="{today}"' in page
    )
    assert f'<select id="note-{old.key}" name="note">' in page
    assert '<option value="2" dir="auto">2. A. Writer, “Report 2,”' in page


# Still true -----------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    client.force_login(editor_user(username="checker"))
    return client


def _proposed() -> ProposedChange:
    """The one change proposed by someone (the imports aside)."""
    return ProposedChange.objects.exclude(
        change_request__origin=ChangeRequest.Origin.IMPORT
    ).get()


def _post(client, claim: Claim, **data):
    return client.post(ACTION, {"claim": str(claim.key), **data})


def test_still_true_proposes_the_claim_dated_and_cited(editor_client, two_profiles):
    first, _ = two_profiles
    old = _claim(first, "Old count.")
    today = timezone.localdate()

    response = _post(editor_client, old, note="2", as_of=today.isoformat())

    assert response.status_code == 302
    assert response.url == URL
    change_request = ChangeRequest.objects.get(author__username="checker")
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.summary == (
        f"Still true: Size claim confirmed as of {today.isoformat()}"
    )
    change = change_request.changes.get()
    assert change.field == "size"
    confirmed = claims.parse_bullet(change.value[0])
    assert confirmed.text == "Old count."
    assert confirmed.as_of == today.isoformat()
    assert confirmed.numbers == [1, 2]
    assert change.value[0] == f"Old count.¹ ² [as of {today.isoformat()}]"
    assert change.value[1:] == first.items("size")[1:]
    assert change.sources.count() == 2
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        f"Your confirmation is change request #{change_request.pk}; it is "
        "waiting for review."
    ]


def test_still_true_is_dated_today_when_no_date_is_given(editor_client, two_profiles):
    first, _ = two_profiles

    _post(editor_client, _claim(first, "Founded in 2012."), as_of="", note="")

    change = _proposed()
    today = timezone.localdate().isoformat()
    assert change.field == "founding"
    assert change.value == [f"Founded in 2012.² [as of {today}]"]


def test_a_note_already_cited_is_not_cited_twice(two_profiles, editor):
    first, _ = two_profiles
    old = _claim(first, "Old count.")

    change_request = propose_still_true(
        first, old.key, by=editor, note_number=1, as_of="2026-01"
    )

    value = change_request.changes.get().value[0]
    assert value == "Old count.¹ [as of 2026-01]"
    assert claims.parse_bullet(value).as_of_date.upper == date(2026, 1, 31)


def test_a_review_by_date_passed_is_answered_by_the_confirmation(
    editor_client, two_profiles
):
    first, _ = two_profiles
    today = timezone.localdate().isoformat()

    _post(editor_client, _claim(first, "Due count."), as_of=today)

    value = _proposed().value[2]
    assert value == f"Due count.¹ [as of {today}]"
    assert claims.parse_bullet(value).review_by == ""


def test_still_true_dates_a_leader_in_their_role(editor_client):
    values = profile_values(notes=2)
    values["leaders"] = [
        {"name": "Abu Test", "aliases": ["Abu T"], "role": "commander.¹ [as of 2010]"},
        {"name": "Other", "aliases": [], "role": "deputy.²"},
    ]
    profile = publish_values(values)
    claim = Claim.objects.get(profile=profile, section="leaders", position=0)
    today = timezone.localdate().isoformat()

    _post(editor_client, claim, note="2", as_of=today)

    change = _proposed()
    assert change.field == "leaders"
    assert change.value == [
        {
            "name": "Abu Test",
            "aliases": ["Abu T"],
            "role": f"commander.¹ ² [as of {today}]",
        },
        {"name": "Other", "aliases": [], "role": "deputy.²"},
    ]


def test_still_true_dates_one_claim_of_prose_and_keeps_the_rest(editor_client):
    text = (
        "The group formed in 2013.¹ [as of 2014] It grew fast.²\n\nA second paragraph.¹"
    )
    profile = publish_profile(notes=2, background=text)
    claim = _claim(profile, "The group formed in 2013.")
    today = timezone.localdate().isoformat()

    _post(editor_client, claim, as_of=today)

    value = _proposed().value
    assert value == (
        f"The group formed in 2013.¹ [as of {today}] It grew fast.²\n\n"
        "A second paragraph.¹"
    )
    assert claims.parse_prose(value)[0].as_of == today


def test_approved_still_true_leaves_the_list_and_keeps_the_claim_key(
    editor_client, reviewer, two_profiles
):
    first, _ = two_profiles
    old = _claim(first, "Old count.")
    _post(editor_client, old, note="2", as_of=timezone.localdate().isoformat())

    workflow.approve(_proposed().change_request, reviewer=reviewer)

    confirmed = Claim.objects.get(key=old.key)
    assert confirmed.text == "Old count."
    assert confirmed.as_of == timezone.localdate().isoformat()
    assert list(confirmed.citations.values_list("number", flat=True)) == [1, 2]
    listed = [
        row.claim.key
        for g in editor_client.get(URL).context["groups"]
        for row in g.rows
    ]
    assert old.key not in listed
    assert _claim(first, "Founded in 2012.").key in listed


def test_anonymous_visitors_are_sent_to_sign_in(client, two_profiles):
    first, _ = two_profiles

    response = _post(client, _claim(first, "Old count."))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={ACTION}"
    assert (
        not ChangeRequest.objects.filter(author__username__isnull=False)
        .exclude(origin=ChangeRequest.Origin.IMPORT)
        .exists()
    )


def test_readers_without_the_editor_role_are_refused(client, two_profiles):
    first, _ = two_profiles
    client.force_login(UserFactory(username="reader"))

    response = _post(client, _claim(first, "Old count."))

    assert response.status_code == 403
    assert not ChangeRequest.objects.exclude(
        origin=ChangeRequest.Origin.IMPORT
    ).exists()


def test_get_of_the_action_changes_nothing(editor_client, two_profiles):
    first, _ = two_profiles
    old = _claim(first, "Old count.")

    response = editor_client.get(ACTION, {"claim": str(old.key)})

    assert response.status_code == 405
    assert not ChangeRequest.objects.exclude(
        origin=ChangeRequest.Origin.IMPORT
    ).exists()


@pytest.mark.parametrize("key", ["not-a-key", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_claim_is_not_found(editor_client, two_profiles, key):
    response = editor_client.post(ACTION, {"claim": key})

    assert response.status_code == 404
    assert not ChangeRequest.objects.exclude(
        origin=ChangeRequest.Origin.IMPORT
    ).exists()


def test_a_claim_of_an_unpublished_profile_is_not_found(editor_client, two_profiles):
    first, _ = two_profiles
    old = _claim(first, "Old count.")
    Profile.objects.filter(pk=first.pk).update(version=0, published_at=None)

    assert _post(editor_client, old).status_code == 404


def _refused(response, *messages: str) -> None:
    assert response.status_code == 400
    assert not ChangeRequest.objects.exclude(
        origin=ChangeRequest.Origin.IMPORT
    ).exists()
    assert [message for _, message in response.context["problems"]] == list(messages)
    assert "Nothing was proposed." in response.text


def test_a_malformed_date_is_refused_naming_the_field(editor_client, two_profiles):
    first, _ = two_profiles
    old = _claim(first, "Old count.")

    response = _post(editor_client, old, as_of="3 December")

    _refused(response, "Checked on: Give the day as YYYY-MM-DD, e.g. 2026-12-03.")
    assert response.context["problems"][0][0] == f"as-of-{old.key}"
    assert f'id="as-of-{old.key}" type="date" name="as_of" value="3 December"' in (
        response.text
    )
    assert f'aria-describedby="as-of-{old.key}-error"' in response.text


def test_a_date_to_come_is_refused(editor_client, two_profiles):
    first, _ = two_profiles
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _post(editor_client, _claim(first, "Old count."), as_of=tomorrow)

    _refused(response, "Checked on: A claim cannot be confirmed as of a date to come.")


def test_a_date_before_the_claims_own_is_refused(editor_client, two_profiles):
    first, _ = two_profiles

    response = _post(editor_client, _claim(first, "Old count."), as_of="2009-05-01")

    _refused(
        response,
        "Checked on: This claim is already dated as of 2010: give a later date.",
    )


def test_a_note_of_another_profile_is_refused(editor_client, two_profiles):
    first, _ = two_profiles

    response = _post(editor_client, _claim(first, "Old count."), note="7")

    _refused(response, "Also cite: Choose one of this profile's notes.")


def test_a_note_number_the_profile_lacks_is_refused_by_the_workflow(
    two_profiles, editor
):
    first, _ = two_profiles

    with pytest.raises(ValidationError) as caught:
        propose_still_true(
            first, _claim(first, "Old count.").key, by=editor, note_number=9
        )

    assert caught.value.message_dict == {"note": ["This profile has no note 9."]}
    assert not ChangeRequest.objects.exclude(
        origin=ChangeRequest.Origin.IMPORT
    ).exists()
