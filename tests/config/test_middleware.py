"""`config.middleware`: a control character in an address is refused with a
400 before any view runs, on every page that reads query parameters."""

import pytest
from django.urls import reverse

from tests.factories import editor_user, reviewer_user

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Bad request: the address holds a control character (such as NUL), "
    "which no page accepts.\n"
)


def public_urls(profile) -> list[tuple[str, str]]:
    """(path, parameter) for every public page that reads a query parameter."""
    slug = profile.slug
    return [
        (reverse("search"), "q"),
        (reverse("profiles:list"), "q"),
        (reverse("profiles:list"), "tag"),
        (reverse("profiles:list"), "area"),
        (reverse("profiles:list"), "designation"),
        (reverse("profiles:list"), "sort"),
        (reverse("sources:list"), "q"),
        (reverse("sources:list"), "sort"),
        (reverse("changes"), "page"),
        (reverse("api:profile-list"), "page"),
        (reverse("profiles:history", args=[slug]), "page"),
        (reverse("profiles:compare", args=[slug]), "from"),
        (reverse("profiles:compare", args=[slug]), "to"),
        (reverse("profiles:field", args=[slug, "size"]), "page"),
    ]


def assert_refused(response) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == MESSAGE


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_query_value_is_refused(client, profile, character):
    for path, parameter in public_urls(profile):
        response = client.get(path, {parameter: f"Hezbollah{character}"})

        assert_refused(response)


def test_a_nul_in_a_query_parameter_name_is_refused(client, profile):
    for path, _ in public_urls(profile):
        assert_refused(client.get(f"{path}?q%00=Hezbollah"))


def test_a_nul_in_the_path_is_refused(client, profile):
    assert_refused(client.get("/profiles/Test%00Brigade/"))
    assert_refused(client.get(f"/profiles/{profile.slug}/fields/size%00/"))


def test_signed_in_pages_refuse_a_nul_too(client):
    client.force_login(reviewer_user(username="nul-reviewer"))
    for parameter in ("profile", "author", "page"):
        assert_refused(client.get(reverse("review:queue"), {parameter: "\x00"}))
    client.force_login(editor_user(username="nul-editor"))
    assert_refused(client.get(reverse("review:mine"), {"page": "\x00"}))
    assert_refused(client.get(reverse("inbox:list"), {"page": "\x00"}))


@pytest.mark.parametrize("text", ["Hezbollah\tBrigades", "Hezbollah\r\nBrigades"])
def test_tabs_and_line_breaks_are_allowed(client, profile, text):
    for path, parameter in public_urls(profile):
        response = client.get(path, {parameter: text})

        # Not refused: a page (the compare page finds no such version).
        assert response.status_code in (200, 404), (path, parameter)
