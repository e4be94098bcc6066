"""How far a commitment got: the evidence added up, never more, and a status with its reason.

Status rules, in order:
- withdrawn: the maker withdrew it (on or before today);
- fulfilled: the counted evidence reaches the amount, or an item says the pledge was met in full;
- partly_fulfilled: the due date has passed with some evidence, short of the amount;
- overdue: the due date has passed with no evidence;
- in_progress: some evidence, not yet due (or no due date);
- announced: no evidence yet, not yet due (or no due date).
Progress is the counted evidence over the amount, capped at 1 (and the cap said); it is None
when the pledge has no amount to measure against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from summitry.commitments import evidence
from summitry.commitments.models import Commitment


class Status(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    OVERDUE = "overdue", _("Overdue")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Reason(models.TextChoices):
    """Why a commitment has its status, one sentence each (the figures are shown beside it)."""

    WITHDRAWN = "withdrawn", _("The maker withdrew this commitment.")
    MET = "met", _("The evidence adds up to the amount pledged.")
    EXCEEDED = (
        "exceeded",
        _("The evidence adds up to more than the amount pledged; progress is shown as complete."),
    )
    COMPLETED = "completed", _("A report states that the commitment was met in full.")
    SHORT_AFTER_DUE = (
        "short_after_due",
        _("The due date has passed and the evidence falls short of the amount pledged."),
    )
    UNMEASURED_AFTER_DUE = (
        "unmeasured_after_due",
        _(
            "The due date has passed; progress has been reported but the pledge has no amount to "
            "measure it against."
        ),
    )
    NOTHING_BY_DUE = "nothing_by_due", _("The due date has passed with no evidence of delivery.")
    UNDER_WAY = "under_way", _("Delivery has been reported and the commitment is not yet due.")
    NO_EVIDENCE = "no_evidence", _("No evidence of delivery has been recorded yet.")


@dataclass(frozen=True)
class Progress:
    status: Status
    reason: Reason
    delivered: Decimal | None  # the counted evidence, in the commitment's unit
    share: Decimal | None  # 0 to 1
    capped: bool  # the evidence exceeds the amount; share shown as 1
    counted: tuple[evidence.Evidence, ...]
    left_out: tuple[evidence.Evidence, ...]  # included in another item, or repeated

    @property
    def percent(self) -> int | None:
        return None if self.share is None else int(self.share * 100)


def assess(commitment: Commitment, items: Sequence[evidence.Evidence], today: dt.date) -> Progress:
    """The status and progress of one commitment from its evidence, as of `today`. Evidence
    dated after today is not yet evidence."""
    known = [e for e in items if e.on <= today]
    counted = evidence.counted(known)
    left_out = tuple(e for e in known if e not in counted)
    figures = [e.amount for e in counted if e.amount is not None]
    delivered = sum(figures, Decimal(0)) if figures else None
    amount = commitment.amount
    share: Decimal | None = None
    capped = False
    if amount is not None and amount > 0:
        raw = (delivered or Decimal(0)) / amount
        capped = raw > 1
        share = min(raw, Decimal(1))

    def result(status: Status, reason: Reason) -> Progress:
        return Progress(status, reason, delivered, share, capped, tuple(counted), left_out)

    if commitment.withdrawn_on is not None and commitment.withdrawn_on <= today:
        return result(Status.WITHDRAWN, Reason.WITHDRAWN)
    if share is not None and share >= 1:
        return result(Status.FULFILLED, Reason.EXCEEDED if capped else Reason.MET)
    if any(e.completes for e in counted):
        return result(Status.FULFILLED, Reason.COMPLETED)
    has_evidence = bool(counted)
    if commitment.due is not None and commitment.due < today:
        if not has_evidence:
            return result(Status.OVERDUE, Reason.NOTHING_BY_DUE)
        if share is None:
            return result(Status.PARTLY_FULFILLED, Reason.UNMEASURED_AFTER_DUE)
        return result(Status.PARTLY_FULFILLED, Reason.SHORT_AFTER_DUE)
    if has_evidence:
        return result(Status.IN_PROGRESS, Reason.UNDER_WAY)
    return result(Status.ANNOUNCED, Reason.NO_EVIDENCE)


def assess_all(commitments: Sequence[Commitment], today: dt.date) -> dict[int, Progress]:
    """Every commitment's progress, with each provider asked once for all of them."""
    found = evidence.collect(commitments)
    return {c.pk: assess(c, found.get(c.pk, []), today) for c in commitments}
