"""The bundled samples: described, found by name, read in memory into the very documents the
ingest readers make of the extracted folder, filtered, and the vote tables read with pandas."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from multivector import samples
from multivector.errors import NotFoundError, UsageError
from multivector.ingest import Failure, RawDocument, read_paths
from multivector.ingest.metadata import UNGD_SOURCE
from multivector.samples import (
    extract_sample,
    get_sample,
    iter_documents,
    list_samples,
    read_table,
    table_path,
)
from tests.conftest import SHARED

UNGD = "ungd-central-asia"


@pytest.fixture(scope="module")
def documents() -> list[RawDocument]:
    items = list(iter_documents(UNGD))
    assert all(isinstance(i, RawDocument) for i in items), [i for i in items
                                                            if isinstance(i, Failure)]
    return [i for i in items if isinstance(i, RawDocument)]


def as_read_from(docs: Iterable[RawDocument | Failure], sample: str) -> list[RawDocument]:
    """Documents read from an extracted folder, renamed as the sample names them."""
    out = []
    for d in docs:
        assert isinstance(d, RawDocument), d
        name = f"sample:{sample}/{Path(d.origin.path).name}"
        extra = dict(d.meta.extra)
        if "speakers_table" in extra:
            extra["speakers_table"] = f"sample:{sample}/speakers.csv"
        out.append(replace(d, meta=replace(d.meta, path=name, extra=extra),
                           origin=replace(d.origin, path=name)))
    return out


# ------------------------------------------------------------------ the catalogue


def test_both_samples_are_described_with_their_licence_and_citation() -> None:
    found = {s.name: s for s in list_samples()}
    assert set(found) == {UNGD, "unvotes"}
    ungd, votes = found[UNGD], found["unvotes"]
    assert (ungd.kind, ungd.count, ungd.countries, ungd.years) == (
        "documents", 156, ("KAZ", "KGZ", "TJK", "TKM", "UZB"), (1992, 2024))
    assert (votes.kind, votes.count, votes.years) == ("votes", 869_937, (1946, 2019))
    assert votes.tables == ("un_votes", "un_roll_calls", "un_roll_call_issues")
    assert ungd.tables == ()
    assert "Jankin" in ungd.citation and "Baturo" in ungd.citation and "Voeten" in votes.citation
    for s in found.values():
        folder = samples.SAMPLES / s.name
        assert s.licence.startswith("CC0")
        assert s.size == sum((folder / f).stat().st_size for f in s.files)
        readme = " ".join((folder / "README.md").read_text(encoding="utf-8").split())
        assert all(c in readme for c in (*s.citations, "CC0"))
    # a sample stays small inside the wheel
    assert ungd.size < 600_000 and votes.size < 800_000


def test_a_sample_is_found_in_any_case_and_with_its_prefix() -> None:
    assert get_sample("UNGD-Central-Asia").name == UNGD
    assert get_sample(" sample:unvotes ").name == "unvotes"


def test_an_unknown_sample_names_the_samples_there_are() -> None:
    with pytest.raises(NotFoundError, match="ungd-asia") as raised:
        get_sample("ungd-asia")
    assert "ungd-central-asia, unvotes" in raised.value.hint
    with pytest.raises(NotFoundError):
        list(iter_documents("nope"))
    with pytest.raises(NotFoundError):
        table_path("nope", "un_votes")


def test_a_sample_of_the_other_kind_says_how_to_read_it() -> None:
    with pytest.raises(UsageError, match="holds votes") as raised:
        list(iter_documents("unvotes"))
    assert "read_table('unvotes', 'un_votes')" in raised.value.hint
    with pytest.raises(UsageError, match="holds documents") as raised:
        table_path(UNGD, "un_votes")
    assert "iter_documents('ungd-central-asia')" in raised.value.hint


# ------------------------------------------------------------------ the statements


def test_the_statements_are_all_there_with_speakers(documents: list[RawDocument]) -> None:
    assert len(documents) == 156
    kaz = [d for d in documents if d.meta.country == "KAZ"]
    assert len(kaz) == 33
    assert sorted(d.meta.date.year for d in kaz if d.meta.date) == list(range(1992, 2025))
    assert {d.meta.country for d in documents} == set(get_sample(UNGD).countries)
    assert {d.meta.date.year for d in documents if d.meta.date} <= set(range(1992, 2025))
    assert {d.meta.language for d in documents} == {"en"}
    assert all(d.meta.source == UNGD_SOURCE and d.meta.author for d in documents)
    assert all(d.meta.extra["speakers_table"] == "sample:ungd-central-asia/speakers.csv"
               for d in documents)
    first = documents[0]
    assert first.origin.path == first.meta.path == "sample:ungd-central-asia/KAZ_47_1992.txt"
    assert [d.origin.path for d in documents] == sorted(d.origin.path for d in documents)


def test_kazakhstan_2020_is_tokayevs_statement() -> None:
    (doc,) = iter_documents(UNGD, countries=["KAZ"], years=(2020, 2020))
    assert isinstance(doc, RawDocument)
    assert (doc.meta.author, doc.meta.date, doc.meta.extra["post"]) == (
        "Kassym-Jomart Tokayev", dt.date(2020, 9, 25), "President")


@pytest.mark.parametrize(("countries", "years"), [
    (["kaz"], None), ("TJK", None), (None, (2000, 2004)), (["KGZ", "uzb"], (1992, 1999)),
    (None, (2030, 2040)), ([], None),
])
def test_filters_keep_what_the_file_names_say(
    documents: list[RawDocument], countries: list[str] | str | None,
    years: tuple[int, int] | None,
) -> None:
    wanted = None if countries is None else (
        {countries} if isinstance(countries, str) else {c.upper() for c in countries})
    expected = [d for d in documents
                if (wanted is None or d.meta.country in wanted)
                and (years is None or (d.meta.date and years[0] <= d.meta.date.year <= years[1]))]
    got = list(iter_documents(UNGD, countries=countries, years=years))
    assert got == expected
    assert (len(got) > 0) == (years != (2030, 2040) and countries != [])


def test_bad_filters_say_what_would_work() -> None:
    with pytest.raises(UsageError, match="RUS") as raised:
        list(iter_documents(UNGD, countries=["KAZ", "RUS"]))
    assert "KAZ, KGZ, TJK, TKM, UZB" in raised.value.hint
    with pytest.raises(UsageError, match="backwards"):
        list(iter_documents(UNGD, years=(2024, 1992)))


def test_the_sample_reads_as_its_extracted_folder_does(
    documents: list[RawDocument], ungd_folder: Path
) -> None:
    assert (ungd_folder / "speakers.csv").is_file()
    assert "Jankin" in (ungd_folder / "README.md").read_text(encoding="utf-8")
    assert documents == as_read_from(read_paths([ungd_folder / "texts"]), UNGD)


CHECKSUMS = json.loads((Path(__file__).parent / "data" / "sample_checksums.json").read_text(
    encoding="utf-8"))


def test_the_sample_is_the_published_corpus(ungd_folder: Path) -> None:
    """Every file of the archive is byte for byte the published one (checksums recorded from
    the published files); where those sit beside the checkout, they are compared too."""
    expected = CHECKSUMS[UNGD]
    got = {str(p.relative_to(ungd_folder)): hashlib.sha256(p.read_bytes()).hexdigest()
           for p in sorted(ungd_folder.rglob("*")) if p.is_file()}
    assert got == expected and len(got) == 158
    published = SHARED / "corpora" / UNGD
    if published.is_dir():
        assert {name: hashlib.sha256((published / name).read_bytes()).hexdigest()
                for name in expected} == expected


def test_archive_members_read_as_files_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-made sample: a Russian text in cp1251, a name with no convention, an empty file, a
    table of two documents, a README and a speakers table, read from the archive and from the
    folder alike."""
    files = {
        "README.md": b"A test sample.\n",
        "speakers.csv": b"Year,ISO Code,Name of Person Speaking,Post\n2001,KAZ,Mr. A. TESTOV,\n",
        "texts/KAZ_56_2001.txt": "Делегация говорила о воде и о границе с соседями. "
                                 "Переговоры продолжатся весной.\r\n".encode("cp1251"),
        "texts/notes.txt": b"Plain notes about the water talks, in English, with no date.",
        "texts/KGZ_56_2001.txt": b"  \n",
        "texts/rows.jsonl": b'{"text": "First row on water.", "date": "2001-05-02"}\n'
                            b'{"note": "no text field here"}\n',
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    folder = tmp_path / "samples" / "tst"
    folder.mkdir(parents=True)
    (folder / "tst.tar.xz").write_bytes(buf.getvalue())
    (folder / "README.md").write_text("A test sample, CC0.", encoding="utf-8")
    (folder / "sample.json").write_text(json.dumps({
        "name": "tst", "title": "Test", "kind": "documents", "description": "Made here.",
        "licence": "CC0-1.0", "source": "these tests", "citations": [], "count": 3,
        "countries": ["KAZ", "KGZ"], "years": [2001, 2001], "files": ["tst.tar.xz"]}),
        encoding="utf-8")
    monkeypatch.setattr(samples, "SAMPLES", tmp_path / "samples")

    from_archive = list(iter_documents("tst"))
    extracted = extract_sample("tst", tmp_path / "out")
    from_folder = list(read_paths([extracted / "texts"]))
    kaz, empty, notes, row, no_text = from_archive
    assert [kaz, notes, row] == as_read_from(
        [from_folder[0], from_folder[2], from_folder[3]], "tst")
    assert isinstance(empty, Failure) and isinstance(no_text, Failure)
    for got, on_disk in ((empty, from_folder[1]), (no_text, from_folder[4])):
        assert isinstance(on_disk, Failure)
        assert (got.row, got.reason) == (on_disk.row, on_disk.reason)
    assert (empty.path, no_text.path) == ("sample:tst/KGZ_56_2001.txt", "sample:tst/rows.jsonl")
    assert "the file is empty" in empty.reason and no_text.row == 2
    assert isinstance(row, RawDocument) and (row.origin.row, row.meta.date) == (
        1, dt.date(2001, 5, 2))
    assert isinstance(kaz, RawDocument)
    assert (kaz.meta.author, kaz.meta.language, kaz.meta.extra["encoding"]) == (
        "A. Testov", "ru", "cp1251")
    assert "post" not in kaz.meta.extra
    assert [d.origin.path for d in iter_documents("tst", countries=["KAZ"])] == [
        "sample:tst/KAZ_56_2001.txt"]


# ------------------------------------------------------------------ the votes


def test_the_vote_tables_read_with_their_types() -> None:
    votes = read_table("unvotes", "un_votes")
    calls = read_table("unvotes", "UN_Roll_Calls")
    issues = read_table("unvotes", "un_roll_call_issues.parquet")
    assert votes.shape == (get_sample("unvotes").count, 4)
    assert calls.shape == (6_202, 9) and issues.shape == (5_745, 3)
    assert list(votes.columns) == ["rcid", "country", "country_code", "vote"]
    assert set(votes["vote"].unique()) == {"yes", "no", "abstain"}
    assert pd.api.types.is_integer_dtype(calls["session"])
    assert pd.api.types.is_datetime64_any_dtype(calls["date"])
    assert calls["rcid"].is_unique and votes["rcid"].isin(calls["rcid"]).all()
    # "NA" is Namibia's code, not a missing value
    assert (votes.loc[votes["country"] == "Namibia", "country_code"] == "NA").all()
    kaz = votes[votes["country_code"] == "KZ"].merge(calls, on="rcid")
    assert len(kaz) == 2_393 and kaz["date"].min() == pd.Timestamp("1992-09-03")


def test_an_unknown_table_names_the_tables() -> None:
    with pytest.raises(NotFoundError, match="votes2") as raised:
        table_path("unvotes", "votes2")
    assert raised.value.hint == "its tables are un_votes, un_roll_calls, un_roll_call_issues"


def test_the_vote_tables_are_the_published_tables(tmp_path: Path) -> None:
    """Each Parquet table holds the published CSV table (same rows, same values), checked by
    the checksum recorded from the CSV; where the CSV files sit beside the checkout, against
    them too."""
    published = SHARED / "corpora" / "unvotes"
    for table in get_sample("unvotes").tables:
        frame = read_table("unvotes", table)
        text = frame.to_csv(index=False, lineterminator="\n")
        assert len(frame) == CHECKSUMS["unvotes"][table]["rows"]
        assert hashlib.sha256(text.encode()).hexdigest() == CHECKSUMS["unvotes"][table]["sha256"]
        if published.is_dir():
            csv = pd.read_csv(published / f"{table}.csv.gz", keep_default_na=False,
                              na_values=[""])
            if table == "un_roll_calls":
                csv["session"] = csv["session"].astype("int64")
                csv["date"] = pd.to_datetime(csv["date"], format="%Y-%m-%d")
            pd.testing.assert_frame_equal(frame, csv)
    extracted = extract_sample("unvotes", tmp_path)
    assert sorted(p.name for p in extracted.iterdir()) == [
        "README.md", "un_roll_call_issues.parquet", "un_roll_calls.parquet", "un_votes.parquet"]
