"""How a reader cites one version of a profile: its permanent address and
the project's name, for the "Cite this version" box of the profile page and
of each version's page (templates/profiles/includes/cite_version.html puts
them together with the profile's name, version and date). Citation formats
(CSL-JSON, BibTeX, RIS) come with the bibliography's export."""

from django.conf import settings
from django.urls import reverse

from profiles.models import Profile

__all__ = ["cite_context"]


def cite_context(request, profile: Profile) -> dict[str, str]:
    """The version's absolute permanent address on the host the reader
    asked (so it is not cached with the article) and the project's name."""
    return {
        "url": request.build_absolute_uri(
            reverse("profiles:version", args=[profile.slug, profile.version])
        ),
        "site": settings.SITE_NAME,
    }
