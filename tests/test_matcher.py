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


@given(text=st.text(alphabet="aB \n\t,.-’“Ёё", max_size=40))
def test_word_form_offsets_map_back_in_order(text: str) -> None:
    """The scanners' form (punctuation as spaces) keeps every letter at its original offset."""
    n = normalize(text, words=True)
    assert len(n.text) == len(normalize(text).text)  # one for one after the collapse
    previous = -1
    for i, ch in enumerate(n.text):
        at = n.to_original(i)
        assert at > previous
        previous = at
        if ch != " ":
            assert text[at].lower().replace("ё", "е") == ch
        else:
            assert not text[at].isalnum()


def test_punctuation_in_a_phrase_matches_punctuation_or_space() -> None:
    m = matcher(("Asia-Pacific", "APAC"), ("Korea, Republic of", "KOR"))
    assert spans(m, "the Asia Pacific and the Asia–Pacific; Korea, Republic of") == [
        ("Asia Pacific", "APAC"), ("Asia–Pacific", "APAC"), ("Korea, Republic of", "KOR")]
    # the comma belongs to the phrase: without it the two spaces of the key are not there
    assert spans(m, "Korea Republic of") == []


def test_a_phrase_keeps_its_final_punctuation_in_the_span() -> None:
    m = matcher(("U.S.", "USA"), ("ОПЕК+", "OPEC+"))
    assert spans(m, "the U.S. and ОПЕК+ met; the U.S delegation") == [
        ("U.S.", "USA"), ("ОПЕК+", "OPEC+"), ("U.S", "USA")]


def test_names_next_to_any_punctuation_are_found() -> None:
    m = matcher(("Russia", "RUS"), ("Россия", "RUS"))
    text = "(Russia), «Россия»; “Russia”! Russia’s €Russia/Russia №Россия"
    assert [s for s, _ in spans(m, text)] == ["Russia", "Россия", "Russia", "Russia", "Russia",
                                               "Russia", "Россия"]


def test_capital_rule_belongs_to_the_phrase_not_the_key() -> None:
    # two spellings share one key; only the capitalised one asks for a capital in the text
    m = matcher(("low-enriched uranium bank", "LEU"), ("Low Enriched Uranium Bank", "LEU-name"))
    assert [x.payloads for x in m.find("a low enriched uranium bank")] == [("LEU",)]
    assert [x.payloads for x in m.find("the Low-Enriched Uranium Bank")] == [
        ("LEU", "LEU-name")]
