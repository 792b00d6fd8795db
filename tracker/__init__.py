"""Claim–trial tracker: ties article claims to the ClinicalTrials.gov studies that bear on them."""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claim-trial-tracker")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    """`tracker.__version__`, read from the package metadata only when asked for: the
    lookup costs every command start-up a noticeable share of its time."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
