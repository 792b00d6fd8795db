"""`tracker flags`: list open flags; `tracker flags ack`: acknowledge them."""

from __future__ import annotations

import argparse

from tracker.cli.context import Context
from tracker.cli.help import DATABASE, add_command
from tracker.cli.output import add_format_option, emit, write_columns
from tracker.wording import plural

FIELDS = (
    "id",
    "claim_id",
    "nct_id",
    "kind",
    "effective_on",
    "reason",
    "raised_at",
    "acknowledged_at",
    "note",
    "title",
    "status",
)
TABLE_FIELDS = ("id", "claim_id", "nct_id", "kind", "effective_on", "status", "title")


MAX_ID = 2**31 - 1
"""The largest id an INTEGER column holds on every database."""


def _flag_id(text: str) -> int:
    try:
        flag_id = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a flag id: {text!r}") from None
    if not 1 <= flag_id <= MAX_ID:
        raise argparse.ArgumentTypeError(f"no flag has id {text} (see `tracker flags`)")
    return flag_id


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "flags",
        "open flags; `flags ack` acknowledges them",
        """A flag says a claim needs a second look: a linked trial was first posted,
        completed, posted results or stopped after the claim was made. Flags stay open
        until acknowledged with `tracker flags ack`.""",
        ["tracker flags", "tracker flags --claim allogeneic-transplant-leukemia --all"],
        DATABASE,
    )
    parser.add_argument("--claim", metavar="CLAIM_ID", help="only this claim's flags")
    parser.add_argument("--all", action="store_true", help="acknowledged flags too")
    add_format_option(parser)
    parser.set_defaults(run=run_list, logs=False)
    actions = parser.add_subparsers(dest="flags_command", metavar="COMMAND")
    ack = add_command(
        actions,
        "ack",
        "acknowledge a claim's open flags, named flags, or all",
        """Marks flags as seen, with an optional note kept beside them; they then leave
        `tracker flags` (see them again with `--all`). Name a claim, flag ids (from the
        `id` column of `tracker flags`) or `--all`.""",
        [
            "tracker flags ack allogeneic-transplant-leukemia --note 'read the results'",
            "tracker flags ack --flag 3 --flag 4",
        ],
        DATABASE,
    )
    ack.add_argument("claim_id", nargs="?", metavar="CLAIM_ID")
    ack.add_argument("--all", dest="every", action="store_true", help="every open flag")
    ack.add_argument(
        "--flag",
        dest="flag_ids",
        type=_flag_id,
        action="append",
        default=[],
        metavar="ID",
        help="this flag (repeatable)",
    )
    ack.add_argument("--note", help="a note kept with the acknowledgement")
    ack.set_defaults(run=run_ack, logs=True)


def run_list(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.flag_list import flag_columns, list_flags

    table = TABLE_FIELDS + (("acknowledged_at",) if args.all else ())
    with ctx.reads() as reader:
        if args.format in ("table", "wide"):
            columns = flag_columns(
                reader, table, claim_id=args.claim, include_acknowledged=args.all
            )
            write_columns(columns, table, ctx.out, wide=args.format == "wide")
            return 0
        flags = list_flags(reader, claim_id=args.claim, include_acknowledged=args.all)
    emit(flags, args.format, ctx.out, fields=FIELDS, table=table)
    return 0


def run_ack(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.flags import acknowledge

    with ctx.transaction() as session:
        result = acknowledge(
            session,
            now=ctx.now(),
            claim_id=args.claim_id,
            flag_ids=args.flag_ids,
            every=args.every,
            note=args.note,
        )
    print(f"acknowledged {plural(len(result.acknowledged), 'flag')}", file=ctx.out)
    if result.already:
        listed = ", ".join(str(flag_id) for flag_id in result.already)
        print(f"already acknowledged: {listed}", file=ctx.out)
    return 0
