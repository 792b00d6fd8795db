"""A draft as a claim file: the catalog's YAML, with each claim's source sentence and
confidence in comments (the format has no fields for them, and a reviewer deletes them)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from claims.draft.extract import ProposedClaim

LINE_WIDTH = 96
HEADER = (
    "Draft claims for {title}, proposed by `tracker claims draft` from {source}. Review before"
    " loading: keep the claims the article makes, rewrite each text as the claim, check the"
    " topic terms (conditions and interventions are OR-ed, terms AND-ed), and add as_of (the"
    " day the article made the claim) if the article has no published date."
)


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _wrap(text: str, first: str, later: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=LINE_WIDTH,
        initial_indent=first,
        subsequent_indent=later,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _comment(label: str, text: str, indent: str) -> list[str]:
    return _wrap(text, f"{indent}# {label}: ", f"{indent}#   ")


def _text(text: str, indent: str) -> list[str]:
    """Short texts quoted on one line, long ones folded (`>-`) like the built-in catalog's."""
    line = f"{indent}text: {_quote(text)}"
    if len(line) <= LINE_WIDTH or not text.isprintable():
        return [line]
    return [f"{indent}text: >-", *_wrap(text, f"{indent}  ", f"{indent}  ")]


def _list(key: str, items: Sequence[str], indent: str) -> list[str]:
    flow = f"{indent}{key}: [{', '.join(_quote(item) for item in items)}]"
    if len(flow) <= LINE_WIDTH or not items:
        return [flow]
    return [f"{indent}{key}:", *(f"{indent}  - {_quote(item)}" for item in items)]


def _claim(claim: ProposedClaim) -> list[str]:
    lines = [""]
    for index, source in enumerate(claim.sources):
        lines += _comment("source" if index == 0 else "also", _quote(source), "  ")
    lines += _comment("confidence", f"{claim.confidence:.2f} ({claim.reasons})", "  ")
    lines += [f"  - id: {claim.id}", *_text(claim.text, "    "), "    topic:"]
    topic = claim.topic
    lines += _list("conditions", topic.conditions, "      ")
    lines += _list("interventions", topic.interventions, "      ")
    if topic.terms:
        lines += _list("terms", topic.terms, "      ")
    if topic.nct_ids:
        lines += _list("nct_ids", topic.nct_ids, "      ")
    return lines


def render(article_id: str, title: str, source: str, claims: Sequence[ProposedClaim]) -> str:
    """The claim file text; `tracker claims load` reads it unchanged."""
    lines = [
        *_wrap(HEADER.format(title=_quote(title), source=source), "# ", "# "),
        "article:",
        f"  id: {article_id}",
        f"  title: {_quote(title)}",
        "  url: null",
        "  published: null",
        "claims:" if claims else "claims: []",
    ]
    for claim in claims:
        lines += _claim(claim)
    return "\n".join(lines) + "\n"
