"""Claim–trial tracker: ties article claims to the ClinicalTrials.gov studies that bear on them."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("claim-trial-tracker")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
