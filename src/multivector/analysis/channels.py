"""Channels side by side: what a concept edition declares for each main partner, and what the
state says (attention in its statements), does (events that happened, by counterpart) and votes
(agreement in the UN General Assembly) toward it, period by period, each with its interval and
its evidence.

The channels measure different things on different scales: attention and events are shares
(of mentions, of events) over the vectors of the scheme; votes are agreement with one partner
(a state, or a bloc voting as its members' majority). They are set beside one another, never
added up: a combined index would need weights nobody can defend for every question, so none is
computed. :func:`agreements` states, in words, where the channels agree and where they part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from multivector.analysis.frames import records_of
from multivector.analysis.periods import Editions, assign_period, period_order
from multivector.analysis.stats import EvidenceRule, Intervals, evidence_of, interval, shares_of
from multivector.domain.concept import Edition, Tier
from multivector.domain.results import Tabular
from multivector.domain.vectors import VectorScheme

# the partner whose votes stand for each main vector
VOTE_PARTNERS: dict[str, str] = {
    "russia": "RUS", "china": "CHN", "usa": "USA", "europe": "EU", "central_asia": "CA",
}
MAIN_VECTORS = tuple(VOTE_PARTNERS)
CLOSE_VOTES = 0.75  # agreement at or above: votes close to the partner
FAR_VOTES = 0.5  # agreement at or below: votes apart from it

COLUMNS = [
    "country", "period", "vector", "declared_tier", "declared_share",
    "rhetoric_share", "rhetoric_low", "rhetoric_high", "rhetoric_evidence", "rhetoric_actors",
    "events", "event_share", "event_low", "event_high", "event_evidence",
    "vote_partner", "votes", "votes_low", "votes_high", "n_rollcalls", "votes_status",
]


@dataclass(frozen=True)
class ChannelsResult(Tabular):
    """One row per (country, period, vector): declared tier and share, attention share,
    events share, votes agreement, each with its interval and evidence (see :data:`COLUMNS`),
    and sentences on where the channels agree and part."""

    table: pd.DataFrame = field(compare=False, repr=False)
    findings: tuple[str, ...] = ()

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _tier_label(tier: Tier | None) -> str | None:
    return tier.label if tier is not None else None


def declared_tiers(edition: Edition, scheme: VectorScheme) -> dict[str, Tier | None]:
    """The closest tier the edition declares with a partner in each vector (None: partners
    named without a tier, or none named)."""
    out: dict[str, Tier | None] = {}
    for partner, rel in edition.partner_tiers().items():
        vector = scheme.vector_of_country(partner, edition.country) or \
            scheme.vector_of_organisation(partner)
        if vector is None:
            continue
        if rel.tier is not None and (out.get(vector) is None or rel.tier > (out[vector] or 0)):
            out[vector] = rel.tier
        else:
            out.setdefault(vector, None)
    return out


def channels(
    mentions: pd.DataFrame,
    events: pd.DataFrame | None,
    votes: pd.DataFrame | None,
    *,
    scheme: VectorScheme,
    editions: Sequence[Edition],
    period: str | Sequence[int] = "edition",
    declared: Mapping[str, Mapping[str, float]] | None = None,
    vectors: Sequence[str] = MAIN_VECTORS,
    intervals: Intervals | None = None,
    rule: EvidenceRule | None = None,
) -> ChannelsResult:
    """Channels side by side per country and period.

    ``mentions`` and ``events`` are frames of :mod:`multivector.analysis.frames` (the counted
    mentions and the events that happened; an events frame with a ``status`` column is kept to
    ``happened``); ``votes`` a table of :class:`multivector.analysis.votes.VoteAgreement`
    grouped by the same periods (columns country, partner, cell, value, low, high,
    n_rollcalls, status). ``declared`` maps an edition id to its declared shares per vector
    (:func:`multivector.analysis.gap.declared_profile`); the tiers come from the editions.
    Periods: ``edition`` (the edition in force, for each country its own) or as
    :func:`~multivector.analysis.periods.assign_period`. A country without an edition has no
    declared column: nothing is invented for it."""
    iv = intervals or Intervals()
    by_id = {e.id: e for e in editions}
    eds: Editions = {e.country: [x for x in editions if x.country == e.country]
                     for e in editions}
    ids = list(scheme.ids)
    mentions = _with_period(mentions, period, eds)
    ev_frame = None
    if events is not None:
        ev_frame = events
        if "status" in ev_frame.columns:
            ev_frame = ev_frame[ev_frame["status"].fillna("happened") == "happened"]
        ev_frame = _with_period(ev_frame, period, eds)
    rows: list[dict[str, Any]] = []
    cells = mentions[["country", "period", "date"]].dropna(subset=["country"])
    if ev_frame is not None:
        cells = pd.concat([cells, ev_frame[["country", "period", "date"]]], ignore_index=True)
    order = period_order(cells) if len(cells) else []
    rank = {p: i for i, p in enumerate(order)}
    keys = sorted({(str(c), str(p)) for c, p in cells[["country", "period"]].itertuples(
        index=False, name=None)}, key=lambda k: (k[0], rank.get(k[1], 0)))
    for country, per in keys:
        edition = by_id.get(per)
        tiers = declared_tiers(edition, scheme) if edition is not None else {}
        shares_declared = (declared or {}).get(per, {}) if edition is not None else {}
        part = mentions[(mentions["country"] == country) & (mentions["period"] == per)]
        rhet = _shares(part, "vector", ids, iv, rule, iv.seed)
        if ev_frame is not None:
            epart = ev_frame[(ev_frame["country"] == country) & (ev_frame["period"] == per)]
            evs = _event_shares(epart, part, ids, scheme, country, iv, rule, iv.seed)
        else:
            evs = None
        for vector in vectors:
            vote = _vote(votes, country, VOTE_PARTNERS.get(vector), per)
            rows.append({
                "country": country,
                "period": per,
                "vector": vector,
                "declared_tier": _tier_label(tiers.get(vector)) if edition else None,
                "declared_share": shares_declared.get(vector) if edition else None,
                **{f"rhetoric_{k}": v for k, v in rhet[vector].items()},
                **({"events": evs[vector]["n"], **{f"event_{k}": v for k, v in evs[vector].items()
                                                   if k in ("share", "low", "high", "evidence")}}
                   if evs is not None else {}),
                **vote,
            })
    table = pd.DataFrame(rows, columns=COLUMNS)
    return ChannelsResult(table, tuple(agreements(table)))


def _with_period(frame: pd.DataFrame, period: str | Sequence[int], eds: Editions) -> pd.DataFrame:
    return assign_period(frame, period if isinstance(period, str) else list(period), editions=eds)


def _shares(
    part: pd.DataFrame, column: str, ids: list[str], iv: Intervals, rule: EvidenceRule | None,
    seed: int,
) -> dict[str, dict[str, Any]]:
    """Per vector: share, interval, evidence and the actors behind it, from mentions."""
    counted = part[part[column].isin(ids)] if len(part) else part
    docs = sorted(set(counted["doc_id"])) if len(counted) else []
    matrix = np.zeros((len(docs), len(ids)))
    if docs:
        pos = {d: i for i, d in enumerate(docs)}
        col = {v: j for j, v in enumerate(ids)}
        for d, v in counted[["doc_id", column]].itertuples(index=False, name=None):
            matrix[pos[d], col[v]] += 1
    return _summarise(matrix, ids, iv, rule, seed,
                      actors=counted.groupby([column, "actor"]).size() if len(counted) else None)


def _event_shares(
    events: pd.DataFrame, mentions: pd.DataFrame, ids: list[str], scheme: VectorScheme,
    country: str, iv: Intervals, rule: EvidenceRule | None, seed: int,
) -> dict[str, dict[str, Any]]:
    """Per vector: events counting 1 for each distinct vector among their counterparts."""
    docs = sorted(set(events["doc_id"])) if len(events) else []
    matrix = np.zeros((len(docs), len(ids)))
    col = {v: j for j, v in enumerate(ids)}
    pos = {d: i for i, d in enumerate(docs)}
    for doc_id, counterparts in events[["doc_id", "counterpart"]].itertuples(index=False,
                                                                             name=None):
        found = set()
        for actor in counterparts or []:
            v = scheme.vector_of_country(str(actor), country) or \
                scheme.vector_of_organisation(str(actor))
            if v in col:
                found.add(v)
        for v in found:
            matrix[pos[doc_id], col[v]] += 1
    return _summarise(matrix, ids, iv, rule, seed)


def _summarise(
    matrix: np.ndarray[Any, Any], ids: list[str], iv: Intervals, rule: EvidenceRule | None,
    seed: int, actors: pd.Series | None = None,
) -> dict[str, dict[str, Any]]:
    ev = evidence_of(matrix, rule)
    totals = matrix.sum(axis=0)
    share = shares_of(totals[None, :])[0] if totals.sum() > 0 else np.full(len(ids), np.nan)
    drawn = iv.share_draws(matrix, np.random.default_rng(seed)) if matrix.size else None
    if drawn is not None:
        low, high = interval(drawn, iv.level)
    else:
        low = high = np.full(len(ids), np.nan)
    out: dict[str, dict[str, Any]] = {}
    for j, v in enumerate(ids):
        named = ""
        if actors is not None and v in actors.index.get_level_values(0):
            top = actors[v].sort_values(ascending=False, kind="stable").head(4)
            named = ", ".join(f"{a} {int(n)}" for a, n in top.items())
        out[v] = {
            "n": float(totals[j]),
            "share": float(share[j]) if ev.sufficient else None,
            "low": float(low[j]) if not np.isnan(low[j]) else None,
            "high": float(high[j]) if not np.isnan(high[j]) else None,
            "evidence": ev.label,
            "actors": named,
        }
    return out


def _vote(votes: pd.DataFrame | None, country: str, partner: str | None,
          cell: str) -> dict[str, Any]:
    empty = {"vote_partner": partner, "votes": None, "votes_low": None, "votes_high": None,
             "n_rollcalls": 0, "votes_status": "no votes"}
    if votes is None or partner is None or votes.empty:
        return empty
    hit = votes[(votes["country"] == country) & (votes["partner"] == partner)
                & (votes["cell"] == cell)]
    if hit.empty:
        return empty
    r = hit.iloc[0]
    return {"vote_partner": partner, "votes": r["value"], "votes_low": r["low"],
            "votes_high": r["high"], "n_rollcalls": int(r["n_rollcalls"]),
            "votes_status": r["status"]}


def agreements(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[str]:
    """Plain sentences, per country and period: how its votes rank the main partners, whether
    that agrees with the tiers its concept declares, and what its statements do (or cannot)
    say about the same partners; a period without votes (the bundled roll calls end in 2019)
    says what the statements show against the declared tiers, and that the genre, not the
    policy, may explain their silence. ``names`` gives the countries' names (``KAZ`` ->
    ``Kazakhstan``); the codes are used without it."""
    out: list[str] = []
    if table.empty:
        return out
    for (country, per), part in table.groupby(["country", "period"], sort=False):
        p = part.set_index("vector")
        voted = p[(p["votes_status"] == "ok") & p["votes"].notna()]
        has_editions = table.loc[table["country"] == country, "declared_share"].notna().any()
        when = (f"under {per}" if per != "(none)"
                else "before its first concept" if has_editions
                else "over all the years (no concept edition of it is encoded)")
        name = (names or {}).get(str(country), str(country))
        tiered = {v: str(p.loc[v, "declared_tier"]) for v in p.index
                  if isinstance(p.loc[v, "declared_tier"], str)}
        if voted.empty:
            quiet_sentence = _silent_statements(p, tiered)
            if quiet_sentence:
                out.append(f"{name}, {when}: no UN General Assembly votes are at hand (the "
                           f"bundled roll calls end in 2019); {quiet_sentence}.")
            continue
        ranked = sorted(voted.index, key=lambda v: -_num(voted.loc[v, "votes"]))
        sentence = (f"{name}, {when}: in the UN General Assembly it voted with "
                    + _names(ranked, voted, "votes") + " of the time")
        if tiered:
            held = [v for v in tiered if v in voted.index
                    and _num(voted.loc[v, "votes"]) >= CLOSE_VOTES]
            apart = [v for v in tiered if v in voted.index
                     and _num(voted.loc[v, "votes"]) <= FAR_VOTES]
            if held:
                sentence += ("; the votes bear out the declared "
                             + _and([f"{_tier_words(tiered[v])} with {_label(v)}"
                                     for v in held]))
            if apart:
                sentence += ("; the declared " + _and([
                    f"{_tier_words(tiered[v])} with {_label(v)}" for v in apart])
                    + (" does" if len(apart) == 1 else " do") + " not show in the votes")
        quiet = [v for v in ranked if _num(voted.loc[v, "votes"]) >= CLOSE_VOTES
                 and _num(p.loc[v, "rhetoric_share"]) < 0.05]
        if quiet:
            sentence += (". Its statements give " + _and([_label(v) for v in quiet])
                         + " under 5% of their attention, though the votes put them close: the "
                         "genre seldom names partners")
        out.append(sentence + ".")
    return out


def _silent_statements(p: pd.DataFrame, tiered: Mapping[str, str]) -> str:
    """For a period without votes: the declared partners the statements barely name, or that
    they hold too little evidence to say."""
    if "rhetoric_evidence" not in p or p["rhetoric_evidence"].isna().all():
        return ""
    if (p["rhetoric_evidence"] == "insufficient").all():
        return "its statements hold too little evidence to give shares of attention"
    low = [v for v in tiered if v in p.index
           and _num(p.loc[v, "rhetoric_share"]) < 0.05]  # NaN (no share) compares False
    if not low:
        return ""
    highs = [_num(p.loc[v, "rhetoric_high"]) for v in low]
    bound = max(h for h in highs if not np.isnan(h)) if any(not np.isnan(h) for h in highs) \
        else float("nan")
    upto = f" (95% intervals up to {bound:.0%})" if not np.isnan(bound) else ""
    shares = {f"{_num(p.loc[v, 'rhetoric_share']):.0%}" for v in low}
    given = (_and([_label(v) for v in low]) + f" {shares.pop()}" if len(shares) == 1
             else _and([f"{_label(v)} {_num(p.loc[v, 'rhetoric_share']):.0%}" for v in low]))
    return (f"its statements give {given} of their attention{upto}, though the concept "
            "declares " + _and([f"{_tier_words(tiered[v])} with {_label(v)}" for v in low])
            + ": the genre seldom names bilateral partners, so this silence is no evidence of "
            "a gap in policy")


def _tier_words(tier: str) -> str:
    """A tier as a sentence names it: 'allied' -> 'allied relations'."""
    return "allied relations" if tier == "allied" else tier


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _num(value: Any) -> float:
    return float(value) if value is not None and not pd.isna(value) else float("nan")


LABELS = {"russia": "Russia", "china": "China", "usa": "the United States",
          "europe": "the EU", "central_asia": "Central Asia"}


def _label(vector: str) -> str:
    return LABELS.get(vector, vector)


def _names(vectors: list[str], frame: pd.DataFrame, column: str) -> str:
    return ", ".join(f"{_label(v)} ({cast(float, frame.loc[v, column]):.0%})" for v in vectors)
