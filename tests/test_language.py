"""Language detection: English, Russian and Kazakh, and None for everything else."""

from __future__ import annotations

import time

import pytest

from multivector.ingest.language import SAMPLE, detect

# The same news item, written for these tests in each language.
TEXTS = {
    "en": "The ministry said on Tuesday that the new agreement with its neighbours would open two "
          "more border crossings and that trade between the countries had grown by a fifth.",
    "ru": "Министерство сообщило во вторник, что новое соглашение с соседями откроет ещё два "
          "пограничных перехода, а торговля между странами за год выросла на пятую часть.",
    "kk": "Министрлік сейсенбі күні көршілермен жасалған жаңа келісім тағы екі шекара өткелін "
          "ашатынын және елдер арасындағы сауда бір жылда бестен бір бөлігіне өскенін хабарлады. "
          "Біз барлық көрші елдермен тату қарым-қатынасты дамытамыз.",
}
OTHERS = {
    "fr": "Le ministère a déclaré mardi que le nouvel accord avec ses voisins ouvrirait deux "
          "autres postes frontières et que le commerce entre les pays avait augmenté.",
    "de": "Das Ministerium teilte am Dienstag mit, dass das neue Abkommen mit den Nachbarn zwei "
          "weitere Grenzübergänge öffnen werde und der Handel um ein Fünftel gewachsen sei.",
    "es": "El ministerio dijo el martes que el nuevo acuerdo con sus vecinos abriría dos pasos "
          "fronterizos más y que el comercio entre los países había crecido una quinta parte.",
    "tr": "Bakanlık salı günü yaptığı açıklamada, komşularla yapılan yeni anlaşmanın iki sınır "
          "kapısı daha açacağını ve ülkeler arasındaki ticaretin beşte bir arttığını bildirdi.",
    "uz": "Vazirlik seshanba kuni qo'shnilar bilan tuzilgan yangi kelishuv yana ikkita chegara "
          "punktini ochishini va mamlakatlar o'rtasidagi savdo bir yil ichida o'sganini ma'lum "
          "qildi. Bu kelishuv barcha uchun foydali bo'ladi.",
    "uz-apostrophe": "Vazirlik seshanba kuni qoʻshnilar bilan tuzilgan yangi kelishuv yana ikkita "
                     "chegara punktini ochishini va mamlakatlar oʻrtasidagi savdo bir yil ichida "
                     "oʻsganini maʼlum qildi. Bu kelishuv barcha uchun foydali boʻladi.",
    "uk": "Міністерство повідомило у вівторок, що нова угода з сусідами відкриє ще два "
          "прикордонні переходи, а торгівля між країнами за рік зросла на п'яту частину.",
    "ky": "Министрлик шейшемби күнү кошуналар менен түзүлгөн жаңы келишим дагы эки чек ара "
          "өткөөлүн ачарын жана өлкөлөр ортосундагы соода бир жылда өскөнүн билдирди.",
}


@pytest.mark.parametrize(("expected", "text"), TEXTS.items())
def test_english_russian_and_kazakh_are_recognised(expected: str, text: str) -> None:
    assert detect(text) == expected


@pytest.mark.parametrize(("language", "text"), OTHERS.items())
def test_other_languages_are_unknown_never_english(language: str, text: str) -> None:
    assert detect(text) is None, language


def test_russian_quoting_kazakh_names_stays_russian() -> None:
    text = ("Депутаты Мәжіліса обсудили закон о бюджете, который был внесён правительством в "
            "прошлом месяце.")
    assert detect(text) == "ru"


def test_english_with_a_french_quotation_stays_english() -> None:
    text = (TEXTS["en"] + " The minister called it, in French, «un accord de bon voisinage», and "
            "said that the talks with all the neighbours would go on in the spring.")
    assert detect(text) == "en"


@pytest.mark.parametrize("text", ["", "   ", "12.03.2020 — 45 %", "Astana", "ООН, НАТО, ЕАЭС"])
def test_too_little_text_is_unknown(text: str) -> None:
    assert detect(text) is None


def test_half_latin_half_cyrillic_is_unknown() -> None:
    assert detect(TEXTS["en"] + " " + TEXTS["ru"]) is None


def test_only_the_beginning_is_read() -> None:
    english = (TEXTS["en"] + " ") * (SAMPLE // len(TEXTS["en"]) + 1)
    text = english + TEXTS["ru"] * 20_000  # megabytes of Russian after the sample
    started = time.perf_counter()
    assert detect(text) == "en"
    assert time.perf_counter() - started < 0.5


# Short text: a table row, a headline. The script decides unless something contradicts it.
SHORT = [
    ("en", "Kazakhstan and Russia signed a treaty."),
    ("en", "Talks in Astana"),
    ("en", "Tokayev visits Beijing"),
    ("en", "Nur-Sultan hosts summit"),
    ("ru", "Казахстан и Россия подписали договор."),
    ("ru", "Визит в Астану"),
    ("ru", "Встреча в Қонаеве прошла успешно"),  # one Kazakh name in a Russian sentence
    ("kk", "Қазақстан мен Ресей келісімге қол қойды."),
    ("kk", "Біз келісімге келдік"),
    (None, "Le sommet d'Astana"),  # French stopwords
    (None, "Sommet à Astana"),  # a letter English does not use
    (None, "Die Regierung hat das Abkommen unterzeichnet"),
    (None, "Президент підписав закон"),  # Ukrainian і without Kazakh letters
    (None, "Министърът посети Москва"),  # Bulgarian ъ at the end of a word
    (None, "Өкмөт жаңы мыйзамды кабыл алды"),  # Kyrgyz ө ң without Kazakh letters
    (None, "UN, NATO, EU"),  # acronyms say nothing
    (None, "Astana"),
]


@pytest.mark.parametrize(("expected", "text"), SHORT)
def test_short_text_takes_the_language_of_its_script_unless_contradicted(
    expected: str | None, text: str
) -> None:
    assert detect(text) == expected
