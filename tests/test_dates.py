"""The `dates` component: English and Russian dates found, normalised and anchored; no numbers."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta, Layer
from multivector.pipeline.components.dates import DateFinder
from multivector.pipeline.components.segment import Segmenter
from multivector.text.dates import MAX_AGO, DateMention, find_dates

ANCHOR = dt.date(2015, 9, 28)


def only(text: str, anchor: dt.date | None = ANCHOR) -> tuple[str, DateMention]:
    found = find_dates(text, anchor)
    assert len(found) == 1, [(text[d.start:d.end], d.rule) for d in found]
    return text[found[0].start:found[0].end], found[0]


# (sentence, span text, value, precision, kind)
ABSOLUTE = [
    ("The decree was signed on 6 March 2020 in the capital.", "6 March 2020", "2020-03-06",
     "day", "absolute"),
    ("It was approved on March 6, 2020, by decree.", "March 6, 2020", "2020-03-06", "day",
     "absolute"),
    ("The 4th of July 1999 was a quiet day.", "4th of July 1999", "1999-07-04", "day",
     "absolute"),
    ("Dated 06.03.2020 and filed.", "06.03.2020", "2020-03-06", "day", "absolute"),
    ("Dated 05/02/2014 in the register.", "05/02/2014", "2014-02-05", "day", "absolute"),
    ("Stamped 2020-03-06 at noon.", "2020-03-06", "2020-03-06", "day", "absolute"),
    ("Talks resumed in March 2020 after a pause.", "March 2020", "2020-03", "month", "absolute"),
    ("A forum met in Sept. of 2004 near the lake.", "Sept. of 2004", "2004-09", "month",
     "absolute"),
    ("The treaty entered into force in 1995 after ratification.", "1995", "1995", "year",
     "absolute"),
    ("We hoped for peace by the year 2000 at the latest.", "2000", "2000", "year", "absolute"),
    ("Reforms of the 1990s changed the economy.", "1990s", "1990", "decade", "absolute"),
    ("Growth slowed in the mid-1990s for a while.", "mid-1990s", "1990", "decade", "absolute"),
    ("They honoured the 1972 Convention on that matter.", "1972", "1972", "year", "absolute"),
    ("See resolution 1373 (2001) on terrorism.", "2001", "2001", "year", "absolute"),
    ("Решение принято 6 марта 2020 года в столице.", "6 марта 2020 года", "2020-03-06", "day",
     "absolute"),
    ("Документ утвердили в марте 2020 г. после обсуждения.", "марте 2020 г.", "2020-03",
     "month", "absolute"),
    ("Договор вступил в силу в 1995 году.", "1995 году", "1995", "year", "absolute"),
    ("Это было в 1990-е годы в регионе.", "1990-е годы", "1990", "decade", "absolute"),
    ("Перемены 90-х годов изменили страну.", "90-х годов", "1990", "decade", "absolute"),
]
RANGES = [
    ("Programmes for 2019–2020 were adopted.", "2019–2020", "2019", "2020", "year"),
    ("Работа велась в 2019–2020 годах.", "2019–2020 годах", "2019", "2020", "year"),
    ("The plan runs from 1992 to 1994 in stages.", "1992 to 1994", "1992", "1994", "year"),
    ("It changed between 1995 and 2000 gradually.", "1995 and 2000", "1995", "2000", "year"),
    ("The term is 2017-18 for the seat.", "2017-18", "2017", "2018", "year"),
    ("A summit met on 1 and 2 December 2010 downtown.", "1 and 2 December 2010", "2010-12-01",
     "2010-12-02", "day"),
    ("Форум прошёл 1–2 декабря 2010 г. в городе.", "1–2 декабря 2010 г.", "2010-12-01",
     "2010-12-02", "day"),
    ("С 1992 по 1994 год шли переговоры.", "1992 по 1994 год", "1992", "1994", "year"),
]
RELATIVE = [
    ("Last year we hosted a forum.", "Last year", "2014", "year"),
    ("Next year the council meets again.", "Next year", "2016", "year"),
    ("Earlier this year the border was marked.", "this year", "2015", "year"),
    ("Two years ago the route opened.", "Two years ago", "2013", "year"),
    ("Some twenty-five years ago it began.", "twenty-five years ago", "1990", "year"),
    ("The envoy arrived last month by train.", "last month", "2015-08", "month"),
    ("The minister spoke yesterday about trade.", "yesterday", "2015-09-27", "day"),
    ("Ministers met on 14 November in the capital.", "14 November", "2015-11-14", "day"),
    ("В прошлом году мы провели форум.", "прошлом году", "2014", "year"),
    ("В следующем году совет соберётся снова.", "следующем году", "2016", "year"),
    ("В этом году граница была размечена.", "этом году", "2015", "year"),
    ("Два года назад открылась дорога.", "Два года назад", "2013", "year"),
    ("Год назад мы подписали меморандум.", "Год назад", "2014", "year"),
    ("В прошлом месяце прибыл посол.", "прошлом месяце", "2015-08", "month"),
    ("Встреча прошла 14 ноября в столице.", "14 ноября", "2015-11-14", "day"),
]
NO_DATES = [
    "There were 460 nuclear explosions at the site.",
    "The Council adopted Resolution 1540 unanimously.",
    "Exports reached 2000 tonnes in total.",
    "More than 1999 delegates came to 1,500 meetings.",
    "It was the last year of the century for them.",
    "Recently the parties agreed to talk.",
    "Несколько лет назад об этом говорили.",
    "Товарооборот вырос в 2000 раз.",
    "Call 8 800 2020 or room 1995b for details.",
    # a count that is not one, or one that does not agree with its unit, or history
    "The site saw 460 year ago tests.",
    "The city was founded 460 years ago by traders.",
    "Scholars taught here more than 1.000 years ago.",
    "Nomads crossed the steppe some 3,000 years ago.",
    "It happened 0 years ago, which is now.",
    "Город основан 460 лет назад купцами.",
    "Это было 5 год назад по их счёту.",
]


@pytest.mark.parametrize(("text", "span", "value", "precision", "kind"), ABSOLUTE)
def test_absolute_dates(text: str, span: str, value: str, precision: str, kind: str) -> None:
    found, d = only(text)
    assert (found, d.value, d.precision, d.kind, d.resolved) == (span, value, precision, kind,
                                                                 True)
    assert d.score == {"day": 1.0, "month": 0.9, "year": 0.9, "decade": 0.8}[precision]


@pytest.mark.parametrize(("text", "span", "value", "end", "precision"), RANGES)
def test_ranges(text: str, span: str, value: str, end: str, precision: str) -> None:
    found, d = only(text)
    assert (found, d.kind, d.value, d.range_end, d.precision) == (span, "range", value, end,
                                                                  precision)


@pytest.mark.parametrize(("text", "span", "value", "precision"), RELATIVE)
def test_relative_dates_are_anchored_to_the_document(
    text: str, span: str, value: str, precision: str
) -> None:
    found, d = only(text)
    assert (found, d.kind, d.value, d.precision, d.score) == (span, "relative", value, precision,
                                                              0.7)


@pytest.mark.parametrize(("text", "span", "value", "precision"), RELATIVE)
def test_without_a_document_date_relative_dates_stay_unresolved(
    text: str, span: str, value: str, precision: str
) -> None:
    found, d = only(text, anchor=None)
    assert (found, d.value, d.resolved) == (span, None, False)


@pytest.mark.parametrize(("text", "anchor", "value"), [
    ("The United Nations was founded 77 years ago.", dt.date(2022, 9, 20), "1945"),
    ("A year ago the talks resumed.", ANCHOR, "2014"),
    ("One hundred years is long; 100 years ago the border was drawn.", ANCHOR, "1915"),
    ("Договор подписан 21 год назад.", ANCHOR, "1994"),
    ("Это случилось 3 года назад.", ANCHOR, "2012"),
    ("Это случилось 12 лет назад.", ANCHOR, "2003"),
    ("Договор подписан двадцать один год назад.", ANCHOR, "1994"),
    ("The office opened 18 months ago.", ANCHOR, "2014-03"),
])
def test_counted_years_ago_agree_with_their_unit(text: str, anchor: dt.date, value: str) -> None:
    assert only(text, anchor)[1].value == value


def test_a_count_that_does_not_agree_with_year_is_no_date() -> None:
    """The example Hypothesis found: "460 year ago" was read as 1540 in a 2000 document."""
    assert find_dates("460 year ago", dt.date(2000, 1, 1)) == []
    assert find_dates("two year ago", ANCHOR) == []
    assert [d.value for d in find_dates("in 2015 two years ago", ANCHOR)] == ["2015", "2013"]


def test_the_anchor_decides_last_year() -> None:
    assert only("Last year was hard.", dt.date(2015, 1, 2))[1].value == "2014"
    assert only("Last year was hard.", dt.date(1996, 12, 31))[1].value == "1995"
    assert only("Last month was hard.", dt.date(2016, 1, 15))[1].value == "2015-12"


@pytest.mark.parametrize("text", NO_DATES)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert [text[d.start:d.end] for d in find_dates(text, ANCHOR)] == []


def test_a_list_of_years_after_one_context_word() -> None:
    text = "Forums were held in 2003, 2006 and 2009 in the capital."
    assert [d.value for d in find_dates(text)] == ["2003", "2006", "2009"]


def test_an_impossible_day_is_no_day() -> None:
    assert find_dates("Filed 31.02.2020 today.") == []
    # a day that cannot be leaves the month, which is still written there
    assert [(d.value, d.precision) for d in find_dates("Filed 30 February 2020.")] == [
        ("2020-02", "month")]


def document(text: str, date: dt.date | None = ANCHOR) -> AnnotatedDocument:
    doc = AnnotatedDocument(Document.create(text, DocumentMeta(date=date, country="KAZ")))
    return Segmenter()(doc)


def test_the_component_annotates_passages() -> None:
    text = "Opening words.\n\nLast year, on 6 March 2014, we met.\n\nВ 1995 году всё началось."
    doc = DateFinder()(document(text))
    dates = doc.layer(Layer.DATE)
    assert [(text[a.start:a.end], a.passage, a.label) for a in dates] == [
        ("Last year", 1, "2014"), ("6 March 2014", 1, "2014-03-06"), ("1995 году", 2, "1995")]
    first = dates[0]
    assert first.producer.rule == "en relative" and first.producer.component == "dates"
    assert dict(first.attrs) == {"value": "2014", "precision": "year", "resolved": True,
                                 "kind": "relative", "range_end": None}


def test_the_component_marks_unresolved_dates_without_a_document_date() -> None:
    doc = DateFinder()(document("Next year we will see.", date=None))
    [a] = doc.layer(Layer.DATE)
    assert a.label == "unresolved" and a.attrs["resolved"] is False and a.attrs["value"] is None


def test_relative_dates_can_be_switched_off() -> None:
    doc = DateFinder(relative=False)(document("Next year, not in 1999."))
    assert [a.label for a in doc.layer(Layer.DATE)] == ["1999"]


WORDS = ["in", "the", "year", "on", "of", "last", "next", "this", "ago", "two", "March", "May",
         "марта", "в", "году", "года", "г.", "-", "–", "to", "and", "between", "1995", "2020",
         "06.03.2020", "2014-2020", "12", "460", "1540", "s", ",", ".", "\n", "назад", "прошлом",
         "yesterday", "1990s", "(2001)", "Summit"]
VALUE = re.compile(r"^\d{4}(?:-\d\d(?:-\d\d)?)?$")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.none() | st.dates())
@example(["460", "year", "ago"], dt.date(2000, 1, 1))  # was 1540
@example(["12", "year", "ago"], dt.date(2000, 1, 1))
def test_mentions_are_ordered_disjoint_and_well_formed(words: list[str],
                                                       anchor: dt.date | None) -> None:
    text = " ".join(words)
    found = find_dates(text, anchor)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
    for d in found:
        assert 0 <= d.start < d.end <= len(text)
        assert d.value is None or VALUE.match(d.value)
        assert d.resolved == (d.value is not None)
        assert d.kind != "absolute" or d.resolved
        if anchor is not None and d.kind == "relative" and d.value and d.precision != "day":
            assert abs(int(d.value[:4]) - anchor.year) <= MAX_AGO

@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*WORDS, "\n\n", "Opening.", "Then"]), max_size=60))
def test_date_annotations_lie_inside_their_passage(words: list[str]) -> None:
    text = " ".join(words).strip() or "empty"
    doc = DateFinder()(document(text))
    passages = {p.index: p for p in doc.passages}
    for a in doc.layer(Layer.DATE):
        p = passages[a.passage]
        assert p.start <= a.start < a.end <= p.end


MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.integers(0, 3))
def test_day_dates_agree_with_dateparser(day: dt.date, form: int) -> None:
    dateparser = pytest.importorskip("dateparser")
    text = [f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}",
            f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}",
            f"{day.day:02d}.{day.month:02d}.{day.year}",
            f"{day.day} {MONTHS_RU[day.month - 1]} {day.year} года"][form]
    found, d = only(f"Signed {text} here.")
    assert found == text and d.value == day.isoformat()
    parsed = dateparser.parse(text, settings={"DATE_ORDER": "DMY",
                                              "PREFER_DAY_OF_MONTH": "first"})
    assert parsed is not None and parsed.date() == day


def test_real_statements_give_sane_years(kaz_texts: list[Path]) -> None:
    years: list[int] = []
    relative = 0
    for path in kaz_texts:
        year = int(Path(path).stem.rsplit("_", 1)[1])
        doc = DateFinder()(document(path.read_text(encoding="utf-8"), dt.date(year, 9, 25)))
        for a in doc.layer(Layer.DATE):
            p = doc.passages[a.passage]
            assert p.start <= a.start < a.end <= p.end
            assert a.attrs["resolved"]
            years.append(int(a.attrs["value"][:4]))
            if a.producer.rule == "en relative" and doc.text[a.start:a.end].lower() == "last year":
                relative += 1
                assert int(a.attrs["value"]) == year - 1
    assert len(years) > 200 and relative > 10
    # every year is a calendar year; most are past or present, a few are targets ("by 2045")
    assert all(1900 <= y <= 2099 for y in years)
    assert sum(y <= 2030 for y in years) / len(years) > 0.9


# months named without a year, read against the anchor (2015-09-28)
@pytest.mark.parametrize(("text", "span", "value", "precision"), [
    ("Last November the treaty was signed.", "Last November", "2014-11", "month"),
    ("Last May the forum met.", "Last May", "2015-05", "month"),
    ("Next March the council meets.", "Next March", "2016-03", "month"),
    ("This July the talks resumed.", "This July", "2015-07", "month"),
    ("In November last year the talks resumed.", "November last year", "2014-11", "month"),
    ("On 5 November last year they met.", "5 November last year", "2014-11-05", "day"),
    ("In May of this year they met.", "May of this year", "2015-05", "month"),
    ("In May the talks resumed.", "May", "2015-05", "month"),
    ("In December the talks resumed.", "December", "2014-12", "month"),
    ("In mid-June the envoy came.", "June", "2015-06", "month"),
    ("В ноябре прошлого года прошли переговоры.", "ноябре прошлого года", "2014-11", "month"),
    ("В мае мы подписали меморандум.", "мае", "2015-05", "month"),
    ("В декабре мы подписали меморандум.", "декабре", "2014-12", "month"),
])
def test_months_without_a_year_are_read_against_the_anchor(
    text: str, span: str, value: str, precision: str
) -> None:
    found, d = only(text)
    assert (found, d.kind, d.value, d.precision) == (span, "relative", value, precision)
    assert only(text, anchor=None)[1].value is None


def test_a_range_of_days_without_a_year_is_in_the_anchors_year() -> None:
    found, d = only("From 14 to 16 November the forum meets.")
    assert (found, d.kind, d.value, d.range_end) == ("14 to 16 November", "relative",
                                                     "2015-11-14", "2015-11-16")


@pytest.mark.parametrize(("text", "span"), [
    ("We implement the 2030 Agenda for Sustainable Development.", "2030"),
    ("Agenda 2030 guides us.", "2030"),
    ("The country hosted Expo-2017 in the capital.", "2017"),
    ("The Strategy 2050 sets the course.", "2050"),
    ("Our Vision 2030 is ambitious.", "2030"),
    ("The Kazakhstan-2050 Strategy sets the course.", "2050"),
    ("Стратегия «Казахстан-2050» определяет курс.", "2050"),
    ("Повестка дня в области устойчивого развития на период до 2030 года важна.", "2030 года"),
])
def test_years_inside_names_are_names_not_dates(text: str, span: str) -> None:
    found, d = only(text)
    assert (found, d.kind) == (span, "name")


def test_months_are_words_not_abbreviations_or_modals() -> None:
    assert find_dates("The conference met in Mar del Plata.", ANCHOR) == []
    assert find_dates("We may meet in may of course.", ANCHOR) == []
    assert [d.value for d in find_dates("The 2015 summit and the 1994 treaty.", ANCHOR)] == [
        "2015", "1994"]
