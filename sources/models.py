"""The bibliography: one `Source` per cited work, shared by all the profiles
that cite it, with what the link checker last found at its URL and the
archive copies (`SourceArchive`) kept of it; `SourceMerge`, the log of works
a reviewer found to be one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sources import linkcheck
from sources.citations import SourceEntry, format_source
from sources.dates import iso_partial_date
from sources.weblinks import duplicate_of, normalise_url

#: What `manage.py check_links` records on a source. Observations of the web,
#: not the bibliographic record: kept out of the history (a nightly check
#: would otherwise add a history row per source per night) and written by
#: `Source.record_link_check` alone.
LINK_CHECK_FIELDS = (
    "link_checked_at",
    "link_status",
    "link_final_url",
    "link_dead",
    "link_error",
    "link_failures",
)


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

    def web(self) -> "SourceQuerySet":
        """Works with an http or https URL: those the link checker asks for."""
        return self.filter(
            Q(url__istartswith="http://") | Q(url__istartswith="https://")
        )

    def dead(self) -> "SourceQuerySet":
        """Works whose link the checker found dead."""
        return self.filter(link_dead=True)

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
    accessed_on = models.DateField(
        "accessed on",
        null=True,
        blank=True,
        help_text="When the citing author last read it at its URL.",
    )
    link_checked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When its URL was last checked.",
    )
    link_status = models.PositiveSmallIntegerField(
        "HTTP status",
        null=True,
        blank=True,
        editable=False,
        help_text="Of the last answer; empty when none came.",
    )
    link_final_url = models.URLField(
        "final URL",
        max_length=2000,
        blank=True,
        editable=False,
        help_text="Where the last check ended, redirects followed.",
    )
    link_dead = models.BooleanField(
        "dead link",
        default=False,
        editable=False,
        help_text="404 or 410 once, or "
        f"{linkcheck.FAILURES_BEFORE_DEAD} failed checks in a row.",
    )
    link_error = models.CharField(
        max_length=linkcheck.ERROR_LENGTH,
        blank=True,
        editable=False,
        help_text="Why the last check got no answer.",
    )
    link_failures = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Failed checks in a row."
    )

    history = HistoricalRecords(excluded_fields=list(LINK_CHECK_FIELDS))
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
        indexes = [
            models.Index(
                fields=["link_checked_at"],
                condition=Q(link_dead=True),
                name="source_dead_by_check",
            ),
        ]

    def __str__(self) -> str:
        return format_source(self.as_entry())

    def save(self, *args, **kwargs):
        key = normalise_url(self.url)
        # A possible duplicate keeps the key it waits under for a merge
        # (`weblinks.duplicate_key`) while its URL stays the same: the plain
        # key is another work's.
        if duplicate_of(self.normalised_url) != key:
            self.normalised_url = key
        self.date_iso = iso_partial_date(self.date)
        super().save(*args, **kwargs)

    def record_link_check(self, result: linkcheck.LinkResult) -> None:
        """Keep what checking its URL found, by the rule of `linkcheck`: an
        answer below 400 clears the failures and the dead mark; 404 or 410
        marks it dead at once; anything else counts a failure and marks it
        dead at the `FAILURES_BEFORE_DEAD`th in a row. Saves only the link
        fields, without a history row (they are not part of the record)."""
        outcome = result.outcome
        self.link_checked_at = result.checked_at
        self.link_status = result.status
        self.link_final_url = result.final_url[:2000]
        self.link_error = result.error[: linkcheck.ERROR_LENGTH]
        if outcome == "ok":
            self.link_failures = 0
            self.link_dead = False
        else:
            self.link_failures = min(self.link_failures + 1, 32767)
            self.link_dead = (
                outcome == "gone"
                or self.link_failures >= linkcheck.FAILURES_BEFORE_DEAD
            )
        self.save_without_historical_record(update_fields=LINK_CHECK_FIELDS)

    def as_entry(self) -> SourceEntry:
        return SourceEntry(
            authors=self.authors,
            title=self.title,
            publication=self.publication,
            date=self.date,
            url=self.url,
            language=self.language,
        )


class SourceArchive(models.Model):
    """A copy of a source kept by a web archive, for when its own URL dies.
    A source may have several (different archives, or different days); they
    are listed by `position`. Added by staff in the admin (`sources.admin`)."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="archives"
    )
    url = models.URLField("archive URL", max_length=2000)
    archived_on = models.DateField(help_text="The day the archive made the copy.")
    position = models.PositiveIntegerField(
        default=0, help_text="Its place among the source's copies, from 0."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["source_id", "position", "pk"]
        verbose_name = "archive copy"
        verbose_name_plural = "archive copies"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "url"], name="source_archive_unique_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.archived_on.isoformat()})"


class MergeLogError(Exception):
    """An attempt to change or remove what the merge log says."""


class SourceMergeQuerySet(models.QuerySet):
    """The merge log refuses bulk updates and deletes."""

    def update(self, **kwargs):
        raise MergeLogError("Source merges are never updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise MergeLogError("Source merges are never updated.")

    def delete(self):
        raise MergeLogError("Source merges are never deleted.")

    delete.alters_data = True
    delete.queryset_only = True


class SourceMerge(models.Model):
    """A reviewer's finding that several sources are one work: those in
    `merged` (each as it was described, with its id) are now cited as the
    source `kept`, and are gone. Appended by
    `profiles.workflow.source_merge.merge_sources`; never updated or
    deleted. Ids, not foreign keys: the kept source may itself be merged
    later, and the log must still say what happened."""

    kept = models.PositiveBigIntegerField(help_text="The id of the source kept.")
    merged = models.JSONField(
        help_text="The sources merged into it, as they were: id, authors, "
        "title, publication, date, URL."
    )
    notes_moved = models.PositiveIntegerField(
        help_text="Links of notes to a merged source now pointing to the kept one."
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    objects = SourceMergeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        ids = ", ".join(str(source["id"]) for source in self.merged)
        return f"Sources {ids} merged into {self.kept}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise MergeLogError("Source merges are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise MergeLogError("Source merges are never deleted.")
