"""axe-core finds no accessibility violation on the reader's pages."""

import pytest
from django.core.management import call_command

from profiles import workflow
from profiles.models import Profile
from sources.models import Source
from tests.browser.pages import READER_PAGES
from tests.conftest import SEED
from tests.factories import SourceFactory, editor_user, reviewer_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(seed_text):
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)


@pytest.fixture
def changed(seeded):
    """A second version of the seed, so compare and field history have content."""
    profile = Profile.objects.get(slug="liwa-al-baqir")
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Newer estimate",
        proposals={"size": workflow.Proposal(["About 4,000"], [SourceFactory()])},
    )
    workflow.approve(change_request, reviewer=reviewer_user())


@pytest.mark.parametrize("path", READER_PAGES)
def test_reader_pages_have_no_axe_violations(
    live_server, page, axe_violations, changed, path
):
    source = Source.objects.order_by("pk").first()
    page.goto(live_server.url + path.format(source=source.pk))

    assert page.title()
    assert axe_violations() == []
