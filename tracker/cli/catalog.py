"""`tracker claims ...`: load claim files, list claims, show one, draft a file from an article."""

from __future__ import annotations

import argparse
from pathlib import Path

from claims.builtin import builtin_files
from claims.draft import draft_file, render_draft, save_draft
from claims.load import LoadReport, load_articles
from claims.parse import parse_files
from claims.query import claim_record, get_claim, list_claims
from tracker.cli.context import Context
from tracker.cli.output import add_format_option, emit, write_fields, write_json

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


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("claims", help="the claim catalog")
    actions = parser.add_subparsers(dest="claims_command", required=True, metavar="COMMAND")

    load = actions.add_parser("load", help="load claim files (default: the built-in catalog)")
    load.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="claim files (YAML)")
    load.set_defaults(run=run_load)

    listing = actions.add_parser("list", help="list the claims")
    add_format_option(listing)
    listing.set_defaults(run=run_list)

    show = actions.add_parser("show", help="show one claim")
    show.add_argument("claim_id", metavar="CLAIM_ID")
    add_format_option(show)
    show.set_defaults(run=run_show)

    draft = actions.add_parser(
        "draft", help="propose a claim file for an article (text, Markdown, HTML), for review"
    )
    draft.add_argument("article", type=Path, metavar="ARTICLE", help="the article's text")
    draft.add_argument("--out", type=Path, metavar="FILE", help="write the draft here")
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


def run_load(ctx: Context, args: argparse.Namespace) -> int:
    files = [(path, str(path)) for path in args.paths] if args.paths else builtin_files()
    articles = parse_files(files)
    with ctx.transaction() as session:
        report = load_articles(session, articles, ctx.now())
    _print_report(ctx, report)
    return 0


def run_list(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.transaction() as session:
        records = [claim_record(claim) for claim in list_claims(session)]
    emit(records, args.format, ctx.out, fields=LIST_FIELDS, table=LIST_TABLE)
    return 0


def run_show(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.transaction() as session:
        claim = get_claim(session, args.claim_id)
        record = claim_record(claim)
        article = claim.article
        record["article"] = {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "published": article.published,
        }
    if args.format == "json":
        write_json(record, ctx.out)
    elif args.format == "csv":
        emit([record], "csv", ctx.out, fields=LIST_FIELDS)
    else:
        write_fields(
            [
                ("claim", record["id"]),
                ("article", f"{article.id} ({article.title})"),
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
        )
    return 0


def run_draft(ctx: Context, args: argparse.Namespace) -> int:
    draft = draft_file(args.article, article_id=args.article_id, vocabulary_files=args.vocabulary)
    text = render_draft(draft)
    count = f"{len(draft.claims)} draft claim{'' if len(draft.claims) == 1 else 's'}"
    if args.out is None:
        ctx.out.write(text)
        print(f"{count} for {draft.article_id}; review before loading", file=ctx.err)
    else:
        save_draft(text, args.out)
        print(
            f"wrote {count} to {args.out}; review, then `tracker claims load {args.out}`",
            file=ctx.err,
        )
    return 0
