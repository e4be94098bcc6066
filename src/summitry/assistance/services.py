"""Every write to the assistance ledger goes through here: one place to validate and reuse
(views, the importer, the demo loader and the tests all call these functions).

Problems are raised as a ValidationError keyed by the field they concern, so that a page, the
importer and the API can each say which field is wrong."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from summitry import money
from summitry.assistance.models import (
    AsOfPrecision,
    Channel,
    DatePrecision,
    Delivery,
    DeliveryItem,
    DeliverySource,
    Donor,
    Item,
    MedicalTeam,
    Modality,
    Qualifier,
    ReportedItem,
    ReportedTotal,
    Stage,
)
from summitry.directory.models import Country, Organisation
from summitry.engagements.queries import visible_to as engagements_visible_to

WEB_URL = URLValidator(schemes=["http", "https"])
MONEY_MODALITIES = frozenset({Modality.CASH_GRANT, Modality.LOAN})


@dataclass
class ItemInput:
    item: str  # the catalogue's code
    quantity: int | None = None
    product: str = ""


@dataclass
class TeamInput:
    size: int | None = None
    specialities: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    host: str = ""  # ISO alpha-2; the recipient country by default


@dataclass
class SourceInput:
    citation: str
    url: str = ""
    quote: str = ""
    note: str = ""


@dataclass
class DeliveryInput:
    ref: str
    donor: str
    recipient: str  # ISO 3166-1 alpha-2 code or an organisation's acronym
    modality: str
    date: dt.date
    date_precision: str = DatePrecision.DAY
    # For a date given "by" a report: the first day the report covers, where it says.
    period_start: dt.date | None = None
    channel: str = Channel.BILATERAL
    channel_organisation: str = ""
    stage: str = Stage.HANDED_OVER
    items: list[ItemInput] = field(default_factory=list)
    amount: Decimal | None = None
    currency: str = ""
    engagement: int | None = None
    description: str = ""
    sources: list[SourceInput] = field(default_factory=list)
    team: TeamInput | None = None


def span(
    day: dt.date, precision: str, period_start: dt.date | None = None
) -> tuple[dt.date, dt.date | None, dt.date]:
    """The date as stored and the earliest and latest days it stands for. A month stands for all
    its days; "by" a report's date for any day up to it (from the period's start, if known)."""
    if precision == DatePrecision.MONTH:
        first = day.replace(day=1)
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return first, first, last
    if precision == DatePrecision.BY:
        return day, period_start, day
    return day, day, day


def find_recipient(code: str) -> Country | Organisation | None:
    code = code.strip()
    if not code:
        return None
    if len(code) == 2 and code.isalpha():
        country = Country.objects.filter(code=code.upper()).first()
        if country is not None:
            return country
    return Organisation.objects.filter(acronym__iexact=code).first()


def _check(data: DeliveryInput, by: Any) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """The problems with the input, by field, and the records it names."""
    problems: dict[str, list[str]] = {}
    found: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if not data.ref.strip():
        problem("ref", _("Give the delivery a reference."))
    elif len(data.ref) > 120 or not all(c.isalnum() or c in "-_" for c in data.ref):
        problem("ref", _("A reference has letters, digits, hyphens and underscores only."))
    found["donor"] = Donor.objects.filter(name=data.donor.strip()).first()
    if found["donor"] is None:
        problem("donor", _("No donor is named %(name)s.") % {"name": data.donor})
    found["recipient"] = find_recipient(data.recipient)
    if found["recipient"] is None:
        problem(
            "recipient",
            _("%(code)s is neither a country code nor an organisation's acronym.")
            % {"code": data.recipient or "—"},
        )
    if data.modality not in Modality.values:
        problem("modality", _("%(value)s is not a modality.") % {"value": data.modality})
    if data.channel not in Channel.values:
        problem("channel", _("%(value)s is not a channel.") % {"value": data.channel})
    found["channel_organisation"] = None
    if data.channel == Channel.MULTILATERAL:
        found["channel_organisation"] = Organisation.objects.filter(
            acronym__iexact=data.channel_organisation.strip()
        ).first()
        if found["channel_organisation"] is None:
            problem(
                "channel_organisation",
                _("Name the organisation the delivery went through (for example WHO or COVAX)."),
            )
    if data.date_precision not in DatePrecision.values:
        problem(
            "date_precision",
            _("%(value)s is not a date precision.") % {"value": data.date_precision},
        )
    elif data.period_start is not None and (
        data.date_precision != DatePrecision.BY or data.period_start > data.date
    ):
        problem("period_start", _("A period's start comes with a date given “by”, and before it."))
    if data.stage not in Stage.values:
        problem("stage", _("%(value)s is not a stage.") % {"value": data.stage})

    items = []
    for number, entry in enumerate(data.items, start=1):
        item = Item.objects.filter(code=entry.item).first()
        if item is None:
            problem(
                "items",
                _("Item %(number)d: %(code)s is not in the catalogue.")
                % {"number": number, "code": entry.item},
            )
        if entry.quantity is not None and entry.quantity <= 0:
            problem(
                "items",
                _("Item %(number)d: a quantity is a whole number above zero.") % {"number": number},
            )
        items.append(item)
    found["items"] = items
    has_money = data.amount is not None
    if data.modality in MONEY_MODALITIES and not has_money:
        problem("amount", _("A cash grant or a loan has an amount."))
    if has_money:
        assert data.amount is not None
        if data.amount <= 0:
            problem("amount", _("An amount is above zero."))
        if not money.is_currency(data.currency.upper()):
            problem(
                "currency",
                _("%(code)s is not an ISO 4217 currency with a published rate.")
                % {"code": data.currency or "—"},
            )
    elif data.currency:
        problem("amount", _("A currency comes with an amount."))
    if not has_money and not data.items and data.modality != Modality.MEDICAL_TEAM:
        problem("items", _("Give the items delivered, or an amount of money."))

    found["engagement"] = None
    if data.engagement is not None:
        found["engagement"] = engagements_visible_to(by).filter(pk=data.engagement).first()
        if found["engagement"] is None:
            problem("engagement", _("No engagement you may see has this number."))

    found["host"] = None
    if data.team is not None:
        if data.modality != Modality.MEDICAL_TEAM:
            problem("team", _("Only a medical team has a team's size, specialities and dates."))
        team = data.team
        if team.start and team.end and team.end < team.start:
            problem("team", _("A team's end comes after its start."))
        if team.size is not None and team.size <= 0:
            problem("team", _("A team's size is above zero."))
        if team.host:
            found["host"] = Country.objects.filter(code=team.host.upper()).first()
            if found["host"] is None:
                problem("team", _("%(code)s is not a country code.") % {"code": team.host})
    for number, source in enumerate(data.sources, start=1):
        if not source.citation.strip():
            problem("sources", _("Source %(number)d has no citation.") % {"number": number})
        if source.url:
            try:
                WEB_URL(source.url)
            except ValidationError:
                problem(
                    "sources",
                    _("Source %(number)d: the link is not a web address.") % {"number": number},
                )
    return problems, found


@transaction.atomic
def record_delivery(data: DeliveryInput, by: Any = None) -> Delivery:
    """Validate and store a delivery with its items, team and sources; money in US dollars at
    the rate of the delivery's (latest) day."""
    problems, found = _check(data, by)
    if not problems and Delivery.objects.filter(ref=data.ref).exists():
        problems["ref"] = [_("This reference is already in use; choose another.")]
    conversion = None
    if not problems and data.amount is not None:
        stored, _earliest, latest = span(data.date, data.date_precision, data.period_start)
        found_rate = money.rate(data.currency.upper(), latest)
        if found_rate is not None:
            # The rate field keeps eight places; the dollar figure is the one the shown rate gives.
            conversion = dataclasses.replace(
                found_rate, usd_per_unit=found_rate.usd_per_unit.quantize(Decimal("1e-8"))
            )
        else:
            problems["currency"] = [
                _("No %(code)s rate is published for that date.") % {"code": data.currency}
            ]
    if problems:
        raise ValidationError(problems)
    stored, earliest, latest = span(data.date, data.date_precision, data.period_start)
    recipient = found["recipient"]
    delivery = Delivery.objects.create(
        ref=data.ref,
        donor=found["donor"],
        recipient_country=recipient if isinstance(recipient, Country) else None,
        recipient_organisation=recipient if isinstance(recipient, Organisation) else None,
        channel=data.channel,
        channel_organisation=found["channel_organisation"],
        modality=data.modality,
        description=data.description,
        amount=data.amount,
        currency=data.currency.upper(),
        usd=conversion.usd(data.amount) if conversion and data.amount is not None else None,
        usd_rate=conversion.usd_per_unit if conversion else None,
        usd_rate_date=conversion.on if conversion else None,
        date=stored,
        date_precision=data.date_precision,
        earliest=earliest,
        latest=latest,
        stage=data.stage,
        engagement=found["engagement"],
        created_by=by if getattr(by, "pk", None) else None,
    )
    for entry, item in zip(data.items, found["items"], strict=True):
        DeliveryItem.objects.create(
            delivery=delivery, item=item, quantity=entry.quantity, product=entry.product
        )
    if data.modality == Modality.MEDICAL_TEAM:
        team = data.team or TeamInput()
        MedicalTeam.objects.create(
            delivery=delivery,
            size=team.size,
            specialities=team.specialities,
            start=team.start,
            end=team.end,
            host=found["host"] or (recipient if isinstance(recipient, Country) else None),
        )
    for source in data.sources:
        DeliverySource.objects.create(
            delivery=delivery,
            citation=source.citation,
            url=source.url,
            quote=source.quote,
            note=source.note,
        )
    return delivery


@dataclass
class ReportedInput:
    ref: str
    donor: str
    reported_by: str
    as_of: dt.date
    quote: str
    citation: str
    url: str = ""
    as_of_precision: str = AsOfPrecision.DAY
    period_start: dt.date | None = None
    commercial: bool = False
    recipient_countries: int | None = None
    recipient_organisations: int | None = None
    recipient_organisation: str = ""
    usd: Decimal | None = None
    # (item code, quantity, qualifier)
    items: list[tuple[str, int, str]] = field(default_factory=list)


@transaction.atomic
def record_reported_total(data: ReportedInput) -> ReportedTotal:
    """A figure reported in aggregate: kept as reported, never added to the deliveries."""
    problems: dict[str, list[str]] = {}
    donor = Donor.objects.filter(name=data.donor).first()
    if donor is None:
        problems["donor"] = [_("No donor is named %(name)s.") % {"name": data.donor}]
    if not data.ref.strip():
        problems["ref"] = [_("Give the reported total a reference.")]
    if not data.quote.strip():
        problems["quote"] = [_("Quote the report's words.")]
    if not data.citation.strip():
        problems["citation"] = [_("Cite the report.")]
    if data.period_start and data.period_start > data.as_of:
        problems["period_start"] = [_("A period's start comes before the report's date.")]
    organisation = None
    if data.recipient_organisation:
        organisation = Organisation.objects.filter(acronym=data.recipient_organisation).first()
        if organisation is None:
            problems["recipient_organisation"] = [_("No organisation has this acronym.")]
    items = {code: Item.objects.filter(code=code).first() for code, _q, _h in data.items}
    if any(item is None for item in items.values()):
        problems["items"] = [_("An item is not in the catalogue.")]
    if any(hedge not in Qualifier.values for _c, _q, hedge in data.items):
        problems["items"] = [_("A qualifier is one of: more than, around, nearly.")]
    if data.as_of_precision not in AsOfPrecision.values:
        problems["as_of_precision"] = [_("A report's date is given to the day or the year.")]
    if problems:
        raise ValidationError(problems)
    total, _created = ReportedTotal.objects.update_or_create(
        ref=data.ref,
        defaults={
            "donor": donor,
            "as_of": data.as_of,
            "quote": data.quote,
            "reported_by": data.reported_by,
            "as_of_precision": data.as_of_precision,
            "period_start": data.period_start,
            "commercial": data.commercial,
            "recipient_countries": data.recipient_countries,
            "recipient_organisations": data.recipient_organisations,
            "recipient_organisation": organisation,
            "usd": data.usd,
            "citation": data.citation,
            "url": data.url,
        },
    )
    total.items.all().delete()
    for code, quantity, hedge in data.items:
        item = items[code]
        assert item is not None
        ReportedItem.objects.create(total=total, item=item, quantity=quantity, qualifier=hedge)
    return total


def ensure_donor(name: str, kind: str, country_code: str, iati_ref: str = "") -> Donor:
    donor, _created = Donor.objects.update_or_create(
        name=name,
        defaults={
            "kind": kind,
            "country": Country.objects.get(code=country_code),
            "iati_ref": iati_ref,
        },
    )
    return donor
