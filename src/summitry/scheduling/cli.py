"""``summitry schedule``: propose fair meeting times from the command line.

The main ``summitry`` command wires `add_arguments` and `run` into its
subparsers; `main` runs the subcommand on its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .explain import Relaxation, explain, relax
from .model import Busy, Hours, Participant, Ranking, Request
from .serialize import ranking_json
from .solver import solve
from .zones import seat as resolve_seat

ALL = "all"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--country",
        metavar="CODE",
        nargs="+",
        action="extend",
        default=[],
        help="participant by ISO 3166 alpha-2/alpha-3 code or organisation acronym "
        "(UN, EU, AUC...); its capital's or seat's time zone applies. Repeatable.",
    )
    parser.add_argument(
        "--zone",
        metavar="NAME=IANA",
        action="append",
        default=[],
        help="set the time zone of the participant NAME (a --country code), "
        "or add a participant NAME in that zone. Repeatable.",
    )
    parser.add_argument(
        "--duration", metavar="MINUTES", type=int, required=True, help="meeting length"
    )
    parser.add_argument(
        "--from",
        dest="first_day",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        default=None,
        help="first day of the window, from 00:00 UTC (default: today, UTC)",
    )
    parser.add_argument(
        "--days", metavar="N", type=int, default=14, help="window length in days (default 14)"
    )
    parser.add_argument(
        "--step",
        metavar="MINUTES",
        type=int,
        default=5,
        help="spacing of candidate start times (default 5)",
    )
    parser.add_argument(
        "--limit", metavar="N", type=int, default=5, help="slots to show (default 5)"
    )
    parser.add_argument(
        "--optional",
        metavar="NAME",
        action="append",
        default=[],
        help="participant who need not attend. Repeatable.",
    )
    parser.add_argument(
        "--acceptable",
        metavar="NAME=HH:MM-HH:MM",
        action="append",
        default=[],
        help=f"acceptable local hours of NAME, or of everyone with {ALL}= (default 07:00-23:00)",
    )
    parser.add_argument(
        "--preferred",
        metavar="NAME=HH:MM-HH:MM",
        action="append",
        default=[],
        help=f"preferred local hours of NAME, or of everyone with {ALL}= (default 09:00-18:00)",
    )
    parser.add_argument(
        "--allow-days-off",
        metavar="NAME",
        action="append",
        default=[],
        help=f"NAME (or {ALL}) may meet on weekly days off and public holidays, at a cost",
    )
    parser.add_argument(
        "--busy",
        metavar="NAME=START/END",
        action="append",
        default=[],
        help="NAME is engaged from START to END (ISO 8601, UTC unless an offset is given)",
    )
    parser.add_argument(
        "--overlapping",
        action="store_true",
        help="list the best slots even when they overlap (default: distinct slots)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


class UsageError(ValueError):
    pass


def _pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name or not rest:
            raise UsageError(f"{option} expects NAME=VALUE, got {value!r}")
        pairs.append((name.strip(), rest.strip()))
    return pairs


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def build_request(args: argparse.Namespace) -> Request:
    """Turn parsed options into a Request; raises UsageError on bad input."""
    people: dict[str, Participant] = {}
    for code in args.country:
        try:
            person = Participant.for_code(code)
        except LookupError as error:
            raise UsageError(str(error)) from None
        people[person.name] = person
    for name, zone in _pairs(args.zone, "--zone"):
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"unknown time zone {zone!r}") from None
        key = _lookup(people, name)
        if key is None:
            people[name] = Participant(name=name, zone=zone)
        else:
            people[key] = replace(people[key], zone=zone)
    if not people:
        raise UsageError("give at least one --country or --zone")

    def update(name: str, **changes: Any) -> None:
        keys = list(people) if name == ALL else [_find(people, name)]
        for key in keys:
            people[key] = replace(people[key], **changes)

    try:
        for option, field in (("--acceptable", "acceptable"), ("--preferred", "preferred")):
            for name, hours in _pairs(getattr(args, field), option):
                update(name, **{field: Hours.parse(hours)})
        for name in args.optional:
            update(name, required=False)
        for name in args.allow_days_off:
            update(name, allow_days_off=True)
        for name, span in _pairs(args.busy, "--busy"):
            start, sep, end = span.partition("/")
            if not sep:
                raise UsageError(f"--busy expects NAME=START/END, got {span!r}")
            key = _find(people, name)
            interval = Busy(_instant(start), _instant(end), label="engagement from --busy")
            people[key] = replace(people[key], busy=(*people[key].busy, interval))
        first_day = args.first_day or datetime.now(UTC).date()
        if args.days <= 0:
            raise UsageError("--days must be positive")
        return Request.over_days(
            list(people.values()),
            args.duration,
            first_day,
            args.days,
            step_minutes=args.step,
            limit=args.limit,
            distinct=not args.overlapping,
        )
    except UsageError:
        raise
    except ValueError as error:
        raise UsageError(str(error)) from None


def _lookup(people: dict[str, Participant], name: str) -> str | None:
    """Key of participant `name`, matching country codes in any ISO form, or None."""
    if name in people:
        return name
    if name.upper() in people:
        return name.upper()
    try:
        code = resolve_seat(name).code
    except LookupError:
        return None
    return code if code in people else None


def _find(people: dict[str, Participant], name: str) -> str:
    key = _lookup(people, name)
    if key is None:
        raise UsageError(f"no participant called {name!r}")
    return key


def print_text(ranking: Ranking, relaxation: Relaxation | None, out: TextIO) -> None:
    request = ranking.request
    print(
        f"{ranking.candidates} candidate slots of {request.duration_minutes} minutes, "
        f"{ranking.acceptable_count} acceptable to every must-attend participant.",
        file=out,
    )
    width = max(len(p.display) for p in request.participants)
    for rank, slot in enumerate(ranking.slots, 1):
        flag = "" if slot.acceptable else "  (not acceptable)"
        print(
            f"\n{rank}. {slot.start:%a %d %b %Y %H:%M}–{slot.end:%H:%M} UTC"
            f"  worst {slot.worst:,}  total {slot.total:,}{flag}",
            file=out,
        )
        for seat in slot.attendance:
            optional = "" if seat.participant.required else " (optional)"
            print(
                f"   {seat.participant.display:<{width}}  {seat.local_start:%a %H:%M}–"
                f"{seat.local_end:%H:%M}  {seat.participant.zone:<30}"
                f"  cost {seat.cost:,}{optional}",
                file=out,
            )
    print(f"\n{explain(ranking)}", file=out)
    if relaxation is not None:
        print(f"Smallest relaxation. {relaxation.text}", file=out)


def run(args: argparse.Namespace) -> int:
    """Run ``summitry schedule``; 0 on success, 2 on bad input."""
    try:
        request = build_request(args)
    except UsageError as error:
        print(f"summitry schedule: error: {error}", file=sys.stderr)
        return 2
    ranking = solve(request)
    relaxation = relax(ranking.evaluation)
    if args.format == "json":
        json.dump(ranking_json(ranking, relaxation), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_text(ranking, relaxation, sys.stdout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="summitry schedule", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
