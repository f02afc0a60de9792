"""JSON documents of the analyses: balance, declared versus observed, coverage, trends, keyness,
channels and UN votes, as the command line prints them with ``--format json`` and the REST API
answers with them (docs/json-output.md). Each builder takes plain values, runs the use case of
:mod:`multivector.services.analyses` (or :mod:`multivector.services.votes`) and returns the
whole document; an interface may show less of it (one table on a terminal), never other fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from multivector.domain.knowledge import Knowledge
from multivector.errors import UsageError
from multivector.services import analyses
from multivector.store.base import CorpusRepository, Filters

BALANCE_TABLES = ("index", "shares", "differences")
GAP_TABLES = ("vectors", "priorities")
COVERAGE_TABLES = ("scorecard", "timeline", "evidence")


def check_section(section: str, tables: Sequence[str]) -> str:
    """``section`` if it names one of ``tables``, else a usage error."""
    if section not in tables:
        raise UsageError(f"--section: unknown table {section!r}", hint=f"use {', '.join(tables)}")
    return section


def balance_document(
    store: CorpusRepository, knowledge: Knowledge, *, filters: Filters | None = None,
    period: str = "year", by: str | None = None, weighting: str = "mention",
    multilateral: bool = False, interval: str = "posterior", draws: int = 2000, seed: int = 0,
) -> dict[str, Any]:
    """``{"weighting", "period", "intervals", "index", "shares", "differences"}``."""
    iv = analyses.intervals(interval, draws, seed)
    res = analyses.balance(
        store, knowledge, filters=filters, period=analyses.parse_period(period), by=by,
        weighting=weighting, multilateral=multilateral, intervals=iv,
    )
    return {
        "weighting": weighting,
        "period": period,
        "intervals": iv.describe(),
        "index": analyses.records_of(res.index_frame()),
        "shares": analyses.records_of(res.shares_frame()),
        "differences": analyses.records_of(res.differences_frame()),
    }


def gap_document(
    store: CorpusRepository, knowledge: Knowledge, concept: str, *,
    countries: Sequence[str] = (), all_countries: bool = False, all_dates: bool = False,
    rule: Path | None = None, interval: str = "posterior", draws: int = 2000, seed: int = 0,
) -> dict[str, Any]:
    """``{"edition", "vectors", "priorities"}``; with ``countries``, every row names its
    country and only the edition's own has a declared profile."""
    iv = analyses.intervals(interval, draws, seed)
    if countries:
        results = analyses.gap_by_country(store, knowledge, concept, countries,
                                          all_dates=all_dates, rule=rule, intervals=iv)
    else:
        results = {"": analyses.gap(store, knowledge, concept, all_countries=all_countries,
                                    all_dates=all_dates, rule=rule, intervals=iv)}

    def rows(frame_of: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for code, r in results.items():
            table = analyses.records_of(getattr(r, frame_of)())
            out += [{"country": code, **row} if code else row for row in table]
        return out

    return {
        "edition": next(iter(results.values())).edition,
        "vectors": rows("vectors_frame"),
        "priorities": rows("priorities_frame"),
    }


def coverage_document(
    store: CorpusRepository, knowledge: Knowledge, concept: str, *,
    filters: Filters | None = None, period: str = "year",
) -> tuple[dict[str, Any], list[str]]:
    """``{"edition", "scorecard", "timeline", "evidence"}``, and the warnings to show beside
    it (an element no passage can reach, ...)."""
    res = analyses.coverage(store, knowledge, concept, filters=filters,
                            period=analyses.parse_period(period))
    doc = {
        "edition": res.edition,
        "scorecard": analyses.records_of(res.scorecard_frame()),
        "timeline": analyses.records_of(res.timeline_frame()),
        "evidence": analyses.records_of(res.evidence_frame()),
    }
    return doc, list(res.warnings)


def trends_document(
    store: CorpusRepository, knowledge: Knowledge, *, filters: Filters | None = None,
    period: str = "year", level: str = "family",
) -> dict[str, Any]:
    """``{"level", "trends"}``: each theme's share of passages per period."""
    res = analyses.trends(store, knowledge, filters=filters,
                          period=analyses.parse_period(period), level=level)
    return {"level": level, "trends": res.records()}


def keyness_document(
    store: CorpusRepository, *, a: str, b: str, by: str = "year", what: str = "terms",
    top: int = 30, min_freq: int = 5,
) -> dict[str, Any]:
    """``{"a", "b", "what", "keyness"}``: G2 and log ratio of terms or themes, A against B."""
    res = analyses.keyness(store, a=a, b=b, by=by, what=what, top=top, min_freq=min_freq)
    return {"a": a, "b": b, "what": what, "keyness": res.records()}


def channels_document(
    store: CorpusRepository, knowledge: Knowledge, *, countries: Sequence[str] = ("KAZ",),
    interval: str = "posterior", draws: int = 2000, seed: int = 0,
) -> dict[str, Any]:
    """``{"findings", "channels"}``: declared, said, done and voted per country, edition
    period and main partner, then where the channels agree and part."""
    res = analyses.channels(store, knowledge, countries=countries,
                            intervals=analyses.intervals(interval, draws, seed))
    return {"findings": list(res.findings), "channels": res.records()}


# ------------------------------------------------------------------------------ votes


def evidence_key(value: str, countries: Sequence[str]) -> tuple[str, str, str]:
    """``PARTNER:CELL`` (of the first country) or ``COUNTRY:PARTNER:CELL``."""
    parts = [p.strip() for p in value.split(":")]
    if len(parts) == 2 and all(parts):
        return countries[0], parts[0].upper(), parts[1]
    if len(parts) == 3 and all(parts):
        return parts[0].upper(), parts[1].upper(), parts[2]
    raise UsageError(f"--evidence: {value!r} is not PARTNER:CELL",
                     hint="for example --evidence USA:2005 or --evidence EU:'Human rights'")


def votes_document(
    countries: Sequence[str], partners: Sequence[str], *, knowledge: Knowledge,
    by: str = "year", date_from: dt.date | None = None, date_to: dt.date | None = None,
    measure: str = "agreement", distance: str = "absolute", min_rollcalls: int = 10,
    bootstrap: int = 1000, seed: int = 0, evidence: str | None = None,
) -> dict[str, Any]:
    """Agreement in UN General Assembly votes: ``{"countries", "by", "measure", ...,
    "partners", "agreement"}``; with ``evidence`` (``PARTNER:CELL``), the roll calls behind
    that one figure instead: ``{"country", "partner", "cell", ..., "rollcalls"}``."""
    from multivector.services import votes as service

    res = service.agreement(
        list(countries), list(partners), by=by, date_from=date_from, date_to=date_to,
        measure=measure, distance=distance, bootstrap=bootstrap if evidence is None else 0,
        seed=seed, min_rollcalls=min_rollcalls, knowledge=knowledge,
    )
    if evidence is not None:
        who, partner, cell = evidence_key(evidence, list(res.countries))
        rows = res.evidence(partner, cell, country=who)
        value = res.value(partner, cell, country=who)
        return {"country": who, "partner": partner, "cell": cell, "measure": measure,
                "value": value, "n_rollcalls": int((rows["partner_vote"] != "(tie)").sum()),
                "source": service.CITATION, "rollcalls": analyses.records_of(rows)}
    return {
        "countries": list(res.countries),
        "by": by,
        "measure": measure,
        "distance": distance,
        "from": res.metadata.get("from"),
        "to": res.metadata.get("to"),
        "bootstrap": bootstrap,
        "seed": seed,
        "level": res.level,
        "min_rollcalls": min_rollcalls,
        "source": service.CITATION,
        "partners": res.metadata.get("partners", []),
        "agreement": res.records(),
    }
