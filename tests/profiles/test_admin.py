"""The admin follows the workflow: an edit there is a change request, and
decisions are the workflow's."""

import re
from html import unescape

import pytest
from django.urls import reverse
from taggit.models import Tag

from profiles import workflow
from profiles.models import ChangeRequest, Citation, Leader, Profile, ProfileComment
from sources.models import Source
from tests import walk
from tests.factories import (
    SourceFactory,
    UserFactory,
    editor_user,
    publish_profile,
    reviewer_user,
)
from tests.walk import comparable

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
    for name, options in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S
    ):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        if selected:
            data[name] = unescape(selected[1])
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


# Walking the whole admin: no page of it writes published content.


def public_pages(client) -> dict[str, str]:
    """Every page of published content as an anonymous reader sees it
    (sign-in, review and inbox pages are not content)."""
    client.logout()
    return {
        url: comparable(client.get(url).content)
        for url in walk.urls()
        if not url.startswith(("/accounts/", "/review/", "/inbox/"))
    }


KEPT = ("csrfmiddlewaretoken", "base_version", "_")
KEPT_SUFFIXES = (
    "TOTAL_FORMS",
    "INITIAL_FORMS",
    "MIN_NUM_FORMS",
    "MAX_NUM_FORMS",
    "-id",
)


def selects(html: str) -> set[str]:
    return set(re.findall(r'<select[^>]*name="([^"]+)"', html))


def post_forms(client, url: str) -> list[int]:
    """Posts back every form of the admin page at `url`, its text changed,
    and a confirmation for a delete page; returns the answers' statuses."""
    page = client.get(url)
    if page.status_code != 200:
        return [page.status_code]
    html = page.content.decode()
    statuses = []
    for form in re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', html, re.S):
        # Text changed, so a form that saves would show; numbers, choices
        # and the form's own bookkeeping kept, so it is valid and would save.
        data = {
            key: value
            if key in selects(form)
            or value.isdigit()
            or key.startswith(KEPT)
            or key.endswith(KEPT_SUFFIXES)
            else f"{value} changed in the admin walk"
            for key, value in form_data(form).items()
        }
        data["post"] = "yes"  # confirms a delete page
        statuses.append(client.post(url, data).status_code)
    return statuses


def test_no_admin_page_changes_what_readers_see(client, admin_user):
    profile = publish_profile(notes=2)
    workflow.approve(
        workflow.submit_change_request(
            profile=profile,
            author=editor_user(),
            summary="Tags and a size",
            proposals={
                "size": workflow.Proposal(["About 900"], [SourceFactory()]),
                "tags": workflow.Proposal(["syria"], [SourceFactory()]),
            },
        ),
        reviewer=reviewer_user(),
    )
    comment = workflow.comment_on_profile(profile, by=editor_user(), text="Sources?")
    before = public_pages(client)
    client.force_login(admin_user)

    posted = {url: post_forms(client, url) for url in walk.admin_urls()}
    for model in (Tag, Source, Profile):
        client.post(
            reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            ),
            {
                "action": "delete_selected",
                "_selected_action": list(
                    model._default_manager.values_list("pk", flat=True)
                ),
                "post": "yes",
            },
        )

    # the walk reached the revert forms of history entries, and talk comments
    assert any(re.search(r"/history/\d+/$", url) for url in posted)
    assert reverse("admin:profiles_profilecomment_change", args=[comment.pk]) in posted
    assert list(ProfileComment.objects.values_list("text", flat=True)) == ["Sources?"]
    assert public_pages(client) == before
    assert Profile.objects.get().version == 2
    assert not ChangeRequest.objects.filter(status="approved", reviewer=admin_user)


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Leader, "name", "Renamed in history"),
        (Citation, "text", "Rewritten in history"),
        (Source, "title", "Retitled in history"),
    ],
)
def test_a_history_form_post_is_refused(client, admin_user, model, field, value):
    publish_profile()
    obj = model.objects.order_by("pk").first()
    row = obj.history.first()
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
        args=[obj.pk, row.history_id],
    )
    client.force_login(admin_user)
    data = form_data(client.get(url).content.decode())

    response = client.post(url, {**data, field: value})

    assert response.status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) != value


def test_a_profile_history_form_post_is_refused(client, admin_user, profile):
    row = profile.history.first()
    url = reverse("admin:profiles_profile_simple_history", args=[profile.pk, row.pk])
    client.force_login(admin_user)
    data = form_data(client.get(url).content.decode())

    response = client.post(url, {**data, "size": "Reverted", "summary": "x"})

    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.size == "About 500 fighters in 2019"
    assert not ChangeRequest.objects.filter(origin="admin").exists()


def test_sources_and_tags_are_read_only_in_the_admin(client, admin_user):
    source = SourceFactory(title="As cited")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:sources_source_change", args=[source.pk]),
        {"title": "Retitled", "url": source.url},
    )

    assert response.status_code == 403
    source.refresh_from_db()
    assert source.title == "As cited"
    assert client.get(reverse("admin:taggit_tag_add")).status_code == 403


def test_talk_comments_are_read_only_in_the_admin(client, admin_user, profile):
    comment = workflow.comment_on_profile(
        profile, by=editor_user(username="ed"), text="Which year? @reviewer"
    )
    name = "admin:profiles_profilecomment"
    change_url = reverse(f"{name}_change", args=[comment.pk])
    client.force_login(admin_user)

    listed = client.get(reverse(f"{name}_changelist"))
    shown = client.get(change_url)
    searched = client.get(reverse(f"{name}_changelist"), {"q": "which year"})

    assert listed.status_code == shown.status_code == 200
    assert "Which year? @reviewer" in listed.content.decode()
    assert searched.context["cl"].result_count == 1
    assert '<div class="readonly">Which year? @reviewer</div>' in (
        shown.content.decode()
    )
    assert 'name="_save"' not in shown.content.decode()
    assert client.post(change_url, {"text": "Rewritten"}).status_code == 403
    assert (
        client.post(
            reverse(f"{name}_delete", args=[comment.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse(f"{name}_add")).status_code == 403
    assert list(ProfileComment.objects.values_list("author__username", "text")) == [
        ("ed", "Which year? @reviewer")
    ]
