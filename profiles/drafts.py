"""Edit drafts: what an editor typed into an edit form and kept without
submitting (`EditDraft`), one per editor and profile and one per editor for
a new profile. A draft is its author's alone: every function here takes the
user, and nothing else reads drafts (no page, export, feed or API).

`profiles.forms.draft_data` says which of a form's data a draft keeps and
holds it to the form's bounds; this module reads and writes the rows.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from profiles.models import EditDraft, Profile


def draft_for(user, profile: Profile | None) -> EditDraft | None:
    """`user`'s draft of the edit form of `profile` (of a new profile when
    None), or None. One indexed query."""
    return EditDraft.objects.filter(user=user, profile=profile).first()


def save_draft(*, user, profile: Profile | None, data: dict) -> None:
    """Keeps `data` (`forms.draft_data`) as `user`'s draft of `profile`'s
    form, replacing the one before. Side effect: one row written. Drafts are
    not part of the record (no history), so the row is updated in place;
    a draft saved from two tabs at once ends as the later one."""
    mine = EditDraft.objects.filter(user=user, profile=profile)
    if mine.update(data=data, updated_at=timezone.now()):
        return
    try:
        with transaction.atomic():
            EditDraft.objects.create(user=user, profile=profile, data=data)
    except IntegrityError:  # the other tab made it first
        mine.update(data=data, updated_at=timezone.now())


def discard_draft(*, user, profile: Profile | None) -> bool:
    """Deletes `user`'s draft of `profile`'s form; whether there was one."""
    deleted, _ = EditDraft.objects.filter(user=user, profile=profile).delete()
    return bool(deleted)
