"""Sign-in throttling: five wrong passwords lock an account for the cool-off,
on the sign-in page and the admin's alike, staff included."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.urls import reverse

from tests.factories import UserFactory, editor_user
from tests.pages import text_of

pytestmark = pytest.mark.django_db

LOCKED = (
    "There were 5 wrong passwords in a row for this account, so it cannot sign in "
    "from here for 15 minutes, even with the right password."
)


def sign_in(client, username, password, *, url=None):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}
    )


def fail_five_times(client, username, *, url=None) -> list[int]:
    return [
        sign_in(client, username, "not-the-password", url=url).status_code
        for _ in range(5)
    ]


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def end_the_cool_off() -> None:
    """Moves every failed attempt back past the cool-off, as waiting would."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME
    )


def test_five_wrong_passwords_lock_the_account(client):
    editor = editor_user(username="analyst")

    statuses = fail_five_times(client, "analyst")
    refused = sign_in(client, "analyst", "password")

    assert statuses == [200, 200, 200, 200, 429]
    assert refused.status_code == 429
    assert "registration/locked_out.html" in {t.name for t in refused.templates}
    assert LOCKED in text_of(refused.content.decode())
    assert signed_in_as(client) is None
    assert AccessAttempt.objects.get().username == editor.username


def test_after_the_cool_off_the_right_password_works(client):
    editor = editor_user(username="analyst")
    fail_five_times(client, "analyst")

    end_the_cool_off()
    response = sign_in(client, "analyst", "password")

    assert response.status_code == 302
    assert signed_in_as(client) == str(editor.pk)


def test_four_wrong_passwords_then_the_right_one_signs_in(client):
    editor = editor_user(username="analyst")
    statuses = [sign_in(client, "analyst", "wrong").status_code for _ in range(4)]

    response = sign_in(client, "analyst", "password")

    assert statuses == [200, 200, 200, 200]
    assert response.status_code == 302
    assert signed_in_as(client) == str(editor.pk)
    assert not AccessAttempt.objects.exists()


def test_staff_are_locked_out_of_the_admin_too(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")

    statuses = fail_five_times(client, "boss", url=admin_login)
    refused = sign_in(client, "boss", "password", url=admin_login)

    assert statuses == [200, 200, 200, 200, 429]
    assert refused.status_code == 429
    assert LOCKED in text_of(refused.content.decode())
    assert signed_in_as(client) is None


def test_a_lock_on_the_sign_in_page_holds_in_the_admin(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    fail_five_times(client, "boss")

    refused = sign_in(client, "boss", "password", url=reverse("admin:login"))

    assert refused.status_code == 429
    assert signed_in_as(client) is None


def test_another_account_is_not_locked(client):
    editor_user(username="analyst")
    other = editor_user(username="colleague")
    fail_five_times(client, "analyst")

    response = sign_in(client, "colleague", "password")

    assert response.status_code == 302
    assert signed_in_as(client) == str(other.pk)


def test_the_lockout_page_is_the_site_layout_with_a_heading(client):
    editor_user(username="analyst")
    fail_five_times(client, "analyst")

    html = sign_in(client, "analyst", "password").content.decode()

    assert '<main id="content"' in html
    assert "<h1>Signing in is paused</h1>" in html
    assert '<div class="message error" role="alert">' in html


def test_the_test_client_login_still_works(client):
    editor = editor_user(username="analyst")

    assert client.login(username="analyst", password="password") is True
    assert signed_in_as(client) == str(editor.pk)
