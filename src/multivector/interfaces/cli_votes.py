"""The votes command of the CLI: agreement of a state's UN General Assembly votes with its
partners' (states and blocs), per year, session, issue, important votes or period, and the roll
calls behind any one figure."""

from __future__ import annotations

from typing import Annotated

import typer

from multivector.errors import MultivectorError
from multivector.interfaces.common import (
    FormatOpt,
    emit,
    fail,
    knowledge,
    parse_date,
    suggest,
)
from multivector.interfaces.output import Format

CountryOpt = Annotated[
    list[str],
    typer.Option("--country", help="ISO3 code of the state whose votes are compared "
                 "(repeatable, or comma-separated: KAZ,UZB)."),
]
WithOpt = Annotated[
    list[str],
    typer.Option("--with", help="Partners, comma-separated or repeated: ISO3 codes (RUS, "
                 "CHN, USA), EU (its members on the date of each roll call), CA (the other "
                 "Central Asian states), a registry organisation with members (CIS, SCO) or a "
                 "vector id (europe)."),
]


def _choice(value: str, choices: tuple[str, ...], what: str) -> str:
    text = value.strip().lower()
    if text not in choices:
        fail(suggest(text, choices, what, hint=f"use {', '.join(choices)}"))
    return text


def register(app: typer.Typer) -> None:
    @app.command("votes")
    def votes_cmd(
        country: CountryOpt,
        partners: WithOpt,
        by: Annotated[
            str,
            typer.Option(help="Cells: year, session, issue (the six unvotes categories), "
                         "important, edition (the concept editions in force), all, or cut "
                         "years such as 1992,2000,2010."),
        ] = "year",
        date_from: Annotated[
            str | None, typer.Option("--from", help="Roll calls on or after (YYYY or date).")
        ] = None,
        date_to: Annotated[
            str | None, typer.Option("--to", help="Roll calls on or before (YYYY or date).")
        ] = None,
        measure: Annotated[
            str, typer.Option(help="agreement, s (Signorino-Ritter), kappa (Cohen) or pi "
                              "(Scott); see docs/votes.md.")
        ] = "agreement",
        distance: Annotated[
            str, typer.Option(help="Distance between votes: absolute (an abstention is half "
                              "an agreement), squared or nominal (exact match).")
        ] = "absolute",
        min_rollcalls: Annotated[
            int, typer.Option("--min-rollcalls", min=1,
                              help="Fewest shared roll calls for a figure (else "
                              "'insufficient').")
        ] = 10,
        bootstrap: Annotated[
            int, typer.Option("--bootstrap", min=0, max=100_000,
                              help="Bootstrap resamples of roll calls (0: no intervals).")
        ] = 1000,
        seed: Annotated[int, typer.Option("--seed", help="Random seed of the bootstrap.")] = 0,
        evidence: Annotated[
            str | None,
            typer.Option("--evidence", help="PARTNER:CELL (or COUNTRY:PARTNER:CELL): list the "
                         "roll calls behind that one figure instead."),
        ] = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """UN General Assembly votes: how often a state votes with its partners (states, and
        blocs such as the EU as a group), per year, session, issue or important votes, with
        bootstrap 95% intervals over roll calls; data: Voeten, Strezhnev and Bailey (bundled).

        Example: multivector votes --country KAZ --with RUS,CHN,USA,EU,CA --by 1992,2000,2010
        """
        from multivector.services import votes as service
        from multivector.services.analysis_documents import votes_document

        measure = _choice(measure, service.MEASURES, "measure")
        distance = _choice(distance, service.DISTANCES, "distance")
        text = by.strip().lower()
        if not text.replace(",", "").replace(" ", "").isdigit():
            by = _choice(text, service.GROUPINGS, "grouping (--by)")
        try:
            start = parse_date(date_from, "--from")
            end = parse_date(date_to, "--to", end=True)
            doc = votes_document(
                country, partners, by=by, date_from=start, date_to=end, measure=measure,
                distance=distance, bootstrap=bootstrap, seed=seed, min_rollcalls=min_rollcalls,
                knowledge=knowledge(), evidence=evidence,
            )
        except MultivectorError as exc:
            fail(exc)
        if evidence is not None:
            emit(doc, fmt, csv_rows="rollcalls",
                 title=f"Votes of {doc['country']} and {doc['partner']}: {doc['cell']}")
            return
        title = (f"UN votes: {', '.join(doc['countries'])} with "
                 f"{', '.join(p['id'] for p in doc['partners'])}")
        if fmt not in (Format.json, Format.yaml):
            doc.pop("partners")
        if fmt in (Format.table, Format.md):
            several = len(doc["countries"]) > 1
            doc["agreement"] = [
                {**({"country": r["country"]} if several else {}), "partner": r["partner"],
                 "cell": r["cell"], "n": r["n_rollcalls"], measure: r["value"],
                 "low": r["low"], "high": r["high"], "status": r["status"]}
                for r in doc["agreement"]
            ]
        emit(doc, fmt, csv_rows="agreement", title=title)
