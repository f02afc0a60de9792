"""Analyses of a coded corpus: balance, coverage, declared versus observed, trends, alignment.

Each analysis returns a typed result (a :class:`~multivector.domain.results.Tabular`) with
``to_frame()``, the parameters it used, and ``evidence(...)`` for the passages behind a figure.
"""

from multivector.analysis.alignment import AlignmentResult, edition_alignment, edition_profile
from multivector.analysis.balance import AttentionResult, BalanceResult, attention, balance
from multivector.analysis.counting import WEIGHTINGS
from multivector.analysis.coverage import CoverageResult, coverage
from multivector.analysis.events import merge_events
from multivector.analysis.frames import (
    META_COLUMNS,
    documents_frame,
    elements_frame,
    events_frame,
    mentions_frame,
    passages_frame,
    records_of,
    themes_frame,
)
from multivector.analysis.gap import (
    DeclaredProfile,
    DeclaredRule,
    GapResult,
    declared_profile,
    gap,
    theme_family,
)
from multivector.analysis.periods import (
    NO_PERIOD,
    UNDATED,
    assign_period,
    edition_spans,
    editions_by_country,
    period_order,
)
from multivector.analysis.stats import normalised_entropy, one_minus_hhi
from multivector.analysis.trends import (
    KeynessResult,
    Split,
    ThemeAttention,
    keyness,
    keyness_terms,
    keyness_themes,
    theme_attention,
)

__all__ = [
    "META_COLUMNS",
    "NO_PERIOD",
    "UNDATED",
    "WEIGHTINGS",
    "AlignmentResult",
    "AttentionResult",
    "BalanceResult",
    "CoverageResult",
    "DeclaredProfile",
    "DeclaredRule",
    "GapResult",
    "KeynessResult",
    "Split",
    "ThemeAttention",
    "assign_period",
    "attention",
    "balance",
    "coverage",
    "declared_profile",
    "documents_frame",
    "edition_alignment",
    "edition_profile",
    "edition_spans",
    "editions_by_country",
    "elements_frame",
    "events_frame",
    "gap",
    "keyness",
    "keyness_terms",
    "keyness_themes",
    "mentions_frame",
    "merge_events",
    "normalised_entropy",
    "one_minus_hhi",
    "passages_frame",
    "period_order",
    "records_of",
    "theme_attention",
    "theme_family",
    "themes_frame",
]
