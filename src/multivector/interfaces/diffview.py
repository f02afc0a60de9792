"""The diff for people: grouped, one line per change, tiers with arrows, evidence beneath.

``--format table`` (the default) prints this view; json/yaml/csv/md print the documented
document (docs/json-output.md).
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from multivector.domain.diff import ChangeType, EditionDiff, RelationChange, SourceRef

_ARROW = {
    "up": "[green]▲[/green]",
    "down": "[red]▼[/red]",
    "new": "[green]+[/green]",
    "dropped": "[red]-[/red]",
    "reworded": "[yellow]~[/yellow]",
    "same": "=",
}
_MARK = {
    ChangeType.ADDED: "[green]+[/green]",
    ChangeType.REMOVED: "[red]-[/red]",
    ChangeType.REWORDED: "[yellow]~[/yellow]",
    ChangeType.RECLASSIFIED: "[magenta]↕[/magenta]",
    ChangeType.MOVED: "[cyan]→[/cyan]",
    ChangeType.RECODED: "[blue]#[/blue]",
}


def _relation_text(r: RelationChange) -> str:
    def side(rel: object) -> str:
        if rel is None:
            return "(not named)"
        tier = getattr(rel, "tier", None)
        wording = getattr(rel, "wording", "")
        return f"{tier.label} ({wording})" if tier is not None else f"untiered ({wording})"

    steps = f" [{r.steps:+d}]" if r.steps else ""
    return f"{side(r.before)} → {side(r.after)}{steps}"


def _refs(refs: tuple[SourceRef, ...], limit: int = 3) -> str:
    unique = list(dict.fromkeys(f"{r.source} ({r.level}): {r.locator}" for r in refs))
    more = f" … +{len(unique) - limit}" if len(unique) > limit else ""
    return "; ".join(unique[:limit]) + more


def print_diff(d: EditionDiff, console: Console, *, evidence: bool = True) -> None:
    p = console.print
    p(f"[bold]{escape(d.a.id)} → {escape(d.b.id)}[/bold]")
    for ed in (d.a, d.b):
        act = f", {ed.legal_act}" if ed.legal_act else ""
        p(
            f"  {escape(ed.id)}: {escape(ed.title)}{escape(act)} "
            f"[dim]({len(ed)} elements, {ed.completeness.level})[/dim]"
        )
    summary = ", ".join(f"{v} {k}" for k, v in d.summary().items() if v)
    p(f"  [dim]{summary}[/dim]")
    partial = [ed.id for ed in (d.a, d.b) if ed.completeness.level != "full"]
    if partial:
        p(
            f"  [yellow]Note:[/yellow] {', '.join(partial)} encoded from partial sources: "
            "an element "
            "'added' or 'removed' may reflect a gap in the sources; see each edition's "
            "completeness statement (`multivector show EDITION`)."
        )
    p("")

    p("[bold]Partner relations[/bold] [dim](closest tier the edition declares)[/dim]")
    for r in d.relations:
        if r.direction == "same":
            continue
        p(f"  {_ARROW[r.direction]} {r.partner:<5} {escape(_relation_text(r))}")
    same = [r.partner for r in d.relations if r.direction == "same"]
    if same:
        p(f"  = unchanged: {', '.join(same)}")
    p("")

    if d.claims:
        p("[bold]Claims sources make about each edition[/bold]")
        for claim in d.claims:
            unit = f" {claim.unit}" if claim.unit else ""
            before = "—" if claim.before is None else claim.before
            after = "—" if claim.after is None else claim.after
            p(f"  {escape(claim.key)}: {escape(str(before))} → {escape(str(after))}{escape(unit)}")
            if evidence:
                p(f"      [dim]{escape(_refs(claim.sources_before + claim.sources_after))}[/dim]")
        p("")

    for change_type in ChangeType:
        changes = d.of_type(change_type)
        if not changes:
            continue
        p(f"[bold]{change_type.value.capitalize()} ({len(changes)})[/bold]")
        for c in changes:
            head = f"  {_MARK[change_type]} {escape(c.element)} [dim]{c.kind}/{c.domain}[/dim]"
            if change_type in (ChangeType.ADDED, ChangeType.REMOVED):
                p(f"{head}: {escape(c.title)}")
            elif change_type is ChangeType.REWORDED:
                old = (c.before or "").split(":", 1)[0]
                if old == c.title:
                    p(f"{head}: {escape(c.title)} [dim](summary reworded)[/dim]")
                else:
                    p(f"{head}: {escape(old)} ⇒ {escape(c.title)}")
            else:
                p(f"{head}: {escape(c.detail)}")
            if evidence:
                p(f"      [dim]{escape(_refs(c.evidence))}[/dim]")
        p("")

    p("[bold]Counts by kind[/bold]")
    rows = [r for r in d.counts if r.facet == "kind"]
    p("  " + "   ".join(f"{r.value} {r.before}→{r.after}" for r in rows))
    p(
        "[dim]Sources: `multivector show EDITION --full` lists each source's URL or seed file. "
        "Machine-readable: --format json|csv|yaml|md.[/dim]"
    )
