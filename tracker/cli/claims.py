"""`tracker claims ...`: load claim files, list claims, show one, draft a file from an article."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.cli.context import Context
from tracker.cli.help import DATABASE, add_command
from tracker.cli.output import Format, add_format_option, emit, write_fields, write_json
from tracker.errors import UsageError
from tracker.wording import describe_event, plural

if TYPE_CHECKING:
    from claims.load import LoadReport

LIST_FIELDS = (
    "id",
    "article_id",
    "status",
    "as_of",
    "text",
    "conditions",
    "interventions",
    "terms",
    "study_types",
    "topic_version",
)
LIST_TABLE = ("id", "article_id", "status", "as_of", "text")
TRIAL_TABLE = (
    "nct_id",
    "status",
    "phase",
    "completion_date",
    "has_results",
    "still_matching",
    "last_update_posted",
    "matched",
    "title",
)
TRIAL_CSV = (
    "claim_id",
    "nct_id",
    "title",
    "status",
    "phase",
    "start_date",
    "primary_completion_date",
    "completion_date",
    "completion_date_type",
    "first_posted",
    "results_first_posted",
    "last_update_posted",
    "has_results",
    "still_matching",
    "matched_on.conditions",
    "matched_on.interventions",
    "matched_on.terms",
    "topic_version",
    "first_linked_at",
)
HISTORY_TABLE = ("effective_on", "severity", "kind", "nct_id", "change", "seen")
"""`seen`: when the sync saw the change, to the minute, in TRACKER_TIMEZONE."""
HISTORY_CSV = ("claim_id", "observed_at", "effective_on", "severity", "kind", "nct_id", "change")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "claims",
        "the claim catalog: load, list, show and draft claims",
        """Claims live in YAML files, one per article (the built-in catalog has two).
        Load them into the database, list them, look at one with its trials, or draft a
        file from an article's text.""",
        ["tracker claims load", "tracker claims list", "tracker claims show CLAIM_ID --history"],
        DATABASE,
    )
    actions = parser.add_subparsers(dest="claims_command", required=True, metavar="COMMAND")

    load = add_command(
        actions,
        "load",
        "load claim files (default: the built-in catalog)",
        """Validates every file first and writes nothing if one is wrong. A folder loads
        every *.yaml and *.yml file in it. Loading is idempotent: edited claims are
        updated, claims removed from their file are retired.""",
        [
            "tracker claims load",
            "tracker claims load claims/   # every claim file there",
            "tracker claims load my-article.yaml",
        ],
        DATABASE,
    )
    load.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="claim files (YAML) or folders of them"
    )
    load.set_defaults(run=run_load)

    listing = add_command(
        actions,
        "list",
        "list the claims",
        """Every claim, active and retired, with its article, as_of date and text; JSON and
        CSV add the topic (conditions, interventions, terms, study types).""",
        ["tracker claims list", "tracker claims list --format csv > claims.csv"],
        DATABASE,
    )
    add_format_option(listing)
    listing.set_defaults(run=run_list)

    show = add_command(
        actions,
        "show",
        "show one claim with its linked trials",
        """The claim, its article and topic, and every trial linked to it (status, phase,
        key dates, results, why it matched), most recently changed first. `--history` adds
        the dated events the syncs recorded.""",
        [
            "tracker claims show allogeneic-transplant-leukemia",
            "tracker claims show allogeneic-transplant-leukemia --history --wide",
        ],
        DATABASE,
    )
    show.add_argument("claim_id", metavar="CLAIM_ID")
    show.add_argument(
        "--history", action="store_true", help="add the dated events (CSV: the events alone)"
    )
    add_format_option(show)
    show.set_defaults(run=run_show)

    draft = add_command(
        actions,
        "draft",
        "propose a claim file for an article (text, Markdown, HTML), for review",
        """Finds the sentences that claim an effect or name a harm and writes a claim file
        with search terms for each, offline, for a person to review and then load.
        `--out` does not overwrite an existing file unless `--force`.""",
        ["tracker claims draft article.txt --out article.yaml --id my-article"],
    )
    draft.add_argument("article", type=Path, metavar="ARTICLE", help="the article's text")
    draft.add_argument("--out", type=Path, metavar="FILE", help="write the draft here")
    draft.add_argument(
        "--force", action="store_true", help="with --out: overwrite an existing file"
    )
    draft.add_argument("--id", dest="article_id", metavar="ARTICLE_ID", help="the article's id")
    draft.add_argument(
        "--vocabulary",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="more conditions, interventions, outcomes or cues (YAML; repeatable)",
    )
    draft.set_defaults(run=run_draft)


def _print_report(ctx: Context, report: LoadReport) -> None:
    for verb, ids in (
        ("added", report.added),
        ("updated", report.updated),
        ("retired", report.retired),
    ):
        for claim_id in ids:
            print(f"{verb:<8} {claim_id}", file=ctx.out)
    print(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.retired)} retired,"
        f" {len(report.unchanged)} unchanged",
        file=ctx.out,
    )


def _claim_files(paths: list[Path]) -> list[Path]:
    """The files named, a folder standing for every claim file in it."""
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise UsageError(f"{path}: no claim files (*.yaml, *.yml) in this folder")
            files.extend(found)
        else:
            files.append(path)
    return files


def run_load(ctx: Context, args: argparse.Namespace) -> int:
    from claims.builtin import builtin_files
    from claims.load import load_articles
    from claims.parse import parse_files

    files = (
        [(path, str(path)) for path in _claim_files(args.paths)] if args.paths else builtin_files()
    )
    articles = parse_files(files)
    with ctx.transaction() as session:
        report = load_articles(session, articles, ctx.now())
    _print_report(ctx, report)
    return 0


def run_list(ctx: Context, args: argparse.Namespace) -> int:
    from claims.query import claim_record, list_claims

    with ctx.transaction() as session:
        records = [claim_record(claim) for claim in list_claims(session)]
    emit(records, args.format, ctx.out, fields=LIST_FIELDS, table=LIST_TABLE)
    return 0


def _matched(trial: dict[str, Any]) -> str:
    phrases = [
        phrase
        for kind in ("conditions", "interventions", "terms")
        for phrase in trial["matched_on"][kind]
    ]
    return ", ".join(phrases) or "(registry synonyms)"


def _trial_rows(trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**trial, "phase": "/".join(trial["phases"]), "matched": _matched(trial)}
        for trial in trials
    ]


def _history_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**event, "change": describe_event(event["kind"], event["detail"])} for event in events]


def _show_table(ctx: Context, record: dict[str, Any], history: bool, fmt: Format) -> None:
    article = record["article"]
    write_fields(
        [
            ("claim", record["id"]),
            ("article", f"{article['id']} ({article['title']})"),
            ("status", record["status"]),
            ("as of", record["as_of"]),
            ("text", record["text"]),
            ("conditions", record["conditions"]),
            ("interventions", record["interventions"]),
            ("terms", record["terms"]),
            ("study types", record["study_types"]),
            ("topic version", record["topic_version"]),
        ],
        ctx.out,
        wide=fmt == "wide",
    )
    print(f"\nlinked trials: {len(record['trials'])}", file=ctx.out)
    emit(_trial_rows(record["trials"]), fmt, ctx.out, fields=TRIAL_TABLE)
    if history:
        print(f"\nhistory: {plural(len(record['history']), 'event')}", file=ctx.out)
        rows = [
            {**row, "seen": f"{row['observed_at'].astimezone(ctx.settings.zone):%Y-%m-%d %H:%M}"}
            for row in _history_rows(record["history"])
        ]
        emit(rows, fmt, ctx.out, fields=HISTORY_TABLE)


def run_show(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.trials import claim_with_trials

    with ctx.transaction() as session:
        record = claim_with_trials(session, args.claim_id, history=args.history)
    if args.format == "json":
        write_json(record, ctx.out)
    elif args.format == "csv" and args.history:
        emit(_history_rows(record["history"]), "csv", ctx.out, fields=HISTORY_CSV)
    elif args.format == "csv":
        rows = [{"claim_id": record["id"], **trial} for trial in _trial_rows(record["trials"])]
        emit(rows, "csv", ctx.out, fields=TRIAL_CSV)
    else:
        _show_table(ctx, record, args.history, args.format)
    return 0


def run_draft(ctx: Context, args: argparse.Namespace) -> int:
    from claims.draft import draft_file, render_draft, save_draft

    draft = draft_file(args.article, article_id=args.article_id, vocabulary_files=args.vocabulary)
    text = render_draft(draft)
    count = plural(len(draft.claims), "draft claim")
    if args.out is None:
        ctx.out.write(text)
        print(f"{count} for {draft.article_id}; review before loading", file=ctx.err)
    else:
        if args.out.exists() and not args.force:
            raise UsageError(f"{args.out} exists and may hold your edits; --force to overwrite it")
        save_draft(text, args.out)
        print(
            f"wrote {count} to {args.out}; review, then `tracker claims load {args.out}`",
            file=ctx.err,
        )
    return 0
