"""Find date expressions in English and Russian text and normalise them against an anchor date.

Regular expressions find the expressions (one pass per pattern, fast enough for large corpora);
plain calendar arithmetic normalises them, so that ``06.03.2020`` is always 6 March (day first)
and "last year" in a 2015 speech is 2014. A bare number counts as a year only where the text
says it is one: after "in", "by", "since" and the like, before "год"/"г.", in a range, or in
"the 1994 Treaty"; so "460 nuclear explosions" and "resolution 1540" are no dates.

"N years ago" is a date only when it reads as one: a count of at least one, a unit that agrees
with it ("a year", "two years"; "21 год", "2 года", "5 лет"), and at most ``MAX_AGO`` years (or
months) back; so "460 year ago" and "more than 1.000 years ago" (history, not a dated event of
the corpus) are no dates, while "77 years ago" in a 2022 speech is 1945.

A month named without its year is read against the anchor: "last November" is the latest
November before the anchor's month, "next March" the first March after it, "in November last
year" / "в ноябре прошлого года" that month of the year before, and a bare "in May" / "в мае"
the latest May up to the anchor's month (kind "relative", precision month); "from 14 to 16
November" is a range of days in the anchor's year.

A year that is part of a name ("the 2030 Agenda", "Agenda 2030", "Expo-2017", "Strategy 2050",
"Vision 2030", «Казахстан-2050», "Повестка дня ... до 2030 года") is kept with kind "name": it
names a programme or an exhibition and dates nothing that the sentence reports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
RU_MONTHS = {  # январь, января, январе; март, марта, марте; май, мая, мае
    stem + end: n
    for n, stem in enumerate(("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август",
                              "сентябр", "октябр", "ноябр", "декабр"), start=1)
    for end in ({"ма": ("й", "я", "е"), "март": ("", "а", "е"), "август": ("", "а", "е")}
                .get(stem, ("ь", "я", "е")))
}
EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
}
RU_NUMBERS = {
    "один": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "пятнадцать": 15, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50, "полвека": 50,
}
MAX_AGO = 100  # years or months back: further is history told in round figures, not a date
RU_RELATIVE = dict(прошл=-1, прошедш=-1, следующ=1, будущ=1, эт=0, текущ=0, нынешн=0)
EN_RELATIVE = {"last": -1, "next": 1, "this": 0, "the coming": 1, "the current": 0,
               "the present": 0}
_EN_REL = r"(?:last|next|this|the\s+(?:coming|current|present))"
# "last November": the latest November before the anchor's month; "next March" the first after
_EN_MONTH_REL = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}
# words that make the year beside them part of a name ("Agenda 2030", "the 2030 Agenda")
NAME_AFTER = (r"(?:EXPO|Expo|ЭКСПО|Agenda|Olympics|Olympiad|Universiade|Strategy|Vision"
              r"|Kazakhstan|Uzbekistan|Kyrgyzstan|Tajikistan|Turkmenistan|Казахстан|Узбекистан"
              r"|Кыргызстан|Таджикистан|Туркменистан|(?i:стратеги[яиюей]|повестк[аиуе]\s+дня))")
NAME_BEFORE = r"(?:Agenda|Strategy|Vision|Programme|Program|Olympics|Expo|EXPO|Development\s+Goals)"


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


YEAR = r"(?:19|20)\d\d"
EN_M_FULL = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
             r"|December)")
EN_M = rf"(?:{EN_M_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
RU_M = rf"(?i:{_alt(RU_MONTHS)})"
ORD = r"(?:st|nd|rd|th)?"
RU_YEAR_WORD = r"(?:\s*(?:(?:года|году|год)\b|г\.|г\b))?"
RU_YEARS_WORD = r"(?:\s*(?:(?:годах|годов|годы|годами|года|году|год)\b|гг\.?|г\.|г\b))?"
# a year is no year when a number or a unit follows: "in 2000 tonnes", "by 1990,5"
_UNITS = (r"(?!\s*(?:%|per\s?cent|percent|km|kilomet|square|people|persons|participants"
          r"|delegates|troops|soldiers|refugees|victims|tons|tonnes|dollars|US\s?\$|USD|euros"
          r"|hectares|children|students|times|votes|человек|тонн|км|долл|руб|тенге|раз\b))")
NOT_NUMBER = rf"(?![.,]?\d){_UNITS}"
EN_CONTEXT = (r"(?i:\b(?:(?:in|by|since|until|till|before|after|during|from|through|of|for"
              r"|around|circa|early|late|(?:the\s+)?year)\s+(?:the\s+year\s+)?|mid-))")
RU_CONTEXT = r"(?i:\b(?:в|во|с|со|до|к|после|около)\s+)"
_LIST_MORE = re.compile(rf"(?:\s*,\s*(?:and\s+|or\s+|и\s+)?|\s+(?:and|or|и)\s+)({YEAR})\b"
                        + NOT_NUMBER)


@dataclass(frozen=True)
class DateMention:
    """A date expression at ``start:end`` of the scanned text, normalised if possible."""

    start: int
    end: int
    rule: str
    kind: str  # absolute | relative | range | name (a year inside a name: "Agenda 2030")
    precision: str  # day | month | year | decade
    value: str | None  # ISO date, YYYY-MM or YYYY; None when unresolved
    range_end: str | None = None

    @property
    def resolved(self) -> bool:
        return self.value is not None

    @property
    def score(self) -> float:
        if self.kind == "relative":
            return 0.7
        return {"day": 1.0, "month": 0.9, "year": 0.9}.get(self.precision, 0.8)


Groups = dict[str, str | None]
Parsed = tuple[str, str, str | None, str | None]  # kind, precision, value, range end
Parser = Callable[[Groups, dt.date | None], Parsed | None]


def _day(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _month_no(g: Groups) -> int:
    if g.get("mo"):
        return int(g["mo"] or 0)
    name = (g["m"] or "").lower().rstrip(".")
    return EN_MONTHS.get(name) or RU_MONTHS.get(name.replace("ё", "е"), 0)


def _p_day(g: Groups, _: dt.date | None) -> Parsed | None:
    value = _day(int(g["y"] or 0), _month_no(g), int(g["d"] or 0))
    return None if value is None else ("absolute", "day", value, None)


def _p_day_range(g: Groups, _: dt.date | None) -> Parsed | None:
    y, m = int(g["y"] or 0), _month_no(g)
    a, b = _day(y, m, int(g["d"] or 0)), _day(y, m, int(g["d2"] or 0))
    return None if a is None or b is None or b <= a else ("range", "day", a, b)


def _p_day_range_no_year(g: Groups, anchor: dt.date | None) -> Parsed | None:
    """"from 14 to 16 November": a range of days in the anchor's year."""
    if anchor is None:
        return ("relative", "day", None, None)
    m = _month_no(g)
    a, b = _day(anchor.year, m, int(g["d"] or 0)), _day(anchor.year, m, int(g["d2"] or 0))
    return None if a is None or b is None or b <= a else ("relative", "day", a, b)


def _p_day_no_year(g: Groups, anchor: dt.date | None) -> Parsed:
    value = _day(anchor.year, _month_no(g), int(g["d"] or 0)) if anchor else None
    return ("relative", "day", value, None)


def _p_month(g: Groups, _: dt.date | None) -> Parsed | None:
    m = _month_no(g)
    return ("absolute", "month", f"{g['y']}-{m:02d}", None) if 1 <= m <= 12 else None


def _p_year(g: Groups, _: dt.date | None) -> Parsed:
    return ("absolute", "year", g["y"], None)


def _p_year_range(g: Groups, _: dt.date | None) -> Parsed | None:
    a, b = g["y"] or "", g["y2"] or ""
    if len(b) == 2:
        b = a[:2] + b
    return ("range", "year", a, b) if 0 < int(b) - int(a) <= 100 else None


def _p_decade(g: Groups, _: dt.date | None) -> Parsed:
    y = g["y"] or ""
    if len(y) == 2:
        y = ("19" if int(y) >= 30 else "20") + y
    return ("absolute", "decade", y, str(int(y) + 9))


def _count(n: str) -> int:
    if n.isdigit():
        return int(n)
    return sum(EN_NUMBERS.get(w, RU_NUMBERS.get(w, 0)) for w in re.split(r"[\s-]+", n.lower()))


def _agrees(count: int, unit: str) -> bool:
    """Whether ``count`` agrees with ``unit``: "a year", "two years"; "21 год", "3 года", "5 лет".

    A count that does not agree ("460 year ago") is likely another number followed by "year".
    """
    if unit in ("year", "month"):
        return count == 1
    if unit.endswith("s"):  # "1 years ago" is a slip, not a misreading: keep it
        return True
    tens, last = count % 100, count % 10
    if unit in ("год", "месяц"):
        return last == 1 and tens != 11
    if unit in ("года", "месяца"):
        return 2 <= last <= 4 and not 12 <= tens <= 14
    return not (last == 1 and tens != 11) and not (2 <= last <= 4 and not 12 <= tens <= 14)


def _p_relative(g: Groups, anchor: dt.date | None) -> Parsed | None:
    unit = (g["unit"] or "").lower()
    precision = "month" if unit.startswith(("month", "месяц")) else "year"
    rel = re.sub(r"\s+", " ", (g.get("rel") or "").lower())
    if g.get("ago") is not None:
        n = g.get("n")
        if n is None and unit not in ("год", "месяц"):
            return None  # "несколько лет назад": how many is not said
        count = _count(n) if n is not None else 1
        if not 1 <= count <= MAX_AGO or not _agrees(count, unit):
            return None
        delta = -count
    else:
        delta = EN_RELATIVE.get(rel, RU_RELATIVE.get(rel, 0))
    if anchor is None:
        return ("relative", precision, None, None)
    months = anchor.year * 12 + anchor.month - 1 + delta * (12 if precision == "year" else 1)
    year, month = divmod(months, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return ("relative", precision, None, None)
    value = f"{year:04d}" if precision == "year" else f"{year:04d}-{month + 1:02d}"
    return ("relative", precision, value, None)


def _p_month_relative(g: Groups, anchor: dt.date | None) -> Parsed:
    """"last November", "this May", "next March": the month's nearest occurrence that way."""
    month = _month_no(g)
    if anchor is None or not 1 <= month <= 12:
        return ("relative", "month", None, None)
    delta = _EN_MONTH_REL.get(re.sub(r"\s+", " ", (g.get("rel") or "").lower()), 0)
    year = anchor.year
    if delta < 0 and month >= anchor.month:
        year -= 1
    elif delta > 0 and month <= anchor.month:
        year += 1
    return ("relative", "month", f"{year:04d}-{month:02d}", None)


def _p_month_of_year(g: Groups, anchor: dt.date | None) -> Parsed | None:
    """"in November last year", "в ноябре прошлого года": the month of a relative year."""
    month = _month_no(g)
    if not 1 <= month <= 12:
        return None
    rel = re.sub(r"\s+", " ", (g.get("rel") or "").lower())
    delta = EN_RELATIVE.get(rel, RU_RELATIVE.get(rel, 0))
    precision = "day" if g.get("d") else "month"
    if anchor is None:
        return ("relative", precision, None, None)
    year = anchor.year + delta
    if g.get("d"):
        value = _day(year, month, int(g["d"] or 0))
        return None if value is None else ("relative", "day", value, None)
    return ("relative", "month", f"{year:04d}-{month:02d}", None)


def _p_month_alone(g: Groups, anchor: dt.date | None) -> Parsed | None:
    """"in May", "в мае": the latest such month up to the anchor's month."""
    month = _month_no(g)
    if not 1 <= month <= 12:
        return None
    if anchor is None:
        return ("relative", "month", None, None)
    year = anchor.year if month <= anchor.month else anchor.year - 1
    return ("relative", "month", f"{year:04d}-{month:02d}", None)


def _p_name(g: Groups, _: dt.date | None) -> Parsed:
    return ("name", "year", g["y"], None)


def _p_yesterday(g: Groups, anchor: dt.date | None) -> Parsed:
    if anchor is None or anchor == dt.date.min:
        return ("relative", "day", None, None)
    return ("relative", "day", (anchor - dt.timedelta(days=1)).isoformat(), None)


# three digits that end a longer number ("1.000", "3,000", "1 100") are no count of their own
_DIGITS = r"(?:(?<!\d[.,\s\u00a0\u202f])\d{3}|\d{1,2})"
_EN_NUM = rf"(?:{_DIGITS}|{_alt(EN_NUMBERS)}|(?:twenty|thirty|forty|fifty)[\s-](?:one|two|three|four|five|six|seven|eight|nine))"  # noqa: E501
_RU_NUM = rf"(?:{_DIGITS}|(?:двадцать|тридцать|сорок|пятьдесят)\s+(?:{_alt(RU_NUMBERS)})|{_alt(RU_NUMBERS)})"  # noqa: E501
_RU_REL_END = r"(?:ом|ого|ем|его|ий|ый|ым|им|ее|ое|от)"
_D = r"(?P<d>\d{1,2})"

# Cheap tests a text must pass before a pattern is tried on it (most passages have no year).
GATES: dict[str, re.Pattern[str]] = {
    "year": re.compile(YEAR), "digit": re.compile(r"\d"), "ru": re.compile(r"[а-яё]", re.I),
    "rel": re.compile(r"(?i)\b(?:year|month)"), "ago": re.compile(r"(?i)\bago\b"),
    "ru_rel": re.compile(r"(?i)\b(?:год|месяц)"), "ru_ago": re.compile(r"(?i)\bназад\b"),
    "yesterday": re.compile(r"(?i)yesterday|вчера"),
    "en_month": re.compile(EN_M), "ru_month": re.compile(RU_M),
}

@dataclass(frozen=True)
class DateRule:
    """A named pattern; the span of a match is its group ``s``, else the whole match."""

    name: str
    pattern: re.Pattern[str]
    parse: Parser
    gates: tuple[str, ...]


def _rule(name: str, pattern: str, parse: Parser, gates: str = "year") -> DateRule:
    return DateRule(name, re.compile(pattern), parse, tuple(gates.split()))


RULES: list[DateRule] = [
    _rule("en day month year",
          rf"\b(?P<s>{_D}{ORD}\s+(?:of\s+)?(?P<m>{EN_M})\s*,?\s+(?P<y>{YEAR}))\b", _p_day),
    _rule("en month day year", rf"\b(?P<s>(?P<m>{EN_M})\s+{_D}{ORD}\s*,?\s+(?P<y>{YEAR}))\b",
          _p_day),
    _rule("ru day month year", rf"\b{_D}\s+(?P<m>{RU_M})\s+(?P<y>{YEAR})\b{RU_YEAR_WORD}",
          _p_day, "year ru"),
    _rule("numeric dmy", rf"\b{_D}[./](?P<mo>\d{{1,2}})[./](?P<y>{YEAR})\b(?![./]\d)", _p_day),
    _rule("iso date", rf"\b(?P<y>{YEAR})-(?P<mo>\d\d)-(?P<d>\d\d)\b", _p_day),
    _rule("en day range", rf"\b{_D}{ORD}\s*(?:-|–|—|to|and)\s*(?P<d2>\d{{1,2}}){ORD}\s+"
          rf"(?P<m>{EN_M})\s*,?\s+(?P<y>{YEAR})\b", _p_day_range),
    _rule("ru day range", rf"\b{_D}\s*(?:-|–|—|и|по)\s*(?P<d2>\d{{1,2}})\s+(?P<m>{RU_M})\s+"
          rf"(?P<y>{YEAR})\b{RU_YEAR_WORD}", _p_day_range, "year ru"),
    _rule("en day range no year", rf"\b(?P<s>{_D}{ORD}\s*(?:-|–|—|to|and)\s*(?P<d2>\d{{1,2}})"
          rf"{ORD}\s+(?P<m>{EN_M}))\b(?!\s*,?\s*\d)", _p_day_range_no_year, "digit en_month"),
    _rule("en day month", rf"(?i:\b(?:on|of|since|until|by|from)\s+)(?P<s>{_D}{ORD}\s+"
          rf"(?P<m>{EN_M}))\b(?!\s*,?\s*\d)", _p_day_no_year, "digit"),
    _rule("ru day month", rf"\b(?P<s>{_D}\s+(?P<m>{RU_M}))\b(?!\s*\d)", _p_day_no_year,
          "digit ru"),
    _rule("en month year", rf"\b(?P<m>{EN_M})\s+(?:of\s+)?(?P<y>{YEAR})\b", _p_month),
    _rule("ru month year", rf"\b(?P<m>{RU_M})\s+(?P<y>{YEAR})\b{RU_YEAR_WORD}", _p_month,
          "year ru"),
    _rule("year range", rf"\b(?P<y>{YEAR})\s*(?:-|–|—|/)\s*(?P<y2>{YEAR}|\d\d)\b(?![-–./]?\d)"
          rf"{RU_YEARS_WORD}", _p_year_range),
    _rule("en year range", rf"(?i:\bfrom\s+)?(?P<s>(?P<y>{YEAR})\s+(?i:to|until|till|through)"
          rf"\s+(?P<y2>{YEAR}))\b{NOT_NUMBER}", _p_year_range),
    _rule("en between years", rf"(?i:\bbetween\s+)(?P<s>(?P<y>{YEAR})\s+and\s+"
          rf"(?P<y2>{YEAR}))\b{NOT_NUMBER}", _p_year_range),
    _rule("ru year range", rf"(?i:\bс\s+)(?P<s>(?P<y>{YEAR})\s+(?i:по|до)\s+(?P<y2>{YEAR})\b"
          rf"{RU_YEARS_WORD})", _p_year_range, "year ru"),
    _rule("en decade", r"(?i:\b(?P<s>(?:(?:early|mid|late)[\s-]+)?(?P<y>(?:19|20)\d0)['’]?s))\b",
          _p_decade),
    _rule("ru decade", r"\b(?P<s>(?P<y>(?:19|20)\d0)-(?:х|е|ые|ых)\b"
          r"(?:\s*(?:годах|годов|годы|гг\.?))?)", _p_decade, "year ru"),
    _rule("ru decade short", r"\b(?P<s>(?P<y>[1-9]0)-(?:х|е|ые|ых)\s+(?:годах|годов|годы|гг\.?))",
          _p_decade, "digit ru"),
    _rule("ru agenda year", rf"(?i:повестк\w*\s+дня)[^.;]{{0,80}}?\bдо\s+(?P<s>(?P<y>{YEAR})"
          r"(?:\s*(?:года|году|год)\b|\s*г\.)?)", _p_name, "year ru"),
    _rule("en year in context", rf"{EN_CONTEXT}(?P<s>(?P<y>{YEAR}))\b{NOT_NUMBER}", _p_year),
    _rule("ru year", rf"\b(?P<s>(?P<y>{YEAR})\s*(?:(?:года|году|годом|годе|год|годах|годы"
          r"|годов)\b|г\.|г\b))", _p_year, "year ru"),
    _rule("ru year in context", rf"{RU_CONTEXT}(?P<s>(?P<y>{YEAR}))\b{NOT_NUMBER}", _p_year,
          "year ru"),
    _rule("year of a name", rf"\b(?P<s>(?P<y>{YEAR}))[\s-]+(?={NAME_BEFORE}\b)", _p_name),
    _rule("year before a name", rf"\b(?i:the)\s+(?:[a-z]+\s+)?(?P<s>(?P<y>{YEAR}))\s+(?=[A-Z]"
          r"|(?:summit|conference|forum|session|meeting|congress|elections?|treaty|agreement"
          r"|declaration|protocol|convention|referendum)s?\b)", _p_year),
    _rule("year in brackets", rf"\((?P<s>(?P<y>{YEAR}))\)", _p_year),
    _rule("year after a name", rf"\b{NAME_AFTER}[\s\-–—]+(?P<s>(?P<y>{YEAR}))\b", _p_name),
    _rule("en month of a relative year", rf"(?=[\dJFMASOND])\b(?P<s>(?:{_D}{ORD}\s+(?:of\s+)?)?"
          rf"(?P<m>{EN_M})"
          rf"\s+(?:of\s+)?(?P<rel>(?i:{_EN_REL}))\s+(?i:year))\b", _p_month_of_year,
          "en_month"),
    _rule("ru month of a relative year", rf"\b(?P<s>(?:{_D}\s+)?(?P<m>{RU_M})\s+"
          r"(?P<rel>(?i:прошл|прошедш|следующ|будущ|эт|текущ|нынешн))(?i:ого|его)\s+(?i:года))\b",
          _p_month_of_year, "ru ru_month"),
    _rule("en month relative", rf"(?=[lptncLPTNC])\b(?P<s>(?P<rel>(?i:last|past|this|next"
          rf"|coming))\s+(?P<m>{EN_M_FULL}))\b(?!\s*,?\s*\d)", _p_month_relative, "en_month"),
    _rule("en month alone", r"(?=[istubfdaelmISTUBFDAELM])(?i:\b(?:(?:in|since|until|till|by"
          r"|from|during|through|before|after)\s+(?:(?:early|late|mid)[\s-]+)?|(?:early|late"
          rf"|mid)[\s-]+))(?P<s>(?P<m>{EN_M_FULL}))\b(?!\s*,?\s*\d)", _p_month_alone,
          "en_month"),
    _rule("ru month alone", r"(?i:\b(?:в|во|с|со|до|по|после|(?:в|с)\s+(?:начале|конце"
          rf"|середине|начала|конца))\s+)(?P<s>(?P<m>{RU_M}))\b(?!\s*\d)", _p_month_alone,
          "ru ru_month"),
    _rule("en relative", rf"(?i:\b(?P<s>(?P<rel>{_EN_REL})\s+(?P<unit>year|month))\b)"
          r"(?!\s+of\b)", _p_relative, "rel"),
    _rule("en ago", rf"(?i:\b(?P<s>(?P<n>{_EN_NUM})\s+(?P<unit>(?:year|month)s?)\s+"
          r"(?P<ago>ago))\b)", _p_relative, "ago"),
    _rule("ru relative", rf"(?i:\b(?:в\s+)?(?P<s>(?P<rel>{_alt(RU_RELATIVE)}){_RU_REL_END}\s+"
          r"(?P<unit>год|месяц)(?:у|а|е)?)\b)", _p_relative, "ru_rel"),
    _rule("ru ago", rf"(?i:\b(?P<s>(?:(?P<n>{_RU_NUM})\s+)?"
          r"(?P<unit>лет|года|год|месяц|месяца|месяцев)\s+(?P<ago>назад))\b)", _p_relative,
          "ru_ago"),
    _rule("yesterday", r"(?i:\b(?P<s>yesterday|вчера)\b)", _p_yesterday, "yesterday"),
]


def find_dates(text: str, anchor: dt.date | None = None) -> list[DateMention]:
    """Date expressions of ``text``, leftmost-longest, none overlapping, in order."""
    found: list[tuple[int, int, int, DateMention]] = []
    passed: dict[str, bool] = {}
    for rank, rule in enumerate(RULES):
        if not all(passed.setdefault(g, GATES[g].search(text) is not None) for g in rule.gates):
            continue
        for m in rule.pattern.finditer(text):
            groups: Groups = m.groupdict()
            parsed = rule.parse(groups, anchor)
            if parsed is None:
                continue
            kind, precision, value, range_end = parsed
            start, end = m.span("s") if groups.get("s") is not None else m.span()
            mention = DateMention(start, end, rule.name, kind, precision, value, range_end)
            found.append((start, end, rank, mention))
            if rule.name.endswith("in context"):
                found.extend((d.start, d.end, rank, d) for d in _list_more(text, end, rule.name))
    found.sort(key=lambda f: (f[0], f[0] - f[1], f[2]))
    out: list[DateMention] = []
    for start, _end, _, candidate in found:
        if out and start < out[-1].end:
            continue
        out.append(candidate)
    return out


def _list_more(text: str, pos: int, rule: str) -> list[DateMention]:
    """Years that continue a list: "in 2003 and 2006", "in 2010, 2011 or 2012"."""
    out: list[DateMention] = []
    while (m := _LIST_MORE.match(text, pos)) is not None:
        out.append(DateMention(m.start(1), m.end(1), rule, "absolute", "year", m.group(1)))
        pos = m.end(1)
    return out

