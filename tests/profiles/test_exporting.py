"""Exports show user text as written: markup typed into a field stays text in
the Markdown export, and only http(s) addresses become links."""

import re

import pytest

from profiles.exporting import as_markdown
from tests.factories import publish_profile

pytestmark = pytest.mark.django_db

HOSTILE = [
    ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
    ("[click](javascript:alert(1))", r"\[click\](javascript:alert(1))"),
    ("<javascript:alert(1)>", r"\<javascript:alert(1)\>"),
    (
        "![pixel](https://tracker.example/p.png)",
        r"\!\[pixel\](<https://tracker.example/p.png>)",
    ),
    ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>"),
    ("AT&amp;T", r"AT\&amp;T"),
    ("2013. Founded", r"2013\. Founded"),
    ("# Not a heading", r"\# Not a heading"),
]


@pytest.mark.parametrize(("typed", "exported"), HOSTILE)
def test_markdown_export_escapes_markup_typed_into_a_bullet(typed, exported):
    profile = publish_profile(size=[typed])

    assert f"\n- {exported}\n" in as_markdown(profile)


def test_markdown_export_escapes_markup_in_names_prose_and_notes():
    profile = publish_profile(
        "<b>Bold</b> Brigade",
        background="Text <iframe src=//evil.example></iframe> here.¹",
        leaders=0,
    )

    markdown = as_markdown(profile)

    assert markdown.startswith(r"# \<b\>Bold\</b\> Brigade" + "\n")
    assert r"Text \<iframe src=//evil.example\>\</iframe\> here.[^1]" in markdown
    assert not re.search(r"(?<!\\)<(b|iframe)", markdown)


def test_markdown_export_links_only_web_addresses():
    profile = publish_profile(
        size=[
            "See https://example.org/a_b and ftp://example.org/c and <https://example.net/d>."
        ]
    )

    assert (
        r"- See <https://example.org/a_b> and ftp://example.org/c and "
        "<https://example.net/d>." in as_markdown(profile)
    )


def test_markdown_export_keeps_the_document_italics_and_footnotes():
    profile = publish_profile(notes=1)

    markdown = as_markdown(profile)

    assert (
        "[^1]: A. Writer, “Report 1,” *Example Review*, March 2019. (<https://example.org/reports/1>)"
        in markdown
    )
    assert "Fact 1.[^1]" in markdown
