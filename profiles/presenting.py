"""What the profile page shows, for the published profile or any of its
versions: each section with its content, the notes its footnote marks point
to, and its tags. Shared by the reading and history views, which import it
rather than each other."""

from django.utils.text import slugify

from profiles.document import footnote_numbers
from profiles.models import Profile
from profiles.sections import SECTIONS, SectionKind


def profile_page_context(
    profile: Profile,
    *,
    leaders,
    citations,
    tags: list[str],
    provenance: dict | None = None,
    note_numbers: dict[int, int] | None = None,
) -> dict:
    """What the profile template shows, for the published profile or any of
    its versions: each section with its content and, for the published one,
    the notes behind its current value (`provenance` as
    `queries.field_provenance` reads it)."""
    return {
        "profile": profile,
        "leaders": leaders,
        "citations": citations,
        "sections": _section_blocks(
            profile, leaders, provenance or {}, note_numbers or {}
        ),
        "referenced": _referenced_notes(profile, leaders),
        "tags": [
            {"name": name, "slug": slugify(name, allow_unicode=True)}
            for name in sorted(tags, key=str.lower)
        ],
        "pending_count": None,
    }


def _referenced_notes(profile: Profile, leaders) -> set[int]:
    """Numbers of the notes some footnote mark on the page points to."""
    texts = [profile.logo, profile.flag_text]
    texts += [
        getattr(profile, section.field)
        for section in SECTIONS
        if section.kind != SectionKind.LEADERS
    ]
    texts += [leader.role for leader in leaders]
    return set(footnote_numbers("\n".join(texts)))


def _section_blocks(
    profile: Profile, leaders, provenance: dict, note_numbers: dict[int, int]
) -> list[dict]:
    """Each section of the seed, in its order, with what it holds, the numbers
    of the notes citing the sources behind its current value, and the change
    that set it."""
    blocks = []
    for section in SECTIONS:
        change = provenance.get(section.field)
        source_ids = change.source_ids if change else []
        numbers = {note_numbers[pk] for pk in source_ids if pk in note_numbers}
        block = {"section": section, "change": change, "notes": sorted(numbers)}
        if section.kind == SectionKind.LEADERS:
            block["leaders"] = leaders
        elif section.kind == SectionKind.PROSE:
            block["text"] = getattr(profile, section.field)
        else:
            block["items"] = profile.items(section.field)
        blocks.append(block)
    return blocks
