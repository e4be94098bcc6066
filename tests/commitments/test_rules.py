"""Conversion, progress and status rules of commitments, through the services and the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from summitry.commitments import evidence
from summitry.commitments.models import Commitment
from summitry.commitments.progress import Progress, Reason, Status, assess_all
from summitry.commitments.services import CommitmentInvalid, withdraw
from tests.commitments import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 3)


def _progress(commitment: Commitment, today: dt.date = TODAY) -> Progress:
    return assess_all([commitment], today)[commitment.pk]


def test_conversion_uses_the_rate_of_the_day_made() -> None:
    # COP15, 12 October 2021: 1.5 billion yuan, "233 million U.S. dollars" in the seed.
    fund = factories.commitment(
        made_on=dt.date(2021, 10, 12), amount="1500000000", unit="CNY", kind="funding"
    )
    other_day = factories.commitment(
        made_on=dt.date(2021, 2, 9), amount="1500000000", unit="CNY", kind="funding"
    )
    assert fund.rate_date == dt.date(2021, 10, 12)
    assert fund.rate == Decimal("0.1550548831")
    assert fund.usd == Decimal("232582324.65")
    assert round(fund.usd / 1_000_000) == 233
    assert "European Central Bank" in fund.rate_source
    # The same amount on another day converts at that day's rate, not the latest one.
    assert other_day.rate_date == dt.date(2021, 2, 9)
    assert other_day.usd != fund.usd


def test_conversion_on_a_day_without_rate_uses_nearest_earlier_day() -> None:
    # Easter Monday 2021 and Good Friday before it: the ECB quoted last on Thursday 1 April.
    pledge = factories.commitment(
        made_on=dt.date(2021, 4, 5), amount="100", unit="EUR", kind="funding"
    )
    assert pledge.rate_date == dt.date(2021, 4, 1)
    assert pledge.rate is not None
    assert pledge.usd == (Decimal(100) * pledge.rate).quantize(Decimal("0.01"))


def test_conversion_of_named_unit_leaves_usd_empty() -> None:
    doses = factories.commitment(amount="1000000000", unit="doses")
    assert doses.usd is None and doses.rate is None and doses.rate_source == ""


def test_commitment_unknown_unit_is_refused_naming_unit() -> None:
    with pytest.raises(CommitmentInvalid) as refused:
        factories.commitment(amount="5", unit="bananas")
    assert list(refused.value.errors) == ["unit"]


def test_commitment_due_before_made_is_refused_naming_due() -> None:
    with pytest.raises(CommitmentInvalid) as refused:
        factories.commitment(made_on=dt.date(2021, 5, 1), due=dt.date(2021, 4, 1))
    assert "due" in refused.value.errors


def test_progress_never_above_evidence_and_capped() -> None:
    pledge = factories.commitment(amount=1000)
    factories.report(pledge, dt.date(2022, 1, 1), 400)
    progress = _progress(pledge)
    assert progress.delivered == 400 and progress.share == Decimal("0.4")
    factories.report(pledge, dt.date(2022, 6, 1), 900)
    progress = _progress(pledge)
    assert progress.delivered == 1300
    assert progress.share == 1 and progress.capped
    assert progress.reason == Reason.EXCEEDED
    assert progress.status == Status.FULFILLED


def test_progress_report_citing_another_item_is_not_counted_twice() -> None:
    pledge = factories.commitment(amount=1000)
    first = factories.report(pledge, dt.date(2022, 1, 1), 300)
    # A later total that says it includes the first report: 500 in all, not 800.
    factories.report(pledge, dt.date(2022, 3, 1), 500, includes=[f"report:{first.pk}"])
    progress = _progress(pledge)
    assert progress.delivered == 500
    assert [e.key for e in progress.left_out] == [f"report:{first.pk}"]


def test_progress_other_app_provider_is_added_once() -> None:
    pledge = factories.commitment(amount=1000)

    def deliveries(commitments: object) -> dict[int, list[evidence.Evidence]]:
        one = evidence.Evidence("delivery:1", dt.date(2022, 2, 1), Decimal(200), "ledger")
        # The same delivery returned twice (two links) still counts once.
        return {pledge.pk: [one, one]}

    evidence.register("test-deliveries", deliveries)
    try:
        factories.report(pledge, dt.date(2022, 5, 1), 250, includes=["delivery:1"])
        factories.report(pledge, dt.date(2022, 6, 1), 100)
        progress = _progress(pledge)
        # 250 (which contains the delivery) + 100; the delivery is not added again.
        assert progress.delivered == 350
    finally:
        evidence._providers.pop("test-deliveries")


@pytest.mark.parametrize(
    ("due", "reported", "today", "status", "reason"),
    [
        (None, None, TODAY, Status.ANNOUNCED, Reason.NO_EVIDENCE),
        (dt.date(2030, 1, 1), 10, TODAY, Status.IN_PROGRESS, Reason.UNDER_WAY),
        (dt.date(2022, 12, 31), None, TODAY, Status.OVERDUE, Reason.NOTHING_BY_DUE),
        (dt.date(2022, 12, 31), 10, TODAY, Status.PARTLY_FULFILLED, Reason.SHORT_AFTER_DUE),
        (dt.date(2022, 12, 31), 100, TODAY, Status.FULFILLED, Reason.MET),
        # On the due day itself it is not yet overdue.
        (dt.date(2022, 12, 31), None, dt.date(2022, 12, 31), Status.ANNOUNCED, Reason.NO_EVIDENCE),
        # A report dated after "today" is not yet evidence.
        (None, 10, dt.date(2021, 12, 31), Status.ANNOUNCED, Reason.NO_EVIDENCE),
    ],
)
def test_status_follows_evidence_and_dates(
    due: dt.date | None, reported: int | None, today: dt.date, status: str, reason: str
) -> None:
    pledge = factories.commitment(amount=100, due=due)
    if reported is not None:
        factories.report(pledge, dt.date(2022, 6, 1), reported)
    progress = _progress(pledge, today)
    assert (progress.status, progress.reason) == (status, reason)


def test_status_withdrawn_wins_over_evidence() -> None:
    pledge = factories.commitment(amount=100)
    factories.report(pledge, dt.date(2022, 6, 1), 100)
    withdraw(pledge, dt.date(2023, 1, 1))
    assert _progress(pledge).status == Status.WITHDRAWN
    assert _progress(pledge, dt.date(2022, 12, 1)).status == Status.FULFILLED


def test_status_unquantified_pledge_met_by_a_completing_report() -> None:
    meeting = factories.commitment(amount=None, kind="institutional")
    assert _progress(meeting).share is None
    factories.report(meeting, dt.date(2022, 6, 1), None, completes=True)
    progress = _progress(meeting)
    assert (progress.status, progress.share) == (Status.FULFILLED, None)


def test_progress_report_before_pledge_refused_naming_on() -> None:
    pledge = factories.commitment(made_on=dt.date(2021, 11, 29))
    with pytest.raises(CommitmentInvalid) as refused:
        factories.report(pledge, dt.date(2021, 1, 1), 10)
    assert list(refused.value.errors) == ["on"]


def test_progress_report_amount_on_unquantified_pledge_refused_naming_amount() -> None:
    meeting = factories.commitment(amount=None, kind="institutional")
    with pytest.raises(CommitmentInvalid) as refused:
        factories.report(meeting, dt.date(2022, 1, 1), 10)
    assert list(refused.value.errors) == ["amount"]


def test_commitment_amount_not_positive_refused_naming_amount() -> None:
    with pytest.raises(CommitmentInvalid) as refused:
        factories.commitment(amount="-5", unit="USD")
    assert list(refused.value.errors) == ["amount"]


def test_conversion_currency_without_ecb_rate_keeps_no_dollar_figure() -> None:
    # The ECB does not quote the CFA franc: no dollar figure, rather than a guess.
    pledge = factories.commitment(amount="1000", unit="XOF", kind="funding")
    assert pledge.usd is None and pledge.rate is None
