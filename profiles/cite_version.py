"""How a reader cites one version of a profile: its permanent address and
the project's name, for the "Cite this version" box of the profile page and
of each version's page (templates/profiles/includes/cite_version.html puts
them together with the profile's name, version and date), the version as a
reference in APA, Chicago and MLA, the addresses of the version as a
CSL-JSON, BibTeX or RIS file (`views.bibliography.version_citation`), and
of the profile's bibliography in those formats."""

import re
import unicodedata
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from profiles.models import Profile
from sources.references import EXPORT_FORMATS, Name, Reference, formatted_references

__all__ = ["CITE_FILES", "cite_context", "version_reference"]

#: The version's citation files, by their extension: the export format each is.
CITE_FILES: dict[str, str] = {"json": "csl-json", "bib": "bibtex", "ris": "ris"}


def version_reference(
    *,
    slug: str,
    title: str,
    number: int,
    published_at: datetime | None,
    url: str,
    accessed: date | None = None,
) -> Reference:
    """Version `number` of a profile as a web page whose author is the
    project (`settings.SITE_NAME`), issued the day it was published, at its
    permanent address `url`; `accessed` when the reader took it."""
    ascii_slug = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9-]+", "", ascii_slug.lower())[:60] or "profile"
    return Reference(
        key=f"{stem}-v{number}",
        kind="webpage",
        title=title,
        authors=(Name(literal=settings.SITE_NAME),),
        issued=timezone.localdate(published_at).isoformat() if published_at else "",
        accessed=accessed,
        url=url,
        language="en",
        version=str(number),
    )


def cite_context(request, profile: Profile) -> dict:
    """The version's absolute permanent address on the host the reader
    asked (so it is not cached with the article), the project's name, the
    version formatted in each style (`references`: (style, HTML) pairs;
    no access date, so a page cached for days says nothing of today), its
    citation files (`downloads`: (format, address) pairs) and the files of
    the works the profile's notes cite now (`bibliography`: the same)."""
    url = request.build_absolute_uri(
        reverse("profiles:version", args=[profile.slug, profile.version])
    )
    reference = version_reference(
        slug=profile.slug,
        title=profile.title,
        number=profile.version,
        published_at=profile.published_at,
        url=url,
    )
    return {
        "url": url,
        "site": settings.SITE_NAME,
        "references": formatted_references(reference),
        "downloads": [
            (
                EXPORT_FORMATS[name].label,
                reverse("profiles:cite", args=[profile.slug, profile.version, ext]),
            )
            for ext, name in CITE_FILES.items()
        ],
        "bibliography": [
            (
                export.label,
                reverse("api:profile-sources", args=[profile.slug]) + f"?format={name}",
            )
            for name, export in EXPORT_FORMATS.items()
        ],
    }
