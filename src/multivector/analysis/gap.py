"""Declared versus observed: the attention a concept edition declares for each vector and each
priority, against the attention a corpus gives them, with intervals of the gap.

The declared profile (:func:`declared_profile`) follows a documented, user-overridable rule
(:class:`DeclaredRule`; pass a mapping or a YAML file with any of its keys to change it):

- every element gives weight to the vectors it names. A vector's weight from one element is
  the largest of: the tier weight of each partner in the vector (allied 7, comprehensive
  strategic partnership 6, expanded strategic partnership 5, strategic partnership 4,
  expanded partnership and cooperation 3, partnership and cooperation 2, cooperation 1; a
  partner without a tier 1); 1 for an organisation of the element that the scheme counts
  toward a vector (the EU toward europe, ASEAN toward asia_pacific; multilateral bodies
  count toward none); 1 for a regional priority without partners in that vector, through
  the explicit mapping :data:`REGIONAL_ELEMENTS` of element ids to vectors. Several
  partners of one vector in one element count once (the closest), so that a priority naming
  four neighbours declares one relation with their region, not four;
- that weight is multiplied by the element's kind factor (principle, goal, priority 1.0;
  objective 0.8; mechanism and expected result 0.5; assessment and threat 0.3) and summed over
  elements; the speaker's own country counts toward no vector;
- shares are the weights over their sum.

The declared profile over priorities: each element with themes gives its kind factor, split
equally, to the families of its themes (``economy.trade`` belongs to ``economy``); each element
has its kind factor as its own weight. Shares are weights over their sum.

The observed profile (:func:`gap`) is attention over the edition's validity period (from its
adoption date, or 1 January of its first year, to 31 December of its last year) in documents
of the edition's country: vector shares as in :mod:`multivector.analysis.balance` (by mention
by default), theme families as shares of theme-coded passages (a passage splits one unit
equally among the families coded in it), elements as shares of element-coded passages (split
the same way; strong evidence only: an element's own cues, not a theme and a partner), and
events as shares of events per counterpart vector (an event counts 1 for
each distinct vector among its counterparts). Each observed share has an interval
(:class:`~multivector.analysis.stats.Intervals`: by default a Dirichlet posterior over the counts
shrunk by the design effect of documents, so that a vector never mentioned still has a non-zero
upper bound and few documents give wide intervals); the declared share is fixed, so the gap's
interval is the observed interval minus the declared share, and ``differs`` flags gaps whose
interval excludes 0. When the window holds too little evidence (the rule of
:class:`~multivector.analysis.stats.Evidence`: fewer than 3 documents or 10 effective units)
the observed shares are not given, only their intervals, and nothing is flagged; ``evidence``
says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from multivector.analysis.counting import N, counted_mentions, document_weights, scheme_vectors
from multivector.analysis.evidence import strongest_passages
from multivector.analysis.frames import records_of
from multivector.analysis.stats import (
    EvidenceRule,
    Floats,
    Intervals,
    evidence_of,
    interval,
    shares_of,
)
from multivector.domain.concept import Edition, ElementKind, Tier, route_strength
from multivector.domain.results import Tabular
from multivector.domain.vectors import MULTILATERAL, REGIONAL_ELEMENTS, VectorScheme
from multivector.errors import UsageError

DEFAULT_TIERS: dict[str, float] = {t.slug: float(t.value) for t in Tier}
DEFAULT_KINDS: dict[str, float] = {
    "principle": 1.0,
    "goal": 1.0,
    "priority": 1.0,
    "objective": 0.8,
    "mechanism": 0.5,
    "expected_result": 0.5,
    "assessment": 0.3,
    "threat": 0.3,
}
MIN_FLAGGED = 3  # units behind an observed share before it is flagged as above the declared
_RULE_KEYS = ("tiers", "untiered", "kinds", "regional", "organisations")


@dataclass(frozen=True)
class DeclaredRule:
    """How an edition's elements become vector weights (see the module docstring)."""

    tiers: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    untiered: float = 1.0
    kinds: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_KINDS))
    regional: Mapping[str, str] = field(default_factory=lambda: dict(REGIONAL_ELEMENTS))
    organisations: bool = True

    @classmethod
    def load(cls, source: DeclaredRule | Mapping[str, Any] | str | Path | None) -> DeclaredRule:
        """The default rule, updated by a mapping or a YAML file with any of the keys
        ``tiers`` (tier slug -> weight), ``untiered``, ``kinds`` (element kind -> factor),
        ``regional`` (element id -> vector) and ``organisations`` (true/false). ``tiers``,
        ``kinds`` and ``regional`` entries update the defaults (set a factor to 0 to drop a
        kind)."""
        if isinstance(source, DeclaredRule):
            return source
        if source is None:
            return cls()
        if isinstance(source, str | Path):
            data = _read_rule_file(Path(source))
            where = str(source)
        else:
            data, where = dict(source), "the declared-profile rule"
        unknown = sorted(set(data) - set(_RULE_KEYS))
        if unknown:
            raise UsageError(
                f"{where}: unknown key(s) {unknown}", hint=f"use {', '.join(_RULE_KEYS)}"
            )
        rule = cls()
        tiers = dict(rule.tiers)
        for slug, weight in dict(data.get("tiers") or {}).items():
            try:
                tiers[Tier.from_slug(str(slug)).slug] = _number(weight, where, f"tiers.{slug}")
            except ValueError as e:
                raise UsageError(f"{where}: {e}", hint="name tiers by their slug") from None
        kinds = dict(rule.kinds)
        for kind, factor in dict(data.get("kinds") or {}).items():
            if kind not in {k.value for k in ElementKind}:
                raise UsageError(
                    f"{where}: unknown element kind {kind!r}",
                    hint=f"use {', '.join(k.value for k in ElementKind)}",
                )
            kinds[str(kind)] = _number(factor, where, f"kinds.{kind}")
        regional = {
            **rule.regional,
            **{str(k): str(v) for k, v in dict(data.get("regional") or {}).items()},
        }
        return replace(
            rule,
            tiers=tiers,
            kinds=kinds,
            regional=regional,
            untiered=_number(data.get("untiered", rule.untiered), where, "untiered"),
            organisations=bool(data.get("organisations", rule.organisations)),
        )

    def tier_weight(self, tier: Tier | None) -> float:
        return self.untiered if tier is None else float(self.tiers.get(tier.slug, self.untiered))

    def kind_factor(self, kind: ElementKind | str) -> float:
        return float(self.kinds.get(str(getattr(kind, "value", kind)), 0.0))


def _read_rule_file(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"cannot read the rule file {path}: {e}", hint="check the path") from None
    except yaml.YAMLError as e:
        raise UsageError(f"{path} is not valid YAML: {e}", hint="fix the file") from None
    if not isinstance(data, dict):
        raise UsageError(
            f"{path}: the rule file must be a mapping",
            hint="write keys such as tiers:, kinds:, regional:",
        )
    return data


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise UsageError(
            f"{where}: {key} must be a number >= 0, got {value!r}",
            hint="give weights and factors as numbers",
        )
    return float(value)


def theme_family(theme: str) -> str:
    """The top of a theme id: ``economy.trade`` -> ``economy``."""
    return theme.split(".", 1)[0]


def with_families(themes: pd.DataFrame) -> pd.DataFrame:
    """``themes`` with a ``family`` column (:func:`theme_family` of ``theme``), one family
    object per distinct theme rather than a new string per row."""
    family_of = {t: theme_family(t) for t in themes["theme"].unique()}
    return themes.assign(family=themes["theme"].map(family_of))


# ------------------------------------------------------------------------------ declared


@dataclass(frozen=True)
class DeclaredProfile(Tabular):
    """Declared weights and shares per vector, per theme family and per element."""

    edition: str
    scheme: str
    rule: DeclaredRule = field(compare=False, repr=False)
    vectors: pd.DataFrame = field(compare=False, repr=False)
    families: pd.DataFrame = field(compare=False, repr=False)
    elements: pd.DataFrame = field(compare=False, repr=False)

    def shares(self) -> dict[str, float]:
        return dict(zip(self.vectors["vector"], self.vectors["share"], strict=True))

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.vectors)

    def to_frame(self) -> pd.DataFrame:
        """vector, weight, share, elements (the contributing element ids)."""
        return self.vectors.copy()


def declared_profile(
    edition: Edition,
    scheme: VectorScheme,
    rule: DeclaredRule | Mapping[str, Any] | str | Path | None = None,
) -> DeclaredProfile:
    """The declared profile of ``edition`` over the vectors of ``scheme`` under ``rule``
    (default :class:`DeclaredRule`)."""
    r = DeclaredRule.load(rule)
    weights = dict.fromkeys(scheme.ids, 0.0)
    sources: dict[str, list[str]] = {v: [] for v in scheme.ids}
    for element in edition:
        factor = r.kind_factor(element.kind)
        if factor == 0:
            continue
        for vector, w in _element_vectors(element, edition.country, scheme, r).items():
            weights[vector] += factor * w
            sources[vector].append(element.id)
    vectors = _profile_frame("vector", weights, sources)
    fam_w: dict[str, float] = {}
    fam_src: dict[str, list[str]] = {}
    elem_rows = []
    for element in edition:
        factor = r.kind_factor(element.kind)
        elem_rows.append(
            {
                "element": element.id,
                "kind": element.kind.value,
                "title": element.title,
                "weight": factor,
            }
        )
        families = sorted({theme_family(t) for t in element.themes})
        for fam in families:
            fam_w[fam] = fam_w.get(fam, 0.0) + factor / len(families)
            if factor:
                fam_src.setdefault(fam, []).append(element.id)
    families_frame = _profile_frame("family", dict(sorted(fam_w.items())), fam_src)
    elements = pd.DataFrame(elem_rows, columns=["element", "kind", "title", "weight"])
    total = elements["weight"].sum()
    elements["share"] = elements["weight"] / total if total > 0 else 0.0
    return DeclaredProfile(edition.id, scheme.id, r, vectors, families_frame, elements)


def _element_vectors(
    element: Any, home: str, scheme: VectorScheme, rule: DeclaredRule
) -> dict[str, float]:
    """The weight each vector gets from one element (the closest relation, unscaled)."""
    out: dict[str, float] = {}
    counted = set(scheme.ids) - {MULTILATERAL}

    def give(vector: str | None, weight: float) -> None:
        if vector in counted:
            out[vector] = max(out.get(vector, 0.0), weight)

    for partner in element.partners:
        give(_vector_of(partner.actor, home, scheme), rule.tier_weight(partner.tier))
    if rule.organisations:
        for org in element.organisations:
            give(scheme.vector_of_organisation(org), rule.untiered)
    give(rule.regional.get(element.id), rule.untiered)
    return out


def _vector_of(actor: str, home: str | None, scheme: VectorScheme) -> str | None:
    """A country's vector (None for the home country: the document's country, else the
    scheme's home when the document has none), else an organisation's."""
    if not isinstance(home, str):  # None, or NaN from a frame: the speaker is unknown
        home = scheme.home
    if actor == home:
        return None
    found = scheme.vector_of_country(actor, home)
    return found if found is not None else scheme.vector_of_organisation(actor)


def _profile_frame(
    key: str, weights: Mapping[str, float], sources: Mapping[str, list[str]]
) -> pd.DataFrame:
    total = sum(weights.values())
    rows = [
        {
            key: k,
            "weight": w,
            "share": w / total if total > 0 else 0.0,
            "elements": ", ".join(sources.get(k, [])),
        }
        for k, w in weights.items()
    ]
    return pd.DataFrame(rows, columns=[key, "weight", "share", "elements"])


# ------------------------------------------------------------------------------ gap


@dataclass(frozen=True)
class GapResult(Tabular):
    """Declared versus observed shares per vector and per priority, with intervals."""

    edition: str
    scheme: str
    window: tuple[str | None, str | None]
    weighting: str
    intervals: Intervals
    n_documents: int
    declared: DeclaredProfile = field(compare=False, repr=False)
    vectors: pd.DataFrame = field(compare=False, repr=False)
    priorities: pd.DataFrame = field(compare=False, repr=False)
    sources: Mapping[str, pd.DataFrame] = field(compare=False, repr=False)
    read_source: Callable[[str], pd.DataFrame] | None = field(default=None, compare=False,
                                                               repr=False)

    def vectors_frame(self) -> pd.DataFrame:
        """vector, declared_weight, declared_share, observed_weight, observed_share,
        observed_low, observed_high, evidence, gap, gap_low, gap_high, differs, actors (behind
        the observed weight), and with events: events, event_share, event_low, event_high."""
        return self.vectors.copy()

    def priorities_frame(self) -> pd.DataFrame:
        """level (family or element), priority, declared_weight, declared_share,
        observed_weight, observed_share, observed_low, observed_high, evidence, gap, gap_low,
        gap_high, differs."""
        return self.priorities.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.vectors_frame()

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.vectors)

    def evidence(
        self, *, vector: str | None = None, priority: str | None = None, k: int = 5
    ) -> pd.DataFrame:
        """The strongest passages behind an observed share: of a ``vector`` (actor mentions),
        or of a ``priority`` (an element id, or a theme family)."""
        if (vector is None) == (priority is None):
            raise UsageError(
                "give either a vector or a priority", hint="e.g. evidence(vector='china')"
            )
        if vector is not None:
            rows = self.source("mentions")
            return strongest_passages(
                rows[rows["vector"] == vector], k, label="actor", count="mentions"
            )
        elements = self.sources["elements"]
        if priority in set(elements["element"]):
            return strongest_passages(elements[elements["element"] == priority], k, label="element")
        themes = self.source("themes")
        return strongest_passages(themes[themes["family"] == priority], k, label="theme")

    def source(self, name: str) -> pd.DataFrame:
        """The rows behind a part of the result: ``mentions`` (counted, one row per passage,
        vector and actor), ``themes`` (one row per passage and theme, with its ``family``) or
        ``elements``. A result computed from theme weights reads its theme rows again when
        asked (``read_source``; the service reads them from the store, which must be open)."""
        if name in self.sources:
            return self.sources[name]
        if self.read_source is None:
            raise UsageError(f"the result holds no {name} rows",
                             hint="give the gap its themes frame to keep them")
        return self.read_source(name)


def gap(
    edition: Edition,
    mentions: pd.DataFrame | MentionSummary,
    scheme: VectorScheme,
    *,
    themes: pd.DataFrame | None = None,
    elements: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    period: str | tuple[int | dt.date | None, int | dt.date | None] | None = None,
    all_countries: bool = False,
    weighting: str = "mention",
    rule: DeclaredRule | Mapping[str, Any] | str | Path | None = None,
    intervals: Intervals | None = None,
    evidence_rule: EvidenceRule | None = None,
    actor_vectors: pd.DataFrame | None = None,
    theme_weights: pd.DataFrame | None = None,
) -> GapResult:
    """Declared versus observed attention for ``edition``.

    ``mentions`` (and optionally ``themes``, ``elements``, ``events``) are frames of
    :mod:`multivector.analysis.frames`, or their reduced forms: counted mentions collapsed per
    passage, vector and actor (``counted_mentions_frame``), themes and elements one row per
    passage and label (``passage_labels_frame``), with ``actor_vectors``
    (``actor_vectors_frame``: the vector of each actor's first mention in each document, which
    places events' counterparts; by default read from ``mentions``). ``period``: None for the
    edition's validity period, ``"all"`` for every date, or ``(start, end)`` years or dates
    (either may be None).
    Documents of the edition's country are used (and those without a country), or all with
    ``all_countries``. See the module docstring for the rules.

    ``theme_weights`` (instead of ``themes``): each document's weight per theme family
    (:func:`family_weights` of theme rows already selected by :func:`gap_selection`, which
    can be computed chunk by chunk); the result then holds no theme rows, and
    :meth:`GapResult.evidence` of a family needs ``read_source``. Likewise ``mentions`` may be
    a :class:`MentionSummary` (:func:`mention_summary`: document weights and actor counts
    added up chunk by chunk), with ``actor_vectors`` to place events' counterparts."""
    iv = intervals or Intervals()
    declared = declared_profile(edition, scheme, rule)
    ids = scheme_vectors(scheme)
    start, end = edition_window(edition, period)
    selected = gap_selection(edition, period, all_countries)

    def select(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if frame is None else selected(frame)

    summary = (mentions if isinstance(mentions, MentionSummary)
               else mention_summary([selected(mentions)], ids, weighting))
    if summary.weighting != weighting:
        raise UsageError(f"the mentions were summed by {summary.weighting}, not {weighting}",
                         hint=f"build the summary with weighting={weighting!r}")
    chosen_mentions = selected(mentions) if isinstance(mentions, pd.DataFrame) else None
    chosen_themes, chosen_elements, chosen_events = select(themes), select(elements), select(events)
    if chosen_elements is not None:
        chosen_elements = chosen_elements[chosen_elements["edition"] == edition.id]
        if "route" in chosen_elements.columns:  # strong evidence only, as coverage counts it
            strong = chosen_elements["route"].map(route_strength) == "strong"
            chosen_elements = chosen_elements[strong]
    counted = counted_mentions(chosen_mentions, ids) if chosen_mentions is not None else None
    theme_rows = None
    if chosen_themes is not None:
        theme_rows = with_families(chosen_themes)
        theme_weights = family_weights(theme_rows)
    frames = [f for f in (summary.weights, theme_weights, chosen_elements, chosen_events)
              if f is not None]
    docs = sorted(set().union(*(set(f["doc_id"]) for f in frames)))
    position = {d: i for i, d in enumerate(docs)}
    resample = _Draws(iv, evidence_rule)

    # vectors
    vweights = summary.weights.set_index(["doc_id", "vector"])["weight"]
    vmatrix = _matrix(vweights, "vector", ids, position)
    vobs = _observed(vmatrix, resample)
    dshares = declared.vectors.set_index("vector")
    vectors = pd.DataFrame(
        {
            "vector": list(ids),
            "declared_weight": dshares.loc[list(ids), "weight"].to_numpy(),
            "declared_share": dshares.loc[list(ids), "share"].to_numpy(),
            **vobs,
        }
    )
    _add_gap(vectors)
    vectors["actors"] = [_actors_of(summary.actors, v) for v in ids]
    if chosen_events is not None:
        placed = select(actor_vectors) if actor_vectors is not None else chosen_mentions
        if placed is None:
            raise UsageError("events need the mentions that place their counterparts",
                             hint="give actor_vectors with a mention summary")
        ematrix = _event_matrix(chosen_events, placed, scheme, ids, position)
        eobs = _observed(ematrix, resample)
        vectors["events"] = eobs["observed_weight"]
        vectors["event_share"] = eobs["observed_share"]
        vectors["event_low"] = eobs["observed_low"]
        vectors["event_high"] = eobs["observed_high"]

    # priorities
    parts = []
    if theme_weights is not None:
        declared_fam = declared.families.set_index("family")["weight"]
        families = sorted(set(declared_fam.index) | set(theme_weights["family"]))
        weights = theme_weights.set_index(["doc_id", "family"])["weight"]
        parts.append(
            _priority_table(
                "family",
                families,
                declared_fam,
                _matrix(weights, "family", families, position),
                resample,
            )
        )
    element_rows = pd.DataFrame(columns=["doc_id", "passage", "element", "score"])
    if chosen_elements is not None:
        element_rows = chosen_elements
        declared_el = declared.elements.set_index("element")["weight"]
        ordered = list(declared_el.index)
        parts.append(
            _priority_table(
                "element",
                ordered,
                declared_el,
                _split_matrix(element_rows, "element", ordered, position),
                resample,
            )
        )
    priorities = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(
            columns=[
                "level",
                "priority",
                "declared_weight",
                "declared_share",
                "observed_weight",
                "observed_share",
                "observed_low",
                "observed_high",
                "evidence",
                "gap",
                "gap_low",
                "gap_high",
                "differs",
            ]
        )
    )
    window = (start.isoformat() if start else None, end.isoformat() if end else None)
    sources = {"elements": element_rows}
    if counted is not None:
        sources["mentions"] = counted
    if theme_weights is None or theme_rows is not None:
        sources["themes"] = (theme_rows if theme_rows is not None else
                             pd.DataFrame(columns=["doc_id", "passage", "theme", "family",
                                                   "score"]))
    return GapResult(
        edition.id,
        scheme.id,
        window,
        weighting,
        iv,
        len(docs),
        declared,
        vectors,
        priorities,
        sources,
    )


def _actors_of(actors: pd.DataFrame, vector: str, top: int = 5) -> str:
    """The actors behind a vector's observed weight, most mentioned first ("AFG 15, PAK 3"),
    from :func:`mention_summary`'s counts."""
    sizes = actors.loc[actors["vector"] == vector].set_index("actor")["n"]
    sizes = sizes.sort_values(ascending=False, kind="stable")
    return ", ".join(f"{a} {int(n)}" for a, n in sizes.head(top).items())


def edition_window(
    edition: Edition, period: str | tuple[int | dt.date | None, int | dt.date | None] | None
) -> tuple[dt.date | None, dt.date | None]:
    """The dates an edition's gap reads: its validity period (``period`` None), every date
    ("all"), or ``(start, end)`` years or dates."""
    if period is None:
        start = edition.adopted or dt.date(edition.period_start, 1, 1)
        end = dt.date(edition.period_end, 12, 31) if edition.period_end is not None else None
        return start, end
    if period == "all":
        return None, None
    if isinstance(period, str) or len(period) != 2:
        raise UsageError(
            f"cannot read the period {period!r}",
            hint="use None (the edition's period), 'all' or (start, end)",
        )
    a, b = period
    first = dt.date(a, 1, 1) if isinstance(a, int) else a
    last = dt.date(b, 12, 31) if isinstance(b, int) else b
    return first, last


@dataclass(frozen=True)
class MentionSummary:
    """Counted mentions reduced to what the gap's vector shares need: each document's weight
    per vector under ``weighting`` (doc_id, vector, weight) and the mentions of each actor per
    vector (vector, actor, n; in order of first mention)."""

    weights: pd.DataFrame
    actors: pd.DataFrame
    weighting: str = "mention"


def mention_summary(
    chunks: Iterable[pd.DataFrame], vectors: Sequence[str], weighting: str = "mention"
) -> MentionSummary:
    """:class:`MentionSummary` of mention frames (or counted mentions collapsed per passage,
    vector and actor) given in chunks of whole documents, already selected
    (:func:`gap_selection`): each chunk is reduced before the next is read."""
    weights, actors = [], []
    for chunk in chunks:
        counted = counted_mentions(chunk, vectors)
        weights.append(document_weights(counted, weighting, []).rename("weight").reset_index())
        n = (counted.groupby(["vector", "actor"], sort=False)[N].sum() if N in counted.columns
             else counted.groupby(["vector", "actor"], sort=False).size())
        actors.append(n.rename(N).reset_index())
    total = pd.concat(actors, ignore_index=True) if actors else pd.DataFrame(
        columns=["vector", "actor", N])
    return MentionSummary(
        pd.concat(weights, ignore_index=True) if weights else pd.DataFrame(
            columns=["doc_id", "vector", "weight"]),
        total.groupby(["vector", "actor"], sort=False)[N].sum().reset_index(),
        weighting,
    )


def gap_selection(
    edition: Edition,
    period: str | tuple[int | dt.date | None, int | dt.date | None] | None = None,
    all_countries: bool = False,
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The rows a gap reads from a frame with ``date`` (and ``country``) columns: dated within
    :func:`edition_window`, of the edition's country or of none unless ``all_countries``.
    Both are a document's attributes, so a frame of whole documents can be selected chunk by
    chunk."""
    start, end = edition_window(edition, period)

    def select(frame: pd.DataFrame) -> pd.DataFrame:
        keep = pd.Series(True, index=frame.index)
        if start is not None or end is not None:
            dates = pd.to_datetime(frame["date"])
            if start is not None:
                keep &= dates >= pd.Timestamp(start)
            if end is not None:
                keep &= dates <= pd.Timestamp(end)
        if not all_countries and "country" in frame.columns:
            keep &= frame["country"].isna() | (frame["country"] == edition.country)
        return frame if keep.all() else frame[keep]  # the store often selected them already

    return select


def family_weights(themes: pd.DataFrame) -> pd.DataFrame:
    """Each document's weight per theme family (doc_id, family, weight): a passage splits one
    unit equally among the families of the themes coded in it. ``themes``: one row per passage
    and theme (``theme``, or its ``family``); whole documents, so that frames of chunks of
    documents give the weights of the whole when concatenated."""
    if "family" not in themes.columns:
        themes = with_families(themes)
    distinct = themes.drop_duplicates(["doc_id", "passage", "family"])
    if distinct.empty:
        return pd.DataFrame({"doc_id": pd.Series(dtype=object),
                             "family": pd.Series(dtype=object),
                             "weight": pd.Series(dtype=float)})
    per_passage = distinct.groupby(["doc_id", "passage"])["family"].transform("size")
    weights = (1.0 / per_passage).groupby([distinct["doc_id"], distinct["family"]]).sum()
    return weights.rename("weight").reset_index()


class _Draws:
    """The interval draws of a gap: each observed share (vectors, priorities, events) drawn
    from its own generator seeded alike, so that a figure does not depend on which others were
    computed before it."""

    def __init__(self, intervals: Intervals, rule: EvidenceRule | None) -> None:
        self.intervals = intervals
        self.rule = rule

    def shares(self, matrix: Floats) -> Floats | None:
        return self.intervals.share_draws(matrix, np.random.default_rng(self.intervals.seed))


def _matrix(
    weights: pd.Series, column: str, categories: Sequence[str], position: Mapping[str, int]
) -> Floats:
    """Documents (in ``position`` order) x categories from weights per (doc_id, category)."""
    out: Floats = np.zeros((len(position), len(categories)))
    if not len(weights):
        return out
    col = {c: j for j, c in enumerate(categories)}
    # from the index's levels: iterating its items would cache a tuple per row on the index
    # (tens of MB for a million passages)
    rows = np.fromiter((position[d] for d in weights.index.get_level_values(0)),
                       dtype=np.int64, count=len(weights))
    cols = np.fromiter((col.get(c, -1) for c in weights.index.get_level_values(1)),
                       dtype=np.int64, count=len(weights))
    known = cols >= 0
    np.add.at(out, (rows[known], cols[known]), weights.to_numpy(dtype=np.float64)[known])
    return out


def _split_matrix(
    rows: pd.DataFrame, column: str, categories: Sequence[str], position: Mapping[str, int]
) -> Floats:
    """Each passage splits one unit equally among the distinct ``column`` values coded in
    it: documents x categories."""
    distinct = rows.drop_duplicates(["doc_id", "passage", column])
    if distinct.empty:
        return np.zeros((len(position), len(categories)))
    per_passage = distinct.groupby(["doc_id", "passage"])[column].transform("size")
    weights = (1.0 / per_passage).groupby([distinct["doc_id"], distinct[column]]).sum()
    return _matrix(weights, column, categories, position)


def _event_matrix(
    events: pd.DataFrame,
    mentions: pd.DataFrame,
    scheme: VectorScheme,
    ids: Sequence[str],
    position: Mapping[str, int],
) -> Floats:
    """Each event counts 1 for each distinct counted vector among its counterparts; a
    counterpart's vector is the one its mention in the same document carries, else the
    scheme's (with the document's country as home)."""
    out: Floats = np.zeros((len(position), len(ids)))
    pairs = (
        events[["doc_id", "counterpart", "country"]]
        .reset_index(drop=True)
        .assign(_event=lambda f: np.arange(len(f)))
        .explode("counterpart")
        .rename(columns={"counterpart": "actor"})
    )
    pairs = pairs[pairs["actor"].notna()]
    if pairs.empty:
        return out
    # only the (document, actor) pairs of counterparts are looked up, not every mention
    placed = mentions[["doc_id", "actor", "vector"]].drop_duplicates(["doc_id", "actor"])
    pairs = pairs.merge(placed, on=["doc_id", "actor"], how="left", indicator=True)
    unplaced = (pairs["_merge"] == "left_only").to_numpy()
    homes = [c if isinstance(c, str) else None for c in pairs["country"].to_numpy()[unplaced]]
    actors = pairs["actor"].to_numpy()[unplaced]
    fallback = {key: _vector_of(str(key[0]), key[1], scheme)
                for key in set(zip(actors, homes, strict=True))}
    vectors = pairs["vector"].to_numpy(dtype=object, copy=True)
    vectors[unplaced] = [fallback[key] for key in zip(actors, homes, strict=True)]
    col = {v: j for j, v in enumerate(ids)}
    hits = pd.DataFrame({"_event": pairs["_event"].to_numpy(), "doc_id": pairs["doc_id"],
                         "vector": vectors})
    hits = hits[hits["vector"].isin(col)].drop_duplicates(["_event", "vector"])
    np.add.at(out, (hits["doc_id"].map(position).to_numpy(int),
                    hits["vector"].map(col).to_numpy(int)), 1.0)
    return out


def _observed(matrix: Floats, draws: _Draws) -> dict[str, Any]:
    totals = matrix.sum(axis=0)
    ev = evidence_of(matrix, draws.rule)
    share = shares_of(totals[None, :])[0] if totals.sum() > 0 else np.zeros_like(totals)
    drawn = draws.shares(matrix)
    if drawn is not None:
        low, high = interval(drawn, draws.intervals.level)
    else:
        low = high = np.full(len(totals), np.nan)
    return {
        "observed_weight": totals,
        "observed_share": share if ev.sufficient else np.full(len(totals), np.nan),
        "observed_low": low,
        "observed_high": high,
        "evidence": ev.label,
    }


def _add_gap(frame: pd.DataFrame) -> None:
    frame["gap"] = frame["observed_share"] - frame["declared_share"]
    frame["gap_low"] = frame["observed_low"] - frame["declared_share"]
    frame["gap_high"] = frame["observed_high"] - frame["declared_share"]
    # more attention than declared is flagged only on a few mentions at least: a vector named
    # once or twice is not a finding, however small its declared share
    over = (frame["gap_low"] > 0) & (frame["observed_weight"] >= MIN_FLAGGED)
    frame["differs"] = (over | (frame["gap_high"] < 0)) & (frame["evidence"] == "sufficient")


def _priority_table(
    level_name: str,
    categories: Sequence[str],
    declared_weights: pd.Series,
    matrix: Floats,
    resample: _Draws,
) -> pd.DataFrame:
    dw = np.array([float(declared_weights.get(c, 0.0)) for c in categories])
    total = dw.sum()
    table = pd.DataFrame(
        {
            "level": level_name,
            "priority": list(categories),
            "declared_weight": dw,
            "declared_share": dw / total if total > 0 else np.zeros_like(dw),
            **_observed(matrix, resample),
        }
    )
    _add_gap(table)
    return table
