"""The whole editorial flow through the test client: an editor proposes, the
public page waits, a reviewer accepts part, readers see exactly that."""

import pytest
from django.urls import reverse

from profiles.models import ChangeRequest
from tests.factories import editor_user
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def edit_data(client, profile, **changes) -> dict:
    """The edit form as served, with `changes` typed in (a section's claims
    by row: "size-0-text")."""
    response = client.get(reverse("profiles:edit", args=[profile.slug]))
    edit = response.context["edit"]
    form = edit.form
    data = {}
    for bound in form:
        value = bound.value()
        data[bound.html_name] = "" if value is None else value
    for formset in (edit.notes, *edit.sections.values()):
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for row in formset.forms:
            for bound in row:
                value = bound.value()
                if value not in (None, False):
                    data[bound.html_name] = value
    data.update(changes)
    return data


def test_propose_review_part_and_publish(client, profile, reviewer):
    author = editor_user(username="analyst")
    client.force_login(author)
    detail = reverse("profiles:detail", args=[profile.slug])

    unsourced = client.post(
        reverse("profiles:edit", args=[profile.slug]),
        edit_data(
            client, profile, **{"size-0-text": "About 900", "summary": "Two changes"}
        ),
    )
    assert unsourced.status_code == 200
    assert "Cite at least one source for this change." in unsourced.content.decode()
    assert not ChangeRequest.objects.filter(author=author).exists()

    client.post(
        reverse("profiles:edit", args=[profile.slug]),
        edit_data(
            client,
            profile,
            **{
                "size-0-text": "About 900",
                "weapons-0-text": "Rifles",
                "summary": "Two changes",
                "cite-size-url": "https://example.net/size",
                "cite-size-title": "Size report",
                "cite-weapons-url": "https://example.net/arms",
                "cite-weapons-title": "Arms report",
            },
        ),
    )
    change_request = ChangeRequest.objects.get(author=author)
    public = client.get(detail).content.decode()
    assert "About 900" not in public
    assert "You have 1 change waiting for review." in text_of(public)

    client.force_login(reviewer)
    response = client.post(
        reverse("review:decide", args=[change_request.pk]),
        {
            "action": "approve",
            "size-decision": "accept",
            "weapons-decision": "reject",
            "weapons-reason": "One photo is not enough",
        },
    )
    assert response.status_code == 302

    client.logout()
    public = client.get(detail).content.decode()
    assert "About 900" in public
    assert "Rifles" not in public
    assert "Size report" in public  # the new source became a note
    history = client.get(reverse("profiles:history", args=[profile.slug]))
    text = history.content.decode()
    assert "proposed by analyst" in text
    assert "approved by reviewer" in text
    assert 'href="https://example.net/size"' in text
    assert "Arms report" not in text
