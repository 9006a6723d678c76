import re
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import workflow
from profiles.forms import FORM_FIELDS
from profiles.models import ChangeRequest
from profiles.serializers import FIELDS
from sources.models import Source
from tests.factories import (
    SourceFactory,
    UserFactory,
    editor_user,
    publish_profile,
)
from tests.pages import html_of

pytestmark = pytest.mark.django_db

NEW_URL = "https://news.example.com/2021/size"
NOTE_1_URL = "https://example.org/reports/1"


class _EditFormParser(HTMLParser):
    """What a browser sends back for the page's edit form: every named
    input, textarea, checked box and selected option, leaving out the blank
    rows that wait in <template> for the script."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.in_template = 0
        self.textarea: str | None = None
        self.text = ""
        self.select: dict | None = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "edit-form" in attrs.get("class", ""):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "checkbox" and "checked" not in attrs:
                return
            self._add(
                attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "textarea":
            self.textarea, self.text = attrs["name"], ""
        elif tag == "select":
            self.select = {
                "name": attrs["name"],
                "multiple": "multiple" in attrs,
                "first": None,
                "chosen": [],
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "template" and self.in_form:
            self.in_template -= 1
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows <textarea>.
            self._add(self.textarea, self.text.removeprefix("\n"))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"]:
                chosen = [self.select["first"] or ""]
            for value in chosen:
                self._add(self.select["name"], value)
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_data(response) -> dict[str, list[str] | str]:
    assert response.status_code == 200
    parser = _EditFormParser()
    parser.feed(response.content.decode())
    return {k: v[0] if len(v) == 1 else v for k, v in parser.data.items()}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def edit_url(profile) -> str:
    return reverse("profiles:edit", args=[profile.slug])


def approve(change_request, reviewer):
    return workflow.approve(change_request, reviewer=reviewer)


def propose(profile, author, **values):
    """A request made by `author` through the workflow, citing one source."""
    source = SourceFactory()
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Update",
        proposals={f: workflow.Proposal(v, [source]) for f, v in values.items()},
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# The form ---------------------------------------------------------------------


def test_edit_form_shows_every_field_with_the_published_values(editor_client, profile):
    response = editor_client.get(edit_url(profile))

    data = form_data(response)
    assert set(FORM_FIELDS) <= set(data)
    assert data["name"] == "Test Brigade"
    assert data["size-0-text"] == "About 500 fighters in 2019"
    assert data["size-0-written"] == "About 500 fighters in 2019"
    assert "size-0-citations" not in data
    assert data["size-1-text"] == ""  # the blank row for a new claim
    assert data["background-0-text"] == "A small test group. Fact 1."
    assert data["background-0-citations"] == "1"
    assert data["background-0-written"] == "A small test group. Fact 1.¹"
    assert data["base_version"] == "1"
    assert data["summary"] == ""
    assert data["leaders-TOTAL_FORMS"] == "2"
    assert data["leaders-INITIAL_FORMS"] == "1"
    assert data["leaders-0-name"] == "Leader 1"
    assert data["leaders-0-aliases"] == "Abu Test 1"
    assert data["leaders-0-role"] == "is in charge"
    assert data["leaders-0-ORDER"] == "1"
    assert data["leaders-1-name"] == ""
    assert data["citations-TOTAL_FORMS"] == "3"
    assert data["citations-INITIAL_FORMS"] == "1"
    assert data["citations-0-number"] == "1"
    assert data["citations-0-text"].startswith("A. Writer, “Report 1,”")
    html = html_of(response)
    assert "<title>Edit Test Brigade · Profiles wiki</title>" in html
    assert '<input type="hidden" name="base_version" value="1"' in html


def test_edit_form_has_a_citation_block_for_every_field(editor_client, profile):
    html = html_of(editor_client.get(edit_url(profile)))

    blocks = re.findall(r'<details class="citation-block" id="cite-([a-z_]+)"', html)
    assert blocks == list(FIELDS)
    # Claims cite notes in their rows; the other fields tick them here.
    assert 'name="cite-name-notes" value="1"' in html
    assert 'name="cite-size-notes"' not in html
    assert 'name="cite-size-sources"' in html
    assert 'list="bibliography"' in html
    for part in ("url", "title", "authors", "publication", "date"):
        assert f'name="cite-size-{part}"' in html
    assert " open>" not in html


def test_edit_form_labels_every_input_and_types_in_any_direction(
    editor_client, profile
):
    html = html_of(editor_client.get(edit_url(profile)))
    form = html[html.index('<form method="post" class="edit-form"') :]

    inputs = re.findall(r"<(?:input|textarea)\b[^>]*>", form)
    visible = [tag for tag in inputs if 'type="hidden"' not in tag]
    assert len(visible) > 100
    for tag in visible:
        element_id = re.search(r'id="([^"]+)"', tag)[1]
        assert f'for="{element_id}"' in form, tag
    for tag in visible:
        if "<textarea" in tag or 'type="text"' in tag or 'type="url"' in tag:
            assert 'dir="auto"' in tag, tag
    for tag in re.findall(r"<select\b[^>]*>", form):
        element_id = re.search(r'id="([^"]+)"', tag)[1]
        assert f'for="{element_id}"' in form, tag
    assert "<template data-formset-empty>" in form
    assert 'name="leaders-__prefix__-name"' in form
    assert 'name="size-__prefix__-text"' in form
    assert 'name="citations-__prefix__-number"' in form
    assert '<script src="/static/js/edit.js" defer></script>' in html
    assert " onclick=" not in html
    assert "<script>" not in html


def test_sections_are_headed_and_their_claims_folded(editor_client, profile):
    html = html_of(editor_client.get(edit_url(profile)))

    assert '<h2 id="heading-size">Size</h2>' in html
    assert '<h2 id="heading-background">Background and analysis</h2>' in html
    assert '<h2 id="heading-leaders">Key leaders</h2>' in html
    assert '<h2 id="heading-citations">Notes</h2>' in html
    assert re.findall(r'<details class="claim-block"( open)?>', html) == [""] * 13
    assert (
        '<summary>1 claim<span class="visually-hidden"> in Size</span></summary>'
    ) in html
    assert "<legend>Claim 1</legend>" in html
    assert "<legend>Leader 1</legend>" in html


def test_edit_form_query_count_does_not_grow_with_leaders_and_notes(editor_client):
    counts = []
    for size in (1, 6):
        profile = publish_profile(f"Group {size}", leaders=size, notes=size)
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(edit_url(profile)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_new_profile_form_starts_empty(editor_client):
    response = editor_client.get(reverse("profiles:new"))

    data = form_data(response)
    assert data["name"] == ""
    assert data["base_version"] == "0"
    assert data["leaders-TOTAL_FORMS"] == "1"
    assert data["size-TOTAL_FORMS"] == "1"
    assert data["citations-TOTAL_FORMS"] == "2"
    assert "<title>New profile · Profiles wiki</title>" in html_of(response)


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "profiles:new"),
        ("get", "profiles:edit"),
        ("post", "profiles:edit"),
        ("get", "review:edit"),
        ("post", "review:withdraw"),
    ],
)
def test_editing_sends_anonymous_visitors_to_sign_in(
    client, editor, profile, method, name
):
    change_request = propose(profile, editor, size=["Bigger"])
    args = {
        "profiles:new": [],
        "profiles:edit": [profile.slug],
        "review:edit": [change_request.pk],
        "review:withdraw": [change_request.pk],
    }[name]
    url = reverse(name, args=args)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert ChangeRequest.objects.count() == 2
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING


@pytest.mark.parametrize("name", ["new", "edit"])
def test_edit_form_refuses_people_without_the_editor_role(client, profile, name):
    client.force_login(UserFactory(username="reader"))
    url = reverse("profiles:new") if name == "new" else edit_url(profile)

    assert client.get(url).status_code == 403
    assert client.post(url, {"summary": "x"}).status_code == 403
    assert ChangeRequest.objects.count() == 1


def test_edit_form_answers_404_for_an_unknown_profile(editor_client):
    response = editor_client.get(reverse("profiles:edit", args=["nobody"]))

    assert response.status_code == 404


# Proposing -------------------------------------------------------------------


def test_editor_proposes_a_change_citing_a_note_a_source_and_a_new_source(
    editor_client, editor, profile
):
    picked = SourceFactory(title="Picked report")
    data = form_data(editor_client.get(edit_url(profile)))
    data.update(
        {
            "size-0-text": "About 900 fighters in 2021",
            "size-0-citations": "1",
            "size-1-text": "About 1,000 in 2022",
            "cite-size-sources": f"#{picked.pk} · Picked report — Example Review",
            "cite-size-url": NEW_URL,
            "cite-size-title": "Brigade grows",
            "cite-size-authors": "B. Reporter",
            "cite-size-publication": "Example News",
            "cite-size-date": "May 2021",
            "summary": "New size estimates",
        }
    )

    response = editor_client.post(edit_url(profile), data)

    change_request = ChangeRequest.objects.get(author=editor)
    assert response.status_code == 302
    assert response.url == reverse("review:detail", args=[change_request.pk])
    assert messages_of(response) == ["Your change is waiting for review."]
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.summary == "New size estimates"
    assert change_request.base_version == 1
    assert change_request.profile == profile
    change = change_request.changes.get()
    assert change.field == "size"
    assert change.value == ["About 900 fighters in 2021¹", "About 1,000 in 2022"]
    new = Source.objects.get(url=NEW_URL)
    assert (new.title, new.authors, new.publication, new.date) == (
        "Brigade grows",
        "B. Reporter",
        "Example News",
        "May 2021",
    )
    assert set(change.sources.all()) == {
        Source.objects.get(url=NOTE_1_URL),
        picked,
        new,
    }
    profile.refresh_from_db()
    assert profile.size == "About 500 fighters in 2019"
    assert profile.version == 1


def test_change_without_a_citation_is_refused_beside_the_field(
    editor_client, editor, profile
):
    data = form_data(editor_client.get(edit_url(profile)))
    data.update({"size-0-text": "About 900 fighters in 2021", "summary": "Bigger"})

    response = editor_client.post(edit_url(profile), data)

    html = html_of(response)
    assert ChangeRequest.objects.count() == 1
    assert re.search(
        r'<ul class="errorlist" id="size-errors">\s*'
        r"<li>Cite at least one source for this change.</li>\s*</ul>",
        html,
    )
    assert (
        '<li><a href="#size-set">Size: Cite at least one source for this change.</a>'
        "</li>"
    ) in html
    assert 'role="alert"' in html
    assert (
        '<details class="citation-block" id="cite-size" data-for="size-set" open>'
    ) in html
    again = form_data(response)
    assert again["size-0-text"] == "About 900 fighters in 2021"
    assert again["summary"] == "Bigger"


def test_summary_is_required(editor_client, profile):
    data = form_data(editor_client.get(edit_url(profile)))
    data.update({"english_name": "Brigade", "cite-english_name-notes": "1"})

    response = editor_client.post(edit_url(profile), data)

    assert (
        '<ul class="errorlist" id="id_summary_error">'
        "<li>Say in a few words what this change does.</li></ul>"
    ) in html_of(response)
    assert ChangeRequest.objects.count() == 1
    assert form_data(response)["english_name"] == "Brigade"


def test_unchanged_form_is_refused(editor_client, profile):
    data = form_data(editor_client.get(edit_url(profile)))
    data["summary"] = "Nothing really"

    response = editor_client.post(edit_url(profile), data)

    html = html_of(response)
    assert "<li>You have not changed anything.</li>" in html
    assert ChangeRequest.objects.count() == 1


def test_unknown_source_in_the_picker_is_refused(editor_client, profile):
    data = form_data(editor_client.get(edit_url(profile)))
    data.update(
        {"size-0-text": "Bigger", "cite-size-sources": "#99999", "summary": "Bigger"}
    )

    response = editor_client.post(edit_url(profile), data)

    assert (
        '<ul class="errorlist" id="id_cite-size-sources_error">'
        "<li>No source #99999 in the bibliography.</li></ul>"
    ) in html_of(response)
    assert ChangeRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (
            {"cite-size-url": "javascript:alert(1)", "cite-size-title": "T"},
            "url",
            "Enter a web address starting with http:// or https://.",
        ),
        (
            {"cite-size-authors": "B. Reporter"},
            "title",
            "Give the new source a title or a URL.",
        ),
    ],
)
def test_new_source_needs_a_web_address_or_a_title(
    editor_client, profile, typed, field, message
):
    data = form_data(editor_client.get(edit_url(profile)))
    data.update({"size-0-text": "Bigger", "summary": "Bigger", **typed})

    response = editor_client.post(edit_url(profile), data)

    assert (
        f'<ul class="errorlist" id="id_cite-size-{field}_error"><li>{message}</li></ul>'
    ) in html_of(response)
    assert ChangeRequest.objects.count() == 1


def test_leaders_are_added_removed_and_reordered(editor_client, editor):
    profile = publish_profile(leaders=3)
    source = SourceFactory()
    data = form_data(editor_client.get(edit_url(profile)))
    data.update(
        {
            "leaders-0-ORDER": "2",
            "leaders-1-DELETE": "on",
            "leaders-2-ORDER": "1",
            "leaders-3-name": "Abu Jadid",
            "leaders-3-aliases": "Jadid,  أبو جديد ,",
            "leaders-3-role": "is the deputy commander",
            "cite-leaders-sources": f"#{source.pk}",
            "summary": "Leaders in 2022",
        }
    )

    response = editor_client.post(edit_url(profile), data)

    assert response.status_code == 302
    change = ChangeRequest.objects.get(author=editor).changes.get()
    assert change.field == "leaders"
    assert change.value == [
        {"name": "Leader 3", "aliases": ["Abu Test 3"], "role": "is in charge"},
        {"name": "Leader 1", "aliases": ["Abu Test 1"], "role": "is in charge"},
        {
            "name": "Abu Jadid",
            "aliases": ["Jadid", "أبو جديد"],
            "role": "is the deputy commander",
        },
    ]
    assert list(change.sources.all()) == [source]


def test_leader_without_a_name_is_refused(editor_client, profile):
    data = form_data(editor_client.get(edit_url(profile)))
    data.update({"leaders-1-role": "is the spokesman", "summary": "Spokesman"})

    response = editor_client.post(edit_url(profile), data)

    html = html_of(response)
    assert (
        '<ul class="errorlist" id="id_leaders-1-name_error">'
        "<li>Key leaders, leader 2: give this leader&#x27;s name.</li></ul>"
    ) in html
    assert form_data(response)["leaders-1-role"] == "is the spokesman"
    assert ChangeRequest.objects.count() == 1


def test_a_new_note_backs_a_new_footnote_mark(editor_client, editor, profile):
    source = SourceFactory()
    note = "C. Author, “Second report,” *Example Review*, 2020. (<https://example.org/second>)"
    data = form_data(editor_client.get(edit_url(profile)))
    data.update(
        {
            "background-1-text": "Fact 2.",
            "background-1-citations": "2",
            "cite-background-sources": f"#{source.pk}",
            "citations-1-number": "2",
            "citations-1-text": note,
            "summary": "Second fact",
        }
    )

    response = editor_client.post(edit_url(profile), data)

    assert response.status_code == 302
    changes = {
        c.field: c for c in ChangeRequest.objects.get(author=editor).changes.all()
    }
    assert set(changes) == {"background", "citations"}
    assert changes["background"].value == "A small test group. Fact 1.¹ Fact 2.²"
    assert changes["citations"].value == [
        {"number": 1, "text": data["citations-0-text"]},
        {"number": 2, "text": note},
    ]
    assert {s.url for s in changes["citations"].sources.all()} == {
        NOTE_1_URL,
        "https://example.org/second",
    }


def test_notes_are_kept_in_number_order_whatever_the_rows(
    editor_client, editor, profile
):
    data = form_data(editor_client.get(edit_url(profile)))
    data.update(
        {
            "citations-0-number": "2",
            "citations-1-number": "1",
            "citations-1-text": "Commentary only, cited by nothing yet.",
            "cite-citations-notes": "1",
            "summary": "Renumber",
        }
    )

    response = editor_client.post(edit_url(profile), data)

    assert response.status_code == 302
    change = ChangeRequest.objects.get(author=editor).changes.get()
    assert [note["number"] for note in change.value] == [1, 2]
    assert change.value[0]["text"] == "Commentary only, cited by nothing yet."


def test_a_citation_of_a_note_the_profile_lacks_is_refused(editor_client, profile):
    source = SourceFactory()
    data = form_data(editor_client.get(edit_url(profile)))
    data.update(
        {
            "background-1-text": "Fact 3.",
            "background-1-citations": "3",
            "cite-background-sources": f"#{source.pk}",
            "summary": "Third fact",
        }
    )

    response = editor_client.post(edit_url(profile), data)

    assert (
        '<ul class="errorlist" id="id_background-1-citations_error">'
        "<li>Background and analysis, claim 2: note 3 is not a note of this "
        "profile: pick one from the list.</li></ul>"
    ) in html_of(response)
    assert ChangeRequest.objects.count() == 1


def test_new_profile_is_proposed_for_review(editor_client, editor):
    data = form_data(editor_client.get(reverse("profiles:new")))
    data.update(
        {
            "name": "كتائب الاختبار",
            "cite-name-url": NEW_URL,
            "cite-name-title": "A new group appears",
            "summary": "New group",
        }
    )

    response = editor_client.post(reverse("profiles:new"), data)

    change_request = ChangeRequest.objects.get(author=editor)
    assert response.url == reverse("review:detail", args=[change_request.pk])
    assert change_request.profile is None
    assert change_request.base_version == 0
    change = change_request.changes.get()
    assert (change.field, change.value) == ("name", "كتائب الاختبار")
    assert [s.url for s in change.sources.all()] == [NEW_URL]


def test_concurrent_editors_each_keep_their_base_version(
    client, editor, reviewer, profile
):
    other = editor_user(username="other")
    client.force_login(other)
    data = form_data(client.get(edit_url(profile)))
    approve(propose(profile, editor, size=["About 900 fighters in 2021"]), reviewer)
    data.update(
        {
            "english_name": "Test Brigade",
            "cite-english_name-notes": "1",
            "summary": "Gloss",
        }
    )

    response = client.post(edit_url(profile), data)

    assert response.status_code == 302
    change_request = ChangeRequest.objects.get(author=other)
    assert change_request.base_version == 1
    assert [c.field for c in change_request.changes.all()] == ["english_name"]


# The author's own request --------------------------------------------------------


def test_author_edits_their_pending_request(editor_client, editor, profile):
    change_request = propose(profile, editor, size=["About 900 fighters in 2021"])
    source = change_request.changes.get().sources.get()
    url = reverse("review:edit", args=[change_request.pk])

    response = editor_client.get(url)

    data = form_data(response)
    assert data["size-0-text"] == "About 900 fighters in 2021"
    assert data["cite-size-sources"] == f"#{source.pk}"
    assert data["summary"] == "Update"
    assert data["base_version"] == "1"
    assert data["name"] == "Test Brigade"
    assert f"<title>Edit change request #{change_request.pk}" in html_of(response)
    assert (
        '<details class="citation-block" id="cite-size" data-for="size-set" open>'
        in html_of(response)
    )

    data.update(
        {"size-0-text": "About 950 fighters in 2021", "summary": "Revised size"}
    )
    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert response.url == reverse("review:detail", args=[change_request.pk])
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.summary == "Revised size"
    change = change_request.changes.get()
    assert change.value == ["About 950 fighters in 2021"]
    assert list(change.sources.all()) == [source]
    assert ChangeRequest.objects.count() == 2


def test_author_reworks_the_fields_sent_back_to_them(
    editor_client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    workflow.approve(
        change_request,
        reviewer=reviewer,
        decisions={
            "weapons": workflow.FieldDecision(False, "Which rifles?", send_back=True)
        },
    )
    follow_up = ChangeRequest.objects.get(status=ChangeRequest.Status.CHANGES_REQUESTED)
    source = follow_up.changes.get().sources.get()
    url = reverse("review:edit", args=[follow_up.pk])

    data = form_data(editor_client.get(url))

    assert (data["size-0-text"], data["weapons-0-text"], data["base_version"]) == (
        "Bigger",
        "Rifles",
        "2",
    )
    assert data["cite-weapons-sources"] == f"#{source.pk}"
    data.update({"weapons-0-text": "AK-47 rifles", "summary": "Rifles named"})
    assert editor_client.post(url, data).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == ChangeRequest.Status.PENDING
    assert list(follow_up.changes.values_list("field", "value", "decision")) == [
        ("weapons", ["AK-47 rifles"], "pending")
    ]


def test_author_edits_a_new_profile_request_from_empty_values(editor_client, editor):
    change_request = propose(None, editor, name="Kataib Test")
    url = reverse("review:edit", args=[change_request.pk])

    data = form_data(editor_client.get(url))

    assert data["name"] == "Kataib Test"
    assert data["size-0-text"] == ""
    assert data["base_version"] == "0"
    data.update(english_name="Test Battalions", summary="With gloss")
    data["cite-english_name-sources"] = data["cite-name-sources"]
    assert editor_client.post(url, data).status_code == 302
    assert {c.field: c.value for c in change_request.changes.all()} == {
        "name": "Kataib Test",
        "english_name": "Test Battalions",
    }


def test_only_the_author_edits_a_request(client, editor, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(editor_user(username="other"))

    response = client.get(reverse("review:edit", args=[change_request.pk]))

    assert response.status_code == 403


def test_a_decided_request_cannot_be_edited(editor_client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    approve(change_request, reviewer)

    response = editor_client.get(reverse("review:edit", args=[change_request.pk]))

    assert response.status_code == 403


# Withdrawing -------------------------------------------------------------------


def test_author_withdraws_their_request(editor_client, editor, profile):
    change_request = propose(profile, editor, size=["Bigger"])

    response = editor_client.post(reverse("review:withdraw", args=[change_request.pk]))

    assert response.status_code == 302
    assert response.url == reverse("review:mine")
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.WITHDRAWN
    assert messages_of(response) == [
        f"Change request #{change_request.pk} is withdrawn."
    ]


def test_withdraw_needs_a_post(editor_client, editor, profile):
    change_request = propose(profile, editor, size=["Bigger"])

    response = editor_client.get(reverse("review:withdraw", args=[change_request.pk]))

    assert response.status_code == 405
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING


def test_only_the_author_withdraws(client, editor, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(editor_user(username="other"))

    response = client.post(reverse("review:withdraw", args=[change_request.pk]))

    assert response.status_code == 403
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING


def test_withdrawing_a_decided_request_says_why_not(
    editor_client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"])
    approve(change_request, reviewer)

    response = editor_client.post(reverse("review:withdraw", args=[change_request.pk]))

    assert response.url == reverse("review:detail", args=[change_request.pk])
    assert messages_of(response) == ["Cannot withdraw a request that is approved."]


# Reverting ---------------------------------------------------------------------


@pytest.fixture
def version_two(editor, reviewer, profile):
    approve(
        propose(profile, editor, size=["Bigger"], english_name="The Brigade"),
        reviewer,
    )
    return profile


def test_editor_proposes_restoring_a_version(editor_client, editor, version_two):
    url = reverse("profiles:revert", args=[version_two.slug])

    response = editor_client.post(url, {"version": "1"})

    change_request = ChangeRequest.objects.get(origin=ChangeRequest.Origin.REVERT)
    assert response.url == reverse("review:detail", args=[change_request.pk])
    assert change_request.author == editor
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.summary == "Restore all fields from version 1"
    changes = {c.field: c.value for c in change_request.changes.all()}
    # Approving version 2 gave its new source a note: restoring drops it.
    assert changes == {
        "english_name": "",
        "size": ["About 500 fighters in 2019"],
        "citations": workflow.version_values(version_two, 1)["citations"],
    }
    assert len(changes["citations"]) == 1
    assert messages_of(response) == ["Your change is waiting for review."]


def test_editor_proposes_restoring_one_field(editor_client, version_two):
    url = reverse("profiles:revert", args=[version_two.slug])

    editor_client.post(url, {"version": "1", "field": "size"})

    change_request = ChangeRequest.objects.get(origin=ChangeRequest.Origin.REVERT)
    assert [c.field for c in change_request.changes.all()] == ["size"]
    assert change_request.summary == "Restore size from version 1"


def test_restoring_the_published_version_changes_nothing(editor_client, version_two):
    url = reverse("profiles:revert", args=[version_two.slug])

    response = editor_client.post(url, {"version": "2"})

    assert response.url == reverse("profiles:history", args=[version_two.slug])
    assert messages_of(response) == ["Version 2 is the same as the published one."]
    assert not ChangeRequest.objects.filter(origin="revert").exists()


def test_restoring_an_unknown_version_is_not_found(editor_client, version_two):
    url = reverse("profiles:revert", args=[version_two.slug])

    assert editor_client.post(url, {"version": "9"}).status_code == 404


def test_revert_needs_a_signed_in_editor(client, version_two):
    url = reverse("profiles:revert", args=[version_two.slug])

    response = client.post(url, {"version": "1"})
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"

    client.force_login(UserFactory(username="reader"))
    assert client.post(url, {"version": "1"}).status_code == 403
    assert not ChangeRequest.objects.filter(origin="revert").exists()


def test_revert_needs_a_post(editor_client, version_two):
    url = reverse("profiles:revert", args=[version_two.slug])

    assert editor_client.get(url).status_code == 405


# Bounds (profiles.limits) ------------------------------------------------------


def post_edit(client, profile, changes: dict):
    """Posts the edit form as the page fills it, with `changes` on top and a
    new source cited for each changed field that names none."""
    data = form_data(client.get(edit_url(profile)))
    source = SourceFactory()
    data.update(changes)
    for key in changes:
        name = key.split("-")[0]
        if name in FIELDS and f"cite-{name}-sources" not in changes:
            data[f"cite-{name}-sources"] = f"#{source.pk}"
    data["summary"] = changes.get("summary", "Bounds")
    return client.post(edit_url(profile), data)


def field_errors(response, name: str) -> list[str]:
    """The errors beside a field of the profile form, or of a row ("size-0-text")."""
    edit = response.context["edit"]
    section, _, rest = name.partition("-")
    if section in edit.sections:
        index, _, field = rest.partition("-")
        return list(edit.sections[section].forms[int(index)].errors.get(field, []))
    return list(edit.form.errors.get(name, []))


def test_a_name_over_200_characters_is_refused_beside_the_field(editor_client, profile):
    response = post_edit(editor_client, profile, {"name": "N" * 201})

    assert field_errors(response, "name") == [
        "Ensure this value has at most 200 characters (it has 201)."
    ]
    assert ChangeRequest.objects.count() == 1


def test_a_field_over_the_size_limit_is_refused_beside_the_field(
    editor_client, profile
):
    response = post_edit(editor_client, profile, {"background-0-text": "x" * 100_001})

    assert field_errors(response, "background-0-text") == [
        "Background and analysis, claim 1: this field is 100,001 characters long; "
        "the most is 100,000."
    ]
    assert ChangeRequest.objects.count() == 1


def test_a_list_over_the_size_limit_is_refused_beside_the_field(
    editor_client, profile, settings
):
    settings.PROFILE_LIMITS = {"list_items": 2, "field_chars": 30}

    response = post_edit(
        editor_client,
        profile,
        {
            "weapons-TOTAL_FORMS": "3",
            "weapons-0-text": "Rifles",
            "weapons-1-text": "Mortars",
            "weapons-2-text": "Drones",
        },
    )
    assert list(response.context["edit"].sections["weapons"].non_form_errors()) == [
        "There can be at most 2 claims: remove some."
    ]
    response = post_edit(
        editor_client, profile, {"size-0-text": "a" * 20, "size-1-text": "b" * 20}
    )
    assert response.context["edit"].list_errors["size"] == [
        "This list is 41 characters long; the most is 30."
    ]
    assert ChangeRequest.objects.count() == 1


def test_text_inputs_carry_the_size_limit_as_maxlength(editor_client, profile):
    html = html_of(editor_client.get(edit_url(profile)))

    assert re.search(
        r'<textarea name="background-0-text"[^>]* maxlength="100000"', html
    )
    assert re.search(r'<textarea name="weapons-0-text"[^>]* maxlength="100000"', html)
    assert re.search(r'<input type="text" name="leaders-0-role"[^>]* maxlength', html)
    assert re.search(r'<input type="text" name="name"[^>]* maxlength="200"', html)
    assert re.search(
        r'<input type="number" name="citations-0-number"[^>]* max="100000"', html
    )


@pytest.mark.parametrize(
    ("character", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x85", "U+0085")]
)
def test_a_control_character_is_refused_beside_the_field(
    editor_client, profile, character, code
):
    response = post_edit(
        editor_client,
        profile,
        {
            "background-0-text": f"Te{character}xt",
            "leaders-0-role": f"le{character}ads",
        },
    )

    message = f"remove the control character {code}: text cannot hold it."
    assert field_errors(response, "background-0-text") == [
        f"Background and analysis, claim 1: {message}"
    ]
    assert response.context["edit"].leaders.forms[0].errors == {
        "role": [f"Key leaders, leader 1: {message}"]
    }
    assert ChangeRequest.objects.count() == 1


def test_a_note_number_past_the_limit_is_refused_beside_it(editor_client, profile):
    response = post_edit(
        editor_client,
        profile,
        {"citations-1-number": str(2**31), "citations-1-text": "Commentary."},
    )

    notes = response.context["edit"].notes
    assert notes.forms[1].errors == {"number": ["Notes are numbered 1 to 100,000."]}
    assert ChangeRequest.objects.count() == 1


def test_a_footnote_mark_of_thousands_of_digits_is_refused_beside_the_field(
    editor_client, profile
):
    mark = "¹" * 5000

    response = post_edit(
        editor_client, profile, {"background-0-text": f"A fact.{mark}"}
    )

    assert field_errors(response, "background-0-text") == [
        "Background and analysis, claim 1: pick notes under Citations instead of "
        "typing marks."
    ]
    assert ChangeRequest.objects.count() == 1


def test_a_base_version_past_the_database_integer_is_refused(editor_client, profile):
    response = post_edit(
        editor_client, profile, {"english_name": "Brigade", "base_version": str(2**31)}
    )

    assert field_errors(response, "base_version") == [
        "Ensure this value is less than or equal to 2147483647."
    ]
    assert ChangeRequest.objects.count() == 1


def test_ten_thousand_rows_are_refused_without_building_them(editor_client, profile):
    response = post_edit(
        editor_client,
        profile,
        {"leaders-TOTAL_FORMS": "10000", "citations-TOTAL_FORMS": "10000"},
    )

    edit = response.context["edit"]
    assert edit.leaders.non_form_errors() == [
        "There can be at most 500 leaders: remove some."
    ]
    assert edit.notes.non_form_errors() == [
        "There can be at most 2000 notes: remove some."
    ]
    # The rows the page had: the profile's one leader and note, and blank ones.
    assert (len(edit.leaders.forms), len(edit.notes.forms)) == (2, 3)
    assert "Key leaders: There can be at most 500 leaders: remove some." in (
        html_of(response)
    )
    assert ChangeRequest.objects.count() == 1


def test_more_leaders_or_notes_than_the_limit_are_refused(
    editor_client, profile, settings
):
    settings.PROFILE_LIMITS = {"leaders": 2, "citations": 1}

    response = post_edit(
        editor_client,
        profile,
        {
            "leaders-TOTAL_FORMS": "3",
            "leaders-1-name": "Second",
            "leaders-2-name": "Third",
            "citations-TOTAL_FORMS": "2",
            "citations-1-number": "2",
            "citations-1-text": "Commentary.",
        },
    )

    edit = response.context["edit"]
    assert edit.leaders.non_form_errors() == [
        "There can be at most 2 leaders: remove some."
    ]
    assert edit.notes.non_form_errors() == [
        "There can be at most 1 notes: remove some."
    ]
    assert ChangeRequest.objects.count() == 1


def test_more_sources_for_one_field_than_the_limit_are_refused(
    editor_client, profile, settings
):
    settings.PROFILE_LIMITS = {"sources": 2}
    picked = "; ".join(f"#{SourceFactory().pk}" for _ in range(3))

    response = post_edit(
        editor_client,
        profile,
        {"english_name": "Brigade", "cite-english_name-sources": picked},
    )

    assert response.context["edit"].citations["english_name"].errors == {
        "sources": ["3 sources for one change; the most is 2."]
    }
    assert ChangeRequest.objects.count() == 1
