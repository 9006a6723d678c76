"""Publishers' grades: proposed by editors, decided by other reviewers, kept
in history (`profiles.workflow.publishers`); the publishers' pages; and
what readers see of the grades on a profile page (the label beside a note,
the `?support=` filter, the cached page moving on with a grade)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.workflow.publishers import (
    approve_publisher_grade,
    propose_publisher_grade,
    reject_publisher_grade,
)
from profiles.workflow.states import InvalidTransition, NotAllowed
from sources.models import Publisher, PublisherGradeProposal, Source
from tests.factories import (
    SourceFactory,
    editor_user,
    profile_values,
    publish_values,
    reviewer_user,
)
from tests.pages import html_of, queries_for, text_of

pytestmark = pytest.mark.django_db

REASON = "Corrects its errors in public and names its sources."


def grade(
    publisher, letter="B", *, kind="outlet", reason=REASON, by=None, approver=None
):
    """`publisher` graded `letter` the only way it is: proposed, approved."""
    proposal = propose_publisher_grade(
        publisher, by=by or editor_user(), grade=letter, kind=kind, reason=reason
    )
    return approve_publisher_grade(proposal, by=approver or reviewer_user())


@pytest.fixture
def publisher(db):
    return Publisher.objects.create(name="Example Review")


@pytest.fixture
def pending(publisher, editor):
    return propose_publisher_grade(
        publisher, by=editor, grade="B", kind="outlet", reason=REASON
    )


# The workflow -------------------------------------------------------------------


def test_a_proposal_changes_nothing_until_a_reviewer_approves_it(
    publisher, editor, reviewer
):
    proposal = propose_publisher_grade(
        publisher, by=editor, grade="b", kind="news_agency", reason=f"  {REASON} "
    )

    publisher.refresh_from_db()
    assert (publisher.grade, publisher.kind, publisher.reason) == ("", "", "")
    assert (proposal.status, proposal.grade, proposal.reason) == (
        "pending",
        "B",
        REASON,
    )

    approve_publisher_grade(proposal, by=reviewer, note="Agreed.")

    publisher.refresh_from_db()
    assert (publisher.grade, publisher.kind, publisher.reason) == (
        "B",
        "news_agency",
        REASON,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decision_note) == (
        "approved",
        reviewer,
        "Agreed.",
    )
    assert proposal.decided_at is not None


def test_the_history_keeps_every_grade_with_who_approved_it(publisher):
    first_reviewer = reviewer_user(username="first")
    second_reviewer = reviewer_user(username="second")
    first = grade(publisher, "C", approver=first_reviewer)
    second = grade(
        publisher, "B", reason="Better since 2020.", approver=second_reviewer
    )

    rows = list(publisher.history.order_by("history_id"))
    assert [(r.grade, r.history_user) for r in rows] == [
        ("", None),
        ("C", first_reviewer),
        ("B", second_reviewer),
    ]
    assert rows[2].history_change_reason == f"Grade proposal {second.pk} approved"
    assert list(
        publisher.grade_proposals.approved().values_list("pk", "grade", "reason")
    ) == [(first.pk, "C", REASON), (second.pk, "B", "Better since 2020.")]


def test_a_rejection_says_why_and_leaves_the_publisher_as_it_was(pending, reviewer):
    with pytest.raises(ValidationError) as error:
        reject_publisher_grade(pending, by=reviewer, note=" ")
    assert error.value.message_dict == {"note": ["Say why this grade is rejected."]}

    reject_publisher_grade(pending, by=reviewer, note="No evidence given.")

    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == ("rejected", "No evidence given.")
    publisher = Publisher.objects.get()
    assert publisher.grade == ""
    assert publisher.history.count() == 1


def test_nobody_decides_their_own_proposal(publisher):
    reviewer = reviewer_user(username="self")
    proposal = propose_publisher_grade(
        publisher, by=reviewer, grade="A", kind="outlet", reason=REASON
    )

    for decide, extra in [(approve_publisher_grade, {}), (reject_publisher_grade, {})]:
        with pytest.raises(NotAllowed, match="their own grade proposal"):
            decide(proposal, by=reviewer, note="Mine.", **extra)

    approve_publisher_grade(proposal, by=reviewer_user(username="other"))
    assert Publisher.objects.get().grade == "A"


def test_only_reviewers_decide(pending):
    with pytest.raises(NotAllowed, match="Only reviewers"):
        approve_publisher_grade(pending, by=editor_user(username="another"))
    with pytest.raises(NotAllowed, match="Only reviewers"):
        approve_publisher_grade(pending, by=AnonymousUser())
    assert PublisherGradeProposal.objects.get().status == "pending"


def test_anonymous_people_and_readers_cannot_propose(publisher):
    for user in (AnonymousUser(), reviewer_user(is_active=False)):
        with pytest.raises(NotAllowed, match="Only editors"):
            propose_publisher_grade(
                publisher, by=user, grade="B", kind="outlet", reason=REASON
            )
    assert not PublisherGradeProposal.objects.exists()


def test_one_proposal_waits_per_publisher(publisher, pending):
    with pytest.raises(InvalidTransition, match="waiting for review already"):
        propose_publisher_grade(
            publisher, by=editor_user(), grade="C", kind="outlet", reason="Other."
        )
    reject_publisher_grade(pending, by=reviewer_user(), note="No.")
    propose_publisher_grade(
        publisher, by=editor_user(), grade="C", kind="outlet", reason="Other."
    )
    assert PublisherGradeProposal.objects.pending().get().grade == "C"


def test_a_decided_proposal_is_not_decided_again(pending, reviewer):
    approve_publisher_grade(pending, by=reviewer)
    with pytest.raises(InvalidTransition, match="approved already"):
        approve_publisher_grade(pending, by=reviewer)
    with pytest.raises(InvalidTransition, match="approved already"):
        reject_publisher_grade(pending, by=reviewer, note="Too late.")
    assert Publisher.objects.get().history.count() == 2


def test_a_proposal_names_each_bad_field(publisher, editor):
    with pytest.raises(ValidationError) as error:
        propose_publisher_grade(publisher, by=editor, grade="G", kind="blog", reason="")
    assert sorted(error.value.message_dict) == ["grade", "kind", "reason"]
    with pytest.raises(ValidationError) as error:
        propose_publisher_grade(
            publisher, by=editor, grade="B", kind="outlet", reason="x" * 2001
        )
    assert error.value.message_dict == {
        "reason": ["Keep the reason to 2000 characters; it has 2001."]
    }
    assert not PublisherGradeProposal.objects.exists()


def test_proposing_the_grade_it_has_changes_nothing(publisher, editor):
    grade(publisher, "B", kind="outlet")
    with pytest.raises(ValidationError) as error:
        propose_publisher_grade(
            publisher, by=editor, grade="B", kind="outlet", reason=REASON
        )
    assert list(error.value.message_dict) == ["grade"]


# Proposing and reviewing pages -------------------------------------------------


def test_an_editor_proposes_a_grade_through_the_form(client, publisher, editor):
    client.force_login(editor)
    url = reverse("publishers:propose", args=[publisher.pk])

    assert client.get(url).status_code == 200
    assert not PublisherGradeProposal.objects.exists()
    response = client.post(url, {"grade": "B", "kind": "outlet", "reason": REASON})

    assert response.status_code == 302
    proposal = PublisherGradeProposal.objects.get()
    assert (proposal.grade, proposal.proposed_by) == ("B", editor)
    assert Publisher.objects.get().grade == ""


def test_the_form_names_what_is_missing(client, publisher, editor):
    client.force_login(editor)
    html = html_of(
        client.post(
            reverse("publishers:propose", args=[publisher.pk]),
            {"grade": "B", "kind": "outlet", "reason": ""},
        )
    )
    assert "Say why it deserves this grade; readers see the reason." in html
    assert not PublisherGradeProposal.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_and_propose_nothing(client, publisher):
    url = reverse("publishers:propose", args=[publisher.pk])
    response = client.post(url, {"grade": "A", "kind": "outlet", "reason": REASON})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not PublisherGradeProposal.objects.exists()


def test_the_review_page_is_for_reviewers(client, pending, editor):
    url = reverse("publishers:review")
    assert client.get(url).status_code == 302
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(reviewer_user())

    html = html_of(client.get(url))

    assert "1 grade waiting for review" in html
    assert "Example Review" in html
    assert REASON in html
    assert f'action="{reverse("publishers:decide", args=[pending.pk])}"' in html


def test_a_reviewer_approves_from_the_queue_and_a_get_changes_nothing(
    client, pending, reviewer
):
    client.force_login(reviewer)
    url = reverse("publishers:decide", args=[pending.pk])

    assert client.get(url).status_code == 405
    assert PublisherGradeProposal.objects.get().status == "pending"
    response = client.post(url, {"decision": "approve", "note": ""})

    assert response.status_code == 302
    assert Publisher.objects.get().grade == "B"


def test_a_reviewer_rejecting_from_the_queue_must_say_why(client, pending, reviewer):
    client.force_login(reviewer)
    url = reverse("publishers:decide", args=[pending.pk])

    client.post(url, {"decision": "reject", "note": ""})
    assert PublisherGradeProposal.objects.get().status == "pending"
    client.post(url, {"decision": "reject", "note": "Which errors?"})
    assert PublisherGradeProposal.objects.get().status == "rejected"


def test_the_proposer_is_refused_on_the_queue(client, publisher):
    reviewer = reviewer_user(username="proposer")
    proposal = propose_publisher_grade(
        publisher, by=reviewer, grade="A", kind="outlet", reason=REASON
    )
    client.force_login(reviewer)

    html = html_of(client.get(reverse("publishers:review")))
    assert "Your own proposal: another reviewer decides on it." in html
    response = client.post(
        reverse("publishers:decide", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert Publisher.objects.get().grade == ""


def test_an_editor_cannot_decide(client, pending):
    client.force_login(editor_user(username="another"))
    response = client.post(
        reverse("publishers:decide", args=[pending.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert Publisher.objects.get().grade == ""


def test_a_pending_grade_is_shown_to_reviewers_and_its_proposer_only(
    client, publisher, pending, editor
):
    url = reverse("publishers:detail", args=[publisher.pk])
    assert REASON not in html_of(client.get(url))
    client.force_login(editor_user(username="bystander"))
    html = html_of(client.get(url))
    assert REASON not in html
    assert "A grade for this publisher is waiting for a reviewer" in html
    client.force_login(editor)
    assert REASON in html_of(client.get(url))


# Reading: the publishers --------------------------------------------------------


def test_a_publishers_page_lists_its_grades_and_its_works(client, publisher):
    first = grade(publisher, "C", approver=reviewer_user(username="carol"))
    grade(publisher, "B", reason="Better since 2020.", approver=reviewer_user())
    work = SourceFactory(title="A report", publisher=publisher)
    SourceFactory(title="Private", publisher=publisher, published_at=None)

    html = html_of(client.get(reverse("publishers:detail", args=[publisher.pk])))
    text = text_of(html)

    assert (
        '<dt>Reliability</dt><dd><strong class="grade-letter">B</strong> '
        "usually reliable</dd>"
    ) in html
    assert '<dt>Why</dt><dd dir="auto">Better since 2020.</dd>' in html
    assert text.index("Better since 2020.") < text.index(REASON)
    assert "carol" in text
    assert f"{first.decided_at:%-d %B %Y}" in text
    assert reverse("sources:detail", args=[work.pk]) in html
    assert "1 public source" in text
    assert "Private" not in text


def publishers_listed(response) -> list[str]:
    assert response.status_code == 200
    return [p.name for p in response.context["publishers"]]


@pytest.fixture
def graded_publishers(db):
    found = {}
    for name, letter, kind, works in [
        ("Zeta Wire", "A", "news_agency", 1),
        ("alpha channel", "E", "own_channel", 3),
        ("Beta Times", "", "", 2),
        ("Gamma Institute", "B", "researcher", 0),
    ]:
        publisher = found[name] = Publisher.objects.create(name=name)
        if letter:
            grade(publisher, letter, kind=kind)
        for _ in range(works):
            SourceFactory(publisher=publisher)
    SourceFactory(publisher=found["Gamma Institute"], published_at=None)
    return found


def test_the_publisher_list_sorts_by_name_grade_and_sources(client, graded_publishers):
    assert publishers_listed(client.get("/publishers/")) == [
        "alpha channel",
        "Beta Times",
        "Gamma Institute",
        "Zeta Wire",
    ]
    assert publishers_listed(client.get("/publishers/?sort=grade")) == [
        "Zeta Wire",
        "Gamma Institute",
        "alpha channel",
        "Beta Times",
    ]
    assert publishers_listed(client.get("/publishers/?sort=sources")) == [
        "alpha channel",
        "Beta Times",
        "Zeta Wire",
        "Gamma Institute",
    ]


def test_the_publisher_list_filters_by_grade_and_kind(client, graded_publishers):
    assert publishers_listed(client.get("/publishers/?grade=A")) == ["Zeta Wire"]
    assert publishers_listed(client.get("/publishers/?grade=none")) == ["Beta Times"]
    assert publishers_listed(client.get("/publishers/?kind=own_channel")) == [
        "alpha channel"
    ]
    assert publishers_listed(client.get("/publishers/?kind=researcher&grade=E")) == []
    assert len(publishers_listed(client.get("/publishers/?grade=Z"))) == 4


def test_the_publisher_list_shows_kind_grade_reason_and_works(
    client, graded_publishers
):
    html = html_of(client.get("/publishers/?grade=A"))
    row = text_of(re.search(r"<tbody>(.*?)</tbody>", html, re.S)[1])
    assert row == f"Zeta Wire News agency A completely reliable {REASON} 1"


def test_the_publisher_list_runs_the_same_queries_whatever_it_holds(client):
    Publisher.objects.create(name="Only one")
    few = queries_for(client, "/publishers/?sort=sources")
    for n in range(60):
        SourceFactory(publisher=Publisher.objects.create(name=f"Publisher {n}"))
    assert queries_for(client, "/publishers/?sort=sources") == few
    assert queries_for(client, "/publishers/?sort=sources&page=2") == few


def test_the_sources_list_filters_and_sorts_by_publisher_grade(
    client, graded_publishers
):
    response = client.get("/sources/?grade=A")
    assert [s.publisher.name for s in response.context["sources"]] == ["Zeta Wire"]
    response = client.get("/sources/?sort=grade")
    assert [s.publisher.name for s in response.context["sources"]] == [
        "Zeta Wire",
        "alpha channel",
        "alpha channel",
        "alpha channel",
        "Beta Times",
        "Beta Times",
    ]
    html = html_of(client.get("/sources/?grade=A"))
    assert "A completely reliable" in text_of(html)
    assert 'href="/sources/dead/"' in html


# Reading: a profile's notes ----------------------------------------------------


def graded_profile(**values):
    """A profile whose note 1 cites a work of Example Review (graded B) and
    note 2 one of Other Paper (graded D): "About 500" cites note 1 graded 2,
    "About 900" note 2 graded 2, "Rifles" note 1 graded 4 and "Mortars"
    note 1 without a grade."""
    profile = publish_values(
        profile_values(
            notes=2,
            size=["About 500.¹ [note 1 graded 2]", "About 900.² [note 2 graded 2]"],
            weapons=["Rifles.¹ [note 1 graded 4]", "Mortars.¹"],
            background="A small test group.",
            citations=[
                {"number": 1, "text": "A. Writer, “R1,” *Example Review*, 2019."},
                {"number": 2, "text": "B. Writer, “R2,” *Other Paper*, 2019."},
            ],
            **values,
        )
    )
    grade(Publisher.objects.get(name="Example Review"), "B")
    grade(Publisher.objects.get(name="Other Paper"), "D")
    return profile


def note(html: str, number: int) -> str:
    return re.search(rf'<li id="note-{number}".*?</li>', html, re.S)[0]


def grade_labels(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<span class="note-grade" dir="ltr" title="([^"]*)">'
        r'<span aria-hidden="true">([^<]*)</span>'
        r'<span class="visually-hidden">([^<]*)</span></span>',
        html,
    )


def test_each_note_shows_its_grade_in_words(client):
    graded_profile()

    html = html_of(client.get("/profiles/test-brigade/"))

    assert grade_labels(note(html, 1)) == [
        (
            "B2: usually reliable source; probably true",
            "B2",
            "B2: usually reliable source; probably true",
        ),
        (
            "B4: usually reliable source; doubtful",
            "B4",
            "B4: usually reliable source; doubtful",
        ),
    ]
    assert [short for _, short, _ in grade_labels(note(html, 2))] == ["D2"]


def test_a_note_no_claim_grades_shows_its_letter_alone_and_an_ungraded_one_nothing(
    client,
):
    publish_values(
        profile_values(
            notes=2,
            size=["About 500.¹ ²"],
            background="A small test group.",
            citations=[
                {"number": 1, "text": "A. Writer, “R1,” *Example Review*, 2019."},
                {"number": 2, "text": "B. Writer, “R2,” *Other Paper*, 2019."},
            ],
        )
    )
    grade(Publisher.objects.get(name="Example Review"), "B")

    html = html_of(client.get("/profiles/test-brigade/"))

    assert grade_labels(note(html, 1)) == [
        ("B: usually reliable source", "B", "B: usually reliable source")
    ]
    assert grade_labels(note(html, 2)) == []
    assert "support=B2" in html


def test_grades_cost_the_profile_page_no_query(client):
    publish_values(profile_values("Plain Brigade", notes=2))
    graded_profile()
    plain = queries_for(client, "/profiles/plain-brigade/")
    assert queries_for(client, "/profiles/test-brigade/") == plain


def test_a_grade_approved_moves_the_cached_page_on(client):
    graded_profile()
    url = "/profiles/test-brigade/"
    first = client.get(url)
    assert "B2" in first.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    grade(Publisher.objects.get(name="Example Review"), "A", reason="Even better.")

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert [s for _, s, _ in grade_labels(note(html_of(again), 1))] == ["A2", "A4"]


def test_a_rejected_grade_leaves_the_cached_page_as_it_was(client):
    graded_profile()
    url = "/profiles/test-brigade/"
    first = client.get(url)
    proposal = propose_publisher_grade(
        Publisher.objects.get(name="Example Review"),
        by=editor_user(),
        grade="E",
        kind="outlet",
        reason="Worse.",
    )
    reject_publisher_grade(proposal, by=reviewer_user(), note="No.")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# Reading: a profile filtered to well-supported claims ---------------------------


def claim_words(html: str) -> list[str]:
    article = html.split('id="notes"')[0]
    return [
        text_of(item)
        for item in re.findall(r'<li id="claim-[^"]*"[^>]*>(.*?)</li>', article, re.S)
    ]


def test_the_support_filter_shows_only_claims_with_a_b2_or_better_citation(client):
    graded_profile()

    html = html_of(client.get("/profiles/test-brigade/?support=B2"))

    assert claim_words(html) == ["About 500.1"]
    notice = re.search(r'<p class="support-notice" role="note">(.*?)</p>', html)[1]
    assert text_of(notice) == (
        "5 claims hidden: supported by no B2-or-better citation — show all"
    )
    assert '<a href="/profiles/test-brigade/">show all</a>' in notice
    assert "A small test group." not in html.split('id="notes"')[0]
    assert "2 claims hidden here by the filter." in html  # weapons
    # The notes stay, with their grades.
    assert [s for _, s, _ in grade_labels(note(html, 2))] == ["D2"]


def test_the_support_filter_takes_other_thresholds(client):
    graded_profile()
    html = html_of(client.get("/profiles/test-brigade/?support=d4"))
    assert claim_words(html) == ["About 500.1", "About 900.2", "Rifles.1"]
    assert "3 claims hidden: supported by no D4-or-better citation" in text_of(html)


def test_the_unfiltered_page_shows_every_claim(client):
    graded_profile()
    for url in ("/profiles/test-brigade/", "/profiles/test-brigade/?support=Z9"):
        html = html_of(client.get(url))
        assert "About 900.2" in claim_words(html)
        assert "support-notice" not in html


def test_the_filtered_and_whole_pages_are_cached_apart(client):
    graded_profile()
    whole = "/profiles/test-brigade/"
    filtered = "/profiles/test-brigade/?support=B2"
    for first, second in [(whole, filtered), (filtered, whole)]:
        client.get(first)
        shown = html_of(client.get(second))
        assert ("support-notice" in shown) == (second == filtered)
        assert ("support-notice" in html_of(client.get(first))) == (first == filtered)


def test_a_signed_in_reader_gets_the_filtered_article_too(client):
    graded_profile()
    client.get("/profiles/test-brigade/")  # the whole article cached
    client.force_login(editor_user(username="reader"))
    html = html_of(client.get("/profiles/test-brigade/?support=B2"))
    assert claim_words(html) == ["About 500.1"]


def test_the_filter_counts_a_grade_from_the_best_publisher_of_a_note(client):
    """A note citing a D and an A publisher's works supports at A."""
    publish_values(
        profile_values(
            notes=1,
            size=["About 500.¹ [note 1 graded 1]"],
            background="",
            leaders=0,
            citations=[
                {
                    "number": 1,
                    "text": "B. Writer, “R2,” *Other Paper*, 2019. "
                    "(<https://b.org/2>); A. Writer, “R1,” *Example Review*, "
                    "2019. (<https://a.org/1>)",
                }
            ],
        )
    )
    works = Source.objects.filter(publisher__isnull=False)
    assert works.count() == 2
    grade(Publisher.objects.get(name="Other Paper"), "D")
    html = html_of(client.get("/profiles/test-brigade/?support=A1"))
    assert claim_words(html) == []
    grade(Publisher.objects.get(name="Example Review"), "A")
    html = html_of(client.get("/profiles/test-brigade/?support=A1"))
    assert claim_words(html) == ["About 500.1"]
    assert "No claim hidden" in html


def test_a_filtered_page_runs_no_more_queries_than_the_whole_one(client):
    graded_profile()
    client.force_login(editor_user(username="reader"))
    whole = queries_for(client, "/profiles/test-brigade/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/profiles/test-brigade/?support=B2")
    assert len(captured) == whole
