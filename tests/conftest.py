"""Project-wide fixtures. Test settings: a fast password hasher, media in a
temporary folder, the console email backend left in memory by Django."""

from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import UserFactory, editor_user, publish_profile, reviewer_user

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "liwa-al-baqir.txt"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached: rows of one test can get the
    primary keys of another's, and cached pages are keyed by them."""
    cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tasks run where they are enqueued, inside the test's transaction.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The sample document the user gave; CI has ../shared beside the clone."""
    if not SEED.exists():
        pytest.fail(
            f"{SEED} is missing: the tests need ../shared (the seed document) "
            "beside the repository, as CI has it."
        )
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def editor(db):
    return editor_user(username="editor")


@pytest.fixture
def reviewer(db):
    return reviewer_user(username="reviewer")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def profile(db):
    return publish_profile()
