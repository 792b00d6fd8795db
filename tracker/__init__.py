"""Claim–trial tracker: ties article claims to the ClinicalTrials.gov studies that bear on them."""

__version__ = "0.1.0"
"""The package's version; `pyproject.toml` reads it from here (a test keeps the installed
metadata equal), so `tracker --version` need not read package metadata at start-up."""
