"""Decoding bytes to text: byte-order marks, UTF-8, UTF-16 without a mark, Russian single-byte
encodings chosen by how Russian the result reads, Latin text, and the inputs that must fail."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.errors import MultivectorError
from multivector.ingest.encodings import decode, russian_score
from multivector.ingest.errors import IngestError

# Texts written for these tests.
RUSSIAN = (
    "Министр иностранных дел провёл переговоры с коллегами из соседних государств. "
    "Стороны обсудили транзит грузов, совместное использование воды и подготовку нового "
    "договора о границе. Встреча прошла в деловой обстановке, следующая состоится осенью."
)
ENGLISH = (
    "The foreign minister held talks with colleagues from neighbouring states. The sides "
    "discussed freight transit, the shared use of water and a new border treaty."
)
FRENCH = "Le ministre a rencontré ses homologues à Genève : l'accord prévoit une coopération."
GERMAN = "Die Außenminister trafen sich in Genf; das Abkommen sieht größere Zusammenarbeit vor."

RU_WORDS = [
    "министр", "страна", "договор", "граница", "вода", "транзит", "переговоры", "соседи",
    "встреча", "решение", "закон", "совет", "союз", "мир", "безопасность", "торговля",
    "сотрудничество", "регион", "политика", "развитие", "народ", "государство", "интерес",
    "партнёр", "новый", "важный", "общий", "взаимный", "который", "этот", "также", "был", "были",
    "и", "в", "на", "с", "по", "для", "от", "о", "не", "что", "как",
]
EN_WORDS = [
    "minister", "country", "treaty", "border", "water", "transit", "talks", "neighbours",
    "meeting", "decision", "law", "council", "union", "peace", "security", "trade",
    "cooperation", "region", "policy", "development", "people", "state", "interest", "partner",
    "new", "important", "common", "mutual", "which", "this", "also", "was", "were", "and", "in",
    "on", "with", "for", "from", "of", "not", "that", "the", "a",
]


def sentences(words: list[str]) -> st.SearchStrategy[str]:
    """Realistic running text: sentences of vocabulary words, capitalised, with punctuation."""
    sentence = st.lists(st.sampled_from(words), min_size=3, max_size=14).map(
        lambda ws: " ".join(ws).capitalize() + "."
    )
    paragraph = st.lists(sentence, min_size=1, max_size=5).map(" ".join)
    return st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join).filter(
        lambda t: sum(c.isalpha() for c in t) >= 40
    )


RU_CODECS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1251",
             "koi8-r", "cp866"]
EN_CODECS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"]


@settings(max_examples=60, deadline=None)
@given(text=sentences(RU_WORDS), codec=st.sampled_from(RU_CODECS))
def test_russian_text_decodes_back_exactly_in_every_encoding(text: str, codec: str) -> None:
    assert decode(text.encode(codec), "doc.txt").text == text


@settings(max_examples=60, deadline=None)
@given(text=sentences(EN_WORDS), codec=st.sampled_from(EN_CODECS))
def test_english_text_decodes_back_exactly_in_every_encoding(text: str, codec: str) -> None:
    assert decode(text.encode(codec), "doc.txt").text == text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + RUSSIAN.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + RUSSIAN.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + RUSSIAN.encode("utf-16-be"), "utf-16-be"),
        (b"\xff\xfe\x00\x00" + RUSSIAN.encode("utf-32-le"), "utf-32-le"),
        (b"\x00\x00\xfe\xff" + RUSSIAN.encode("utf-32-be"), "utf-32-be"),
    ],
)
def test_byte_order_marks_are_honoured_and_removed(data: bytes, encoding: str) -> None:
    decoded = decode(data, "doc.txt")
    assert (decoded.text, decoded.encoding, decoded.confidence) == (RUSSIAN, encoding, 1.0)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [RUSSIAN, ENGLISH])
def test_utf16_without_a_mark_is_recognised_by_its_zero_bytes(codec: str, text: str) -> None:
    decoded = decode(text.encode(codec), "doc.txt")
    assert (decoded.text, decoded.encoding) == (text, codec)


@pytest.mark.parametrize("codec", ["cp1251", "koi8-r", "cp866"])
@pytest.mark.parametrize("text", [RUSSIAN, RUSSIAN.upper(), "Договор о границе подписан."])
def test_russian_single_byte_encodings_are_told_apart(codec: str, text: str) -> None:
    decoded = decode(text.encode(codec), "doc.txt")
    assert (decoded.text, decoded.encoding) == (text, codec)
    assert 0.5 <= decoded.confidence < 1.0


def test_the_right_codec_reads_most_like_russian() -> None:
    data = RUSSIAN.encode("koi8-r")
    assert russian_score(data.decode("koi8-r")) > russian_score(data.decode("cp1251")) + 0.5
    assert russian_score(data.decode("koi8-r")) > russian_score(data.decode("cp866")) + 0.5
    assert russian_score(ENGLISH) == 0.0


@pytest.mark.parametrize("text", [FRENCH, GERMAN])
def test_plainly_latin_text_is_read_as_cp1252(text: str) -> None:
    decoded = decode(text.encode("cp1252"), "doc.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


def test_utf8_wins_over_single_byte_guesses() -> None:
    decoded = decode((RUSSIAN + " " + FRENCH).encode("utf-8"), "doc.txt")
    assert decoded.encoding == "utf-8"
    assert decoded.text == RUSSIAN + " " + FRENCH


def test_line_endings_become_newlines() -> None:
    assert decode(b"one\r\ntwo\rthree\nfour", "doc.txt").text == "one\ntwo\nthree\nfour"
    assert decode("а\r\nб".encode("utf-16"), "doc.txt").text == "а\nб"


def test_a_file_cut_inside_its_last_character_keeps_the_rest() -> None:
    data = "Встреча состоится осенью".encode()[:-1]  # cut between the two bytes of "ю"
    assert decode(data, "doc.txt").text == "Встреча состоится осень"


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n", "  \n ".encode("utf-16")])
def test_empty_or_blank_input_is_an_error_naming_the_file(data: bytes) -> None:
    with pytest.raises(IngestError, match=r"^notes\.txt: .*(empty|whitespace)"):
        decode(data, "notes.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4,
        random.Random(7).randbytes(4096),
        ENGLISH.encode() + b"\x00\x00\x00\x01\x02" + ENGLISH.encode(),
        b"text with \x01\x02\x03\x04\x05\x06 control bytes throughout \x07\x08\x0e\x0f",
    ],
)
def test_binary_data_is_refused_with_a_next_step(data: bytes) -> None:
    with pytest.raises(IngestError) as info:
        decode(data, "scan.txt")
    assert "scan.txt" in str(info.value)
    assert "binary" in str(info.value)
    assert info.value.hint  # says what to do
    assert isinstance(info.value, MultivectorError)


def test_mixed_utf8_and_single_byte_text_is_refused_with_the_offset() -> None:
    data = RUSSIAN.encode("utf-8") + " и ещё".encode("cp1251")
    with pytest.raises(IngestError, match=rf"byte {len(RUSSIAN.encode()) + 1} "):
        decode(data, "mixed.txt")


def test_a_byte_order_mark_that_does_not_decode_is_not_trusted() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode(b"\xff\xfe" + "abc".encode("utf-16-le") + b"\x00\xd8", "odd.txt")
    text = "яю - так начинается эта строка, а дальше идёт обычный текст о переговорах"
    text += " Да!"
    data = text.encode("cp1251")  # starts with b"\xff\xfe", the UTF-16 LE mark
    assert data.startswith(b"\xff\xfe") and len(data) % 2 == 1
    assert (decode(data, "odd.txt").text, decode(data, "odd.txt").encoding) == (text, "cp1251")
