"""The votes channel: the measures on hand-computed tables, blocs and membership by date, cells
and the insufficient rule, seeded intervals, the unvotes codes, and the bundled data end to end
(Kazakhstan votes with Russia and China far more often than with the United States)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from multivector.analysis.votes import (
    NO_ISSUE,
    NO_POSITION,
    bloc_position,
    distance_weights,
    joint_table,
    parse_by,
    similarity,
    vote_agreement,
)
from multivector.domain.actors import ALWAYS, Membership, Period
from multivector.errors import UsageError
from multivector.interfaces.cli import app
from multivector.services import votes
from multivector.services.knowledge import default_knowledge

Y, A, N = 0, 1, 2

# ------------------------------------------------------------------------------ the measures


def test_measures_of_a_hand_computed_table() -> None:
    """Eight roll calls: distances 0, 1, 0, 0, .5, 0, .5, 0 (sum 2), so D_o = 1/4; both voters
    cast 5 yes, 1 abstain, 2 no, so D_e = 2 (5/8 1/8 .5 + 5/8 2/8 + 1/8 2/8 .5) = 54/128 and
    kappa = pi = 1 - (1/4) / (54/128) = 11/27."""
    a = [Y, Y, Y, N, A, Y, N, Y]
    b = [Y, N, Y, N, Y, Y, A, Y]
    m = similarity(joint_table(a, b))
    assert m["agreement"] == pytest.approx(0.75)
    assert m["s"] == pytest.approx(0.5)
    assert m["kappa"] == pytest.approx(11 / 27)
    assert m["pi"] == pytest.approx(11 / 27)
    squared = similarity(joint_table(a, b), "squared")  # the two half steps count 1/4 each
    assert squared["agreement"] == pytest.approx(1 - 1.5 / 8)
    exact = similarity(joint_table(a, b), "nominal")  # 5 of 8 identical
    assert exact["agreement"] == pytest.approx(5 / 8)


def test_kappa_and_pi_differ_when_the_voters_lean_differently() -> None:
    """A: 4 yes 2 no; B: 2 yes 4 no; they agree on 4 of 6. Cohen: p_e = 2 (4/6 2/6) = 4/9,
    kappa = (2/3 - 4/9) / (5/9) = 0.4. Scott: pooled 1/2 and 1/2, p_e = 1/2, pi = 1/3."""
    a = [Y, Y, Y, Y, N, N]
    b = [Y, Y, N, N, N, N]
    m = similarity(joint_table(a, b))
    assert m["agreement"] == pytest.approx(4 / 6)
    assert m["kappa"] == pytest.approx(0.4)
    assert m["pi"] == pytest.approx(1 / 3)


def test_chance_corrected_measures_are_undefined_without_variation() -> None:
    m = similarity(joint_table([Y] * 12, [Y] * 12))
    assert m["agreement"] == 1.0 and m["s"] == 1.0
    assert np.isnan(m["kappa"]) and np.isnan(m["pi"])
    opposite = similarity(joint_table([Y] * 6, [N] * 6))
    assert opposite["agreement"] == 0.0 and opposite["s"] == -1.0


def test_distances_and_bad_codes() -> None:
    assert distance_weights("absolute")[0].tolist() == [0.0, 0.5, 1.0]
    assert distance_weights("squared")[0].tolist() == [0.0, 0.25, 1.0]
    assert distance_weights("nominal")[1].tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(UsageError, match="unknown distance"):
        distance_weights("euclid")
    with pytest.raises(UsageError, match="vote codes"):
        joint_table([0, 3], [0, 1])


votes_lists = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=60)


@given(votes_lists)
def test_measures_agree_with_the_textbook_formulas(pairs: list[tuple[int, int]]) -> None:
    """Nominal kappa is Cohen's (p_o - p_e) / (1 - p_e) counted in plain Python; S is a
    linear map of agreement; every measure is at most 1."""
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    n = len(pairs)
    m = similarity(joint_table(a, b), "nominal")
    p_o = sum(x == y for x, y in pairs) / n
    p_e = sum((a.count(k) / n) * (b.count(k) / n) for k in range(3))
    assert m["agreement"] == pytest.approx(p_o)
    if p_e < 1:
        assert m["kappa"] == pytest.approx((p_o - p_e) / (1 - p_e))
    absolute = similarity(joint_table(a, b))
    assert absolute["s"] == pytest.approx(2 * absolute["agreement"] - 1)
    for v in absolute.values():
        assert np.isnan(v) or v <= 1 + 1e-12


@given(st.lists(st.integers(0, 2), min_size=2, max_size=40), st.randoms())
def test_kappa_equals_pi_when_the_marginals_are_the_same(a: list[int], rnd: Any) -> None:
    b = list(a)
    rnd.shuffle(b)
    m = similarity(joint_table(a, b))
    if not np.isnan(m["kappa"]):
        assert m["kappa"] == pytest.approx(m["pi"])


def test_bloc_position_is_the_plurality_of_members_present() -> None:
    position, support = bloc_position([[3, 1, 0], [2, 2, 1], [0, 0, 0], [0, 1, 4], [1, 0, 0]])
    assert position.tolist() == [Y, NO_POSITION, NO_POSITION, N, Y]
    assert support[0] == 0.75 and support[3] == 0.8 and np.isnan(support[2])


# ------------------------------------------------------------------------------ cells


def pairs_frame(rows: list[tuple[int, str, int, int]], partner: str = "RUS",
                **extra: Any) -> pd.DataFrame:
    """(rcid, date, country_vote, partner_vote) rows of KAZ with one partner."""
    frame = pd.DataFrame(rows, columns=["rcid", "date", "country_vote", "partner_vote"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["country"] = "KAZ"
    frame["partner"] = partner
    frame["session"] = frame["date"].dt.year - 1945
    frame["importantvote"] = extra.get("importantvote", np.nan)
    frame["issues"] = extra.get("issues", [()] * len(frame))
    return frame


def test_a_cell_with_fewer_than_ten_roll_calls_gets_no_number() -> None:
    rows = [(i, "1995-10-01", Y, Y) for i in range(9)]
    rows += [(100 + i, "1996-10-01", Y, N if i < 2 else Y) for i in range(10)]
    res = vote_agreement(pairs_frame(rows), bootstrap=0)
    table = res.to_frame().set_index("cell")
    assert table.loc["1995", "status"] == "insufficient"
    assert pd.isna(table.loc["1995", "value"]) and table.loc["1995", "n_rollcalls"] == 9
    assert res.records()[0]["value"] is None and res.records()[0]["kappa"] is None
    assert table.loc["1996", "status"] == "ok" and table.loc["1996", "value"] == 0.8
    assert res.value("RUS", "1996") == 0.8
    loose = vote_agreement(pairs_frame(rows), bootstrap=0, min_rollcalls=9)
    assert loose.value("RUS", "1995") == 1.0


def test_undefined_kappa_is_flagged() -> None:
    rows = [(i, "2001-10-01", Y, Y) for i in range(12)]
    res = vote_agreement(pairs_frame(rows), measure="kappa", bootstrap=50)
    row = res.records()[0]
    assert row["status"] == "undefined" and row["value"] is None and row["agreement"] == 1.0


def test_issue_cells_count_a_roll_call_under_each_of_its_issues() -> None:
    rows = [(i, "2000-10-01", Y, Y if i % 2 else N) for i in range(12)]
    issues = [("Human rights", "Colonialism")] * 6 + [("Human rights",)] * 3 + [()] * 3
    res = vote_agreement(pairs_frame(rows, issues=issues), by="issue", bootstrap=0,
                         min_rollcalls=1)
    n = res.to_frame().set_index("cell")["n_rollcalls"].to_dict()
    assert n == {"Colonialism": 6, "Human rights": 9, NO_ISSUE: 3}
    assert list(res.cells) == ["Colonialism", "Human rights", NO_ISSUE]  # unvotes order
    assert len(res.evidence("RUS", "Human rights")) == 9


def test_important_votes_keep_uncoded_ones_apart() -> None:
    rows = [(i, "2018-10-01", Y, Y) for i in range(6)]
    flags = [1.0, 1.0, 0.0, 0.0, 0.0, np.nan]
    res = vote_agreement(pairs_frame(rows, importantvote=flags), by="important",
                         bootstrap=0, min_rollcalls=1)
    n = res.to_frame().set_index("cell")["n_rollcalls"].to_dict()
    assert n == {"important": 2, "other": 3, "(not coded)": 1}


def test_cut_years_and_unknown_groupings() -> None:
    assert parse_by("1992,2000,2010") == [1992, 2000, 2010]
    assert parse_by("Issue") == "issue"
    with pytest.raises(UsageError):
        parse_by("2000,1990")
    with pytest.raises(UsageError):
        parse_by("decade")
    rows = [(i, f"{1993 + i}-10-01", Y, Y) for i in range(20)]
    res = vote_agreement(pairs_frame(rows), by=[1992, 2000], bootstrap=0, min_rollcalls=1)
    assert res.to_frame()["n_rollcalls"].tolist() == [7, 13]
    assert list(res.cells) == ["1992-1999", "2000-"]


def test_missing_columns_and_bad_settings_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="lacks"):
        vote_agreement(pd.DataFrame({"rcid": [1]}))
    frame = pairs_frame([(1, "2000-01-01", Y, Y)])
    with pytest.raises(UsageError, match="unknown measure"):
        vote_agreement(frame, measure="tau")
    with pytest.raises(UsageError):
        vote_agreement(frame, min_rollcalls=0)


# ------------------------------------------------------------------------------ intervals


def mixed_rows(n: int, year: str = "2005") -> list[tuple[int, str, int, int]]:
    rng = np.random.default_rng(1)
    return [(i, f"{year}-10-01", int(rng.integers(0, 3)), int(rng.integers(0, 3)))
            for i in range(n)]


def test_intervals_are_seeded_per_cell_and_hold_the_estimate() -> None:
    frame = pairs_frame(mixed_rows(80))
    one = vote_agreement(frame, bootstrap=500, seed=3).records()[0]
    again = vote_agreement(frame, bootstrap=500, seed=3).records()[0]
    other = vote_agreement(frame, bootstrap=500, seed=4).records()[0]
    assert (one["low"], one["high"]) == (again["low"], again["high"])
    assert (one["low"], one["high"]) != (other["low"], other["high"])
    assert one["low"] < one["value"] < one["high"]
    # a cell's interval does not move when another partner is added
    both = pd.concat([frame, pairs_frame(mixed_rows(50), partner="USA")], ignore_index=True)
    with_usa = vote_agreement(both, bootstrap=500, seed=3, partners=["USA", "RUS"]
                              ).to_frame().set_index("partner")
    assert (with_usa.loc["RUS", "low"], with_usa.loc["RUS", "high"]) == (one["low"],
                                                                         one["high"])
    assert vote_agreement(frame, bootstrap=0).records()[0]["low"] is None


def test_interval_width_shrinks_with_more_roll_calls() -> None:
    small = vote_agreement(pairs_frame(mixed_rows(20)), bootstrap=1000).records()[0]
    large = vote_agreement(pairs_frame(mixed_rows(400)), bootstrap=1000).records()[0]
    assert large["high"] - large["low"] < (small["high"] - small["low"]) / 2


# ------------------------------------------------------------------------------ codes and pairs


def fake_tables(rows: list[tuple[int, str, str | None, str]],
                dates: dict[int, str], issues: dict[int, tuple[str, ...]] | None = None
                ) -> votes.VoteTables:
    """Votes (rcid, country name, alpha-2 code, vote) and roll-call dates."""
    v = pd.DataFrame(rows, columns=["rcid", "country", "country_code", "vote"])
    rc = pd.DataFrame({
        "rcid": list(dates),
        "session": [int(d[:4]) - 1945 for d in dates.values()],
        "importantvote": [0.0] * len(dates),
        "date": pd.to_datetime(list(dates.values())),
        "unres": [f"R/{r}" for r in dates],
        "short": [f"roll call {r}" for r in dates],
    })
    iss = pd.DataFrame([(r, "x", i) for r, xs in (issues or {}).items() for i in xs],
                       columns=["rcid", "short_name", "issue"])
    return votes.VoteTables(votes=v, roll_calls=rc, issues=iss)


def test_unvotes_codes_become_iso3_with_historic_seats_by_date() -> None:
    rows = [
        (1, "Namibia", "NA", "yes"), (1, "Kazakhstan", "KZ", "yes"), (1, "Russia", "RU", "no"),
        (2, "Russia", "RU", "no"), (1, "Yugoslavia", "YU", "yes"), (2, "Yugoslavia", "YU", "yes"),
        (3, "Yugoslavia", "YU", "yes"), (4, "Yugoslavia", "YU", "no"),
        (1, "Federal Republic of Germany", None, "yes"), (1, "Zanzibar", None, "yes"),
        (1, "Czechoslovakia", "CS", "no"), (1, "German Democratic Republic", "DD", "no"),
    ]
    dates = pd.Series(pd.to_datetime(
        ["1990-06-01", "1990-06-01", "1990-06-01", "1992-06-01", "1990-06-01", "2004-06-01",
         "2010-06-01", "2003-02-03", "1990-06-01", "1964-06-01", "1990-06-01", "1990-06-01"]))
    table = pd.DataFrame(rows, columns=["rcid", "country", "country_code", "vote"])
    assert votes.iso3_of_votes(table, dates).tolist() == [
        "NAM", "KAZ", "SUN", "RUS", "YUG", "SCG", "SRB", "YUG", "DEU", None, "CSK", "DDR"]


def test_an_absent_country_is_absent_not_a_no() -> None:
    tables = fake_tables(
        [(1, "Kazakhstan", "KZ", "yes"), (1, "Russia", "RU", "yes"),
         (2, "Kazakhstan", "KZ", "yes"),  # Russia absent
         (3, "Kazakhstan", "KZ", "no"), (3, "Russia", "RU", "no"),
         (4, "Russia", "RU", "no")],  # Kazakhstan absent
        {1: "2005-10-01", 2: "2005-10-02", 3: "2005-10-03", 4: "2005-10-04"})
    built = votes.build_pairs(tables, ["KAZ"], [votes.Partner("RUS", "Russia", "state")])
    assert built.pairs["rcid"].tolist() == [1, 3]
    assert built.voted["rcid"].tolist() == [1, 2, 3]
    res = vote_agreement(built.pairs, bootstrap=0, min_rollcalls=1)
    assert res.value("RUS", "2005") == 1.0


def test_bloc_members_count_only_on_the_dates_they_belong() -> None:
    """Poland joins on 2004-05-01: in 2003 France alone makes the position (yes); in 2005
    Poland and Slovakia (no) outvote France. Kazakhstan is never counted in a bloc."""
    eu = votes.Partner("EU", "European Union", "bloc", members=(
        Membership("FRA", ALWAYS), Membership("POL", Period(dt.date(2004, 5, 1), None)),
        Membership("SVK", Period(dt.date(2004, 5, 1), None)), Membership("KAZ", ALWAYS),
        Membership("TUR", ALWAYS, role="candidate")))
    rows = []
    for rcid in (1, 2):
        rows += [(rcid, "Kazakhstan", "KZ", "no"), (rcid, "France", "FR", "yes"),
                 (rcid, "Poland", "PL", "no"), (rcid, "Slovakia", "SK", "no"),
                 (rcid, "Turkey", "TR", "no")]
    tables = fake_tables(rows, {1: "2003-10-01", 2: "2005-10-01"})
    pairs = votes.build_pairs(tables, ["KAZ"], [eu]).pairs.set_index("rcid")
    assert pairs.loc[1, "partner_vote"] == Y and pairs.loc[1, "partner_yes"] == 1
    assert pairs.loc[1, "partner_no"] == 0  # Poland, Slovakia not yet members; Turkey never
    assert pairs.loc[2, "partner_vote"] == N and pairs.loc[2, "partner_no"] == 2
    tie = fake_tables([(1, "Kazakhstan", "KZ", "no"), (1, "France", "FR", "yes"),
                       (1, "Poland", "PL", "no")], {1: "2005-10-01"})
    pairs = votes.build_pairs(tie, ["KAZ"], [eu]).pairs
    assert pairs["partner_vote"].tolist() == [NO_POSITION]
    res = vote_agreement(pairs, bootstrap=0, min_rollcalls=1)
    assert res.records()[0]["n_rollcalls"] == 0 and res.records()[0]["n_no_position"] == 1


def test_the_registry_gives_eu_members_on_the_date() -> None:
    eu = default_knowledge().registry.get("EU")
    assert "POL" not in eu.members_on(dt.date(2003, 6, 1))
    assert {"POL", "GBR", "DEU"} <= set(eu.members_on(dt.date(2005, 6, 1)))
    assert "GBR" not in eu.members_on(dt.date(2020, 6, 1))


def test_partners_resolve_to_states_and_blocs() -> None:
    kb = default_knowledge()
    assert votes.resolve_partner("usa", ["KAZ"], kb).kind == "state"
    assert votes.resolve_partner("NAM", ["KAZ"], kb).kind == "state"  # Namibia votes
    eu = votes.resolve_partner("EU", ["KAZ"], kb)
    assert eu.kind == "bloc" and "FRA" in eu.describe()["members"]
    ca = votes.resolve_partner("CA", ["KAZ"], kb)
    assert ca.kind == "bloc" and "KAZ" not in ca.name and "UZB" in ca.name
    with pytest.raises(UsageError, match="unknown partner"):
        votes.resolve_partner("XYZQ", ["KAZ"], kb)
    with pytest.raises(UsageError, match="no members"):
        votes.resolve_partner("UN", ["KAZ"], kb)
    with pytest.raises(UsageError, match="is the country compared"):
        votes.agreement("KAZ", "RUS,kaz", knowledge=kb, tables=fake_tables([], {}))


# ------------------------------------------------------------------------------ bundled data


@pytest.fixture(scope="module")
def tables() -> votes.VoteTables:
    return votes.load_tables()


def test_kazakhstan_votes_with_russia_and_china_far_more_than_with_the_us(
        tables: votes.VoteTables) -> None:
    res = votes.agreement("KAZ", "RUS,CHN,USA,EU,CA", by="all", date_from=1992, date_to=2019,
                          tables=tables, bootstrap=200)
    t = res.to_frame().set_index("partner")
    assert t.loc["RUS", "n_rollcalls"] > 2000
    for close in ("RUS", "CHN"):
        assert t.loc[close, "value"] > 0.75
        assert t.loc[close, "low"] > t.loc["USA", "high"] + 0.3
    assert t.loc["USA", "value"] < 0.5
    assert t.loc["CA", "value"] > t.loc["RUS", "value"]  # the neighbours vote alike most
    assert "Voeten" in res.metadata["citation"]


def test_one_cell_matches_a_direct_count_from_the_raw_tables(
        tables: votes.VoteTables) -> None:
    v, rc = tables.votes, tables.roll_calls
    in_2005 = rc.loc[pd.to_datetime(rc["date"]).dt.year == 2005, "rcid"]
    score = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
    kz = v[(v["country_code"] == "KZ") & v["rcid"].isin(in_2005)].set_index("rcid")["vote"]
    us = v[(v["country_code"] == "US") & v["rcid"].isin(in_2005)].set_index("rcid")["vote"]
    both = kz.index.intersection(us.index)
    direct = 1 - (kz[both].map(score) - us[both].map(score)).abs().mean()
    res = votes.agreement("KAZ", "USA", tables=tables, bootstrap=0)
    assert res.value("USA", "2005") == pytest.approx(direct, abs=1e-4)
    evidence = res.evidence("USA", "2005")
    assert len(evidence) == len(both)
    assert 1 - evidence["distance"].mean() == pytest.approx(direct)
    assert set(evidence["country_vote"]) <= {"yes", "abstain", "no"}
    # every one of Kazakhstan's 2,393 recorded votes is one of its roll calls
    built = votes.build_pairs(tables, ["KAZ"], [votes.Partner("USA", "United States", "state")])
    assert len(built.voted) == 2393


def test_a_partner_without_votes_in_the_time_gets_insufficient_rows(
        tables: votes.VoteTables) -> None:
    res = votes.agreement("KAZ", "SUN,RUS", date_from=1992, date_to=1993, tables=tables,
                          bootstrap=0)
    t = res.to_frame()
    assert t[t["partner"] == "SUN"]["status"].tolist() == ["insufficient", "insufficient"]
    assert t[t["partner"] == "RUS"]["status"].tolist() == ["ok", "ok"]
    several = votes.agreement("KAZ,UZB", "UZB,RUS", by="all", date_from=2000, tables=tables,
                              bootstrap=0).to_frame()
    assert list(zip(several["country"], several["partner"], strict=True)) == [
        ("KAZ", "UZB"), ("KAZ", "RUS"), ("UZB", "RUS")]  # no country is its own partner
    # Kyrgyzstan cast no recorded vote in 1999: Kazakhstan did, so the cell is there, empty
    kgz = votes.agreement("KAZ", "KGZ", date_from=1998, date_to=2000, tables=tables,
                          bootstrap=0).to_frame().set_index("cell")
    assert kgz.loc["1999", "n_rollcalls"] == 0 and kgz.loc["1999", "status"] == "insufficient"
    assert kgz.loc["1998", "status"] == "ok"
    with pytest.raises(UsageError, match="cast no recorded vote"):
        votes.agreement("KAZ", "RUS", date_to=1990, tables=tables)


# ------------------------------------------------------------------------------ the command

runner = CliRunner()


def test_votes_command_json_and_evidence() -> None:
    result = runner.invoke(app, ["votes", "--country", "KAZ", "--with", "RUS,USA", "--by",
                                 "all", "--from", "2010", "--to", "2019", "--bootstrap", "100",
                                 "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    rows = {r["partner"]: r for r in doc["agreement"]}
    assert rows["RUS"]["value"] > rows["USA"]["value"]
    assert rows["RUS"]["first"] >= "2010-01-01" and doc["source"].startswith("Voeten")
    result = runner.invoke(app, ["votes", "--country", "KAZ", "--with", "USA", "--evidence",
                                 "USA:2019", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert len(doc["rollcalls"]) == doc["n_rollcalls"] > 10
    assert {"rcid", "date", "short", "country_vote", "partner_vote"} <= set(doc["rollcalls"][0])


@pytest.mark.parametrize(("args", "message"), [
    (["--with", "RUS", "--measure", "kapa"], "did you mean kappa"),
    (["--with", "RUS", "--by", "yaer"], "did you mean year"),
    (["--with", "XYZQ"], "unknown partner"),
    (["--with", "RUS", "--evidence", "RUS"], "PARTNER:CELL"),
    (["--with", "RUS", "--evidence", "RUS:1890"], "no cell"),
])
def test_votes_command_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["votes", "--country", "KAZ", *args])
    assert result.exit_code == 2
    assert message in result.stderr
