"""The page policy (CSP), the API docs, error pages and what a refused request logs."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error
from pytest_django.fixtures import Settings

import summitry
from summitry.accounts.models import User

pytestmark = pytest.mark.integration

SOURCE = Path(summitry.__file__).resolve().parent


def policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class Links(HTMLParser):
    """Every src and href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/engagements/", "/engagements/calendar/", "/no-such-page/", "/admin/login/", "/api/docs"],
)
def test_csp_is_strict_on_every_kind_of_page(client: Client, path: str) -> None:
    directives = policy(client.get(path))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]


@pytest.mark.django_db
def test_csp_of_a_forbidden_page_and_a_refused_form(reader: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert "script-src" in policy(client.get("/engagements/new/"))
    assert "script-src" in policy(client.post("/engagements/new/", {}))


@pytest.mark.django_db
def test_csp_of_a_room_page_lets_it_reach_every_janus_instance(
    client: Client, settings: Settings
) -> None:
    settings.SUMMITRY_JANUS_INSTANCES = [
        {
            "name": name,
            "api_url": f"http://10.0.0.{n}:8088/janus",
            "admin_url": f"http://10.0.0.{n}:7088/admin",
            "admin_secret": "a",
            "room_admin_key": "k",
            "public_api_url": f"wss://janus{n}.example.org/ws" if n == 2 else None,
        }
        for n, name in ((1, "one"), (2, "two"))
    ]
    from summitry.rooms.instances import browser_origins

    assert browser_origins() == ["http://10.0.0.1:8088", "wss://janus2.example.org"]
    response = client.get("/rooms/join/not-a-valid-link/")
    assert policy(response)["connect-src"] == [
        "'self'",
        "http://10.0.0.1:8088",
        "wss://janus2.example.org",
    ]
    # The register's pages need no Janus.
    assert policy(client.get("/engagements/"))["connect-src"] == ["'self'"]


def templates() -> Iterator[Path]:
    yield from sorted(SOURCE.glob("*/templates/**/*.html"))


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
]


@pytest.mark.unit
def test_templates_hold_no_inline_script_or_style() -> None:
    found = []
    for template in templates():
        text = template.read_text(encoding="utf-8")
        if template.name == "review_print.html":
            continue  # rendered to PDF by WeasyPrint, never served as a page
        for pattern, what in INLINE:
            found += [f"{template.relative_to(SOURCE)}: {what}" for _ in pattern.finditer(text)]
        if "<style" in text:
            found.append(f"{template.relative_to(SOURCE)}: <style> element")
    assert not found, found


@pytest.mark.django_db
def test_api_docs_load_only_from_this_site(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    links = Links()
    links.feed(response.content.decode())
    assert any(link.endswith("swagger-ui-bundle.js") for link in links.found), links.found
    assert links.found and all(link.startswith("/") for link in links.found), links.found
    assert all(client.get(link).status_code == 200 for link in links.found if "static" in link)


@pytest.mark.django_db
def test_not_found_page_says_why_in_the_site_layout(client: Client) -> None:
    response = client.get("/engagements/987654/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here" in page
    assert "record you may not see" in page
    assert 'class="brand"' in page and "summitry/site.css" in page


@pytest.mark.django_db
def test_forbidden_page_names_the_rule(reader: User) -> None:
    client = Client()
    client.force_login(reader)
    response = client.get("/engagements/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only editors and administrators can change the register." in page
    assert "reader" in page and "summitry/site.css" in page


@pytest.mark.django_db
def test_refused_form_page_says_nothing_was_saved(editor: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/engagements/new/", {"title": "No token"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be checked" in page and "Nothing was saved" in page


@pytest.mark.unit
def test_server_error_page_is_styled_and_needs_no_request_context() -> None:
    # Django renders 500.html with an empty context: no user, no database.
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and "summitry/site.css" in page


@pytest.fixture
def site_log() -> Iterator[io.StringIO]:
    """What the configured console handler writes, as an operator reads it."""
    root = logging.getLogger()
    configured = next(h for h in root.handlers if type(h) is logging.StreamHandler)
    written = io.StringIO()
    # Same filters and format, into a buffer: the configured one writes to the process's stderr.
    copy = logging.StreamHandler(written)
    copy.filters = list(configured.filters)
    copy.setFormatter(configured.formatter)
    root.addHandler(copy)
    try:
        yield written
    finally:
        root.removeHandler(copy)


@pytest.mark.django_db
def test_refused_request_logs_one_line_without_traceback(
    reader: User, site_log: io.StringIO
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.get("/engagements/new/").status_code == 403
    assert client.post("/engagements/new/", {}).status_code == 403
    lines = site_log.getvalue().splitlines()
    assert any("Forbidden (Permission denied): /engagements/new/" in line for line in lines), lines
    assert any("Forbidden (CSRF" in line for line in lines), lines
    assert "Traceback" not in site_log.getvalue()
    assert len(lines) == 2, lines


@pytest.mark.django_db
def test_server_errors_keep_their_traceback(site_log: io.StringIO) -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    record.status_code = 500
    logging.getLogger("django.request").handle(record)
    assert "Traceback" in site_log.getvalue()
