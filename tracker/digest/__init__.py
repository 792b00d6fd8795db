"""The weekly digest: what changed last week, claim by claim, in Markdown, HTML and JSON.

`week` (ISO weeks), `build` (the document), `render` (Markdown, HTML, JSON), `send` (mail),
`files` (where digests are written), `formats`.
"""
