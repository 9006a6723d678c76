"""Reads that cross models, each with the joins and prefetches its page needs,
so a page's query count does not grow with its data."""

from django.db.models import Prefetch, QuerySet

from profiles.models import Citation, CitationSource, Profile


def _with_record(queryset: QuerySet[Profile]) -> QuerySet[Profile]:
    return queryset.prefetch_related(
        "leaders",
        "tags",
        Prefetch(
            "citations",
            queryset=Citation.objects.prefetch_related(
                Prefetch(
                    "citation_sources",
                    queryset=CitationSource.objects.select_related("source"),
                )
            ),
        ),
    )


def profile_record(pk: int, *, lock: bool = False) -> Profile:
    """A profile with its leaders, notes, their sources and tags; `lock` holds
    the profile row until the transaction ends."""
    queryset = Profile.objects.select_for_update() if lock else Profile.objects
    return _with_record(queryset.filter(pk=pk)).get()


def published_profile(slug: str) -> Profile:
    """The profile page's data; raises `Profile.DoesNotExist`."""
    return _with_record(Profile.objects.published().filter(slug=slug)).get()


def published_profiles() -> QuerySet[Profile]:
    """Every published profile with its whole record, for the API and exports."""
    return _with_record(Profile.objects.published())


def recently_updated(limit: int = 8) -> QuerySet[Profile]:
    return Profile.objects.published().order_by("-published_at")[:limit]
