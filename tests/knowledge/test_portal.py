"""The public portal: browsing, pages, downloads and their counts, restricted sharing, 4xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from summitry.accounts.models import User
from summitry.knowledge import services
from summitry.knowledge.models import DownloadCount, Work
from tests import factories as base
from tests.knowledge import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def protocol() -> Work:
    work = factories.work(title="Diagnosis and Treatment Protocol", slug="protocol")
    factories.edition(work, markdown="Isolate for 14 days.", published_on=dt.date(2020, 2, 18))
    second = factories.edition(
        work, markdown="Isolate for 7 days.", label="Trial Version 7", changes="Shorter isolation."
    )
    factories.translation(second, language="fr", markdown="Isoler pendant 7 jours.")
    return work


@pytest.fixture
def restricted() -> Work:
    work = factories.work(title="Shared with France", slug="for-france", shared_with=("FR",))
    factories.edition(work, markdown="Restricted text.")
    edition = factories.edition(work, markdown="Restricted text, revised.")
    factories.translation(edition, language="fr", markdown="Texte réservé.")
    return work


def _reader_of(country: str) -> User:
    account = base.user(User.Role.READER)
    services.grant_access(account, country)
    return account


def test_work_page_lists_current_edition_first_and_marks_superseded(
    client: Client, protocol: Work
) -> None:
    page = client.get(reverse("knowledge:work", args=["protocol"])).content.decode()
    assert page.index("Edition 2") < page.index("Edition 1")
    assert page.count("Current edition") == 1
    assert "Superseded" in page


def test_superseded_edition_page_points_to_the_current_one(client: Client, protocol: Work) -> None:
    page = client.get(reverse("knowledge:edition", args=["protocol", 1])).content.decode()
    assert "This edition has been superseded; the current one is edition 2." in page
    assert reverse("knowledge:edition", args=["protocol", 2]) in page


def test_compare_page_shows_the_words_changed(client: Client, protocol: Work) -> None:
    page = client.get(reverse("knowledge:compare", args=["protocol", 1, 2])).content.decode()
    assert "Isolate for <del>14</del><ins>7</ins> days." in page


def test_index_browses_by_language_and_topic(client: Client, protocol: Work) -> None:
    plan = factories.work(title="Containment Plan", slug="plan")
    topic = services.create_topic("Prevention and control", "prevention")
    plan.topics.add(topic)
    french = client.get(reverse("knowledge:index"), {"language": "fr"}).content.decode()
    assert "Diagnosis and Treatment Protocol" in french
    assert "Containment Plan" not in french
    by_topic = client.get(reverse("knowledge:index"), {"topic": "prevention"}).content.decode()
    assert "Containment Plan" in by_topic
    assert "Diagnosis and Treatment Protocol" not in by_topic


def test_index_search_shows_marked_passages(client: Client, protocol: Work) -> None:
    page = client.get(reverse("knowledge:index"), {"q": "isoler"}).content.decode()
    assert "<mark>Isoler</mark> pendant 7 jours." in page


@pytest.mark.parametrize(
    ("query", "field"),
    [({"language": "tlh"}, "language"), ({"topic": "no-such"}, "topic"), ({"q": "x" * 201}, "q")],
)
def test_index_bad_filter_is_a_400_naming_the_field(
    client: Client, protocol: Work, query: dict[str, str], field: str
) -> None:
    response = client.get(reverse("knowledge:index"), query)
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}:")


def test_compare_an_edition_with_itself_is_a_400(client: Client, protocol: Work) -> None:
    response = client.get(reverse("knowledge:compare", args=["protocol", 2, 2]))
    assert response.status_code == 400


def test_download_is_counted_by_browser_region_and_language(client: Client, protocol: Work) -> None:
    url = reverse("knowledge:translation_download", args=["protocol", 2, "fr"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.8", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="protocol-2-fr.md"'
    assert response.content.decode() == "Isoler pendant 7 jours."
    client.get(url, HTTP_ACCEPT_LANGUAGE="fr-CA")
    client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    counts = set(DownloadCount.objects.values_list("language", "country", "count"))
    assert counts == {("fr", "CA", 2), ("fr", "", 1)}


def test_download_counts_store_no_address(client: Client, protocol: Work) -> None:
    url = reverse("knowledge:download", args=["protocol", 2])
    client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB", REMOTE_ADDR="203.0.113.9")
    row = DownloadCount.objects.values().get()
    assert set(row) == {"id", "edition_id", "language", "country", "day", "count"}
    assert "203.0.113.9" not in str(row)


def test_download_counted_for_the_signed_in_readers_country(
    client: Client, restricted: Work
) -> None:
    client.force_login(_reader_of("FR"))
    url = reverse("knowledge:translation_download", args=["for-france", 2, "fr"])
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en-US").status_code == 200
    assert list(DownloadCount.objects.values_list("country", "language")) == [("FR", "fr")]


def test_pdf_download_is_the_uploaded_file(client: Client) -> None:
    upload = factories.pdf_file("Ventilation of wards.")
    content = upload.read()
    upload.seek(0)
    work = factories.work(slug="wards")
    factories.edition(work, upload=upload)
    response = client.get(reverse("knowledge:download", args=["wards", 1]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="wards-1.pdf"'


def test_download_of_an_edition_without_text_is_a_404(client: Client) -> None:
    factories.edition(factories.work(slug="empty"))
    assert client.get(reverse("knowledge:download", args=["empty", 1])).status_code == 404
    assert not DownloadCount.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        reverse("knowledge:work", args=["for-france"]),
        reverse("knowledge:edition", args=["for-france", 2]),
        reverse("knowledge:translation", args=["for-france", 2, "fr"]),
        reverse("knowledge:download", args=["for-france", 2]),
        reverse("knowledge:translation_download", args=["for-france", 2, "fr"]),
        reverse("knowledge:compare", args=["for-france", 1, 2]),
    ],
)
def test_restricted_work_is_hidden_from_the_public_and_other_countries(
    client: Client, restricted: Work, url: str
) -> None:
    assert client.get(url).status_code == 404
    client.force_login(_reader_of("DE"))
    assert client.get(url).status_code == 404
    assert not DownloadCount.objects.exists()


def test_restricted_work_is_open_to_readers_of_a_named_country(
    client: Client, restricted: Work
) -> None:
    client.force_login(_reader_of("FR"))
    assert client.get(reverse("knowledge:edition", args=["for-france", 1])).status_code == 200
    page = client.get(reverse("knowledge:index")).content.decode()
    assert "Shared with France" in page


def test_restricted_work_is_absent_from_the_index_and_search(
    client: Client, restricted: Work
) -> None:
    assert "Shared with France" not in client.get(reverse("knowledge:index")).content.decode()
    page = client.get(reverse("knowledge:index"), {"q": "réservé"}).content.decode()
    assert "0 texts found" in page


def test_publishing_form_is_refused_to_readers(client: Client, protocol: Work) -> None:
    client.force_login(base.user(User.Role.READER))
    url = reverse("knowledge:edition_create", args=["protocol"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"markdown": "New."}).status_code == 403
    assert protocol.editions.count() == 2


def test_publishing_form_publishes_and_supersedes(client: Client, protocol: Work) -> None:
    client.force_login(base.user(User.Role.EDITOR))
    url = reverse("knowledge:edition_create", args=["protocol"])
    response = client.post(url, {"markdown": "Isolate for 5 days.", "label": "Trial Version 8"})
    assert response.status_code == 302
    assert protocol.editions.get(is_current=True).number == 3


def test_publishing_form_with_a_bad_file_is_a_400_naming_the_file(
    client: Client, protocol: Work
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(base.user(User.Role.EDITOR))
    url = reverse("knowledge:edition_create", args=["protocol"])
    fake = SimpleUploadedFile("x.pdf", b"not a pdf")
    response = client.post(url, {"file": fake})
    assert response.status_code == 400
    assert "The file must be a PDF or a Word (DOCX) document." in response.content.decode()
    assert protocol.editions.count() == 2


def test_translation_form_with_a_taken_language_is_a_400(client: Client, protocol: Work) -> None:
    client.force_login(base.user(User.Role.EDITOR))
    url = reverse("knowledge:translation_create", args=["protocol", 2])
    response = client.post(url, {"language": "fr", "markdown": "Encore."})
    assert response.status_code == 400
    assert "This edition already has a translation in this language." in response.content.decode()


def test_work_form_creates_a_work_shared_with_named_countries(client: Client) -> None:
    from summitry.directory.models import Country

    client.force_login(base.user(User.Role.EDITOR))
    france = Country.objects.get(code="FR")
    response = client.post(
        reverse("knowledge:work_create"),
        {
            "title": "Guidance for Ports",
            "slug": "ports",
            "kind": "guidance",
            "language": "en",
            "shared_with": [france.pk],
        },
    )
    assert response.status_code == 302
    work = Work.objects.get(slug="ports")
    assert list(work.shared_with.values_list("code", flat=True)) == ["FR"]


def test_work_form_with_a_reserved_slug_is_a_400_naming_the_slug(client: Client) -> None:
    client.force_login(base.user(User.Role.EDITOR))
    response = client.post(
        reverse("knowledge:work_create"),
        {"title": "New", "slug": "new", "kind": "other", "language": "en"},
    )
    assert response.status_code == 400
    assert "This slug is already in use; choose another." in response.content.decode()


def test_work_renamed_is_found_by_its_new_title(client: Client, protocol: Work) -> None:
    client.force_login(base.user(User.Role.EDITOR))
    response = client.post(
        reverse("knowledge:work_edit", args=["protocol"]),
        {"title": "Clinical Management Protocol", "kind": "protocol"},
    )
    assert response.status_code == 302
    page = client.get(reverse("knowledge:index"), {"q": "clinical management"}).content.decode()
    assert "2 texts found" in page


def test_publisher_sees_downloads_by_country_and_language(client: Client, protocol: Work) -> None:
    url = reverse("knowledge:translation_download", args=["protocol", 2, "fr"])
    client.get(url, HTTP_ACCEPT_LANGUAGE="fr-SN")
    client.get(url, HTTP_ACCEPT_LANGUAGE="fr-SN")
    work_url = reverse("knowledge:work", args=["protocol"])
    assert "Downloads by country and language" not in client.get(work_url).content.decode()
    client.force_login(base.user(User.Role.EDITOR))
    page = client.get(work_url).content.decode()
    assert "<td>Senegal</td><td>French</td><td>2</td>" in page


@pytest.mark.parametrize(
    "url",
    [
        "/knowledge/protocol/99999999999/",
        "/knowledge/protocol/99999999999/fr/",
        "/knowledge/protocol/compare/1/99999999999/",
    ],
)
def test_edition_number_beyond_any_edition_is_a_404(
    client: Client, protocol: Work, url: str
) -> None:
    assert client.get(url).status_code == 404


ODD_VALUES = [
    "",
    "-1",
    "0",
    "99999999999999999999",
    "abc",
    "\x00",
    "%",
    "'",
    '"',
    "*",
    "OR",
    "NEAR(",
]


@pytest.mark.parametrize("who", ["public", "editor"])
def test_odd_portal_addresses_get_a_refusal_not_a_server_error(protocol: Work, who: str) -> None:
    client = Client(raise_request_exception=False)
    if who == "editor":
        client.force_login(base.user(User.Role.EDITOR))
    failures = {}
    for name in ("q", "topic", "language"):
        for value in ODD_VALUES:
            response = client.get(reverse("knowledge:index"), {name: value})
            if response.status_code >= 500:
                failures[f"{name}={value!r}"] = response.status_code
    assert failures == {}
