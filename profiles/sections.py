"""The sections of a profile: one table that the models, the document format,
the serializer and the templates all read, so a section is added in one place.

Pure Python: no Django import, so the document format can use it too.
"""

from dataclasses import dataclass
from enum import StrEnum


class SectionKind(StrEnum):
    BULLETS = "bullets"
    LEADERS = "leaders"
    PROSE = "prose"


@dataclass(frozen=True)
class Section:
    field: str  # model field, JSON key and URL segment
    heading: str  # the heading as it stands in a profile document
    kind: SectionKind

    @property
    def label(self) -> str:
        return self.heading.capitalize().replace("irgc", "IRGC")


SECTIONS: tuple[Section, ...] = (
    Section("founding", "FOUNDING", SectionKind.BULLETS),
    Section("size", "SIZE", SectionKind.BULLETS),
    Section("leaders", "KEY LEADERS", SectionKind.LEADERS),
    Section("political_wing", "POLITICAL WING", SectionKind.BULLETS),
    Section("weapons", "WEAPONS", SectionKind.BULLETS),
    Section("atrocities", "ATROCITIES", SectionKind.BULLETS),
    Section("areas_of_operation", "AREAS OF OPERATION", SectionKind.BULLETS),
    Section(
        "connections_to_other_militias",
        "CONNECTIONS TO OTHER MILITIAS",
        SectionKind.BULLETS,
    ),
    Section("current_designations", "CURRENT DESIGNATIONS", SectionKind.BULLETS),
    Section("social_media", "SOCIAL MEDIA", SectionKind.BULLETS),
    Section("connections_to_irgc", "CONNECTIONS TO THE IRGC", SectionKind.PROSE),
    Section("background", "BACKGROUND AND ANALYSIS", SectionKind.PROSE),
)

SECTIONS_BY_FIELD = {section.field: section for section in SECTIONS}
SECTIONS_BY_HEADING = {section.heading: section for section in SECTIONS}
BULLET_FIELDS = tuple(s.field for s in SECTIONS if s.kind == SectionKind.BULLETS)
PROSE_FIELDS = tuple(s.field for s in SECTIONS if s.kind == SectionKind.PROSE)

#: Every field a change request can propose, in reading order.
FIELDS: tuple[str, ...] = (
    "name",
    "english_name",
    "alternative_names",
    "tags",
    "logo",
    "flag_text",
    *(section.field for section in SECTIONS),
    "citations",
)

FIELD_LABELS = {
    "name": "Name",
    "english_name": "English name",
    "alternative_names": "Alternative names",
    "tags": "Tags",
    "logo": "Logo",
    "flag_text": "Flag text",
    **{section.field: section.label for section in SECTIONS},
    "citations": "Notes",
}
