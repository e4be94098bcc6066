"""Deliveries to and from spreadsheets (CSV and XLSX), with plain headers or HXL hashtags.

One row per item: rows that share a reference are one delivery (its other cells repeated or
left empty). An import is all or nothing, and each problem names its row and column. The export
writes the plain headers with the HXL hashtag row beneath them, as HDX expects, so that a file
goes out and back in unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from summitry.assistance.models import Delivery, DeliveryItem
from summitry.assistance.services import (
    DeliveryInput,
    ItemInput,
    SourceInput,
    record_delivery,
)
from summitry.directory.models import Country

# Plain header, HXL hashtag (the tag and the attributes a column needs to match).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("ref", "#activity+code"),
    ("donor", "#org+funder"),
    ("recipient", "#country+code"),
    ("recipient_organisation", "#org+recipient"),
    ("channel", "#meta+channel"),
    ("channel_organisation", "#org+channel"),
    ("modality", "#modality"),
    ("date", "#date"),
    ("date_precision", "#date+precision"),
    ("period_start", "#date+start"),
    ("stage", "#status"),
    ("item", "#item+name"),
    ("quantity", "#output+quantity"),
    ("unit", "#output+unit"),
    ("product", "#item+product"),
    ("amount", "#value"),
    ("currency", "#currency"),
    ("usd", "#value+usd"),
    ("engagement", "#meta+engagement"),
    ("description", "#description"),
    ("citation", "#meta+source"),
    ("url", "#meta+url"),
)
# Written on export, ignored on import (they follow from the rest).
DERIVED = frozenset({"unit", "usd"})
# Which column a service's problem with a field belongs to.
COLUMN_OF = {"items": "item", "team": "modality", "sources": "citation"}


@dataclass
class Problem:
    row: int
    column: str  # the header, with its spreadsheet letter
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _tag(text: str) -> tuple[str, frozenset[str]]:
    parts = text.strip().lower().replace(" ", "").split("+")
    return parts[0], frozenset(p for p in parts[1:] if p)


def _match_hashtag(hashtag: str) -> str | None:
    """The column a hashtag stands for: same tag, the column's attributes all present; the
    most specific wins (#date+start is the period's start, #date the date)."""
    tag, attributes = _tag(hashtag)
    best: tuple[int, str] | None = None
    for name, spec in COLUMNS:
        spec_tag, spec_attributes = _tag(spec)
        matches = spec_tag == tag and spec_attributes <= attributes
        if matches and (best is None or len(spec_attributes) > best[0]):
            best = (len(spec_attributes), name)
    return best[1] if best else None


def _is_hashtag_row(cells: Sequence[Any]) -> bool:
    filled = [str(c).strip() for c in cells if c not in (None, "")]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _read_rows(content: bytes, fmt: str) -> list[list[Any]]:
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    text = content.decode("utf-8-sig")
    return [list(row) for row in csv.reader(io.StringIO(text))]


@dataclass
class Sheet:
    columns: dict[str, int] = field(default_factory=dict)  # column name -> index
    headers: list[str] = field(default_factory=list)
    first_data_row: int = 1  # 0-based index of the first data row
    problems: list[Problem] = field(default_factory=list)

    def label(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None:
            return name
        return f"{_letter(index)} ({self.headers[index]})"


def _layout(rows: list[list[Any]]) -> Sheet:
    sheet = Sheet()
    if not rows:
        sheet.problems.append(Problem(1, "A", _("The file is empty.")))
        return sheet
    plain = {name for name, _tag in COLUMNS}
    header = [str(c or "").strip() for c in rows[0]]
    hashtags: list[str] | None = None
    if _is_hashtag_row(rows[0]):
        hashtags, sheet.first_data_row = header, 1
    elif len(rows) > 1 and _is_hashtag_row(rows[1]):
        hashtags, sheet.first_data_row = [str(c or "").strip() for c in rows[1]], 2
    sheet.headers = hashtags or header
    for index, cell in enumerate(sheet.headers):
        if not cell:
            continue
        name = (
            _match_hashtag(cell) if hashtags else (cell.lower() if cell.lower() in plain else None)
        )
        if name is None:
            sheet.problems.append(
                Problem(
                    sheet.first_data_row,
                    f"{_letter(index)} ({cell})",
                    _("This column is not known."),
                )
            )
        elif name in sheet.columns:
            sheet.problems.append(
                Problem(
                    sheet.first_data_row,
                    f"{_letter(index)} ({cell})",
                    _("This column appears twice."),
                )
            )
        else:
            sheet.columns[name] = index
    for required in ("ref", "donor", "modality", "date", "citation"):
        if required not in sheet.columns:
            sheet.problems.append(
                Problem(1, required, _("The file has no %(column)s column.") % {"column": required})
            )
    return sheet


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Group:
    first_row: int
    cells: dict[str, str]
    items: list[tuple[int, str, str, str]]  # row, item code, quantity, product


def _groups(rows: list[list[Any]], sheet: Sheet) -> list[Group]:
    groups: dict[str, Group] = {}
    for offset, raw in enumerate(rows[sheet.first_data_row :]):
        number = sheet.first_data_row + offset + 1
        cells = {
            name: _text(raw[index]) if index < len(raw) else ""
            for name, index in sheet.columns.items()
        }
        if not any(cells.values()):
            continue
        ref = cells.get("ref", "")
        if not ref:
            sheet.problems.append(
                Problem(number, sheet.label("ref"), _("Give the delivery a reference."))
            )
            continue
        group = groups.get(ref)
        if group is None:
            group = groups[ref] = Group(number, cells, [])
        else:
            for name, value in cells.items():
                if name in ("item", "quantity", "product", "unit") or not value:
                    continue
                if group.cells.get(name) and group.cells[name] != value:
                    sheet.problems.append(
                        Problem(
                            number,
                            sheet.label(name),
                            _("Rows of one delivery (%(ref)s) disagree: %(first)s or %(second)s?")
                            % {"ref": ref, "first": group.cells[name], "second": value},
                        )
                    )
                group.cells.setdefault(name, value)
                if not group.cells[name]:
                    group.cells[name] = value
        if cells.get("item") or cells.get("quantity"):
            group.items.append(
                (number, cells.get("item", ""), cells.get("quantity", ""), cells.get("product", ""))
            )
    return list(groups.values())


def _day(value: str, row: int, column: str, problems: list[Problem]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        problems.append(
            Problem(row, column, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value})
        )
        return None


def _recipient(cells: dict[str, str]) -> str:
    code = cells.get("recipient", "")
    if len(code) == 3 and code.isalpha():
        country = Country.objects.filter(alpha3=code.upper()).first()
        if country is not None:
            return country.code
    return code or cells.get("recipient_organisation", "")


def _input(group: Group, sheet: Sheet, problems: list[Problem]) -> DeliveryInput | None:
    cells, row = group.cells, group.first_row
    before = len(problems)
    date = _day(cells.get("date", ""), row, sheet.label("date"), problems)
    period_start = _day(cells.get("period_start", ""), row, sheet.label("period_start"), problems)
    amount = None
    if cells.get("amount"):
        try:
            amount = Decimal(cells["amount"].replace(",", ""))
        except InvalidOperation:
            problems.append(
                Problem(
                    row,
                    sheet.label("amount"),
                    _("%(value)s is not a number.") % {"value": cells["amount"]},
                )
            )
    engagement = None
    if cells.get("engagement"):
        if cells["engagement"].isdigit():
            engagement = int(cells["engagement"])
        else:
            problems.append(
                Problem(row, sheet.label("engagement"), _("An engagement is given by its number."))
            )
    items = []
    for item_row, code, quantity, product in group.items:
        number = None
        if quantity:
            try:
                number = int(Decimal(quantity.replace(",", "")))
            except InvalidOperation:
                problems.append(
                    Problem(
                        item_row,
                        sheet.label("quantity"),
                        _("%(value)s is not a number.") % {"value": quantity},
                    )
                )
        items.append(ItemInput(code, number, product))
    if len(problems) > before or date is None:
        if date is None and len(problems) == before:
            problems.append(Problem(row, sheet.label("date"), _("Give the date.")))
        return None
    return DeliveryInput(
        ref=cells.get("ref", ""),
        donor=cells.get("donor", ""),
        recipient=_recipient(cells),
        modality=cells.get("modality", ""),
        date=date,
        date_precision=cells.get("date_precision") or "day",
        period_start=period_start,
        channel=cells.get("channel") or "bilateral",
        channel_organisation=cells.get("channel_organisation", ""),
        stage=cells.get("stage") or "handed_over",
        items=items,
        amount=amount,
        currency=cells.get("currency", ""),
        engagement=engagement,
        description=cells.get("description", ""),
        sources=[SourceInput(cells.get("citation", ""), cells.get("url", ""))],
    )


def import_deliveries(content: bytes, fmt: str, by: Any = None, dry_run: bool = False) -> int:
    """Record every delivery in the file, or none: ImportFailed lists each problem."""
    rows = _read_rows(content, fmt)
    sheet = _layout(rows)
    if sheet.problems:
        raise ImportFailed(sheet.problems)
    groups = _groups(rows, sheet)
    problems = sheet.problems
    with transaction.atomic():
        recorded = 0
        for group in groups:
            data = _input(group, sheet, problems)
            if data is None:
                continue
            try:
                with transaction.atomic():
                    record_delivery(data, by=by)
                recorded += 1
            except ValidationError as failure:
                for name, messages in failure.message_dict.items():
                    column = COLUMN_OF.get(name, name)
                    if column == "recipient" and "recipient" not in sheet.columns:
                        column = "recipient_organisation"
                    for message in messages:
                        problems.append(Problem(group.first_row, sheet.label(column), message))
        if problems:
            transaction.set_rollback(True)
            raise ImportFailed(sorted(problems, key=lambda p: p.row))
        if dry_run:
            transaction.set_rollback(True)
    return recorded


def rows_for(deliveries: Iterable[Delivery]) -> list[list[Any]]:
    """Plain headers, the HXL hashtag row, then one row per item (or one for money)."""
    rows: list[list[Any]] = [[name for name, _tag in COLUMNS], [tag for _name, tag in COLUMNS]]
    for delivery in deliveries:
        source = next(iter(delivery.sources.all()), None)
        common = {
            "ref": delivery.ref,
            "donor": delivery.donor.name,
            "recipient": delivery.recipient_country.code if delivery.recipient_country else "",
            "recipient_organisation": (
                delivery.recipient_organisation.acronym if delivery.recipient_organisation else ""
            ),
            "channel": delivery.channel,
            "channel_organisation": (
                delivery.channel_organisation.acronym if delivery.channel_organisation else ""
            ),
            "modality": delivery.modality,
            "date": delivery.date.isoformat(),
            "date_precision": delivery.date_precision,
            "period_start": (
                delivery.earliest.isoformat()
                if delivery.date_precision == "by" and delivery.earliest
                else ""
            ),
            "stage": delivery.stage,
            "amount": f"{delivery.amount:f}" if delivery.amount is not None else "",
            "currency": delivery.currency,
            "usd": f"{delivery.usd:f}" if delivery.usd is not None else "",
            "engagement": str(delivery.engagement_id or ""),
            "description": delivery.description,
            "citation": source.citation if source else "",
            "url": source.url if source else "",
        }
        entries: list[DeliveryItem | None] = list(delivery.items.all()) or [None]
        for entry in entries:
            row = dict(common)
            if entry is not None:
                row.update(
                    item=entry.item.code,
                    quantity="" if entry.quantity is None else str(entry.quantity),
                    unit=entry.item.unit,
                    product=entry.product,
                )
            rows.append([row.get(name, "") for name, _tag in COLUMNS])
    return rows


def export_csv(deliveries: Iterable[Delivery]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows_for(deliveries))
    return out.getvalue()


def export_xlsx(deliveries: Iterable[Delivery]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "deliveries"
    for row in rows_for(deliveries):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
