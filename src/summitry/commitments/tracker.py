"""What the tracker page and the review show: filters, rows, and the promised-against-delivered
chart, from the viewer's visible commitments."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import numbers
from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitry.commitments import charts
from summitry.commitments.models import Commitment, Kind, NamedUnit
from summitry.commitments.progress import Progress, Status
from summitry.commitments.records import unit_label
from summitry.directory.names import display_name
from summitry.web.formats import format_number, format_percent, locale

# The chart's currency line: every currency pledge in US dollars at its own day's rate.
USD = "USD"


class FilterForm(forms.Form):
    maker = forms.ChoiceField(label=gettext_lazy("Maker"), required=False)
    beneficiary = forms.ChoiceField(label=gettext_lazy("Beneficiary"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Any kind")), *Kind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Status.choices],
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1800, max_value=2999
    )
    unit = forms.ChoiceField(label=gettext_lazy("Chart unit"), required=False)

    def __init__(self, data: Any, commitments: Sequence[Commitment]) -> None:
        super().__init__(data)
        makers: dict[str, str] = {}
        beneficiaries: dict[str, str] = {}
        units: set[str] = set()
        for c in commitments:
            makers[_code(c.maker)] = display_name(c.maker)
            for country in c.beneficiary_countries.all():
                beneficiaries[country.code] = display_name(country)
            for organisation in [
                *c.beneficiary_organisations.all(),
                *c.beneficiary_members_of.all(),
            ]:
                beneficiaries[organisation.acronym] = display_name(organisation)
            if c.amount is not None and c.unit in NamedUnit.values:
                units.add(c.unit)
        by_name = sorted(makers.items(), key=lambda kv: kv[1])
        self.fields["maker"].choices = [("", _("Any maker")), *by_name]  # type: ignore[attr-defined]
        self.fields["beneficiary"].choices = [  # type: ignore[attr-defined]
            ("", _("Any beneficiary")),
            *sorted(beneficiaries.items(), key=lambda kv: kv[1]),
        ]
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            (USD, _("US dollars (currency pledges)")),
            *sorted((u, unit_label(u)) for u in units),
        ]


def _code(party: Any) -> str:
    return str(getattr(party, "code", None) or party.acronym)


@dataclass(frozen=True)
class Row:
    commitment: Commitment
    progress: Progress
    bar: str


def rows(pairs: Sequence[tuple[Commitment, Progress]]) -> list[Row]:
    rtl = translation.get_language_bidi()
    found = []
    for commitment, progress in pairs:
        label = (
            _("Progress: %(percent)s") % {"percent": format_percent(progress.share)}
            if progress.share is not None
            else _("Progress cannot be measured: the pledge has no amount.")
        )
        found.append(
            Row(commitment, progress, charts.progress_bar_svg(progress.share, label, rtl=rtl))
        )
    return found


def default_unit(pairs: Sequence[tuple[Commitment, Progress]]) -> str:
    currency = sum(1 for c, _p in pairs if c.usd is not None)
    named = Counter(
        c.unit for c, _p in pairs if c.amount is not None and c.unit in NamedUnit.values
    )
    if named and named.most_common(1)[0][1] > currency:
        return named.most_common(1)[0][0]
    return USD


def chart(pairs: Sequence[tuple[Commitment, Progress]], unit: str, today: dt.date) -> str | None:
    """Promised against delivered over time, in one unit; None when nothing has an amount in it."""
    promised: list[tuple[dt.date, Decimal]] = []
    delivered: list[tuple[dt.date, Decimal]] = []
    for commitment, progress in pairs:
        if unit == USD:
            if commitment.usd is None or commitment.rate is None:
                continue
            factor, amount = commitment.rate, commitment.usd
        elif commitment.unit == unit and commitment.amount is not None:
            factor, amount = Decimal(1), commitment.amount
        else:
            continue
        promised.append((commitment.made_on, amount))
        delivered += [(e.on, e.amount * factor) for e in progress.counted if e.amount is not None]
    if not promised:
        return None
    start = dt.date(min(d for d, _a in promised).year, 1, 1)
    label = _("US dollars") if unit == USD else unit_label(unit)
    total_promised = sum((a for _d, a in promised), Decimal(0))
    total_delivered = sum((a for _d, a in delivered), Decimal(0))
    return charts.timeline_svg(
        promised,
        delivered,
        start=start,
        end=today,
        labels=(_("Promised"), _("Delivered (evidence counted)")),
        format_value=compact,
        title=_("Promised against delivered over time, in %(unit)s") % {"unit": label},
        description=_(
            "%(promised)s %(unit)s promised; %(delivered)s %(unit)s delivered on the evidence "
            "recorded."
        )
        % {
            "promised": format_number(int(total_promised)),
            "delivered": format_number(int(total_delivered)),
            "unit": label,
        },
        rtl=translation.get_language_bidi(),
    )


def compact(value: float) -> str:
    """An axis value as the reader's language shortens it (200 B, 2000 亿, 200 млрд)."""
    return numbers.format_compact_decimal(value, locale=locale(), fraction_digits=1)


def today() -> dt.date:
    return timezone.localdate()
