"""Declared versus observed: the declared profile of the shipped 2020-2030 concept and of a
hand-made edition with known weights, rule overrides, and the gap on hand-made frames and a
hand-made store with known shares."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.analysis.frames import elements_frame, events_frame, mentions_frame, themes_frame
from multivector.analysis.gap import (
    DEFAULT_KINDS,
    DeclaredRule,
    declared_profile,
    gap,
    theme_family,
)
from multivector.analysis.stats import EvidenceRule, Intervals
from multivector.domain.concept import (
    Completeness,
    Domain,
    Edition,
    Element,
    ElementKind,
    Evidence,
    EvidenceLevel,
    PartnerRelation,
    Tier,
)
from multivector.domain.corpus import Annotation, Document, DocumentMeta, Layer, Passage, Producer
from multivector.errors import UsageError
from multivector.services.knowledge import default_knowledge
from multivector.store.sqlite import SQLiteStore

EVIDENCE = (Evidence("text", "para 1", EvidenceLevel.OFFICIAL),)

SCHEME = default_knowledge().vectors
ANY = EvidenceRule(0, 0)  # every share gets its number: for tests of the arithmetic
NONE = Intervals(draws=0)
BOOT = Intervals(method="bootstrap", draws=200)


def element(ident: str, kind: str, partners: tuple[tuple[str, str | None], ...] = (),
            organisations: tuple[str, ...] = (), themes: tuple[str, ...] = ()) -> Element:
    return Element(
        ident, ElementKind(kind), Domain.GENERAL, ident, "written for the test", EVIDENCE,
        themes=themes, organisations=organisations,
        partners=tuple(PartnerRelation(a, "wording", Tier.from_slug(t) if t else None)
                       for a, t in partners),
    )


def hand_edition() -> Edition:
    elements = (
        element("priority.bilateral.russia", "priority", (("RUS", "allied"),),
                themes=("economy.integration",)),
        element("objective.china", "objective", (("CHN", "strategic_partnership"),),
                themes=("economy.trade", "security.conflicts_peace")),
        # four neighbours at one tier: the region counts once, at that tier
        element("priority.regional.central_asia", "priority",
                (("UZB", "strategic_partnership"), ("KGZ", "strategic_partnership"),
                 ("TJK", "cooperation"), ("KAZ", "allied"))),
        element("mechanism.eu_dialogue", "mechanism", organisations=("EU", "OIC")),
        element("priority.regional.africa", "priority"),  # no partners: the regional mapping
        element("threat.terrorism", "threat", themes=("security.terrorism",)),
    )
    return Edition("tst/2010-2019", "KAZ", "Test concept", 2010, 2019, dt.date(2010, 3, 1),
                   None, None, (), Completeness("partial", "test"), elements)


# weights by the default rule: russia 7, china 4 x 0.8, central_asia 4, europe 1 x 0.5,
# africa 1; the threat names no vector
HAND_WEIGHTS = {"russia": 7.0, "china": 3.2, "central_asia": 4.0, "europe": 0.5, "africa": 1.0}
HAND_TOTAL = sum(HAND_WEIGHTS.values())


def test_declared_profile_of_a_hand_made_edition() -> None:
    scheme = SCHEME
    profile = declared_profile(hand_edition(), scheme)
    frame = profile.to_frame().set_index("vector")
    assert list(frame.index) == list(scheme.ids)
    for vector, w in HAND_WEIGHTS.items():
        assert frame.loc[vector, "weight"] == pytest.approx(w)
        assert frame.loc[vector, "share"] == pytest.approx(w / HAND_TOTAL)
    assert frame["weight"].sum() == pytest.approx(HAND_TOTAL)
    assert frame.loc["usa", "weight"] == 0.0
    assert frame.loc["central_asia", "elements"] == "priority.regional.central_asia"
    assert profile.shares()["russia"] == pytest.approx(7 / HAND_TOTAL)
    assert profile.records()[0]["vector"] == "russia"


def test_declared_priorities_split_elements_over_theme_families() -> None:
    profile = declared_profile(hand_edition(), SCHEME)
    fam = profile.families.set_index("family")
    # russia (1.0) -> economy; china objective (0.8) -> economy 0.4, security 0.4;
    # threat (0.3) -> security
    assert fam.loc["economy", "weight"] == pytest.approx(1.4)
    assert fam.loc["security", "weight"] == pytest.approx(0.7)
    assert fam["share"].sum() == pytest.approx(1.0)
    el = profile.elements.set_index("element")
    assert el.loc["threat.terrorism", "weight"] == DEFAULT_KINDS["threat"]
    assert el["share"].sum() == pytest.approx(1.0)
    assert theme_family("economy.trade") == "economy" and theme_family("security") == "security"


def test_declared_profile_of_the_shipped_2020_2030_concept() -> None:
    kb = default_knowledge()
    shares = declared_profile(kb.edition("kaz/2020-2030"), kb.vectors).shares()
    assert shares["russia"] > shares["china"] > shares["usa"] > shares["europe"]
    assert shares["russia"] > shares["europe"] > shares["africa"] > 0
    assert shares["central_asia"] > shares["europe"]
    assert shares["post_soviet"] == 0.0
    assert sum(shares.values()) == pytest.approx(1.0)
    assert "multilateral" not in shares


def test_the_rule_can_be_overridden_by_a_mapping_or_a_file(tmp_path: Path) -> None:
    ed = hand_edition()
    flat = declared_profile(ed, SCHEME, rule={"tiers": {"allied": 1, "strategic partnership": 1},
                                      "kinds": {"objective": 1.0, "mechanism": 0}})
    w = flat.to_frame().set_index("vector")["weight"]
    assert (w["russia"], w["china"], w["central_asia"], w["europe"]) == (1.0, 1.0, 1.0, 0.0)
    path = tmp_path / "rule.yaml"
    path.write_text("untiered: 2\nregional:\n  priority.regional.africa: americas\n"
                    "organisations: false\n", encoding="utf-8")
    filed = declared_profile(ed, SCHEME, rule=path).to_frame().set_index("vector")["weight"]
    assert (filed["africa"], filed["americas"], filed["europe"]) == (0.0, 2.0, 0.0)
    assert DeclaredRule.load(None) == DeclaredRule()
    assert DeclaredRule().tier_weight(None) == 1.0
    assert DeclaredRule().tier_weight(Tier.ALLIED) == 7.0


@pytest.mark.parametrize(("rule", "message"), [
    ({"tier": {}}, "unknown key"),
    ({"tiers": {"best friends": 9}}, "unknown tier"),
    ({"kinds": {"wish": 1}}, "unknown element kind"),
    ({"untiered": -1}, "must be a number"),
    ({"tiers": {"allied": "high"}}, "must be a number"),
])
def test_bad_rules_are_refused(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        DeclaredRule.load(rule)


def test_a_rule_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rule.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(UsageError, match="mapping"):
        DeclaredRule.load(path)
    with pytest.raises(UsageError, match="cannot read"):
        DeclaredRule.load(tmp_path / "missing.yaml")


# ------------------------------------------------------------------------------ gap


def mention_rows(doc: str, date: str, vectors: list[str | None], country: str = "KAZ",
                 passage: int = 0) -> list[dict[str, Any]]:
    return [{"doc_id": doc, "passage": passage, "start": i * 10, "end": i * 10 + 4,
             "date": pd.Timestamp(date), "country": country, "actor": str(v).upper()[:3],
             "actor_type": "country", "vector": v, "own_country": v is None, "score": 1.0}
            for i, v in enumerate(vectors)]


def test_gap_on_hand_made_mentions_with_known_shares() -> None:
    rows = []
    for d in range(4):  # in the window: russia and china, half each
        rows += mention_rows(f"d{d}", "2012-05-01", ["russia", "china", None])
    rows += mention_rows("early", "2009-05-01", ["usa"] * 5)  # before the adoption
    rows += mention_rows("other", "2012-05-01", ["usa"] * 5, country="UZB")  # another speaker
    result = gap(hand_edition(), pd.DataFrame(rows), SCHEME, intervals=BOOT, evidence_rule=ANY)
    v = result.vectors_frame().set_index("vector")
    assert result.n_documents == 4
    assert result.window == ("2010-03-01", "2019-12-31")
    assert v.loc["russia", "observed_share"] == 0.5 and v.loc["usa", "observed_share"] == 0.0
    assert v.loc["russia", "gap"] == pytest.approx(0.5 - 7 / HAND_TOTAL)
    assert v.loc["china", "gap"] == pytest.approx(0.5 - 3.2 / HAND_TOTAL)
    assert v.loc["central_asia", "gap"] == pytest.approx(-4 / HAND_TOTAL)
    # identical documents: the interval is the point, so every non-zero gap is flagged
    assert v.loc["russia", "observed_low"] == v.loc["russia", "observed_high"] == 0.5
    assert v.loc["russia", "differs"] and v.loc["central_asia", "differs"]
    assert not v.loc["usa", "differs"]  # declared 0, observed 0
    assert v["declared_share"].sum() == pytest.approx(1.0)
    assert result.to_frame().equals(result.vectors_frame())
    everyone = gap(hand_edition(), pd.DataFrame(rows), SCHEME, period="all", all_countries=True,
                   intervals=NONE, evidence_rule=ANY).vectors.set_index("vector")
    assert everyone.loc["usa", "observed_share"] == pytest.approx(10 / 18)
    early = gap(hand_edition(), pd.DataFrame(rows), SCHEME, period=(2009, 2009), intervals=NONE,
                evidence_rule=ANY)
    assert early.vectors.set_index("vector").loc["usa", "observed_share"] == 1.0


def test_gap_intervals_hold_the_observed_share_and_flag_clear_gaps() -> None:
    rng = np.random.default_rng(11)
    rows = []
    for d in range(40):
        rows += mention_rows(f"d{d}", "2015-01-01",
                             list(rng.choice(["usa", "usa", "usa", "russia"], size=5)))
    v = gap(hand_edition(), pd.DataFrame(rows), SCHEME,
            intervals=Intervals(seed=4)).vectors.set_index("vector")
    for vector in ("usa", "russia"):
        row = v.loc[vector]
        assert row["observed_low"] <= row["observed_share"] <= row["observed_high"]
        assert row["gap_low"] == pytest.approx(row["observed_low"] - row["declared_share"])
    assert v.loc["usa", "differs"] and v.loc["usa", "gap_low"] > 0  # declared 0, seen 75%
    assert v.loc["russia", "differs"] and v.loc["russia", "gap_high"] < 0


def passage_rows(doc: str, passage: int, column: str, labels: list[str],
                 **extra: Any) -> list[dict[str, Any]]:
    return [{"doc_id": doc, "passage": passage, "start": 0, "end": 10,
             "date": pd.Timestamp("2015-01-01"), "country": "KAZ", column: label,
             "score": 0.9, **extra} for label in labels]


def test_gap_per_priority_and_events() -> None:
    ed = hand_edition()
    mentions = pd.DataFrame(mention_rows("d1", "2015-01-01", ["russia"])
                            + mention_rows("d2", "2015-01-01", ["china"]))
    themes = pd.DataFrame(
        passage_rows("d1", 0, "theme", ["economy.trade", "economy.integration"])
        + passage_rows("d1", 1, "theme", ["security.terrorism", "economy.trade"])
        + passage_rows("d2", 0, "theme", ["health.pandemics"])).assign(method="lexicon")
    elements = pd.DataFrame(
        passage_rows("d1", 0, "element", ["priority.bilateral.russia"], edition=ed.id)
        + passage_rows("d2", 0, "element", ["priority.bilateral.russia", "threat.terrorism"],
                       edition=ed.id)
        + passage_rows("d2", 1, "element", ["threat.terrorism"], edition="other/edition"))
    events = pd.DataFrame([
        {"doc_id": "d1", "passage": 0, "date": pd.Timestamp("2015-01-01"), "country": "KAZ",
         "type": "visit", "counterpart": ["RUS", "EU", "UN"]},
        {"doc_id": "d2", "passage": 0, "date": pd.Timestamp("2015-01-01"), "country": "KAZ",
         "type": "meeting", "counterpart": ["CHN", "CHN"]},
    ])
    result = gap(ed, mentions, SCHEME, themes=themes, elements=elements, events=events,
                 intervals=Intervals(draws=100), evidence_rule=ANY)
    p = result.priorities_frame().set_index(["level", "priority"])
    # passages split one unit among their families: d1p0 economy 1; d1p1 security .5,
    # economy .5; d2p0 health 1 -> economy 1.5/3, security .5/3, health 1/3
    assert p.loc[("family", "economy"), "observed_share"] == pytest.approx(0.5)
    assert p.loc[("family", "security"), "observed_share"] == pytest.approx(1 / 6)
    assert p.loc[("family", "health"), "observed_share"] == pytest.approx(1 / 3)
    assert p.loc[("family", "health"), "declared_share"] == 0.0
    assert p.loc[("family", "economy"), "declared_share"] == pytest.approx(1.4 / 2.1)
    # elements of this edition only: russia 1 + 0.5, terrorism 0.5
    assert p.loc[("element", "priority.bilateral.russia"), "observed_share"] == pytest.approx(
        0.75)
    assert p.loc[("element", "threat.terrorism"), "observed_share"] == pytest.approx(0.25)
    assert p.loc[("element", "objective.china"), "observed_weight"] == 0.0
    v = result.vectors.set_index("vector")
    assert (v.loc["russia", "events"], v.loc["europe", "events"], v.loc["china", "events"]) == (
        1.0, 1.0, 1.0)
    assert v["event_share"].sum() == pytest.approx(1.0)
    ev = result.evidence(priority="priority.bilateral.russia")
    assert set(zip(ev["doc_id"], ev["passage"], strict=True)) == {("d1", 0), ("d2", 0)}
    fam = result.evidence(priority="economy")
    assert list(fam["doc_id"]) == ["d1", "d1"] and list(fam["n"]) == [2, 1]
    assert list(result.evidence(vector="china")["doc_id"]) == ["d2"]
    with pytest.raises(UsageError):
        result.evidence()


def test_gap_from_a_hand_made_store() -> None:
    """Frames read from a store feed the gap: one document in the window, one before it."""
    producer = Producer("hand", "1", "test")
    store = SQLiteStore(":memory:")
    for text, date in (("Russia, China and Russia again.", dt.date(2015, 6, 1)),
                       ("Only the United States.", dt.date(2001, 6, 1))):
        doc = Document.create(text, DocumentMeta(date=date, country="KAZ", language="en"))
        anns = []
        for word, label, vector in (("Russia", "RUS", "russia"), ("China", "CHN", "china"),
                                    ("United States", "USA", "usa")):
            start = 0
            while (i := text.find(word, start)) >= 0:
                anns.append(Annotation(doc.id, 0, Layer.ACTOR, label, i, i + len(word), 1.0,
                                       producer, {"type": "country", "vector": vector,
                                                  "own_country": False}))
                start = i + 1
        store.add_document(doc, [Passage(doc.id, 0, 0, len(text))], anns)
    result = gap(hand_edition(), mentions_frame(store), SCHEME, themes=themes_frame(store),
                 elements=elements_frame(store), events=events_frame(store),
                 intervals=Intervals(method="bootstrap", draws=50), evidence_rule=ANY)
    v = result.vectors.set_index("vector")
    assert v.loc["russia", "observed_share"] == pytest.approx(2 / 3)
    assert v.loc["china", "observed_share"] == pytest.approx(1 / 3)
    assert v.loc["usa", "observed_share"] == 0.0
    assert np.isnan(v.loc["russia", "observed_low"])  # one document: no interval
    assert not v["differs"].any()
    assert result.priorities.empty or set(result.priorities["level"]) <= {"family", "element"}
    store.close()


def test_gap_refuses_bad_periods() -> None:
    frame = pd.DataFrame(mention_rows("d", "2015-01-01", ["russia"]))
    with pytest.raises(UsageError, match="period"):
        gap(hand_edition(), frame, SCHEME, period="recent")


def test_a_thin_window_gives_intervals_and_flags_nothing() -> None:
    rows = mention_rows("d0", "2012-05-01", ["russia", "russia", "china"])
    rows += mention_rows("d1", "2012-06-01", ["russia"])
    v = gap(hand_edition(), pd.DataFrame(rows), SCHEME,
            intervals=Intervals(seed=2)).vectors.set_index("vector")
    assert (v["evidence"] == "insufficient").all()
    assert v["observed_share"].isna().all() and not v["differs"].any()
    # never mentioned, yet not certainly zero: the posterior leaves room
    assert v.loc["usa", "observed_low"] == 0.0 or v.loc["usa", "observed_low"] < 0.01
    assert v.loc["usa", "observed_high"] > 0.05
    assert v.loc["russia", "actors"] == "RUS 3"



def test_only_strong_element_evidence_counts() -> None:
    ed = hand_edition()
    mentions = pd.DataFrame(mention_rows("d1", "2015-01-01", ["russia"]))
    elements = pd.DataFrame(
        passage_rows("d1", 0, "element", ["priority.bilateral.russia"], edition=ed.id,
                     route="cue")
        + passage_rows("d1", 1, "element", ["threat.terrorism"], edition=ed.id,
                       route="themes+partner"))
    p = gap(ed, mentions, SCHEME, elements=elements, intervals=NONE,
            evidence_rule=ANY).priorities_frame().set_index(["level", "priority"])
    assert p.loc[("element", "priority.bilateral.russia"), "observed_weight"] == 1.0
    assert p.loc[("element", "threat.terrorism"), "observed_weight"] == 0.0


def test_a_vector_named_once_is_not_flagged_above_its_declared_share() -> None:
    rows = []
    for d in range(8):
        rows += mention_rows(f"d{d}", "2015-01-01", ["russia", "russia", "china"])
    rows += mention_rows("d9", "2015-01-01", ["south_asia"])  # declared 0, named once
    v = gap(hand_edition(), pd.DataFrame(rows), SCHEME,
            intervals=Intervals(seed=1)).vectors.set_index("vector")
    assert v.loc["south_asia", "observed_weight"] == 1.0
    assert v.loc["south_asia", "declared_share"] == 0
    assert not v.loc["south_asia", "differs"]


def _event_matrix_one_by_one(events: pd.DataFrame, mentions: pd.DataFrame,
                             ids: list[str], position: dict[str, int]) -> np.ndarray:
    """The rule written out event by event (how the gap counted before it was vectorised)."""
    from multivector.analysis.gap import _vector_of

    known = {(d, a): v for d, a, v in mentions[["doc_id", "actor", "vector"]]
             .drop_duplicates(["doc_id", "actor"]).itertuples(index=False)}
    out = np.zeros((len(position), len(ids)))
    for doc_id, counterparts, country in events[["doc_id", "counterpart", "country"]].itertuples(
            index=False):
        found = {known[(doc_id, a)] if (doc_id, a) in known else _vector_of(a, country, SCHEME)
                 for a in counterparts or []}
        for vector in found & set(ids):
            out[position[doc_id], ids.index(vector)] += 1.0
    return out


_ACTORS = ["RUS", "CHN", "USA", "KAZ", "UZB", "EU", "UN", "SCO", "ZZZ"]


@settings(max_examples=150, deadline=None)
@given(
    events=st.lists(st.tuples(st.sampled_from(["d1", "d2", "d3"]),
                              st.lists(st.sampled_from(_ACTORS), max_size=4),
                              st.sampled_from(["KAZ", "UZB", None])), max_size=12),
    placed=st.lists(st.tuples(st.sampled_from(["d1", "d2", "d3"]), st.sampled_from(_ACTORS),
                              st.sampled_from([None, "russia", "china", "central_asia",
                                               "multilateral"])), max_size=10),
)
def test_event_counterparts_counted_as_the_rule_says(events: list[Any], placed: list[Any]) -> None:
    """Each event counts 1 per distinct counted vector of its counterparts: the vector the
    actor's mention carries in the document (even none, for the speaker's own country), else
    the scheme's with the document's country as home."""
    from multivector.analysis.counting import scheme_vectors
    from multivector.analysis.gap import _event_matrix

    ids = list(scheme_vectors(SCHEME))
    position = {"d1": 0, "d2": 1, "d3": 2}
    ev = pd.DataFrame(events, columns=["doc_id", "counterpart", "country"])
    mentions = pd.DataFrame(placed, columns=["doc_id", "actor", "vector"])
    got = _event_matrix(ev, mentions, SCHEME, ids, position)
    np.testing.assert_array_equal(got, _event_matrix_one_by_one(ev, mentions, ids, position))


@pytest.mark.parametrize("weighting", ["mention", "passage", "document"])
def test_a_mention_summary_read_in_chunks_gives_the_same_gap(weighting: str) -> None:
    from multivector.analysis.counting import scheme_vectors
    from multivector.analysis.gap import gap_selection, mention_summary

    rows = []
    for d in range(6):
        rows += mention_rows(f"d{d}", "2012-05-01", ["russia", "china", "russia", None][d % 3:],
                             passage=d % 2)
    rows += mention_rows("other", "2012-05-01", ["usa"] * 3, country="UZB")
    frame = pd.DataFrame(rows)
    ed = hand_edition()
    select = gap_selection(ed)
    chunks = [select(part) for _, part in frame.groupby("doc_id", sort=False)]  # whole docs
    summary = mention_summary(chunks, scheme_vectors(SCHEME), weighting)
    whole = gap(ed, frame, SCHEME, weighting=weighting, intervals=NONE, evidence_rule=ANY)
    read = gap(ed, summary, SCHEME, weighting=weighting, intervals=NONE, evidence_rule=ANY)
    pd.testing.assert_frame_equal(read.vectors, whole.vectors)
    assert read.n_documents == whole.n_documents == 6
    assert "mentions" not in read.sources
    with pytest.raises(UsageError, match="no mentions rows"):
        read.evidence(vector="russia")
    with pytest.raises(UsageError, match="summed by"):
        gap(ed, summary, SCHEME, weighting="mention" if weighting != "mention" else "passage")
    empty = mention_summary([select(frame.iloc[0:0])], scheme_vectors(SCHEME), weighting)
    nothing = gap(ed, empty, SCHEME, weighting=weighting, intervals=NONE, evidence_rule=ANY)
    assert nothing.n_documents == 0 and (nothing.vectors["observed_weight"] == 0).all()
