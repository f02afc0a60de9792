"""The `events` component: diplomatic events with actor, counterpart, place and date, EN and RU.

Most tests build documents by hand and add actor annotations themselves (as the `actors`
component would), so that the event rules are tested without the knowledge base; the last tests
run the real pipeline when the knowledge base loads.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.domain.corpus import (
    AnnotatedDocument,
    Annotation,
    Document,
    DocumentMeta,
    Layer,
    Producer,
)
from multivector.pipeline import Context, Pipeline
from multivector.pipeline.components import events as events_module
from multivector.pipeline.components.dates import DateFinder
from multivector.pipeline.components.events import EventFinder
from multivector.pipeline.components.segment import Segmenter
from multivector.services.knowledge import KnowledgeBase
from multivector.text.event_rules import EVENT_TYPES, PLOVER, STATUSES, boilerplate_spans
from multivector.text.segment import sentences

DOC_DATE = dt.date(2015, 9, 28)
# surface form -> (actor id, type); what the `actors` component would find
ACTORS: dict[str, tuple[str, str]] = {
    "Kazakhstan": ("KAZ", "country"), "Казахстан": ("KAZ", "country"),
    "Russia": ("RUS", "country"), "Россией": ("RUS", "country"), "China": ("CHN", "country"),
    "Китай": ("CHN", "country"), "Uzbekistan": ("UZB", "country"),
    "Узбекистан": ("UZB", "country"), "Brazil": ("BRA", "country"),
    "Бразилии": ("BRA", "country"), "Afghanistan": ("AFG", "country"),
    "Афганистану": ("AFG", "country"), "Ukraine": ("UKR", "country"),
    "Украиной": ("UKR", "country"), "OSCE": ("OSCE", "organisation"),
    "ОБСЕ": ("OSCE", "organisation"), "WTO": ("WTO", "organisation"),
    "ВТО": ("WTO", "organisation"), "United Nations": ("UN", "organisation"),
    "ООН": ("UN", "organisation"), "OIC": ("OIC", "organisation"),
    "ОИС": ("OIC", "organisation"), "CIS": ("CIS", "organisation"),
    "Tokayev": ("tokayev", "person"),
    "Токаев": ("tokayev", "person"), "Astana": ("astana", "place"),
    "Астане": ("astana", "place"), "Geneva": ("geneva", "place"),
}


def add_actors(doc: AnnotatedDocument, home: str = "KAZ") -> AnnotatedDocument:
    for p, chunk in doc.iter_passages():
        for surface, (actor, kind) in ACTORS.items():
            for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", chunk):
                own = actor == home or (kind == "place" and actor in ("astana",))
                doc.annotations.append(Annotation(
                    doc.document.id, p.index, Layer.ACTOR, actor, p.start + m.start(),
                    p.start + m.end(), 1.0, Producer("test", "0", surface),
                    {"type": kind, "own_country": own}))
    doc.annotations.sort(key=lambda a: a.start)
    return doc


def run(text: str, date: dt.date | None = DOC_DATE, country: str | None = "KAZ",
        actors: bool = True) -> AnnotatedDocument:
    doc = Segmenter()(AnnotatedDocument(Document.create(text, DocumentMeta(date=date,
                                                                           country=country))))
    if actors:
        add_actors(doc)
    return EventFinder()(DateFinder()(doc))


def events(text: str, **kw: object) -> dict[str, Annotation]:
    found = run(text, **kw).layer(Layer.EVENT)  # type: ignore[arg-type]
    return {a.label: a for a in found}


def happened(text: str, **kw: object) -> dict[str, Annotation]:
    """The events that happened: what counts and timelines show."""
    found = run(text, **kw).layer(Layer.EVENT)  # type: ignore[arg-type]
    return {a.label: a for a in found if a.attrs["status"] == "happened"}


def one(text: str, event_type: str, **kw: object) -> Annotation:
    found = events(text, **kw)
    assert event_type in found, (text, sorted(found))
    return found[event_type]


# (sentence, event type, actor, counterparts that must be there)
CASES = [
    ("President Tokayev paid a state visit to China.", "visit", "tokayev", {"CHN"}),
    ("Kazakhstan held talks with Russia on transit routes.", "meeting", "KAZ", {"RUS"}),
    ("We met with the OSCE leadership in Astana.", "meeting", "KAZ", {"OSCE"}),
    ("Kazakhstan and Uzbekistan signed a border treaty.", "agreement_signed", "KAZ", {"UZB"}),
    ("Kazakhstan opened an embassy in Brazil.", "embassy_opened", "KAZ", {"BRA"}),
    ("Kazakhstan chaired the OSCE with energy.", "chairmanship", "KAZ", {"OSCE"}),
    ("Kazakhstan joined the WTO after long talks.", "membership", "KAZ", {"WTO"}),
    ("Kazakhstan became a full member of the WTO.", "membership", "KAZ", {"WTO"}),
    ("Kazakhstan offered to mediate between Russia and Ukraine.", "mediation", "KAZ",
     {"RUS", "UKR"}),
    ("Our country sent humanitarian aid to Afghanistan.", "aid_given", "KAZ", {"AFG"}),
    ("We support the initiative of the United Nations.", "support_stated", "KAZ", {"UN"}),
    ("Kazakhstan welcomes the decision of the OSCE.", "support_stated", "KAZ", {"OSCE"}),
    ("Kazakhstan condemns the attack on peaceful villages.", "criticism_stated", "KAZ", set()),
    ("Токаев посетил Китай с официальным визитом.", "visit", "tokayev", {"CHN"}),
    ("Мы провели переговоры с Россией.", "meeting", "KAZ", {"RUS"}),
    ("Казахстан и Узбекистан подписали соглашение о границе.", "agreement_signed", "KAZ",
     {"UZB"}),
    ("Казахстан открыл посольство в Бразилии.", "embassy_opened", "KAZ", {"BRA"}),
    ("Казахстан председательствовал в ОБСЕ.", "chairmanship", "KAZ", {"OSCE"}),
    ("Казахстан вступил в ВТО.", "membership", "KAZ", {"WTO"}),
    ("Казахстан предложил посредничество между Россией и Украиной.", "mediation", "KAZ",
     {"RUS", "UKR"}),
    ("Наша страна направила гуманитарную помощь Афганистану.", "aid_given", "KAZ", {"AFG"}),
    ("Мы поддерживаем инициативу ООН.", "support_stated", "KAZ", {"UN"}),
    ("Казахстан осуждает нападение на мирные сёла.", "criticism_stated", "KAZ", set()),
]


@pytest.mark.parametrize(("text", "event_type", "actor", "counterpart"), CASES)
def test_each_event_type_in_both_languages(
    text: str, event_type: str, actor: str, counterpart: set[str]
) -> None:
    e = one(text, event_type)
    assert (e.start, e.end) == (0, len(text))  # the sentence is the evidence
    assert e.attrs["actor"] == actor
    assert counterpart <= set(e.attrs["counterpart"]) and actor not in e.attrs["counterpart"]
    assert (e.attrs["plover"], e.producer.component) == (PLOVER[event_type][0] if event_type
                                                         != "meeting" else "CONSULT", "events")
    t0, t1 = e.attrs["trigger_start"], e.attrs["trigger_end"]
    assert text[t0:t1] == e.attrs["trigger"] and e.start <= t0 < t1 <= e.end


def test_every_event_type_has_a_case_in_each_language() -> None:
    english = {t for s, t, _, _ in CASES if s.isascii()}
    russian = {t for s, t, _, _ in CASES if not s.isascii()}
    assert english == russian == set(EVENT_TYPES)


def test_the_date_comes_from_the_sentence_else_the_document() -> None:
    e = one("Kazakhstan chaired the OSCE in 2010.", "chairmanship")
    assert (e.attrs["date"], e.attrs["date_source"]) == ("2010", "sentence")
    e = one("Last year we signed a treaty with China.", "agreement_signed")
    assert (e.attrs["date"], e.attrs["date_source"]) == ("2014", "sentence")
    e = one("Kazakhstan chaired the OSCE.", "chairmanship")
    assert (e.attrs["date"], e.attrs["date_source"]) == ("2015-09-28", "document")
    e = one("Kazakhstan chaired the OSCE.", "chairmanship", date=None)
    assert (e.attrs["date"], e.attrs["date_source"]) == (None, None)


def test_place_is_a_place_actor_or_a_country_after_in() -> None:
    assert one("We met with the OSCE leadership in Astana.", "meeting").attrs["place"] == "astana"
    assert one("Kazakhstan opened an embassy in Brazil.", "embassy_opened").attrs["place"] == "BRA"
    assert one("Kazakhstan opened an embassy for Brazil.", "embassy_opened").attrs["place"] is None


def test_actor_roles() -> None:
    # an actor after a preposition is no subject; a possessive is
    e = one("Together with Russia, Kazakhstan signed a memorandum.", "agreement_signed")
    assert (e.attrs["actor"], e.attrs["counterpart"]) == ("KAZ", ["RUS"])
    assert one("Talks on Kazakhstan's accession to the WTO ended.", "membership").attrs[
        "actor"] == "KAZ"
    # the agent of a nominal or passive trigger
    assert one("The visit of President Tokayev to China went well.", "visit").attrs[
        "actor"] == "tokayev"
    assert one("The forum was chaired by Kazakhstan.", "chairmanship").attrs["actor"] == "KAZ"
    # "we" before an organisation speaks for the speaker; the capital for its state
    assert one("We hosted the OSCE summit.", "meeting").attrs["actor_source"] == "speaker"
    assert one("Astana hosted a summit of the OSCE.", "meeting").attrs["actor"] == "KAZ"


def test_without_a_subject_or_a_first_person_there_is_no_actor() -> None:
    e = one("Delegates condemned the attack.", "criticism_stated")
    assert e.attrs["actor"] is None and e.score == pytest.approx(0.85 * 0.7)
    e = one("We condemned the attack.", "criticism_stated", country=None)
    assert e.attrs["actor"] is None
    e = one("We condemned the attack.", "criticism_stated")
    assert (e.attrs["actor"], e.attrs["actor_source"], e.score) == ("KAZ", "speaker", 0.85)


NOT_EVENTS = [
    "Please visit our website for the full text.",
    "With the support of the United Nations, the work went on.",
    "This is a sign of goodwill between the parties to the agreement.",
    "We do not support unilateral sanctions.",
    "Мы не поддерживаем односторонние санкции.",
    "Договор вступил в силу в 2009 году.",
    "You have our best wishes for your presidency of the General Assembly.",
    "I congratulate you on your chairmanship of the Committee.",
    "We join efforts with our partners and join the consensus.",
    "We call on all States to sign the Treaty without delay.",
    "The hub will focus on humanitarian assistance and recovery.",
    "Meeting the needs of the poor is vital.",
    "Some of the criticism aimed at the Organization has been unfair.",
    "Russia remains the guarantor of stability for all of us.",
    "We propose a conference on mountains under the auspices of the United Nations.",
    "Regrettably, progress on disarmament has been slow.",
    "It is unacceptable to delay the reform any longer.",
    "Hasty statements may run counter to existing agreements.",
    "We hope for negotiations under the auspices of the United Nations.",
    "The projects will be funded by the international community.",
    "К сожалению, прогресс был медленным.",
]


# further triggers: go-betweens, guarantors, protests, regrets, rescuers and lenders
MORE_CASES = [
    ("Talks between the parties were held under the auspices of the United Nations.",
     "mediation"),
    ("Kazakhstan shuttled between Russia and Ukraine with messages.", "mediation"),
    ("Kazakhstan brokered a ceasefire between the two sides.", "mediation"),
    ("Russia is one of the guarantors of the peace process.", "mediation"),
    ("Казахстан передавал послания между Россией и Украиной.", "mediation"),
    ("Казахстан содействовал урегулированию конфликта.", "mediation"),
    ("Kazakhstan sent rescuers and doctors to Ukraine.", "aid_given"),
    ("Uzbekistan builds the road with financing from the World Bank.", "aid_given"),
    ("Казахстан направил спасателей в Китай.", "aid_given"),
    ("We regret the decision of the OSCE.", "criticism_stated"),
    ("Kazakhstan lodged a strong protest over the incident.", "criticism_stated"),
    ("Such statements are unacceptable.", "criticism_stated"),
    ("Мы сожалеем о таком решении.", "criticism_stated"),
    ("МИД Казахстана выразил решительный протест.", "criticism_stated"),
    ("Подобные заявления неприемлемы.", "criticism_stated"),
]


@pytest.mark.parametrize(("text", "event_type"), MORE_CASES)
def test_more_triggers(text: str, event_type: str) -> None:
    e = one(text, event_type)
    assert e.attrs["trigger"] and e.attrs["plover"] == PLOVER[event_type][0]


@pytest.mark.parametrize("text", NOT_EVENTS)
def test_false_friends_are_no_events(text: str) -> None:
    assert happened(text) == {}


def test_one_event_per_sentence_and_type_with_the_strongest_trigger() -> None:
    doc = run("President Tokayev paid a state visit to China and visited the Great Wall.")
    [e] = doc.layer(Layer.EVENT)
    assert e.producer.rule == "en official visit" and e.score == 0.9


def test_a_promise_to_sign_is_agree_and_a_signature_support() -> None:
    e = one("Kazakhstan will sign the agreement with China next year.", "agreement_signed")
    assert (e.attrs["plover"], e.attrs["future"], e.attrs["date"]) == ("AGREE", True, "2016")
    e = one("Kazakhstan signed the agreement with China.", "agreement_signed")
    assert (e.attrs["plover"], e.attrs["future"]) == ("SUPPORT", False)


def test_plover_modes() -> None:
    assert one("President Tokayev paid a state visit to China.", "visit").attrs[
        "plover_mode"] == "visit"
    assert one("We met with the OSCE leadership.", "meeting").attrs["plover_mode"] == "multilateral"
    assert one("We met with Russia.", "meeting").attrs["plover_mode"] is None
    e = one("Kazakhstan allocated grants of 2 million dollars to Afghanistan.", "aid_given")
    assert (e.attrs["plover"], e.attrs["plover_mode"]) == ("AID", "economic")
    assert one("We condemn it.", "criticism_stated").attrs["plover_mode"] == "disapprove"


def test_rule_names_say_their_language() -> None:
    # a sentence without the letters of a rule's language skips the rule: its name says which
    from multivector.text.event_rules import RULES

    assert {r.name[:3] for r in RULES} == {"en ", "ru "}
    for r in RULES:
        assert bool(re.search(r"[А-Яа-яЁё]", r.pattern.pattern)) == (r.name[:2] == "ru"), r.name


def test_the_docstring_table_is_the_plover_mapping() -> None:
    rows = re.findall(r"^(\w+_?\w*)\s{2,}(\w+|--)\s{2,}(\w+|--)\s", events_module.__doc__ or "",
                      re.M)
    table = {t: (p if p != "--" else None, m) for t, p, m in rows if t in EVENT_TYPES}
    assert set(table) == set(EVENT_TYPES)
    for event_type, (category, mode) in PLOVER.items():
        assert table[event_type][0] == category
        assert mode is None or table[event_type][1] == mode


WORDS = ["Kazakhstan", "Russia", "OSCE", "Astana", "we", "visited", "signed", "an", "agreement",
         "summit", "support", "condemn", "mediation", "joined", "the", "WTO", "in", "2010",
         "last", "year", ".", ",", "\n", "\n\n", "Мы", "подписали", "соглашение", "с", "Россией",
         "в", "2015", "году", "посетил", "Китай", "opened", "embassy", "humanitarian", "aid",
         "provided", "chairmanship", "Mr.", "?"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_events_lie_inside_a_sentence_of_their_passage(words: list[str]) -> None:
    text = " ".join(words).strip() or "."
    doc = run(text)
    for p in doc.passages:
        spans = set(sentences(doc.text, p.start, p.end))
        for e in doc.in_passage(p.index, Layer.EVENT):
            assert (e.start, e.end) in spans
            assert e.start <= e.attrs["trigger_start"] < e.attrs["trigger_end"] <= e.end
        for d in doc.in_passage(p.index, Layer.DATE):
            assert p.start <= d.start < d.end <= p.end


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    # the shipped knowledge base must load: a failure here is a failure, never a skip
    pipe = Pipeline.from_config({"components": ["segment", "actors", "dates", "events"]},
                                Context(KnowledgeBase()))
    pipe(AnnotatedDocument(Document.create("Kazakhstan.", DocumentMeta())))
    return pipe


def real(pipe: Pipeline, text: str) -> dict[str, Annotation]:
    doc = pipe(AnnotatedDocument(Document.create(text, DocumentMeta(date=DOC_DATE,
                                                                    country="KAZ"))))
    return {a.label: a for a in doc.layer(Layer.EVENT)}


@pytest.mark.parametrize(("text", "event_type", "actor", "counterpart"), [
    ("Last year President Tokayev paid a state visit to China.", "visit", "tokayev", {"CHN"}),
    ("Kazakhstan opened an embassy in Brazil in 2014.", "embassy_opened", "KAZ", {"BRA"}),
    ("Kazakhstan joined the World Trade Organization in 2015.", "membership", "KAZ", {"WTO"}),
    ("Казахстан и Узбекистан подписали соглашение 6 марта 2020 года.", "agreement_signed",
     "KAZ", {"UZB"}),
    ("В 2010 году Казахстан председательствовал в ОБСЕ.", "chairmanship", "KAZ", {"OSCE"}),
])
def test_the_real_pipeline(pipeline: Pipeline, text: str, event_type: str, actor: str,
                           counterpart: set[str]) -> None:
    e = real(pipeline, text)[event_type]
    assert e.attrs["actor"] == actor and counterpart <= set(e.attrs["counterpart"])
    assert e.attrs["date_source"] == "sentence"


def test_real_statements(pipeline: Pipeline, kaz_texts: list[Path]) -> None:
    found: list[Annotation] = []
    for path in kaz_texts:
        year = int(Path(path).stem.rsplit("_", 1)[1])
        text = path.read_text(encoding="utf-8")
        doc = pipeline(AnnotatedDocument(Document.create(
            text, DocumentMeta(date=dt.date(year, 9, 25), country="KAZ"))))
        for e in doc.layer(Layer.EVENT):
            p = doc.passages[e.passage]
            assert (e.start, e.end) in set(sentences(text, p.start, p.end))
            found.append(e)
    types = {e.label for e in found}
    assert len(found) > 150 and len(types) >= 8
    assert sum(e.attrs["actor"] is not None for e in found) / len(found) > 0.8
    # Kazakhstan chaired the OSCE in 2010: the statements of those years say so
    assert any(e.label == "chairmanship" and "OSCE" in e.attrs["counterpart"]
               and e.attrs["actor"] == "KAZ" for e in found)


# --- status: what happened, and what was only planned, proposed, hoped, negated or conditional

# (sentence, event type, status); the document is dated 2015-09-28
STATUS_CASES = [
    ("Kazakhstan chaired the OSCE in 2010.", "chairmanship", "happened"),
    ("Kazakhstan chairs the OSCE this year.", "chairmanship", "happened"),
    ("Kazakhstan was the first state of the region to chair the OSCE.", "chairmanship",
     "happened"),
    ("We intend to chair the OSCE.", "chairmanship", "planned"),
    ("Next year we will assume the chairmanship of the OSCE.", "chairmanship", "planned"),
    ("The summit of the OSCE will take place in Astana.", "meeting", "planned"),
    ("Kazakhstan will host the OSCE summit in 2016.", "meeting", "planned"),
    ("The OSCE summit in 2016 needs careful preparation.", "meeting", "planned"),
    ("We propose to hold a summit of the OSCE in Astana.", "meeting", "proposed"),
    ("Kazakhstan is ready to mediate between Russia and Ukraine.", "mediation", "proposed"),
    ("We hope to sign the agreement with China soon.", "agreement_signed", "hoped"),
    ("Kazakhstan is seeking membership in the WTO.", "membership", "hoped"),
    ("Kazakhstan did not sign the protocol.", "agreement_signed", "negated"),
    ("No agreement was signed with Russia.", "agreement_signed", "negated"),
    ("If the parties agree, we will sign the treaty.", "agreement_signed", "conditional"),
    ("We will sign the treaty if Russia agrees.", "agreement_signed", "conditional"),
    ("We would support such a decision of the OSCE.", "support_stated", "conditional"),
    ("Казахстан председательствовал в ОБСЕ.", "chairmanship", "happened"),
    ("В следующем году мы примем председательство в ОБСЕ.", "chairmanship", "planned"),
    ("Мы подпишем договор с Китаем в следующем году.", "agreement_signed", "planned"),
    ("Мы предлагаем провести саммит ОБСЕ в Астане.", "meeting", "proposed"),
    ("Мы надеемся подписать соглашение с Китаем.", "agreement_signed", "hoped"),
    ("Казахстан не подписал протокол.", "agreement_signed", "negated"),
    ("Мы не поддерживаем односторонние санкции.", "support_stated", "negated"),
    ("Если стороны согласятся, мы подпишем договор.", "agreement_signed", "conditional"),
]


@pytest.mark.parametrize(("text", "event_type", "status"), STATUS_CASES)
def test_each_event_has_a_status(text: str, event_type: str, status: str) -> None:
    e = one(text, event_type)
    assert e.attrs["status"] == status, (e.attrs["status"], e.attrs["status_cue"])
    assert e.attrs["future"] == (status in ("planned", "proposed", "hoped", "conditional"))
    assert (e.attrs["status_cue"] is None) == (status == "happened")
    assert (event_type in happened(text)) == (status == "happened")


def test_every_status_has_a_case_in_each_language() -> None:
    english = {s for t, _, s in STATUS_CASES if t.isascii()}
    russian = {s for t, _, s in STATUS_CASES if not t.isascii()}
    assert english == russian == set(STATUSES)


def test_a_plan_is_kept_with_its_own_date_and_never_counted_as_done() -> None:
    e = one("Next year we will assume the chairmanship of the OSCE.", "chairmanship")
    assert (e.attrs["actor"], e.attrs["counterpart"]) == ("KAZ", ["OSCE"])
    assert (e.attrs["date"], e.attrs["date_precision"], e.attrs["date_source"]) == (
        "2016", "year", "sentence")
    assert happened("Next year we will assume the chairmanship of the OSCE.") == {}


def test_a_past_verb_keeps_an_event_with_a_later_date_done() -> None:
    e = one("Kazakhstan took over the chairmanship of the OIC for the coming year.",
            "chairmanship")
    assert e.attrs["status"] == "happened"


def test_a_cue_does_not_reach_past_a_verb_of_its_own() -> None:
    # "proposal" governs the summit, not the welcome
    found = run("We welcomed the proposal to hold a summit, which Russia supported.")
    statuses = {(a.label, a.attrs["status"]) for a in found.layer(Layer.EVENT)}
    assert ("meeting", "proposed") in statuses and ("support_stated", "happened") in statuses


# --- dates from the sentence, with their precision; else the document's, marked as such

@pytest.mark.parametrize(("text", "event_type", "date", "precision", "span"), [
    ("In September 1996 Kazakhstan signed the treaty.", "agreement_signed", "1996-09",
     "month", "September 1996"),
    ("Last November we signed a treaty with China.", "agreement_signed", "2014-11", "month",
     "Last November"),
    ("In November last year we signed a treaty with China.", "agreement_signed", "2014-11",
     "month", "November last year"),
    ("On 6 March 2015 Kazakhstan opened an embassy in Brazil.", "embassy_opened", "2015-03-06",
     "day", "6 March 2015"),
    ("Kazakhstan has chaired the OSCE since 2012.", "chairmanship", "2012", "year", "2012"),
    ("Kazakhstan signed the protocol of 2005 in 2008.", "agreement_signed", "2008", "year",
     "2008"),
    ("In May we opened an embassy in Brazil.", "embassy_opened", "2015-05", "month", "May"),
    ("In December we will host a summit of the OSCE.", "meeting", "2015-12", "month",
     "December"),
    ("In May we will host a summit of the OSCE.", "meeting", "2016-05", "month", "May"),
    ("В сентябре 1996 года Казахстан подписал договор.", "agreement_signed", "1996-09",
     "month", "сентябре 1996 года"),
    ("В ноябре прошлого года мы подписали договор с Китаем.", "agreement_signed", "2014-11",
     "month", "ноябре прошлого года"),
])
def test_the_date_is_the_sentences_with_its_precision(
    text: str, event_type: str, date: str, precision: str, span: str
) -> None:
    e = one(text, event_type)
    assert (e.attrs["date"], e.attrs["date_precision"], e.attrs["date_source"]) == (
        date, precision, "sentence")
    start, end = e.attrs["date_span"]
    assert text[start:end] == span


@pytest.mark.parametrize(("text", "event_type"), [
    ("We support the 2030 Agenda for Sustainable Development.", "support_stated"),
    ("Kazakhstan hosted a summit on the 2030 Agenda.", "meeting"),
    ("Kazakhstan hosted a summit on the Strategy 2050 and on Expo-2017.", "meeting"),
    ("We welcome the elections held in Ukraine on 18 September.", "support_stated"),
    ("We support the plan to hold talks of the OSCE by 2020.", "support_stated"),
    ("Kazakhstan chaired the OSCE.", "chairmanship"),
])
def test_names_with_years_and_objects_dates_leave_the_documents_date(
    text: str, event_type: str
) -> None:
    e = one(text, event_type)
    assert (e.attrs["date"], e.attrs["date_precision"], e.attrs["date_source"]) == (
        DOC_DATE.isoformat(), "day", "document")
    assert e.attrs["date_span"] is None and e.attrs["status"] == "happened"


def test_the_nearest_date_is_the_one_of_the_triggers_own_part() -> None:
    found = run("Kazakhstan, which joined the WTO in 2015, chaired the OSCE.").layer(Layer.EVENT)
    dates = {a.label: (a.attrs["date"], a.attrs["date_source"]) for a in found}
    assert dates == {"membership": ("2015", "sentence"),
                     "chairmanship": ("2015-09-28", "document")}
    found = run("In 2010, Kazakhstan chaired the OSCE and hosted a summit.").layer(Layer.EVENT)
    assert {(a.label, a.attrs["date"]) for a in found} == {("chairmanship", "2010"),
                                                          ("meeting", "2010")}


# --- coordination: one event per organisation and year

@pytest.mark.parametrize(("text", "event_type", "expected"), [
    ("Kazakhstan chaired the OSCE in 2010 and the OIC in 2011.", "chairmanship",
     {(("OSCE",), "2010"), (("OIC",), "2011")}),
    ("In 2010 Kazakhstan chaired the OSCE and in 2011 the OIC.", "chairmanship",
     {(("OSCE",), "2010"), (("OIC",), "2011")}),
    ("Kazakhstan joined the United Nations, the OSCE and the CIS in 1992.", "membership",
     {(("UN",), "1992"), (("OSCE",), "1992"), (("CIS",), "1992")}),
    ("Kazakhstan hosted summits in 2003, 2006 and 2009.", "meeting",
     {((), "2003"), ((), "2006"), ((), "2009")}),
    ("We signed agreements with China in 2013 and with Russia in 2014.", "agreement_signed",
     {(("CHN",), "2013"), (("RUS",), "2014")}),
    ("Казахстан председательствовал в ОБСЕ в 2010 году и в ОИС в 2011 году.", "chairmanship",
     {(("OSCE",), "2010"), (("OIC",), "2011")}),
    ("Kazakhstan and Uzbekistan signed a treaty with Russia and China in 2014.",
     "agreement_signed", {(("UZB", "RUS", "CHN"), "2014")}),
])
def test_coordinated_parts_are_events_of_their_own(
    text: str, event_type: str, expected: set[tuple[tuple[str, ...], str]]
) -> None:
    found = [a for a in run(text).layer(Layer.EVENT) if a.label == event_type]
    assert {(tuple(a.attrs["counterpart"]), a.attrs["date"]) for a in found} == expected
    assert len(found) == len(expected)
    assert {a.attrs["actor"] for a in found} == {"KAZ"}


# --- web-page frame: no events from navigation, "Visit also" and counters

PAGE = (
    "Home | Politics | Summit news\n\n"
    "Kazakhstan signed a treaty with China.\n\n"
    "Read 6289 times\n\n"
    "Visit also:\nTokayev visited Russia\nKazakhstan joined the WTO\n\n"
    "Sign up for our newsletter and upcoming events\n"
    "Share on Facebook"
)


def test_a_web_pages_frame_gives_no_events() -> None:
    found = run(PAGE).layer(Layer.EVENT)
    assert [(a.label, PAGE[a.start:a.end]) for a in found] == [
        ("agreement_signed", "Kazakhstan signed a treaty with China.")]
    lines = [PAGE[s:e] for s, e in boilerplate_spans(PAGE)]
    assert "Tokayev visited Russia" in lines and "Read 6289 times" in lines
    assert "Kazakhstan signed a treaty with China." not in lines
    kept = EventFinder(skip_boilerplate=False)(DateFinder()(add_actors(Segmenter()(
        AnnotatedDocument(Document.create(PAGE, DocumentMeta(date=DOC_DATE, country="KAZ")))))))
    assert {a.label for a in kept.layer(Layer.EVENT)} >= {"visit", "membership"}


PROSE = ["we", "signed", "the", "treaty", "with", "Russia", "and", "visited", "China", "in",
         "2010", "share", "read", "also", "home", "related", "summit", "comments", "print"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PROSE), min_size=9, max_size=30), max_size=6))
def test_lines_of_prose_are_never_frame(lines: list[list[str]]) -> None:
    text = "\n".join("Then " + " ".join(words) + "." for words in lines)
    assert boilerplate_spans(text) == []


def test_statuses_and_dates_on_real_statements_of_uzbekistan(
    pipeline: Pipeline, ungd_folder: Path
) -> None:
    found: list[tuple[int, Annotation]] = []
    for path in sorted((ungd_folder / "texts").glob("UZB_*.txt")):
        year = int(path.stem.rsplit("_", 1)[1])
        doc = pipeline(AnnotatedDocument(Document.create(
            path.read_text(encoding="utf-8"), DocumentMeta(date=dt.date(year, 9, 25),
                                                          country="UZB"))))
        found += [(year, e) for e in doc.layer(Layer.EVENT)]
    statuses = [e.attrs["status"] for _, e in found]
    assert set(statuses) >= {"happened", "planned", "proposed", "hoped"}
    assert statuses.count("happened") / len(statuses) > 0.6
    own = [(year, e) for year, e in found if e.attrs["date_source"] == "sentence"]
    assert len(own) > 20
    for year, e in own:
        assert e.attrs["date_precision"] in ("year", "month", "day")
        assert 1900 <= int(e.attrs["date"][:4]) <= year + 20
    later = [e for year, e in own if int(e.attrs["date"][:4]) > year]
    assert sum(e.attrs["status"] == "happened" for e in later) <= len(later) / 4


def test_the_corpus_lists_happened_events_unless_asked(tmp_path: Path) -> None:
    from multivector.services.corpus import Corpus
    from multivector.store.sqlite import SQLiteStore

    text = ("Kazakhstan chaired the OSCE in 2010. Next year we will chair the OIC. "
            "Kazakhstan chaired the OSCE.")
    doc = EventFinder()(DateFinder()(add_actors(Segmenter()(AnnotatedDocument(
        Document.create(text, DocumentMeta(date=DOC_DATE, country="KAZ")))))))
    with Corpus(store=SQLiteStore(":memory:"), knowledge=KnowledgeBase()) as corpus:
        corpus.store.add_document(doc.document, doc.passages, doc.annotations)
        done = corpus.events().records()
        assert [(r["status"], r["date"], r["date_source"], r["date_precision"]) for r in done] == [
            ("happened", "2010", "sentence", "year"),
            ("happened", "2015-09-28", "document", "day")]
        assert {r["reported"] for r in done} == {"2015-09-28"}
        every = corpus.events(status=None).records()
        assert sorted(r["status"] for r in every) == ["happened", "happened", "planned"]
        [plan] = corpus.events(status=("planned",)).records()
        assert (plan["date"], plan["status_cue"], plan["counterpart"]) == ("2016", "will", ["OIC"])


def test_a_dateline_anchors_the_relative_dates_of_a_text_file(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    from multivector.ingest import RawDocument, read_path

    path = tmp_path / "page.txt"
    path.write_text("Tuesday, 04 March 2014\n\nTalks in the Capital\n\nLast month Kazakhstan "
                    "signed an agreement with China. Kazakhstan opened an embassy in Brazil.\n",
                    encoding="utf-8")
    [raw] = list(read_path(path))
    assert isinstance(raw, RawDocument) and raw.meta.date == dt.date(2014, 3, 4)
    doc = pipeline(AnnotatedDocument(Document.create(raw.text, raw.meta)))
    found = {e.label: e.attrs for e in doc.layer(Layer.EVENT)}
    assert (found["agreement_signed"]["date"], found["agreement_signed"]["date_source"]) == (
        "2014-02", "sentence")
    assert (found["embassy_opened"]["date"], found["embassy_opened"]["date_source"]) == (
        "2014-03-04", "document")
