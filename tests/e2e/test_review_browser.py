"""The yearly review page in a real browser: the map whole, the sentence's rule, an empty year."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.engagements.demo import load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every drawn part of the map (countries, dots, legend, the list of states not drawn) against
# the viewBox, in the SVG's own units: what lies outside is cut off.
OVERFLOW_JS = """(svg) => {
  const box = svg.viewBox.baseVal;
  const out = [];
  for (const part of svg.querySelectorAll("path, rect, text")) {
    const b = part.getBBox();
    if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5
        || b.y + b.height > box.y + box.height + 0.5) {
      out.push(`${part.tagName} ${part.getAttribute("class") || part.textContent}: ${b.x},${b.y},${b.width},${b.height}`);
    }
  }
  const frame = svg.getBoundingClientRect(), holder = svg.parentElement.getBoundingClientRect();
  if (frame.right > holder.right + 1 || frame.bottom > holder.bottom + 1) out.push("svg beyond its box");
  return out;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_review_page_shows_the_whole_map_and_the_sentences_rule(
    page: Page, live_server: LiveServer, artifacts: Path, width: int
) -> None:
    load_demo()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/review/2020/")
    expect(page.locator("#sentence-rule")).to_contain_text("took part as principal")
    expect(page.locator("#sentence-rule")).to_contain_text("count every engagement held")
    svg = page.locator("#world-map svg")
    expect(svg).to_be_visible()
    page.screenshot(path=str(artifacts / f"review-2020-{width}.png"), full_page=True)
    assert svg.evaluate(OVERFLOW_JS) == []


def test_review_page_of_a_year_without_records_says_so(page: Page, live_server: LiveServer) -> None:
    load_demo()
    page.goto(f"{live_server.url}/review/1999/")
    expect(page.locator("#empty-year")).to_contain_text("No held engagement is recorded for 1999")
    expect(page.locator("#world-map")).to_have_count(0)
    expect(page.locator(".figures")).to_have_count(0)
