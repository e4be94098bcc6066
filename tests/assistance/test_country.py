"""The country page gathers, for one country, what each app holds about it, each part read
through that app's access rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.exchanges.services import present_material
from summitry.knowledge.models import DownloadCount
from summitry.outcomes.queries import current_revision
from summitry.outcomes.services import adopt, circulate, publish
from tests import factories as base
from tests.commitments import factories as commitment_factories
from tests.exchanges import factories as exchange_factories
from tests.knowledge import factories as knowledge_factories
from tests.outcomes import factories as outcome_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def editor() -> User:
    return base.user(User.Role.EDITOR, username="desk-editor")


def test_country_page_shows_each_section_for_the_country(client: Client, editor: User) -> None:
    call = base.engagement(title="Call with Bangui", countries=("CF",), by=editor)
    statement = outcome_factories.document(editor, call, title="Joint statement with Bangui")
    circulate(statement, editor)
    adopt(statement, editor, at=call)
    publish(statement, editor)
    commitment_factories.commitment(
        text="Doses for the Central African Republic.",
        beneficiary_countries=[base.country("CF")],
    )
    conference = exchange_factories.conference(
        title="Expert conference with Bangui", countries=("CN", "CF"), by=editor
    )
    protocol = knowledge_factories.edition(
        knowledge_factories.work(title="Open treatment protocol"), markdown="Text."
    )
    present_material(editor, conference, edition=protocol.pk)
    html = client.get("/assistance/countries/CF/").content.decode()
    assert "Call with Bangui" in html
    assert "Joint statement with Bangui" in html
    assert "Doses for the Central African Republic." in html
    assert "Expert conference with Bangui" in html
    assert "Open treatment protocol" in html
    # Another country's page shows none of it.
    other = client.get("/assistance/countries/RS/").content.decode()
    assert "Joint statement with Bangui" not in other
    assert "Open treatment protocol" not in other


def test_country_page_hides_what_the_visitor_may_not_see(client: Client, editor: User) -> None:
    admin = base.user(User.Role.ADMINISTRATOR, username="desk-admin")
    secret = base.engagement(
        title="Confidential call", countries=("CF",), confidentiality="confidential", by=admin
    )
    commitment_factories.commitment(
        text="A pledge made in confidence.",
        engagement=secret,
        beneficiary_countries=[base.country("CF")],
    )
    call = base.engagement(title="Public call", countries=("CF",), by=editor)
    outcome_factories.document(editor, call, title="Draft communique with Bangui")
    # Adopted but not yet published: its paragraphs' commitments are not public record.
    adopted = outcome_factories.document(
        editor, call, title="Adopted plan", paragraphs=("We shall train nurses.",)
    )
    circulate(adopted, editor)
    adopt(adopted, editor, at=call)
    revision = current_revision(adopted)
    assert revision is not None
    commitment_factories.commitment(
        text="Nurses trained under an unpublished plan.",
        engagement=call,
        paragraph=revision.paragraphs.get(),
        beneficiary_countries=[base.country("CF")],
    )
    conference = exchange_factories.conference(countries=("CN", "CF"), by=editor)
    restricted = knowledge_factories.edition(
        knowledge_factories.work(title="Restricted containment plan", shared_with=("RS",)),
        markdown="Text.",
    )
    present_material(editor, conference, edition=restricted.pk)
    DownloadCount.objects.create(
        edition=restricted, language="en", country="CF", day=dt.date(2020, 4, 1), count=3
    )
    public = client.get("/assistance/countries/CF/").content.decode()
    for hidden in (
        "A pledge made in confidence.",
        "Nurses trained under an unpublished plan.",
        "Draft communique with Bangui",
        "Adopted plan",
        "Restricted containment plan",
    ):
        assert hidden not in public, hidden
    assert "Public call" in public
    client.force_login(editor)
    desk = client.get("/assistance/countries/CF/").content.decode()
    assert "Draft communique with Bangui" in desk
    assert "Nurses trained under an unpublished plan." in desk
    assert "Restricted containment plan" in desk
    assert "Downloads from this country" in desk


def test_review_country_table_links_the_country_page(client: Client) -> None:
    base.engagement(title="Call with Paris", countries=("FR",))
    html = client.get("/review/2020/").content.decode()
    assert 'href="/assistance/countries/FR/"' in html


def test_country_page_lists_the_countrys_engagements_not_names_sharing_its_letters(
    client: Client, editor: User
) -> None:
    base.engagement(title="Call with Washington", countries=("US",), by=editor)
    base.engagement(title="Call with Moscow", countries=("RU",), by=editor)
    page = client.get("/assistance/countries/US/").content.decode()
    assert "Call with Washington" in page
    assert "Call with Moscow" not in page
