"""Reads for pages: each bounded by what the page shows, not by history."""

import pytest

from profiles import queries, workflow
from profiles.models import FieldProvenance
from tests.factories import (
    SourceFactory,
    editor_user,
    publish_profile,
    reviewer_user,
)
from tests.factories import publish_change as publish

pytestmark = pytest.mark.django_db


def test_field_provenance_is_the_latest_accepted_change_of_each_field():
    profile = publish_profile()
    publish(profile, size=["About 600"], weapons=["Rifles"])
    latest = publish(profile, size=["About 700"])

    provenance = queries.field_provenance(profile)

    assert provenance["size"].change_request == latest
    assert provenance["size"].value == ["About 700"]
    assert provenance["weapons"].value == ["Rifles"]
    assert provenance["name"].change_request.origin == "import"


def test_field_provenance_reads_one_row_per_field_however_long_the_history(
    django_assert_num_queries,
):
    profile = publish_profile()
    fields = set(
        FieldProvenance.objects.filter(profile=profile).values_list("field", flat=True)
    )
    for n in range(30):
        publish(profile, size=[f"About {n}00"])

    with django_assert_num_queries(2):  # the rows, then their sources
        provenance = queries.field_provenance(profile)

    assert set(provenance) == fields
    assert FieldProvenance.objects.filter(profile=profile).count() == len(fields)
    assert provenance["size"].value == ["About 2900"]


def test_a_rejected_field_keeps_its_earlier_provenance():
    profile = publish_profile()
    before = queries.field_provenance(profile)["size"]
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Two fields",
        proposals={
            "size": workflow.Proposal(["About 900"], [SourceFactory()]),
            "weapons": workflow.Proposal(["Rifles"], [SourceFactory()]),
        },
    )
    workflow.approve(
        change_request,
        reviewer=reviewer_user(),
        decisions={"size": workflow.FieldDecision(accept=False, reason="No")},
    )

    assert queries.field_provenance(profile)["size"] == before
