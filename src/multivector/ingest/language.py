"""Tell English, Russian and Kazakh apart, fast, and say "unknown" for anything else.

Looks at the first 5,000 characters only. The script decides first (Latin or Cyrillic letters);
within Cyrillic, letters only Kazakh uses (ә ғ қ ұ һ і, with ң ө ү) and stopwords separate Kazakh
from Russian, and letters of other Cyrillic alphabets (Ukrainian ї є ґ, Tajik ҷ ӣ ӯ, Uzbek ў)
mean unknown. Within Latin, English must have the highest stopword ratio of a small panel of
languages (French, German, Spanish, Turkish, Uzbek, Italian, Portuguese, Dutch) by a clear margin,
so text in those languages is never called English.

Short text (a table row, a headline: fewer than ``SHORT_WORDS`` words) has too few stopwords to
weigh, so it gets the language of its script unless something contradicts it: Latin script is
English unless it has letters English does not use (é, ü, ş) or more stopwords of another
language; Cyrillic is Russian unless Kazakh letters (ә ғ қ ұ һ, or і with Kazakh stopwords) make
it Kazakh, or letters of another Cyrillic alphabet (Ukrainian і, ї; Kyrgyz ң ө ү without Kazakh
letters) make it unknown. Fewer than ``MIN_WORDS`` words of running text (acronyms apart) are
unknown.
"""

from __future__ import annotations

import re
from collections import Counter

SAMPLE = 5_000
MIN_LETTERS = 20  # below this, only the short-text rules can name a language
SHORT_WORDS = 25  # fewer words than this is short text
MIN_WORDS = 3  # words of two letters or more, at least two of them not acronyms

_APOSTROPHES = str.maketrans(dict.fromkeys("’ʻʼ‘", "'"))
_WORD = re.compile(r"[^\W\d_]+(?:['’ʻʼ‘][^\W\d_]+)*")
_KAZAKH_ONLY = frozenset("әғқұһіӘҒҚҰҺІ")  # not in Russian, nor (except і) in Kyrgyz
_KAZAKH_SHARED = frozenset("ңөүҢӨҮ")  # Kazakh, but Kyrgyz, Tatar, Bashkir too
_OTHER_CYRILLIC = frozenset("їєґўҷӣӯҳјљњћџѓќѕЇЄҐЎҶӢӮҲЈЉЊЋЏЃЌЅ")
_RUSSIAN_ONLY = frozenset("ыэЫЭ")  # absent from Ukrainian, Bulgarian, Serbian
_KAZAKH_STRONG = frozenset("әғқұһӘҒҚҰҺ")  # Kazakh-only letters except і, which Ukrainian has too

_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that for it with as on was by this are be at from have has an"
        " or not which we our its will their been were these they would can all also must more"
        " who us than such a i he she his her there into about over after",
        "fr": "le la les de des et est une un du que qui dans pour pas sur au aux avec ce il elle"
        " sont par plus nous leur mais ou été cette ces son sa ses être",
        "de": "der die das und ist nicht mit den von zu ein eine auf sich dem des für im auch es"
        " wird sind wir unsere durch bei nach aus werden oder einer hat",
        "es": "el la los las de y que en un una es por con para del se no su al como más pero"
        " sus lo ha este esta nuestro entre sobre también",
        "tr": "ve bir bu da de için ile çok olarak daha gibi ama olan en ne kadar sonra her"
        " değil biz ise veya olan ancak tüm şu",
        "uz": "va bu bilan uchun ham bo'lgan o'z emas yoki lekin esa deb edi ushbu barcha har"
        " kabi haqida bo'yicha biz bo'ladi hamda qilish mamlakatimiz",
        "it": "il di che e la per un in non una sono del della le si con da gli al nel lo anche"
        " come più questo",
        "pt": "o de que e do da em um para com não uma os no se na por mais as dos como mas ao"
        " ele das também",
        "nl": "de het een en van in is dat op te zijn voor met die niet aan er ook als wordt"
        " door bij maar",
        "ru": "и в не на что с по как это для к о из от а но то же также который была был были"
        " он она они мы его их при или все уже только между более этого после так",
        "kk": "және бұл мен үшін да де осы біз бойынша туралы болып емес бар жоқ ол олар сол"
        " деп арқылы әрі барлық бірге қазіргі бізде өз",
    }.items()
}
_LATIN_PANEL = ("en", "fr", "de", "es", "tr", "uz", "it", "pt", "nl")


def detect(text: str) -> str | None:
    """'en', 'ru' or 'kk', or None when the text is too short, mixed or in another language."""
    sample = text[:SAMPLE]
    latin = cyrillic = other = 0
    for c, n in Counter(sample).items():  # each distinct character once
        if not c.isalpha():
            continue
        if c.isascii() or "\u00c0" <= c <= "\u024f":
            latin += n
        elif "\u0400" <= c <= "\u052f":
            cyrillic += n
        else:
            other += n
    letters = latin + cyrillic + other
    found = _WORD.findall(sample)
    short = len(found) < SHORT_WORDS
    if letters < MIN_LETTERS and not short:
        return None
    if short and not _running_text(found):
        return None  # "Astana", "ООН, НАТО, ЕАЭС": names and acronyms say nothing
    words = [w.lower().translate(_APOSTROPHES) for w in found]
    if latin >= 0.6 * letters:
        if letters >= MIN_LETTERS and (lang := _latin(words)) is not None:
            return lang
        return _short_latin(sample, words) if short else None
    if cyrillic >= 0.6 * letters:
        # stopword ratios of a few words mislead (Ukrainian і counts as Kazakh): letters decide
        return _short_cyrillic(sample, words) if short else _cyrillic(sample, words, cyrillic)
    return None


def _running_text(words: list[str]) -> bool:
    """At least ``MIN_WORDS`` words, two of them of two letters or more and not acronyms."""
    return len(words) >= MIN_WORDS and sum(len(w) >= 2 and not w.isupper() for w in words) >= 2


def _short_latin(sample: str, words: list[str]) -> str | None:
    """English, unless a letter English does not use or another language's stopwords say no."""
    if any(c.isalpha() and not c.isascii() for c in sample):
        return None  # é, ü, ş, ñ...: not English, or English quoting names we cannot weigh
    english = _ratio(words, "en")
    if any(_ratio(words, lang) > english for lang in _LATIN_PANEL if lang != "en"):
        return None
    return "en"


def _short_cyrillic(sample: str, words: list[str]) -> str | None:
    """Russian, unless Kazakh letters say Kazakh or another alphabet's letters say unknown."""
    if any(c in _OTHER_CYRILLIC for c in sample) or any(w.endswith(("ъ", "ът")) for w in words):
        return None  # Ukrainian, Tajik, Serbian...; Bulgarian ends words in ъ, Russian never
    kazakh_words = sum(1 for w in words if any(c in _KAZAKH_STRONG for c in w))
    ru, kk = _ratio(words, "ru"), _ratio(words, "kk")
    kazakh_letters = kazakh_words > 0 or any(c in _KAZAKH_SHARED or c in "іІ" for c in sample)
    if kazakh_letters and (kazakh_words * 3 >= len(words) or kk > ru):
        return "kk"
    if kazakh_words == 0 and kazakh_letters:
        return None  # ң ө ү alone: Kyrgyz, Tatar; і alone: Ukrainian, Belarusian
    return "ru" if ru >= kk else None  # a few Kazakh names (Қонаев) in a Russian sentence


def _ratio(words: list[str], lang: str) -> float:
    stop = _STOPWORDS[lang]
    return sum(1 for w in words if w in stop) / len(words) if words else 0.0


def _latin(words: list[str]) -> str | None:
    ratios = sorted(((_ratio(words, lang), lang) for lang in _LATIN_PANEL), reverse=True)
    (best, lang), (second, _) = ratios[0], ratios[1]
    if lang == "en" and best >= 0.15 and best >= 1.5 * second:
        return "en"
    return None


def _cyrillic(sample: str, words: list[str], cyrillic: int) -> str | None:
    kazakh_only = sum(1 for c in sample if c in _KAZAKH_ONLY)
    kazakh_shared = sum(1 for c in sample if c in _KAZAKH_SHARED)
    foreign = sum(1 for c in sample if c in _OTHER_CYRILLIC)
    if foreign > 0.005 * cyrillic:
        return None
    ru, kk = _ratio(words, "ru"), _ratio(words, "kk")
    if kazakh_only + kazakh_shared >= 0.02 * cyrillic and kazakh_only > 0 and kk >= 0.5 * ru:
        return "kk"
    russian_only = sum(1 for c in sample if c in _RUSSIAN_ONLY)
    # a Russian text may quote Kazakh names (Мәжіліс, Қонаев): allow a few Kazakh letters
    if kazakh_only + kazakh_shared > 0.05 * cyrillic or ru < 0.08 or ru < 2 * kk:
        return None
    if cyrillic >= 200 and russian_only < 0.002 * cyrillic:
        return None  # long Cyrillic text without ы/э: Bulgarian, Serbian, Ukrainian
    return "ru"
