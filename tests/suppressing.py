"""A profile with a value that must not stay public, for the suppression
tests: version 2 writes a private person's address into the atrocities
section, version 3 changes another section and keeps it, and a reviewer
with the permission hides it as version 2 published it."""

from django.contrib.auth.models import Permission

from profiles import workflow
from profiles.models import Profile
from tests.factories import publish_change, publish_profile, reviewer_user

#: A word only the hidden value holds. Search pages repeat their query, so
#: a walk searches for `SECRET` and looks for `LEAK`, which only the hidden
#: value can show.
SECRET = "zqxprivateaddress"
LEAK = f"{SECRET}street"
HIDDEN_BULLET = f"Shelled the home of {SECRET} at 12 {LEAK} in 2020"
REASON = "A private person's home address"


def suppressor_user(**kwargs):
    """A reviewer given the permission to hide values."""
    user = reviewer_user(**kwargs)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="profiles", codename="suppress_field"
        )
    )
    return user


def profile_with_secret() -> Profile:
    """Versions 1 (no secret), 2 (the secret added), 3 (the secret kept)."""
    profile = publish_profile()
    publish_change(profile, atrocities=[HIDDEN_BULLET])
    publish_change(profile, size=["About 900 fighters in 2021"])
    return profile


def hide_secret(profile: Profile, by=None):
    return workflow.suppress(
        profile,
        "atrocities",
        2,
        by=by or suppressor_user(username="suppressor"),
        reason=REASON,
    )
