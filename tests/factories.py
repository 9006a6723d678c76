"""Factories with dull defaults. Published profiles are made the only way the
product makes them: a change request through `profiles.workflow`."""

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from profiles import workflow
from profiles.document import superscript
from profiles.models import ChangeRequest, Profile, ProposedChange, Version
from profiles.roles import EDITORS, REVIEWERS, install_roles
from profiles.serializers import FIELDS, TEXT_FIELDS
from sources.models import Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("password")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            install_roles()
            self.groups.set(Group.objects.filter(name__in=extracted))


def editor_user(**kwargs):
    return UserFactory(roles=[EDITORS], **kwargs)


def reviewer_user(**kwargs):
    return UserFactory(roles=[REVIEWERS], **kwargs)


class SourceFactory(factory.django.DjangoModelFactory):
    """A work already in the public bibliography; `published_at=None` for one
    that only a change request cites so far."""

    class Meta:
        model = Source

    authors = "A. Writer"
    title = factory.Sequence(lambda n: f"Report number {n}")
    publication = "Example Review"
    date = "March 2019"
    url = factory.Sequence(lambda n: f"https://example.org/library/{n}")
    language = "en"
    published_at = factory.LazyFunction(timezone.now)


def profile_values(
    name: str = "Test Brigade", *, leaders: int = 1, notes: int = 1, **fields: Any
) -> dict[str, Any]:
    """Complete change-request values for a profile, with `leaders` leaders and
    `notes` notes, each note citing its own web source."""
    values: dict[str, Any] = {
        field: "" if field in TEXT_FIELDS else [] for field in FIELDS
    }
    values.update(
        name=name,
        size=["About 500 fighters in 2019"],
        background="A small test group."
        + "".join(f" Fact {i}.{superscript(i)}" for i in range(1, notes + 1)),
        leaders=[
            {
                "name": f"Leader {i}",
                "aliases": [f"Abu Test {i}"],
                "role": "is in charge",
            }
            for i in range(1, leaders + 1)
        ],
        citations=[
            {
                "number": i,
                "text": f"A. Writer, “Report {i},” *Example Review*, March 2019. "
                f"(<https://example.org/reports/{i}>)",
            }
            for i in range(1, notes + 1)
        ],
    )
    values.update(fields)
    return values


def publish_values(values: dict[str, Any]) -> Profile:
    """A profile with exactly these values, published as a recorded import."""
    change_request = workflow.submit_change_request(
        profile=None,
        author=workflow.system_user(),
        summary="Test import",
        proposals={field: workflow.Proposal(value) for field, value in values.items()},
        origin=ChangeRequest.Origin.IMPORT,
    )
    return workflow.publish_import(change_request).profile


def publish_profile(name: str = "Test Brigade", **kwargs: Any) -> Profile:
    """A profile published as a recorded import, version 1."""
    return publish_values(profile_values(name, **kwargs))


def publish_change(profile: Profile, **values: Any) -> ChangeRequest:
    """The profile's next version: a request by an editor changing `values`
    (each with a new source), approved by a reviewer."""
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Change",
        proposals={
            name: workflow.Proposal(value, [SourceFactory()])
            for name, value in values.items()
        },
    )
    workflow.approve(change_request, reviewer=reviewer_user())
    profile.refresh_from_db()
    return change_request


def add_bulk_versions(profile: Profile, count: int) -> None:
    """`count` more published versions, each from a request that changed
    every field, as a long-lived profile has (made in bulk: publishing a
    thousand requests one by one would take minutes)."""
    author, reviewer = editor_user(), reviewer_user()
    now = timezone.now()
    first = profile.version + 1
    snapshot = profile.versions.get(number=profile.version).snapshot
    requests = ChangeRequest.objects.bulk_create(
        ChangeRequest(
            profile=profile,
            author=author,
            summary=f"Change {n}",
            status=ChangeRequest.Status.APPROVED,
            reviewer=reviewer,
            decided_at=now,
            base_version=n - 1,
            published_version=n,
        )
        for n in range(first, first + count)
    )
    ProposedChange.objects.bulk_create(
        ProposedChange(
            change_request=request,
            field=field,
            value=snapshot.get(field),
            decision=ProposedChange.Decision.ACCEPTED,
        )
        for request in requests
        for field in ("size", "background", "founding", "weapons")
    )
    Version.objects.bulk_create(
        Version(
            profile=profile,
            number=request.published_version,
            change_request=request,
            published_at=now,
            snapshot=snapshot,
        )
        for request in requests
    )
    profile.version = first + count - 1
    profile.save(update_fields=["version"])
