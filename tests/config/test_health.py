"""Answers for machines: health checks, robots.txt and the favicon."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import DatabaseError, connection
from django.templatetags.static import static
from PIL import Image

from tests.pages import html_of

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_ok_when_the_database_does(client):
    response = client.get("/readyz/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"


def test_readyz_answers_503_when_the_database_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/readyz/")

    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"database unavailable"


def test_health_checks_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz/").status_code == 200
    assert client.get("/readyz/").status_code == 200
    assert client.get("/profiles/").status_code == 301


def test_robots_txt_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /review/\n"
        "Disallow: /inbox/\n"
        "Disallow: /accounts/\n"
        "\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )


def test_favicon_ico_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.png")


def test_the_icons_are_a_32_pixel_png_and_an_svg():
    with Image.open(finders.find("img/favicon.png")) as png:
        assert (png.format, png.size) == ("PNG", (32, 32))
    svg = Path(finders.find("img/favicon.svg")).read_text(encoding="utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_every_page_links_the_icons_from_this_host(client):
    html = html_of(client.get("/"))

    assert (
        f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">'
        in html
    )
    assert (
        f'<link rel="icon" href="{static("img/favicon.png")}" type="image/png" '
        'sizes="32x32">' in html
    )


@pytest.mark.parametrize("path", ["/healthz/", "/readyz/", "/robots.txt"])
def test_monitors_may_ask_with_head(client, path):
    assert client.head(path).status_code == 200


def test_health_checks_refuse_writes(client):
    assert client.post("/healthz/").status_code == 405
