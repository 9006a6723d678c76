"""The bibliography: one `Source` per cited work, shared by all the profiles
that cite it, with what the link checker last found at its URL and the
archive copies (`SourceArchive`) kept of it; `SourceMerge`, the log of works
a reviewer found to be one.

Each work's `Publisher` (the outlet, agency, government body, researcher or
the group's own channel that put it out) carries a reliability grade, A to
F, given only through a reviewed `PublisherGradeProposal`
(`profiles.workflow.publishers`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sources import grading, linkcheck
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


def publisher_key(name: str) -> str:
    """What makes two publishers' names the same: case and runs of spaces
    aside ("The  Long War Journal" is "the long war journal")."""
    return " ".join(name.split()).casefold()


class PublisherQuerySet(models.QuerySet):
    def with_source_counts(self) -> "PublisherQuerySet":
        """Each with `source_count`: how many public works it put out."""
        return self.annotate(
            source_count=models.Count(
                "sources", filter=Q(sources__published_at__isnull=False)
            )
        )

    def graded(self, grade: str) -> "PublisherQuerySet":
        """Those graded `grade` (A to F), or not graded yet for ""."""
        return self.filter(grade=grade)


class Publisher(models.Model):
    """Who put a work out, with its reliability grade (the Admiralty
    letter) and the reason for it. Made when a work of it is first
    published (`sources.bibliography`); its kind, grade and reason change
    only when a reviewer approves a `PublisherGradeProposal`, and the
    history keeps every grade it had, with who approved it."""

    class Kind(models.TextChoices):
        OUTLET = "outlet", "outlet"
        NEWS_AGENCY = "news_agency", "news agency"
        OWN_CHANNEL = "own_channel", "the group's own channel"
        GOVERNMENT = "government", "government body"
        RESEARCHER = "researcher", "researcher or think tank"
        OTHER = "other", "other"

    class Grade(models.TextChoices):
        A = "A", f"A: {grading.RELIABILITY['A']}"
        B = "B", f"B: {grading.RELIABILITY['B']}"
        C = "C", f"C: {grading.RELIABILITY['C']}"
        D = "D", f"D: {grading.RELIABILITY['D']}"
        E = "E", f"E: {grading.RELIABILITY['E']}"
        F = "F", f"F: {grading.RELIABILITY['F']}"

    #: The longest reason a grade may give.
    REASON_LENGTH = 2000

    name = models.CharField(
        max_length=300, help_text="As its first published work named it."
    )
    key = models.CharField(
        max_length=300,
        unique=True,
        editable=False,
        help_text="Its name without case or extra spaces: one per name.",
    )
    kind = models.CharField(
        max_length=20, choices=Kind, blank=True, help_text="Blank: not said yet."
    )
    grade = models.CharField(
        "reliability grade",
        max_length=1,
        choices=Grade,
        blank=True,
        help_text="Blank: not graded yet.",
    )
    reason = models.TextField(
        blank=True, help_text="Why it has its grade; required once graded."
    )
    url = models.URLField("home page", max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = PublisherQuerySet.as_manager()

    class Meta:
        ordering = ["key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__in=["", *grading.RELIABILITY]),
                name="publisher_grade_a_to_f",
            ),
            models.CheckConstraint(
                condition=Q(grade="") | ~Q(reason=""),
                name="publisher_graded_with_reason",
            ),
            models.CheckConstraint(condition=~Q(key=""), name="publisher_has_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = publisher_key(self.name)
        super().save(*args, **kwargs)

    @property
    def grade_words(self) -> str:
        """Its grade in words ("usually reliable" for B); "" when none."""
        return grading.RELIABILITY.get(self.grade, "")


class GradeProposalLogError(Exception):
    """An attempt to change what a grade proposal proposed, or remove it."""


class PublisherGradeProposalQuerySet(models.QuerySet):
    def pending(self) -> "PublisherGradeProposalQuerySet":
        return self.filter(status=PublisherGradeProposal.Status.PENDING)

    def approved(self) -> "PublisherGradeProposalQuerySet":
        return self.filter(status=PublisherGradeProposal.Status.APPROVED)

    def delete(self):
        raise GradeProposalLogError("Grade proposals are never deleted.")

    delete.alters_data = True
    delete.queryset_only = True


class PublisherGradeProposal(models.Model):
    """An editor's request to grade a publisher (a grade, a kind and the
    reason), and a reviewer's decision on it. What was proposed is never
    changed and no proposal is deleted: the approved ones are the grade's
    history, the rejected ones what was refused. Made and decided by
    `profiles.workflow.publishers` alone; one pending per publisher."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"

    #: What deciding writes, once; the rest is as proposed.
    DECISION_FIELDS = frozenset({"status", "decided_by", "decided_at", "decision_note"})

    publisher = models.ForeignKey(
        Publisher, on_delete=models.PROTECT, related_name="grade_proposals"
    )
    grade = models.CharField("reliability grade", max_length=1, choices=Publisher.Grade)
    kind = models.CharField(max_length=20, choices=Publisher.Kind)
    reason = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = PublisherGradeProposalQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher"],
                condition=Q(status="pending"),
                name="publisher_one_pending_grade_proposal",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=list(grading.RELIABILITY))
                & ~Q(kind="")
                & ~Q(reason=""),
                name="grade_proposal_complete",
            ),
            models.CheckConstraint(
                condition=Q(
                    status="pending", decided_by__isnull=True, decided_at__isnull=True
                )
                | Q(
                    status__in=["approved", "rejected"],
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                ),
                name="grade_proposal_decided_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | ~Q(decided_by=models.F("proposed_by")),
                name="grade_proposal_not_decided_by_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""),
                name="grade_proposal_rejection_says_why",
            ),
        ]
        indexes = [
            models.Index(
                fields=["publisher", "decided_at"],
                condition=Q(status="approved"),
                name="grade_proposal_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade} for {self.publisher} ({self.status})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.DECISION_FIELDS:
                raise GradeProposalLogError(
                    "A grade proposal stays as proposed: only its decision is written."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise GradeProposalLogError("Grade proposals are never deleted.")

    @property
    def grade_words(self) -> str:
        """The proposed grade in words ("usually reliable" for B)."""
        return grading.RELIABILITY.get(self.grade, "")


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

    def from_publisher_graded(self, grade: str) -> "SourceQuerySet":
        """Works whose publisher is graded `grade` (A to F), or, for "",
        whose publisher is not graded yet or not known."""
        if grade:
            return self.filter(publisher__grade=grade)
        return self.filter(Q(publisher__isnull=True) | Q(publisher__grade=""))

    def by_publisher_grade(self, *then: str) -> "SourceQuerySet":
        """Ordered by their publisher's grade, A first, then F, then the
        ungraded and those without a publisher; ties by `then`."""
        ungraded = models.Case(
            models.When(publisher__grade="", then=models.Value(1)),
            models.When(publisher__isnull=True, then=models.Value(1)),
            default=models.Value(0),
        )
        grade = Coalesce("publisher__grade", models.Value(""))
        return self.order_by(ungraded, grade, *then)

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
    publisher = models.ForeignKey(
        Publisher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        editable=False,
        help_text="Found by its publication's name when it is published.",
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
