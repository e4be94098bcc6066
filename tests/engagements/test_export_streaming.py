"""The streaming export writes, byte for byte, what the export wrote when it held every record
in memory (the files in data/ were written by that export, on the same small register)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from summitry.accounts.models import User
from summitry.engagements.demo import load_demo
from summitry.engagements.exporter import export
from summitry.engagements.models import Engagement
from summitry.engagements.services import SourceInput
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

DATA = Path(__file__).parent / "data"
STAMP = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


def small_register() -> None:
    """The demo, and one record that uses what the demo does not: a chair, a reader, a
    confidential readout, a cell that a spreadsheet would take for a formula."""
    load_demo()
    chair = factories.person("Chair Person", "FR", "Foreign Minister", dt.date(2019, 1, 1))
    factories.engagement(
        title='=HYPERLINK("x") call; with a semicolon',
        ref="added-confidential",
        countries=("FR", "CN"),
        people=(factories.person("Guest Speaker", "DE"),),
        chair=chair,
        confidentiality="confidential",
        readers=[factories.user(User.Role.READER, username="analyst")],
        readout='Line one.\nLine two, with "quotes".',
        sources=[SourceInput(citation="-minus first", url="https://example.org/a?b=1;c=2")],
    )
    Engagement.objects.update(created_at=STAMP, updated_at=STAMP)


def normalised(text: str) -> str:
    """Ids differ from one database to another: name each record by its ref instead."""
    refs = dict(Engagement.objects.values_list("pk", "ref"))
    return re.sub(
        r"(engagement-|/engagements/)(\d+)",
        lambda m: m.group(1) + str(refs.get(int(m.group(2)), m.group(2))),
        text,
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "ics"])
def test_streaming_export_equals_the_earlier_export_on_a_small_register(fmt: str) -> None:
    small_register()
    out = io.StringIO(newline="")
    assert export(out, fmt) == Engagement.objects.count()
    with open(DATA / f"small_register.{fmt}", encoding="utf-8", newline="") as golden:
        expected = golden.read()
    assert normalised(out.getvalue()) == expected


@pytest.mark.parametrize("fmt", ["json", "csv", "ics"])
def test_export_writes_each_chunk_before_reading_the_next(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.models.signals import post_init

    from summitry.engagements import exporter

    monkeypatch.setattr(exporter, "CHUNK", 5)
    for i in range(23):
        factories.engagement(title=f"Call {i}")
    made: list[int] = []

    def count(sender: type[Engagement], **kwargs: object) -> None:
        made.append(1)

    class Watch(io.StringIO):
        """Notes how many records had been read when each record was written."""

        def __init__(self) -> None:
            super().__init__()
            self.read_at_write: list[int] = []

        def write(self, text: str) -> int:
            if "Call " in text:
                self.read_at_write.append(len(made))
            return super().write(text)

    out = Watch()
    post_init.connect(count, sender=Engagement)
    try:
        assert export(out, fmt) == 23
    finally:
        post_init.disconnect(count, sender=Engagement)
    # The first record goes out when only its chunk has been read, not the whole register.
    assert out.read_at_write[0] <= 5
    assert len(made) >= 23
