"""The bibliography: one `Source` per cited work, shared by all the profiles
that cite it."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sources.citations import SourceEntry, format_source
from sources.dates import iso_partial_date
from sources.weblinks import normalise_url


class SourceQuerySet(models.QuerySet):
    def public(self) -> "SourceQuerySet":
        """Works a reviewer has let readers see: cited by a published version."""
        return self.filter(published_at__isnull=False)

    def with_url(self) -> "SourceQuerySet":
        """Works with a URL. Filtering by URL through this states the
        condition of the unique index on `normalised_url`, which SQLite
        needs in the query to use that partial index instead of reading
        every row."""
        return self.filter(~Q(normalised_url=""))

    def matching(self, entry: SourceEntry) -> "SourceQuerySet":
        """The existing row for this work: same normalised URL, or for a work
        without a URL the same authors, title, publication and date."""
        if entry.url:
            return self.with_url().filter(normalised_url=normalise_url(entry.url))
        return self.filter(
            normalised_url="",
            authors=entry.authors,
            title=entry.title,
            publication=entry.publication,
            date=entry.date,
        )


class Source(models.Model):
    authors = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    publication = models.CharField(max_length=300, blank=True)
    date = models.CharField(
        max_length=100,
        blank=True,
        help_text="As written: “September 2017” stays a month.",
    )
    date_iso = models.CharField(
        "date (ISO 8601)",
        max_length=10,
        blank=True,
        editable=False,
        help_text="At the precision written: 2017, 2017-09 or 2017-09-15.",
    )
    url = models.URLField("URL", max_length=2000, blank=True)
    normalised_url = models.CharField(max_length=2000, blank=True, editable=False)
    language = models.CharField(
        max_length=10,
        blank=True,
        help_text="Language code of the work, e.g. en, ar, fa.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When a published version first cited it; until then only the "
        "change requests citing it show it.",
    )

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalised_url"],
                condition=~Q(normalised_url=""),
                name="source_unique_normalised_url",
            ),
            models.CheckConstraint(
                condition=~Q(title="", publication="", url=""),
                name="source_has_title_publication_or_url",
            ),
        ]

    def __str__(self) -> str:
        return format_source(self.as_entry())

    def save(self, *args, **kwargs):
        self.normalised_url = normalise_url(self.url)
        self.date_iso = iso_partial_date(self.date)
        super().save(*args, **kwargs)

    def as_entry(self) -> SourceEntry:
        return SourceEntry(
            authors=self.authors,
            title=self.title,
            publication=self.publication,
            date=self.date,
            url=self.url,
            language=self.language,
        )
