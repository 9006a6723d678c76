"""The claim editor of the edit form, through the test client (no script):
every section a formset of claim rows that give back their text exactly
when left alone, new claims citing notes with locators, statuses and
partial dates, every error at once naming its row, reordering and removing,
the preview that writes nothing, and drafts that only their author sees."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import claims
from profiles.document import parse
from profiles.forms import NOTE_LIST_MOST
from profiles.models import ChangeRequest, EditDraft
from profiles.serializers import document_values, profile_values
from sources.models import Source
from tests.factories import (
    SourceFactory,
    editor_user,
    publish_change,
    publish_profile,
    publish_values,
)
from tests.factories import profile_values as factory_values
from tests.pages import html_of, text_of
from tests.profiles.test_editing import form_data, messages_of, propose
from tests.suppressing import HIDDEN_BULLET, SECRET, hide_secret, profile_with_secret

pytestmark = pytest.mark.django_db

NOTE = "A. Writer, “Report {n},” *Example Review*, March 2019. (<https://example.org/reports/{n}>)"


def note(n: int) -> dict:
    return {"number": n, "text": NOTE.format(n=n)}


@pytest.fixture
def rich():
    """A profile whose claims carry every part the text layout can: marks
    apart and inside the words, statuses, dates, locators, paragraphs."""
    values = factory_values("Rich Brigade", leaders=0, notes=0)
    values.update(
        founding=[
            "Group claims 2011¹ [claimed by the group; review by 2027-06]",
            "Likely 2012 or later² ¹",
        ],
        size=[
            "Roughly 3,000 fighters.⁶ [reported; as of 2017-01/2017-04; note 6, p. 12]",
            "About 500 fighters in 2019",
        ],
        background=(
            "Aleppo-based, part of the LDF network. It was named¹ for the"
            " imam, and fights in Aleppo.² Its chief is Khalid.⁶\n\n"
            "Unsourced paragraph of its own.\n\n"
            "Said to have 251 martyrs.² [claimed by the group; as of 2016]"
        ),
        leaders=[
            {
                "name": "Khalid al-Hassan",
                "aliases": ["Khalid Baqir"],
                "role": "is the top commander¹ [reported; as of 2019]",
            },
            {"name": "Hamza", "aliases": [], "role": "leads a unit"},
        ],
        citations=[note(1), note(2), note(6)],
    )
    return publish_values(values)


@pytest.fixture
def seed(seed_text):
    return publish_values(document_values(parse(seed_text)))


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def edit_url(profile) -> str:
    return reverse("profiles:edit", args=[profile.slug])


def problems(response) -> list[str]:
    return [message for _, message in response.context["edit"].error_summary]


def change_values(editor) -> dict:
    change_request = ChangeRequest.objects.get(author=editor)
    return {change.field: change.value for change in change_request.changes.all()}


# Rows left alone ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rich", "seed"])
def test_the_form_posted_as_rendered_gives_back_every_value_exactly(
    editor_client, request, name
):
    profile = request.getfixturevalue(name)
    data = form_data(editor_client.get(edit_url(profile)))
    data["summary"] = "Nothing"

    response = editor_client.post(edit_url(profile), data)

    assert problems(response) == ["You have not changed anything."]
    edit = response.context["edit"]
    profile.refresh_from_db()
    assert edit.values() == profile_values(profile)
    assert ChangeRequest.objects.filter(origin="edit").count() == 0


def test_each_section_is_a_row_per_claim_with_its_parts(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))

    assert data["founding-TOTAL_FORMS"] == "3"  # two claims, one blank row
    assert data["founding-0-text"] == "Group claims 2011"
    assert data["founding-0-citations"] == "1"
    assert data["founding-0-status"] == "claimed by the group"
    assert data["founding-0-review_by"] == "2027-06-01"
    assert data["founding-1-citations"] == ["1", "2"]
    assert data["size-0-text"] == "Roughly 3,000 fighters."
    assert data["size-0-locators"] == "6: p. 12"
    assert data["size-0-as_of"] == "early 2017"
    assert data["background-0-text"] == (
        "Aleppo-based, part of the LDF network. It was named for the imam, and "
        "fights in Aleppo."
    )
    assert data["background-0-citations"] == ["1", "2"]
    assert data["background-1-citations"] == "6"
    assert "background-1-paragraph" not in data
    assert data["background-2-paragraph"] == "on"
    assert data["background-3-paragraph"] == "on"
    assert data["leaders-0-role"] == "is the top commander"
    assert data["leaders-0-as_of"] == "2019"
    assert data["leaders-0-status"] == "reported"


def test_changing_one_claim_leaves_the_others_as_written(editor_client, editor, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "background-0-status": "disputed",
            "summary": "Disputed",
            "cite-background-sources": f"#{SourceFactory().pk}",
        }
    )

    response = editor_client.post(edit_url(rich), data)

    assert response.status_code == 302
    assert change_values(editor) == {
        "background": (
            "Aleppo-based, part of the LDF network. It was named¹ for the"
            " imam, and fights in Aleppo.² [disputed] Its chief is Khalid.⁶\n\n"
            "Unsourced paragraph of its own.\n\n"
            "Said to have 251 martyrs.² [claimed by the group; as of 2016]"
        )
    }


# New claims ---------------------------------------------------------------------------


def test_a_new_claim_cites_two_notes_with_a_locator_and_a_partial_date(
    editor_client, editor, rich
):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "size-2-text": "Some 4,000 fighters",
            "size-2-citations": ["2", "6"],
            "size-2-locators": "6: para 3",
            "size-2-status": "reported",
            "size-2-as_of": "early 2017",
            "summary": "A larger estimate",
        }
    )

    response = editor_client.post(edit_url(rich), data)

    assert response.status_code == 302
    assert messages_of(response) == ["Your change is waiting for review."]
    changes = change_values(editor)
    assert list(changes) == ["size"]
    assert changes["size"][:2] == rich_size()
    line = changes["size"][2]
    assert (
        line
        == "Some 4,000 fighters² ⁶ [reported; as of 2017-01/2017-04; note 6, para 3]"
    )
    claim = claims.parse_bullet(line)
    assert claim.text == "Some 4,000 fighters"
    assert claim.citations == (claims.Citation(2), claims.Citation(6, "para 3"))
    assert claim.status == claims.Status.REPORTED
    assert claim.as_of == "2017-01/2017-04"
    # The notes the new claim cites are the change's sources.
    change = ChangeRequest.objects.get(author=editor).changes.get()
    assert {source.url for source in change.sources.all()} == {
        "https://example.org/reports/2",
        "https://example.org/reports/6",
    }


def rich_size() -> list[str]:
    return [
        "Roughly 3,000 fighters.⁶ [reported; as of 2017-01/2017-04; note 6, p. 12]",
        "About 500 fighters in 2019",
    ]


def test_a_new_prose_claim_starts_a_paragraph_when_asked(editor_client, editor, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "background-4-text": "A closing remark.",
            "background-4-citations": "6",
            "background-4-paragraph": "on",
            "background-4-review_by": "2027-01-31",
            "summary": "Closing",
        }
    )

    assert editor_client.post(edit_url(rich), data).status_code == 302

    assert change_values(editor)["background"].endswith(
        "as of 2016]\n\nA closing remark.⁶ [review by 2027-01-31]"
    )


def test_a_leader_role_gets_its_citations_and_status(editor_client, editor, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "leaders-1-citations": ["1", "2"],
            "leaders-1-status": "unverified",
            "summary": "Hamza's unit",
        }
    )

    assert editor_client.post(edit_url(rich), data).status_code == 302

    leaders = change_values(editor)["leaders"]
    assert leaders[0]["role"] == "is the top commander¹ [reported; as of 2019]"
    assert leaders[1] == {
        "name": "Hamza",
        "aliases": [],
        "role": "leads a unit¹ ² [unverified]",
    }


def test_a_note_added_in_the_same_submission_can_be_cited(editor_client, editor, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "citations-3-number": "7",
            "citations-3-text": "B. Reporter, “Count,” *Example News*, 2020. (<https://example.net/count>)",
            "founding-2-text": "Founded in Aleppo",
            "founding-2-citations": "7",
            "summary": "Place of founding",
        }
    )

    response = editor_client.post(edit_url(rich), data)

    assert response.status_code == 302
    changes = change_values(editor)
    assert changes["founding"][-1] == "Founded in Aleppo⁷"
    assert [row["number"] for row in changes["citations"]] == [1, 2, 6, 7]
    founding = ChangeRequest.objects.get(author=editor).changes.get(field="founding")
    assert [s.url for s in founding.sources.all()] == ["https://example.net/count"]


def test_a_work_of_the_bibliography_becomes_a_note_a_claim_cites(
    editor_client, editor, rich
):
    work = SourceFactory(
        title="Counting the brigade",
        url="https://example.net/counting",
        published_at="2020-01-01T00:00:00Z",
    )
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "citations-3-number": "7",
            "citations-3-work": f"#{work.pk} · Counting the brigade",
            "size-2-text": "About 4,000",
            "size-2-citations": "7",
            "summary": "Counted",
        }
    )

    response = editor_client.post(edit_url(rich), data)

    assert response.status_code == 302
    notes = change_values(editor)["citations"]
    assert notes[-1]["number"] == 7
    assert "Counting the brigade" in notes[-1]["text"]
    assert "https://example.net/counting" in notes[-1]["text"]


# Refusals -----------------------------------------------------------------------------


def test_typed_footnote_marks_are_refused_naming_the_section_and_row(
    editor_client, rich
):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"founding-1-text": "Likely 2012 or later²", "summary": "Marks"})

    response = editor_client.post(edit_url(rich), data)

    assert problems(response) == [
        "Founding, claim 2: pick notes under Citations instead of typing marks."
    ]
    assert (
        '<ul class="errorlist" id="id_founding-1-text_error"><li>Founding, claim 2: '
        "pick notes under Citations instead of typing marks.</li></ul>"
    ) in html_of(response)
    assert ChangeRequest.objects.filter(origin="edit").count() == 0


def test_an_as_of_ending_before_it_starts_is_refused_naming_the_row(
    editor_client, rich
):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"founding-1-as_of": "2018/2016", "summary": "When"})

    response = editor_client.post(edit_url(rich), data)

    assert problems(response) == [
        "Founding, claim 2: as of “2018/2016”: ends before it starts."
    ]


def test_an_as_of_that_is_no_date_is_refused_naming_the_row(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"size-1-as_of": "sometime soon", "summary": "When"})

    response = editor_client.post(edit_url(rich), data)

    assert problems(response) == [
        "Size, claim 2: as of “sometime soon” is not a date: write it as “2017”, "
        "“2017-09”, “early 2017”, “2016?” or “2016/2018”."
    ]
    assert ChangeRequest.objects.filter(origin="edit").count() == 0


def test_every_error_shows_in_one_round(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "founding-0-text": "Group claims 2011¹",
            "size-1-as_of": "soon",
            "size-0-locators": "9: p. 4",
            "leaders-2-role": "the spokesman",
            "weapons-0-status": "reported",
            "summary": "",
        }
    )
    del data["background-0-citations"]  # an unsourced claim before another

    response = editor_client.post(edit_url(rich), data)

    found = problems(response)
    assert found[:1] == [
        "Founding, claim 1: pick notes under Citations instead of typing marks."
    ]
    assert (
        "Size, claim 1: note 9 has a locator but is not among this claim's citations."
        in found
    )
    assert any(m.startswith("Size, claim 2: as of “soon” is not a date") for m in found)
    assert "Key leaders, leader 3: give this leader's name." in found
    assert "Weapons, claim 1: write the claim, or tick Remove." in found
    assert "Edit summary: Say in a few words what this change does." in found
    assert (
        "Background and analysis, claim 1: this claim has no citation, status or "
        "date to end it, so it runs into the next one: cite a note, or tick “New "
        "paragraph” on the next claim."
    ) in found
    assert ChangeRequest.objects.filter(origin="edit").count() == 0
    # Sections with problems are unfolded; the others stay folded.
    html = html_of(response)
    assert html.count('<details class="claim-block" open>') == 5


def test_a_claim_citing_a_note_being_removed_is_refused(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"citations-2-DELETE": "on", "summary": "Drop note 6"})

    response = editor_client.post(edit_url(rich), data)

    found = problems(response)
    for row in ("Size, claim 1", "Background and analysis, claim 2"):
        assert (
            f"{row}: note 6 is removed under Notes: keep the note, or pick another."
            in found
        )
    assert ChangeRequest.objects.filter(origin="edit").count() == 0


def test_a_claim_cannot_end_in_a_bracket_that_reads_as_a_status(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"size-2-text": "More fighters [reported]", "summary": "More"})

    response = editor_client.post(edit_url(rich), data)

    assert problems(response) == [
        "Size, claim 3: this claim would not read back as written: its words "
        "cannot end in a bracket that reads as a status or a date, such as "
        "“[reported]”."
    ]


def test_an_altered_original_is_refused_rather_than_read(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"size-1-written": "About 500" + "¹" * 5000, "summary": "x"})

    response = editor_client.post(edit_url(rich), data)

    assert problems(response) == [
        "Size, claim 2: this row's original text has been altered; open the edit "
        "page again."
    ]


# Moving and removing ------------------------------------------------------------------


def test_claims_are_reordered_by_their_positions(editor_client, editor, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "size-0-ORDER": "2",
            "size-1-ORDER": "1",
            "cite-size-sources": f"#{SourceFactory().pk}",
            "summary": "Order",
        }
    )

    assert editor_client.post(edit_url(rich), data).status_code == 302

    assert change_values(editor) == {"size": rich_size()[::-1]}


def test_a_removed_claim_is_left_out(editor_client, editor, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "founding-0-DELETE": "on",
            "founding-0-text": "Anything¹",  # a removed row is not checked
            "cite-founding-sources": f"#{SourceFactory().pk}",
            "summary": "Drop",
        }
    )

    assert editor_client.post(edit_url(rich), data).status_code == 302

    assert change_values(editor) == {"founding": ["Likely 2012 or later² ¹"]}


def test_a_change_citing_no_source_is_refused_beside_its_section(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"size-1-text": "About 600 fighters in 2019", "summary": "600"})

    response = editor_client.post(edit_url(rich), data)

    assert problems(response) == ["Size: Cite at least one source for this change."]


# Preview ------------------------------------------------------------------------------


ROWS = (ChangeRequest, EditDraft, Source)


def counts() -> list[int]:
    return [model.objects.count() for model in ROWS]


def test_preview_shows_the_changed_sections_and_writes_nothing(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "size-2-text": "Some 4,000 fighters",
            "size-2-citations": ["2", "6"],
            "size-2-as_of": "early 2017",
            "action": "preview",
        }
    )
    before = counts()

    response = editor_client.post(edit_url(rich), data)

    assert counts() == before
    html = html_of(response)
    preview = html[html.index('id="preview-size"') :]
    preview = preview[: preview.index("</div>")]
    assert "<h3>Preview of Size</h3>" in preview
    assert [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", preview)] == [
        "Roughly 3,000 fighters.6 (reported; as of early 2017; note 6: p. 12)",
        "About 500 fighters in 2019 unsourced: this fact cites no note",
        "Some 4,000 fighters2 6 (as of early 2017)",
    ]
    assert '<sup class="fn">2</sup> <sup class="fn">6</sup>' in preview
    assert (
        '<div class="claim-preview" id="preview-founding" '
        'data-preview-for="founding"></div>'
    ) in html
    assert '<details class="claim-block" open>' in html  # the changed section
    # The page keeps what was typed; no error is shown for the missing summary.
    assert form_data(response)["size-2-text"] == "Some 4,000 fighters"
    assert problems(response) == []


def test_preview_fragment_is_the_previews_alone(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {"background-0-status": "disputed", "action": "preview", "fragment": "1"}
    )
    before = counts()

    response = editor_client.post(edit_url(rich), data)

    assert counts() == before
    html = html_of(response)
    assert "<form" not in html
    assert "<html" not in html
    assert html.count("data-preview-for=") == 12
    assert "(disputed)" in html
    assert (
        '<div class="claim-preview" id="preview-size" data-preview-for="size"></div>'
        in html
    )


def test_preview_of_an_invalid_section_shows_its_errors_instead(editor_client, rich):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update({"size-1-text": "Marked¹", "action": "preview"})

    response = editor_client.post(edit_url(rich), data)

    assert response.context["previews"] == []
    assert problems(response) == [
        "Size, claim 2: pick notes under Citations instead of typing marks."
    ]


# Drafts -------------------------------------------------------------------------------


def save_draft(client, profile, **changes):
    data = form_data(client.get(edit_url(profile)))
    data.update({**changes, "action": "save_draft"})
    return client.post(edit_url(profile), data)


def test_a_draft_is_saved_restored_and_discarded(editor_client, editor, rich):
    response = save_draft(
        editor_client,
        rich,
        **{"size-2-text": "Half-written claim", "size-2-as_of": "2017?"},
    )

    assert response.status_code == 302
    assert response.url == edit_url(rich)
    draft = EditDraft.objects.get()
    assert (draft.user, draft.profile) == (editor, rich)
    assert draft.data["size-2-text"] == ["Half-written claim"]
    assert "csrfmiddlewaretoken" not in draft.data
    assert "action" not in draft.data
    assert ChangeRequest.objects.filter(origin="edit").count() == 0

    response = editor_client.get(edit_url(rich))

    html = html_of(response)
    assert "This is your draft, saved on" in html
    assert (
        '<button type="submit" name="action" value="discard_draft">'
        "Discard draft</button>"
    ) in html
    restored = form_data(response)
    assert restored["size-2-text"] == "Half-written claim"
    assert restored["size-2-as_of"] == "2017?"
    assert problems(response) == []  # the missing summary waits for the submit
    assert 'class="errorlist' not in html

    response = editor_client.post(edit_url(rich), {"action": "discard_draft"})

    assert response.url == edit_url(rich)
    assert not EditDraft.objects.exists()
    assert "This is your draft" not in html_of(editor_client.get(edit_url(rich)))


def test_saving_again_replaces_the_draft(editor_client, rich):
    save_draft(editor_client, rich, **{"size-2-text": "First"})
    save_draft(editor_client, rich, **{"size-2-text": "Second"})

    assert [d.data["size-2-text"] for d in EditDraft.objects.all()] == [["Second"]]


def test_a_draft_is_seen_and_discarded_by_its_author_alone(client, editor, rich):
    client.force_login(editor)
    save_draft(client, rich, **{"size-2-text": "Mine alone"})
    other = editor_user(username="other")
    client.force_login(other)

    response = client.get(edit_url(rich))

    html = html_of(response)
    assert "Mine alone" not in html
    assert "This is your draft" not in html
    client.post(edit_url(rich), {"action": "discard_draft"})
    assert EditDraft.objects.get().user == editor
    for url in (
        rich.get_absolute_url(),
        reverse("api:profile-detail", args=[rich.slug]),
    ):
        assert "Mine alone" not in client.get(url).content.decode()


def test_submitting_deletes_the_draft(editor_client, editor, rich):
    save_draft(
        editor_client, rich, **{"size-2-text": "About 4,000", "size-2-citations": "6"}
    )
    data = form_data(editor_client.get(edit_url(rich)))
    data["summary"] = "From my draft"

    response = editor_client.post(edit_url(rich), data)

    assert response.status_code == 302
    assert not EditDraft.objects.exists()
    assert change_values(editor)["size"][-1] == "About 4,000⁶"


def test_a_refused_submit_keeps_the_draft(editor_client, rich):
    save_draft(editor_client, rich, **{"size-2-text": "Draft"})
    data = form_data(editor_client.get(edit_url(rich)))

    editor_client.post(edit_url(rich), {**data, "summary": ""})

    assert EditDraft.objects.get().data["size-2-text"] == ["Draft"]


def test_a_draft_past_the_form_bounds_is_refused_naming_the_field(editor_client, rich):
    response = save_draft(
        editor_client,
        rich,
        **{"size-2-text": "x" * 100_001, "founding-1-locators": "a\x00"},
    )

    assert response.status_code == 200
    assert problems(response) == [
        "Your draft is not saved: Founding, claim 2: Remove the control character "
        "U+0000: text cannot hold it.",
        "Your draft is not saved: Size, claim 3: This field is 100,001 characters "
        "long; the most is 100,000.",
    ]
    assert not EditDraft.objects.exists()


def test_a_new_profile_has_a_draft_of_its_own(editor_client, editor):
    url = reverse("profiles:new")
    data = form_data(editor_client.get(url))
    data.update({"name": "Kataib Draft", "action": "save_draft"})

    editor_client.post(url, data)

    draft = EditDraft.objects.get()
    assert draft.profile is None
    assert form_data(editor_client.get(url))["name"] == "Kataib Draft"
    data.update(
        {
            "action": "submit",
            "summary": "New group",
            "cite-name-url": "https://example.net/new",
            "cite-name-title": "A new group",
        }
    )
    assert editor_client.post(url, data).status_code == 302
    assert not EditDraft.objects.exists()


def test_a_draft_begun_on_an_older_version_says_so(editor_client, rich):
    save_draft(editor_client, rich, **{"size-2-text": "Old draft"})
    publish_change(rich, weapons=["Rifles"])

    html = html_of(editor_client.get(edit_url(rich)))

    assert (
        "The profile has been published again since you started it (it is now "
        "version 2)"
    ) in html


def test_opening_the_form_writes_nothing(editor_client, rich):
    save_draft(editor_client, rich, **{"size-2-text": "Draft"})
    for url in (edit_url(rich), reverse("profiles:new")):
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        writes = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []


def test_drafts_are_only_for_the_edit_and_new_forms(editor_client, editor, rich):
    change_request = propose(rich, editor, size=["Bigger"])
    url = reverse("review:edit", args=[change_request.pk])

    html = html_of(editor_client.get(url))
    data = form_data(editor_client.get(url))
    editor_client.post(url, {**data, "action": "save_draft"})

    assert 'value="save_draft"' not in html
    assert not EditDraft.objects.exists()


# Profiles of many notes ---------------------------------------------------------------


def test_a_profile_of_many_notes_has_them_typed_by_number_in_the_order_typed(
    editor_client, editor
):
    profile = publish_profile("Many Notes", notes=NOTE_LIST_MOST + 1)
    data = form_data(editor_client.get(edit_url(profile)))
    html = html_of(editor_client.get(edit_url(profile)))

    assert '<select name="size-0-citations"' not in html
    assert re.search(r'<input type="text" name="background-0-citations"[^>]*>', html)
    assert data["background-0-citations"] == "1"
    data.update(
        {"size-1-text": "About 900", "size-1-citations": "51, 3", "summary": "x"}
    )

    assert editor_client.post(edit_url(profile), data).status_code == 302

    assert change_values(editor)["size"][-1] == "About 900⁵¹ ³"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("3, x", "write the notes' numbers, as in “6, 7” (not “x”)."),
        ("³", "write the notes' numbers, as in “6, 7” (not “³”)."),
        ("3, 99", "note 99 is not a note of this profile: pick one from the list."),
    ],
)
def test_typed_note_numbers_are_checked_naming_the_row(editor_client, typed, message):
    profile = publish_profile("Many Notes", notes=NOTE_LIST_MOST + 1)
    data = form_data(editor_client.get(edit_url(profile)))
    data.update({"size-1-text": "About 900", "size-1-citations": typed, "summary": "x"})

    response = editor_client.post(edit_url(profile), data)

    assert problems(response) == [f"Size, claim 2: {message}"]


# Hidden values ------------------------------------------------------------------------


def test_a_hidden_section_shows_its_notice_and_keeps_its_claims(editor_client, editor):
    profile = profile_with_secret()
    hide_secret(profile)
    html = html_of(editor_client.get(edit_url(profile)))
    data = form_data(editor_client.get(edit_url(profile)))

    assert SECRET not in html
    assert data["atrocities-0-text"].startswith("Hidden by a reviewer on ")
    response = editor_client.post(edit_url(profile), {**data, "summary": "Nothing"})
    assert problems(response) == ["You have not changed anything."]

    data.update(
        {"atrocities-1-text": "Shelled a market", "atrocities-1-citations": "1"}
    )
    response = editor_client.post(edit_url(profile), {**data, "summary": "Market"})

    assert response.status_code == 302
    assert change_values(editor) == {"atrocities": [HIDDEN_BULLET, "Shelled a market¹"]}


def test_a_graded_citation_keeps_its_grade_when_its_claim_changes(
    editor_client, editor
):
    values = factory_values("Graded Brigade", notes=6)
    values["size"] = ["Roughly 3,000.⁶ [reported; note 6 graded 2, p. 12]"]
    profile = publish_values(values)
    data = form_data(editor_client.get(edit_url(profile)))
    assert data["size-0-locators"] == "6: p. 12"
    data.update({"size-0-status": "disputed", "size-0-citations": ["1", "6"]})

    response = editor_client.post(edit_url(profile), {**data, "summary": "Disputed"})

    assert response.status_code == 302
    assert change_values(editor) == {
        "size": ["Roughly 3,000.⁶ ¹ [disputed; note 6 graded 2, p. 12]"]
    }


def test_a_claim_grades_the_credibility_of_each_note_it_cites(
    editor_client, editor, rich
):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "size-2-text": "Some 4,000 fighters",
            "size-2-citations": ["2", "6"],
            "size-2-grades": "2: 3; 6: 1",
            "summary": "Graded",
        }
    )

    response = editor_client.post(edit_url(rich), data)

    assert response.status_code == 302
    line = change_values(editor)["size"][2]
    assert line == "Some 4,000 fighters² ⁶ [note 2 graded 3; note 6 graded 1]"
    assert [c.credibility for c in claims.parse_bullet(line).citations] == [3, 1]


@pytest.mark.parametrize(
    ("grades", "error"),
    [
        ("6: 7", "note 6: a grade is 1 to 6 (the Admiralty scale), not “7”."),
        ("1: 2", "note 1 has a grade but is not among this claim's citations."),
        ("six", "write each grade as the note's number, a colon and 1 to 6"),
    ],
)
def test_a_bad_grade_is_refused_naming_the_row(
    editor_client, editor, rich, grades, error
):
    data = form_data(editor_client.get(edit_url(rich)))
    data.update(
        {
            "size-2-text": "Some 4,000 fighters",
            "size-2-citations": ["6"],
            "size-2-grades": grades,
            "summary": "Graded",
        }
    )

    response = editor_client.post(edit_url(rich), data)

    assert response.status_code == 200
    assert any(error in problem for problem in problems(response))
    assert not ChangeRequest.objects.filter(author=editor).exists()
