"""A published profile as a file: the plain-text document, JSON or Markdown.
The API and the `export_profiles` command share these."""

import json

from profiles.document import FOOTNOTE_MARK_RE, footnote_numbers, render
from profiles.models import Profile
from profiles.sections import SECTIONS, SectionKind
from profiles.serializers import profile_to_dict, values_document


def as_data(profile: Profile) -> dict:
    logo_url = profile.logo_image.url if profile.logo_image else None
    return profile_to_dict(profile, logo_url=logo_url)


def as_text(profile: Profile) -> str:
    return render(values_document(as_data(profile)))


def as_json(profile: Profile) -> str:
    return json.dumps(as_data(profile), ensure_ascii=False, indent=2) + "\n"


def _md_marks(text: str) -> str:
    """Superscript footnote marks as Markdown footnote references."""
    return FOOTNOTE_MARK_RE.sub(
        lambda m: "".join(f"[^{n}]" for n in footnote_numbers(m.group())), text
    )


def as_markdown(profile: Profile) -> str:
    data = as_data(profile)
    title = (
        f"{data['name']} ({data['english_name']})"
        if data["english_name"]
        else data["name"]
    )
    lines = [f"# {title}", ""]
    for label, key in (
        ("Alternative names", "alternative_names"),
        ("Tags", "tags"),
    ):
        if data[key]:
            lines += [f"**{label}:** {', '.join(data[key])}", ""]
    for label, key in (("Logo", "logo"), ("Flag text", "flag_text")):
        if data[key]:
            lines += [f"**{label}:** {_md_marks(data[key])}", ""]
    for section in SECTIONS:
        value = data[section.field]
        if not value:
            continue
        lines += [f"## {section.label}", ""]
        if section.kind == SectionKind.PROSE:
            lines += [_md_marks(value), ""]
        elif section.kind == SectionKind.LEADERS:
            for leader in value:
                aka = (
                    f" (aka {', '.join(leader['aliases'])})"
                    if leader["aliases"]
                    else ""
                )
                role = f" {leader['role']}" if leader["role"] else ""
                lines.append(f"- **{leader['name']}**{aka}{_md_marks(role)}")
            lines.append("")
        else:
            lines += [f"- {_md_marks(item)}" for item in value] + [""]
    if data["citations"]:
        lines += ["## Notes", ""]
        lines += [f"[^{c['number']}]: {c['text']}" for c in data["citations"]]
        lines.append("")
    lines.append(f"*Version {data['version']}, published {data['updated_at']}.*")
    return "\n".join(lines) + "\n"


FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}


def export(profile: Profile, format: str) -> str:
    return FORMATS[format](profile)
