"""Response models of the analyses: balance, declared versus observed, coverage, trends,
keyness, channels and UN votes. Numbers a period has too little evidence for are null (the
interval stays); a grouping option (``by``, several countries) adds its column to every row."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from multivector.interfaces.web.api.models import Strict

Scalar = int | float | str | bool | None
# a cell of an analysis table may be missing (null) wherever its frame had no value
Number = float | None
Count = int | None
Flag = bool | None


class Row(BaseModel):
    """A table row; a grouping column (country, source, genre, author) may come beside the
    fields listed."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Scalar]


class BalanceIndex(Row):
    period: str
    n_documents: Count
    n_mentions: Count
    weight: Number
    effective: Number = Field(description="Effective mentions after the design effect.")
    evidence: str = Field(description="sufficient or insufficient.")
    entropy: Number
    entropy_low: Number
    entropy_high: Number
    one_minus_hhi: Number
    one_minus_hhi_low: Number
    one_minus_hhi_high: Number
    top_vector: str | None
    top_share: Number
    sources: str | None
    caveat: str | None


class BalanceShare(Row):
    period: str
    vector: str
    weight: Number
    share: Number
    share_low: Number
    share_high: Number
    n_documents: Count
    evidence: str
    actors: str | None


class BalanceDifference(Row):
    period_a: str
    period_b: str
    difference: Number
    low: Number
    high: Number
    differs: Flag
    intervals_overlap: Flag


class Balance(Strict):
    """`multivector balance --format json`."""

    weighting: str
    period: str
    intervals: str = Field(description="How the intervals were drawn.")
    index: list[BalanceIndex]
    shares: list[BalanceShare]
    differences: list[BalanceDifference]


class GapVector(Row):
    vector: str
    declared_weight: Number
    declared_share: Number
    observed_weight: Number
    observed_share: Number
    observed_low: Number
    observed_high: Number
    gap: Number
    gap_low: Number
    gap_high: Number
    differs: Flag


class GapPriority(Row):
    level: str
    priority: str
    declared_weight: Number
    declared_share: Number
    observed_weight: Number
    observed_share: Number
    observed_low: Number
    observed_high: Number
    gap: Number
    gap_low: Number
    gap_high: Number
    differs: Flag


class Gap(Strict):
    """`multivector gap --concept EDITION --format json`."""

    edition: str
    vectors: list[GapVector]
    priorities: list[GapPriority]


class CoverageScore(Row):
    element: str
    kind: str
    domain: str
    title: str
    periods: Count
    periods_with_evidence: Count
    share: Number
    passages: Count
    documents: Count
    events: Count
    mean_score: Number
    silent: Flag
    last_seen: str | None
    silent_since: str | None


class CoveragePeriod(Row):
    element: str
    kind: str
    period: str
    passages: Count
    documents: Count
    mean_score: Number
    events: Count
    evidence: Flag


class CoverageEvidence(Row):
    element: str
    rank: Count
    doc_id: str
    passage: Count
    start: Count
    end: Count
    period: str
    date: str | None
    score: Number
    route: str


class Coverage(Strict):
    """`multivector coverage --concept EDITION --format json`."""

    edition: str
    scorecard: list[CoverageScore]
    timeline: list[CoveragePeriod]
    evidence: list[CoverageEvidence]
    warnings: list[str] | None = Field(None, description="What the CLI says on standard "
                                       "error beside the tables (the API's addition).")


class TrendRow(Row):
    theme: str
    period: str
    count: Count
    total: Count
    share: Number


class Trends(Strict):
    """`multivector trends --format json`."""

    level: str
    trends: list[TrendRow]


class KeynessRow(Row):
    """A term (``term``) or a theme (``theme``) and how key it is for side A or B."""

    freq_a: Count
    freq_b: Count
    norm_a: Number
    norm_b: Number
    g2: Number
    p: Number
    log_ratio: Number
    sign: Count
    key_for: str


class Keyness(Strict):
    """`multivector keyness --format json`."""

    a: str
    b: str
    what: str
    keyness: list[KeynessRow]


class ChannelRow(Row):
    country: str
    period: str
    vector: str
    declared_tier: str | None
    declared_share: Number
    rhetoric_share: Number
    rhetoric_low: Number
    rhetoric_high: Number
    rhetoric_evidence: str
    rhetoric_actors: str | None
    events: Number
    event_share: Number
    event_low: Number
    event_high: Number
    event_evidence: str
    vote_partner: str | None
    votes: Number
    votes_low: Number
    votes_high: Number
    n_rollcalls: Count
    votes_status: str


class Channels(Strict):
    """`multivector channels --format json`."""

    findings: list[str]
    channels: list[ChannelRow]


class VotePartner(Strict):
    id: str
    name: str
    kind: str
    members: list[str]
    members_from: str | None


class AgreementRow(Row):
    country: str
    partner: str
    partner_name: str | None
    cell: str
    n_rollcalls: Count
    n_no_position: Count
    first: str | None
    last: str | None
    measure: str
    value: Number
    low: Number
    high: Number
    status: str = Field(description="ok, insufficient or undefined.")
    agreement: Number
    s: Number
    kappa: Number
    pi: Number


class RollCall(Row):
    rcid: Count
    date: str | None
    session: int | None
    unres: str | None
    short: str | None
    issues: str | None
    importantvote: Number
    country_vote: str | None
    partner_vote: str | None
    distance: Number


class Votes(Strict):
    """`multivector votes --format json`: agreement per country, partner and cell."""

    countries: list[str]
    by: str
    measure: str
    distance: str
    from_: str | None = Field(alias="from")
    to: str | None
    bootstrap: int
    seed: int
    level: float
    min_rollcalls: int
    source: str
    partners: list[VotePartner]
    agreement: list[AgreementRow]


class VoteEvidence(Strict):
    """`multivector votes --evidence PARTNER:CELL --format json`: the roll calls behind one
    figure."""

    country: str
    partner: str
    cell: str
    measure: str
    value: Number
    n_rollcalls: int
    source: str
    rollcalls: list[RollCall]
