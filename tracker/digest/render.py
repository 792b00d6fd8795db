"""The digest document as Markdown, HTML (for mail: inline CSS and SVG) or JSON.

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
from tracker.digest.build import SECTIONS
from tracker.digest.formats import Format
from tracker.wording import plural

GROUP_COLOURS = {
    "planned": "#9ecae1",
    "ongoing": "#3182bd",
    "completed": "#31a354",
    "stopped": "#de2d26",
    "unknown": "#bdbdbd",
}
CHART_LABEL_WIDTH = 250
CHART_BAR_WIDTH = 300
CHART_ROW_HEIGHT = 20
CHART_LABEL_CHARS = 38

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


def _dates(changes: dict[str, Any]) -> str:
    return "; ".join(
        f"{name.removesuffix('_date').replace('_', ' ')} {old.get('date') or '?'} → "
        f"{changes['new'][name].get('date') or '?'}"
        for name, old in changes["old"].items()
    )


def describe(item: dict[str, Any]) -> str:
    """What happened to a trial, in a few words."""
    kind, at = item["kind"], item["at"]
    if "old" in item and kind != "dates_changed":
        return f"{item['old'] or 'no status'} → {item['new']} on {at}"
    return {
        "new_trial": f"first posted {at}",
        "trial_completed": f"completed {at}",
        "results_posted": f"results first posted {at}",
        "trial_stopped": f"{item['status']} {at}",
        "linked": f"linked {at}",
        "unmatched": "no longer found by the claim's search",
        "rematched": "found by the claim's search again",
    }.get(kind) or _dates(item)


def _label(claim_id: str) -> str:
    return (
        claim_id if len(claim_id) <= CHART_LABEL_CHARS else claim_id[: CHART_LABEL_CHARS - 1] + "…"
    )


def chart(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of a stacked bar per claim: its linked trials by status group."""
    most = max([claim["status"]["trials_total"] for claim in claims] + [1])
    rows = []
    for index, claim in enumerate(claims):
        x, segments = CHART_LABEL_WIDTH, []
        for group in STATUS_GROUPS:
            count = claim["status"]["by_status_group"][group]
            width = round(CHART_BAR_WIDTH * count / most, 1)
            if count:
                segments.append(
                    {
                        "x": x,
                        "width": width,
                        "colour": GROUP_COLOURS[group],
                        "group": group,
                        "count": count,
                    }
                )
            x += width
        rows.append(
            {
                "label": _label(claim["claim_id"]),
                "y": 24 + index * CHART_ROW_HEIGHT,
                "segments": segments,
                "total": claim["status"]["trials_total"],
                "total_x": x + 4,
            }
        )
    legend = [
        {"group": g, "colour": c, "x": i * 100} for i, (g, c) in enumerate(GROUP_COLOURS.items())
    ]
    width = CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 40
    return {
        "width": width,
        "height": 24 + len(claims) * CHART_ROW_HEIGHT + 4,
        "rows": rows,
        "legend": legend,
    }


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
        describe=describe,
        plural=plural,
        sections=SECTIONS,
        groups=tuple(STATUS_GROUPS),
        colours=GROUP_COLOURS,
        span=week_span,
    )
    return environment


def render(document: dict[str, Any], fmt: Format) -> str:
    """The digest in one format; JSON is the document itself."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    start, end = date.fromisoformat(document["start"]), date.fromisoformat(document["end"])
    changed = [claim for claim in document["claims"] if claim["events"]]
    unchanged = [claim for claim in document["claims"] if not claim["events"]]
    context = {
        "digest": document,
        "start": start,
        "end": end,
        "changed": changed,
        "unchanged": unchanged,
    }
    if fmt == "html":
        context["chart"] = chart(document["claims"])
    template = _environment(autoescape=fmt == "html").get_template(f"digest.{fmt}.j2")
    return template.render(context)
