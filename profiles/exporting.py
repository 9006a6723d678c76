"""A published profile as a file: the plain-text document, JSON or Markdown.
The API and the `export_profiles` command share these."""

import json
import re

from django.utils import timezone

from profiles import claim_index, redaction
from profiles.document import FOOTNOTE_MARK_RE, footnote_numbers, render
from profiles.models import Profile
from profiles.sections import SECTIONS, SectionKind
from profiles.serializers import (
    claims_to_dict,
    profile_to_dict,
    values_document,
    with_leader_claims,
)
from sources.weblinks import is_web_url


def as_data(profile: Profile) -> dict:
    """The profile's JSON as the public may read it (the API's and the JSON
    export's): each value a suppression hides is replaced by its notice, and
    `hidden` names those fields with the date each was hidden; `claims`
    holds every section's claims by section field, and each leader row
    gains its own claim's id, citations, status and dates. A hidden section
    has no claims (`claim_index`). Version snapshots are `profile_to_dict`
    alone."""
    logo_url = profile.logo_image.url if profile.logo_image else None
    data = profile_to_dict(profile, logo_url=logo_url)
    hidden = redaction.hidden_in(profile)
    found = hidden.fields(data)
    if found:
        data = hidden.values(data)
    data["hidden"] = {
        field: timezone.localdate(at).isoformat() for field, at in found.items()
    }
    claims = claims_to_dict(claim_index.published_claims(profile.pk))
    data["leaders"] = with_leader_claims(data["leaders"], claims["leaders"])
    data["claims"] = claims
    return data


def as_text(profile: Profile) -> str:
    return render(values_document(as_data(profile)))


def as_json(profile: Profile) -> str:
    return json.dumps(as_data(profile), ensure_ascii=False, indent=2) + "\n"


#: What a Markdown reader would take for markup in user text: inline markup,
#: raw HTML, link and image syntax, entities, tables.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~&])")
#: Block markup at the start of a line: a list, a heading underline.
_MD_LINE_START = re.compile(r"^(\s*\d*)([-+=.)])", re.M)
_MD_TOKEN = re.compile(
    r"<(?P<bracketed>https?://[^\s<>]+)>"
    r"|(?P<url>https?://[^\s<>()\"]*[^\s<>()\".,;:!?*])"
    rf"|(?P<mark>{FOOTNOTE_MARK_RE.pattern})"
    r"|\*(?P<italic>[^*\n]+)\*"
)


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md(text: str) -> str:
    """User text as Markdown that shows it as written: its markup escaped, so
    HTML and links typed into a field stay text; only http(s) addresses
    become links, footnote marks become footnote references, and *italics*
    (the document format's own) stay italics."""
    out, position = [], 0
    for match in _MD_TOKEN.finditer(text):
        out.append(_md_escape(text[position : match.start()]))
        position = match.end()
        kind = match.lastgroup
        if kind in ("url", "bracketed"):
            url = match.group(kind)
            out.append(f"<{url}>" if is_web_url(url) else _md_escape(match.group()))
        elif kind == "mark":
            out.append("".join(f"[^{n}]" for n in footnote_numbers(match.group())))
        else:
            out.append(f"*{_md_escape(match.group('italic'))}*")
    out.append(_md_escape(text[position:]))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}", "".join(out))


def as_markdown(profile: Profile) -> str:
    data = as_data(profile)
    title = (
        f"{data['name']} ({data['english_name']})"
        if data["english_name"]
        else data["name"]
    )
    lines = [f"# {_md(title)}", ""]
    for label, key in (
        ("Alternative names", "alternative_names"),
        ("Tags", "tags"),
    ):
        if data[key]:
            lines += [f"**{label}:** {_md(', '.join(data[key]))}", ""]
    for label, key in (("Logo", "logo"), ("Flag text", "flag_text")):
        if data[key]:
            lines += [f"**{label}:** {_md(data[key])}", ""]
    for section in SECTIONS:
        value = data[section.field]
        if not value:
            continue
        lines += [f"## {section.label}", ""]
        if section.kind == SectionKind.PROSE:
            lines += [_md(value), ""]
        elif section.kind == SectionKind.LEADERS:
            for leader in value:
                aka = (
                    f" (aka {_md(', '.join(leader['aliases']))})"
                    if leader["aliases"]
                    else ""
                )
                role = f" {leader['role']}" if leader["role"] else ""
                lines.append(f"- **{_md(leader['name'])}**{aka}{_md(role)}")
            lines.append("")
        else:
            lines += [f"- {_md(item)}" for item in value] + [""]
    if data["citations"]:
        lines += ["## Notes", ""]
        lines += [f"[^{c['number']}]: {_md(c['text'])}" for c in data["citations"]]
        lines.append("")
    lines.append(f"*Version {data['version']}, published {data['updated_at']}.*")
    return "\n".join(lines) + "\n"


FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}


def export(profile: Profile, format: str) -> str:
    return FORMATS[format](profile)
