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
from tracker.describe import describe_event
from tracker.digest.build import SEVERITIES
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


def markdown_escape(text: Any) -> str:
    """Text safe to put in Markdown: markup characters and HTML are escaped."""
    return _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(0), " ".join(str(text).split()))


def week_span(start: date, end: date) -> str:
    """`23–29 November 2026`, or `30 November – 6 December 2026` across months."""
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def describe(change: dict[str, Any]) -> str:
    """What a change of a trial was, in a few words."""
    return describe_event(change["kind"], change.get("detail"))


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
        severities=SEVERITIES,
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
        context["chart"] = chart(document["claims"])
    template = _environment(autoescape=fmt == "html").get_template(f"digest.{fmt}.j2")
    return template.render(context)
