"""Multi-vector balance: how a speaker's attention is shared among the vectors of a scheme, per
period (and per source, genre, speaker or country), with a balance index and bootstrap intervals.

Weighting (``weighting=``), over the actor mentions of the mentions frame:

``"mention"`` (default)
    each mention of a state (or of a bloc the scheme assigns to a vector) counts 1 toward its
    vector. An ambiguous name with several readings at one span counts once, for its most
    confident reading.
``"passage"``
    each passage counts 1 for every vector it mentions at least once.
``"document"``
    each document counts 1 for every vector it mentions at least once (presence, not a split:
    a document naming Russia and China adds 1 to each).

Only state vectors count: mentions of the speaker's own country (vector None) never do, and
multilateral organisations count only with ``include_multilateral=True``, as one more vector.
A period's shares are its vector weights over their sum.

Balance index: the normalised Shannon entropy ``H / ln K`` of the shares, where ``K`` is the
number of vectors of the whole scheme (not only those observed), so that values compare across
periods: 1 is even attention over all K vectors, 0 attention to one vector only. ``1 - HHI``
(one minus the sum of squared shares; at most ``1 - 1/K``) is reported beside it. Both are
rounded to 12 decimals so that the exact cases are exact.

Evidence: a period (cell) whose counts come from fewer than 3 documents or fewer than 10
effective units (units over the design effect of their clustering in documents; see
:class:`~multivector.analysis.stats.Evidence`) is marked ``insufficient``: it gets intervals,
never a point estimate (share, index, top vector), and takes no part in period differences.
Each share lists the actors behind it ("AFG 15, PAK 3 of 20"), and each period the sources and
genres of its documents, with a caveat when they are all of one kind (a period resting on UN
General Debate speeches says so: that genre rarely names bilateral partners).

Intervals (:class:`~multivector.analysis.stats.Intervals`): by default draws of the shares
from a Dirichlet posterior whose counts are the period's counts shrunk by the design effect, with
Jeffreys' prior (1/2 for each vector of the scheme); the index is computed on each draw and
the ``(1 - level) / 2`` and ``1 - (1 - level) / 2`` quantiles taken; the index reported is the
posterior median (the plug-in index of a concentrated period can fall below the whole posterior,
which the prior spreads a little over all vectors). Shares are the observed ones. A vector never
mentioned
keeps a small but non-zero upper bound, and few or internally uniform documents give wide
intervals. ``Intervals(method="bootstrap")`` resamples documents instead (percentile
bootstrap: zero-width intervals for zero counts, none for one document).

Two periods *differ* when the interval of the difference of their indexes (independent draws
of each period) excludes 0; whether the two periods' own intervals overlap is reported beside
it, but non-overlap is a stricter (conservative) test and is not the flag.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from multivector.analysis.counting import (
    N,
    counted_mentions,
    document_weights,
    scheme_vectors,
)
from multivector.analysis.evidence import strongest_passages
from multivector.analysis.frames import records_of
from multivector.analysis.periods import UNDATED, Editions, assign_period, period_order
from multivector.analysis.stats import (
    DECIMALS,
    EvidenceRule,
    Floats,
    Intervals,
    evidence_of,
    interval,
    normalised_entropy,
    one_minus_hhi,
    shares_of,
)
from multivector.domain.results import Tabular
from multivector.domain.vectors import VectorScheme
from multivector.errors import UsageError

GROUPS = {
    "source": "source",
    "genre": "genre",
    "author": "author",
    "speaker": "author",
    "country": "country",
    "language": "language",
}
UNKNOWN = "(unknown)"


# ------------------------------------------------------------------------------ preparation


def _prepare(
    mentions: pd.DataFrame,
    period: str | Sequence[int] | None,
    by: str | None,
    editions: Editions | None,
) -> tuple[pd.DataFrame, list[str]]:
    """The frame with ``period`` (and the group column filled), and the cell key columns."""
    if period is None:
        if "period" not in mentions.columns:
            raise UsageError(
                "no period given and the frame has no period column",
                hint="pass period='year' (or quarter, edition, cut years)",
            )
        frame = mentions.copy()
    else:
        frame = assign_period(mentions, period, editions=editions)
    keys = ["period"]
    if by is not None:
        column = GROUPS.get(by, by)
        if column not in frame.columns:
            raise UsageError(
                f"cannot group by {by!r}",
                hint="use source, genre, author (speaker), country or language",
            )
        frame[column] = frame[column].astype("object").where(frame[column].notna(), UNKNOWN)
        keys = [column, "period"]
    return frame, keys


def _ordered_cells(frame: pd.DataFrame, keys: list[str]) -> list[tuple[Any, ...]]:
    order = {p: i for i, p in enumerate(period_order(frame))}
    cells = {tuple(k) for k in frame[keys].drop_duplicates().itertuples(index=False)}
    return sorted(cells, key=lambda c: (*(str(v) for v in c[:-1]), order.get(c[-1], 0)))


def _by_cell(series: pd.Series, keys: Sequence[str]) -> dict[tuple[Any, ...], pd.Series]:
    """A series indexed by (``keys``..., more levels) split into one series per cell."""
    if len(series) == 0:
        return {}
    out = {}
    for cell, part in series.groupby(level=list(keys), sort=False, dropna=False):
        key = cell if isinstance(cell, tuple) else (cell,)
        out[key] = part.droplevel(list(keys)) if part.index.nlevels > len(keys) else part
    return out


def _cell_matrix(part: pd.Series | None, vectors: Sequence[str]) -> Floats:
    """Documents x vectors weights of one cell, from its (doc_id, vector) weights."""
    if part is None or len(part) == 0:
        return np.zeros((0, len(vectors)))
    wide = part.unstack("vector", fill_value=0).reindex(columns=list(vectors), fill_value=0)
    return np.asarray(wide.to_numpy(dtype=np.float64), dtype=np.float64)


# ------------------------------------------------------------------------------ attention


@dataclass(frozen=True)
class AttentionResult(Tabular):
    """Vector weights and shares per period (and group), without intervals."""

    period: str | tuple[int, ...] | None
    by: str | None
    weighting: str
    vectors: tuple[str, ...]
    shares: pd.DataFrame = field(compare=False, repr=False)

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.shares)

    def to_frame(self) -> pd.DataFrame:
        """Long form: [group], period, vector, weight, share, n_documents."""
        return self.shares.copy()

    def wide(self) -> pd.DataFrame:
        """Shares with one column per vector, one row per period (and group)."""
        keys = [
            c for c in self.shares.columns
            if c not in ("vector", "weight", "share", "n_documents", "evidence", "actors")
        ]
        wide = self.shares.pivot(index=keys, columns="vector", values="share")
        wide = wide.reindex(columns=list(self.vectors))
        wide.columns.name = None
        return wide.reset_index()


def attention(
    mentions: pd.DataFrame,
    *,
    period: str | Sequence[int] | None = "year",
    by: str | None = None,
    weighting: str = "mention",
    vectors: VectorScheme | Sequence[str],
    include_multilateral: bool = False,
    editions: Editions | None = None,
    rule: EvidenceRule | None = None,
) -> AttentionResult:
    """Attention shares across vectors per period (and per ``by`` group).

    ``mentions`` is a :func:`~multivector.analysis.frames.mentions_frame`; ``period`` as in
    :func:`~multivector.analysis.frames.assign_period` (None: use the frame's ``period``
    column); ``by`` one of source, genre, author (or speaker), country; ``weighting`` mention,
    passage or document (see the module docstring); ``rule`` when a share is given (see
    :func:`balance`)."""
    result = balance(
        mentions,
        period=period,
        by=by,
        weighting=weighting,
        vectors=vectors,
        include_multilateral=include_multilateral,
        editions=editions,
        intervals=Intervals(draws=0),
        rule=rule,
    )
    shares = result.shares.drop(columns=["share_low", "share_high"])
    return AttentionResult(result.period, by, weighting, result.vectors, shares)


# ------------------------------------------------------------------------------ balance


@dataclass(frozen=True)
class BalanceResult(Tabular):
    """Balance per period (and group): shares, indexes with intervals, period differences."""

    period: str | tuple[int, ...] | None
    by: str | None
    weighting: str
    vectors: tuple[str, ...]
    intervals: Intervals
    shares: pd.DataFrame = field(compare=False, repr=False)
    index: pd.DataFrame = field(compare=False, repr=False)
    differences: pd.DataFrame = field(compare=False, repr=False)
    mentions: pd.DataFrame = field(compare=False, repr=False)

    def shares_frame(self) -> pd.DataFrame:
        """[group], period, vector, weight, share, share_low, share_high, n_documents,
        evidence (sufficient or insufficient: then no share, only its interval), actors (the
        actors behind the weight, "AFG 15, PAK 3 of 20")."""
        return self.shares.copy()

    def index_frame(self) -> pd.DataFrame:
        """[group], period, n_documents, n_mentions, weight, effective (units over the design
        effect), evidence, entropy (+ low, high), one_minus_hhi (+ low, high), top_vector,
        top_share, sources (sources and genres of the documents), caveat."""
        return self.index.copy()

    def differences_frame(self) -> pd.DataFrame:
        """[group], period_a, period_b, entropy_a, entropy_b, difference (b - a), low, high,
        differs (the difference's interval excludes 0), intervals_overlap."""
        return self.differences.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.index_frame()

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.index)

    def evidence(
        self, period: str, vector: str, k: int = 5, *, group: str | None = None
    ) -> pd.DataFrame:
        """The passages behind a share: doc_id, passage, mentions (of the vector in the
        passage), score (best mention score), actors; most mentions first."""
        rows = self.mentions[
            (self.mentions["period"] == period) & (self.mentions["vector"] == vector)
        ]
        if group is not None and self.by is not None:
            rows = rows[rows[GROUPS.get(self.by, self.by)] == group]
        return strongest_passages(rows, k, label="actor", count="mentions")


def balance(
    mentions: pd.DataFrame,
    *,
    period: str | Sequence[int] | None = "year",
    by: str | None = None,
    weighting: str = "mention",
    vectors: VectorScheme | Sequence[str],
    include_multilateral: bool = False,
    editions: Editions | None = None,
    intervals: Intervals | None = None,
    rule: EvidenceRule | None = None,
    all_pairs: bool = False,
) -> BalanceResult:
    """Shares, the balance index (normalised entropy, 1 - HHI) with intervals, how much
    evidence each period holds, the actors behind each share, and the differences between
    consecutive periods (every pair with ``all_pairs``) per group.

    Arguments as in :func:`attention`; ``intervals`` say how intervals are drawn (default: a
    Dirichlet posterior, 2000 draws, seed 0, 95%); ``rule`` when a period is given a number
    (default: 3 documents, 10 effective mentions). See the module docstring for the rules."""
    iv = intervals or Intervals()
    ids = scheme_vectors(vectors, include_multilateral)
    frame, keys = _prepare(mentions, period, by, editions)
    counted = counted_mentions(frame, ids)
    weights = document_weights(counted, weighting, keys)
    rng = np.random.default_rng(iv.seed)
    k = len(ids)
    share_rows: list[dict[str, Any]] = []
    index_rows: list[dict[str, Any]] = []
    replicates: dict[tuple[Any, ...], Floats] = {}
    parts = _by_cell(weights, keys)
    cells = _ordered_cells(counted, keys) if len(counted) else []
    n_mentions = (
        {
            (c if isinstance(c, tuple) else (c,)): int(n)
            for c, n in _sizes(counted, keys).items()
        }
        if len(counted)
        else {}
    )
    behind = _actors_behind(counted, keys)
    sources = _sources_behind(counted, keys)
    nan = float("nan")
    for cell in cells:
        matrix = _cell_matrix(parts.get(cell), ids)
        ev = evidence_of(matrix, rule)
        totals = matrix.sum(axis=0)
        p = shares_of(totals[None, :])[0]
        label = dict(zip(keys, cell, strict=True))
        draws = iv.share_draws(matrix, rng)
        point_entropy = float(normalised_entropy(p, k))
        point_hhi = float(one_minus_hhi(p))
        if draws is not None:
            boot_entropy = normalised_entropy(draws, k)
            if iv.method == "posterior":  # the posterior's median: always inside its interval
                point_entropy = float(np.median(boot_entropy))
                point_hhi = float(np.median(one_minus_hhi(draws)))
            if ev.sufficient:
                replicates[cell] = boot_entropy
            e_low, e_high = interval(boot_entropy[:, None], iv.level)
            h_low, h_high = interval(one_minus_hhi(draws)[:, None], iv.level)
            s_low, s_high = interval(draws, iv.level)
            bounds = (float(e_low[0]), float(e_high[0]), float(h_low[0]), float(h_high[0]))
        else:
            s_low = s_high = np.full(k, np.nan)
            bounds = (nan,) * 4
        shown = ev.sufficient  # too little evidence: the interval, never a point estimate
        for j, v in enumerate(ids):
            share_rows.append(
                {
                    **label,
                    "vector": v,
                    "weight": float(totals[j]),
                    "share": float(p[j]) if shown else nan,
                    "share_low": float(s_low[j]),
                    "share_high": float(s_high[j]),
                    "n_documents": ev.documents,
                    "evidence": ev.label,
                    "actors": behind.get((*cell, v), ""),
                }
            )
        top = int(np.argmax(p))
        source, caveat = sources.get(cell, ("", None))
        index_rows.append(
            {
                **label,
                "n_documents": ev.documents,
                "n_mentions": n_mentions.get(cell, 0),
                "weight": float(totals.sum()),
                "effective": round(ev.effective, 2),
                "evidence": ev.label,
                "entropy": round(point_entropy, DECIMALS) if shown else nan,
                "entropy_low": bounds[0],
                "entropy_high": bounds[1],
                "one_minus_hhi": round(point_hhi, DECIMALS) if shown else nan,
                "one_minus_hhi_low": bounds[2],
                "one_minus_hhi_high": bounds[3],
                "top_vector": ids[top] if shown else None,
                "top_share": float(p[top]) if shown else nan,
                "sources": source,
                "caveat": caveat,
            }
        )
    group_cols = keys[:-1]
    shares = pd.DataFrame(
        share_rows,
        columns=[*keys, "vector", "weight", "share", "share_low", "share_high", "n_documents",
                 "evidence", "actors"],
    )
    index = pd.DataFrame(
        index_rows,
        columns=[
            *keys,
            "n_documents",
            "n_mentions",
            "weight",
            "effective",
            "evidence",
            "entropy",
            "entropy_low",
            "entropy_high",
            "one_minus_hhi",
            "one_minus_hhi_low",
            "one_minus_hhi_high",
            "top_vector",
            "top_share",
            "sources",
            "caveat",
        ],
    )
    differences = _differences(index, group_cols, replicates, iv.level, all_pairs)
    period_param = tuple(period) if period is not None and not isinstance(period, str) else period
    return BalanceResult(
        period_param,
        by,
        weighting,
        ids,
        iv,
        shares,
        index,
        differences,
        counted,
    )


def _actors_behind(
    counted: pd.DataFrame, keys: list[str], top: int = 5
) -> dict[tuple[Any, ...], str]:
    """Per (cell..., vector): the actors whose mentions make the vector's count, most first
    ("AFG 15, PAK 3 of 20")."""
    if counted.empty:
        return {}
    out: dict[tuple[Any, ...], str] = {}
    sizes = _sizes(counted, [*keys, "vector", "actor"])
    for key, part in sizes.groupby(level=[*range(len(keys) + 1)], sort=False):
        ordered = part.sort_values(ascending=False, kind="stable")
        total = int(ordered.sum())
        named = [f"{cast(tuple[Any, ...], idx)[-1]} {int(n)}"
                 for idx, n in ordered.head(top).items()]
        more = " ..." if len(ordered) > top else ""
        out[key if isinstance(key, tuple) else (key,)] = f"{', '.join(named)}{more} of {total}"
    return out


def _sizes(counted: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Mentions per group of ``keys`` (rows, or the sum of ``n`` of a collapsed frame)."""
    groups = counted.groupby(keys, dropna=False, sort=False)
    return groups[N].sum() if N in counted.columns else groups.size()


def _sources_behind(
    counted: pd.DataFrame, keys: list[str]
) -> dict[tuple[Any, ...], tuple[str, str | None]]:
    """Per cell: the sources and genres of its documents ("UN General Debate, speech: 5") and a
    caveat when they are all of one kind."""
    if counted.empty:
        return {}
    docs = counted.drop_duplicates([*keys, "doc_id"])
    kinds = docs.assign(
        kind=[
            ", ".join(str(x) for x in (s, g) if x is not None and x == x) or "unknown"
            for s, g in zip(docs["source"], docs["genre"], strict=True)
        ]
    )
    out: dict[tuple[Any, ...], tuple[str, str | None]] = {}
    for cell, part in kinds.groupby(keys, dropna=False, sort=False):
        key = cell if isinstance(cell, tuple) else (cell,)
        counts = part["kind"].value_counts()
        text = "; ".join(f"{kind}: {int(n)}" for kind, n in counts.items())
        caveat = (
            f"one kind of source only ({counts.index[0]}): other genres may weigh partners "
            "otherwise"
            if len(counts) == 1
            else None
        )
        out[key] = (text, caveat)
    return out


def _differences(
    index: pd.DataFrame,
    group_cols: list[str],
    replicates: dict[tuple[Any, ...], Floats],
    level: float,
    all_pairs: bool,
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    groups = index.groupby(group_cols, sort=False) if group_cols else [((), index)]
    for group, part in groups:
        g = group if isinstance(group, tuple) else (group,)
        dated: list[dict[str, Any]] = [  # thin periods are compared with nothing
            {str(k): v for k, v in r.items()}
            for r in part[(part["period"] != UNDATED) & (part["evidence"] == "sufficient")]
            .to_dict("records")
        ]
        pairs = itertools.combinations(dated, 2) if all_pairs else itertools.pairwise(dated)
        for a, b in pairs:
            ka, kb = (*g, a["period"]), (*g, b["period"])
            diff = float(b["entropy"]) - float(a["entropy"])
            if ka in replicates and kb in replicates:
                low_arr, high_arr = interval((replicates[kb] - replicates[ka])[:, None], level)
                low, high = float(low_arr[0]), float(high_arr[0])
            else:
                low = high = np.nan
            bounds = [
                float(a["entropy_low"]),
                float(a["entropy_high"]),
                float(b["entropy_low"]),
                float(b["entropy_high"]),
            ]
            overlap = (
                None
                if np.isnan(bounds).any()
                else not (bounds[1] < bounds[2] or bounds[3] < bounds[0])
            )
            rows.append(
                {
                    **dict(zip(group_cols, g, strict=True)),
                    "period_a": a["period"],
                    "period_b": b["period"],
                    "entropy_a": float(a["entropy"]),
                    "entropy_b": float(b["entropy"]),
                    "difference": round(diff, DECIMALS),
                    "low": low,
                    "high": high,
                    "differs": bool(low > 0 or high < 0) if not np.isnan(low) else False,
                    "intervals_overlap": overlap,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            *group_cols,
            "period_a",
            "period_b",
            "entropy_a",
            "entropy_b",
            "difference",
            "low",
            "high",
            "differs",
            "intervals_overlap",
        ],
    )
