"""Which language a page speaks: the person's setting, else the switcher's cookie, else
Accept-Language, else English; and the page says it (<html lang dir>)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.utils import translation
from django.views.defaults import server_error

import summitry
from summitry.accounts.models import User
from summitry.cli import main
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def html_tag(page: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)">', page)
    assert found, "no <html lang dir> on the page"
    return found[1], found[2]


def test_page_is_english_without_accept_language(client: Client) -> None:
    response = client.get("/engagements/")
    assert html_tag(response.content.decode()) == ("en-gb", "ltr")
    assert "Skip to content" in response.content.decode()
    assert response["Content-Language"] == "en-gb"


@pytest.mark.parametrize(
    ("header", "lang", "direction", "word"),
    [
        ("ar", "ar", "rtl", "انتقل إلى المحتوى"),
        ("zh-CN,zh;q=0.9", "zh-hans", "ltr", "跳至正文"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "ltr", "Aller au contenu"),
        ("ru", "ru", "ltr", "Перейти к содержанию"),
        ("es-419", "es", "ltr", "Ir al contenido"),
        ("de-DE", "en-gb", "ltr", "Skip to content"),
    ],
)
def test_page_follows_accept_language(
    client: Client, header: str, lang: str, direction: str, word: str
) -> None:
    page = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    assert html_tag(page) == (lang, direction)
    assert word in page


def test_person_setting_wins_over_accept_language_and_cookie(client: Client) -> None:
    person = factories.user(role=User.Role.READER)
    person.language = "ru"
    person.save()
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert html_tag(page) == ("ru", "ltr")


def test_person_without_setting_follows_accept_language(client: Client) -> None:
    client.force_login(factories.user(role=User.Role.READER))
    page = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert html_tag(page) == ("ar", "rtl")


def test_switcher_on_every_kind_of_page(client: Client) -> None:
    engagement = factories.engagement()
    for path in ("/engagements/", engagement.get_absolute_url(), "/accounts/login/", "/nowhere/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
        assert 'action="/i18n/setlang/"' in page, path
        assert '<option value="ar" lang="ar">العربية</option>' in page, path
        assert '<option value="zh-hans" lang="zh-hans" selected>' in page, path


def test_switcher_sets_the_language_for_a_visitor(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/engagements/"})
    assert response.status_code == 302 and response["Location"] == "/engagements/"
    page = client.get("/engagements/").content.decode()
    assert html_tag(page) == ("ar", "rtl")


def test_switcher_keeps_the_choice_of_a_signed_in_person(client: Client) -> None:
    person = factories.user(role=User.Role.READER)
    client.force_login(person)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/engagements/"})
    person.refresh_from_db()
    assert person.language == "zh-hans"
    # Another browser, asking for French, gets the person's language once signed in.
    other = Client()
    other.force_login(person)
    page = other.get("/engagements/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert html_tag(page) == ("zh-hans", "ltr")


def test_switcher_refuses_an_unknown_language_naming_the_field(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/engagements/"})
    assert response.status_code == 400
    assert response.content.decode().startswith("language:")


def test_switcher_ignores_a_next_address_on_another_site(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://example.org/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_javascript_catalogue_is_a_script_in_the_pages_language(client: Client) -> None:
    page = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<script src="/jsi18n/"></script>' in page
    response = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "django.gettext" in body and "django.pluralidx" in body
    assert "Accept-Language" in response["Vary"]


@override_settings(DEBUG=False)
def test_server_error_page_speaks_the_active_language() -> None:
    from django.test import RequestFactory

    with translation.override("ar"):
        page = server_error(RequestFactory().get("/")).content.decode()
    assert html_tag(page) == ("ar", "rtl")
    assert "حدث خطأ من جانبنا" in page


def test_command_line_speaks_the_environments_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.engagement()
    for name in ("SUMMITRY_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    with translation.override("en-gb"):  # put back after the command activated Russian
        assert main(["export", "--format", "json", "-o", str(tmp_path / "out.json")]) == 0
    assert "1 контакт записан в" in capsys.readouterr().err


def test_command_line_stays_english_in_the_c_locale(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SUMMITRY_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    with translation.override("en-gb"):
        assert main(["export", "--format", "json", "-o", str(tmp_path / "out.json")]) == 0
    assert "Wrote 0 engagements to" in capsys.readouterr().err


# Physical sides that do not mirror in Arabic; the logical properties do (docs/i18n.md).
PHYSICAL = re.compile(
    r"(?:margin|padding|border|inset)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
)


@pytest.mark.unit
def test_style_sheets_use_logical_sides_so_arabic_mirrors() -> None:
    source = Path(summitry.__file__).resolve().parent
    physical = [
        f"{path.relative_to(source)}:{number}: {line.strip()}"
        for path in sorted(source.glob("*/static/**/*.css"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PHYSICAL.search(line)
    ]
    assert not physical, (
        "Use margin-inline-start/-end, padding-inline-*, border-inline-*, inset-inline-* and"
        " text-align: start/end instead of left/right:\n" + "\n".join(physical)
    )


def test_sign_in_page_uses_allauths_own_translations(client: Client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert html_tag(page) == ("ru", "ltr")
    assert "Забыли свой пароль?" in page and "Forgot your password?" not in page


def test_form_labels_and_the_registers_errors_speak_the_readers_language(client: Client) -> None:
    from tests.engagements.test_web import form_data

    client.force_login(factories.user(role=User.Role.EDITOR))
    data = form_data(date="", start_time="", end_time="")
    page = client.post("/engagements/new/", data, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "النشاط الذي عُقد يحتاج إلى تاريخ بدء." in page  # A held engagement needs a start date.
    assert ">العنوان" in page and ">Title" not in page  # the form's labels
    page = client.post("/engagements/new/", data, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Для состоявшегося контакта нужна дата начала." in page
