"""Assemble a report from a coded corpus: run the analyses, pick the evidence, write findings.

:func:`build_report` turns a corpus (optionally restricted to some documents) and a concept
edition into a :class:`~multivector.report.model.ReportData`: balance over time, vector shares,
theme attention, the edition's coverage scorecard, events, the diff with the edition it
superseded, declared versus observed, and each document's alignment with the two editions.
Findings are short sentences computed from those results, each naming its figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from multivector import __version__
from multivector.analysis import (
    balance,
    coverage,
    documents_frame,
    elements_frame,
    events_frame,
    gap,
    mentions_frame,
    passages_frame,
    theme_attention,
    themes_frame,
)
from multivector.analysis.periods import assign_period
from multivector.analysis.stats import Intervals
from multivector.domain.concept import Edition
from multivector.domain.diff import diff_editions
from multivector.report.model import (
    DiffSummary,
    EditionInfo,
    ReportData,
    Stamp,
    corpus_hash,
    evidence_from_frame,
)
from multivector.services.corpus import Corpus
from multivector.store.base import Filters

Step = Callable[[str], None]


def _period_starts(editions: Sequence[Edition], first_year: int | None) -> Callable[[object], Any]:
    """The first year of a period label: a year, a cut range, an edition id or '(none)'."""
    starts = {e.id: (e.adopted.year if e.adopted else e.period_start) for e in editions}

    def start(label: object) -> int | None:
        text = str(label)
        if text in starts:
            return starts[text]
        if text[:4].isdigit():
            return int(text[:4])
        return first_year  # '(none)': before the first edition, from the corpus's first year

    return start


def build_report(
    corpus: Corpus,
    edition: Edition,
    *,
    doc_ids: Sequence[str] | None = None,
    period: str | list[int] = "edition",
    intervals: Intervals | None = None,
    step: Step | None = None,
) -> ReportData:
    say = step or (lambda _m: None)
    iv = intervals or Intervals()
    kb = corpus.knowledge
    store = corpus.store
    f = Filters(doc_ids=tuple(doc_ids)) if doc_ids else None
    say("reading the coded corpus")
    docs = documents_frame(store, f)
    mentions = mentions_frame(store, f)
    themes = themes_frame(store, f)
    elements = elements_frame(store, f)
    events = events_frame(store, f)
    texts = passages_frame(store, f)[["doc_id", "passage", "text"]]
    titles = docs[["doc_id", "title"]]

    def with_text(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.merge(texts, on=["doc_id", "passage"], how="left").merge(
            titles, on="doc_id", how="left", suffixes=("", "_doc")
        )

    editions = kb.editions(edition.country)
    evidence: dict[str, Any] = {}
    years = docs["year"].dropna()
    _period_start = _period_starts(editions, int(years.min()) if len(years) else None)
    first = min(editions, key=lambda e: e.period_start).id if editions else None

    def label(value: object) -> str:
        # documents dated before the first edition: say so rather than '(none)'
        return f"before {first}" if str(value) == "(none)" and first else str(value)

    say("balance across vectors")
    bal = balance(
        mentions,
        period=period,
        vectors=kb.vectors,
        editions=editions,
        intervals=iv,
    )
    index = bal.index_frame().rename(
        columns={"entropy_low": "entropy_lo", "entropy_high": "entropy_hi"}
    )
    diffs = bal.differences_frame()
    flagged: set[str] = set()
    if len(diffs):
        ent: pd.DataFrame = diffs[diffs["metric"] == "entropy"] if "metric" in diffs else diffs
        flagged = {str(r["period_b"]) for r in ent.to_dict("records") if r.get("differs")}
    index["flag"] = index["period"].astype(str).isin(flagged)
    index["period_start"] = index["period"].map(_period_start)
    index["period"] = index["period"].map(label)
    shares = bal.shares_frame()[["period", "vector", "share"]].copy()
    shares["period_start"] = shares["period"].map(_period_start)
    shares["period"] = shares["period"].map(label)
    counted = assign_period(mentions[mentions["vector"].notna()], period, editions=editions)
    counted["period"] = counted["period"].map(label)
    evidence["vector_shares"] = evidence_from_frame(with_text(counted), ["period", "vector"])
    evidence["balance_index"] = evidence_from_frame(with_text(counted), "period")

    say("theme attention")
    attention = theme_attention(
        themes, docs, period=period, level="family", editions=editions
    )
    heat = attention.to_frame()[["theme", "period", "share"]].copy()
    heat["period_start"] = heat["period"].map(_period_start)
    heat["period"] = heat["period"].map(label)
    fam = themes.copy()
    fam["theme"] = fam["theme"].map(lambda t: str(t).split(".")[0])
    evidence["theme_heatmap"] = evidence_from_frame(
        with_text(
            assign_period(fam, period, editions=editions).assign(
                period=lambda x: x["period"].map(label)
            )
        ),
        ["theme", "period"],
    )

    say(f"coverage of {edition.id}")
    cov = coverage(edition, elements, events, period="year", documents=docs)
    card = cov.scorecard_frame()
    evidence["coverage"] = evidence_from_frame(with_text(cov.evidence_frame()), "element")

    say("declared versus observed")
    gp = gap(
        edition,
        mentions,
        kb.vectors,
        themes=themes,
        elements=elements,
        events=events,
        intervals=iv,
    )
    gv = gp.vectors_frame()
    gap_frame = pd.DataFrame(
        {
            "vector": gv["vector"],
            "declared": gv["declared_share"],
            "observed": gv["observed_share"],
            "observed_lo": gv["observed_low"],
            "observed_hi": gv["observed_high"],
            "gap": gv["gap"],
            "flag": gv["differs"],
        }
    )
    start = edition.adopted or dt.date(edition.period_start, 1, 1)
    in_force = mentions[(mentions["vector"].notna()) & (mentions["date"] >= pd.Timestamp(start))]
    evidence["gap"] = evidence_from_frame(with_text(in_force), "vector")

    say("events")
    ev = events.sort_values("date")
    ev_frame = pd.DataFrame(
        {
            "date": ev["date"],
            "type": ev["type"],
            "actor": ev["actor"],
            "counterpart": ev["counterpart"].map(
                lambda c: ", ".join(c) if isinstance(c, list) else (c or "")
            ),
            "evidence": ev["evidence"],
            "doc_id": ev["doc_id"],
            "passage": ev["passage"],
        }
    )

    diff_summary = None
    predecessor = None
    if edition.supersedes and edition.supersedes in kb.edition_ids():
        predecessor = kb.edition(edition.supersedes)
        diff_summary = DiffSummary.from_diff(diff_editions(predecessor, edition))

    align_frame = None
    if predecessor is not None and len(docs):
        say("alignment with the editions")
        al = corpus.alignment([predecessor, edition], method="profile", relative=True, filters=f)
        t = al.to_frame()
        align_frame = pd.DataFrame(
            {
                "doc_id": t["doc_id"],
                "title": t["title"],
                "year": t["year"],
                "best_edition": t["best"],
            }
        )
        for e in (predecessor, edition):
            align_frame[f"score_{e.id}"] = t[f"score:{e.id}"]

    say("findings")
    findings = _findings(docs, index, shares, card, gap_frame, diff_summary, kb, edition)
    n_passages = int(docs["n_passages"].sum()) if len(docs) else 0
    dates = docs["date"].dropna()
    stamp = Stamp(
        package_version=__version__,
        codebook_id=kb.codebook.id,
        codebook_version=kb.codebook.version,
        edition_id=edition.id,
        edition_data_version=edition.data_version,
        vectors_id=kb.vectors.id,
        vectors_version=kb.vectors.version,
        corpus_hash=corpus_hash(docs["doc_id"]),
        n_documents=len(docs),
        n_passages=n_passages,
        date_from=dates.min().date().isoformat() if len(dates) else None,
        date_to=dates.max().date().isoformat() if len(dates) else None,
    )
    countries = sorted({c for c in docs["country"].dropna()})
    return ReportData(
        title=f"{', '.join(countries) or 'Corpus'} foreign policy against {edition.id}",
        subtitle=f"{len(docs)} documents, {stamp.date_from or '?'} to {stamp.date_to or '?'}",
        edition=EditionInfo.from_edition(edition),
        stamp=stamp,
        findings=findings,
        balance_index=index,
        vector_shares=shares,
        theme_heatmap=heat,
        coverage=card,
        events=ev_frame,
        diff_summary=diff_summary,
        gap=gap_frame,
        alignment=align_frame,
        evidence=evidence,
        vector_labels={v.id: v.label for v in kb.vectors},
        theme_labels={t.id: t.label("en") for t in kb.codebook},
        methods={
            "Periods": str(period),
            "Attention weighting": "per actor mention",
            "Balance index": "normalised Shannon entropy over all vectors; 1 - HHI beside it",
            "Intervals": iv.describe(),
            "Declared profile": "partner tiers x element kind (docs/analysis.md)",
            "Coverage": "element annotations per year (best per passage)",
        },
    )


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _findings(
    docs: pd.DataFrame,
    index: pd.DataFrame,
    shares: pd.DataFrame,
    card: pd.DataFrame,
    gap_frame: pd.DataFrame,
    diff: DiffSummary | None,
    kb: Any,
    edition: Edition,
) -> list[str]:
    out: list[str] = []
    if not len(docs):
        return ["The corpus holds no documents: nothing to report."]
    years = docs["year"].dropna()
    out.append(
        f"The corpus holds {len(docs)} documents from {int(years.min())} to "
        f"{int(years.max())} ({int(docs['n_passages'].sum())} passages)."
    )
    valid = index.dropna(subset=["entropy"])
    if len(valid):
        ordered = valid.sort_values("entropy")
        lo, hi = ordered.iloc[0], ordered.iloc[-1]
        out.append(
            f"Attention was most evenly spread across the vectors in {hi['period']} (balance "
            f"index {hi['entropy']:.2f}) and most concentrated in {lo['period']} "
            f"({lo['entropy']:.2f}); see Figure 1."
        )
        flagged = [str(p) for p in valid.loc[valid["flag"], "period"]]
        if flagged:
            out.append(
                "The balance index changed beyond its interval entering: "
                + ", ".join(flagged)
                + "."
            )
    if len(shares):
        total = shares.groupby("vector")["share"].mean().sort_values(ascending=False)
        top = [f"{kb.vectors.get(v).label} ({_pct(s)})" for v, s in total.head(3).items() if s > 0]
        out.append(
            "Across periods the vectors drawing most attention were "
            + ", ".join(top)
            + " (mean share per period; Figure 2)."
        )
    if len(card):
        silent = card[card["silent"]]
        quiet = card[(~card["silent"]) & (card["share"] < 0.2)]
        out.append(
            f"Of the {len(card)} elements of {edition.id}, {len(silent)} found no evidence "
            f"in the corpus"
            + (f" ({', '.join(silent['element'].head(5))})" if len(silent) else "")
            + f"; {len(quiet)} appear in fewer than a fifth of the years (Figure 4)."
        )
    if len(gap_frame):
        under = gap_frame[(gap_frame["flag"]) & (gap_frame["gap"] < 0)]
        over = gap_frame[(gap_frame["flag"]) & (gap_frame["gap"] > 0)]
        if len(under) or len(over):
            out.append(
                f"Against the profile {edition.id} declares, observed attention in its period "
                "is lower for " + (", ".join(under["vector"]) or "no vector") + " and higher "
                "for "
                + (", ".join(over["vector"]) or "no vector")
                + ", beyond the intervals (Figure 6)."
            )
    if diff is not None:
        moves = diff.relations[diff.relations["direction"].isin(["up", "down"])]
        if len(moves):
            out.append(
                f"From {diff.before} to {diff.after} the declared tier went "
                + "; ".join(
                    f"{r['direction']} for {r['partner']}" for r in moves.to_dict("records")
                )
                + "."
            )
    out.append(
        "Every figure links to the passages behind it; the coding is automatic and "
        "should be read with the evidence (evaluation figures: docs/quality.md)."
    )
    return out
