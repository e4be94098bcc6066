"""One commitment as a record (the command line's JSON and CSV, the API): the figures and the
status as of a day, each computed once by progress.assess_all."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TextIO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from summitry.commitments.models import Commitment, Kind, NamedUnit
from summitry.commitments.progress import Progress, Status, assess_all
from summitry.commitments.queries import with_related
from summitry.directory.models import Country, Organisation
from summitry.web.formats import format_decimal, format_number, format_percent

CSV_COLUMNS = (
    "id", "made_on", "made_by", "person", "engagement", "text", "kind", "amount", "unit", "usd",
    "rate", "rate_date", "rate_source", "beneficiaries", "due", "period", "status",
    "status_reason", "delivered", "progress", "progress_capped", "sources",
)  # fmt: skip


def unit_label(unit: str) -> str:
    """A named unit in the reader's language; a currency by its ISO 4217 code."""
    return str(NamedUnit(unit).label) if unit in NamedUnit.values else unit


def code(party: Country | Organisation) -> str:
    """ISO 3166 alpha-2 code of a country, the acronym of an organisation."""
    return party.code if isinstance(party, Country) else party.acronym


def number(value: Decimal | None) -> int | float | None:
    """A JSON number: whole amounts as integers, others as decimals."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def beneficiaries(commitment: Commitment) -> list[str]:
    """Codes or acronyms; a group named by an organisation as "members:<acronym>"; a group in
    words as it is written."""
    found = [c.code for c in commitment.beneficiary_countries.all()]
    found += [o.acronym for o in commitment.beneficiary_organisations.all()]
    found += [f"members:{o.acronym}" for o in commitment.beneficiary_members_of.all()]
    if commitment.beneficiary_group:
        found.append(commitment.beneficiary_group)
    return found


def as_record(commitment: Commitment, progress: Progress) -> dict[str, Any]:
    return {
        "id": commitment.pk,
        "ref": commitment.ref,
        "made_on": commitment.made_on.isoformat(),
        "made_by": code(commitment.maker),
        "person": commitment.person.name if commitment.person else None,
        "office": commitment.office.title if commitment.office else None,
        "engagement": commitment.engagement.ref if commitment.engagement else None,
        "text": commitment.text,
        "kind": commitment.kind,
        "amount": number(commitment.amount),
        "unit": commitment.unit or None,
        "usd": number(commitment.usd),
        "rate": number(commitment.rate),
        "rate_date": commitment.rate_date.isoformat() if commitment.rate_date else None,
        "rate_source": commitment.rate_source or None,
        "beneficiaries": beneficiaries(commitment),
        "due": commitment.due.isoformat() if commitment.due else None,
        "period": commitment.period or None,
        "conditions": commitment.conditions or None,
        "status": str(progress.status),
        "status_reason": str(progress.reason.label),
        "delivered": number(progress.delivered),
        "progress": number(progress.share),
        "progress_capped": progress.capped,
        "evidence": [
            {
                "key": e.key,
                "date": e.on.isoformat(),
                "amount": number(e.amount),
                "source": e.url or e.source,
                "counted": e in progress.counted,
            }
            for e in (*progress.counted, *progress.left_out)
        ],
        "sources": [s.url or s.citation for s in commitment.sources.all()],
    }


def selection(
    commitments: QuerySet[Commitment],
    year: int | None = None,
    today: dt.date | None = None,
    filters: Mapping[str, str] | None = None,
) -> list[tuple[Commitment, Progress]]:
    """The commitments (filtered by year and by maker, beneficiary, kind; status is derived, so
    it is filtered after assessment) each with its progress, oldest first."""
    filters = filters or {}
    if year is not None:
        commitments = commitments.filter(made_on__year=year)
    if maker := filters.get("maker"):
        commitments = commitments.filter(maker_country__code=maker) | commitments.filter(
            maker_organisation__acronym=maker
        )
    if beneficiary := filters.get("beneficiary"):
        commitments = (
            commitments.filter(beneficiary_countries__code=beneficiary)
            | commitments.filter(beneficiary_organisations__acronym=beneficiary)
            | commitments.filter(beneficiary_members_of__acronym=beneficiary)
            | commitments.filter(beneficiary_members_of__members__code=beneficiary)
        ).distinct()
    if kind := filters.get("kind"):
        commitments = commitments.filter(kind=kind)
    found = list(with_related(commitments).order_by("made_on", "id"))
    assessed = assess_all(found, today or timezone.localdate())
    pairs = [(c, assessed[c.pk]) for c in found]
    if status := filters.get("status"):
        pairs = [(c, p) for c, p in pairs if p.status == status]
    return pairs


def write_json(out: TextIO, pairs: Sequence[tuple[Commitment, Progress]]) -> None:
    json.dump([as_record(c, p) for c, p in pairs], out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(out: TextIO, pairs: Sequence[tuple[Commitment, Progress]]) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for commitment, progress in pairs:
        record = as_record(commitment, progress)
        row = []
        for column in CSV_COLUMNS:
            value = record[column]
            if isinstance(value, list):
                value = "; ".join(value)
            elif value is None:
                value = ""
            text = str(value)
            # A cell that a spreadsheet would read as a formula is quoted (CSV injection).
            row.append("'" + text if text[:1] in ("=", "+", "-", "@") else text)
        writer.writerow(row)


def write_text(out: TextIO, pairs: Sequence[tuple[Commitment, Progress]]) -> None:
    for commitment, progress in pairs:
        record = as_record(commitment, progress)
        out.write(
            _("%(made_on)s  %(made_by)s  %(kind)s  %(status)s")
            % {
                "made_on": record["made_on"],
                "made_by": record["made_by"],
                "kind": Kind(commitment.kind).label,
                "status": Status(progress.status).label,
            }
            + "\n"
        )
        out.write(f"  “{commitment.text}”\n")
        if commitment.amount is not None:
            out.write(
                "  "
                + _("Amount: %(amount)s %(unit)s")
                % {
                    "amount": format_number(commitment.amount),
                    "unit": unit_label(commitment.unit),
                }
                + "\n"
            )
        if commitment.rate_source and commitment.usd is not None and commitment.rate_date:
            out.write(
                "  "
                + _("In US dollars: %(usd)s at the rate of %(day)s (%(source)s)")
                % {
                    "usd": format_decimal(commitment.usd, 2),
                    "day": commitment.rate_date.isoformat(),
                    "source": commitment.rate_source,
                }
                + "\n"
            )
        if progress.share is not None:
            out.write(
                "  "
                + _("Progress: %(percent)s") % {"percent": format_percent(progress.share)}
                + "\n"
            )
        out.write(f"  {progress.reason.label}\n")
