"""The weekly digest: what changed last week, claim by claim, in Markdown, HTML and JSON."""

from tracker.digest.build import build_digest
from tracker.digest.render import FORMATS, render
from tracker.digest.week import IsoWeek

__all__ = ["FORMATS", "IsoWeek", "build_digest", "render"]
