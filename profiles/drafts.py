"""Edit drafts: what an editor typed into an edit form and kept without
submitting (`EditDraft`), one per editor and profile and one per editor for
a new profile. A draft is its author's alone: every function here takes the
user, and nothing else reads drafts (no page, export, feed or API).

`profiles.forms.draft_data` says which of a form's data a draft keeps and
holds it to the form's bounds; this module reads and writes the rows.
"""

from django.db import transaction

from profiles.models import EditDraft, Profile


def draft_for(user, profile: Profile | None) -> EditDraft | None:
    """`user`'s draft of the edit form of `profile` (of a new profile when
    None), or None. One indexed query."""
    return EditDraft.objects.filter(user=user, profile=profile).first()


def save_draft(*, user, profile: Profile | None, data: dict) -> EditDraft:
    """Keeps `data` (`forms.draft_data`) as `user`'s draft of `profile`'s
    form, replacing the one before. Side effect: one row written."""
    with transaction.atomic():
        draft = (
            EditDraft.objects.select_for_update()
            .filter(user=user, profile=profile)
            .first()
        )
        if draft is None:
            draft = EditDraft(user=user, profile=profile)
        draft.data = data
        draft.full_clean(exclude=["user", "profile"])
        draft.save()
    return draft


def discard_draft(*, user, profile: Profile | None) -> bool:
    """Deletes `user`'s draft of `profile`'s form; whether there was one."""
    deleted, _ = EditDraft.objects.filter(user=user, profile=profile).delete()
    return bool(deleted)
