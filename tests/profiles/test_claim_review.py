"""Deciding a request claim by claim: the pure function that publishes only
the accepted item changes (`profiles.diff.apply_item_decisions`), the
workflow's approval of a section accepted in part
(`profiles.workflow.claim_decisions`), and the review page's controls."""

import itertools
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles import workflow
from profiles.diff import (
    UnknownItems,
    apply_item_decisions,
    decide_items,
    diff_field,
)
from profiles.models import Claim, ProposedChange, RequestEvent
from profiles.workflow.claim_decisions import ClaimsDecision
from tests.factories import (
    SourceFactory,
    editor_user,
    publish_change,
    publish_profile,
    reviewer_user,
)
from tests.pages import html_of

Kind = RequestEvent.Kind


def keys(field, old, new) -> dict[str, str]:
    """The key of each item change, by its op and the claim it is about."""
    return {
        f"{change.op} {_claim(change)}": change.key
        for change in diff_field(field, old, new).item_changes
    }


def _claim(change) -> str:
    side = change.new if change.new is not None else change.old
    return side["name"] if isinstance(side, dict) else side


def apply(field, old, new, **verdicts: bool):
    """`apply_item_decisions` with decisions named "insert Drones." and the
    like (spaces as underscores in the keyword)."""
    found = keys(field, old, new)
    decisions = {found[name.replace("_", " ")]: v for name, v in verdicts.items()}
    return apply_item_decisions(field, old, new, decisions)


# Bullets ----------------------------------------------------------------------

OLD = ["Rifles.¹", "Mortars.¹", "Rockets.²"]


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [
        (True, ["Rifles.¹", "Drones.³", "Mortars.¹", "Rockets.²"]),
        (False, OLD),
    ],
)
def test_an_addition_accepted_or_rejected(accepted, expected):
    new = ["Rifles.¹", "Drones.³", "Mortars.¹", "Rockets.²"]
    found = keys("weapons", OLD, new)
    assert (
        apply_item_decisions("weapons", OLD, new, {found["insert Drones.³"]: accepted})
        == expected
    )


def test_a_removal_rejected_keeps_the_claim_at_its_place():
    new = ["Rifles.¹", "Rockets.²", "Drones.³"]
    found = keys("weapons", OLD, new)
    decisions = {found["delete Mortars.¹"]: False, found["insert Drones.³"]: True}

    assert apply_item_decisions("weapons", OLD, new, decisions) == [
        "Rifles.¹",
        "Mortars.¹",
        "Rockets.²",
        "Drones.³",
    ]
    decisions[found["delete Mortars.¹"]] = True
    assert apply_item_decisions("weapons", OLD, new, decisions) == new


def test_an_edit_rejected_keeps_the_old_claim_whole():
    new = ["Rifles.¹ [reported; as of 2017]", "Mortars and shells.¹ ²", "Rockets.²"]
    found = keys("weapons", OLD, new)
    edit_rifles = found["change Rifles.¹ [reported; as of 2017]"]
    edit_mortars = found["change Mortars and shells.¹ ²"]

    decided = {edit_rifles: True, edit_mortars: False}
    assert apply_item_decisions("weapons", OLD, new, decided) == [
        "Rifles.¹ [reported; as of 2017]",
        "Mortars.¹",
        "Rockets.²",
    ]
    decided = {edit_rifles: False, edit_mortars: True}
    assert apply_item_decisions("weapons", OLD, new, decided) == [
        "Rifles.¹",
        "Mortars and shells.¹ ²",
        "Rockets.²",
    ]


def test_a_move_rejected_keeps_the_old_order():
    new = ["Mortars.¹", "Rockets.²", "Rifles.¹", "Drones.³"]
    found = keys("weapons", OLD, new)
    assert set(found) == {"move Rifles.¹", "insert Drones.³"}

    decided = {found["move Rifles.¹"]: False, found["insert Drones.³"]: True}
    assert apply_item_decisions("weapons", OLD, new, decided) == [
        "Rifles.¹",
        "Mortars.¹",
        "Rockets.²",
        "Drones.³",
    ]
    decided = {found["move Rifles.¹"]: True, found["insert Drones.³"]: False}
    assert apply_item_decisions("weapons", OLD, new, decided) == [
        "Mortars.¹",
        "Rockets.²",
        "Rifles.¹",
    ]


def test_a_change_not_named_is_accepted():
    new = ["Rifles.¹", "Drones.³", "Mortars.¹", "Kornet.³", "Rockets.²"]
    found = keys("weapons", OLD, new)

    assert apply_item_decisions(
        "weapons", OLD, new, {found["insert Kornet.³"]: False}
    ) == ["Rifles.¹", "Drones.³", "Mortars.¹", "Rockets.²"]
    assert apply_item_decisions("weapons", OLD, new, {}) == new


def test_decide_items_says_which_changes_went_which_way():
    new = ["Rifles.¹", "Drones.³", "Mortars.¹", "Kornet.³", "Rockets.²"]
    found = keys("weapons", OLD, new)

    decided = decide_items("weapons", OLD, new, {found["insert Kornet.³"]: False})

    assert [(c.new, ok) for c, ok in decided.changes] == [
        ("Drones.³", True),
        ("Kornet.³", False),
    ]
    assert decided.partly
    assert not decide_items("weapons", OLD, new, {}).partly


small_lists = st.lists(
    st.sampled_from(["a.¹", "b.²", "c.³", "d.⁴", "e", "f"]), max_size=5
)


@settings(deadline=None, max_examples=200, derandomize=True)
@given(old=small_lists, new=small_lists, data=st.data())
def test_all_accepted_is_the_proposal_all_rejected_the_published(old, new, data):
    changes = diff_field("weapons", old, new).item_changes
    every = [change.key for change in changes]

    assert apply_item_decisions("weapons", old, new, dict.fromkeys(every, True)) == new
    assert apply_item_decisions("weapons", old, new, dict.fromkeys(every, False)) == old
    # Any mix keeps the items both sides share and adds only new ones.
    verdicts = {key: data.draw(st.booleans()) for key in every}
    mixed = apply_item_decisions("weapons", old, new, verdicts)
    assert set(mixed) <= set(old) | set(new)


def test_keys_of_other_changes_are_refused():
    new = ["Rifles.¹", "Drones.³", "Mortars.¹", "Rockets.²"]
    stale = keys("weapons", OLD, ["Rifles.¹", "Kornet.³", "Mortars.¹", "Rockets.²"])

    with pytest.raises(UnknownItems):
        apply_item_decisions("weapons", OLD, new, {stale["insert Kornet.³"]: False})
    with pytest.raises(ValueError, match="tags"):
        apply_item_decisions("tags", ["a"], ["b"], {})


# Prose ------------------------------------------------------------------------

PROSE = "The group formed in 2013.¹ It fought in Aleppo.²\n\nIt grew in 2015.³"


def test_a_sentence_added_to_prose_is_one_claim_decided():
    new = (
        "The group formed in 2013.¹ It is small.⁴ It fought in Aleppo.²\n\n"
        "It grew in 2015.³ It split in 2019.⁵"
    )

    assert apply("background", PROSE, new, **{"insert_It is small.⁴": False}) == (
        "The group formed in 2013.¹ It fought in Aleppo.²\n\n"
        "It grew in 2015.³ It split in 2019.⁵"
    )
    assert apply("background", PROSE, new, **{"insert_It split in 2019.⁵": False}) == (
        "The group formed in 2013.¹ It is small.⁴ It fought in Aleppo.²\n\n"
        "It grew in 2015.³"
    )


def test_a_prose_claim_removed_or_edited_and_rejected_keeps_its_paragraphs():
    new = "The group formed in 2012.¹ [disputed]\n\nIt grew in 2015.³"
    found = keys("background", PROSE, new)
    edit = found["change The group formed in 2012.¹ [disputed]"]
    removal = found["delete It fought in Aleppo.²"]

    assert apply_item_decisions(
        "background", PROSE, new, {edit: True, removal: False}
    ) == (
        "The group formed in 2012.¹ [disputed] It fought in Aleppo.²\n\n"
        "It grew in 2015.³"
    )
    assert (
        apply_item_decisions("background", PROSE, new, {edit: False, removal: True})
        == "The group formed in 2013.¹\n\nIt grew in 2015.³"
    )


def test_prose_all_accepted_or_rejected_is_either_side_exactly():
    new = "It is small.⁴ The group formed in 2013.¹\n\nIt grew in 2015.³ More."
    every = [change.key for change in diff_field("background", PROSE, new).item_changes]
    for verdict in (True, False):
        assert apply_item_decisions(
            "background", PROSE, new, dict.fromkeys(every, verdict)
        ) == (new if verdict else PROSE)


# Leaders ----------------------------------------------------------------------

KHALID = {"name": "Khalid", "aliases": ["Abu Ali"], "role": "commander.¹"}
SAMI = {"name": "Sami", "aliases": [], "role": "spokesman.²"}
ZAID = {"name": "Zaid", "aliases": [], "role": "deputy.³ [reported]"}


def test_leaders_are_decided_row_by_row():
    ali = {"name": "Ali", "aliases": [], "role": "fighter.¹"}
    old = [KHALID, SAMI, ali]
    new = [{**KHALID, "role": "commander.¹ [disputed]"}, ali, ZAID]
    found = keys("leaders", old, new)
    assert set(found) == {"change Khalid", "delete Sami", "insert Zaid"}

    assert apply_item_decisions(
        "leaders",
        old,
        new,
        {found["change Khalid"]: False, found["delete Sami"]: False},
    ) == [KHALID, SAMI, ali, ZAID]
    assert apply_item_decisions(
        "leaders",
        old,
        new,
        {found["change Khalid"]: True, found["insert Zaid"]: False},
    ) == [{**KHALID, "role": "commander.¹ [disputed]"}, ali]


def test_a_published_leader_row_is_not_shared_with_the_values():
    old = [KHALID]
    new = [KHALID, SAMI, ZAID]
    found = keys("leaders", old, new)

    [first, *_] = apply_item_decisions(
        "leaders", old, new, {found["insert Zaid"]: False}
    )
    first["name"] = "changed"
    assert KHALID["name"] == "Khalid"


# The workflow -------------------------------------------------------------------

WEAPONS = ["Rifles.¹", "Mortars, some of them heavy.¹", "Rockets.¹"]
PROPOSED = [
    "Rifles.¹",
    "Drones.¹",
    "Mortars, most of them heavy.¹",
    "Kornet missiles.¹",
    "Rockets.¹",
]


@pytest.fixture
def weapons_request(db):
    """A pending request by an editor adding two weapons and editing a
    third, on a profile with three."""
    profile = publish_profile(weapons=WEAPONS)
    return workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="ed"),
        summary="More weapons",
        proposals={"weapons": workflow.Proposal(PROPOSED, [SourceFactory()])},
    )


def verdicts(**named: bool) -> dict[str, bool]:
    found = keys("weapons", WEAPONS, PROPOSED)
    return {found[name.replace("_", " ")]: v for name, v in named.items()}


def weapon_claims(profile) -> list[tuple[str, object]]:
    return list(
        Claim.objects.filter(profile=profile, section="weapons")
        .order_by("position")
        .values_list("text", "key")
    )


@pytest.mark.django_db
def test_approving_publishes_exactly_the_claims_accepted(weapons_request):
    profile = weapons_request.profile
    before = dict(weapon_claims(profile))
    decision = ClaimsDecision(
        accept=True,
        reason="Kornet is not in the source.",
        items=verdicts(
            **{
                "insert_Drones.¹": True,
                "insert_Kornet missiles.¹": False,
                "change_Mortars, most of them heavy.¹": True,
            }
        ),
    )

    version = workflow.approve(
        weapons_request, reviewer=reviewer_user(), decisions={"weapons": decision}
    )

    profile.refresh_from_db()
    published = ["Rifles.¹", "Drones.¹", "Mortars, most of them heavy.¹", "Rockets.¹"]
    assert profile.items("weapons") == published
    assert version.snapshot["weapons"] == published
    after = weapon_claims(profile)
    assert [text for text, _key in after] == [
        "Rifles.",
        "Drones.",
        "Mortars, most of them heavy.",
        "Rockets.",
    ]
    # The edited claim is the same claim: its key survives the edit.
    assert after[2][1] == before["Mortars, some of them heavy."]
    assert after[0][1] == before["Rifles."]
    assert after[3][1] == before["Rockets."]


@pytest.mark.django_db
def test_the_record_keeps_the_proposal_the_value_published_and_each_verdict(
    weapons_request,
):
    decision = ClaimsDecision(
        accept=True,
        reason="Kornet is not in the source.",
        items=verdicts(**{"insert_Kornet missiles.¹": False}),
    )

    workflow.approve(
        weapons_request, reviewer=reviewer_user(), decisions={"weapons": decision}
    )

    change = ProposedChange.objects.get(change_request=weapons_request)
    assert change.value == PROPOSED  # the proposal, as it was
    assert change.published_value == [
        "Rifles.¹",
        "Drones.¹",
        "Mortars, most of them heavy.¹",
        "Rockets.¹",
    ]
    assert change.published == change.published_value
    assert (change.decision, change.reason) == (
        ProposedChange.Decision.ACCEPTED,
        "Kornet is not in the source.",
    )
    event = weapons_request.events.get(kind=Kind.PARTLY_APPROVED)
    recorded = event.proposal["claims"]["weapons"]
    assert [(e["op"], e["old"], e["new"], e["accepted"]) for e in recorded] == [
        ("insert", None, "Drones.¹", True),
        (
            "change",
            "Mortars, some of them heavy.¹",
            "Mortars, most of them heavy.¹",
            True,
        ),
        ("insert", None, "Kornet missiles.¹", False),
    ]
    weapons_request.refresh_from_db()
    assert weapons_request.status == workflow.Status.APPROVED


@pytest.mark.django_db
def test_claims_rejected_need_a_reason(weapons_request):
    decision = ClaimsDecision(
        accept=True, items=verdicts(**{"insert_Kornet missiles.¹": False})
    )

    with pytest.raises(ValidationError) as raised:
        workflow.approve(
            weapons_request, reviewer=reviewer_user(), decisions={"weapons": decision}
        )

    assert raised.value.message_dict == {
        "weapons": ["Give a reason for rejecting this change."]
    }
    weapons_request.refresh_from_db()
    assert weapons_request.status == workflow.Status.PENDING


@pytest.mark.django_db
def test_every_claim_rejected_rejects_the_field(weapons_request):
    decision = ClaimsDecision(
        accept=True,
        reason="None of it holds.",
        items=dict.fromkeys(verdicts(), False)
        | {key: False for key in keys("weapons", WEAPONS, PROPOSED).values()},
    )

    assert (
        workflow.approve(
            weapons_request, reviewer=reviewer_user(), decisions={"weapons": decision}
        )
        is None
    )

    change = ProposedChange.objects.get(change_request=weapons_request)
    assert change.decision == ProposedChange.Decision.REJECTED
    assert change.published_value is None
    assert weapons_request.profile.items("weapons") == WEAPONS
    event = weapons_request.events.get(kind=Kind.REJECTED)
    assert not any(e["accepted"] for e in event.proposal["claims"]["weapons"])


@pytest.mark.django_db
def test_claims_decided_on_other_changes_are_refused(weapons_request):
    # The key of a change this request does not make (a page of another
    # comparison).
    other = keys("weapons", WEAPONS, [*WEAPONS, "Knives.¹"])
    decision = ClaimsDecision(
        accept=True, reason="No.", items={other["insert Knives.¹"]: False}
    )

    with pytest.raises(ValidationError) as raised:
        workflow.approve(
            weapons_request, reviewer=reviewer_user(), decisions={"weapons": decision}
        )

    assert raised.value.message_dict == {
        "weapons": [
            "The changes to weapons are not those you decided on (it was "
            "published again meanwhile): look at them again and decide each claim."
        ]
    }
    assert weapons_request.profile.version == 1


@pytest.mark.django_db
def test_a_field_in_conflict_is_not_decided_claim_by_claim(weapons_request):
    publish_change(weapons_request.profile, weapons=["Rifles.¹", "Knives.¹"])
    decision = ClaimsDecision(accept=True, reason="No.", items={})

    with pytest.raises(workflow.Conflict):
        workflow.approve(
            weapons_request, reviewer=reviewer_user(), decisions={"weapons": decision}
        )


def test_a_claims_decision_is_an_acceptance_without_a_value():
    with pytest.raises(ValueError, match="accepted in part"):
        ClaimsDecision(accept=False, reason="No.")
    with pytest.raises(ValueError, match="no value"):
        ClaimsDecision(accept=True, value=["x"])


@pytest.mark.django_db
def test_permissions_are_unchanged(weapons_request):
    decision = ClaimsDecision(
        accept=True, reason="No.", items=verdicts(**{"insert_Drones.¹": False})
    )
    editor = editor_user(username="another")
    with pytest.raises(workflow.NotAllowed):
        workflow.approve(
            weapons_request, reviewer=editor, decisions={"weapons": decision}
        )
    # A reviewer who wrote the request does not decide it.
    author = weapons_request.author
    author.groups.add(*reviewer_user(username="rev").groups.all())
    with pytest.raises(workflow.NotAllowed):
        workflow.approve(
            weapons_request, reviewer=author, decisions={"weapons": decision}
        )
    weapons_request.refresh_from_db()
    assert weapons_request.status == workflow.Status.PENDING


# Leaders and prose through the workflow ------------------------------------------


@pytest.mark.django_db
def test_leaders_and_prose_are_published_in_part():
    profile = publish_profile(
        leaders=2, background="The group formed in 2013.¹ It fought in Aleppo.¹"
    )
    leaders = [
        {"name": "Leader 1", "aliases": ["Abu Test 1"], "role": "is in charge.¹"},
        {"name": "Leader 3", "aliases": [], "role": "spokesman.¹"},
        {"name": "Leader 2", "aliases": ["Abu Test 2"], "role": "is in charge"},
        {"name": "Leader 4", "aliases": [], "role": "deputy.¹ [reported]"},
    ]
    background = (
        "The group formed in 2013.¹ It is small.¹ It fought in Aleppo.¹ "
        "It split in 2019.¹ [disputed]"
    )
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Leaders and background",
        proposals={
            "leaders": workflow.Proposal(leaders, [SourceFactory()]),
            "background": workflow.Proposal(background, [SourceFactory()]),
        },
    )
    old_leaders = [
        {"name": f"Leader {i}", "aliases": [f"Abu Test {i}"], "role": "is in charge"}
        for i in (1, 2)
    ]
    leader_keys = keys("leaders", old_leaders, leaders)
    prose_keys = keys("background", profile.background, background)

    workflow.approve(
        change_request,
        reviewer=reviewer_user(),
        decisions={
            "leaders": ClaimsDecision(
                accept=True,
                reason="Leader 3 is not sourced.",
                items={leader_keys["insert Leader 3"]: False},
            ),
            "background": ClaimsDecision(
                accept=True,
                reason="The split is not sourced.",
                items={prose_keys["insert It split in 2019.¹ [disputed]"]: False},
            ),
        },
    )

    profile.refresh_from_db()
    assert [
        (leader.name, leader.role) for leader in profile.leaders.order_by("position")
    ] == [
        ("Leader 1", "is in charge.¹"),
        ("Leader 2", "is in charge"),
        ("Leader 4", "deputy.¹ [reported]"),
    ]
    assert profile.background == (
        "The group formed in 2013.¹ It is small.¹ It fought in Aleppo.¹"
    )
    assert [
        text
        for text, _key in Claim.objects.filter(profile=profile, section="background")
        .order_by("position")
        .values_list("text", "key")
    ] == ["The group formed in 2013.", "It is small.", "It fought in Aleppo."]


# The review page ------------------------------------------------------------------


def claim_controls(html: str) -> dict[str, str]:
    """Each claim control's name and label."""
    labels = dict(re.findall(r'<label for="(id_[^"]+)">([^<]+)</label>', html))
    return {
        name: labels.get(f"id_{name}", "")
        for name in re.findall(r'<select name="([a-z_]+-claim-[^"]+)"', html)
    }


def post(client, change_request, **data):
    return client.post(
        reverse("review:decide", args=[change_request.pk]),
        {"action": "approve", **data},
    )


@pytest.mark.django_db
def test_the_review_page_has_a_control_for_each_claim_changed(client, weapons_request):
    client.force_login(reviewer_user())

    html = html_of(client.get(reverse("review:detail", args=[weapons_request.pk])))

    found = keys("weapons", WEAPONS, PROPOSED)
    assert claim_controls(html) == {
        f"weapons-claim-{found['insert Drones.¹']}": "Weapons: added claim 2",
        f"weapons-claim-{found['change Mortars, most of them heavy.¹']}": (
            "Weapons: changed claim 3"
        ),
        f"weapons-claim-{found['insert Kornet missiles.¹']}": (
            "Weapons: added claim 4"
        ),
    }
    assert '<option value="" selected>As the field</option>' in html


@pytest.mark.django_db
def test_a_reviewer_accepts_one_claim_and_rejects_another(client, weapons_request):
    client.force_login(reviewer_user())
    found = keys("weapons", WEAPONS, PROPOSED)

    response = post(
        client,
        weapons_request,
        **{
            "weapons-decision": "accept",
            "weapons-reason": "Kornet is not in the source.",
            f"weapons-claim-{found['insert Kornet missiles.¹']}": "reject",
        },
    )

    assert response.status_code == 302
    profile = weapons_request.profile
    profile.refresh_from_db()
    assert profile.items("weapons") == [
        "Rifles.¹",
        "Drones.¹",
        "Mortars, most of them heavy.¹",
        "Rockets.¹",
    ]
    html = html_of(client.get(response.url))
    assert "Published as version 2. Accepted in part, claim by claim: Weapons." in html
    assert "Decision:</span> Accepted in part" in html
    assert re.search(
        r'claim-rejected"><span class="label">Rejected</span> \(added\): '
        r'<span dir="auto">Kornet missiles.¹</span>',
        html,
    )
    assert "Claims accepted and rejected" in html


@pytest.mark.django_db
def test_a_field_rejected_with_one_claim_accepted_publishes_that_claim(
    client, weapons_request
):
    client.force_login(reviewer_user())
    found = keys("weapons", WEAPONS, PROPOSED)

    post(
        client,
        weapons_request,
        **{
            "weapons-decision": "reject",
            "weapons-reason": "Only the drones are sourced.",
            f"weapons-claim-{found['insert Drones.¹']}": "accept",
        },
    )

    profile = weapons_request.profile
    profile.refresh_from_db()
    assert profile.items("weapons") == [
        "Rifles.¹",
        "Drones.¹",
        "Mortars, some of them heavy.¹",
        "Rockets.¹",
    ]


@pytest.mark.django_db
def test_claims_rejected_without_a_reason_publish_nothing(client, weapons_request):
    client.force_login(reviewer_user())
    found = keys("weapons", WEAPONS, PROPOSED)

    response = post(
        client,
        weapons_request,
        **{
            "weapons-decision": "accept",
            f"weapons-claim-{found['insert Drones.¹']}": "reject",
        },
    )

    assert response.status_code == 200
    assert "Weapons: Say why you reject these claims." in html_of(response)
    assert weapons_request.profile.version == 1
    weapons_request.refresh_from_db()
    assert weapons_request.status == workflow.Status.PENDING


@pytest.mark.django_db
def test_a_field_sent_back_is_sent_back_whole(client, weapons_request):
    client.force_login(reviewer_user())
    found = keys("weapons", WEAPONS, PROPOSED)

    response = post(
        client,
        weapons_request,
        **{
            "weapons-decision": "send_back",
            "weapons-reason": "Which source?",
            f"weapons-claim-{found['insert Drones.¹']}": "accept",
        },
    )

    assert response.status_code == 200
    assert "A field sent back goes back whole" in html_of(response)


@pytest.mark.django_db
def test_one_claim_changed_is_decided_with_its_field(client, db):
    profile = publish_profile(weapons=WEAPONS)
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Drones",
        proposals={
            "weapons": workflow.Proposal([*WEAPONS, "Drones.¹"], [SourceFactory()])
        },
    )
    client.force_login(reviewer_user())

    html = html_of(client.get(reverse("review:detail", args=[change_request.pk])))

    assert claim_controls(html) == {}
    assert "Drones.¹" in html


@pytest.mark.django_db
def test_a_claim_decided_that_is_not_found_now_is_not_dropped(client, weapons_request):
    # The page compared the values in the time allowed; comparing them again
    # found other changes (here: a change the request never made).
    client.force_login(reviewer_user())
    other = keys("weapons", WEAPONS, [*WEAPONS, "Knives.¹"])

    response = post(
        client,
        weapons_request,
        **{
            "weapons-decision": "accept",
            "weapons-reason": "No knives.",
            f"weapons-claim-{other['insert Knives.¹']}": "reject",
        },
    )

    assert response.status_code == 200
    assert "Weapons: The claims you decided are not the changes found now" in (
        html_of(response)
    )
    assert weapons_request.profile.version == 1


@pytest.mark.django_db
def test_a_field_in_conflict_has_no_claim_controls(client, weapons_request):
    publish_change(weapons_request.profile, weapons=["Rifles.¹", "Knives.¹"])
    client.force_login(reviewer_user())

    html = html_of(client.get(reverse("review:detail", args=[weapons_request.pk])))

    assert claim_controls(html) == {}
    assert 'name="weapons-resolution"' in html


@pytest.mark.django_db
def test_an_editor_cannot_decide_claims(client, weapons_request):
    found = keys("weapons", WEAPONS, PROPOSED)
    data = {
        "weapons-decision": "accept",
        "weapons-reason": "No.",
        f"weapons-claim-{found['insert Drones.¹']}": "reject",
    }
    client.force_login(editor_user(username="another"))
    assert post(client, weapons_request, **data).status_code == 403

    author = weapons_request.author
    author.groups.add(*reviewer_user(username="rev").groups.all())
    client.force_login(author)
    assert post(client, weapons_request, **data).status_code == 403
    html = html_of(client.get(reverse("review:detail", args=[weapons_request.pk])))
    assert claim_controls(html) == {}
    assert weapons_request.profile.version == 1


def test_every_combination_of_three_changes_keeps_the_shared_claims():
    new = ["Rifles.¹", "Drones.³", "Rockets.²", "Mortars.¹"]
    every = [c.key for c in diff_field("weapons", OLD, new).item_changes]
    for combination in itertools.product([True, False], repeat=len(every)):
        value = apply_item_decisions(
            "weapons", OLD, new, dict(zip(every, combination, strict=True))
        )
        assert {"Rifles.¹", "Rockets.²", "Mortars.¹"} <= set(value)


@pytest.mark.django_db
def test_prose_and_leaders_get_a_control_per_claim(client):
    profile = publish_profile(background="It formed in 2013.¹ It fought.¹")
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Prose and leaders",
        proposals={
            "background": workflow.Proposal(
                "It formed in 2012.¹ [disputed] It fought.¹ It split.¹",
                [SourceFactory()],
            ),
            "leaders": workflow.Proposal(
                [
                    {"name": "Leader 1", "aliases": [], "role": "head.¹"},
                    {"name": "Leader 2", "aliases": [], "role": "deputy.¹"},
                ],
                [SourceFactory()],
            ),
        },
    )
    client.force_login(reviewer_user())

    html = html_of(client.get(reverse("review:detail", args=[change_request.pk])))

    assert sorted(claim_controls(html).values()) == [
        "Background and analysis: added claim 3",
        "Background and analysis: changed claim 1",
        "Key leaders: added leader 2",
        "Key leaders: changed leader 1",
    ]
    # What changed besides the words, said in words.
    assert 'Status: <span dir="auto">confirmed</span> → ' in html
