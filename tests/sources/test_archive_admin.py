"""Archive copies in the admin: kept by staff given the permission, shown
read-only on the source's own (read-only) page, each with its history."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from sources.models import SourceArchive
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sources_sourcearchive_add")


def staff(*codenames: str):
    user = UserFactory(username="archivist", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="sources", codename__in=codenames
        )
    )
    return user


def copy_of(source) -> dict[str, str]:
    return {
        "source": str(source.pk),
        "url": "https://web.archive.org/web/2019/https://example.org/r",
        "archived_on": "2019-05-01",
        "position": "0",
    }


def test_staff_with_the_permission_add_an_archive_copy(client):
    source = SourceFactory(title="As cited")
    user = staff("add_sourcearchive", "view_sourcearchive", "view_source")
    client.force_login(user)

    response = client.post(ADD, copy_of(source))

    assert response.status_code == 302
    copy = SourceArchive.objects.get()
    assert (copy.source, copy.archived_on) == (source, date(2019, 5, 1))
    assert copy.history.get().history_user == user
    source.refresh_from_db()
    assert source.title == "As cited"


def test_staff_without_the_permission_cannot(client):
    source = SourceFactory()
    client.force_login(staff("view_source", "view_sourcearchive"))

    assert client.post(ADD, copy_of(source)).status_code == 403
    assert not SourceArchive.objects.exists()


def test_an_archive_copy_must_be_a_url_with_a_date(client):
    source = SourceFactory()
    client.force_login(staff("add_sourcearchive", "view_source"))

    response = client.post(
        ADD, {**copy_of(source), "url": "not a url", "archived_on": ""}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"url", "archived_on"}
    assert not SourceArchive.objects.exists()


def test_the_source_page_lists_its_copies_and_stays_read_only(client, admin_user):
    source = SourceFactory(title="As cited")
    SourceArchive.objects.create(
        source=source, url="https://archive.ph/abcde", archived_on=date(2020, 1, 2)
    )
    url = reverse("admin:sources_source_change", args=[source.pk])
    client.force_login(admin_user)

    page = client.get(url).content.decode()

    assert "https://archive.ph/abcde" in page
    assert "Archive copies" in page
    assert client.post(url, {"title": "Retitled"}).status_code == 403
