"""Trends: how attention to themes moves over time, and keyness (what one side says more).

:func:`theme_attention` gives each theme's share of the passages of each period. :func:`keyness`
compares two frequency lists with the log-likelihood G2 (Dunning 1993, in the two-cell form of
Rayson & Garside 2000) and an effect size, the log ratio (Hardie 2014); :func:`keyness_terms`
and :func:`keyness_themes` feed it lemmatised words or theme labels of two sides of a corpus (two
periods, two countries, two sources) cut by a :class:`Split`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from multivector.analysis.evidence import strongest
from multivector.analysis.frames import records_of
from multivector.analysis.periods import Editions, Period, periods_of, with_period
from multivector.domain.results import Tabular
from multivector.errors import UsageError
from multivector.text.lemmas import lemma, tokens

Level = Literal["leaf", "family"]
Weighting = Literal["passage", "document", "mention"]
CHI2_05 = 3.84  # G2 above this: p < 0.05 with one degree of freedom
EVIDENCE_PER_CELL = 3


# ---------------------------------------------------------------------------------- shared helpers


def theme_level(theme: str, level: Level) -> str:
    """The label a theme counts under: itself ("leaf") or its top-level family ("family")."""
    if level == "leaf":
        return theme
    if level == "family":
        return theme.split(".", 1)[0]
    raise UsageError(f"unknown theme level {level!r}", hint="use leaf or family")


def _select_themes(
    themes: pd.DataFrame, level: Level, min_score: float, method: str | None
) -> pd.DataFrame:
    sel = themes[themes["score"] >= min_score]
    if method is not None:
        sel = sel[sel["method"] == method]
    sel = sel.copy()
    sel["theme"] = [theme_level(str(t), level) for t in sel["theme"]]
    return sel


# ---------------------------------------------------------------------------------- theme attention


@dataclass(frozen=True, eq=False)
class ThemeAttention(Tabular):
    """Each theme's share of each period.

    ``table`` (long): theme, period, count, total, share. ``evidence``: the strongest passages of
    each theme and period: theme, period, rank, doc_id, passage, score, method.
    """

    period: Period
    level: Level
    weighting: Weighting
    min_score: float
    method: str | None
    periods: tuple[str, ...]
    table: pd.DataFrame
    evidence: pd.DataFrame

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def matrix(self, value: str = "share") -> pd.DataFrame:
        """Themes as rows, periods as columns (in time order), ``value`` (share or count)."""
        if value not in ("share", "count"):
            raise UsageError(f"no value {value!r} in theme attention", hint="share or count")
        wide = self.table.pivot(index="theme", columns="period", values=value)
        return wide.reindex(columns=list(self.periods)).fillna(0)


def theme_attention(
    themes_frame: pd.DataFrame,
    documents_frame: pd.DataFrame,
    *,
    period: Period = "year",
    level: Level = "leaf",
    weighting: Weighting = "passage",
    min_score: float = 0.0,
    method: str | None = None,
    editions: Editions | None = None,
) -> ThemeAttention:
    """Each theme's share of attention per period.

    Weighting (the unit counted and its denominator):

    - ``passage``: passages coded to the theme / all passages of the period's documents (a
      passage with a theme found twice, or by both coders, counts once; a passage may carry
      several themes, so shares do not add up to 1);
    - ``document``: documents with at least one passage coded to the theme / documents;
    - ``mention``: theme annotations of the theme / all theme annotations of the period (a
      composition: shares add up to 1).

    ``level`` "family" counts sub-themes under their top-level theme; ``method`` keeps only
    "lexicon" or "semantic" annotations; ``min_score`` drops weaker ones; ``editions`` place
    dates in edition periods (``period="edition"``).
    """
    return theme_attention_chunks(
        [themes_frame], documents_frame, period=period, level=level, weighting=weighting,
        min_score=min_score, method=method, editions=editions,
    )


def theme_attention_chunks(
    chunks: Iterable[pd.DataFrame],
    documents_frame: pd.DataFrame,
    *,
    period: Period = "year",
    level: Level = "leaf",
    weighting: Weighting = "passage",
    min_score: float = 0.0,
    method: str | None = None,
    editions: Editions | None = None,
) -> ThemeAttention:
    """:func:`theme_attention` of a themes frame given in ``chunks`` that never split a
    document (as :func:`multivector.analysis.frames.theme_chunks` reads them from a store):
    each chunk is reduced to its counts per theme and period and its strongest passages before
    the next is read, and the reductions are added up, so that memory follows the themes and
    periods, never the corpus. The result equals :func:`theme_attention` of the whole frame."""
    if weighting not in ("passage", "document", "mention"):
        raise UsageError(f"unknown weighting {weighting!r}", hint="passage, document or mention")
    docs = with_period(documents_frame, period, editions)
    doc_periods = docs[["doc_id", "period"]].drop_duplicates("doc_id")
    periods = tuple(periods_of(docs))
    counts: list[pd.Series] = []
    mention_totals: list[pd.Series] = []
    strongest_rows: list[pd.DataFrame] = []
    cols = ["doc_id", "passage", "score"]
    for chunk in chunks:
        coded = _select_themes(chunk, level, min_score, method)
        coded = coded.drop(columns=[c for c in ("period",) if c in coded.columns])
        coded = coded.merge(doc_periods, on="doc_id")
        if weighting == "passage":
            unit = coded.drop_duplicates(["theme", "doc_id", "passage"])
        elif weighting == "document":
            unit = coded.drop_duplicates(["theme", "doc_id"])
        else:
            unit = coded
            mention_totals.append(coded.groupby("period").size())
        counts.append(unit.groupby(["theme", "period"]).size())
        if "method" in coded.columns and "method" not in cols:
            cols.append("method")
        strongest_rows.append(strongest(coded, ["theme", "period"], EVIDENCE_PER_CELL, cols))

    if weighting == "passage":
        total = docs.groupby("period")["n_passages"].sum()
    elif weighting == "document":
        total = docs.groupby("period")["doc_id"].nunique()
    else:
        total = _added(mention_totals, ["period"])
    count = _added(counts, ["theme", "period"])

    themes = sorted(count.index.get_level_values("theme").unique())
    grid = pd.MultiIndex.from_product([themes, list(periods)], names=["theme", "period"])
    table = count.reindex(grid, fill_value=0).rename("count").reset_index()
    table["total"] = table["period"].map(total).fillna(0).astype(int)
    table["share"] = np.where(
        table["total"] > 0, table["count"] / table["total"].clip(lower=1), 0.0
    )
    table["count"] = table["count"].astype(int)

    candidates = pd.concat(strongest_rows, ignore_index=True)
    evidence = strongest(candidates, ["theme", "period"], EVIDENCE_PER_CELL, cols)
    return ThemeAttention(period, level, weighting, min_score, method, periods, table, evidence)


def _added(parts: list[pd.Series], names: list[str]) -> pd.Series:
    """Counts of several chunks added up per key (an empty series of ``names`` for none)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        index = (pd.MultiIndex.from_arrays([[]] * len(names), names=names) if len(names) > 1
                 else pd.Index([], name=names[0]))
        return pd.Series([], index=index, dtype="int64")
    added: pd.Series = pd.concat(parts).groupby(level=list(range(len(names)))).sum()
    return added.astype("int64")


# ---------------------------------------------------------------------------------- keyness core


def log_likelihood(a: float, b: float, total_a: float, total_b: float) -> float:
    """G2 of a frequency ``a`` in a corpus of ``total_a`` against ``b`` in ``total_b``.

    The two-cell form of the UCREL calculator (Rayson & Garside 2000)::

        E1 = total_a (a + b) / (total_a + total_b),  E2 = total_b (a + b) / (total_a + total_b)
        G2 = 2 (a ln(a / E1) + b ln(b / E2)),  with 0 ln 0 = 0.
    """
    n = total_a + total_b
    e1, e2 = total_a * (a + b) / n, total_b * (a + b) / n
    g2 = 0.0
    if a > 0:
        g2 += a * math.log(a / e1)
    if b > 0:
        g2 += b * math.log(b / e2)
    return 2.0 * g2


def chi2_sf_1df(x: float) -> float:
    """P(X >= x) for chi-square with one degree of freedom: erfc(sqrt(x / 2)), exactly."""
    return math.erfc(math.sqrt(max(x, 0.0) / 2.0))


def log_ratio(a: float, b: float, total_a: float, total_b: float, correction: float = 0.5) -> float:
    """Hardie's (2014) log ratio: log2 of the ratio of relative frequencies. A zero frequency
    becomes ``correction`` (0.5) so that a word found on one side only has a finite ratio."""
    a = a if a > 0 else correction
    b = b if b > 0 else correction
    return math.log2((a / total_a) / (b / total_b))


@dataclass(frozen=True, eq=False)
class KeynessResult(Tabular):
    """Items (terms or themes) key for side A or side B.

    ``table``: <unit>, freq_a, freq_b, norm_a, norm_b (per ``per`` units of each side), g2,
    p (chi-square, 1 df), log_ratio (base 2; positive: more frequent in A), [pct_diff], sign
    (+1 key for A, -1 for B), key_for (the side's label); strongest G2 first. ``evidence``:
    <unit>, side, rank, doc_id, passage[, score]: passages where the item occurs on each side.
    """

    unit: str
    label_a: str
    label_b: str
    total_a: int
    total_b: int
    per: int
    min_freq: int
    top: int | None
    table: pd.DataFrame
    evidence: pd.DataFrame
    notes: tuple[str, ...] = ()

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def key_for(self, side: str) -> pd.DataFrame:
        """The rows key for one side ("a", "b" or its label), strongest first."""
        sign = 1 if side in ("a", self.label_a) else -1 if side in ("b", self.label_b) else 0
        if sign == 0:
            raise UsageError(
                f"no side {side!r}", hint=f"use a, b, {self.label_a} or {self.label_b}"
            )
        return self.table[self.table["sign"] == sign].reset_index(drop=True)

    def significant(self, p: float = 0.05) -> pd.DataFrame:
        return self.table[self.table["p"] < p].reset_index(drop=True)


def keyness(
    a_counts: Mapping[str, int],
    b_counts: Mapping[str, int],
    *,
    total_a: int | None = None,
    total_b: int | None = None,
    min_freq: int = 1,
    top: int | None = None,
    label_a: str = "a",
    label_b: str = "b",
    unit: str = "term",
    per: int = 10_000,
    pct_diff: bool = False,
    correction: float = 0.5,
) -> KeynessResult:
    """Compare two frequency lists item by item.

    ``total_a``/``total_b`` are the sizes of the two sides (default: the sums of the counts).
    Items with ``freq_a + freq_b < min_freq`` are dropped; ``top`` keeps the ``top`` strongest
    items key for each side (so up to ``2 * top`` rows). ``pct_diff`` adds %DIFF (Gabrielatos &
    Marchi 2012): (norm_a - norm_b) * 100 / norm_b, None where norm_b is 0.
    """
    ta = int(sum(a_counts.values()) if total_a is None else total_a)
    tb = int(sum(b_counts.values()) if total_b is None else total_b)
    if ta <= 0 or tb <= 0:
        empty = label_a if ta <= 0 else label_b
        raise UsageError(
            f"keyness: side {empty!r} is empty (no tokens or passages)",
            hint="check the split: each side must select some of the corpus",
        )
    items = sorted(set(a_counts) | set(b_counts))
    rows = []
    for item in items:
        fa, fb = int(a_counts.get(item, 0)), int(b_counts.get(item, 0))
        if fa + fb < min_freq or fa + fb == 0:
            continue
        g2 = log_likelihood(fa, fb, ta, tb)
        na, nb = fa / ta * per, fb / tb * per
        row: dict[str, Any] = {
            unit: item,
            "freq_a": fa,
            "freq_b": fb,
            "norm_a": na,
            "norm_b": nb,
            "g2": g2,
            "p": chi2_sf_1df(g2),
            "log_ratio": log_ratio(fa, fb, ta, tb, correction),
        }
        if pct_diff:
            row["pct_diff"] = (na - nb) * 100.0 / nb if nb > 0 else None
        sign = 1 if na > nb else -1 if na < nb else 0
        row["sign"] = sign
        row["key_for"] = label_a if sign > 0 else label_b if sign < 0 else None
        rows.append(row)
    columns = [
        unit,
        "freq_a",
        "freq_b",
        "norm_a",
        "norm_b",
        "g2",
        "p",
        "log_ratio",
        *(["pct_diff"] if pct_diff else []),
        "sign",
        "key_for",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values(["g2", unit], ascending=[False, True], kind="mergesort")
    if top is not None:  # the strongest of each side; items key for neither side go
        table = table[table["sign"] != 0].groupby("sign", sort=False).head(top)
    table = table.reset_index(drop=True)
    evidence = pd.DataFrame(columns=[unit, "side", "rank", "doc_id", "passage"])
    return KeynessResult(unit, label_a, label_b, ta, tb, per, min_freq, top, table, evidence)


# ---------------------------------------------------------------------------------- splits


@dataclass(frozen=True)
class Split:
    """How to cut a frame into side A and side B: rows whose ``column`` is in ``a`` or ``b``."""

    column: str
    a: tuple[Any, ...]
    b: tuple[Any, ...]
    label_a: str
    label_b: str

    @classmethod
    def years(cls, a: tuple[int, int], b: tuple[int, int]) -> Split:
        """Two year ranges, both ends included: ``Split.years((1992, 2013), (2014, 2024))``."""
        (a0, a1), (b0, b1) = a, b
        if a0 > a1 or b0 > b1:
            raise UsageError(f"empty year range in {a}, {b}", hint="write (first, last) years")
        if max(a0, b0) <= min(a1, b1):
            raise UsageError(f"year ranges {a} and {b} overlap", hint="use disjoint ranges")
        return cls(
            "year", tuple(range(a0, a1 + 1)), tuple(range(b0, b1 + 1)), f"{a0}-{a1}", f"{b0}-{b1}"
        )

    @classmethod
    def values(cls, column: str, a: Any, b: Any) -> Split:
        """Two values (or collections of values) of a column: ``Split.values("country", "KAZ",
        "UZB")``."""
        va, vb = _as_tuple(a), _as_tuple(b)
        if set(va) & set(vb):
            raise UsageError(
                f"values {va} and {vb} of {column!r} overlap", hint="give each side its own values"
            )
        return cls(column, va, vb, "+".join(map(str, va)), "+".join(map(str, vb)))

    def sides(self, frame: pd.DataFrame) -> pd.Series:
        """ "a", "b" or None for each row of ``frame``."""
        if self.column not in frame.columns:
            raise UsageError(
                f"cannot split on {self.column!r}: the frame has no such column",
                hint=f"use one of: {', '.join(map(str, frame.columns))}",
            )
        values = frame[self.column]
        out = pd.Series(None, index=frame.index, dtype=object)
        out[values.isin(self.a)] = "a"
        out[values.isin(self.b)] = "b"
        return out


SplitSpec = Split | tuple[Any, ...] | Callable[[pd.DataFrame], Any]


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def resolve_split(split: SplitSpec, frame: pd.DataFrame) -> tuple[pd.Series, str, str]:
    """Side of each row ("a", "b" or None) and the two labels, from a :class:`Split`, a tuple
    (``((1992, 2013), (2014, 2024))`` for years, ``("country", "KAZ", "UZB")`` for values) or a
    callable taking the frame and returning "a"/"b"/None per row."""
    if isinstance(split, tuple):
        if len(split) == 3 and isinstance(split[0], str):
            split = Split.values(*split)
        elif len(split) == 2 and all(isinstance(s, tuple) and len(s) == 2 for s in split):
            split = Split.years(split[0], split[1])
        else:
            raise UsageError(
                f"cannot read the split {split!r}",
                hint='use ((1992, 2013), (2014, 2024)), ("country", "KAZ", "UZB") or a Split',
            )
    if isinstance(split, Split):
        return split.sides(frame), split.label_a, split.label_b
    raw = split(frame)
    sides = pd.Series(
        list(raw) if not isinstance(raw, pd.Series) else raw.to_list(),
        index=frame.index,
        dtype=object,
    )
    sides = sides.where(sides.isin(["a", "b"]), None)
    return sides, "a", "b"


# ---------------------------------------------------------------------------------- terms


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words, written for this module; Russian entries are dictionary forms (lemmas).
STOPWORDS_EN = _words("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
let me more most must my myself no nor not now of off on once only or other our ours ourselves
out over own per same shall she should so some such than that the their theirs them themselves
then there these they this those through thus to too under until up upon us very was we were
what when where which while who whom whose why will with within without would yet you your
yours yourself yourselves mr mrs ms madam sir
""")

STOPWORDS_RU = _words("""
а без более бы быть в вам вас весь во вот впрочем всегда всего вы где да даже для до его ее ей
ему если есть еще же за здесь и из или им иметь их к как какой когда кто ли либо между меня
мной мочь мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от перед
по под после при про раз с свой себя со так также такой тем то тогда той тот ты у уже хотя
чем через что чтобы эта эти это этот я который каждый сам самый весьма г гг
""")

STOPWORDS = {"en": STOPWORDS_EN, "ru": STOPWORDS_RU}


def stopwords(lang: str | None = None) -> frozenset[str]:
    """The stopword list of ``lang`` ("en", "ru"), or of every language when None."""
    if lang is None:
        return frozenset().union(*STOPWORDS.values())
    return STOPWORDS.get(lang, frozenset())


def term_counts(
    texts: Iterable[str], stop: frozenset[str]
) -> tuple[Counter[str], int, list[list[str]]]:
    """Lemma counts of ``texts`` without stopwords and numbers, the number of word tokens
    (everything, stopwords included: the size of the text), and each text's terms."""
    counts: Counter[str] = Counter()
    total = 0
    per_text = []
    for text in texts:
        terms = []
        for _, _, word in tokens(text):
            total += 1
            if not any(ch.isalpha() for ch in word) or word.lower() in stop:
                continue
            term = lemma(word)
            if term in stop or len(term) < 2:
                continue
            terms.append(term)
        counts.update(terms)
        per_text.append(terms)
    return counts, total, per_text


def keyness_terms(
    passages_frame: pd.DataFrame,
    split: SplitSpec,
    *,
    min_freq: int = 5,
    top: int | None = 50,
    lang: str | None = None,
    documents: pd.DataFrame | None = None,
    pct_diff: bool = False,
    examples: int = EVIDENCE_PER_CELL,
) -> KeynessResult:
    """Words (as lemmas) key for one side of a split of ``passages_frame``.

    Words are the tokens of :func:`multivector.text.lemmas.tokens`, lemmatised (Russian words to
    their dictionary form, others lowercased); numbers and stopwords (English and Russian lists,
    or those of ``lang``) are not counted, but every word counts toward a side's size, so
    ``norm_a``/``norm_b`` are per 10,000 words of running text. With ``lang`` and a ``language``
    column, only passages in that language are read. ``documents`` (a documents frame) adds
    the document metadata the passages frame lacks (source, genre, author, language), to split
    by source or filter by language. ``evidence`` names up to ``examples`` passages per term
    and side.
    """
    frame = passages_frame
    if documents is not None:
        extra = [c for c in documents.columns if c not in frame.columns]
        frame = frame.merge(documents[["doc_id", *extra]], on="doc_id", how="left")
    if lang is not None and "language" in frame.columns:
        frame = frame[frame["language"] == lang]
    sides, label_a, label_b = resolve_split(split, frame)
    stop = stopwords(lang)
    counts: dict[str, Counter[str]] = {}
    totals: dict[str, int] = {}
    where: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for side in ("a", "b"):
        part = frame[sides == side]
        c, total, per_text = term_counts([str(t) for t in part["text"]], stop)
        counts[side], totals[side] = c, total
        for doc_id, passage, terms in zip(part["doc_id"], part["passage"], per_text, strict=True):
            for term in dict.fromkeys(terms):
                seen = where.setdefault((term, side), [])
                if len(seen) < examples:
                    seen.append((str(doc_id), int(passage)))
    result = keyness(
        counts["a"],
        counts["b"],
        total_a=totals["a"],
        total_b=totals["b"],
        min_freq=min_freq,
        top=top,
        label_a=label_a,
        label_b=label_b,
        unit="term",
        pct_diff=pct_diff,
    )
    rows = [
        {"term": term, "side": side, "rank": rank, "doc_id": doc_id, "passage": passage}
        for term in result.table["term"]
        for side in ("a", "b")
        for rank, (doc_id, passage) in enumerate(where.get((term, side), []), 1)
    ]
    evidence = pd.DataFrame(rows, columns=["term", "side", "rank", "doc_id", "passage"])
    return KeynessResult(
        result.unit,
        label_a,
        label_b,
        result.total_a,
        result.total_b,
        result.per,
        min_freq,
        top,
        result.table,
        evidence,
    )


def keyness_themes(
    themes_frame: pd.DataFrame,
    split: SplitSpec,
    *,
    documents: pd.DataFrame | None = None,
    level: Level = "leaf",
    min_freq: int = 1,
    top: int | None = None,
    min_score: float = 0.0,
    method: str | None = None,
    pct_diff: bool = False,
) -> KeynessResult:
    """Themes key for one side of a split, counting passages coded to each theme.

    A side's size is its number of passages: from ``documents`` (a documents frame: the sum of
    ``n_passages`` of the documents the split puts on that side) when given, else the number of
    passages coded to any theme on that side (a composition: then a theme is key only relative
    to the other themes; the result's ``notes`` say so). ``norm_a``/``norm_b`` are per 100
    passages. ``evidence``: the strongest passages of each theme on each side.
    """
    coded = _select_themes(themes_frame, level, min_score, method)
    sides, label_a, label_b = resolve_split(split, coded)
    coded = coded.assign(side=sides.to_numpy())
    coded = coded[coded["side"].notna()]
    passages = coded.drop_duplicates(["theme", "doc_id", "passage"])
    counts = {
        s: Counter(passages.loc[passages["side"] == s, "theme"].astype(str)) for s in ("a", "b")
    }
    notes: tuple[str, ...] = ()
    if documents is not None:
        doc_sides, _, _ = resolve_split(split, documents)
        totals = {s: int(documents.loc[doc_sides == s, "n_passages"].sum()) for s in ("a", "b")}
    else:
        distinct = coded.drop_duplicates(["doc_id", "passage"])
        totals = {s: int((distinct["side"] == s).sum()) for s in ("a", "b")}
        notes = (
            "sizes are passages coded to any theme (no documents frame given): keyness "
            "is relative to the other themes, not to all passages",
        )
    result = keyness(
        counts["a"],
        counts["b"],
        total_a=totals["a"],
        total_b=totals["b"],
        min_freq=min_freq,
        top=top,
        label_a=label_a,
        label_b=label_b,
        unit="theme",
        per=100,
        pct_diff=pct_diff,
    )
    kept = coded[coded["theme"].isin(set(result.table["theme"]))]
    evidence = strongest(kept, ["theme", "side"], EVIDENCE_PER_CELL, ["doc_id", "passage", "score"])
    return KeynessResult(
        result.unit,
        label_a,
        label_b,
        result.total_a,
        result.total_b,
        result.per,
        min_freq,
        top,
        result.table,
        evidence,
        notes,
    )


__all__ = [
    "KeynessResult",
    "Split",
    "ThemeAttention",
    "chi2_sf_1df",
    "keyness",
    "keyness_terms",
    "keyness_themes",
    "log_likelihood",
    "log_ratio",
    "stopwords",
    "theme_attention",
]
