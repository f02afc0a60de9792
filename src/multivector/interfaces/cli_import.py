"""``multivector import``: a concept's full text (txt, html, docx, pdf) into a draft edition."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from multivector.errors import MultivectorError
from multivector.interfaces.common import FormatOpt, emit, fail, knowledge, say
from multivector.interfaces.output import Format


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        file: Annotated[
            Path, typer.Argument(help="The concept's text: .txt, .html, .docx or .pdf.")
        ],
        country: Annotated[str, typer.Option("--country", help="ISO3 code of the state (KAZ).")],
        out: Annotated[Path, typer.Option("--out", help="The draft edition file to write.")],
        edition: Annotated[
            str | None,
            typer.Option("--edition", help="Id of the draft (default: COUNTRY/PERIOD-draft)."),
        ] = None,
        lang: Annotated[
            str | None, typer.Option("--lang", help="ru, en or kk (default: detected).")
        ] = None,
        against: Annotated[
            str | None,
            typer.Option("--against", help="A held edition to match the draft's items to "
                         "(kaz/2020-2030): matched items keep its element ids."),
        ] = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Read a concept's full text into a draft edition that `validate` accepts: the act,
        title and period, chapters and items, element kinds, partners and tiers, official
        evidence with locators and character offsets, the file's SHA-256.

        Example: multivector import concept.docx --country KAZ --lang ru --out draft.yaml
        """
        from multivector.services.concept_import import import_concept, import_document

        try:
            result = import_concept(
                file, country=country, out=out, knowledge=knowledge(), edition_id=edition,
                lang=lang, against=against,
            )
        except MultivectorError as exc:
            fail(exc)
        emit(import_document(result), fmt, csv_rows="partners", title=f"Draft {result.edition.id}")
        say(f"wrote {out}: {len(result.edition.elements)} elements, {result.unclassified} "
            f"unclassified; check it with `multivector validate {out}`")

    @app.command("review")
    def review(
        draft: Annotated[Path, typer.Argument(help="A draft edition file (from `import`).")],
        against: Annotated[
            str | None, typer.Option(
                "--against", help="The held edition to match it to (kaz/2020-2030); by "
                "default the latest held edition of the draft's country.")
        ] = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Each item of a draft beside the held element it matches and the score: keep the id,
        rename it to the element's, or keep it as new.

        Example: multivector review draft.yaml --against kaz/2020-2030
        """
        from multivector.services.knowledge import edition_by_id
        from multivector.services.review import latest_edition, review_document

        try:
            kb = knowledge()
            if not draft.is_file():
                from multivector.errors import UsageError

                raise UsageError(f"{draft}: no such file",
                                 hint="give the draft written by `multivector import`")
            held = kb.edition(str(draft))
            base = edition_by_id(kb, against) if against else latest_edition(kb, held)
            doc = review_document(held, base, str(draft))
        except MultivectorError as exc:
            fail(exc)
        emit(doc, fmt, csv_rows="review", title=f"Review of {draft.name} against {doc['against']}")
