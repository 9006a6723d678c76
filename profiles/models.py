"""The published record (`Profile`, `Leader`, `Citation`) and the change
requests that are the only way it changes (`ChangeRequest`, `ProposedChange`,
`Version`).

Models stay slim: publishing lives in `profiles.workflow`, cross-model reads in
`profiles.queries`, the JSON shape in `profiles.serializers`.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from profiles.sections import FIELD_LABELS


def split_lines(text: str) -> list[str]:
    """Items of a one-item-per-line text field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def join_lines(items) -> str:
    return "\n".join(item.strip() for item in items if item.strip())


class ChangeRequestStamp(models.Model):
    """Base of every historical model of the published record: each history row
    says which change request made it (`profiles.signals` fills it in)."""

    change_request = models.ForeignKey(
        "profiles.ChangeRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


def _history() -> HistoricalRecords:
    return HistoricalRecords(bases=[ChangeRequestStamp])


class ProfileQuerySet(models.QuerySet):
    def published(self) -> "ProfileQuerySet":
        return self.filter(version__gte=1)

    def designated(self) -> "ProfileQuerySet":
        """Profiles whose current designations list something (not "None")."""
        return self.exclude(self._undesignated())

    def not_designated(self) -> "ProfileQuerySet":
        return self.filter(self._undesignated())

    @staticmethod
    def _undesignated() -> Q:
        return Q(current_designations="") | Q(current_designations__iexact="none")


class Profile(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    english_name = models.CharField(
        max_length=200, blank=True, help_text="The English gloss shown after the name."
    )
    alternative_names = models.TextField(
        blank=True, help_text="One per line, in any script."
    )
    logo = models.TextField(blank=True, help_text="What the logo shows.")
    logo_image = models.ImageField(upload_to="logos/", blank=True)
    flag_text = models.TextField(blank=True)

    founding = models.TextField(blank=True)
    size = models.TextField(blank=True)
    political_wing = models.TextField(blank=True)
    weapons = models.TextField(blank=True)
    atrocities = models.TextField(blank=True)
    areas_of_operation = models.TextField(blank=True)
    connections_to_other_militias = models.TextField(blank=True)
    current_designations = models.TextField(blank=True)
    social_media = models.TextField(blank=True)
    connections_to_irgc = models.TextField("connections to the IRGC", blank=True)
    background = models.TextField("background and analysis", blank=True)

    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Number of the published version."
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    tags = TaggableManager(blank=True)
    history = _history()
    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name"), "pk"]
        permissions = [
            ("propose_change", "Can propose a change to a profile"),
        ]
        # The home page's and the list's "recently updated".
        indexes = [models.Index(fields=["published_at"], name="profile_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(version=0) | Q(published_at__isnull=False),
                name="profile_published_version_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("profiles:detail", args=[self.slug])

    @property
    def title(self) -> str:
        return f"{self.name} ({self.english_name})" if self.english_name else self.name

    def items(self, field: str) -> list[str]:
        """The bullets of a bullet section, or the lines of a list field."""
        return split_lines(getattr(self, field))


class Leader(models.Model):
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="leaders"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    aliases = models.TextField(blank=True, help_text="One per line.")
    role = models.TextField(blank=True)

    history = _history()

    class Meta:
        # By the column: "profile" would sort through Profile's own ordering,
        # joining the profile's table into every read of its leaders.
        ordering = ["profile_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "position"], name="leader_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)


class Citation(models.Model):
    """One numbered note of a profile. `text` is the note as its author wrote it;
    its sources are read from that text and kept in the shared bibliography."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="citations"
    )
    number = models.PositiveIntegerField()
    text = models.TextField()
    sources = models.ManyToManyField(
        "sources.Source", through="CitationSource", related_name="citations"
    )

    history = _history()

    class Meta:
        ordering = ["profile_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "number"], name="citation_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="citation_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def cited_sources(self) -> list:
        """The works this note cites, in order: from the prefetched links, or
        for a note rebuilt from a version's snapshot, as it recorded them."""
        if self.pk is None:
            return list(getattr(self, "recorded_sources", []))
        return [link.source for link in self.citation_sources.all()]


class CitationSource(models.Model):
    citation = models.ForeignKey(
        Citation, on_delete=models.CASCADE, related_name="citation_sources"
    )
    source = models.ForeignKey(
        "sources.Source", on_delete=models.PROTECT, related_name="citation_sources"
    )
    position = models.PositiveIntegerField(default=0)

    history = _history()

    class Meta:
        ordering = ["citation_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["citation", "source"], name="citation_source_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citation} → {self.source}"


#: The permission that makes a reviewer (see `profiles.roles`).
REVIEW_PERMISSION = "profiles.review_changerequest"


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self) -> "ChangeRequestQuerySet":
        """Waiting for a reviewer."""
        return self.filter(status=ChangeRequest.Status.PENDING)

    def decided(self) -> "ChangeRequestQuerySet":
        """Approved (in whole or part) or rejected by a reviewer."""
        return self.filter(
            status__in=[ChangeRequest.Status.APPROVED, ChangeRequest.Status.REJECTED]
        )

    def by(self, user) -> "ChangeRequestQuerySet":
        """Written by `user`."""
        return self.filter(author=user)

    def for_reviewer(self, user) -> "ChangeRequestQuerySet":
        """Pending requests `user` may decide: none unless they review, and
        never their own."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if not user.has_perm(REVIEW_PERMISSION):
            return self.none()
        return self.pending().exclude(author=user)

    def claimed_by(self, user) -> "ChangeRequestQuerySet":
        """Claimed by `user`: they said they are on it."""
        return self.filter(claimed_by=user)

    def unclaimed(self) -> "ChangeRequestQuerySet":
        """Nobody has said they are on it."""
        return self.filter(claimed_by__isnull=True)


class ChangeRequest(models.Model):
    """A proposed set of field changes to one profile (or a new profile).

    State changes happen only in `profiles.workflow.transitions`, each
    recorded as a `RequestEvent`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Origin(models.TextChoices):
        EDIT = "edit", "Edit form"
        IMPORT = "import", "Document import"
        REVERT = "revert", "Revert"
        ADMIN = "admin", "Admin"

    profile = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
        help_text="Empty while a request for a new profile is pending.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(max_length=300)
    origin = models.CharField(max_length=20, choices=Origin, default=Origin.EDIT)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    base_version = models.PositiveIntegerField(
        default=0, help_text="The published version the author started from."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    published_version = models.PositiveIntegerField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reviewer who said they are on this pending request.",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("review_changerequest", "Can review change requests")]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # A profile's requests in version order: a field's history reads
            # them newest first, however many other profiles there are.
            models.Index(
                fields=["profile", "published_version"],
                name="change_request_profile_version",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "rejected"])
                | Q(reviewer__isnull=False, decided_at__isnull=False),
                name="change_request_decided_has_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(profile__isnull=False, published_version__isnull=False),
                name="change_request_approved_has_version",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "changes_requested"])
                | ~Q(decision_note=""),
                name="change_request_refusal_has_note",
            ),
            # A claim says who is on a pending request, since when; a
            # decision or a withdrawal clears it.
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True, claimed_at__isnull=True)
                | Q(
                    status="pending",
                    claimed_by__isnull=False,
                    claimed_at__isnull=False,
                ),
                name="change_request_claim_is_pending_and_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"


class ProposedChangeQuerySet(models.QuerySet):
    def published_for(self, profile: "Profile") -> "ProposedChangeQuerySet":
        """The changes that made a profile's published values."""
        return self.filter(
            change_request__profile=profile, decision=ProposedChange.Decision.ACCEPTED
        )


class ProposedChange(models.Model):
    """The proposed value of one field (or child list) and the sources behind it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        SENT_BACK = "sent_back", "Sent back"

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField(max_length=50)
    value = models.JSONField(help_text="In the shape of the profile's JSON.")
    sources = models.ManyToManyField(
        "sources.Source", blank=True, related_name="supported_changes"
    )
    decision = models.CharField(
        max_length=20, choices=Decision, default=Decision.PENDING
    )
    reason = models.TextField(blank=True)
    published_value = models.JSONField(
        null=True,
        blank=True,
        help_text="What the reviewer published, when a conflict made it differ "
        "from the proposed value.",
    )

    objects = ProposedChangeQuerySet.as_manager()

    class Meta:
        ordering = ["change_request_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "field"], name="proposed_change_unique_field"
            ),
            # A field rejected or sent back says why, for its author.
            models.CheckConstraint(
                condition=~Q(decision__in=["rejected", "sent_back"]) | ~Q(reason=""),
                name="proposed_change_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} in {self.change_request}"

    @property
    def published(self):
        """The value this change published: the proposal, or the reviewer's
        resolution of a conflict."""
        return self.value if self.published_value is None else self.published_value

    def get_field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


class AppendOnlyError(Exception):
    """An attempt to change or remove what a request's event log says."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that are only ever added: bulk updates and deletes refuse, naming
    the rows as `what` says ("Request events")."""

    what = "These rows"

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.what} are never updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.what} are never updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.what} are never deleted.")

    delete.alters_data = True
    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A row that is only ever added: saving it again or deleting it
    refuses, naming the rows by the model's plural name."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._rows()} are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._rows()} are never deleted.")

    def _rows(self) -> str:
        return str(self._meta.verbose_name_plural).capitalize()


class RequestEventQuerySet(AppendOnlyQuerySet):
    what = "Request events"


class RequestEvent(AppendOnlyModel):
    """One thing that happened to a change request: who did it, when, and
    what they said; a submission or revision keeps the proposal as it was
    then, a publication the version it made. Appended by
    `profiles.workflow.events`; never updated or deleted, so the request's
    page can show the whole conversation in order."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        REVISED = "revised", "Revised"
        COMMENTED = "commented", "Commented"
        CHANGES_REQUESTED = "changes_requested", "Asked for changes"
        APPROVED = "approved", "Approved"
        PARTLY_APPROVED = "partly_approved", "Partly approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        PUBLISHED = "published", "Published"
        CLAIMED = "claimed", "Claimed"
        RELEASED = "released", "Released"
        SENT_BACK = "sent_back", "Fields sent back"

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True, help_text="The comment, note or reason.")
    proposal = models.JSONField(
        null=True,
        blank=True,
        help_text="For a submission or revision, the proposal as it was: "
        '{"summary", "base_version", "changes": {field: {"value", "sources"}}} '
        "with the sources' ids.",
    )
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a publication, the version it made."
    )

    objects = RequestEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["change_request", "at"], name="request_event_order")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["submitted", "revised"])
                | Q(proposal__isnull=False),
                name="request_event_proposal_kept",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["commented", "changes_requested", "rejected"])
                | ~Q(text=""),
                name="request_event_says_why",
            ),
            models.CheckConstraint(
                condition=~Q(kind="published") | Q(version__isnull=False),
                name="request_event_published_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.change_request_id} by {self.actor}"


class ProfileCommentQuerySet(AppendOnlyQuerySet):
    what = "Profile comments"


class ProfileComment(AppendOnlyModel):
    """One comment on a profile's talk page: discussion about the profile,
    not reviewed content. Appended by `profiles.workflow.transitions`; never
    updated or deleted, like a request's events."""

    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProfileCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["profile", "created_at"], name="profile_comment_order")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="profile_comment_has_text"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.profile} by {self.author}"


class FieldProvenance(models.Model):
    """Where a field's current value comes from: the accepted change that set
    it. Derived data, written when a version is published, so a profile page
    reads one row per field however long its history."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="provenance"
    )
    field = models.CharField(max_length=50)
    change = models.ForeignKey(
        ProposedChange, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "field"], name="field_provenance_unique_field"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.profile}"


class Version(models.Model):
    """A published version of a profile, numbered 1, 2, 3 … per profile, with
    the profile's JSON as it was then, so any version can be shown and cited."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    change_request = models.OneToOneField(
        ChangeRequest, on_delete=models.PROTECT, related_name="version"
    )
    published_at = models.DateTimeField()
    snapshot = models.JSONField()

    class Meta:
        ordering = ["profile_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "number"], name="version_unique_number"
            ),
        ]
        # Recent changes and their feed, newest first across every profile.
        indexes = [
            models.Index(fields=["published_at", "id"], name="version_published"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} v{self.number}"


class SuppressionQuerySet(AppendOnlyQuerySet):
    what = "Suppressions"


class Suppression(AppendOnlyModel):
    """A reviewer's order that one field's value, as version `version`
    published it, is hidden from the public: on every page, export, feed and
    API answer, in that version and in every other version (and the live
    profile) that carries the same value unchanged. `value_key` fingerprints
    that value (`profiles.redaction.value_key`), so finding it needs no
    reading of old snapshots.

    The audit log of suppressions: appended by
    `profiles.workflow.suppression.suppress`, never updated or deleted; the
    reason is for staff only."""

    REASON_LENGTH = 1000

    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="suppressions"
    )
    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="suppressions"
    )
    field = models.CharField(max_length=50)
    value_key = models.CharField(
        max_length=64, help_text="SHA-256 of the hidden value, as JSON."
    )
    reason = models.CharField(max_length=REASON_LENGTH)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        permissions = [
            ("suppress_field", "Can hide a field of a published version"),
        ]
        indexes = [
            models.Index(fields=["profile", "field"], name="suppression_lookup"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "field"], name="suppression_once_per_field"
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="suppression_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.version} hidden by {self.by}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def awaiting_digest(self) -> "NotificationQuerySet":
        """Unread watch notifications not emailed yet."""
        return self.unread().filter(
            kind__in=Notification.WATCH_KINDS, emailed_at__isnull=True
        )


class Notification(models.Model):
    """An entry in a person's inbox: a request they should review, a
    decision on their own request (each also sent by email at once), or a
    request opened or decided on a profile they watch (sent in a daily digest
    by `send_watch_digest`, which stamps `emailed_at`), or a comment that
    mentions them (inbox only), on a request or on a profile's talk page."""

    class Kind(models.TextChoices):
        SUBMITTED = "change_request.submitted", "New change request"
        APPROVED = "change_request.approved", "Change request approved"
        PARTLY_APPROVED = "change_request.partly_approved", "Partly approved"
        REJECTED = "change_request.rejected", "Change request rejected"
        CHANGES_REQUESTED = "change_request.changes_requested", "Changes requested"
        WATCHED_OPENED = "watched_opened", "New request on a watched profile"
        WATCHED_DECIDED = "watched_decided", "Decision on a watched profile"
        MENTIONED = "mentioned", "Mentioned in a comment"

    #: Kinds told to watchers, by email only in the daily digest.
    WATCH_KINDS = (Kind.WATCHED_OPENED, Kind.WATCHED_DECIDED)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        help_text="The request it is about; none for a mention on a talk page.",
    )
    request_event = models.ForeignKey(
        RequestEvent,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text="For a mention in a request's conversation, the comment.",
    )
    profile_comment = models.ForeignKey(
        ProfileComment,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text="For a mention on a profile's talk page, the comment.",
    )
    kind = models.CharField(max_length=50, choices=Kind)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(change_request__isnull=False)
                | Q(profile_comment__isnull=False),
                name="notification_is_about_something",
            ),
        ]

    def __str__(self) -> str:
        return self.message


class Watch(models.Model):
    """Someone who wants to hear when a request on a profile is opened or
    decided (`profiles.workflow.notifications`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="watches"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "profile"], name="one_watch_per_user_and_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.profile}"


class SearchName(models.Model):
    """A name of a published profile or of one of its leaders, with its
    spelling-tolerant key (`profiles.names`), so that search looks keys up in
    an index instead of reading every name.

    Derived data, not history: `profiles.search.index_profile` rebuilds a
    profile's rows each time it is published. A name has one row per word its
    key may start at: `word` 0 is the whole name, `word` 1 the name from its
    second word on, and so on, so "Muhandis" finds "Abu Mahdi al-Muhandis".
    Besides the names as listed, a leader's aliases are kept with the
    leader's surname ("Abu Yasir al-Example", as prose calls people), and the
    names written in a profile's sections (`PROSE`) are kept too.
    """

    class Kind(models.TextChoices):
        NAME = "name", "Name"
        ENGLISH_NAME = "english_name", "English name"
        ALTERNATIVE_NAME = "alternative_name", "Alternative name"
        LEADER = "leader", "Leader"
        ALIAS = "alias", "Leader's alias"
        ALIAS_WITH_SURNAME = "alias_surname", "Leader's alias with surname"
        PROSE = "prose", "Named in the text"

    #: Kinds that name a leader, and so carry the leader's position.
    LEADER_KINDS = (Kind.LEADER, Kind.ALIAS, Kind.ALIAS_WITH_SURNAME)
    KEY_LENGTH = 200

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="search_names"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    leader_position = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(help_text="The name as published.")
    word = models.PositiveSmallIntegerField(
        default=0, help_text="The word of `text` the key starts at."
    )
    key = models.CharField(max_length=KEY_LENGTH, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["leader", "alias", "alias_surname"],
                    leader_position__isnull=False,
                )
                | (
                    ~Q(kind__in=["leader", "alias", "alias_surname"])
                    & Q(leader_position__isnull=True)
                ),
                name="search_name_leader_has_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.key})"


class SearchText(models.Model):
    """The searchable text of one claim of a published profile (its section
    in `field`, its key in `claim_key`), or of one public source (its
    authors, title and publication), cut to `TEXT_LENGTH` characters. A
    section without claim rows yet (left for its next publish by migration
    0021) is one row without a key.

    Derived data, not history: `profiles.search.index_profile` rewrites a
    profile's rows, and those of the sources its notes cite, when a version
    is published. The text is indexed for full-text search by the database:
    an FTS5 table kept in step by triggers on SQLite, and on PostgreSQL the
    stored `vector` with a GIN index (migration 0009), so no request reads
    every profile's text.
    """

    #: A text-search vector takes at most about 10 bytes per character
    #: (measured worst case: two-letter hyphenated words of 4-byte letters),
    #: so 80,000 characters stay under PostgreSQL's limit of 1,048,575 bytes.
    TEXT_LENGTH = 80_000
    SOURCE_FIELD = "source"

    profile = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_texts",
    )
    source = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_texts",
    )
    field = models.CharField(max_length=40)
    #: The `Claim.key` of the claim this text is; no index: search reads the
    #: claim through the claim's own unique key.
    claim_key = models.UUIDField(null=True, blank=True)
    text = models.TextField()
    vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(profile__isnull=False, source__isnull=True)
                | Q(profile__isnull=True, source__isnull=False),
                name="search_text_of_profile_or_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.text[:50]}"


class Connection(models.Model):
    """One mention of a profile in another's "Connections to other militias"
    section: the bullet (`position`), where in it the name stands
    (`start`, `end`, the `name` as written), the bullet as the connection's
    label, and the year the bullet states.

    Derived data, not history: `profiles.network.indexing` rewrites a
    profile's rows when a version is published, so no page matches names
    against every profile.
    """

    TEXT_LENGTH = 500
    NAME_LENGTH = 200

    # The indexes below start with each key, so the keys need none of their own.
    source = models.ForeignKey(
        Profile,
        on_delete=models.CASCADE,
        related_name="connections_made",
        db_index=False,
    )
    target = models.ForeignKey(
        Profile,
        on_delete=models.CASCADE,
        related_name="connections_received",
        db_index=False,
    )
    position = models.PositiveIntegerField(help_text="The bullet, from 0.")
    start = models.PositiveIntegerField(help_text="Where the name starts.")
    end = models.PositiveIntegerField(help_text="Where the name ends.")
    name = models.CharField(max_length=NAME_LENGTH, help_text="The name as written.")
    text = models.CharField(
        max_length=TEXT_LENGTH, help_text="The bullet, without footnote marks."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The earliest year the bullet states."
    )

    class Meta:
        # By the key itself: "source" would sort by the profile's name, a join.
        ordering = ["source_id", "position", "start"]
        indexes = [
            models.Index(
                fields=["target", "source", "position", "start"],
                name="connection_target_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "position", "start"], name="connection_unique_span"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="connection_not_to_itself",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="connection_span_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}: {self.name}"


class ProfileDegree(models.Model):
    """How many other profiles a published profile is connected to, in either
    direction, so "the most connected" is read from an index. Derived with
    `Connection`, in the same transaction."""

    profile = models.OneToOneField(
        Profile,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="network_degree",
    )
    degree = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["-degree", "profile"], name="profile_degree_rank_idx")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.degree}"


class ClaimQuerySet(models.QuerySet):
    def stale(self, *, older_than, today):
        """Claims whose as-of date ends before `older_than`, or whose
        review-by date is `today` or past."""
        return self.filter(Q(as_of_end__lt=older_than) | Q(review_by__lte=today))


class Claim(models.Model):
    """One fact of a published profile: a bullet, a stretch of prose ending
    at its footnote marks, or a leader entry (`profiles.claims` reads them
    from the text layout).

    Derived data, not history: `profiles.claim_index` rewrites a profile's
    claims from its published text when a version is published, keeping the
    `key` of each claim that is still there (same or similar text), so a
    claim keeps its id through edits and moves. The published text stays the
    record; these rows make claims queryable (`/stale/`, the API, search)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "confirmed"
        REPORTED = "reported", "reported"
        CLAIMED = "claimed by the group", "claimed by the group"
        DISPUTED = "disputed", "disputed"
        DENIED = "denied", "denied"
        UNVERIFIED = "unverified", "unverified"

    #: An EDTF interval of two days with qualifiers fits in 30 characters;
    #: the parser refuses longer.
    AS_OF_LENGTH = 60

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="claims"
    )
    section = models.CharField(max_length=40)
    position = models.PositiveIntegerField(
        help_text="Its place in the section, from 0."
    )
    key = models.UUIDField(help_text="Stable through edits and moves.")
    text = models.TextField(help_text="Its words, without footnote marks.")
    status = models.CharField(max_length=30, choices=Status, default=Status.CONFIRMED)
    as_of = models.CharField(max_length=AS_OF_LENGTH, blank=True, help_text="EDTF.")
    as_of_start = models.DateField(null=True, blank=True)
    as_of_end = models.DateField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["profile_id", "section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "section", "position"],
                name="claim_unique_position",
            ),
            models.UniqueConstraint(fields=["key"], name="claim_unique_key"),
            models.CheckConstraint(
                condition=Q(as_of="")
                | Q(as_of_start__isnull=False, as_of_end__isnull=False),
                name="claim_dated_as_of_has_bounds",
            ),
        ]
        indexes = [
            models.Index(fields=["as_of_end"], name="claim_as_of_end"),
            models.Index(fields=["review_by"], name="claim_review_by"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def anchor(self) -> str:
        return f"claim-{self.key}"


class ClaimCitation(models.Model):
    """A note of the profile cited by a claim, in the claim's order: "which
    claims rest on note 6" is one indexed query. Derived with its claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveIntegerField()
    number = models.PositiveIntegerField(help_text="The note's number.")
    locator = models.CharField(max_length=100, blank=True)
    credibility = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How credible the note's work makes the claim: 1 (confirmed "
        "by other sources) to 6 (cannot be judged), the Admiralty scale.",
    )

    class Meta:
        ordering = ["claim_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "position"], name="claim_citation_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(credibility__isnull=True)
                | Q(credibility__gte=1, credibility__lte=6),
                name="claim_citation_credibility_1_to_6",
            ),
        ]

    def __str__(self) -> str:
        return f"note {self.number}"


class EditDraft(models.Model):
    """What an editor typed into the edit form of a profile (or of a new
    profile, `profile` empty) and kept without submitting: the form's data
    as posted, restored the next time they open the form. Private to its
    author and never part of the record, so it has no history; submitting
    the form deletes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="edit_drafts"
    )
    profile = models.ForeignKey(
        Profile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(help_text="The form's fields as posted: name -> values.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "profile"],
                condition=Q(profile__isnull=False),
                name="one_edit_draft_per_user_and_profile",
            ),
            # NULLs are distinct in a unique index: one new-profile draft
            # per user needs its own.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(profile__isnull=True),
                name="one_new_profile_draft_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Draft by {self.user} of {self.profile or 'a new profile'}"
