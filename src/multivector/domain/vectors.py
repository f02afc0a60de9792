"""The vector scheme: exclusive groups of states among which a foreign policy's attention is shared.

Each state belongs to at most one vector; the home country (whose policy is analysed) belongs to
none. Organisations are multilateral unless the scheme says they count toward a vector, as a
regional bloc does (the EU toward ``europe``, ASEAN toward ``asia_pacific``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

MULTILATERAL = "multilateral"

# Regional priorities of the shipped editions and the vector each one is about. Used by the
# declared profile (analysis.gap) and by the element coder (a passage naming a state of the
# region is evidence for a regional priority that names no partner).
REGIONAL_ELEMENTS: dict[str, str] = {
    "priority.regional.central_asia": "central_asia",
    "priority.regional.central_asia_formats": "central_asia",
    "priority.regional.eu": "europe",
    "priority.regional.europe_outside_eu": "europe",
    "priority.regional.middle_east": "middle_east",
    "priority.regional.africa": "africa",
    "priority.regional.latin_america": "americas",
    "priority.regional.asia_pacific": "asia_pacific",
    "priority.regional.south_asia": "south_asia",
    # priority.regional.caspian is not mapped: the littoral states fall in four vectors
}


@dataclass(frozen=True)
class Vector:
    id: str
    label: str
    members: frozenset[str]
    organisations: frozenset[str] = frozenset()
    description: str | None = None


@dataclass(frozen=True)
class VectorScheme:
    id: str
    version: str
    vectors: tuple[Vector, ...]
    home: str | None = None
    unassigned: frozenset[str] = frozenset()
    description: str | None = None
    _country: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _org: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for v in self.vectors:
            for code in v.members:
                if code in self._country:
                    raise ValueError(
                        f"{code} is in both {self._country[code]!r} and {v.id!r}; "
                        "vectors must be exclusive"
                    )
                self._country[code] = v.id
            for org in v.organisations:
                self._org[org] = v.id

    def __iter__(self) -> Iterator[Vector]:
        return iter(self.vectors)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.vectors)

    def with_home(self, home: str | None) -> VectorScheme:
        """The same scheme analysed from another home country."""
        return VectorScheme(
            self.id, self.version, self.vectors, home, self.unassigned, self.description
        )

    def vector_of_country(self, code: str, home: str | None = None) -> str | None:
        """The vector of an ISO3 country, or None for the home country and unassigned codes."""
        if code == (home if home is not None else self.home):
            return None
        return self._country.get(code)

    def vector_of_organisation(self, org_id: str) -> str:
        """The vector a regional bloc counts toward, else ``multilateral``."""
        return self._org.get(org_id, MULTILATERAL)

    def get(self, vector_id: str) -> Vector:
        for v in self.vectors:
            if v.id == vector_id:
                return v
        raise KeyError(f"vector scheme {self.id} has no vector {vector_id!r}")
