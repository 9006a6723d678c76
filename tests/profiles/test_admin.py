"""The admin follows the workflow: an edit there is a change request, and
decisions are the workflow's."""

import re
from html import unescape

import pytest
from django.urls import reverse

from profiles import workflow
from profiles.models import ChangeRequest
from tests.factories import SourceFactory, UserFactory, editor_user

pytestmark = pytest.mark.django_db


def form_data(html: str) -> dict:
    """The values the admin's change form would send back as it is."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name[1]] = unescape(value[1]) if value else ""
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        data[name] = unescape(value).lstrip("\n")
    return data


@pytest.fixture
def change_url(profile):
    return reverse("admin:profiles_profile_change", args=[profile.pk])


def test_admin_edit_becomes_a_change_request(client, admin_user, profile, change_url):
    client.force_login(admin_user)
    data = form_data(client.get(change_url).content.decode())
    data.update(
        size="About 700 fighters",
        summary="Newer estimate",
        source_url="https://example.net/estimate",
        source_title="Estimate",
    )

    response = client.post(change_url, data)

    change_request = ChangeRequest.objects.get(origin=ChangeRequest.Origin.ADMIN)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:profiles_changerequest_change", args=[change_request.pk]
    )
    change = change_request.changes.get()
    assert (change.field, change.value) == ("size", ["About 700 fighters"])
    assert change.sources.get().url == "https://example.net/estimate"
    profile.refresh_from_db()
    assert (profile.size, profile.version) == ("About 500 fighters in 2019", 1)


def test_admin_edit_without_a_source_is_refused(
    client, admin_user, profile, change_url
):
    client.force_login(admin_user)
    data = form_data(client.get(change_url).content.decode())
    data.update(size="About 700 fighters", summary="Newer estimate")

    response = client.post(change_url, data)

    assert response.status_code == 200
    assert "Give the source of this change" in response.content.decode()
    assert not ChangeRequest.objects.filter(origin="admin").exists()


def test_admin_actions_approve_and_reject_through_the_workflow(client, profile):
    author = editor_user()
    requests = [
        workflow.submit_change_request(
            profile=profile,
            author=author,
            summary=f"Change {i}",
            proposals={field: workflow.Proposal(value, [SourceFactory()])},
        )
        for i, (field, value) in enumerate(
            [("size", ["Bigger"]), ("weapons", ["Rifles"])]
        )
    ]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:profiles_changerequest_changelist")

    client.post(
        changelist,
        {"action": "approve_selected", "_selected_action": [requests[0].pk]},
    )
    client.post(
        changelist,
        {
            "action": "reject_selected",
            "_selected_action": [requests[1].pk],
            "reason": "Unclear",
        },
    )

    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (2, "Bigger", "")
    requests[1].refresh_from_db()
    assert (requests[1].status, requests[1].decision_note) == ("rejected", "Unclear")


def test_admin_cannot_approve_own_request(client, admin_user, profile):
    change_request = workflow.submit_change_request(
        profile=profile,
        author=admin_user,
        summary="Mine",
        proposals={"size": workflow.Proposal(["Bigger"], [SourceFactory()])},
    )
    client.force_login(admin_user)

    client.post(
        reverse("admin:profiles_changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [change_request.pk]},
    )

    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING


def test_change_request_page_shows_the_diff(client, admin_user, profile):
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Bigger",
        proposals={"size": workflow.Proposal(["About 900"], [SourceFactory()])},
    )
    client.force_login(admin_user)

    html = client.get(
        reverse("admin:profiles_changerequest_change", args=[change_request.pk])
    ).content.decode()

    assert "<ins" in html
    assert "900" in html
