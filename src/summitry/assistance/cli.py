"""`summitry assistance` and `summitry export --format iati`."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitry.assistance import iati, queries, spreadsheets
from summitry.assistance.serialize import delivery_record

CSV_COLUMNS = (
    "id", "ref", "donor", "recipient", "channel", "modality", "aid", "date", "date_precision",
    "stage", "items", "usd", "commitment", "sources",
)  # fmt: skip


def run(args: argparse.Namespace, out: TextIO) -> int:
    deliveries = queries.with_related(queries.visible_to(None))
    if args.year:
        deliveries = queries.in_year(deliveries, args.year)
    ordered = deliveries.order_by("latest", "date_precision", "pk")
    if args.format == "hxl":
        out.write(spreadsheets.export_csv(ordered))
        if out is not sys.stdout:
            out.close()
        return 0
    records = [delivery_record(d) for d in ordered]
    if args.format == "json":
        json.dump(records, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif args.format == "csv":
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for record in records:
            row = dict(record)
            row["items"] = "; ".join(
                f"{i['quantity'] if i['quantity'] is not None else '?'} {i['item']}"
                for i in record["items"]
            )
            row["sources"] = "; ".join(s["citation"] for s in record["sources"])
            writer.writerow([row[c] if row[c] is not None else "" for c in CSV_COLUMNS])
    else:
        for record in records:
            out.write(_text_line(record) + "\n")
        out.write(
            ngettext("%(count)d delivery", "%(count)d deliveries", len(records))
            % {"count": len(records)}
            + "\n"
        )
    if out is not sys.stdout:
        out.close()
    return 0


def _text_line(record: dict[str, object]) -> str:
    date = str(record["date"])
    if record["date_precision"] == "by":
        date = _("by %(date)s") % {"date": date}
    elif record["date_precision"] == "month":
        date = date[:7]
    items = record["items"]
    assert isinstance(items, list)
    what = ", ".join(
        f"{i['quantity'] if i['quantity'] is not None else '?'} {i['item']}" for i in items
    )
    if record["usd"]:
        what = ", ".join(filter(None, [what, f"USD {record['usd']}"]))
    not_aid = "" if record["aid"] else " " + _("(commercial, not aid)")
    return f"{date}\t{record['recipient'] or '-'}\t{record['modality']}{not_aid}\t{what}"


def export_iati(args: argparse.Namespace) -> int:
    xml = iati.export_iati()
    if args.output and args.output != "-":
        with open(args.output, "wb") as handle:
            handle.write(xml)
        print(_("Wrote the IATI activity file %s") % args.output, file=sys.stderr)
    else:
        sys.stdout.buffer.write(xml)
    return 0


def write_xlsx(args: argparse.Namespace) -> int:
    if not args.output or args.output == "-":
        print(_("summitry assistance: --format xlsx needs -o FILE"), file=sys.stderr)
        return 2
    deliveries = queries.with_related(queries.visible_to(None))
    if args.year:
        deliveries = queries.in_year(deliveries, args.year)
    Path(args.output).write_bytes(
        spreadsheets.export_xlsx(deliveries.order_by("latest", "date_precision", "pk"))
    )
    print(_("Wrote %s") % args.output, file=sys.stderr)
    return 0


def import_file(args: argparse.Namespace) -> int:
    path = Path(args.import_file)
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    try:
        count = spreadsheets.import_deliveries(path.read_bytes(), fmt, dry_run=args.dry_run)
    except spreadsheets.ImportFailed as failure:
        print(_("summitry assistance: nothing was imported from %s:") % path, file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.dry_run:
        message = ngettext(
            "Would import %(count)d delivery from %(file)s.",
            "Would import %(count)d deliveries from %(file)s.",
            count,
        )
    else:
        message = ngettext(
            "Imported %(count)d delivery from %(file)s.",
            "Imported %(count)d deliveries from %(file)s.",
            count,
        )
    print(message % {"count": count, "file": path})
    return 0
