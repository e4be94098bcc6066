"""The review's sentence in the six UN languages, against sentences written by hand.

The figures exercise every plural category of Russian (one: 1, 21, 101; few: 2, 3, 22;
many: 5, 11, 100) and Arabic (one, two, few: 3-10, many: 11-99, other: 100-102), zero counts
(left out of the lists), a year without engagements and a register without a principal.
"""

from __future__ import annotations

import pytest

from summitry.review.sentence import LANGUAGES, Figures, language_of, write

NBSP = "\u00a0"


def named(name: str) -> str:
    """A name as the Arabic sentence isolates it (FSI … PDI)."""
    return f"\u2068{name}\u2069"


DEMO_LIKE = Figures(2020, "Xi Jinping", 79, 40, 3, 120, 75.0, 50, 10)
ONE_AND_TWO = Figures(2021, "Wang Yi", 1, 2, 0, 5, 60.0, 1, 2)
MANY = Figures(2022, "Xi Jinping", 21, 11, 5, 100, 37.5, 3, 1)
HUNDREDS = Figures(2023, "Li Keqiang", 0, 101, 2, 250, 41.2, 101, 0)
NO_PRINCIPAL = Figures(2024, None, 100, 0, 0, 100, 100.0, 0, 22)
NOTHING = Figures(2025, "Wang Yi", 0, 0, 0, 0, 0.0, 0, 0)
ONE_MESSAGE = Figures(2019, "Wang Yi", 0, 0, 1, 1, 100.0, 1, 0)

EXPECTED: dict[str, list[tuple[Figures, str]]] = {
    "en": [
        (
            DEMO_LIKE,
            "In 2020, Xi Jinping had 79 telephone calls with leaders of foreign countries and "
            "international organizations, attended 40 diplomatic events via video link, and sent "
            "3 written messages. Of 120 engagements in all, 75% were held at a distance, with "
            "counterparts from 50 countries and 10 international organizations.",
        ),
        (
            ONE_AND_TWO,
            "In 2021, Wang Yi had 1 telephone call with leaders of foreign countries and "
            "international organizations, and attended 2 diplomatic events via video link. Of 5 "
            "engagements in all, 60% were held at a distance, with counterparts from 1 country "
            "and 2 international organizations.",
        ),
        (
            MANY,
            "In 2022, Xi Jinping had 21 telephone calls with leaders of foreign countries and "
            "international organizations, attended 11 diplomatic events via video link, and sent "
            "5 written messages. Of 100 engagements in all, 37.5% were held at a distance, with "
            "counterparts from 3 countries and 1 international organization.",
        ),
        (
            HUNDREDS,
            "In 2023, Li Keqiang attended 101 diplomatic events via video link and sent 2 written "
            "messages. Of 250 engagements in all, 41.2% were held at a distance, with "
            "counterparts from 101 countries.",
        ),
        (
            NO_PRINCIPAL,
            "In 2024, the principal had 100 telephone calls with leaders of foreign countries and "
            "international organizations. Of 100 engagements in all, 100% were held at a "
            "distance, with counterparts from 22 international organizations.",
        ),
        (
            NOTHING,
            "In 2025, Wang Yi had no telephone calls and attended no diplomatic events via video "
            "link.",
        ),
        (
            ONE_MESSAGE,
            "In 2019, Wang Yi sent 1 written message. Of 1 engagement in all, 100% were held at a "
            "distance, with counterparts from 1 country.",
        ),
    ],
    "fr": [
        (
            DEMO_LIKE,
            "En 2020, Xi Jinping a eu 79 entretiens téléphoniques avec des dirigeants de pays "
            "étrangers et d'organisations internationales, a participé à 40 événements "
            "diplomatiques par visioconférence et a adressé 3 messages écrits. Au total, 120 "
            f"activités ont eu lieu, dont 75{NBSP}% à distance, avec des interlocuteurs de 50 pays "
            "et de 10 organisations internationales.",
        ),
        (
            ONE_AND_TWO,
            "En 2021, Wang Yi a eu 1 entretien téléphonique avec des dirigeants de pays étrangers "
            "et d'organisations internationales et a participé à 2 événements diplomatiques par "
            f"visioconférence. Au total, 5 activités ont eu lieu, dont 60{NBSP}% à distance, avec "
            "des interlocuteurs de 1 pays et de 2 organisations internationales.",
        ),
        (
            MANY,
            "En 2022, Xi Jinping a eu 21 entretiens téléphoniques avec des dirigeants de pays "
            "étrangers et d'organisations internationales, a participé à 11 événements "
            "diplomatiques par visioconférence et a adressé 5 messages écrits. Au total, 100 "
            f"activités ont eu lieu, dont 37,5{NBSP}% à distance, avec des interlocuteurs de 3 "
            "pays et de 1 organisation internationale.",
        ),
        (
            HUNDREDS,
            "En 2023, Li Keqiang a participé à 101 événements diplomatiques par visioconférence "
            "et a adressé 2 messages écrits. Au total, 250 activités ont eu lieu, dont "
            f"41,2{NBSP}% à distance, avec des interlocuteurs de 101 pays.",
        ),
        (
            NO_PRINCIPAL,
            "En 2024, le responsable principal a eu 100 entretiens téléphoniques avec des "
            "dirigeants de pays étrangers et d'organisations internationales. Au total, 100 "
            f"activités ont eu lieu, dont 100{NBSP}% à distance, avec des interlocuteurs de 22 "
            "organisations internationales.",
        ),
        (
            NOTHING,
            "En 2025, Wang Yi n'a eu aucun entretien téléphonique et n'a participé à aucun "
            "événement diplomatique par visioconférence.",
        ),
        (
            ONE_MESSAGE,
            "En 2019, Wang Yi a adressé 1 message écrit. Au total, 1 activité a eu lieu, dont "
            f"100{NBSP}% à distance, avec des interlocuteurs de 1 pays.",
        ),
    ],
    "es": [
        (
            DEMO_LIKE,
            "En 2020, Xi Jinping mantuvo 79 conversaciones telefónicas con líderes de países "
            "extranjeros y organizaciones internacionales, participó en 40 actos diplomáticos por "
            f"videoconferencia y envió 3 mensajes escritos. En total hubo 120 actividades, el 75{NBSP}% "
            "a distancia, con interlocutores de 50 países y 10 organizaciones internacionales.",
        ),
        (
            ONE_AND_TWO,
            "En 2021, Wang Yi mantuvo 1 conversación telefónica con líderes de países extranjeros "
            "y organizaciones internacionales y participó en 2 actos diplomáticos por "
            f"videoconferencia. En total hubo 5 actividades, el 60{NBSP}% a distancia, con "
            "interlocutores de 1 país y 2 organizaciones internacionales.",
        ),
        (
            MANY,
            "En 2022, Xi Jinping mantuvo 21 conversaciones telefónicas con líderes de países "
            "extranjeros y organizaciones internacionales, participó en 11 actos diplomáticos por "
            "videoconferencia y envió 5 mensajes escritos. En total hubo 100 actividades, el "
            f"37,5{NBSP}% a distancia, con interlocutores de 3 países y 1 organización "
            "internacional.",
        ),
        (
            HUNDREDS,
            "En 2023, Li Keqiang participó en 101 actos diplomáticos por videoconferencia y envió "
            f"2 mensajes escritos. En total hubo 250 actividades, el 41,2{NBSP}% a distancia, con "
            "interlocutores de 101 países.",
        ),
        (
            NO_PRINCIPAL,
            "En 2024, el dirigente principal mantuvo 100 conversaciones telefónicas con líderes de "
            "países extranjeros y organizaciones internacionales. En total hubo 100 actividades, "
            f"el 100{NBSP}% a distancia, con interlocutores de 22 organizaciones internacionales.",
        ),
        (
            NOTHING,
            "En 2025, Wang Yi no mantuvo conversaciones telefónicas ni participó en actos "
            "diplomáticos por videoconferencia.",
        ),
        (
            ONE_MESSAGE,
            "En 2019, Wang Yi envió 1 mensaje escrito. En total hubo 1 actividad, "
            f"el 100{NBSP}% a distancia, con interlocutores de 1 país.",
        ),
    ],
    "ru": [
        (
            DEMO_LIKE,
            "Xi Jinping в 2020 году: 79 телефонных разговоров с лидерами зарубежных стран и "
            "международных организаций, 40 дипломатических мероприятий по видеосвязи и 3 "
            "письменных послания. Всего за год проведено 120 мероприятий, доля дистанционных — "
            f"75{NBSP}%; партнёры представляли 50 стран и 10 международных организаций.",
        ),
        (
            ONE_AND_TWO,
            "Wang Yi в 2021 году: 1 телефонный разговор с лидерами зарубежных стран и "
            "международных организаций и 2 дипломатических мероприятия по видеосвязи. Всего за "
            f"год проведено 5 мероприятий, доля дистанционных — 60{NBSP}%; партнёры представляли "
            "1 страну и 2 международные организации.",
        ),
        (
            MANY,
            "Xi Jinping в 2022 году: 21 телефонный разговор с лидерами зарубежных стран и "
            "международных организаций, 11 дипломатических мероприятий по видеосвязи и 5 "
            "письменных посланий. Всего за год проведено 100 мероприятий, доля дистанционных — "
            f"37,5{NBSP}%; партнёры представляли 3 страны и 1 международную организацию.",
        ),
        (
            HUNDREDS,
            "Li Keqiang в 2023 году: 101 дипломатическое мероприятие по видеосвязи и 2 письменных "
            "послания. Всего за год проведено 250 мероприятий, доля дистанционных — "
            f"41,2{NBSP}%; партнёры представляли 101 страну.",
        ),
        (
            NO_PRINCIPAL,
            "Итоги 2024 года: 100 телефонных разговоров с лидерами зарубежных стран и "
            "международных организаций. Всего за год проведено 100 мероприятий, доля "
            f"дистанционных — 100{NBSP}%; партнёры представляли 22 международные организации.",
        ),
        (
            NOTHING,
            "Wang Yi в 2025 году: ни телефонных разговоров с лидерами зарубежных стран и "
            "международных организаций, ни дипломатических мероприятий по видеосвязи.",
        ),
        (
            ONE_MESSAGE,
            "Wang Yi в 2019 году: 1 письменное послание. Всего за год проведено 1 мероприятие, "
            f"доля дистанционных — 100{NBSP}%; партнёры представляли 1 страну.",
        ),
    ],
    "zh-hans": [
        (
            DEMO_LIKE,
            "2020年，Xi Jinping同外国领导人和国际组织负责人通话79次，以视频方式出席40场外交活动，"
            "发出书面信函3封。全年共开展外交活动120次，其中75%以远程方式进行，"
            "对方来自50个国家和10个国际组织。",
        ),
        (
            ONE_AND_TWO,
            "2021年，Wang Yi同外国领导人和国际组织负责人通话1次，以视频方式出席2场外交活动。"
            "全年共开展外交活动5次，其中60%以远程方式进行，对方来自1个国家和2个国际组织。",
        ),
        (
            MANY,
            "2022年，Xi Jinping同外国领导人和国际组织负责人通话21次，以视频方式出席11场外交活动，"
            "发出书面信函5封。全年共开展外交活动100次，其中37.5%以远程方式进行，"
            "对方来自3个国家和1个国际组织。",
        ),
        (
            HUNDREDS,
            "2023年，Li Keqiang以视频方式出席101场外交活动，发出书面信函2封。"
            "全年共开展外交活动250次，其中41.2%以远程方式进行，对方来自101个国家。",
        ),
        (
            NO_PRINCIPAL,
            "2024年，主要领导人同外国领导人和国际组织负责人通话100次。"
            "全年共开展外交活动100次，其中100%以远程方式进行，对方来自22个国际组织。",
        ),
        (
            NOTHING,
            "2025年，Wang Yi未同外国领导人和国际组织负责人通话，也未以视频方式出席外交活动。",
        ),
        (
            ONE_MESSAGE,
            "2019年，Wang Yi发出书面信函1封。全年共开展外交活动1次，其中100%以远程方式进行，"
            "对方来自1个国家。",
        ),
    ],
    "ar": [
        (
            DEMO_LIKE,
            f"في عام 2020، شملت حصيلة نشاط {named('Xi Jinping')} 79 مكالمة هاتفية مع قادة دول "
            "أجنبية ومنظمات دولية، و40 فعالية دبلوماسية عبر الفيديو، و3 رسائل مكتوبة. وبلغت "
            "نسبة الأنشطة التي جرت عن بُعد 75% من أصل 120 نشاطًا، مع نظراء من 50 دولة و10 "
            "منظمات دولية.",
        ),
        (
            ONE_AND_TWO,
            f"في عام 2021، شملت حصيلة نشاط {named('Wang Yi')} مكالمة هاتفية واحدة مع قادة دول "
            "أجنبية ومنظمات دولية، وفعاليتين دبلوماسيتين عبر الفيديو. وبلغت نسبة الأنشطة التي "
            "جرت عن بُعد 60% من أصل 5 أنشطة، مع نظراء من دولة واحدة ومنظمتين دوليتين.",
        ),
        (
            MANY,
            f"في عام 2022، شملت حصيلة نشاط {named('Xi Jinping')} 21 مكالمة هاتفية مع قادة دول "
            "أجنبية ومنظمات دولية، و11 فعالية دبلوماسية عبر الفيديو، و5 رسائل مكتوبة. وبلغت "
            "نسبة الأنشطة التي جرت عن بُعد 37.5% من أصل 100 نشاط، مع نظراء من 3 دول ومنظمة "
            "دولية واحدة.",
        ),
        (
            HUNDREDS,
            f"في عام 2023، شملت حصيلة نشاط {named('Li Keqiang')} 101 فعالية دبلوماسية عبر "
            "الفيديو، ورسالتين مكتوبتين. وبلغت نسبة الأنشطة التي جرت عن بُعد 41.2% من أصل 250 "
            "نشاطًا، مع نظراء من 101 دولة.",
        ),
        (
            NO_PRINCIPAL,
            "في عام 2024، شملت حصيلة النشاط 100 مكالمة هاتفية مع قادة دول أجنبية ومنظمات دولية. "
            "وبلغت نسبة الأنشطة التي جرت عن بُعد 100% من أصل 100 نشاط، مع نظراء من 22 منظمة "
            "دولية.",
        ),
        (
            NOTHING,
            f"في عام 2025، لم تشمل حصيلة نشاط {named('Wang Yi')} أي مكالمة هاتفية أو فعالية "
            "دبلوماسية عبر الفيديو.",
        ),
        (
            ONE_MESSAGE,
            f"في عام 2019، شملت حصيلة نشاط {named('Wang Yi')} رسالة مكتوبة واحدة. وبلغت نسبة "
            "الأنشطة التي جرت عن بُعد 100% من أصل نشاط واحد، مع نظراء من دولة واحدة.",
        ),
    ],
}

CASES = [
    pytest.param(language, figures, text, id=f"{language}-{figures.year}")
    for language, cases in EXPECTED.items()
    for figures, text in cases
]


@pytest.mark.parametrize(("language", "figures", "expected"), CASES)
def test_sentence_reads_as_written_by_hand(language: str, figures: Figures, expected: str) -> None:
    assert write(figures, language) == expected


def test_sentence_cases_cover_the_six_languages() -> None:
    assert set(EXPECTED) == set(LANGUAGES) == {"en", "ar", "zh-hans", "fr", "ru", "es"}


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("en-gb", "en"),
        ("zh-hans", "zh-hans"),
        ("zh-cn", "zh-hans"),
        ("ar", "ar"),
        ("fr-ca", "fr"),
        ("de", "en"),
        (None, "en"),
    ],
)
def test_sentence_language_of_a_django_code(code: str | None, language: str) -> None:
    assert language_of(code) == language
