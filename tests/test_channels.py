"""Channels side by side: declared tiers and shares, attention, events that happened and UN
votes per country and period, from hand-made frames; and the sentences they give."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from multivector.analysis.channels import agreements, channels, declared_tiers
from multivector.analysis.stats import EvidenceRule, Intervals
from multivector.domain.concept import Tier
from multivector.services.knowledge import default_knowledge

KB = default_knowledge()
SCHEME = KB.vectors
EDITIONS = KB.editions("KAZ")


def mention(doc: str, date: str, actor: str, vector: str, country: str = "KAZ") -> dict[str, Any]:
    return {"doc_id": doc, "passage": 0, "date": pd.Timestamp(date), "country": country,
            "actor": actor, "vector": vector, "score": 1.0}


def event(doc: str, date: str, counterparts: list[str], status: str,
          country: str = "KAZ") -> dict[str, Any]:
    return {"doc_id": doc, "passage": 0, "date": pd.Timestamp(date), "country": country,
            "type": "visit", "counterpart": counterparts, "status": status}


def test_declared_tiers_are_the_closest_per_vector() -> None:
    tiers = declared_tiers(KB.edition("kaz/2020-2030"), SCHEME)
    assert tiers["russia"] is Tier.ALLIED and tiers["china"] is (
        Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP)
    assert tiers["central_asia"] is Tier.STRATEGIC_PARTNERSHIP
    assert tiers.get("europe") is None  # the EU named, without a tier


def test_channels_side_by_side_with_votes_and_happened_events_only() -> None:
    rows = []
    for d in range(6):
        rows += [mention(f"m{d}", "2016-09-25", "RUS", "russia"),
                 mention(f"m{d}", "2016-09-25", "AFG", "south_asia"),
                 mention(f"m{d}", "2016-09-25", "AFG", "south_asia")]
    events = pd.DataFrame([event("e1", "2016-05-01", ["CHN"], "happened"),
                           event("e2", "2016-06-01", ["CHN", "RUS"], "happened"),
                           event("e3", "2016-07-01", ["USA"], "planned")])
    votes = pd.DataFrame([
        {"country": "KAZ", "partner": "RUS", "cell": "kaz/2014-2020", "value": 0.74,
         "low": 0.7, "high": 0.78, "n_rollcalls": 400, "status": "ok"},
        {"country": "KAZ", "partner": "USA", "cell": "kaz/2014-2020", "value": 0.31,
         "low": 0.28, "high": 0.34, "n_rollcalls": 400, "status": "ok"},
    ])
    declared = {"kaz/2014-2020": {"russia": 0.35, "usa": 0.17}}
    r = channels(pd.DataFrame(rows), events, votes, scheme=SCHEME, editions=EDITIONS,
                 declared=declared, intervals=Intervals(draws=300), rule=EvidenceRule(2, 2))
    t = r.to_frame().set_index(["period", "vector"])
    row = t.loc[("kaz/2014-2020", "russia")]
    assert row["declared_tier"] == "allied" and row["declared_share"] == 0.35
    assert row["rhetoric_share"] == pytest.approx(1 / 3)
    assert row["rhetoric_low"] < 1 / 3 < row["rhetoric_high"]
    assert row["rhetoric_actors"] == "RUS 6" and row["votes"] == 0.74
    usa = t.loc[("kaz/2014-2020", "usa")]
    assert usa["events"] == 0  # the planned visit is not an event that happened
    assert t.loc[("kaz/2014-2020", "china"), "events"] == 2
    assert usa["votes"] == 0.31 and usa["votes_status"] == "ok"
    assert t.loc[("kaz/2014-2020", "europe"), "votes_status"] == "no votes"
    sentence = next(s for s in r.findings if "kaz/2014-2020" in s)
    assert "Russia (74%), the United States (31%)" in sentence
    assert "strategic partnership with the United States does not show in the votes" in sentence


def test_no_declared_column_is_invented_for_a_country_without_an_edition() -> None:
    rows = [mention(f"u{d}", "2016-09-25", "RUS", "russia", country="UZB") for d in range(5)]
    votes = pd.DataFrame([{"country": "UZB", "partner": "RUS", "cell": "(none)", "value": 0.84,
                           "low": 0.8, "high": 0.87, "n_rollcalls": 900, "status": "ok"}])
    r = channels(pd.DataFrame(rows), None, votes, scheme=SCHEME, editions=EDITIONS)
    t = r.to_frame()
    assert set(t["country"]) == {"UZB"} and t["declared_tier"].isna().all()
    assert t["declared_share"].isna().all()
    assert "no concept edition of it is encoded" in r.findings[0]
    assert agreements(t.iloc[0:0]) == []


def test_declared_versus_observed_per_country_borrows_no_profile(tmp_path: Any) -> None:
    import json

    from multivector.services.analyses import gap_by_country
    from multivector.services.corpus import Corpus
    from tests.test_corpus import FAST

    rows = [{"date": "2016-09-25", "country": c, "text": f"{name} and Russia discussed water, "
             "trade and transit in Central Asia with China."}
            for c, name in (("KAZ", "Kazakhstan"), ("UZB", "Uzbekistan"))]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with Corpus(tmp_path / "g.db", config=FAST, edition="kaz/2014-2020") as corpus:
        assert corpus.ingest([path]).ok
        out = gap_by_country(corpus.store, KB, "kaz/2014-2020", ["KAZ", "UZB"])
    kaz = out["KAZ"].vectors.set_index("vector")
    uzb = out["UZB"].vectors.set_index("vector")
    assert kaz.loc["russia", "declared_share"] > 0 and kaz["note"].isna().all()
    assert uzb["declared_share"].isna().all() and uzb["gap"].isna().all()
    assert not uzb["differs"].any()
    assert uzb["note"].str.contains("no concept edition of UZB").all()
    assert uzb.loc["russia", "observed_weight"] == 1.0


def test_gap_command_takes_several_countries(tmp_path: Any) -> None:
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from multivector.interfaces.cli import app
    from tests.test_corpus import FAST

    config = tmp_path / "fast.json"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    rows = [{"date": "2016-09-25", "country": c, "text": f"{c} spoke of Russia and China."}
            for c in ("KAZ", "UZB")]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    db = tmp_path / "c.db"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(path), "--db", str(db), "--config", str(config),
                               "-q"]).exit_code == 0
    out = runner.invoke(app, ["gap", "--concept", "kaz/2014-2020", "--country", "KAZ,UZB",
                              "--db", str(db), "-f", "csv"])
    assert out.exit_code == 0, out.stderr
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["country"] for r in table} == {"KAZ", "UZB"}
    assert all(r["declared_share"] == "" for r in table if r["country"] == "UZB")
    bad = runner.invoke(app, ["gap", "--concept", "kaz/2014-2020", "--country", "UZBEK",
                              "--db", str(db)])
    assert bad.exit_code == 2
