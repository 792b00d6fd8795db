"""The sync at scale: a synthetic registry, served locally, synced by the real code.

`python -m benchmarks.run` measures request counts, ingest throughput against a raw
baseline, peak memory and the query commands' wall time, on SQLite and PostgreSQL, and
writes `benchmarks/RESULTS.md`. See that file for the numbers and how they were taken.
"""
