"""The ClinicalTrials.gov API v2: client, query building, parsing, and a local fake server."""

from tracker.ctgov.parse import MalformedStudy, parse_study, parse_version
from tracker.ctgov.query import STUDY_FIELDS, StudyQuery
from tracker.ctgov.records import (
    ApiVersion,
    Intervention,
    PartialDate,
    Precision,
    StudyDate,
    StudyRecord,
)

__all__ = [
    "STUDY_FIELDS",
    "ApiVersion",
    "Intervention",
    "MalformedStudy",
    "PartialDate",
    "Precision",
    "StudyDate",
    "StudyQuery",
    "StudyRecord",
    "parse_study",
    "parse_version",
]
