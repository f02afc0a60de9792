"""Words and lemmas for the full-text index (multivector.text.lemmas)."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from multivector.text.lemmas import lemma, lemmas, tokens


def test_tokens_are_words_with_offsets_and_keep_hyphenated_words() -> None:
    text = "Казахстан и северо-западный сосед; COVID-19, 2024 год. Kazakhstan’s role"
    found = tokens(text)
    assert [w for _, _, w in found] == [
        "Казахстан", "и", "северо-западный", "сосед", "COVID-19", "2024", "год",
        "Kazakhstan", "s", "role",
    ]
    assert all(text[s:e] == w for s, e, w in found)


def test_dashes_and_punctuation_are_not_words() -> None:
    assert tokens(" - — ... «» () _ ") == []
    assert [w for _, _, w in tokens("мир - и — война")] == ["мир", "и", "война"]


@given(st.text(alphabet=st.sampled_from(list("аБвЁё zZ9-_.,—\n\u0301")), max_size=60))
def test_tokens_cover_every_letter_and_digit_once(text: str) -> None:
    found = tokens(text)
    assert all(text[s:e] == w and w for s, e, w in found)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(found))
    covered = set().union(*(range(s, e) for s, e, _ in found)) if found else set()
    for i, ch in enumerate(text):
        if ch.isalnum() and ch != "_":
            assert i in covered, (text, i)


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (["Россия", "России", "Россией", "Россию"], "россия"),
        (["Китай", "Китая", "Китаем", "Китаю"], "китай"),
        (["переговоры", "переговоров", "переговорах", "переговорами"], "переговоры"),
        (["сотрудничество", "сотрудничества", "сотрудничестве"], "сотрудничество"),
        (["Токаев", "Токаева", "Токаевым", "Токаеве"], "токаев"),
        (["Садыров", "Садырова", "Садыровым"], "садыров"),
        (["Астана", "Астане", "Астаной"], "астана"),
    ],
)
def test_russian_word_forms_share_a_lemma(forms: list[str], expected: str) -> None:
    assert {lemma(f) for f in forms} == {expected}


def test_capitalisation_only_prefers_proper_nouns() -> None:
    # "токаев" in lower case reads as a form of the common noun "токай"; capitalised, a surname
    assert lemma("Токаевым") == "токаев"
    assert lemma("Переговоры") == lemma("переговорах") == "переговоры"
    assert lemma("ООН") == "оон"


def test_yo_folds_to_ye_and_latin_is_only_lowercased() -> None:
    assert lemma("Ёлки") == lemma("елки") == "елка"
    assert lemma("ещё") == "еще"
    assert lemma("Negotiations") == "negotiations"
    assert lemma("COVID-19") == "covid-19"


def test_kazakh_words_are_lowercased_not_guessed_as_russian() -> None:
    assert lemma("Қазақстанның") == "қазақстанның"


def test_hyphenated_russian_words_lemmatise_whole() -> None:
    assert lemma("российско-китайских") == "российско-китайский"


def test_lemmas_never_contain_spaces_or_uppercase() -> None:
    out = lemmas("С Россией, КИТАЕМ и США — переговоры. The EU's Talks")
    assert out == ["с", "россия", "китай", "и", "сша", "переговоры", "the", "eu", "s", "talks"]
    assert all(re.fullmatch(r"\S+", x) and x == x.lower() for x in out)
