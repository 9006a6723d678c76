"""`manage.py backup` and `manage.py restore`: a database emptied and restored
from a backup serves every public page and API answer exactly as before."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles import workflow
from profiles.models import (
    ChangeRequest,
    Notification,
    Profile,
    ProposedChange,
    Version,
)
from sources.models import Source
from tests.factories import SourceFactory, publish_profile

# Committed data, as in production: PostgreSQL will not empty (TRUNCATE) tables
# holding rows written earlier in the same transaction, which a test
# transaction would be.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def propose(profile, author, **values):
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary=f"Change {', '.join(values)}",
        proposals={
            field: workflow.Proposal(value, [SourceFactory()])
            for field, value in values.items()
        },
    )


@pytest.fixture
def wiki(editor, reviewer, django_capture_on_commit_callbacks):
    """Two published profiles, one at version 3; a pending and a rejected
    request; sources; the notifications all this sent."""
    with django_capture_on_commit_callbacks(execute=True):
        first = publish_profile("First Brigade", leaders=2, notes=2)
        publish_profile("Second Brigade")
        workflow.approve(
            propose(first, editor, size=["About 800 in 2023"]), reviewer=reviewer
        )
        workflow.approve(
            propose(first, editor, weapons=["Rockets"], founding=["2013"]),
            reviewer=reviewer,
        )
        propose(first, editor, size=["About 900 in 2024"])
        workflow.reject(
            propose(first, editor, atrocities=["Unsourced claim"]),
            reviewer=reviewer,
            reason="The source does not say this.",
        )


def public_urls() -> list[str]:
    urls = ["/", "/profiles/", "/sources/", "/changes/", "/api/v1/profiles/"]
    for profile in Profile.objects.order_by("slug"):
        urls += [
            f"/profiles/{profile.slug}/",
            f"/profiles/{profile.slug}/history/",
            f"/api/v1/profiles/{profile.slug}/",
        ]
        urls += [
            f"/profiles/{profile.slug}/versions/{number}/"
            for number in range(1, profile.version + 1)
        ]
    urls += [f"/sources/{pk}/" for pk in Source.objects.values_list("pk", flat=True)]
    return urls


def pages(client, urls: list[str]) -> dict[str, bytes]:
    """Each page as served, CSRF tokens (different per response) left out."""
    responses = {url: client.get(url) for url in urls}
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(
        urls, 200
    )
    return {
        url: CSRF_TOKEN.sub("", response.content.decode()).encode()
        for url, response in responses.items()
    }


def test_restore_serves_every_public_page_as_before(wiki, client, tmp_path):
    urls = public_urls()
    before = pages(client, urls)
    counts = {
        model: model.objects.count()
        for model in (ChangeRequest, ProposedChange, Version, Notification, Source)
    }
    histories = Profile.history.count()
    backup = tmp_path / "wiki.json.gz"

    run("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    assert Profile.objects.count() == 0
    out = run("restore", str(backup))

    assert out.startswith("Restored ")
    assert pages(client, urls) == before
    assert {model: model.objects.count() for model in counts} == counts
    assert Profile.history.count() == histories
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {
        "approved",
        "pending",
        "rejected",
    }
    assert len(urls) == 22


def test_writing_after_a_restore_continues_the_ids(wiki, editor, tmp_path):
    backup = tmp_path / "wiki.json.gz"
    highest = ChangeRequest.objects.order_by("-pk").first().pk
    run("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    run("restore", str(backup))

    change_request = propose(
        Profile.objects.get(slug="second-brigade"),
        editor.__class__.objects.get(username="editor"),
        size=["About 50"],
    )

    assert change_request.pk > highest


def test_restore_refuses_a_database_with_data(wiki, tmp_path):
    backup = tmp_path / "wiki.json.gz"
    run("backup", str(backup))

    with pytest.raises(CommandError, match=r"^The database is not empty: it holds"):
        run("restore", str(backup))


def test_restore_force_replaces_the_data(wiki, tmp_path):
    backup = tmp_path / "wiki.json.gz"
    run("backup", str(backup))
    publish_profile("Added After The Backup")

    run("restore", str(backup), "--force")

    assert sorted(Profile.objects.values_list("name", flat=True)) == [
        "First Brigade",
        "Second Brigade",
    ]


def test_restore_dry_run_changes_nothing(wiki, tmp_path):
    backup = tmp_path / "wiki.json.gz"
    run("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)

    out = run("restore", str(backup), "--dry-run")

    assert out.startswith("Checked (dry run, nothing changed) ")
    assert Profile.objects.count() == 0


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a backup", encoding="utf-8")

    with pytest.raises(CommandError, match=r"notes\.txt cannot be restored"):
        run("restore", str(bad))
