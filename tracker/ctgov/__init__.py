"""The ClinicalTrials.gov API v2: client, query building, parsing, and a local fake server."""
