"""Profile text and notes are rendered once per process and remembered; a
remembered rendering must come out exactly as a fresh one, anchors included
(the first mark of each note carries the id its back link points to)."""

import re

import pytest
from django.template import Context, Template

from profiles.templatetags import profile_text
from tests.factories import publish_profile
from tests.pages import html_of

TWO_LINES = Template(
    "{% load profile_text %}{% marked first %}|{% marked second %}|{% prose third %}"
)


def _render(first: str, second: str, third: str = "") -> list[str]:
    context = Context({"first": first, "second": second, "third": third})
    return TWO_LINES.render(context).split("|")


def _fresh(text: str, seen: set[int]) -> str:
    return profile_text._clean(profile_text._html(text, seen))


def test_a_remembered_line_gives_the_anchor_to_the_first_mark_only():
    text = "Named in 2019.¹"

    for _ in range(2):  # the second page reads them remembered
        first, second, _ = _render(text, text)

        assert first == _fresh(text, set())
        assert 'id="ref-1"' in first
        assert second == _fresh(text, {1})
        assert 'id="ref-1"' not in second


def test_a_remembered_line_marks_its_notes_seen_for_what_follows():
    _render("Leader.²", "")  # remembered with nothing seen before

    _, second, third = _render("Leader.²", "Other.²", "Prose.² And more.³")

    assert 'id="ref-2"' not in second
    assert 'id="ref-2"' not in third
    assert 'id="ref-3"' in third


@pytest.mark.django_db
def test_every_mark_on_a_page_of_many_notes_points_to_a_note(client):
    profile = publish_profile("Many Notes Brigade", leaders=12, notes=60)

    html = html_of(client.get(profile.get_absolute_url()))

    notes = set(re.findall(r'<li id="note-(\d+)" value="\1">', html))
    marks = set(re.findall(r'href="#note-(\d+)"', html))
    anchors = re.findall(r'id="ref-(\d+)"', html)
    back_links = set(re.findall(r'href="#ref-(\d+)"', html))
    assert notes == {str(n) for n in range(1, 61)}
    assert marks <= notes
    assert len(anchors) == len(set(anchors))
    assert back_links == set(anchors)
