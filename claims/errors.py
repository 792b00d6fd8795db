"""Errors in claim files and in the catalog they build.

ClaimsError
├── ClaimFileError   a claim file is unreadable or invalid (names file, claim, field)
├── CatalogConflict  files disagree with each other or with the database (duplicate ids)
├── UnknownClaim     no claim has the id asked for
├── VocabularyError  a drafting vocabulary file is unreadable or invalid
└── DraftError       an article to draft from cannot be read, or the draft cannot be written
"""

from __future__ import annotations


class ClaimsError(Exception):
    """Base of the catalog's errors; all are the user's input to fix, hence exit status 2."""

    exit_status = 2


class ClaimFileError(ClaimsError):
    """A claim file cannot be read or does not follow the format."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        claim: str | None = None,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path, self.problem, self.claim, self.field = path, problem, claim, field
        self.line, self.column = line, column
        where = [path]
        if claim is not None:
            where.append(f"claim {_clipped(claim)}")
        if field is not None:
            where.append(f"field {_clipped(field)!r}")
        if line is not None:
            where.append(f"line {line}, column {column}")
        super().__init__(": ".join([*where, _clipped(problem, MAX_PROBLEM)]))

    def at(self, line: int, column: int) -> ClaimFileError:
        """The same error, placed at a line and column of the file."""
        return ClaimFileError(
            self.path, self.problem, claim=self.claim, field=self.field, line=line, column=column
        )


MAX_PROBLEM = 300
"""How much of a problem (which may echo the file's values) a message shows."""


def _clipped(text: str, limit: int = 100) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class CatalogConflict(ClaimsError):
    """Two claims share an id, across files or with a claim of another article."""


class UnknownClaim(ClaimsError):
    """No claim has the id asked for."""

    def __init__(self, claim_id: str) -> None:
        super().__init__(f"no claim with id {claim_id!r} (see `tracker claims list`)")
        self.claim_id = claim_id


class VocabularyError(ClaimsError):
    """A vocabulary file (conditions, interventions, outcomes, cues) cannot be used."""

    def __init__(self, path: str, problem: str, *, entry: str | None = None) -> None:
        self.path, self.problem, self.entry = path, problem, entry
        where = [path] if entry is None else [path, entry]
        super().__init__(": ".join([*where, problem]))


class DraftError(ClaimsError):
    """An article cannot be read, an option is malformed, or a draft cannot be written."""
