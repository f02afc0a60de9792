"""The votes channel: how often a state votes with its partners in the UN General Assembly, from
the bundled unvotes tables (Voeten, Strezhnev and Bailey), per year, session, issue, important
votes or period, with intervals and the roll calls behind every figure.

Partners are states (ISO3) or blocs taken as one voter: an organisation of the actor registry
with dated members (``EU``: its members on the day of each roll call), or a vector of the scheme
(``CA`` or ``central_asia``: the Central Asian states). A bloc never includes the country it is
compared with. Its position on a roll call is the choice most of its members present made; a
tie gives it no position (see :func:`multivector.analysis.votes.bloc_position` and
docs/votes.md). The measures are in :mod:`multivector.analysis.votes`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pycountry

from multivector.analysis.votes import (
    DISTANCES,
    GROUPINGS,
    MEASURES,
    MIN_ROLLCALLS,
    VoteAgreement,
    bloc_position,
    parse_by,
    vote_agreement,
)
from multivector.domain.actors import ALWAYS, ActorType, Membership, Period
from multivector.domain.knowledge import Knowledge
from multivector.errors import UsageError

__all__ = [
    "CITATION",
    "DISTANCES",
    "GROUPINGS",
    "MEASURES",
    "MIN_ROLLCALLS",
    "SOURCE",
    "Pairs",
    "Partner",
    "VoteAgreement",
    "VoteTables",
    "agreement",
    "build_pairs",
    "iso3_of_votes",
    "load_tables",
    "resolve_partner",
]

SAMPLE = "unvotes"
CITATION = (
    'Voeten, Strezhnev and Bailey, "United Nations General Assembly Voting Data", '
    "Harvard Dataverse, hdl:1902.1/12379"
)
SOURCE = f"{CITATION}; tables of the R package unvotes 0.3.0 (bundled sample `unvotes`)"
CODING = {"yes": 0, "abstain": 1, "no": 2}
# Codes of the unvotes tables that are no current ISO 3166-1 alpha-2 code, each placed by hand
# on the registry's historic state (pycountry's historic list gives "CS" to both Czechoslovakia
# and Serbia and Montenegro, so it is not asked).
HISTORIC = {"CS": "CSK", "DD": "DDR", "YD": "YMD"}
# Rows without a code: West Germany is the registry's DEU (which it counts as a member of the
# EU from 1958); North Yemen's seat is Yemen's (unified 1990-05-22). Zanzibar (two votes in
# 1964) has no code in the registry and is left out.
BY_NAME = {"Federal Republic of Germany": "DEU", "Yemen Arab Republic": "YEM"}
# One unvotes code for a seat that the registry splits by date: the USSR's seat continued by
# Russia, and Yugoslavia's continued by Serbia and Montenegro, then Serbia: the holders before
# the present one (with their last day), and the present one.
SUCCESSION: dict[str, tuple[tuple[tuple[dt.date, str], ...], str]] = {
    "RU": (((dt.date(1991, 12, 25), "SUN"),), "RUS"),
    "YU": (((dt.date(2003, 2, 3), "YUG"), (dt.date(2006, 6, 2), "SCG")), "SRB"),
}
SEAT_NAMES = {"SUN": "USSR", "RUS": "Russia", "YUG": "Yugoslavia", "SCG": "Serbia and Montenegro",
              "SRB": "Serbia"}  # the data name all of each seat's holders alike


@dataclass(frozen=True)
class VoteTables:
    """The three unvotes tables: ``votes`` (rcid, country, country_code, vote), ``roll_calls``
    (rcid, session, importantvote, date, unres, amend, para, short, descr) and ``issues``
    (rcid, short_name, issue)."""

    votes: pd.DataFrame
    roll_calls: pd.DataFrame
    issues: pd.DataFrame


def load_tables() -> VoteTables:
    """The bundled tables (about 0.3 s); pass them to :func:`agreement` to reuse them."""
    from multivector.samples import read_table

    return VoteTables(
        votes=read_table(SAMPLE, "un_votes"),
        roll_calls=read_table(SAMPLE, "un_roll_calls"),
        issues=read_table(SAMPLE, "un_roll_call_issues"),
    )


@dataclass(frozen=True)
class Partner:
    """A voter to compare with: a state, or a bloc of states (members dated or not)."""

    id: str
    name: str
    kind: str  # "state" or "bloc"
    members: tuple[Membership, ...] = ()
    source: str = ""  # where a bloc's members come from

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "members": sorted({m.member for m in self.members if m.role == "member"}),
            "members_from": self.source,
        }


# ------------------------------------------------------------------------------ codes


def _iso3(code: str) -> str | None:
    if code in HISTORIC:
        return HISTORIC[code]
    found = pycountry.countries.get(alpha_2=code)
    return str(found.alpha_3) if found is not None else None


def iso3_of_votes(votes: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """The ISO3 code of the voter of each row of ``votes`` (``dates``: each row's roll-call
    date): ISO 3166 alpha-2 codes through pycountry (Namibia's ``"NA"`` included), the explicit
    tables above for historic states, rows without a code and seats split by date; None for a
    voter the registry has no code for (Zanzibar)."""
    codes = votes["country_code"]
    table = {c: _iso3(str(c)) for c in codes.dropna().unique()}
    out = codes.map(table).astype("object")
    blank = codes.isna()
    if blank.any():
        out[blank] = votes.loc[blank, "country"].map(BY_NAME)
    for code, (before, present) in SUCCESSION.items():
        rows = codes == code
        if not rows.any():
            continue
        when = pd.to_datetime(dates[rows])
        assigned = pd.Series(present, index=when.index, dtype="object")
        for last, iso in reversed(before):
            assigned = assigned.where(~(when <= pd.Timestamp(last)), iso)
        out[rows] = assigned
    return out.where(out.notna(), None)


def _voter_ids() -> set[str]:
    known = {str(c.alpha_3) for c in pycountry.countries}
    seats = {iso for before, _ in SUCCESSION.values() for _, iso in before}
    return known | set(HISTORIC.values()) | seats


# ------------------------------------------------------------------------------ partners


def resolve_partner(token: str, countries: Sequence[str], knowledge: Knowledge) -> Partner:
    """A partner from ``--with`` text, read in this order: ``CA`` (the Central Asian states of
    the vector scheme), an ISO3 state (any case: ``usa`` is the United States), an organisation
    of the registry with members (``EU``, ``CIS``, ``SCO`` ...), a vector id of the scheme
    (``europe``). A bloc keeps all its members here; each of ``countries`` is left out of it
    when compared with it."""
    text = token.strip()
    upper = text.upper()
    vectors = knowledge.vectors
    registry = knowledge.registry
    if upper == "CA" or text.lower() == "central_asia":
        ident = "CA" if upper == "CA" else "central_asia"
        return _vector_bloc(ident, "central_asia", countries, knowledge)
    if upper in _voter_ids():  # before the vectors: "usa" is the state, not the usa vector
        name = registry.get(upper).name if upper in registry else upper
        return Partner(id=upper, name=name, kind="state")
    if upper in registry:
        actor = registry.get(upper)
        if any(m.role == "member" for m in actor.members):
            return Partner(id=upper, name=actor.name, kind="bloc", members=actor.members,
                           source="actor registry (members on the date of each roll call)")
        raise UsageError(
            f"--with: {upper} ({actor.name}) has no members listed in the registry",
            hint="compare with its member states one by one, or give a bloc such as EU or CA",
        )
    if text.lower() in vectors.ids:
        return _vector_bloc(text.lower(), text.lower(), countries, knowledge)
    found = registry.resolve(text)
    if found:
        hint = f"did you mean {found[0].actor.id} ({found[0].actor.name})?"
    else:
        near = difflib.get_close_matches(upper, sorted(_voter_ids()), n=3, cutoff=0.6)
        hint = (f"did you mean {', '.join(near)}?" if near
                else "use an ISO3 code such as RUS, a bloc such as EU, or CA")
    raise UsageError(f"--with: unknown partner {text!r}", hint=hint)


def _vector_bloc(ident: str, vector_id: str, countries: Sequence[str],
                 knowledge: Knowledge) -> Partner:
    vector = knowledge.vectors.get(vector_id)
    members = tuple(Membership(m, ALWAYS) for m in sorted(vector.members))
    shown = [m.member for m in members if len(countries) > 1 or m.member != countries[0]]
    return Partner(id=ident, name=f"{vector.label} ({', '.join(shown)})", kind="bloc",
                   members=members,
                   source=f"vector scheme {knowledge.vectors.id!r}, vector {vector_id!r}")


def _check_country(code: str, knowledge: Knowledge) -> str:
    upper = code.strip().upper()
    if upper in _voter_ids():
        return upper
    registry = knowledge.registry
    found = [r for r in registry.resolve(code) if r.actor.type is ActorType.COUNTRY]
    hint = (f"did you mean {found[0].actor.id} ({found[0].actor.name})?" if found
            else "use an ISO 3166 alpha-3 code such as KAZ, UZB, RUS")
    raise UsageError(f"--country: unknown country {code!r}", hint=hint)


def _day(value: dt.date | int | str | None, *, end: bool) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if text.isdigit() and len(text) == 4:
        return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{'--to' if end else '--from'}: {value!r} is not a date",
                         hint="use YYYY or YYYY-MM-DD") from None


# ------------------------------------------------------------------------------ pairs


def _active(members: Iterable[Membership], member: str,
            dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.bool_]:
    """Boolean array: ``member`` belongs to the bloc (role "member") on each date."""
    mask = np.zeros(len(dates), dtype=bool)
    for m in members:
        if m.member != member or m.role != "member":
            continue
        valid: Period = m.valid
        inside = np.ones(len(dates), dtype=bool)
        if valid.start is not None:
            inside &= dates >= pd.Timestamp(valid.start)
        if valid.end is not None:
            inside &= dates <= pd.Timestamp(valid.end)
        mask |= inside
    return mask


@dataclass(frozen=True)
class Pairs:
    """What :func:`build_pairs` makes: ``pairs``, one row per roll call on which a country and
    a partner (a state, or a bloc with at least one member present) both voted, with the roll
    call's metadata; ``voted``, each country's own roll calls; ``names``, the name of every
    voter that voted in the time (as the data spell it; one name per seat split by date)."""

    pairs: pd.DataFrame
    voted: pd.DataFrame
    names: dict[str, str]


def build_pairs(
    tables: VoteTables,
    countries: Sequence[str],
    partners: Sequence[Partner],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Pairs:
    """The pairs of ``countries`` and ``partners`` between the dates (see :class:`Pairs`)."""
    rc = tables.roll_calls
    rc = rc.assign(date=pd.to_datetime(rc["date"]))
    keep = pd.Series(True, index=rc.index)
    if date_from is not None:
        keep &= rc["date"] >= pd.Timestamp(date_from)
    if date_to is not None:
        keep &= rc["date"] <= pd.Timestamp(date_to)
    rc = rc[keep].sort_values(["date", "rcid"], kind="stable").reset_index(drop=True)
    if rc.empty:  # nothing to compare (and an empty date column maps to nothing)
        raise UsageError(
            f"no roll call between {date_from or 'the first'} and {date_to or 'the last'}",
            hint="the bundled votes run from 1946 to 2019; widen --from/--to",
        )
    position = pd.Series(np.arange(len(rc)), index=rc["rcid"].to_numpy())

    wanted = set(countries)
    for p in partners:
        wanted |= {p.id} if p.kind == "state" else {m.member for m in p.members}
    votes = tables.votes[tables.votes["rcid"].isin(rc["rcid"])]
    ids = iso3_of_votes(votes, votes["rcid"].map(rc.set_index("rcid")["date"]))
    mine = ids.isin(wanted)
    votes, ids = votes[mine], ids[mine]
    voters = sorted(wanted)
    column = {v: i for i, v in enumerate(voters)}
    matrix = np.full((len(rc), len(voters)), -1, dtype=np.int8)
    matrix[position[votes["rcid"]].to_numpy(), ids.map(column).to_numpy(dtype=np.int64)] = (
        votes["vote"].map(CODING).to_numpy(dtype=np.int8)
    )
    last = ~ids.duplicated(keep="last")
    names = {str(k): str(v) for k, v in zip(ids[last], votes["country"][last], strict=True)}
    names.update({iso: name for iso, name in SEAT_NAMES.items() if iso in names})

    found: dict[int, set[str]] = {}
    for rcid, issue in zip(tables.issues["rcid"], tables.issues["issue"], strict=True):
        found.setdefault(int(rcid), set()).add(str(issue))
    issues = {rcid: tuple(sorted(x)) for rcid, x in found.items()}
    meta = pd.DataFrame({
        "rcid": rc["rcid"],
        "date": rc["date"],
        "session": rc["session"],
        "importantvote": rc["importantvote"],
        "unres": rc["unres"],
        "short": rc["short"],
        "issues": [issues.get(int(r), ()) for r in rc["rcid"]],
    })
    dates = rc["date"].to_numpy()
    parts = []
    voted = []
    for country in countries:
        own = matrix[:, column[country]].astype(np.int64)
        voted.append(meta[own >= 0].assign(country=country))
        for partner in partners:
            if partner.id == country:
                continue
            extra: dict[str, Any] = {}
            if partner.kind == "state":
                theirs = matrix[:, column[partner.id]].astype(np.int64)
                present = (own >= 0) & (theirs >= 0)
            else:
                counts = np.zeros((len(rc), 3), dtype=np.int64)
                for member in sorted({m.member for m in partner.members} - {country}):
                    choices = matrix[:, column[member]]
                    active = _active(partner.members, member, dates)
                    for k in range(3):
                        counts[:, k] += (choices == k) & active
                theirs, _ = bloc_position(counts)
                present = (own >= 0) & (counts.sum(axis=1) > 0)
                extra = {"partner_yes": counts[present, 0], "partner_abstain": counts[present, 1],
                         "partner_no": counts[present, 2]}
            parts.append(meta[present].assign(
                country=country, partner=partner.id, country_vote=own[present],
                partner_vote=theirs[present], **extra))
    columns = ["country", "partner", *meta.columns, "country_vote", "partner_vote",
               "partner_yes", "partner_abstain", "partner_no"]
    pairs = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame(columns=columns)).reindex(columns=columns)
    return Pairs(pairs, pd.concat(voted, ignore_index=True), names)


# ------------------------------------------------------------------------------ the use case


def agreement(
    country: str | Sequence[str],
    partners: str | Sequence[str],
    *,
    by: str | Sequence[int] = "year",
    date_from: dt.date | int | str | None = None,
    date_to: dt.date | int | str | None = None,
    measure: str = "agreement",
    distance: str = "absolute",
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    min_rollcalls: int | None = None,
    knowledge: Knowledge | None = None,
    tables: VoteTables | None = None,
) -> VoteAgreement:
    """Agreement of ``country`` (an ISO3 code, or several) with each of ``partners`` (ISO3
    codes, ``EU``, ``CA``, registry organisations or vector ids; a list or one comma-separated
    string) in the UN General Assembly, per cell of ``by`` (year, session, issue, important,
    edition, all, or cut years), between ``date_from`` and ``date_to`` (dates, or years:
    ``date_to=2019`` includes all of 2019). ``knowledge`` and ``tables`` default to the shipped
    knowledge base and the bundled tables; pass them to reuse them across calls.

    >>> res = agreement("KAZ", "RUS,USA", by="all", date_from=1992)  # doctest: +SKIP
    >>> res.to_frame()[["partner", "n_rollcalls", "value", "low", "high"]]  # doctest: +SKIP
    """
    from multivector.analysis.periods import editions_by_country

    if knowledge is None:
        from multivector.services.knowledge import default_knowledge

        knowledge = default_knowledge()
    codes = [c for part in ([country] if isinstance(country, str) else country)
             for c in part.split(",") if c.strip()]
    if not codes:
        raise UsageError("--country: no country given", hint="give an ISO3 code such as KAZ")
    countries = list(dict.fromkeys(_check_country(c, knowledge) for c in codes))
    tokens = [t for part in ([partners] if isinstance(partners, str) else partners)
              for t in part.split(",") if t.strip()]
    if not tokens:
        raise UsageError("--with: no partner given", hint="for example --with RUS,CHN,USA,EU,CA")
    resolved = list({p.id: p for p in (resolve_partner(t, countries, knowledge)
                                       for t in tokens)}.values())
    if len(countries) == 1 and countries[0] in {p.id for p in resolved}:
        raise UsageError(f"--with: {countries[0]} is the country compared",
                         hint="compare it with other states or blocs")
    start, end = _day(date_from, end=False), _day(date_to, end=True)
    if start and end and start > end:
        raise UsageError(f"--from {date_from} is later than --to {date_to}",
                         hint="swap them, or drop one")
    grouping = parse_by(by) if isinstance(by, str) else list(by)
    minimum = MIN_ROLLCALLS if min_rollcalls is None else min_rollcalls
    tables = tables if tables is not None else load_tables()
    built = build_pairs(tables, countries, resolved, start, end)
    pairs, names = built.pairs, built.names
    for c in countries:
        if c not in names:
            raise UsageError(
                f"{c} cast no recorded vote between {start or 'the first roll call'} and "
                f"{end or 'the last'}",
                hint="the bundled votes run from 1946 to 2019; widen --from/--to",
            )
    # states go by the name the data give them (the registry reads NAM as an organisation)
    resolved = [replace(p, name=names.get(p.id, p.name)) if p.kind == "state" else p
                for p in resolved]
    pairs.insert(2, "partner_name", pairs["partner"].map({p.id: p.name for p in resolved}))
    editions = (editions_by_country(e for c in countries for e in knowledge.editions(c))
                if grouping == "edition" else None)
    return vote_agreement(
        pairs, by=grouping, measure=measure, distance=distance, bootstrap=bootstrap,
        seed=seed, level=level, min_rollcalls=minimum, countries=countries,
        partners=[p.id for p in resolved], voted=built.voted, editions=editions,
        metadata=_metadata(resolved, start, end, distance, minimum),
    )


def _metadata(partners: Sequence[Partner], start: dt.date | None, end: dt.date | None,
              distance: str, min_rollcalls: int) -> Mapping[str, Any]:
    return {
        "source": SOURCE,
        "citation": CITATION,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "coding": "yes 1, abstain 0.5, no 0; a country absent from a roll call is absent, "
                  "not a no",
        "distance": distance,
        "bloc_rule": "a bloc's position is the choice most of its members present made (a "
                     "plurality); a tie gives no position and the roll call is not counted; "
                     "a bloc never includes the country compared with it",
        "min_rollcalls": min_rollcalls,
        "seats": "the unvotes code RU is the USSR's seat (SUN) to 1991-12-25, then Russia's; "
                 "YU is Yugoslavia (YUG) to 2003-02-03, Serbia and Montenegro (SCG) to "
                 "2006-06-02, then Serbia (SRB)",
        "partners": [p.describe() for p in partners],
    }
