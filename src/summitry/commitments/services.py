"""Every write to commitments goes through here: validation, conversion to US dollars, audit.

Views, the API, the demo loader and the tests call these functions; bad input raises
CommitmentInvalid naming each field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from summitry import money
from summitry.commitments.models import Commitment, Kind, NamedUnit, ProgressReport, Source
from summitry.directory.models import Country, Office, Organisation, Person
from summitry.directory.queries import offices_held
from summitry.engagements.models import Engagement
from summitry.outcomes.models import Paragraph

if TYPE_CHECKING:
    from summitry.accounts.models import User

WEB_URL = URLValidator(schemes=["http", "https"])
# Larger than any pledge on record (trillions of dollars) and within the columns' digits.
MAX_AMOUNT = Decimal("1e18")


class CommitmentInvalid(ValueError):
    """Input that cannot be stored; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass
class SourceInput:
    citation: str
    url: str = ""
    note: str = ""


@dataclass
class CommitmentInput:
    made_on: dt.date
    text: str
    kind: str
    maker: Country | Organisation
    person: Person | None = None
    office: Office | None = None
    engagement: Engagement | None = None
    paragraph: Paragraph | None = None
    amount: Decimal | None = None
    unit: str = ""
    language: str = "en"
    beneficiary_countries: Sequence[Country] = ()
    beneficiary_organisations: Sequence[Organisation] = ()
    beneficiary_members_of: Sequence[Organisation] = ()
    beneficiary_group: str = ""
    period_start: dt.date | None = None
    due: dt.date | None = None
    period: str = ""
    conditions: str = ""
    sources: Sequence[SourceInput] = field(default_factory=tuple)
    ref: str | None = None


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _check_text(errors: dict[str, list[str]], name: str, value: str, limit: int | None) -> None:
    if "\x00" in value:
        _add(errors, name, _("This text contains a NUL character, which cannot be stored."))
    elif limit is not None and len(value) > limit:
        _add(errors, name, _("This text is longer than %(limit)d characters.") % {"limit": limit})


def _check_sources(errors: dict[str, list[str]], sources: Sequence[SourceInput]) -> None:
    for number, source in enumerate(sources, start=1):
        if not source.citation.strip():
            _add(errors, "sources", _("Source %(number)d has no citation.") % {"number": number})
        _check_text(errors, "sources", source.citation, 300)
        _check_text(errors, "sources", source.note, 300)
        if source.url:
            try:
                WEB_URL(source.url)
            except ValidationError:
                _add(
                    errors,
                    "sources",
                    _("Source %(number)d: the link is not an http or https address.")
                    % {"number": number},
                )


def unit_problem(unit: str, amount: Decimal | None) -> str | None:
    if amount is None:
        return _("A unit is given without an amount.") if unit else None
    if not unit:
        return _("An amount needs a unit: an ISO 4217 currency code or a named unit.")
    if unit in NamedUnit.values or money.is_currency(unit):
        return None
    return _(
        "“%(unit)s” is neither an ISO 4217 currency code nor one of the named units (%(units)s)."
    ) % {"unit": unit, "units": ", ".join(NamedUnit.values)}


def amount_problem(amount: Decimal | None) -> str | None:
    if amount is None:
        return None
    try:
        if not amount.is_finite() or amount <= 0:
            return _("The amount must be a number greater than zero.")
        if amount >= MAX_AMOUNT or amount != amount.quantize(Decimal("0.0001")):
            return _("The amount must be below 10^18 with at most four decimal places.")
    except InvalidOperation:
        return _("The amount must be below 10^18 with at most four decimal places.")
    return None


def _office_that_day(person: Person | None, day: dt.date) -> Office | None:
    if person is None:
        return None
    held = offices_held(person, day)
    return held[0] if held else None


@transaction.atomic
def create_commitment(data: CommitmentInput, user: User | None = None) -> Commitment:
    errors: dict[str, list[str]] = {}
    if data.kind not in Kind.values:
        _add(errors, "kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)})
    if not data.text.strip():
        _add(errors, "text", _("Quote the words of the commitment."))
    _check_text(errors, "text", data.text, None)
    _check_text(errors, "period", data.period, 200)
    _check_text(errors, "beneficiary_group", data.beneficiary_group, 200)
    _check_text(errors, "conditions", data.conditions, None)
    if (problem := amount_problem(data.amount)) is not None:
        _add(errors, "amount", problem)
    elif (problem := unit_problem(data.unit, data.amount)) is not None:
        _add(errors, "unit", problem)
    if data.due is not None and data.due < data.made_on:
        _add(errors, "due", _("The due date is earlier than the day the commitment was made."))
    if data.period_start is not None and data.due is not None and data.due < data.period_start:
        _add(errors, "due", _("The due date is earlier than the start of the period."))
    # A day's grace: the engagement's start is in UTC, the pledge's day in the speaker's zone.
    begun = data.engagement.start if data.engagement is not None else None
    if begun is not None and begun.date() > data.made_on + dt.timedelta(days=1):
        _add(errors, "made_on", _("The commitment is dated before its engagement began."))
    if data.paragraph is not None and data.paragraph.revision.adopted_at is None:
        # A draft's words are not yet anyone's pledge.
        _add(errors, "paragraph", _("Only a paragraph of an adopted text can record a commitment."))
    if data.ref is not None and Commitment.objects.filter(ref=data.ref).exists():
        _add(errors, "ref", _("This ref is already in use; choose another."))
    _check_sources(errors, data.sources)
    if errors:
        raise CommitmentInvalid(errors)

    maker_country = data.maker if isinstance(data.maker, Country) else None
    maker_organisation = data.maker if isinstance(data.maker, Organisation) else None
    commitment = Commitment(
        ref=data.ref,
        maker_country=maker_country,
        maker_organisation=maker_organisation,
        person=data.person,
        office=data.office or _office_that_day(data.person, data.made_on),
        engagement=data.engagement,
        paragraph=data.paragraph,
        made_on=data.made_on,
        text=data.text.strip(),
        language=data.language,
        kind=data.kind,
        amount=data.amount,
        unit=data.unit if data.amount is not None else "",
        beneficiary_group=data.beneficiary_group,
        period_start=data.period_start,
        due=data.due,
        period=data.period,
        conditions=data.conditions,
        created_by=user,
    )
    _convert(commitment)
    commitment.save()
    commitment.beneficiary_countries.set(data.beneficiary_countries)
    commitment.beneficiary_organisations.set(data.beneficiary_organisations)
    commitment.beneficiary_members_of.set(data.beneficiary_members_of)
    Source.objects.bulk_create(
        Source(commitment=commitment, citation=s.citation, url=s.url, note=s.note)
        for s in data.sources
    )
    return commitment


def _convert(commitment: Commitment) -> None:
    """Fill the dollar figure at the rate of the day the pledge was made (or the nearest earlier
    quoted day); leave it empty where the unit is not a currency or the table has no rate."""
    commitment.usd = commitment.rate = commitment.rate_date = None
    commitment.rate_source = ""
    if commitment.amount is None or not money.is_currency(commitment.unit):
        return
    found = money.rate(commitment.unit, commitment.made_on)
    if found is None:
        return
    commitment.rate = found.usd_per_unit
    commitment.rate_date = found.on
    commitment.rate_source = found.source
    commitment.usd = found.usd(commitment.amount)


@transaction.atomic
def add_progress_report(
    commitment: Commitment,
    *,
    on: dt.date,
    source: str,
    amount: Decimal | None = None,
    completes: bool = False,
    url: str = "",
    note: str = "",
    includes: Sequence[str] = (),
) -> ProgressReport:
    errors: dict[str, list[str]] = {}
    if on < commitment.made_on:
        _add(errors, "on", _("The report is dated before the commitment was made."))
    if not source.strip():
        _add(errors, "source", _("Name the source of the figure."))
    _check_text(errors, "source", source, 300)
    _check_text(errors, "note", note, None)
    if amount is not None:
        if (problem := amount_problem(amount)) is not None and amount != 0:
            _add(errors, "amount", problem)
        elif commitment.amount is None:
            _add(
                errors,
                "amount",
                _("The commitment has no amount; report progress in words or mark it complete."),
            )
    elif not completes and not note.strip():
        _add(errors, "amount", _("Give an amount delivered, or mark the commitment met in full."))
    if url:
        try:
            WEB_URL(url)
        except ValidationError:
            _add(errors, "url", _("The link is not an http or https address."))
    if any(not isinstance(k, str) or ":" not in k for k in includes):
        _add(errors, "includes", _("Each included item is named by its key, such as delivery:12."))
    if errors:
        raise CommitmentInvalid(errors)
    return ProgressReport.objects.create(
        commitment=commitment,
        on=on,
        amount=amount,
        completes=completes,
        source=source.strip(),
        url=url,
        note=note,
        includes=list(includes),
    )


@transaction.atomic
def amend(
    commitment: Commitment,
    *,
    due: dt.date | None = None,
    period: str | None = None,
    conditions: str | None = None,
    change_due: bool = False,
) -> Commitment:
    """What may change once a pledge is recorded; its words, maker and amount are the record."""
    errors: dict[str, list[str]] = {}
    if change_due and due is not None and due < commitment.made_on:
        _add(errors, "due", _("The due date is earlier than the day the commitment was made."))
    if period is not None:
        _check_text(errors, "period", period, 200)
    if conditions is not None:
        _check_text(errors, "conditions", conditions, None)
    if errors:
        raise CommitmentInvalid(errors)
    if change_due:
        commitment.due = due
    if period is not None:
        commitment.period = period
    if conditions is not None:
        commitment.conditions = conditions
    commitment.save(update_fields=["due", "period", "conditions", "updated_at"])
    return commitment


@transaction.atomic
def withdraw(commitment: Commitment, on: dt.date, note: str = "") -> Commitment:
    if on < commitment.made_on:
        raise CommitmentInvalid(
            {"withdrawn_on": [_("The withdrawal is dated before the commitment was made.")]}
        )
    commitment.withdrawn_on = on
    commitment.withdrawal_note = note
    commitment.save(update_fields=["withdrawn_on", "withdrawal_note", "updated_at"])
    return commitment


def describe_rate(commitment: Commitment) -> dict[str, Any] | None:
    """The conversion as shown beside the dollar figure."""
    if commitment.rate is None or commitment.rate_date is None:
        return None
    return {
        "rate": commitment.rate,
        "on": commitment.rate_date,
        "earlier": commitment.rate_date != commitment.made_on,
        "source": commitment.rate_source,
    }
