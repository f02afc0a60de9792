"""The trigger prefilter: one automaton scan picks the rules a sentence can match, and the
events found are exactly those of every rule run on every sentence.

The reference is the old path, kept callable: ``find_triggers(..., prefilter=False)`` and the
events component's setting ``prefilter: false``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.domain.corpus import AnnotatedDocument, Annotation, Document, DocumentMeta, Layer
from multivector.ingest import RawDocument
from multivector.pipeline import Context, Pipeline
from multivector.pipeline.components.dates import DateFinder
from multivector.pipeline.components.events import EventFinder
from multivector.pipeline.components.segment import Segmenter
from multivector.samples import iter_documents
from multivector.services.knowledge import KnowledgeBase
from multivector.text.event_rules import RULES, find_triggers
from multivector.text.prefilter import Prefilter, requirements
from tests.test_events import DOC_DATE, add_actors

PREFILTER = Prefilter([r.pattern for r in RULES])


def needs(pattern: str) -> list[set[str]]:
    return [set(c) for c in requirements(re.compile(pattern))]


# ------------------------------------------------------------------ reading an expression


def test_required_words_are_read_from_the_syntax() -> None:
    assert needs(r"(?i)\bvisit(?:ed|s|ing)?\b") == [{"visit"}]
    assert needs(r"(?i)\bmet\s+with\b") == [{"met"}, {"with"}]
    assert needs(r"(?i)\b(?:summit|conference)s?\b") == [{"summit", "conference"}]
    assert needs(r"\b[Jj]oin(?:ed|s)?\b") == [{"join"}]  # case-sensitive: lower-cased too
    assert needs(r"(?i)\b(?:held|hold)\s+(?:\w+\s+){0,2}?talks") == [{"held", "hold"},
                                                                   {"talks"}]
    # an alternative of its own kind keeps its best clause
    assert needs(r"(?i)\b(?:we|i)\s+support|endorse[sd]?") == [{"support", "endorse"}]


@pytest.mark.parametrize("pattern", [
    r"\w+\s+\w+",  # no literal text
    r"(?i)\b(?:visit|\w+)\b",  # one alternative needs nothing
    r"(?i)(?:visit)?\s+",  # optional
    r"(?i)(?:visits?\s+)?\w+",  # optional, of many strings
    r"(?:visit\s+){0,5}",  # repeated from none
    r"[А-Яа-яЁё]{3}",  # a wide class
    r"(\w).\1",  # constructs the reader does not list
])
def test_an_expression_without_required_words_is_always_a_candidate(pattern: str) -> None:
    assert requirements(re.compile(pattern)) == ()
    assert Prefilter([re.compile(pattern)]).candidates("") == (0,)


def test_a_lookaround_adds_no_text_of_its_own() -> None:
    """"abc(?=d)d" matches "abcd", not "abcdd"."""
    f = Prefilter([re.compile(r"abc(?=d)d[a-z]"), re.compile(r"(?<=ab)cde(?!fgh)fg")])
    assert f.candidates("abcde") == (0,)
    assert f.candidates("abcdefgx") == (0, 1)


def test_only_the_rules_whose_words_occur_are_candidates() -> None:
    f = Prefilter([re.compile(r"(?i)\bvisit(?:ed|s)?\b"), re.compile(r"(?i)\bmet\s+with\b"),
                   re.compile(r"\w+ed\b")])
    assert f.candidates("They VISITED Astana.") == (0, 2)
    assert f.candidates("They met in Astana.") == (2,)  # "met" without "with"
    assert f.candidates("We met with them.") == (1, 2)


@pytest.mark.parametrize("text", ["VİSİTED", "vısıted", "Visits", "ᲀстреча", "ВСТРЕЧА"])
def test_characters_the_engine_folds_otherwise_turn_the_filter_off(text: str) -> None:
    """"İ" lower-cases to two characters and "ı", "ſ", "ᲀ" not at all, yet the engine matches
    them to "i", "s", "в" under IGNORECASE: such a text runs every rule."""
    f = Prefilter([re.compile(r"(?i)\bvisit(?:ed|s)?\b"), re.compile(r"(?i)\bвстреч\w*")])
    matching = [i for i, p in enumerate([r"(?i)\bvisit(?:ed|s)?\b", r"(?i)\bвстреч\w*"])
                if re.search(p, text)]
    assert matching and set(matching) <= set(f.candidates(text))


def test_a_required_letter_the_engine_equates_with_another_turns_the_filter_off() -> None:
    """Under IGNORECASE "ı" matches "i": with "vısit" required, "VISIT" is not filtered."""
    assert Prefilter([re.compile(r"(?i)vısit")]).candidates("VISIT") == (0,)
    assert Prefilter([re.compile(r"(?i)vİsitor")]).candidates("VİSİTOR") == (0,)


def test_every_character_the_engine_folds_onto_a_required_one_is_handled() -> None:
    """Over all of Unicode: a character the engine matches to a required character (under
    IGNORECASE) lower-cases to it, or is odd (the text is then not filtered)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    required = sorted({ch for clauses in PREFILTER.requirements for clause in clauses
                       for s in clause for ch in s})
    folded = set(re.findall(f"[{re.escape(''.join(required))}]", everything, re.IGNORECASE))
    assert len(folded) > 2 * len(required)  # the letters, their capitals and a few odd ones
    for c in folded:
        for p in required:
            if re.fullmatch(re.escape(p), c, re.IGNORECASE) and c.lower() != p:
                assert PREFILTER.candidates(c) == tuple(range(len(RULES))), (p, c)


def test_every_rule_needs_words() -> None:
    """A rule without a required word would run on every sentence: say why before adding one."""
    assert [r.name for r, n in zip(RULES, PREFILTER.requirements, strict=True) if not n] == []


# random expressions: what the reader reads must hold of every text they match
LEAVES = st.sampled_from(["visit", "met", "with", "ab", "a", "ed", "[Jj]oin", "[sz]", "\\w+",
                          "\\s+", ".", "[а-я]", "встреч", "(?!q)", "-", "CTBT", "[b-d]"])
EXPRESSIONS = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=4).map("".join),
    st.lists(inner, min_size=2, max_size=3).map(lambda a: f"(?:{'|'.join(a)})"),
    st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{0,2}", "{1,5}", "??", "+?"]))
    .map(lambda t: f"(?:{t[0]}){t[1]}"),
), max_leaves=10)
PLAIN = re.compile(r"[\x00-\x7fЀ-ӿ]*")  # no character the engine folds unlike str.lower


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_what_is_read_holds_of_every_match(data: st.DataObject) -> None:
    pattern = re.compile(data.draw(st.sampled_from(["", "(?i)"])) + data.draw(EXPRESSIONS))
    text = data.draw(st.from_regex(pattern))
    if not pattern.search(text):
        return
    assert 0 in Prefilter([pattern]).candidates(text)
    if PLAIN.fullmatch(text):
        for clause in requirements(pattern):
            assert any(s in text.lower() for s in clause), (clause, text)


@pytest.mark.parametrize("i", range(len(RULES)), ids=[r.name for r in RULES])
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_rule_that_matches_is_always_a_candidate(i: int, data: st.DataObject) -> None:
    text = re.sub(r"\s", " ", data.draw(st.from_regex(RULES[i].pattern)))
    assert i in PREFILTER.candidates(text)


# ------------------------------------------------------------------ the same events


def both_paths(doc: AnnotatedDocument) -> tuple[list[Annotation], list[Annotation]]:
    """The events of the old path (every rule) and of the new one, on copies of ``doc``."""
    out = []
    for prefilter in (False, True):
        copy = AnnotatedDocument(doc.document, list(doc.passages), list(doc.annotations))
        out.append(EventFinder(prefilter=prefilter)(copy).layer(Layer.EVENT))
    return out[0], out[1]


@pytest.mark.slow  # 10 s: the generated cases below cover the same ground in the default run
def test_the_bundled_sample_gives_the_same_events_both_ways() -> None:
    pipe = Pipeline.from_config({"components": ["segment", "actors", "dates"]},
                                Context(KnowledgeBase()))
    documents = events = 0
    for item in iter_documents("ungd-central-asia"):
        assert isinstance(item, RawDocument), item
        doc = pipe(AnnotatedDocument(Document.create(item.text, item.meta)))
        old, new = both_paths(doc)
        assert new == old, item.origin
        documents += 1
        events += len(old)
    assert documents == 156 and events > 500  # the comparison had something to compare


# Words around the triggers: every required word of every rule, the words the guards and the
# statuses read, actors (tests.test_events.ACTORS), dates and punctuation.
TRIGGER_WORDS = sorted({s for r in RULES for c in requirements(r.pattern) for s in c})
OTHER_WORDS = [
    "we", "I", "Kazakhstan", "Russia", "China", "OSCE", "WTO", "United Nations", "Astana",
    "Мы", "Казахстан", "Россией", "ООН", "ОБСЕ", "the", "a", "of", "to", "in", "with", "and",
    "will", "would", "not", "never", "if", "hope", "propose", "call", "on", "all", "States",
    "our", "website", "your", "presidency", "General", "Assembly", "efforts", "in 2010",
    "next year", "в 2015 году", "6 марта 2020 года", "не", "бы", "будет", "сайт", "силу",
    "was", "were", "held", "by", "took", "place", "under", "auspices", ",", ".", ";", ":",
    " - ", "\n", "\n\n", "(", ")", "is", "are", "unacceptable", "of the",
]
CASES = st.sampled_from([str, str.lower, str.upper, str.title])
PIECE = st.one_of(
    st.sampled_from(TRIGGER_WORDS), st.sampled_from(OTHER_WORDS),
    st.text(alphabet="aeiostnrvдвоиекİıſᲀ-' ", min_size=1, max_size=8),
    st.sampled_from(RULES).flatmap(lambda r: st.from_regex(r.pattern)),
)
SENTENCE = st.lists(st.tuples(PIECE, CASES).map(lambda p: p[1](p[0])), min_size=1, max_size=24)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(SENTENCE)
def test_generated_sentences_give_the_same_triggers_both_ways(pieces: list[str]) -> None:
    text = " ".join(pieces)
    assert find_triggers(text, prefilter=True) == find_triggers(text, prefilter=False)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(SENTENCE, min_size=1, max_size=4))
def test_generated_documents_give_the_same_events_both_ways(
        sentences: list[list[str]]) -> None:
    text = "\n\n".join(" ".join(pieces) for pieces in sentences)
    doc = Segmenter()(AnnotatedDocument(Document.create(
        text, DocumentMeta(date=DOC_DATE, country="KAZ"))))
    old, new = both_paths(DateFinder()(add_actors(doc)))
    assert new == old
