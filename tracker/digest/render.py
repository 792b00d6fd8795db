"""The digest document as Markdown, HTML (for mail: inline CSS, a chart of table cells) or JSON.

Both text formats come from Jinja templates. HTML autoescapes everything; Markdown escapes
every character that could make markup (or HTML, for wikis that allow it) out of text that
came from the registry or a claim file.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from db.views import STATUS_GROUPS
from tracker.digest.build import SEVERITIES
from tracker.digest.formats import Format
from tracker.wording import describe_event, plural

GROUP_COLOURS = {
    "planned": "#9ecae1",
    "ongoing": "#3182bd",
    "completed": "#31a354",
    "stopped": "#de2d26",
    "unknown": "#bdbdbd",
}

_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]<>&|~]|(?<![^\W_])_|_(?![^\W_])")
"""Characters that make emphasis, code, links, tables or HTML. An underscore inside a word
makes nothing in CommonMark and stays; others only matter at the start of a line, where
the templates never put outside text."""


_AUTOLINK = re.compile(r"(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)|(@)", re.IGNORECASE)
"""What makes GitHub-flavoured Markdown link bare text: `scheme://`, `www.` and e-mail
addresses. A backslash before the `:`, `.` or `@` keeps the text and drops the link."""
_LINE_START = re.compile(r"^(?:[#>+=-]|\d+(?=[.)]))")
"""What makes a heading, quote, list or setext underline at the start of a line (the
templates put outside text at the start of a line only for a claim's text)."""


def markdown_escape(text: Any) -> str:
    """Text safe to put in Markdown: markup characters and HTML are escaped, and nothing
    becomes a link or a heading."""
    line = _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(0), " ".join(str(text).split()))
    line = _AUTOLINK.sub(lambda match: "\\" + match.group(0), line)
    if match := _LINE_START.match(line):
        end = match.end()
        line = line[:end] + "\\" + line[end:] if line[:1].isdigit() else "\\" + line
    return line


def week_span(start: date, end: date) -> str:
    """`23–29 November 2026`, or `30 November – 6 December 2026` across months."""
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def change_text(change: dict[str, Any]) -> str:
    """What a change of a trial was, in a few words."""
    return describe_event(change["kind"], change.get("detail"))


CHART_LABEL = "Linked trials by status group, per claim"


def bars(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each claim's trials by status group as percentages of the largest claim's total,
    for a bar chart made of table cells (which every mail client shows; SVG it may not)."""
    most = max([claim["status"]["trials_total"] for claim in claims] + [1])
    rows = []
    for claim in claims:
        counts = claim["status"]["by_status_group"]
        segments = [
            {"group": g, "count": counts[g], "colour": c, "percent": 100 * counts[g] / most}
            for g, c in GROUP_COLOURS.items()
            if counts[g]
        ]
        empty = 100 - sum(segment["percent"] for segment in segments)
        rows.append(
            {
                "claim_id": claim["claim_id"],
                "total": claim["status"]["trials_total"],
                "segments": segments,
                "empty": round(empty, 1),
            }
        )
    return rows


def folded_note(claim: dict[str, Any]) -> str:
    """The line that stands for the changes of trials not listed (not direct, not
    included, or excluded), or "" when there are none."""
    folded = claim.get("folded") or {}
    if not folded:
        return ""
    parts = ", ".join(f"{kind} {count}" for kind, count in folded.items())
    trials = plural(sum(folded.values()), "trial")
    return (
        f"Also changed: {trials} that may not test the claim ({parts});"
        f" see `tracker trials {claim['claim_id']}`."
    )


def _environment(autoescape: bool) -> Environment:
    environment = Environment(
        loader=PackageLoader("tracker.digest", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown_escape
    environment.globals.update(
        change_text=change_text,
        folded_note=folded_note,
        plural=plural,
        severities=SEVERITIES,
        groups=tuple(STATUS_GROUPS),
        colours=GROUP_COLOURS,
        span=week_span,
        chart_label=CHART_LABEL,
    )
    return environment


def render(document: dict[str, Any], fmt: Format) -> str:
    """The digest in one format; JSON is the document itself."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    start, end = date.fromisoformat(document["start"]), date.fromisoformat(document["end"])
    changed = [claim for claim in document["claims"] if claim["trials"]]
    unchanged = [claim for claim in document["claims"] if not claim["trials"]]
    context = {
        "digest": document,
        "start": start,
        "end": end,
        "changed": changed,
        "unchanged": unchanged,
    }
    if fmt == "html":
        context["bars"] = bars(document["claims"])
        context["articles"] = {
            claim["article_id"]: claim["article"] for claim in document["claims"]
        }
    template = _environment(autoescape=fmt == "html").get_template(f"digest.{fmt}.j2")
    return template.render(context)
