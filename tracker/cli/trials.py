"""`tracker trials`: a claim's linked trials by relevance; `tracker screen`: decide on them."""

from __future__ import annotations

import argparse

from db.enums import Decision, Tier
from tracker.cli.context import Context
from tracker.cli.help import DATABASE, add_command
from tracker.cli.output import add_format_option, emit

FIELDS = (
    "nct_id",
    "tier",
    "score",
    "screening",
    "counts",
    "status",
    "phase",
    "title",
    "reasons",
)
TABLE_FIELDS = ("nct_id", "tier", "score", "screening", "counts", "status", "title", "reasons")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    trials = add_command(
        commands,
        "trials",
        "a claim's linked trials by relevance tier and score, with reasons",
        """The registry's search is broad, so each linked trial gets a relevance tier
        (direct: it tests the claim; indirect: connected only through synonyms, MeSH
        ancestors or descriptions; background: the claim's intervention is only the
        setting), a score that orders trials within a tier, and the reasons. Screening
        decisions made with `tracker screen` are shown beside them.""",
        [
            "tracker trials allogeneic-transplant-leukemia",
            "tracker trials allogeneic-transplant-leukemia --tier indirect --format json",
        ],
        DATABASE,
    )
    trials.add_argument("claim_id", metavar="CLAIM_ID")
    trials.add_argument(
        "--tier",
        dest="tiers",
        action="append",
        choices=[tier.value for tier in Tier],
        default=[],
        help="only this tier (repeatable)",
    )
    trials.add_argument(
        "--history", action="store_true", help="add every screening decision (JSON only)"
    )
    add_format_option(trials)
    trials.set_defaults(run=run_trials, logs=False)

    screen = add_command(
        commands,
        "screen",
        "include or exclude linked trials of a claim, with a note",
        """Records a person's decision on trials linked to a claim: an included trial
        counts for the claim and raises its flags whatever its tier; an excluded one never
        does. Every later sync keeps the decision; a new decision replaces it and the old
        one stays in the history (`tracker trials --history`).""",
        [
            "tracker screen allogeneic-transplant-leukemia NCT05335226 --exclude"
            " --note 'conditioning regimen, not the transplant'",
            "tracker screen allogeneic-transplant-leukemia NCT04747912 --include --by alice",
        ],
        DATABASE,
    )
    screen.add_argument("claim_id", metavar="CLAIM_ID")
    screen.add_argument("nct_ids", nargs="+", metavar="NCT_ID")
    choice = screen.add_mutually_exclusive_group(required=True)
    choice.add_argument("--include", dest="decision", action="store_const", const=Decision.INCLUDE)
    choice.add_argument("--exclude", dest="decision", action="store_const", const=Decision.EXCLUDE)
    screen.add_argument("--note", help="why, kept with the decision")
    screen.add_argument("--by", help="who decided (default: the login name)")
    screen.set_defaults(run=run_screen)


def run_trials(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.trial_list import claim_trials

    with ctx.reads() as reader:
        trials = claim_trials(
            reader, args.claim_id, args.tiers, history=args.history and args.format == "json"
        )
    fields = (*FIELDS, "decisions") if args.history and args.format == "json" else FIELDS
    emit(trials, args.format, ctx.out, fields=fields, table=TABLE_FIELDS)
    return 0


def run_screen(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.config import login_name
    from tracker.screening import screen

    with ctx.transaction() as session:
        decided = screen(
            session,
            args.claim_id,
            args.nct_ids,
            args.decision,
            by=args.by or login_name(),
            now=ctx.now(),
            note=args.note,
        )
    for item in decided:
        was = f" (was {item['previous']})" if item["previous"] else ""
        print(f"{item['nct_id']}: {item['decision']}d{was}", file=ctx.out)
    return 0
