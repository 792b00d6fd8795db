"""Shared fixtures. Those of the ClinicalTrials.gov client live in `ctgov_fixtures`."""

from ctgov_fixtures import fake_ctgov, make_client, mocked_api, sleeps  # noqa: F401 - fixtures
