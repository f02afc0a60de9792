"""The diff for people: grouped, one line per change, tiers with arrows, evidence beneath.

``--format table`` (the default) prints this view; json/yaml/csv/md print the documented
document (docs/json-output.md). Lines wrap at the console width under a hanging indent, so a
change stays one visual block; data is never read as rich markup.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from multivector.domain.diff import ChangeType, EditionDiff, RelationChange, SourceRef
from multivector.interfaces.output import hanging

_ARROW = {
    "up": ("▲", "green"),
    "down": ("▼", "red"),
    "new": ("+", "green"),
    "dropped": ("-", "red"),
    "reworded": ("~", "yellow"),
    "same": ("=", ""),
}
_MARK = {
    ChangeType.ADDED: ("+", "green"),
    ChangeType.REMOVED: ("-", "red"),
    ChangeType.REWORDED: ("~", "yellow"),
    ChangeType.RECLASSIFIED: ("↕", "magenta"),
    ChangeType.MOVED: ("→", "cyan"),
    ChangeType.RECODED: ("#", "blue"),
}
_PARTNER = 5  # partner codes are padded to this width, so the relations line up


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


def _packed(items: list[str], width: int, indent: int, gap: int = 3) -> list[str]:
    """Items side by side, ``gap`` spaces apart, a new line before one that would not fit."""
    lines: list[str] = []
    for item in items:
        if lines and cell_len(lines[-1]) + gap + cell_len(item) <= width:
            lines[-1] += " " * gap + item
        else:
            lines.append(" " * indent + item)
    return lines


def print_diff(d: EditionDiff, console: Console, *, evidence: bool = True) -> None:
    """The diff at ``console.width``: every line that does not fit wraps under its own indent."""
    lines: list[Text] = []

    def say(text: str | Text, indent: int = 0, hang: int | None = None) -> None:
        lines.extend(hanging(text, console, indent=indent, hang=hang))

    def sources(refs: tuple[SourceRef, ...]) -> None:
        if evidence:
            say(Text(_refs(refs), style="dim"), indent=6, hang=8)

    say(Text(f"{d.a.id} → {d.b.id}", style="bold"))
    for ed in (d.a, d.b):
        act = f", {ed.legal_act}" if ed.legal_act else ""
        say(Text.assemble(f"{ed.id}: {ed.title}{act} ",
                          (f"({len(ed)} elements, {ed.completeness.level})", "dim")),
            indent=2, hang=4)
    summary = ", ".join(f"{v} {k}" for k, v in d.summary().items() if v)
    say(Text(summary, style="dim"), indent=2, hang=4)
    partial = [ed.id for ed in (d.a, d.b) if ed.completeness.level != "full"]
    if partial:
        say(Text.assemble(
            ("Note:", "yellow"),
            f" {', '.join(partial)} encoded from partial sources: an element 'added' or "
            "'removed' may reflect a gap in the sources; see each edition's completeness "
            "statement (`multivector show EDITION`).",
        ), indent=2, hang=8)
    say("")

    if d.cross_country:
        say(Text.assemble(("How each tiers the other", "bold"), " ",
                          (f"({d.a.country} and {d.b.country}: two states' concepts side by side; "
                           "'added' and 'removed' below mean held by one of them only)", "dim")),
            hang=2)
        for m in d.mutual:
            rel = m.relation
            text = "not named as a partner" if rel is None else (
                f"{rel.tier.label if rel.tier else 'untiered'} ({rel.wording})")
            say(f"{m.holder} on {m.partner}: {text}", indent=2, hang=4)
        say("")
    say(Text.assemble(("Partner relations", "bold"), " ",
                      ("(closest tier the edition declares)" if not d.cross_country else
                       "(closest tier each declares with a third party; ▲▼ compare the two "
                       "states, and 'untiered' can mean no relation wording was reached)",
                       "dim")), hang=2)
    for r in d.relations:
        if r.direction == "same":
            continue
        mark, style = _ARROW[r.direction]
        say(Text.assemble((mark, style), f" {r.partner:<{_PARTNER}} {_relation_text(r)}"),
            indent=2, hang=2 + len(mark) + _PARTNER + 2)
    same = [r.partner for r in d.relations if r.direction == "same"]
    if same:
        say(f"= unchanged: {', '.join(same)}", indent=2, hang=4)
    say("")

    if d.claims:
        say(Text("Claims sources make about each edition", style="bold"))
        for claim in d.claims:
            unit = f" {claim.unit}" if claim.unit else ""
            before = "—" if claim.before is None else claim.before
            after = "—" if claim.after is None else claim.after
            say(f"{claim.key}: {before} → {after}{unit}", indent=2, hang=4)
            sources(claim.sources_before + claim.sources_after)
        say("")

    for change_type in ChangeType:
        changes = d.of_type(change_type)
        if not changes:
            continue
        say(Text(f"{change_type.value.capitalize()} ({len(changes)})", style="bold"))
        mark, style = _MARK[change_type]
        for c in changes:
            line = Text.assemble((mark, style), f" {c.element} ", (f"{c.kind}/{c.domain}", "dim"))
            if change_type in (ChangeType.ADDED, ChangeType.REMOVED):
                line.append(f": {c.title}")
            elif change_type is ChangeType.REWORDED:
                old = (c.before or "").split(":", 1)[0]
                if old == c.title:
                    line.append(f": {c.title} ").append("(summary reworded)", style="dim")
                else:
                    line.append(f": {old} ⇒ {c.title}")
            else:
                line.append(f": {c.detail}")
            say(line, indent=2, hang=4)
            sources(c.evidence)
        say("")

    if d.context:
        say(Text.assemble(("Context of the time, not compared", "bold"), " ",
                          (f"({len(d.context)}; the sources describe the setting, not the "
                           "concept's content)", "dim")))
        say(", ".join(d.context), indent=2, hang=4)
        say("")

    say(Text("Counts by kind", style="bold"))
    counts = [f"{r.value} {r.before}→{r.after}" for r in d.counts if r.facet == "kind"]
    lines += map(Text, _packed(counts, console.width, indent=2))
    say(Text("Sources: `multivector show EDITION --full` lists each source's URL or seed file. "
             "Machine-readable: --format json|csv|yaml|md.", style="dim"))
    console.print(Text("\n").join(lines), soft_wrap=True)
