"""`profiles.views.suppressing`: the form that hides a field, refused to
everyone without the permission, and what readers get once it is hidden."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import workflow
from profiles.models import Suppression
from tests.factories import (
    SourceFactory,
    UserFactory,
    add_bulk_versions,
    editor_user,
    publish_change,
    publish_profile,
    reviewer_user,
)
from tests.suppressing import (
    HIDDEN_BULLET,
    LEAK,
    REASON,
    hide_secret,
    profile_with_secret,
    suppressor_user,
)

pytestmark = pytest.mark.django_db

HIDE_URL = "/profiles/test-brigade/versions/2/hide/"
VALID = {"field": "atrocities", "reason": REASON, "confirm": "on"}


@pytest.fixture
def secret_profile():
    return profile_with_secret()


ROLES_WITHOUT = {
    "editor": lambda: editor_user(username="ed"),
    "reviewer": lambda: reviewer_user(username="rev"),
    "staff": lambda: UserFactory(username="staffer", is_staff=True),
}


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, secret_profile, method):
    response = getattr(client, method)(HIDE_URL, VALID)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Suppression.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES_WITHOUT)
def test_everyone_without_the_permission_is_refused(
    client, secret_profile, method, role
):
    client.force_login(ROLES_WITHOUT[role]())

    response = getattr(client, method)(HIDE_URL, VALID)

    assert response.status_code == 403
    assert not Suppression.objects.exists()


def test_the_form_offers_the_fields_that_can_be_hidden(client, secret_profile):
    client.force_login(suppressor_user(username="sup"))

    response = client.get(HIDE_URL, {"field": "atrocities"})

    choices = [value for value, _ in response.context["form"].fields["field"].choices]
    assert choices == ["", "size", "leaders", "atrocities", "background", "citations"]
    assert response.context["form"]["field"].value() == "atrocities"
    assert not Suppression.objects.exists()


def test_hiding_needs_a_reason_and_a_confirmation(client, secret_profile):
    client.force_login(suppressor_user(username="sup"))

    response = client.post(HIDE_URL, {"field": "atrocities", "reason": " "})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Say why this value must be hidden; the audit log keeps it."],
        "confirm": ["Confirm that you mean to hide this value."],
    }
    assert "Nothing was hidden." in response.content.decode()
    assert not Suppression.objects.exists()


def test_a_field_already_hidden_is_not_offered_again(client, secret_profile):
    hide_secret(secret_profile)
    client.force_login(suppressor_user(username="sup"))

    response = client.post(
        "/profiles/test-brigade/versions/3/hide/", {**VALID, "field": "atrocities"}
    )

    assert response.context["form"].errors == {
        "field": [
            "Select a valid choice. atrocities is not one of the available choices."
        ]
    }
    assert Suppression.objects.count() == 1


def test_hiding_records_it_and_readers_see_the_notice(client, secret_profile):
    suppressor = suppressor_user(username="sup")
    client.force_login(suppressor)

    response = client.post(HIDE_URL, VALID, follow=True)

    assert response.redirect_chain == [("/profiles/test-brigade/versions/2/", 302)]
    assert "Atrocities as version 2 has it is now hidden" in response.content.decode()
    row = Suppression.objects.get()
    assert (row.field, row.version.number, row.by, row.reason) == (
        "atrocities",
        2,
        suppressor,
        REASON,
    )
    client.logout()
    page = client.get("/profiles/test-brigade/versions/3/").content.decode()
    assert LEAK not in page
    assert "Hidden by a reviewer on " in page


def test_only_suppressors_see_the_link_to_hide_a_field(client, secret_profile):
    client.force_login(reviewer_user(username="rev"))
    assert (
        HIDE_URL
        not in client.get("/profiles/test-brigade/versions/2/").content.decode()
    )

    client.force_login(suppressor_user(username="sup"))
    assert HIDE_URL in client.get("/profiles/test-brigade/versions/2/").content.decode()


def test_a_cached_page_is_not_served_once_its_value_is_hidden(client, secret_profile):
    first = client.get("/profiles/test-brigade/")
    assert LEAK in first.content.decode()

    hide_secret(secret_profile)

    again = client.get("/profiles/test-brigade/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert LEAK not in again.content.decode()


def test_the_api_names_the_hidden_fields(client, secret_profile):
    suppression = hide_secret(secret_profile)

    data = client.get("/api/v1/profiles/test-brigade/").json()

    day = suppression.at.date().isoformat()
    assert data["hidden"] == {"atrocities": day}
    assert data["atrocities"] == [
        f"Hidden by a reviewer on {suppression.at.day} "
        f"{suppression.at:%B} {suppression.at.year}."
    ]


@pytest.mark.parametrize(("staff", "shown"), [(False, False), (True, True)])
def test_a_conflict_offers_no_textarea_holding_a_hidden_value(client, staff, shown):
    """A request written before the value was published and hidden conflicts
    with the profile: its reviewer may keep the published value or take the
    proposed one, but only staff get it in a textarea to edit."""
    profile = publish_profile()
    pending = workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="early"),
        summary="The shelling",
        proposals={"atrocities": workflow.Proposal([HIDDEN_BULLET], [SourceFactory()])},
    )
    publish_change(profile, atrocities=[HIDDEN_BULLET])
    publish_change(profile, atrocities=["Shelled a market in 2021"])
    hide_secret(profile)
    client.force_login(reviewer_user(username="rev", is_staff=staff))

    html = client.get(reverse("review:detail", args=[pending.pk])).content.decode()

    assert 'name="atrocities-resolution"' in html
    assert ('name="atrocities-edited"' in html) is shown
    assert (LEAK in html) is shown


def test_field_history_reads_only_its_page_s_snapshots(client, secret_profile):
    """Which versions carry a hidden value is read for the page's entries
    only, not for the whole history of a profile with a suppression."""
    add_bulk_versions(secret_profile, 60)
    hide_secret(secret_profile)
    secret_profile.refresh_from_db()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/profiles/{secret_profile.slug}/fields/atrocities/")

    assert response.status_code == 200
    snapshots = [q["sql"] for q in queries if '"snapshot"' in q["sql"]]
    assert len(snapshots) == 1
    assert '"number" IN (' in snapshots[0]
    assert LEAK not in response.content.decode()
