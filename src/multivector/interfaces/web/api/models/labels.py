"""Models of human labels: a passage to label with its suggestions, a stored label set, the
disagreements of coders, their agreement (`multivector agreement --format json`), the card of a
theme model, and the bodies of the label writes (validated here, where untrusted data enters)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from multivector.interfaces.web.api.models import Strict

LabelLayer = Literal["themes", "elements", "events"]
MAX_VALUES = 500
MAX_NOTE = 2_000


class Suggestion(Strict):
    value: str = Field(description="A value of the layer (a leaf theme id, an element id or "
                       "an event type).")
    score: float
    method: str = Field(description="What suggested it: lexicon, semantic, model ...")
    why: str = Field(description="The rule, label or model that produced it.")


class PassageToLabel(Strict):
    """A stored passage with the pipeline's suggestions, best first, and the labels coders gave
    it so far (`multivector annotate --passage DOCUMENT:INDEX`)."""

    doc_id: str
    passage: int = Field(description="The passage's index in its document, from 0.")
    start: int = Field(description="Offset of the passage in the document's text.")
    end: int
    text: str
    title: str | None
    date: str | None
    country: str | None
    path: str | None
    suggestions: list[Suggestion]
    labels: dict[str, list[str]] = Field(description="coder -> the values they gave.")


class NextPassage(PassageToLabel):
    """The next passage the coder has not labelled, and how many are left (this one
    included, skipped ones not)."""

    remaining: int


class StoredLabel(Strict):
    """One coder's label set for one passage and layer, as stored."""

    doc_id: str
    passage: int
    layer: str
    coder: str
    values: list[str] = Field(description="Sorted and unique; empty: the coder found none.")
    codebook: str = Field(description="The codebook version it was made under (id@version).")
    labelled_at: str
    note: str | None


class Disagreement(Strict):
    doc_id: str
    passage: int
    labels: dict[str, list[str]] = Field(description="coder -> values (consensus aside).")
    consensus: list[str] | None
    reconciled: bool


class Disagreements(Strict):
    """`multivector labels disagreements --format json`."""

    layer: str
    disagreements: list[Disagreement]


class LabelAgreement(Strict):
    label: str = Field(description="A label id, or `(overall)`.")
    alpha: float | None = Field(description="Krippendorff's alpha (nominal, presence or "
                                "absence); null where undefined.")
    low: float | None
    high: float | None
    units: int = Field(description="Passages two or more coders labelled.")
    positives: int
    thin: bool = Field(description="Too few passages or presences to read alpha as a figure.")


class PairAgreement(Strict):
    coder_a: str
    coder_b: str
    units: int
    exact: float | None = Field(description="Share of passages with the very same set.")
    jaccard: float | None
    alpha: float | None


class Agreement(Strict):
    """`multivector agreement --format json`."""

    layer: str
    coders: list[str]
    passages: int
    pairable: int
    bootstrap: int
    confidence: float
    overall: LabelAgreement
    labels: list[LabelAgreement]
    pairs: list[PairAgreement]


class ThemeModelCard(Strict):
    """A theme model's card: its identity, its record (training data, settings,
    cross-validated and held-out scores, failure modes), its themes with their decision
    thresholds, and the card as Markdown (`multivector model-card`)."""

    model: str = Field(examples=["themes-lr@1.0.0"])
    name: str
    version: str
    codebook: str
    embedder: str
    themes: list[str]
    thresholds: dict[str, float]
    meta: dict[str, Any]
    markdown: str


# ------------------------------------------------------------------------------ bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1, max_length=64, description="The document's id, or its "
                        "first characters (4 or more).")
    passage: int = Field(ge=0, le=10_000_000, description="The passage's index, from 0.")
    layer: LabelLayer = "themes"
    values: list[str] = Field(max_length=MAX_VALUES, description="The labels; empty: the "
                              "passage has none of this layer.",
                              examples=[["security.nuclear", "multilateral.un"]])
    note: str | None = Field(None, max_length=MAX_NOTE, description="A note kept with it.")


class LabelBody(_Body):
    """One coder's labels for a passage (replacing their earlier ones)."""

    coder: str = Field(max_length=64, description="The coder's name (letters, digits, "
                       "_ . @ -).", examples=["aigerim"])


class ReconcileBody(_Body):
    """The agreed labels of a disputed passage, stored as the coder `consensus`."""
