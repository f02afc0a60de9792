"""Edition alignment: which concept edition each document reads most like, so a shift can be dated.

Each document gets a score per edition (e.g. every UN statement against kaz/2014-2020 and
kaz/2020-2030) from its theme profile ("profile"), from its passage embeddings ("embedding"),
or from both; :meth:`AlignmentResult.shift_year` finds the first year from which the newer
edition wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from multivector.analysis.frames import documents_frame, elements_frame, records_of, themes_frame
from multivector.domain.concept import Edition
from multivector.domain.knowledge import Knowledge
from multivector.domain.results import Tabular
from multivector.errors import UsageError
from multivector.store.base import CorpusRepository, Filters
from multivector.text.embedder import Embedder

Method = Literal["profile", "embedding", "both"]
METHODS = ("profile", "embedding", "both")
DOC_COLUMNS = ["doc_id", "date", "year", "title", "country", "n_passages"]
CONTRIBUTIONS_PER_PAIR = 3


def expand(theme: str) -> list[str]:
    """A theme and its parents: ``security.nuclear`` -> ``security.nuclear``, ``security``."""
    parts = theme.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def edition_profile(edition: Edition) -> dict[str, float]:
    """Theme weights of an edition: the number of its elements that carry each theme, a
    theme's parents included (an element counts once per theme however many of its themes
    share a parent). Elements without themes add nothing."""
    weights: dict[str, float] = {}
    for el in edition.elements:
        for theme in {t for own in el.themes for t in expand(own)}:
            weights[theme] = weights.get(theme, 0.0) + 1.0
    return weights


def document_profiles(themes: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Documents x themes: the share of each document's passages coded to each theme (or to a
    sub-theme of it)."""
    rows = [
        (doc_id, passage, t)
        for doc_id, passage, theme in zip(
            themes["doc_id"], themes["passage"], themes["theme"], strict=True
        )
        for t in expand(str(theme))
    ]
    pairs = pd.DataFrame(rows, columns=["doc_id", "passage", "theme"]).drop_duplicates()
    counts = pairs.groupby(["doc_id", "theme"]).size().unstack(fill_value=0)
    counts = counts.reindex(documents["doc_id"]).fillna(0)
    n = documents.set_index("doc_id")["n_passages"].reindex(counts.index).clip(lower=1)
    return counts.div(n, axis=0)


@dataclass(frozen=True, eq=False)
class AlignmentResult(Tabular):
    """A score per document and edition, and the best edition of each document.

    ``table`` (one row per document, by date): doc_id, date, year, title, country, n_passages,
    then per edition E (``editions`` are in time order): ``profile:E`` (cosine of theme
    profiles), ``elements:E`` (share of the document's coded elements that E holds),
    ``embedding:E`` (cosine of mean embeddings), as the method asks; ``score:E`` (the score
    the method ranks by, less its mean over the documents when ``relative``); ``best`` (the
    edition with the highest score; None on a tie) and ``margin`` (best minus second best).
    ``evidence``: the themes that contribute most to each profile cosine
    (doc_id, edition, rank, theme, doc_share, edition_weight, contribution).
    """

    editions: tuple[str, ...]
    method: Method
    relative: bool
    table: pd.DataFrame
    evidence: pd.DataFrame
    notes: tuple[str, ...] = ()

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def long_frame(self) -> pd.DataFrame:
        """doc_id, date, year, country, edition, measure (profile, elements, embedding,
        score), value."""
        measures = [c for c in self.table.columns if ":" in c]
        long = self.table.melt(
            id_vars=["doc_id", "date", "year", "country"],
            value_vars=measures,
            var_name="column",
            value_name="value",
        )
        parts = long["column"].str.split(":", n=1)
        long["measure"], long["edition"] = parts.str[0], parts.str[1]
        return long[["doc_id", "date", "year", "country", "edition", "measure", "value"]]

    def _pair(self, older: str | None, newer: str | None) -> tuple[str, str]:
        if len(self.editions) < 2 and (older is None or newer is None):
            raise UsageError(
                "dating a shift needs two editions",
                hint="align the documents with at least two editions",
            )
        older = older or self.editions[-2]
        newer = newer or self.editions[-1]
        for e in (older, newer):
            if e not in self.editions:
                raise UsageError(
                    f"edition {e!r} was not aligned", hint=f"use one of: {', '.join(self.editions)}"
                )
        return older, newer

    def yearly(
        self, older: str | None = None, newer: str | None = None, *, country: str | None = None
    ) -> pd.DataFrame:
        """Per year: documents scored, documents where ``newer`` scores higher than ``older``
        (ties count for neither), and their share (default: the last two editions)."""
        older, newer = self._pair(older, newer)
        t = self.table
        if country is not None:
            t = t[t["country"] == country]
        a, b = t[f"score:{older}"], t[f"score:{newer}"]
        scored = t[a.notna() & b.notna() & t["year"].notna()]
        wins = (scored[f"score:{newer}"] > scored[f"score:{older}"]).astype(int)
        out = (
            scored.assign(newer_wins=wins)
            .groupby("year")
            .agg(documents=("doc_id", "size"), newer_wins=("newer_wins", "sum"))
            .reset_index()
        )
        out["year"] = out["year"].astype(int)
        out["share_newer"] = out["newer_wins"] / out["documents"]
        return out

    def shift_year(
        self,
        older: str | None = None,
        newer: str | None = None,
        *,
        window: int = 3,
        country: str | None = None,
    ) -> int | None:
        """The first year from which ``newer`` wins on a rolling majority, or None.

        A year Y qualifies when ``newer`` scores higher than ``older`` in more than half of
        Y's documents, and in more than half of the documents of every window of ``window``
        calendar years starting at Y or later (so one odd year inside a run does not break
        it, but a run of them does). Default editions: the last two; ``country`` keeps only
        documents of that speaker's country.
        """
        if window < 1:
            raise UsageError("window must be at least one year", hint="try 3")
        per_year = self.yearly(older, newer, country=country)
        years = list(per_year["year"])
        wins = dict(zip(years, per_year["newer_wins"], strict=True))
        docs = dict(zip(years, per_year["documents"], strict=True))

        def majority(start: int) -> bool:
            span = [y for y in years if start <= y < start + window]
            return bool(2 * sum(wins[y] for y in span) > sum(docs[y] for y in span))

        for i, year in enumerate(years):
            if 2 * wins[year] > docs[year] and all(majority(y) for y in years[i:]):
                return int(year)
        return None


def edition_alignment(
    source: Any,
    editions: Sequence[Edition | str],
    *,
    method: Method = "profile",
    embedder: Embedder | None = None,
    knowledge: Knowledge | None = None,
    filters: Filters | None = None,
    min_score: float = 0.0,
    relative: bool = False,
) -> AlignmentResult:
    """Score every document against every edition.

    ``source`` is a corpus repository or a mapping of frames: ``documents`` (a documents
    frame), ``themes`` (profile), optionally ``elements``, and ``embeddings`` (doc_id ->
    passages x dim matrix; embedding method). ``editions`` are editions, or ids looked up in
    ``knowledge``. (:meth:`multivector.services.corpus.Corpus.alignment` supplies the store,
    the knowledge base and the corpus's embedder.)

    ``profile``: cosine between the document's theme profile (the share of its passages coded
    to each theme, parents included) and the edition's (the number of its elements carrying
    each theme, parents included; see :func:`edition_profile`). Beside it, ``elements:E`` is
    the share of the document's coded elements (passage x element) that edition E holds.
    Caveat: the elements layer is coded against one edition, so this share favours that
    edition (the others can only match the elements they share with it); it is reported, not
    ranked by.

    ``embedding``: cosine between the normalised mean of the document's stored passage
    embeddings and the normalised mean embedding of the edition's element titles and
    summaries, computed with ``embedder``, which must be the one the store was built with
    (same dimension at least).

    ``both``: the mean of the two cosines.

    Editions of one country share most of their themes and wording, so raw cosines tend to
    favour the broadest edition in every year. With ``relative``, ``score:E`` is the cosine
    minus its mean over all the documents scored: how much more the document resembles E than
    the average document does; the best edition is then the one the document leans to, and a
    shift shows as the year the lean changes (the baseline is the documents given: filter
    them to one country to date that country's shift).
    """
    if method not in METHODS:
        raise UsageError(f"unknown alignment method {method!r}", hint=", ".join(METHODS))
    store, frames = _inputs(source)
    eds = sorted(
        (_edition(e, knowledge) for e in editions),
        key=lambda e: (e.period_start, e.adopted or pd.Timestamp.min.date(), e.id),
    )
    if not eds:
        raise UsageError("no editions to align with", hint="give one or more edition ids")
    ids = tuple(e.id for e in eds)
    if len(set(ids)) < len(ids):
        raise UsageError(f"an edition is listed twice in {list(ids)}", hint="list each once")

    docs = frames.get("documents")
    if docs is None:
        if store is None:
            raise UsageError("the frames lack 'documents'", hint="give a documents frame")
        docs = documents_frame(store, filters)
    table = docs[DOC_COLUMNS].reset_index(drop=True).copy()
    notes: list[str] = []
    evidence = pd.DataFrame(
        columns=[
            "doc_id",
            "edition",
            "rank",
            "theme",
            "doc_share",
            "edition_weight",
            "contribution",
        ]
    )
    if method in ("profile", "both"):
        themes = _frame(frames, "themes", store, filters, themes_frame)
        elements = frames.get("elements")
        if elements is None and store is not None:
            elements = elements_frame(store, filters)
        evidence = _profile_scores(table, themes[themes["score"] >= min_score], eds)
        notes += _element_shares(table, elements, eds)
    if method in ("embedding", "both"):
        if embedder is None:
            raise UsageError(
                "the embedding method needs the embedder the corpus was coded with",
                hint="pass embedder=, or call Corpus.alignment, which passes the corpus's own",
            )
        emb = embedder
        vectors = frames.get("embeddings")
        lookup = (
            vectors.get
            if isinstance(vectors, Mapping)
            else (store.embeddings if store is not None else None)
        )
        if lookup is None:
            raise UsageError(
                "the embedding method needs passage embeddings",
                hint="give a store, or frames with an 'embeddings' mapping",
            )
        _embedding_scores(table, lookup, eds, emb)
    for e in ids:
        if method == "both":
            score = table[[f"profile:{e}", f"embedding:{e}"]].mean(axis=1)
        else:
            score = table[f"{method}:{e}"]
        table[f"score:{e}"] = score - score.mean() if relative else score
    scores = table[[f"score:{e}" for e in ids]].to_numpy(dtype=float)
    table["best"], table["margin"] = _best(scores, ids)
    return AlignmentResult(ids, method, relative, table, evidence, tuple(notes))


# ------------------------------------------------------------------------------ inputs


def _inputs(source: Any) -> tuple[CorpusRepository | None, Mapping[str, Any]]:
    """(store, frames) from what the caller gave."""
    if isinstance(source, Mapping):
        return None, source
    if hasattr(source, "annotation_table") and hasattr(source, "embeddings"):
        return source, {}
    raise UsageError(
        f"cannot read documents from {type(source).__name__}",
        hint="give a corpus store or a mapping of frames (or call Corpus.alignment)",
    )


def _edition(ref: Edition | str, kb: Knowledge | None) -> Edition:
    if isinstance(ref, Edition):
        return ref
    if kb is None:
        raise UsageError(
            f"edition {ref!r} given by id without a knowledge base",
            hint="pass Edition objects, or knowledge= to look ids up in",
        )
    return kb.edition(ref)


def _frame(
    frames: Mapping[str, Any],
    key: str,
    store: CorpusRepository | None,
    filters: Filters | None,
    read: Any,
) -> pd.DataFrame:
    frame = frames.get(key)
    if frame is None:
        if store is None:
            raise UsageError(f"the frames lack {key!r}", hint=f"give a {key} frame")
        frame = read(store, filters)
    assert isinstance(frame, pd.DataFrame)
    return frame


# ------------------------------------------------------------------------------ scores


def _cosine(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> float:
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(a @ b) / (na * nb) if na > 0 and nb > 0 else float("nan")


def _profile_scores(table: pd.DataFrame, themes: pd.DataFrame, eds: list[Edition]) -> pd.DataFrame:
    profiles = document_profiles(themes, table)
    weights = {e.id: edition_profile(e) for e in eds}
    vocab = sorted(set(profiles.columns) | {t for w in weights.values() for t in w})
    docs = profiles.reindex(columns=vocab, fill_value=0.0).reindex(table["doc_id"]).fillna(0.0)
    matrix = docs.to_numpy(dtype=float)
    targets = {e: np.array([w.get(t, 0.0) for t in vocab]) for e, w in weights.items()}
    rows = []
    for e in eds:
        w = targets[e.id]
        table[f"profile:{e.id}"] = [_cosine(d, w) for d in matrix]
        wn = float(np.linalg.norm(w))
        for doc_id, d in zip(table["doc_id"], matrix, strict=True):
            dn = float(np.linalg.norm(d))
            if dn == 0 or wn == 0:
                continue
            parts = d * w / (dn * wn)
            for rank, j in enumerate(np.argsort(-parts, kind="stable")[:CONTRIBUTIONS_PER_PAIR], 1):
                if parts[j] > 0:
                    rows.append(
                        (doc_id, e.id, rank, vocab[j], float(d[j]), float(w[j]), float(parts[j]))
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "doc_id",
            "edition",
            "rank",
            "theme",
            "doc_share",
            "edition_weight",
            "contribution",
        ],
    )


def _element_shares(
    table: pd.DataFrame, elements: pd.DataFrame | None, eds: list[Edition]
) -> list[str]:
    if elements is None or not len(elements):
        for e in eds:
            table[f"elements:{e.id}"] = float("nan")
        return ["no coded elements: elements:E columns are empty"]
    pairs = elements.drop_duplicates(["doc_id", "passage", "element"])
    total = pairs.groupby("doc_id").size()
    for e in eds:
        held = pairs[pairs["element"].isin({el.id for el in e.elements})].groupby("doc_id").size()
        share = held.reindex(total.index, fill_value=0) / total
        table[f"elements:{e.id}"] = table["doc_id"].map(share).astype(float)
    coded = sorted({str(x) for x in elements.get("edition", pd.Series(dtype=object)).dropna()})
    if len(coded) == 1:
        return [
            f"elements were coded against {coded[0]} only: the elements:E shares favour "
            f"it (other editions match only the elements they share with it)"
        ]
    return []


def _edition_vector(edition: Edition, embedder: Embedder) -> np.ndarray[Any, Any]:
    """The mean embedding of the edition's element titles and summaries."""
    texts = [f"{el.title}. {el.summary}" for el in edition.elements]
    if not texts:
        return np.zeros(embedder.dim, dtype=np.float32)
    return np.asarray(embedder.encode(texts).mean(axis=0))


def _embedding_scores(
    table: pd.DataFrame, lookup: Any, eds: list[Edition], embedder: Embedder
) -> None:
    targets = {e.id: _edition_vector(e, embedder) for e in eds}
    scores: dict[str, list[float]] = {e.id: [] for e in eds}
    for doc_id in table["doc_id"]:
        m = lookup(doc_id)
        matrix = None if m is None else np.asarray(m, dtype=np.float32)
        if matrix is not None and matrix.ndim == 2 and matrix.shape[1] != embedder.dim:
            raise UsageError(
                f"document {doc_id[:12]}: stored embeddings have {matrix.shape[1]} dimensions, "
                f"the embedder {embedder.name} {embedder.dim}",
                hint="pass the embedder the corpus was built with (embedder=...)",
            )
        if matrix is None or matrix.ndim != 2 or not len(matrix):
            for e in eds:
                scores[e.id].append(float("nan"))
            continue
        mean = matrix.mean(axis=0)
        for e in eds:
            scores[e.id].append(_cosine(mean, targets[e.id]))
    for e in eds:
        table[f"embedding:{e.id}"] = scores[e.id]


def _best(
    scores: np.ndarray[Any, Any], ids: tuple[str, ...]
) -> tuple[list[str | None], list[float]]:
    best: list[str | None] = []
    margin: list[float] = []
    for row in scores:
        ok = ~np.isnan(row)
        if not ok.any():
            best.append(None)
            margin.append(float("nan"))
            continue
        filled = np.where(ok, row, -np.inf)
        order = np.argsort(-filled, kind="stable")
        top = float(filled[order[0]])
        second = float(filled[order[1]]) if ok.sum() > 1 else float("nan")
        tied = ok.sum() > 1 and top == second
        best.append(None if tied else ids[int(order[0])])
        margin.append(top - second if ok.sum() > 1 else float("nan"))
    return best, margin


__all__ = ["AlignmentResult", "document_profiles", "edition_alignment", "edition_profile", "expand"]
