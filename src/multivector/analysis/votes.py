"""Agreement between states' votes in the UN General Assembly, per cell (year, session, issue,
important votes, period): percent agreement, the S-score, and the chance-corrected kappa and
pi, with bootstrap intervals over roll calls and the roll calls behind every figure.

The input is a frame of *pairs*, one row per roll call on which the country and the partner
both took a position (the service builds it from the unvotes tables; tests build it by hand):
``country``, ``partner``, ``rcid``, ``date``, ``session``, ``importantvote`` (1, 0 or NaN),
``issues`` (a tuple of issue labels, maybe empty), ``country_vote`` and ``partner_vote`` (0 yes,
1 abstain, 2 no; :data:`NO_POSITION` for a bloc whose members present tie). Optional columns
(``partner_name``, ``unres``, ``short``, ``partner_yes``/``_abstain``/``_no``) are carried to the
evidence.

Coding. A vote sits on a policy scale: yes 1, abstain 0.5, no 0. The distance between two votes
is ``|x - y|`` (``distance="absolute"``, the default: yes/no 1, yes/abstain and abstain/no 0.5),
its square (``"squared"``: the half steps count 0.25) or 0/1 for same/different choice
(``"nominal"``: exact match, an abstention against a yes is a full disagreement). Every measure
is a function of the 3 x 3 table of joint choices of a cell, ``p[i, j]`` (shares of its roll
calls), and of the distance weights ``w[i, j]``:

- observed disagreement ``D_o = sum w[i, j] p[i, j]``;
- ``agreement = 1 - D_o``: with absolute distance, the classic agreement index (an abstention
  against either vote is half an agreement); with nominal distance, the share of identical votes;
- ``s = 1 - 2 D_o``: Signorino and Ritter's (1999) S, unweighted, with the scale's range as the
  maximal distance; for one dyad on one scale it is ``2 * agreement - 1``, in [-1, 1];
- ``kappa = 1 - D_o / D_e`` with ``D_e = sum w[i, j] r[i] c[j]``, ``r`` and ``c`` the two voters'
  own marginal shares (Cohen's weighted kappa; Häge 2011);
- ``pi = 1 - D_o / D_e`` with ``D_e = sum w[i, j] m[i] m[j]``, ``m = (r + c) / 2`` the pooled
  marginals (Scott's pi; Häge 2011).

Kappa and pi are 0 when the two agree as often as chance would have them agree given how often
each (kappa) or both together (pi) vote yes, abstain and no, 1 for perfect agreement, and below 0
for less than chance; they are undefined (``status`` "undefined") when ``D_e`` is 0, that is when
both voters cast the same one choice throughout.

Cells with fewer than ``min_rollcalls`` (default :data:`MIN_ROLLCALLS`) shared roll calls get no
number (``status`` "insufficient"). Intervals: percentile bootstrap over the cell's roll calls
(``bootstrap`` multinomial redraws of the joint-choice counts, which is resampling roll calls
with replacement since every measure depends on the table only), seeded per cell from ``seed``
and the cell's key, so that a cell's interval does not change when other partners or cells are
added; an interval is given only when at least half of the replicates define the measure.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from multivector.analysis.frames import records_of
from multivector.analysis.periods import Editions, assign_period, period_order
from multivector.domain.results import Tabular
from multivector.errors import UsageError

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

CHOICES = ("yes", "abstain", "no")  # codes 0, 1, 2
NO_POSITION = -1  # a bloc whose members present split evenly between the leading choices
SCALE = (1.0, 0.5, 0.0)  # yes, abstain, no on the policy scale
MEASURES = ("agreement", "s", "kappa", "pi")
DISTANCES = ("absolute", "squared", "nominal")
GROUPINGS = ("year", "session", "issue", "important", "edition", "all")
MIN_ROLLCALLS = 10
DECIMALS = 4  # of the values in records: votes are counted in tens to hundreds per cell
# the six issue categories of the unvotes tables, in their documentation's order
ISSUES = (
    "Palestinian conflict",
    "Nuclear weapons and nuclear material",
    "Arms control and disarmament",
    "Colonialism",
    "Human rights",
    "Economic development",
)
NO_ISSUE = "(no issue)"
IMPORTANT = ("important", "other", "(not coded)")
ALL = "all"
REQUIRED = ("country", "partner", "rcid", "date", "session", "importantvote", "issues",
            "country_vote", "partner_vote")
_OPTIONAL = ("partner_name", "unres", "short", "partner_yes", "partner_abstain", "partner_no")


# ------------------------------------------------------------------------------ the measures


def distance_weights(distance: str = "absolute") -> Floats:
    """The 3 x 3 distances between yes, abstain and no under ``distance`` (at most 1).

    >>> distance_weights("absolute")[0].tolist()
    [0.0, 0.5, 1.0]
    """
    if distance not in DISTANCES:
        raise UsageError(f"unknown distance {distance!r}", hint=f"use {', '.join(DISTANCES)}")
    x = np.asarray(SCALE)
    d = np.abs(x[:, None] - x[None, :])
    if distance == "squared":
        d = d * d
    elif distance == "nominal":
        d = (d > 0).astype(np.float64)
    return np.asarray(d, dtype=np.float64)


def joint_table(a: npt.ArrayLike, b: npt.ArrayLike) -> Floats:
    """Counts of joint choices (3 x 3, rows ``a``) of two equally long vote codes (0, 1, 2)."""
    x = np.asarray(a, dtype=np.int64)
    y = np.asarray(b, dtype=np.int64)
    if x.shape != y.shape:
        raise UsageError("the two vote sequences differ in length", hint="pair them by roll call")
    if x.size and (x.min() < 0 or x.max() > 2 or y.min() < 0 or y.max() > 2):
        raise UsageError("vote codes must be 0 (yes), 1 (abstain) or 2 (no)",
                         hint="drop roll calls without a position first")
    return np.bincount(x * 3 + y, minlength=9).reshape(3, 3).astype(np.float64)


def similarity(counts: npt.ArrayLike, distance: str = "absolute") -> dict[str, Floats]:
    """Every measure of :data:`MEASURES` from joint-choice tables (``... x 3 x 3`` counts),
    vectorised over the leading axes; NaN where a table is empty or a chance-corrected measure
    is undefined (no expected disagreement)."""
    c = np.asarray(counts, dtype=np.float64)
    w = distance_weights(distance)
    n = c.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = c / n[..., None, None]
        observed = (w * p).sum(axis=(-2, -1))
        rows = p.sum(axis=-1)
        cols = p.sum(axis=-2)
        pooled = (rows + cols) / 2.0
        cohen = np.einsum("...i,ij,...j->...", rows, w, cols)
        scott = np.einsum("...i,ij,...j->...", pooled, w, pooled)
        kappa = np.where(cohen > 1e-12, 1.0 - observed / np.where(cohen > 0, cohen, 1.0), np.nan)
        pi = np.where(scott > 1e-12, 1.0 - observed / np.where(scott > 0, scott, 1.0), np.nan)
    return {
        "agreement": np.round(1.0 - observed, 12) + 0.0,
        "s": np.round(1.0 - 2.0 * observed, 12) + 0.0,
        "kappa": np.round(kappa, 12) + 0.0,
        "pi": np.round(pi, 12) + 0.0,
    }


def bloc_position(counts: npt.ArrayLike) -> tuple[Ints, Floats]:
    """The position of a bloc on each roll call from its members' choices (rows of yes,
    abstain, no counts among the members present): the choice most of them made (a plurality),
    :data:`NO_POSITION` when two choices tie for the lead or no member is present; and the share
    of the members present behind it (NaN when none is present)."""
    c = np.asarray(counts, dtype=np.int64).reshape(-1, 3)
    top = c.max(axis=1)
    leaders = (c == top[:, None]).sum(axis=1)
    position = c.argmax(axis=1).astype(np.int64)
    position[(leaders > 1) | (top == 0)] = NO_POSITION
    present = c.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        support = np.where(present > 0, top / np.where(present > 0, present, 1), np.nan)
    return position, np.asarray(support, dtype=np.float64)


def _interval(counts: Floats, distance: str, bootstrap: int, level: float,
              rng: np.random.Generator) -> dict[str, tuple[float | None, float | None]]:
    n = int(counts.sum())
    draws = rng.multinomial(n, counts.ravel() / n, size=bootstrap).reshape(bootstrap, 3, 3)
    values = similarity(draws, distance)
    a = (1.0 - level) / 2.0
    out: dict[str, tuple[float | None, float | None]] = {}
    for name, v in values.items():
        finite = v[np.isfinite(v)]
        if finite.size * 2 < bootstrap:
            out[name] = (None, None)
        else:
            low, high = np.quantile(finite, [a, 1.0 - a])
            out[name] = (float(low), float(high))
    return out


def _cell_seed(seed: int, key: tuple[str, str, str]) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("\x1f".join(key).encode("utf-8"))])


# ------------------------------------------------------------------------------ cells


def parse_by(value: str) -> str | list[int]:
    """``year``, ``session``, ``issue``, ``important``, ``edition``, ``all`` or increasing cut
    years such as ``1992,2000,2010``."""
    text = value.strip().lower()
    if text in GROUPINGS:
        return text
    try:
        cuts = [int(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise UsageError(
            f"--by: {value!r} is not a grouping",
            hint=f"use {', '.join(GROUPINGS)} or cut years such as 1992,2000,2010",
        ) from None
    if not cuts or cuts != sorted(cuts) or len(set(cuts)) < len(cuts):
        raise UsageError(f"--by: {value!r}: give cut years in increasing order",
                         hint="for example 1992,2000,2010")
    return cuts


def assign_cells(pairs: pd.DataFrame, by: str | Sequence[int],
                 editions: Editions | None = None) -> tuple[pd.DataFrame, list[str]]:
    """``pairs`` with a ``cell`` column (a roll call with several issues is one row per issue)
    and the cells in order."""
    frame = pairs.copy()
    if isinstance(by, str) and by == "year":
        frame["cell"] = frame["date"].dt.year.astype(str)
        order = sorted(frame["cell"].unique(), key=int)
    elif isinstance(by, str) and by == "session":
        frame["cell"] = frame["session"].astype(int).astype(str)
        order = sorted(frame["cell"].unique(), key=int)
    elif isinstance(by, str) and by == "issue":
        frame["cell"] = [list(x) if len(x) else [NO_ISSUE] for x in frame["issues"]]
        frame = frame.explode("cell", ignore_index=True)
        seen = set(frame["cell"])
        order = [*(i for i in ISSUES if i in seen),
                 *sorted(seen - {*ISSUES, NO_ISSUE}), *([NO_ISSUE] if NO_ISSUE in seen else [])]
    elif isinstance(by, str) and by == "important":
        flag = frame["importantvote"]
        frame["cell"] = np.where(flag.isna(), IMPORTANT[2],
                                 np.where(flag.fillna(0) > 0, IMPORTANT[0], IMPORTANT[1]))
        order = [c for c in IMPORTANT if c in set(frame["cell"])]
    elif isinstance(by, str) and by == ALL:
        frame["cell"] = ALL
        order = [ALL] if len(frame) else []
    elif isinstance(by, str) and by != "edition":
        raise UsageError(f"unknown grouping {by!r}",
                         hint=f"use {', '.join(GROUPINGS)} or cut years such as 1992,2000,2010")
    else:
        frame = assign_period(frame, by if isinstance(by, str) else list(by), editions=editions)
        frame = frame.rename(columns={"period": "cell"})
        order = period_order(frame.rename(columns={"cell": "period"}))
    return frame, [str(c) for c in order]


# ------------------------------------------------------------------------------ the result


@dataclass(frozen=True)
class VoteAgreement(Tabular):
    """Agreement of each country with each partner per cell, with intervals and evidence.

    ``table`` holds one row per (country, partner, cell): ``country, partner, partner_name,
    cell, n_rollcalls, n_no_position, first, last, measure, value, low, high, status,
    agreement, s, kappa, pi`` (``value``/``low``/``high`` are those of ``measure``; the four
    point estimates are all given; every number is None when ``status`` is "insufficient").
    ``pairs`` holds the roll calls behind the cells (see :meth:`evidence`)."""

    countries: tuple[str, ...]
    partners: tuple[str, ...]
    by: str | tuple[int, ...]
    measure: str
    distance: str
    bootstrap: int
    seed: int
    level: float
    min_rollcalls: int
    table: pd.DataFrame = field(compare=False, repr=False)
    pairs: pd.DataFrame = field(compare=False, repr=False)
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def cells(self) -> tuple[str, ...]:
        """The cells, in order."""
        return tuple(dict.fromkeys(self.table["cell"]))

    def value(self, partner: str, cell: str, *, country: str | None = None,
              measure: str | None = None) -> float | None:
        """One figure: ``measure`` (default: the result's) for ``partner`` in ``cell``."""
        row = self._row(partner, cell, country)
        name = measure or self.measure
        if name not in MEASURES:
            raise UsageError(f"unknown measure {name!r}", hint=f"use {', '.join(MEASURES)}")
        v = row[name]
        return None if pd.isna(v) else float(v)

    def evidence(self, partner: str, cell: str, *, country: str | None = None) -> pd.DataFrame:
        """The roll calls behind one figure, in date order: rcid, date, session, unres, short,
        issues, importantvote, ``country_vote`` and ``partner_vote`` (yes / abstain / no;
        "(tie)" for a bloc without a position, not counted), the distance between the two, and
        for a bloc its members' yes, abstain and no counts (``partner_yes`` ...)."""
        self._row(partner, cell, country)
        country = country or self.countries[0]
        rows = self.pairs[(self.pairs["country"] == country) & (self.pairs["partner"] == partner)
                          & (self.pairs["cell"] == cell)]
        w = distance_weights(self.distance)
        shared = rows["partner_vote"] >= 0
        dist = np.full(len(rows), np.nan)
        a = rows["country_vote"].to_numpy(dtype=np.int64)
        b = rows["partner_vote"].to_numpy(dtype=np.int64)
        dist[shared.to_numpy()] = w[a[shared.to_numpy()], b[shared.to_numpy()]]
        labels = np.array([*CHOICES, "(tie)"], dtype=object)
        out = pd.DataFrame({
            "rcid": rows["rcid"].to_numpy(),
            "date": rows["date"].dt.date.to_numpy(),
            "session": rows["session"].to_numpy(),
            "unres": rows["unres"].to_numpy() if "unres" in rows else None,
            "short": rows["short"].to_numpy() if "short" in rows else None,
            "issues": ["; ".join(x) for x in rows["issues"]],
            "importantvote": rows["importantvote"].to_numpy(),
            "country_vote": labels[a],
            "partner_vote": labels[np.where(b >= 0, b, 3)],
            "distance": dist,
        })
        for col in ("partner_yes", "partner_abstain", "partner_no"):
            if col in rows and rows[col].notna().any():
                out[col] = rows[col].astype("Int64").to_numpy()
        return out.sort_values(["date", "rcid"], kind="stable").reset_index(drop=True)

    def _row(self, partner: str, cell: str, country: str | None) -> pd.Series:
        country = country or self.countries[0]
        hit = self.table[(self.table["country"] == country) & (self.table["partner"] == partner)
                         & (self.table["cell"] == str(cell))]
        if hit.empty:
            raise UsageError(
                f"no cell {country} / {partner} / {cell!r}",
                hint=f"partners: {', '.join(self.partners)}; cells: "
                     f"{', '.join(self.cells[:8])}{' ...' if len(self.cells) > 8 else ''}",
            )
        return hit.iloc[0]


def vote_agreement(
    pairs: pd.DataFrame,
    *,
    by: str | Sequence[int] = "year",
    measure: str = "agreement",
    distance: str = "absolute",
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    min_rollcalls: int = MIN_ROLLCALLS,
    countries: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    voted: pd.DataFrame | None = None,
    editions: Editions | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> VoteAgreement:
    """Agreement of each country with each partner per cell of ``by`` (see the module
    docstring). ``countries`` and ``partners`` fix the order of the rows (a country is not its
    own partner); by default, those found in ``pairs``. Each country gets a row for every
    partner in every cell in which it voted: the cells of its roll calls in ``voted``
    (``country``, ``rcid``, ``date``, ``session``, ``importantvote``, ``issues``) when given,
    else of its pairs; a partner with too few shared roll calls there is "insufficient"."""
    missing = [c for c in REQUIRED if c not in pairs.columns]
    if missing:
        raise UsageError(f"the pairs frame lacks {', '.join(missing)}",
                         hint=f"give the columns {', '.join(REQUIRED)}")
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}", hint=f"use {', '.join(MEASURES)}")
    distance_weights(distance)
    if bootstrap < 0 or min_rollcalls < 1 or not 0.0 < level < 1.0:
        raise UsageError("bootstrap must be >= 0, min_rollcalls >= 1 and level in (0, 1)",
                         hint="for example bootstrap=1000, min_rollcalls=10, level=0.95")
    countries = list(countries or dict.fromkeys(pairs["country"]))
    partners = list(partners or dict.fromkeys(pairs["partner"]))
    frame = pairs.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    frame, order = assign_cells(frame, by, editions)
    base = frame
    if voted is not None:  # every pair is one of its country's roll calls: all cells are here
        base, order = assign_cells(voted.assign(date=pd.to_datetime(voted["date"])), by,
                                   editions)
    own = {c: set(base.loc[base["country"] == c, "cell"].astype(str)) for c in countries}
    names = (dict(zip(frame["partner"], frame["partner_name"], strict=True))
             if "partner_name" in frame else {})

    shared = frame[frame["partner_vote"] >= 0]
    code = shared["country_vote"].astype(np.int64) * 3 + shared["partner_vote"].astype(np.int64)
    keys = ["country", "partner", "cell"]
    grid = pd.MultiIndex.from_tuples(
        [(c, p, cell) for c in countries for p in partners if p != c
         for cell in order if cell in own[c]],
        names=keys,
    )
    tables = (
        shared.assign(code=code).groupby([*keys, "code"]).size()
        .unstack("code", fill_value=0).reindex(columns=range(9), fill_value=0)
        .reindex(grid, fill_value=0)
    )
    counts = tables.to_numpy(dtype=np.float64).reshape(-1, 3, 3)
    ties = (frame[frame["partner_vote"] == NO_POSITION].groupby(keys).size()
            .reindex(grid, fill_value=0).to_numpy())
    span = frame.groupby(keys)["date"].agg(["min", "max"]).reindex(grid)
    point = similarity(counts, distance)
    n = counts.sum(axis=(1, 2)).astype(np.int64)

    rows: list[dict[str, Any]] = []
    for i, (country, partner, cell) in enumerate(grid):
        enough = n[i] >= min_rollcalls
        values = {m: (round(float(point[m][i]), DECIMALS)
                      if enough and np.isfinite(point[m][i]) else None) for m in MEASURES}
        low = high = None
        if enough and bootstrap > 0 and values[measure] is not None:
            rng = _cell_seed(seed, (country, partner, cell))
            low, high = _interval(counts[i], distance, bootstrap, level, rng)[measure]
        status = ("insufficient" if not enough
                  else "undefined" if values[measure] is None else "ok")
        rows.append({
            "country": country,
            "partner": partner,
            "partner_name": names.get(partner, partner),
            "cell": cell,
            "n_rollcalls": int(n[i]),
            "n_no_position": int(ties[i]),
            "first": span["min"].iloc[i],
            "last": span["max"].iloc[i],
            "measure": measure,
            "value": values[measure],
            "low": None if low is None else round(low, DECIMALS),
            "high": None if high is None else round(high, DECIMALS),
            "status": status,
            **values,
        })
    columns = ["country", "partner", "partner_name", "cell", "n_rollcalls", "n_no_position",
               "first", "last", "measure", "value", "low", "high", "status", *MEASURES]
    table = pd.DataFrame(rows, columns=columns)
    keep = [c for c in (*REQUIRED, *_OPTIONAL, "cell") if c in frame.columns]
    return VoteAgreement(
        countries=tuple(countries),
        partners=tuple(partners),
        by=by if isinstance(by, str) else tuple(by),
        measure=measure,
        distance=distance,
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        min_rollcalls=min_rollcalls,
        table=table,
        pairs=frame[keep].reset_index(drop=True),
        metadata=dict(metadata or {}),
    )
