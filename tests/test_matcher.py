"""The phrase matcher: word boundaries, case rules, hard-wrapped text, offsets into the original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from multivector.text.matcher import PhraseMatcher, is_abbreviation
from multivector.text.normalize import normalize


def matcher(*pairs: tuple[str, str]) -> PhraseMatcher[str]:
    m: PhraseMatcher[str] = PhraseMatcher()
    for phrase, payload in pairs:
        m.add(phrase, payload)
    return m


def spans(m: PhraseMatcher[str], text: str) -> list[tuple[str, str]]:
    return [(text[x.start:x.end], x.payloads[0]) for x in m.find(text)]


def test_longest_match_wins_and_boundaries_hold() -> None:
    m = matcher(("Korea", "X"), ("Republic of Korea", "KOR"), ("India", "IND"))
    assert spans(m, "the Republic of Korea and Indiana") == [("Republic of Korea", "KOR")]


def test_abbreviations_keep_their_case() -> None:
    m = matcher(("US", "USA"), ("UN", "UN"), ("ООН", "UN"))
    assert spans(m, "let us go to the UN with the US and ООН") == [
        ("UN", "UN"), ("US", "USA"), ("ООН", "UN")]
    assert spans(m, "un, us, оон") == []


def test_capitalised_names_need_a_capital_in_text() -> None:
    m = matcher(("Turkey", "TUR"), ("China", "CHN"))
    assert spans(m, "turkey and fine china; Turkey and China") == [
        ("Turkey", "TUR"), ("China", "CHN")]


def test_hard_wrapped_names_and_typography() -> None:
    m = matcher(("United Nations", "UN"), ("People's Republic of China", "CHN"), ("Ёлка", "E"))
    text = "the United\n   Nations and the People’s Republic of China, Елка, елка"
    assert spans(m, text) == [("United\n   Nations", "UN"),
                              ("People’s Republic of China", "CHN"), ("Елка", "E")]


def test_hyphen_and_possessive_are_boundaries() -> None:
    m = matcher(("Russia", "RUS"), ("China", "CHN"))
    assert spans(m, "Russia-China talks; Russia's view") == [
        ("Russia", "RUS"), ("China", "CHN"), ("Russia", "RUS")]


def test_lookup_of_a_whole_phrase() -> None:
    m = matcher(("Russia", "RUS"), ("EU", "EU"))
    assert m.lookup("  russia ") == ()  # a capitalised name typed in lower case is not a name
    assert m.lookup("Russia") == ("RUS",)
    assert m.lookup("EU") == ("EU",)


def test_is_abbreviation() -> None:
    assert is_abbreviation("U.S.") and is_abbreviation("G20") and is_abbreviation("ЕАЭС")
    assert not is_abbreviation("Russia")


_filler = st.text(alphabet="abc xyz,.\n", max_size=30)


@given(before=_filler, after=_filler)
def test_a_name_between_any_fillers_is_found_at_its_offset(before: str, after: str) -> None:
    m = matcher(("Kazakhstan", "KAZ"))
    text = f"{before} Kazakhstan {after}"
    found = m.find(text)
    assert [(x.start, x.end) for x in found] == [(len(before) + 1, len(before) + 11)]


@given(word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=5))
def test_a_name_glued_to_letters_is_never_found(word: str) -> None:
    m = matcher(("Kazakhstan", "KAZ"))
    assert m.find(f"Kazakhstan{word}") == []
    assert m.find(f"{word}Kazakhstan") == []


@given(text=st.text(alphabet="ab \n\t", max_size=40))
def test_normalize_offsets_map_back(text: str) -> None:
    n = normalize(text)
    for i, ch in enumerate(n.text):
        if ch != " ":
            assert text[n.to_original(i)].lower() == ch
