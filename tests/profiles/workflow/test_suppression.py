"""`profiles.workflow.suppression`: who may hide a value, what they must
say, the audit log it leaves, and the derived data rebuilt without it."""

import pytest
from django.core.exceptions import ValidationError

from profiles import workflow
from profiles.models import AppendOnlyError, SearchName, SearchText, Suppression
from profiles.roles import install_roles
from tests.factories import (
    UserFactory,
    editor_user,
    publish_change,
    publish_profile,
    reviewer_user,
)
from tests.suppressing import (
    HIDDEN_BULLET,
    REASON,
    SECRET,
    hide_secret,
    profile_with_secret,
    suppressor_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_profile():
    return profile_with_secret()


def test_suppress_records_who_hid_what_when_and_why(secret_profile):
    suppressor = suppressor_user(username="suppressor")

    suppression = hide_secret(secret_profile, by=suppressor)

    row = Suppression.objects.get()
    assert row == suppression
    assert (row.profile, row.version.number, row.field) == (
        secret_profile,
        2,
        "atrocities",
    )
    assert (row.by, row.reason) == (suppressor, REASON)
    assert row.at is not None


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: editor_user(username="ed"), id="editor"),
        pytest.param(lambda: reviewer_user(username="rev"), id="reviewer"),
        pytest.param(lambda: UserFactory(username="staff", is_staff=True), id="staff"),
        pytest.param(
            lambda: suppressor_user(username="gone", is_active=False),
            id="inactive-suppressor",
        ),
    ],
)
def test_suppress_refuses_everyone_without_the_permission(secret_profile, make_user):
    with pytest.raises(workflow.NotAllowed) as refused:
        hide_secret(secret_profile, by=make_user())

    assert refused.value.reason == (
        "Only people given the permission to hide values can hide one."
    )
    assert not Suppression.objects.exists()


def test_the_reviewers_group_is_not_given_the_permission(secret_profile):
    install_roles()

    assert not reviewer_user(username="rev").has_perm("profiles.suppress_field")
    assert suppressor_user(username="sup").has_perm("profiles.suppress_field")


def suppress(profile, *, field="atrocities", version=2, reason=REASON):
    return workflow.suppress(
        profile,
        field,
        version,
        by=suppressor_user(username="suppressor"),
        reason=reason,
    )


@pytest.mark.parametrize(
    ("arguments", "errors"),
    [
        (
            {"reason": "   "},
            {"reason": ["Say why this value must be hidden; the audit log keeps it."]},
        ),
        (
            {"reason": "x" * 1001},
            {"reason": ["Keep the reason to 1000 characters; it has 1001."]},
        ),
        (
            {"field": "motto"},
            {"field": ["“motto” is not a field of a profile."]},
        ),
        (
            {"field": "english_name"},
            {
                "field": [
                    "English name cannot be hidden: the name, English name, "
                    "alternative names and tags identify the profile. Change "
                    "them through a change request."
                ]
            },
        ),
        (
            {"version": 9},
            {"version": ["Test Brigade has no version 9."]},
        ),
        (
            {"field": "weapons"},
            {"field": ["Version 2 has nothing in Weapons to hide."]},
        ),
    ],
)
def test_suppress_refuses_with_the_field_named(secret_profile, arguments, errors):
    with pytest.raises(ValidationError) as refused:
        suppress(secret_profile, **arguments)

    assert refused.value.message_dict == errors
    assert not Suppression.objects.exists()


def test_a_value_is_hidden_once(secret_profile):
    suppress(secret_profile)

    with pytest.raises(ValidationError) as refused:
        suppress(secret_profile, version=3)

    assert refused.value.message_dict == {
        "field": ["Atrocities as version 3 has it is already hidden."]
    }


def test_the_value_is_hidden_in_every_version_that_carries_it(secret_profile):
    publish_change(secret_profile, atrocities=["Nothing recorded since"])

    suppress(secret_profile)

    assert workflow.hidden_versions(secret_profile) == {
        2: ["atrocities"],
        3: ["atrocities"],
    }


def test_the_audit_log_is_never_updated_or_deleted(secret_profile):
    suppression = suppress(secret_profile)

    suppression.reason = "Changed my mind"
    with pytest.raises(AppendOnlyError):
        suppression.save()
    with pytest.raises(AppendOnlyError):
        suppression.delete()
    with pytest.raises(AppendOnlyError):
        Suppression.objects.update(reason="Changed")
    with pytest.raises(AppendOnlyError):
        Suppression.objects.all().delete()
    assert Suppression.objects.get().reason == REASON


def test_search_indexes_are_rebuilt_without_the_hidden_value(secret_profile):
    assert SearchText.objects.filter(text__contains=SECRET).exists()

    suppress(secret_profile)

    assert not SearchText.objects.filter(text__contains=SECRET).exists()
    assert SearchText.objects.filter(
        profile=secret_profile, text__contains="900 fighters"
    ).exists()


def test_hidden_leaders_leave_the_name_index(secret_profile):
    publish_change(
        secret_profile,
        leaders=[{"name": "Zqxprivate Person", "aliases": [], "role": "a cousin"}],
    )

    suppress(secret_profile, field="leaders", version=4)

    assert not SearchName.objects.filter(text__icontains="zqxprivate").exists()
    assert SearchName.objects.filter(text="Test Brigade").exists()


def test_hidden_connections_leave_the_network(secret_profile):
    publish_profile("Other Brigade")
    publish_change(
        secret_profile,
        connections_to_other_militias=["Allied with Other Brigade in 2020"],
    )
    assert secret_profile.connections_made.count() == 1

    suppress(secret_profile, field="connections_to_other_militias", version=4)

    assert secret_profile.connections_made.count() == 0
    assert secret_profile.network_degree.degree == 0


def test_republishing_the_hidden_value_keeps_it_hidden(secret_profile):
    suppress(secret_profile)
    publish_change(secret_profile, atrocities=["Nothing recorded since"])

    publish_change(secret_profile, atrocities=[HIDDEN_BULLET])

    assert workflow.hidden_versions(secret_profile)[5] == ["atrocities"]
    assert not SearchText.objects.filter(text__contains=SECRET).exists()
