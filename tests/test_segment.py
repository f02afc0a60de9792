"""Paragraph and sentence splitting: offsets into the original, wrapped text rejoined."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from multivector.text.segment import layout, lines, paragraphs, sentences

WRAPPED = """At the preceding session our Republic was admitted as a Member of the
Organization, and we wish to thank every delegation that supported the
decision of the Assembly.
The current session matters to us because our President speaks from this
rostrum for the first time, and because the world community places great
\x20
hopes in the Organization and its work for peace.
We must define the new agenda together.

A new paragraph begins after a blank line and runs on across a line
break before it ends here.
"""


def test_hard_wrapped_text_is_rejoined_into_paragraphs() -> None:
    assert layout(lines(WRAPPED)) == "wrapped"
    spans = paragraphs(WRAPPED)
    texts = [WRAPPED[s:e] for s, e in spans]
    assert len(texts) == 4
    assert texts[0].startswith("At the preceding") and texts[0].endswith("Assembly.")
    # a whitespace line in mid-sentence is a page break, not a paragraph end
    assert texts[1].startswith("The current session") and texts[1].endswith("for peace.")
    assert texts[2] == "We must define the new agenda together."


def test_one_paragraph_per_line() -> None:
    text = ("First paragraph, a full sentence.\nSecond paragraph ends here.\n"
            "Third one too.\nAnd a fourth.\n")
    assert [text[s:e] for s, e in paragraphs(text)] == [
        "First paragraph, a full sentence.", "Second paragraph ends here.", "Third one too.",
        "And a fourth."]


def test_sentences_keep_abbreviations_and_initials() -> None:
    text = ("Mr. N. Nazarbayev met the U.N. Secretary-General on 5 May. The talks went well! "
            "Did they agree? Yes. В 1995 г. Казахстан стал безъядерным. Это т.е. важно.")
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["Mr. N. Nazarbayev met the U.N. Secretary-General on 5 May.",
                   "The talks went well!", "Did they agree?", "Yes.",
                   "В 1995 г. Казахстан стал безъядерным.", "Это т.е. важно."]


_text = st.lists(st.sampled_from([*"abc XYZ.,!?\n", "\n\n", "Mr. ", " 1995 ", " \n"]),
                max_size=120).map("".join)


@given(_text)
def test_paragraph_spans_are_ordered_disjoint_and_cover_all_words(text: str) -> None:
    spans = paragraphs(text)
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        last = e
    covered = " ".join(text[s:e] for s, e in spans)
    assert sorted(covered.split()) == sorted(text.split())


@given(_text)
def test_sentence_spans_stay_inside_and_cover_the_text(text: str) -> None:
    spans = sentences(text)
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        assert e1 <= s2
    assert " ".join(text[s:e] for s, e in spans).split() == text.split()


def test_real_un_statements_segment_sensibly(kaz_texts: list[Path]) -> None:
    assert kaz_texts, "no statements to check: the sample should hold Kazakhstan's 33"
    for path in kaz_texts:
        text = path.read_text(encoding="utf-8")
        spans = paragraphs(text)
        lengths = [e - s for s, e in spans]
        assert len(spans) >= 5, path.name
        # rejoined paragraphs are paragraphs, not lines: the median is well above a line width
        assert sorted(lengths)[len(lengths) // 2] > 150, path.name
