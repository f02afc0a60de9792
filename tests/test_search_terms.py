"""Full-text queries find an actor under all its names and languages; syntax survives."""

from __future__ import annotations

import pytest

from multivector.services.knowledge import KnowledgeBase
from multivector.services.search_terms import NameExpander
from multivector.store.fts import compile_query


@pytest.fixture(scope="module")
def expander() -> NameExpander:
    return NameExpander(KnowledgeBase().registry)


def test_a_russian_name_brings_the_english_ones(expander: NameExpander) -> None:
    got = expander.expand("Россия санкции")
    [x] = got.expansions
    assert x.actor_id == "RUS" and {"Russia", "Russian Federation"} <= set(x.names)
    assert got.query.startswith('("Россия" OR ') and got.query.endswith(") санкции")
    compile_query(got.query)  # still a valid query


def test_lower_case_word_runs_and_quoted_phrases(expander: NameExpander) -> None:
    assert expander.expand("россия").expansions[0].actor_id == "RUS"
    run = expander.expand("trade with Russian Federation")
    assert [x.typed for x in run.expansions] == ["Russian Federation"]
    assert "Россия" in run.expansions[0].names
    quoted = expander.expand('"United States" OR Китай')
    assert [x.actor_id for x in quoted.expansions] == ["USA", "CHN"]
    assert ") OR (" in quoted.query
    compile_query(quoted.query)


def test_syntax_and_plain_words_are_left_alone(expander: NameExpander) -> None:
    for query in ("nuclear weapons", "Kazakh*", "(trade OR transit) NOT tariffs"):
        got = expander.expand(query)
        assert got.expansions == () and compile_query(got.query) == compile_query(query)
    neg = expander.expand("Казахстан NOT Россия")
    assert [x.actor_id for x in neg.expansions] == ["KAZ", "RUS"]
    assert " NOT (" in neg.query


def test_abbreviations_demonyms_and_case_forms_are_not_searched_for(
    expander: NameExpander,
) -> None:
    names = expander.names("USA") + expander.names("RUS") + expander.names("UN")
    assert "US" not in names and "USA" not in names and "UN" not in names  # "us", "un"
    assert "Russian" not in names and "России" not in names and "Moscow" not in names


def test_a_name_of_several_actors_is_searched_as_typed(expander: NameExpander) -> None:
    # "Almaty" is a city and, as the capital until 1997, stands for Kazakhstan
    assert expander.expand("Almaty").expansions == ()
