"""The claim catalog: claim files, their validation, and loading them into the database."""
