"""The published claims of each profile as rows (`Claim`, `ClaimCitation`).

Derived data, like the search keys: the published text is the record, and
`index_profile` reads its claims (`profiles.claims`) when a version is
published, keeping the key of every claim still there, so a claim's id
survives edits and moves. What a suppression hides has no claim row.
"""

import uuid
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction

from profiles import claims as claim_text
from profiles import redaction
from profiles.models import Claim, ClaimCitation, Leader, Profile
from profiles.sections import SECTIONS, SectionKind

__all__ = [
    "SIMILAR",
    "index_all",
    "index_new_profile",
    "index_profile",
    "profile_claims",
    "published_claims",
    "section_claims",
]

#: How alike (Dice's coefficient of character pairs) an edited claim must be
#: to the one it was to keep its key.
SIMILAR = 0.5
#: Longer claims are compared by their start: enough to tell them apart.
_COMPARED_CHARS = 2_000


def section_claims(field: str, value) -> list[claim_text.Claim]:
    """The claims of one section's value: its bullets (a list of lines),
    its prose (a text) or its leaders (`Leader` rows, or dicts with `name`,
    `aliases` and `role` as a change request proposes them)."""
    section = next(s for s in SECTIONS if s.field == field)
    if section.kind == SectionKind.BULLETS:
        return [claim_text.parse_bullet(line) for line in value if line.strip()]
    if section.kind == SectionKind.PROSE:
        return claim_text.parse_prose(value)
    return [
        claim_text.leader_claim(leader["name"], leader["aliases"], leader["role"])
        if isinstance(leader, dict)
        else claim_text.leader_claim(leader.name, leader.alias_list, leader.role)
        for leader in value
    ]


def profile_claims(profile: Profile, leaders: Sequence[Leader]) -> dict[str, list]:
    """Section field -> its claims, for a published profile as readers see
    it (`leaders` in order)."""
    found = {}
    for section in SECTIONS:
        if section.kind == SectionKind.LEADERS:
            found[section.field] = section_claims(section.field, leaders)
        elif section.kind == SectionKind.BULLETS:
            found[section.field] = section_claims(
                section.field, profile.items(section.field)
            )
        else:
            found[section.field] = section_claims(
                section.field, getattr(profile, section.field)
            )
    return found


def published_claims(profile_pk: int) -> dict[str, list[Claim]]:
    """Section field -> its published claim rows in order, each with its
    `citations` prefetched: two queries, whatever the profile's size."""
    found: dict[str, list[Claim]] = {section.field: [] for section in SECTIONS}
    rows = Claim.objects.filter(profile_id=profile_pk).prefetch_related("citations")
    for claim in rows.order_by("section", "position"):
        found.setdefault(claim.section, []).append(claim)
    return found


def _grams(text: str) -> set[str]:
    text = text[:_COMPARED_CHARS]
    return {text[k : k + 2] for k in range(max(len(text) - 1, 1))}


def _keys(old: Sequence[tuple[uuid.UUID, str]], new: Sequence[str]) -> list[uuid.UUID]:
    """A key for each new claim: the key of the old claim with the same
    text (the nearest in order first), else of the most similar old claim
    left (at least `SIMILAR`), else a new one."""
    keys: list[uuid.UUID | None] = [None] * len(new)
    left = dict(enumerate(old))
    by_text: dict[str, list[int]] = {}
    for index, (_key, text) in enumerate(old):
        by_text.setdefault(text, []).append(index)
    for position, text in enumerate(new):
        candidates = by_text.get(text)
        if candidates:
            index = candidates.pop(0)
            keys[position] = left.pop(index)[0]
    unmatched = [p for p, key in enumerate(keys) if key is None]
    if left and unmatched and len(left) * len(unmatched) <= 250_000:
        old_grams = {index: _grams(text) for index, (_key, text) in left.items()}
        for position in unmatched:
            grams = _grams(new[position])
            best, score = None, SIMILAR
            for index, other in old_grams.items():
                total = len(grams) + len(other)
                similarity = 2 * len(grams & other) / total if total else 1.0
                if similarity >= score:
                    best, score = index, similarity
            if best is not None:
                keys[position] = left.pop(best)[0]
                del old_grams[best]
    return [key or uuid.uuid4() for key in keys]


def _rows(
    profile: Profile,
    found: dict[str, list[claim_text.Claim]],
    old: dict[str, list[tuple[uuid.UUID, str]]],
) -> tuple[list[Claim], list[ClaimCitation]]:
    rows, citations = [], []
    for field, section in found.items():
        texts = [claim.text for claim in section]
        for position, (claim, key) in enumerate(
            zip(section, _keys(old.get(field, ()), texts), strict=True)
        ):
            as_of = claim.as_of_date
            review_by = claim.review_by_date
            row = Claim(
                profile=profile,
                section=field,
                position=position,
                key=key,
                text=claim.text,
                status=claim.status.value,
                as_of=claim.as_of,
                as_of_start=as_of.lower if as_of else None,
                as_of_end=as_of.upper if as_of else None,
                review_by=review_by,
            )
            rows.append(row)
            citations += [
                ClaimCitation(
                    claim=row,
                    position=k,
                    number=cite.number,
                    locator=cite.locator,
                    credibility=cite.credibility,
                )
                for k, cite in enumerate(claim.citations)
            ]
    return rows, citations


def _shown(profile: Profile, leaders, hidden: redaction.Hidden) -> tuple[Profile, list]:
    if not hidden:
        return profile, list(leaders)
    shown = redaction.redact_profile(
        profile,
        hidden,
        leaders=leaders,
        citations=(),
        fields=tuple(s.field for s in SECTIONS),
        blank=True,
    )
    return shown.profile, list(shown.leaders)


@transaction.atomic(savepoint=False)  # inside `publish`'s transaction
def index_profile(profile: Profile) -> int:
    """Rewrites one profile's claim rows from what is published now.

    Side effects: the profile's `Claim` rows (and their `ClaimCitation`
    rows) are replaced by those read from its current sections and leaders
    (read from the database), each keeping the key of the claim it was
    (`_keys`); sections a suppression hides get none. Returns the number of
    claims written. `workflow.publishing.publish` and `workflow.suppress`
    call it in their transactions.
    """
    old: dict[str, list[tuple[uuid.UUID, str]]] = {}
    for field, key, text in Claim.objects.filter(profile_id=profile.pk).values_list(
        "section", "key", "text"
    ):
        old.setdefault(field, []).append((key, text))
    Claim.objects.filter(profile_id=profile.pk).delete()
    current = Profile.objects.filter(pk=profile.pk).first()
    if current is None or not current.version:
        return 0
    leaders = Leader.objects.filter(profile_id=profile.pk).order_by("position")
    current, leaders = _shown(current, leaders, redaction.hidden_in(current))
    rows, citations = _rows(current, profile_claims(current, leaders), old)
    Claim.objects.bulk_create(rows, batch_size=500)
    ClaimCitation.objects.bulk_create(citations, batch_size=1000)
    return len(rows)


@transaction.atomic
def index_all(*, chunk: int = 500) -> int:
    """Rewrites the claim rows of every published profile, `chunk` profiles
    at a time, each claim keeping its key (as `index_profile` does); needed
    after the rules of `profiles.claims` change (`manage.py rebuild_claims`).
    The search index reads these rows: rebuild it after (`search.index_all`).
    Returns the number of claims written."""
    hidden = redaction.hidden_by_profile() if redaction.can_be_recorded() else {}
    pks = list(Profile.objects.published().order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(pks), chunk):
        batch = pks[start : start + chunk]
        old: dict[int, dict[str, list[tuple[uuid.UUID, str]]]] = {}
        for profile_id, field, key, text in Claim.objects.filter(
            profile_id__in=batch
        ).values_list("profile_id", "section", "key", "text"):
            old.setdefault(profile_id, {}).setdefault(field, []).append((key, text))
        Claim.objects.filter(profile_id__in=batch).delete()
        rows, citations = [], []
        profiles = Profile.objects.filter(pk__in=batch).prefetch_related("leaders")
        for profile in profiles:
            shown, leaders = _shown(
                profile,
                profile.leaders.all(),
                hidden.get(profile.pk, redaction.NOTHING),
            )
            found = _rows(
                shown, profile_claims(shown, leaders), old.get(profile.pk, {})
            )
            rows += found[0]
            citations += found[1]
        Claim.objects.bulk_create(rows, batch_size=500)
        ClaimCitation.objects.bulk_create(citations, batch_size=1000)
        written += len(rows)
    return written


def index_new_profile(
    profile: Profile,
    leaders: Iterable[Leader],
    *,
    keep: Callable[[Callable[[list], None], list], None],
) -> list[Claim]:
    """The claim rows of a profile just inserted (`publishing.publish_new`),
    handed to `keep` (`workflow.pending.keep`) to be written with its group:
    a new profile has no old keys and nothing hidden. Returns the rows, for
    the search index of the same claims (`search.index_new_profile`)."""
    rows, citations = _rows(profile, profile_claims(profile, list(leaders)), {})
    keep(_insert_claims, rows)
    keep(_insert_claim_citations, citations)
    return rows


# One function per kind, so an import's commit group writes each kind at once.
def _insert_claims(rows: list[Claim]) -> None:
    Claim.objects.bulk_create(rows, batch_size=500)


def _insert_claim_citations(rows: list[ClaimCitation]) -> None:
    ClaimCitation.objects.bulk_create(rows, batch_size=1000)
