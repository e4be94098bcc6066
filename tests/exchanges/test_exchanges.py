"""Expert exchanges: questions put to a video conference, answered by named experts, kept with it,
searchable, and seen only by whoever may see the conference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from summitry.accounts.models import User
from summitry.exchanges.models import Answer, Material, Question
from summitry.exchanges.queries import searched
from tests import factories
from tests.exchanges import factories as exchange
from tests.knowledge import factories as knowledge

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def page(client: Client, pk: int) -> str:
    response = client.get(f"/engagements/{pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_question_posted_is_kept_with_the_conference(client: Client, reader: User) -> None:
    conference = exchange.conference()
    client.force_login(reader)
    response = client.post(
        f"/exchanges/conferences/{conference.pk}/questions/",
        {"text": "Which test do you use for screening?", "asker_name": "Dr Rossi, Lombardy",
         "country": "IT", "language": "en"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/engagements/{conference.pk}/#questions"
    kept = Question.objects.get()
    assert (kept.engagement, kept.country.code, kept.asked_by) == (conference, "IT", reader)  # type: ignore[union-attr]
    shown = page(client, conference.pk)
    assert "Which test do you use for screening?" in shown
    assert "Dr Rossi, Lombardy" in shown


def test_answer_names_the_expert(client: Client, editor: User, reader: User) -> None:
    expert = factories.person("Dr Zhong", country_code="CN")
    conference = exchange.conference(experts=(expert,))
    asked = exchange.question(reader, conference)
    client.force_login(editor)
    response = client.post(
        f"/exchanges/questions/{asked.pk}/answers/",
        {"expert": expert.pk, "text": "Nucleic acid tests, twice.", "language": "en"},
    )
    assert response.status_code == 302
    assert Answer.objects.get().expert == expert
    shown = page(client, conference.pk)
    assert "Nucleic acid tests, twice." in shown
    assert "Answered by Dr Zhong" in shown


def test_answer_by_someone_not_taking_part_is_400_naming_expert(
    client: Client, editor: User, reader: User
) -> None:
    conference = exchange.conference()
    stranger = factories.person("Someone else")
    asked = exchange.question(reader, conference)
    client.force_login(editor)
    response = client.post(
        f"/exchanges/questions/{asked.pk}/answers/", {"expert": stranger.pk, "text": "Yes."}
    )
    assert response.status_code == 400
    assert b'data-field="expert"' in response.content
    not_a_number = client.post(
        f"/exchanges/questions/{asked.pk}/answers/", {"expert": "x'--", "text": "Yes."}
    )
    assert not_a_number.status_code == 400
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"text": "Fine.", "country": "Atlantis"}, "country"),
        ({"text": "Fine.", "country": "ZZ"}, "country"),
        ({"text": "Fine.", "language": "klingon"}, "language"),
        ({"text": "Fine.", "asker_name": "a\x00"}, "asker_name"),
    ],
)
def test_bad_question_is_400_naming_the_field(
    client: Client, reader: User, data: dict[str, str], field: str
) -> None:
    conference = exchange.conference()
    client.force_login(reader)
    response = client.post(f"/exchanges/conferences/{conference.pk}/questions/", data)
    assert response.status_code == 400
    assert f'data-field="{field}"'.encode() in response.content
    assert not Question.objects.exists()


def test_reader_may_not_answer(client: Client, reader: User) -> None:
    expert = factories.person()
    conference = exchange.conference(experts=(expert,))
    asked = exchange.question(reader, conference)
    client.force_login(reader)
    response = client.post(
        f"/exchanges/questions/{asked.pk}/answers/", {"expert": expert.pk, "text": "Yes."}
    )
    assert response.status_code == 403
    assert "Record an answer" not in page(client, conference.pk)


def test_anonymous_reads_but_must_sign_in_to_ask(client: Client, reader: User) -> None:
    conference = exchange.conference()
    exchange.question(reader, conference, text="Public question?")
    shown = page(client, conference.pk)
    assert "Public question?" in shown
    assert "Sign in to put a question" in shown
    response = client.post(f"/exchanges/conferences/{conference.pk}/questions/", {"text": "Hi"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Question.objects.count() == 1


def test_only_conferences_take_questions(client: Client, reader: User) -> None:
    call = factories.engagement(kind="telephone_call")
    client.force_login(reader)
    assert "Expert exchange" not in page(client, call.pk)
    response = client.post(f"/exchanges/conferences/{call.pk}/questions/", {"text": "Hi"})
    assert response.status_code == 404


def test_confidential_conference_questions_are_hidden(
    client: Client, administrator: User, reader: User
) -> None:
    secret = exchange.conference(confidentiality="confidential", by=administrator)
    exchange.question(administrator, secret, text="Ventilator shortages confidential")
    client.force_login(reader)
    assert client.get(f"/engagements/{secret.pk}/").status_code == 404
    assert (
        client.post(f"/exchanges/conferences/{secret.pk}/questions/", {"text": "Hi"}).status_code
        == 404
    )
    asked = Question.objects.get()
    assert (
        client.post(f"/exchanges/questions/{asked.pk}/answers/", {"text": "Hi"}).status_code == 404
    )
    assert b"Ventilator shortages" not in client.get("/exchanges/questions/?q=ventilator").content
    assert list(searched(None, "ventilator")) == []
    assert list(searched(administrator, "ventilator")) == [asked]


@pytest.mark.parametrize(
    ("question", "answer", "query"),
    [
        ("How long should contacts isolate?", "Fourteen days of observation.", "observation"),
        (
            "Quelle durée de quarantaine?",
            "Quatorze jours d'observation médicale.",
            "médicale quatorze",
        ),
        ("ما مدة الحجر الصحي؟", "أربعة عشر يوما من المراقبة", "المراقبة"),
        ("Сколько длится карантин?", "Четырнадцать дней наблюдения.", "наблюдения"),
    ],
)
def test_search_finds_questions_by_their_text_or_answers(
    client: Client, editor: User, question: str, answer: str, query: str
) -> None:
    expert = factories.person()
    conference = exchange.conference(experts=(expert,))
    asked = exchange.question(editor, conference, text=question)
    exchange.answer(editor, asked, expert, text=answer)
    other = exchange.question(editor, conference, text="Unrelated matter")
    by_question = searched(None, question.split()[1])
    assert asked in by_question and other not in by_question
    assert list(searched(None, query)) == [asked]
    response = client.get("/exchanges/questions/", {"q": query})
    assert response.status_code == 200
    assert question in response.content.decode()


def test_question_says_before_or_after_the_conference(reader: User) -> None:
    soon = timezone.now() + dt.timedelta(days=3)
    ahead = exchange.conference(start=soon, status="scheduled")
    assert exchange.question(reader, ahead).before_conference
    held = exchange.conference()
    assert not exchange.question(reader, held).before_conference


def test_countries_that_took_part_include_participants(client: Client) -> None:
    expert = factories.person("Dr Diallo", country_code="SN")
    conference = exchange.conference(experts=(expert,), countries=("CN", "IT"))
    shown = page(client, conference.pk)
    section = shown[shown.index("Countries that took part") :]
    for name in ("China", "Italy", "Senegal"):
        assert name in section.split("</p>")[0]


def test_materials_presented_are_listed_with_their_links(client: Client, editor: User) -> None:
    conference = exchange.conference()
    work = knowledge.work("Diagnosis and Treatment Protocol", slug="protocol")
    first = knowledge.edition(work, markdown="One")
    seventh = knowledge.edition(work, markdown="Seven", label="Trial Version 7")
    french = knowledge.translation(seventh, language="fr", markdown="Sept", title="Protocole")
    client.force_login(editor)
    url = f"/exchanges/conferences/{conference.pk}/materials/"
    assert client.post(url, {"edition": first.pk}).status_code == 302
    assert client.post(url, {"edition": seventh.pk, "language": "fr"}).status_code == 302
    # The same material twice is kept once.
    assert client.post(url, {"edition": first.pk}).status_code == 302
    assert Material.objects.count() == 2
    shown = page(client, conference.pk)
    section = shown[shown.index("Materials presented") : shown.index('id="questions"')]
    assert f'href="{french.get_absolute_url()}"' in section
    assert f'href="{first.get_absolute_url()}"' in section
    assert "Trial Version 7" in section
    assert "superseded" in section


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "edition"), ({"edition": "x"}, "edition"), ({"edition": "999999"}, "edition")],
)
def test_bad_material_is_400_naming_the_field(
    client: Client, editor: User, data: dict[str, str], field: str
) -> None:
    conference = exchange.conference()
    client.force_login(editor)
    response = client.post(f"/exchanges/conferences/{conference.pk}/materials/", data)
    assert response.status_code == 400
    assert f'data-field="{field}"'.encode() in response.content


def test_material_in_a_language_without_translation_is_400(client: Client, editor: User) -> None:
    conference = exchange.conference()
    edition = knowledge.edition(knowledge.work(slug="plan"), markdown="Plan")
    client.force_login(editor)
    response = client.post(
        f"/exchanges/conferences/{conference.pk}/materials/",
        {"edition": edition.pk, "language": "ru"},
    )
    assert response.status_code == 400
    assert b'data-field="language"' in response.content


def test_restricted_material_is_hidden_from_those_who_may_not_see_it(
    client: Client, editor: User, reader: User
) -> None:
    conference = exchange.conference()
    hidden = knowledge.work("Restricted plan", slug="restricted", shared_with=("IT",))
    edition = knowledge.edition(hidden, markdown="Secret")
    client.force_login(editor)
    client.post(f"/exchanges/conferences/{conference.pk}/materials/", {"edition": edition.pk})
    assert "Restricted plan" in page(client, conference.pk)
    client.force_login(reader)
    assert "Restricted plan" not in page(client, conference.pk)
    # A reader records no material.
    other = knowledge.edition(knowledge.work(slug="open"), markdown="Open")
    response = client.post(
        f"/exchanges/conferences/{conference.pk}/materials/", {"edition": other.pk}
    )
    assert response.status_code == 403


def test_search_finds_a_chinese_word_inside_a_sentence(editor: User) -> None:
    expert = factories.person()
    conference = exchange.conference(experts=(expert,))
    asked = exchange.question(editor, conference, text="密切接触者应当医学观察多少天？")
    exchange.answer(editor, asked, expert, text="自最后一次接触起医学观察十四天。")
    other = exchange.question(editor, conference, text="如何处理疑似病例？")
    assert list(searched(None, "接触者")) == [asked]
    assert list(searched(None, "十四天")) == [asked]
    assert other not in searched(None, "观察")
