"""Scheduled jobs: the nightly sync and the weekly digest."""
