"""A GET changes nothing: every URL of the site, the admin's included, read
by every role, leaves every row of every table as it was.

Links are followed by crawlers, previews and browsers' prefetching; only a
POST (with its CSRF token) may change state.
"""

import hashlib

import pytest
from django.apps import apps

from profiles import workflow
from profiles.models import Notification
from tests import walk
from tests.factories import (
    SourceFactory,
    UserFactory,
    editor_user,
    publish_profile,
    reviewer_user,
)

pytestmark = pytest.mark.django_db

#: Sessions change on every signed-in request by design; they are not data.
NOT_DATA = {"sessions.session"}


def fingerprint() -> dict[str, str]:
    """Each table's rows, hashed: any change to any row changes its hash."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_DATA:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        found[label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return found


@pytest.fixture
def busy_site(django_capture_on_commit_callbacks):
    """Requests in each state, and unread notifications, for every role."""
    with django_capture_on_commit_callbacks(execute=True):
        return _busy_site()


def _busy_site():
    profile = publish_profile(notes=2)
    author, reviewer = editor_user(username="author"), reviewer_user()

    def propose(**values):
        return workflow.submit_change_request(
            profile=profile,
            author=author,
            summary="A change",
            proposals={
                name: workflow.Proposal(value, [SourceFactory()])
                for name, value in values.items()
            },
        )

    workflow.approve(propose(size=["About 900"]), reviewer=reviewer)
    propose(weapons=["Rifles"])
    workflow.request_changes(
        propose(founding=["2014"]), reviewer=reviewer, comment="Source?"
    )
    workflow.withdraw(propose(atrocities=["None known"]), by=author)
    return {
        "anonymous": None,
        "author": author,
        "another editor": editor_user(),
        "reviewer": reviewer,
        "staff": UserFactory(username="staff", is_staff=True, is_superuser=True),
    }


@pytest.mark.parametrize(
    "role", ["anonymous", "author", "another editor", "reviewer", "staff"]
)
def test_no_get_changes_anything(client, busy_site, role):
    if busy_site[role] is not None:
        client.force_login(busy_site[role])
    urls = ["/admin/", *walk.urls(), *walk.admin_urls(content_only=False)]
    before = fingerprint()

    statuses = {url: client.get(url).status_code for url in urls}

    assert fingerprint() == before
    assert not [url for url, status in statuses.items() if status >= 500]
    notification = Notification.objects.earliest("pk")  # the walk went everywhere
    assert f"/inbox/{notification.pk}/" in statuses
    assert f"/admin/profiles/notification/{notification.pk}/change/" in statuses
