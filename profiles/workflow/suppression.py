"""Suppression: hiding one field of one published version from the public,
for the rare text that must not stay public even in history (a private
person's address, a libel).

Only people given the `profiles.suppress_field` permission hide a value, and
they must say why; each suppression is a row of the append-only audit log
(`profiles.models.Suppression`). What readers then see is
`profiles.redaction`'s business; staff still see the value.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from profiles import claim_index, redaction, roles, search
from profiles.models import Profile, Suppression, Version
from profiles.network import indexing
from profiles.network.matching import CONNECTIONS
from profiles.sections import FIELD_LABELS, FIELDS
from profiles.serializers import json_values
from profiles.workflow.states import NotAllowed

NOT_PERMITTED = "Only people given the permission to hide values can hide one."


def check_suppressor(user) -> None:
    """Raises `NotAllowed` unless `user` may hide values."""
    if not roles.can_suppress(user):
        raise NotAllowed(NOT_PERMITTED)


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why this value must be hidden; the audit log keeps it."}
        )
    if len(reason) > Suppression.REASON_LENGTH:
        raise ValidationError(
            {
                "reason": f"Keep the reason to {Suppression.REASON_LENGTH} "
                f"characters; it has {len(reason)}."
            }
        )
    return reason


def _checked_field(field: str) -> str:
    if field not in FIELDS:
        raise ValidationError({"field": f"“{field}” is not a field of a profile."})
    if field not in redaction.SUPPRESSIBLE_FIELDS:
        raise ValidationError(
            {
                "field": f"{FIELD_LABELS[field]} cannot be hidden: the name, "
                "English name, alternative names and tags identify the "
                "profile. Change them through a change request."
            }
        )
    return field


def suppress(
    profile: Profile, field: str, version_number: int, *, by, reason: str
) -> Suppression:
    """Hides `field`'s value as version `version_number` of `profile`
    published it, wherever that value stands unchanged.

    Raises `NotAllowed` without the permission; a `ValidationError` naming
    `field`, `version` or `reason` for an unknown or identifying field, a
    version the profile does not have, a field that version left empty or
    a value already hidden, or a missing or too long reason.

    Side effects, in one transaction with the profile row locked: one
    `Suppression` row is appended (who, when, why: the audit log); when the
    live profile carries the value, its search rows, claims and network edges are
    rebuilt without it. Every cached page moves on, since the page cache
    keys on the newest suppression.
    """
    check_suppressor(by)
    _checked_field(field)
    reason = _checked_reason(reason)
    with transaction.atomic():
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        try:
            version = locked.versions.get(number=version_number)
        except Version.DoesNotExist as error:
            raise ValidationError(
                {"version": f"{locked.name} has no version {version_number}."}
            ) from error
        value = json_values(version.snapshot)[field]
        if redaction.is_empty(value):
            raise ValidationError(
                {
                    "field": f"Version {version_number} has nothing in "
                    f"{FIELD_LABELS[field]} to hide."
                }
            )
        key = redaction.value_key(field, value)
        already = Suppression.objects.filter(
            profile=locked, field=field, value_key=key
        ).first()
        if already is not None:
            raise ValidationError(
                {
                    "field": f"{FIELD_LABELS[field]} as version {version_number} "
                    "has it is already hidden."
                }
            )
        suppression = Suppression(
            profile=locked,
            version=version,
            field=field,
            value_key=key,
            reason=reason,
            by=by,
        )
        suppression.save()
        if redaction.value_key(field, redaction.live_values(locked, field)) == key:
            claim_index.index_profile(locked)
            search.index_profile(locked)  # its text rows name the claims
            if field == CONNECTIONS:
                indexing.reindex([locked.pk])
    return suppression


def hidden_versions(profile: Profile) -> dict[int, list[str]]:
    """Version number -> the fields of it hidden from the public."""
    return redaction.hidden_versions(profile)
