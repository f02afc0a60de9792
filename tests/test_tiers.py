"""The ordinal scale of relation tiers."""

from __future__ import annotations

import pytest

from multivector.domain.concept import Tier

SCALE = [
    "allied",
    "comprehensive_strategic_partnership",
    "expanded_strategic_partnership",
    "strategic_partnership",
    "expanded_partnership_and_cooperation",
    "partnership_and_cooperation",
    "cooperation",
]


def test_scale_is_ordered_highest_first() -> None:
    tiers = [Tier.from_slug(s) for s in SCALE]
    assert tiers == sorted(tiers, reverse=True)
    assert all(a > b for a, b in zip(tiers, tiers[1:], strict=False))


def test_the_issue_ordering_holds() -> None:
    assert Tier.ALLIED > Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP > \
        Tier.EXPANDED_STRATEGIC_PARTNERSHIP > Tier.STRATEGIC_PARTNERSHIP > \
        Tier.PARTNERSHIP_AND_COOPERATION > Tier.COOPERATION


@pytest.mark.parametrize("spelling", ["allied", "Allied", "comprehensive strategic partnership",
                                      "expanded-strategic-partnership"])
def test_slugs_are_forgiving(spelling: str) -> None:
    assert Tier.from_slug(spelling).slug in SCALE


def test_unknown_tier_lists_allowed_values() -> None:
    with pytest.raises(ValueError, match="allied, comprehensive_strategic_partnership"):
        Tier.from_slug("frenemies")
