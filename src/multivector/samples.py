"""The samples bundled inside the package: CC0 corpora to try multivector on, with no download
and no folder beside the checkout.

A sample is a folder of ``data/samples/``: ``sample.json`` (what :class:`Sample` says), a README
(source, licence, citations) and the data, either one ``NAME.tar.xz`` archive of documents, read
in memory by :func:`iter_documents` into the same raw documents the ingest readers make of the
extracted folder, or Parquet tables of votes, read by :func:`read_table`.
"""

from __future__ import annotations

import json
import lzma
import tarfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from multivector.errors import MultivectorError, NotFoundError, UsageError
from multivector.ingest import (
    Failure,
    RawDocument,
    decode,
    meta_from_name,
    parse_speakers,
    read_bytes,
)
from multivector.ingest.errors import IngestError
from multivector.ingest.metadata import Speakers
from multivector.ingest.readers import SIDECAR_NAMES, SIDECAR_PREFIXES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SAMPLES",
    "Sample",
    "extract_sample",
    "get_sample",
    "iter_documents",
    "list_samples",
    "read_table",
    "table_path",
]

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
PREFIX = "sample:"  # documents read from a sample are named sample:NAME/FILE
REINSTALL = "the installed package is damaged: reinstall multivector"

Kind = Literal["documents", "votes"]


@dataclass(frozen=True)
class Sample:
    """A bundled sample: what it holds, where it comes from and how to cite it."""

    name: str
    title: str
    description: str
    kind: Kind
    licence: str
    source: str
    citations: tuple[str, ...]
    count: int  # documents (kind "documents") or votes, the rows of the main table ("votes")
    size: int  # bytes of the bundled data files, compressed as shipped
    countries: tuple[str, ...]  # ISO3 codes of the speakers; empty when every member state votes
    years: tuple[int, int]  # first and last, inclusive
    files: tuple[str, ...]  # the data files in the sample's folder

    @property
    def citation(self) -> str:
        """The works to cite, in one line."""
        return " ".join(self.citations)

    @property
    def tables(self) -> tuple[str, ...]:
        """The table names of a votes sample (for :func:`read_table`); empty for documents."""
        return tuple(f.removesuffix(".parquet") for f in self.files if f.endswith(".parquet"))


def list_samples() -> list[Sample]:
    """Every bundled sample, by name."""
    return [_load(folder) for folder in sorted(SAMPLES.iterdir())
            if (folder / "sample.json").is_file()]


def get_sample(name: str) -> Sample:
    """The sample called ``name`` (any case; a ``sample:`` prefix is allowed)."""
    key = name.strip().lower().removeprefix(PREFIX)
    samples = list_samples()
    for sample in samples:
        if sample.name == key:
            return sample
    raise NotFoundError(f"no sample named {name!r}", hint="the samples are "
                        f"{', '.join(s.name for s in samples)}; list_samples() describes them")


def iter_documents(
    name: str,
    *,
    countries: Collection[str] | None = None,
    years: tuple[int, int] | None = None,
) -> Iterator[RawDocument | Failure]:
    """The documents of a documents sample, read from its archive in memory, in file-name order.

    Text and metadata are those :func:`multivector.ingest.read_paths` gives for the extracted
    folder, except the names: a document's path is ``sample:NAME/FILE`` and the speakers
    table's ``sample:NAME/speakers.csv``. ``countries`` (ISO3 codes, any case) and ``years``
    (first, last; inclusive) keep the documents whose file name says so.
    """
    sample = _of_kind(name, "documents")
    wanted = _wanted_countries(sample, countries)
    if years is not None and years[0] > years[1]:
        raise UsageError(f"the years {years} run backwards",
                         hint=f"give (first, last), e.g. {sample.years}")
    members = _read_archive(sample)
    table = f"{PREFIX}{sample.name}/speakers.csv"
    speakers = _speakers(members.get("speakers.csv"), table)
    for member in sorted(members):
        path = PurePosixPath(member)
        base = path.name
        if any(p.startswith(".") for p in path.parts) or (
                base.lower() in SIDECAR_NAMES or base.lower().startswith(SIDECAR_PREFIXES)):
            continue
        meta = meta_from_name(path, speakers=(table, speakers))
        if (wanted is not None or years is not None) and not (
            meta is not None
            and (wanted is None or meta.country in wanted)
            and (years is None or (meta.date is not None
                                   and years[0] <= meta.date.year <= years[1]))
        ):
            continue
        yield from read_bytes(members[member], f"{PREFIX}{sample.name}/{base}", name_meta=meta)


def extract_sample(name: str, folder: Path) -> Path:
    """Write the sample's files into ``folder/NAME`` (made if need be) and return that folder.

    A documents sample gives its corpus folder (README.md, speakers.csv, texts/); a votes sample
    its Parquet tables and README.md. Files already there are overwritten.
    """
    sample = get_sample(name)
    target = folder / sample.name
    if sample.kind == "documents":
        files = _read_archive(sample)
    else:
        files = {f: _data_file(sample, f).read_bytes() for f in (*sample.files, "README.md")}
    for member, data in files.items():
        path = target.joinpath(*PurePosixPath(member).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


def table_path(name: str, table: str) -> Path:
    """The Parquet file of one table of a votes sample (``un_votes``, ...), for any reader."""
    sample = _of_kind(name, "votes")
    key = table.strip().lower().removesuffix(".parquet")
    if key not in sample.tables:
        raise NotFoundError(f"the sample {sample.name} has no table {table!r}",
                            hint=f"its tables are {', '.join(sample.tables)}")
    return _data_file(sample, f"{key}.parquet")


def read_table(name: str, table: str) -> pd.DataFrame:
    """One table of a votes sample as a pandas frame (for some columns only, give
    :func:`table_path` to ``pandas.read_parquet(path, columns=[...])``)."""
    import pandas as pd

    return pd.read_parquet(table_path(name, table))


# ---------------------------------------------------------------------------- reading the files


def _load(folder: Path) -> Sample:
    path = folder / "sample.json"
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        kind = raw["kind"]
        if kind not in ("documents", "votes"):
            raise ValueError(f"kind {kind!r} is neither documents nor votes")
        files = tuple(str(f) for f in raw["files"])
        first, last = (int(y) for y in raw["years"])
        sample = Sample(
            name=str(raw["name"]), title=str(raw["title"]), description=str(raw["description"]),
            kind="documents" if kind == "documents" else "votes", licence=str(raw["licence"]),
            source=str(raw["source"]), citations=tuple(str(c) for c in raw["citations"]),
            count=int(raw["count"]), size=0, files=files, years=(first, last),
            countries=tuple(str(c) for c in raw["countries"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MultivectorError(f"{path}: cannot read the sample's description ({exc})",
                               hint=REINSTALL) from exc
    return replace(sample, size=sum(_data_file(sample, f).stat().st_size for f in files))


def _data_file(sample: Sample, file: str) -> Path:
    path = SAMPLES / sample.name / file
    if not path.is_file():
        raise MultivectorError(f"{path}: a file of the sample {sample.name} is missing",
                               hint=REINSTALL)
    return path


def _of_kind(name: str, kind: Kind) -> Sample:
    sample = get_sample(name)
    if sample.kind != kind:
        reader = (f"read_table({sample.name!r}, {sample.tables[0]!r})" if sample.tables
                  else f"iter_documents({sample.name!r})")
        raise UsageError(f"the sample {sample.name} holds {sample.kind}, not {kind}",
                         hint=f"read it with {reader}")
    return sample


def _wanted_countries(sample: Sample, countries: Collection[str] | None) -> set[str] | None:
    if countries is None:
        return None
    wanted = {countries.upper()} if isinstance(countries, str) else {c.upper() for c in countries}
    if unknown := sorted(wanted - set(sample.countries)):
        raise UsageError(f"the sample {sample.name} has no documents of {', '.join(unknown)}",
                         hint=f"its countries are {', '.join(sample.countries)}")
    return wanted


def _read_archive(sample: Sample) -> dict[str, bytes]:
    """Member name -> bytes, for every regular file of the sample's archive."""
    path = _data_file(sample, f"{sample.name}.tar.xz")
    out: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:xz") as archive:
            for info in archive:
                member = PurePosixPath(info.name)
                if member.is_absolute() or ".." in member.parts:
                    raise tarfile.TarError(f"member {info.name!r} points outside the archive")
                handle = archive.extractfile(info) if info.isfile() else None
                if handle is not None:
                    out[info.name] = handle.read()
    except (OSError, tarfile.TarError, lzma.LZMAError) as exc:
        raise MultivectorError(f"{path}: cannot read the sample's archive ({exc})",
                               hint=REINSTALL) from exc
    return out


def _speakers(data: bytes | None, name: str) -> Speakers:
    """The rows of the archive's speakers.csv (``data``, recorded as ``name``), as ingest reads
    the file beside an extracted folder."""
    if data is None:
        return {}
    try:
        return parse_speakers(decode(data, name).text)
    except IngestError:
        return {}  # an unreadable sidecar only costs the speaker names, as in ingest
