"""The review's sentence, written in each of the six UN languages from the review's figures.

Each language has its own writer, a plain function of the figures: the sentence's shape, its word
order and its agreements differ from one language to the next, so no writer translates another's
string. Babel supplies each count's CLDR plural category and formats the numbers.

Shared choices, so that the six say the same thing:
- A kind of engagement that did not happen is left out of the list; when none of the three
  happened, the writer says so in a sentence of its own.
- The second sentence (the year's total, the share held at a distance, the counterparts) is
  written only when the year has engagements; a count of zero counterparts is left out.
- Russian and Arabic sentences do not make a verb or pronoun agree with the principal, whose
  gender the register does not hold, and Russian keeps the name in the nominative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from babel import Locale
from babel.numbers import format_decimal, format_percent

if TYPE_CHECKING:
    from summitry.review.queries import Review


@dataclass(frozen=True)
class Figures:
    """What the sentence says: the principal's engagements, then the whole year's."""

    year: int
    principal: str | None
    calls: int
    video_events: int
    messages: int
    total: int
    online_share: float  # percent, as the review rounds it
    countries: int
    organisations: int


def figures(
    year: int,
    principal: str | None,
    by_kind: Mapping[str, int],
    totals: tuple[int, float, int, int],
) -> Figures:
    """The sentence's figures from counts per kind and (total, share, countries, organisations)."""
    from summitry.engagements.models import Kind
    from summitry.review.queries import VIDEO_LINK_KINDS

    total, share, countries, organisations = totals
    return Figures(
        year=year,
        principal=principal,
        calls=by_kind[Kind.TELEPHONE_CALL],
        video_events=sum(by_kind[kind] for kind in VIDEO_LINK_KINDS),
        messages=by_kind[Kind.WRITTEN_MESSAGE],
        total=total,
        online_share=share,
        countries=countries,
        organisations=organisations,
    )


def figures_of(review: Review, language: str | None = None) -> Figures:
    """The sentence's figures, with the principal named as readers of `language` write the name
    where the directory knows it (Си Цзиньпин, 习近平), else as recorded."""
    # The counting rule: the principal's own engagements, or the register's without a principal.
    by_kind = review.principal_by_kind if review.principal else review.by_kind
    totals = (
        review.total,
        review.online_share,
        review.counterpart_countries,
        review.counterpart_organisations,
    )
    # Imported here: the CLI builds its parser before Django is set up.
    from summitry.directory.names import from_mapping

    name = review.principal
    if name and language:
        name = from_mapping(review.principal_names, language) or name
    return figures(review.year, name, by_kind, totals)


def _number(n: int, locale: str) -> str:
    return format_decimal(n, locale=locale)


def _percent(share: float, locale: str) -> str:
    # The review keeps one decimal at most; show it only when it is there (75 %, 37,5 %).
    return format_percent(Decimal(str(share)) / 100, locale=locale, decimal_quantization=False)


def _counted(n: int, locale: str, forms: Mapping[str, str]) -> str:
    """`n` with the words of its CLDR plural category; "{n}" in a form is the number."""
    category = Locale.parse(locale).plural_form(n)
    # A category a writer leaves out reads as "other" (Arabic 11-99 and 100 often coincide).
    form = forms[category] if category in forms else forms["other"]
    return form.format(n=_number(n, locale))


def english(f: Figures) -> str:
    en = "en"
    who = f.principal or "the principal"
    deeds = []
    if f.calls:
        calls = _counted(f.calls, en, {"one": "{n} telephone call", "other": "{n} telephone calls"})
        deeds.append(
            f"had {calls} with leaders of foreign countries and international organizations"
        )
    if f.video_events:
        events = {"one": "{n} diplomatic event", "other": "{n} diplomatic events"}
        deeds.append(f"attended {_counted(f.video_events, en, events)} via video link")
    if f.messages:
        messages = {"one": "{n} written message", "other": "{n} written messages"}
        deeds.append(f"sent {_counted(f.messages, en, messages)}")
    if not deeds:
        text = (
            f"In {f.year}, {who} had no telephone calls and attended no diplomatic events "
            "via video link."
        )
    elif len(deeds) == 1:
        text = f"In {f.year}, {who} {deeds[0]}."
    elif len(deeds) == 2 and " and " not in deeds[0]:
        text = f"In {f.year}, {who} {deeds[0]} and {deeds[1]}."
    else:
        # Three clauses, or the calls' clause with an "and" of its own: a comma before "and".
        text = f"In {f.year}, {who} {', '.join(deeds[:-1])}, and {deeds[-1]}."
    if not f.total:
        return text
    total = _counted(f.total, en, {"one": "{n} engagement", "other": "{n} engagements"})
    text += f" Of {total} in all, {_percent(f.online_share, en)} were held at a distance"
    sides = []
    if f.countries:
        sides.append(_counted(f.countries, en, {"one": "{n} country", "other": "{n} countries"}))
    if f.organisations:
        organisations = {
            "one": "{n} international organization",
            "other": "{n} international organizations",
        }
        sides.append(_counted(f.organisations, en, organisations))
    if sides:
        text += f", with counterparts from {' and '.join(sides)}"
    return text + "."


def french(f: Figures) -> str:
    fr = "fr"
    who = f.principal or "le responsable principal"
    deeds = []
    if f.calls:
        calls = {"one": "{n} entretien téléphonique", "other": "{n} entretiens téléphoniques"}
        deeds.append(
            f"a eu {_counted(f.calls, fr, calls)} avec des dirigeants de pays étrangers "
            "et d'organisations internationales"
        )
    if f.video_events:
        events = {
            "one": "{n} événement diplomatique",
            "other": "{n} événements diplomatiques",
        }
        deeds.append(f"a participé à {_counted(f.video_events, fr, events)} par visioconférence")
    if f.messages:
        messages = {"one": "{n} message écrit", "other": "{n} messages écrits"}
        deeds.append(f"a adressé {_counted(f.messages, fr, messages)}")
    if deeds:
        listed = deeds[0] if len(deeds) == 1 else f"{', '.join(deeds[:-1])} et {deeds[-1]}"
        text = f"En {f.year}, {who} {listed}."
    else:
        text = (
            f"En {f.year}, {who} n'a eu aucun entretien téléphonique et n'a participé à aucun "
            "événement diplomatique par visioconférence."
        )
    if not f.total:
        return text
    # "avoir eu lieu" agrees with the count: 1 activité a eu lieu, 5 activités ont eu lieu.
    held = {"one": "{n} activité a eu lieu", "other": "{n} activités ont eu lieu"}
    text += (
        f" Au total, {_counted(f.total, fr, held)}, dont {_percent(f.online_share, fr)} à distance"
    )
    sides = []
    if f.countries:
        sides.append(f"de {_counted(f.countries, fr, {'other': '{n} pays'})}")
    if f.organisations:
        organisations = {
            "one": "{n} organisation internationale",
            "other": "{n} organisations internationales",
        }
        sides.append(f"de {_counted(f.organisations, fr, organisations)}")
    if sides:
        text += f", avec des interlocuteurs {' et '.join(sides)}"
    return text + "."


def spanish(f: Figures) -> str:
    es = "es"
    who = f.principal or "el dirigente principal"
    deeds = []
    if f.calls:
        calls = {
            "one": "{n} conversación telefónica",
            "other": "{n} conversaciones telefónicas",
        }
        deeds.append(
            f"mantuvo {_counted(f.calls, es, calls)} con líderes de países extranjeros "
            "y organizaciones internacionales"
        )
    if f.video_events:
        events = {"one": "{n} acto diplomático", "other": "{n} actos diplomáticos"}
        deeds.append(f"participó en {_counted(f.video_events, es, events)} por videoconferencia")
    if f.messages:
        messages = {"one": "{n} mensaje escrito", "other": "{n} mensajes escritos"}
        deeds.append(f"envió {_counted(f.messages, es, messages)}")
    if deeds:
        listed = deeds[0] if len(deeds) == 1 else f"{', '.join(deeds[:-1])} y {deeds[-1]}"
        text = f"En {f.year}, {who} {listed}."
    else:
        text = (
            f"En {f.year}, {who} no mantuvo conversaciones telefónicas ni participó en actos "
            "diplomáticos por videoconferencia."
        )
    if not f.total:
        return text
    total = _counted(f.total, es, {"one": "{n} actividad", "other": "{n} actividades"})
    text += f" En total hubo {total}, el {_percent(f.online_share, es)} a distancia"
    sides = []
    if f.countries:
        sides.append(_counted(f.countries, es, {"one": "{n} país", "other": "{n} países"}))
    if f.organisations:
        organisations = {
            "one": "{n} organización internacional",
            "other": "{n} organizaciones internacionales",
        }
        sides.append(_counted(f.organisations, es, organisations))
    if sides:
        text += f", con interlocutores de {' y '.join(sides)}"
    return text + "."


def russian(f: Figures) -> str:
    ru = "ru"
    # A colon after the name in the nominative: no past-tense verb to agree with its gender.
    opening = f"{f.principal} в {f.year} году:" if f.principal else f"Итоги {f.year} года:"
    items = []
    if f.calls:
        calls = {
            "one": "{n} телефонный разговор",
            "few": "{n} телефонных разговора",
            "many": "{n} телефонных разговоров",
        }
        items.append(
            f"{_counted(f.calls, ru, calls)} с лидерами зарубежных стран "
            "и международных организаций"
        )
    if f.video_events:
        events = {
            "one": "{n} дипломатическое мероприятие",
            "few": "{n} дипломатических мероприятия",
            "many": "{n} дипломатических мероприятий",
        }
        items.append(f"{_counted(f.video_events, ru, events)} по видеосвязи")
    if f.messages:
        messages = {
            "one": "{n} письменное послание",
            "few": "{n} письменных послания",
            "many": "{n} письменных посланий",
        }
        items.append(_counted(f.messages, ru, messages))
    if items:
        listed = items[0] if len(items) == 1 else f"{', '.join(items[:-1])} и {items[-1]}"
        text = f"{opening} {listed}."
    else:
        text = (
            f"{opening} ни телефонных разговоров с лидерами зарубежных стран и международных "
            "организаций, ни дипломатических мероприятий по видеосвязи."
        )
    if not f.total:
        return text
    engagements = {
        "one": "{n} мероприятие",
        "few": "{n} мероприятия",
        "many": "{n} мероприятий",
    }
    text += (
        f" Всего за год проведено {_counted(f.total, ru, engagements)}, "
        f"доля дистанционных — {_percent(f.online_share, ru)}"
    )
    # Accusative after "представляли": 1 страну, 2 страны, 5 стран.
    sides = []
    if f.countries:
        countries = {"one": "{n} страну", "few": "{n} страны", "many": "{n} стран"}
        sides.append(_counted(f.countries, ru, countries))
    if f.organisations:
        organisations = {
            "one": "{n} международную организацию",
            "few": "{n} международные организации",
            "many": "{n} международных организаций",
        }
        sides.append(_counted(f.organisations, ru, organisations))
    if sides:
        text += f"; партнёры представляли {' и '.join(sides)}"
    return text + "."


def chinese(f: Figures) -> str:
    zh = "zh_Hans"
    who = f.principal or "主要领导人"
    deeds = []
    if f.calls:
        deeds.append(f"同外国领导人和国际组织负责人通话{_number(f.calls, zh)}次")
    if f.video_events:
        deeds.append(f"以视频方式出席{_number(f.video_events, zh)}场外交活动")
    if f.messages:
        deeds.append(f"发出书面信函{_number(f.messages, zh)}封")
    if deeds:
        text = f"{f.year}年，{who}{'，'.join(deeds)}。"
    else:
        text = f"{f.year}年，{who}未同外国领导人和国际组织负责人通话，也未以视频方式出席外交活动。"
    if not f.total:
        return text
    text += (
        f"全年共开展外交活动{_number(f.total, zh)}次，"
        f"其中{_percent(f.online_share, zh)}以远程方式进行"
    )
    sides = []
    if f.countries:
        sides.append(f"{_number(f.countries, zh)}个国家")
    if f.organisations:
        sides.append(f"{_number(f.organisations, zh)}个国际组织")
    if sides:
        text += f"，对方来自{'和'.join(sides)}"
    return text + "。"


def arabic(f: Figures) -> str:
    ar = "ar"
    # The name is isolated (FSI … PDI) so that a Latin name does not carry the numbers beside
    # it into its own left-to-right run.
    whose = f"حصيلة نشاط \u2068{f.principal}\u2069" if f.principal else "حصيلة النشاط"
    # The counted things are the object of "شملت" (accusative): one and two are said by the
    # noun itself (مكالمة هاتفية واحدة، مكالمتين هاتفيتين), 3-10 take the plural, 11-99 the
    # singular, 100 and above the singular again.
    items = []
    if f.calls:
        calls = {
            "one": "مكالمة هاتفية واحدة",
            "two": "مكالمتين هاتفيتين",
            "few": "{n} مكالمات هاتفية",
            "other": "{n} مكالمة هاتفية",
        }
        items.append(f"{_counted(f.calls, ar, calls)} مع قادة دول أجنبية ومنظمات دولية")
    if f.video_events:
        events = {
            "one": "فعالية دبلوماسية واحدة",
            "two": "فعاليتين دبلوماسيتين",
            "few": "{n} فعاليات دبلوماسية",
            "other": "{n} فعالية دبلوماسية",
        }
        items.append(f"{_counted(f.video_events, ar, events)} عبر الفيديو")
    if f.messages:
        messages = {
            "one": "رسالة مكتوبة واحدة",
            "two": "رسالتين مكتوبتين",
            "few": "{n} رسائل مكتوبة",
            "other": "{n} رسالة مكتوبة",
        }
        items.append(_counted(f.messages, ar, messages))
    if items:
        text = f"في عام {f.year}، شملت {whose} {'، و'.join(items)}."
    else:
        text = f"في عام {f.year}، لم تشمل {whose} أي مكالمة هاتفية أو فعالية دبلوماسية عبر الفيديو."
    if not f.total:
        return text
    # Genitive after "من أصل": 11-99 keep the accusative tamyiz (120 نشاطًا), 100 does not.
    engagements = {
        "one": "نشاط واحد",
        "two": "نشاطين",
        "few": "{n} أنشطة",
        "many": "{n} نشاطًا",
        "other": "{n} نشاط",
    }
    text += (
        f" وبلغت نسبة الأنشطة التي جرت عن بُعد {_percent(f.online_share, ar)} "
        f"من أصل {_counted(f.total, ar, engagements)}"
    )
    sides = []
    if f.countries:
        countries = {"one": "دولة واحدة", "two": "دولتين", "few": "{n} دول", "other": "{n} دولة"}
        sides.append(_counted(f.countries, ar, countries))
    if f.organisations:
        organisations = {
            "one": "منظمة دولية واحدة",
            "two": "منظمتين دوليتين",
            "few": "{n} منظمات دولية",
            "other": "{n} منظمة دولية",
        }
        sides.append(_counted(f.organisations, ar, organisations))
    if sides:
        text += f"، مع نظراء من {' و'.join(sides)}"
    return text + "."


WRITERS: dict[str, Callable[[Figures], str]] = {
    "en": english,
    "ar": arabic,
    "zh-hans": chinese,
    "fr": french,
    "ru": russian,
    "es": spanish,
}
LANGUAGES = tuple(WRITERS)


def language_of(code: str | None) -> str:
    """The writer's language for a Django language code (en-gb → en, zh-cn → zh-hans)."""
    code = (code or "en").lower().replace("_", "-")
    if code in WRITERS:
        return code
    base = code.split("-")[0]
    if base == "zh":
        return "zh-hans"
    return base if base in WRITERS else "en"


def write(figures: Figures, language: str) -> str:
    """The sentence in `language`, one of LANGUAGES."""
    return WRITERS[language](figures)
