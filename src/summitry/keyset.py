"""Keyset pagination: pages of a list ordered by (key, id), as fast on page 20,000 as on page 1.

A page is asked for by the row it follows (`after`) or precedes (`before`), given as an opaque
cursor holding that row's key and id; the database reads the page from an index instead of
counting past every earlier row as OFFSET does. A key that may be empty (a date not yet fixed)
puts its empty rows last in either direction, read as a second segment in id order, so that
each query stays a plain index range.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet

M = TypeVar("M", bound=models.Model)


class BadCursor(ValueError):
    """The cursor was not made by this list (edited or cut short)."""


@dataclass(frozen=True)
class Order:
    key: str
    descending: bool = False

    def reversed(self) -> Order:
        return Order(self.key, not self.descending)


@dataclass
class Page(Generic[M]):
    items: list[M]
    # Cursors of the neighbouring pages; None when there is none.
    next: str | None
    previous: str | None


def encode(item: models.Model, order: Order) -> str:
    value = getattr(item, order.key)
    if value is not None:
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    raw = json.dumps([value, item.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str, model: type[models.Model], order: Order) -> tuple[Any, Any]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, pk = json.loads(raw)
        field = model._meta.get_field(order.key)
        key = None if value is None else field.to_python(value)  # type: ignore[union-attr]
        pk = model._meta.pk.to_python(pk)
    except (ValueError, TypeError, binascii.Error, ValidationError) as exc:
        raise BadCursor(str(exc)) from None
    if pk is None:
        raise BadCursor("no id")
    return key, pk


def _sorted(queryset: QuerySet[M], order: Order) -> QuerySet[M]:
    sign = "-" if order.descending else ""
    return queryset.order_by(f"{sign}{order.key}", f"{sign}pk")


def _beyond(queryset: QuerySet[M], order: Order, key: Any, pk: Any) -> QuerySet[M]:
    """Rows after (key, pk) among those whose key is set. The redundant bound on the key alone
    lets both databases read one index range."""
    near, far = ("lte", "lt") if order.descending else ("gte", "gt")
    return queryset.filter(
        Q(**{f"{order.key}__{near}": key}),
        Q(**{f"{order.key}__{far}": key}) | Q(**{order.key: key, f"pk__{far}": pk}),
    )


def _read(
    queryset: QuerySet[M],
    order: Order,
    nullable: bool,
    nulls_first: bool,
    cursor: tuple[Any, Any] | None,
    count: int,
) -> list[M]:
    """Up to `count` rows in order after `cursor` (from the start when None)."""
    key, pk = cursor if cursor is not None else (None, None)
    set_rows = queryset.filter(**{f"{order.key}__isnull": False}) if nullable else queryset
    empty_rows = queryset.filter(**{f"{order.key}__isnull": True})
    id_order = "-pk" if order.descending else "pk"
    segments: list[QuerySet[M]] = []
    after_set = _sorted(set_rows, order)
    if cursor is not None and key is not None:
        after_set = _sorted(_beyond(set_rows, order, key, pk), order)
    if cursor is not None and key is None:
        # The cursor is an empty-key row.
        far = "lt" if order.descending else "gt"
        after_empty = empty_rows.filter(**{f"pk__{far}": pk}).order_by(id_order)
        segments = [after_empty] if not nulls_first else [after_empty, after_set]
    elif nullable:
        empty_all = empty_rows.order_by(id_order)
        if nulls_first:
            segments = [after_set] if cursor is not None else [empty_all, after_set]
        else:
            segments = [after_set, empty_all]
    else:
        segments = [after_set]
    rows: list[M] = []
    for segment in segments:
        if len(rows) >= count:
            break
        rows += list(segment[: count - len(rows)])
    return rows


def paginate(
    queryset: QuerySet[M],
    order: Order,
    size: int,
    *,
    after: str | None = None,
    before: str | None = None,
) -> Page[M]:
    model = queryset.model
    nullable = bool(getattr(model._meta.get_field(order.key), "null", False))
    if before is not None:
        cursor = decode(before, model, order)
        # Read backwards from the cursor (empty keys come first that way), then turn round.
        rows = _read(queryset, order.reversed(), nullable, True, cursor, size + 1)
        more = len(rows) > size
        items = list(reversed(rows[:size]))
        return Page(
            items,
            next=encode(items[-1], order) if items else None,
            previous=encode(items[0], order) if items and more else None,
        )
    start = decode(after, model, order) if after is not None else None
    rows = _read(queryset, order, nullable, False, start, size + 1)
    items = rows[:size]
    return Page(
        items,
        next=encode(items[-1], order) if len(rows) > size else None,
        previous=encode(items[0], order) if items and start is not None else None,
    )
