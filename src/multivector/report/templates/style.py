"""The report's stylesheet: one for screen and print (weasyprint reads the @page rules)."""

from __future__ import annotations

CSS = """
@page {
  size: A4;
  margin: 20mm 16mm 18mm 16mm;
  @top-left { content: string(doctitle); font-size: 7.5pt; color: #777; }
  @top-right { content: string(section); font-size: 7.5pt; color: #777; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                  font-size: 7.5pt; color: #777; }
}
@page :first { @top-left { content: none; } @top-right { content: none; } }
:root { --ink: #222; --accent: #1f4e79; --muted: #666; --rule: #d9dee5; --flag: #c62828;
        --up: #2e7d32; --soft: #f4f6f9; }
html { font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", Arial, sans-serif;
       color: var(--ink); line-height: 1.5; }
body.screen { max-width: 58rem; margin: 2rem auto; padding: 0 1.25rem; font-size: 15px; }
body.print { font-size: 9.5pt; margin: 0; }
h1 { font-size: 1.9em; line-height: 1.2; margin: 0.2em 0 0.3em; color: var(--accent);
     string-set: doctitle content(); }
h2 { font-size: 1.35em; color: var(--accent); border-bottom: 2px solid var(--accent);
     padding-bottom: 0.15em; margin: 1.8em 0 0.6em; string-set: section content();
     break-after: avoid; }
h2.toc-title { border: none; font-size: 1.1em; margin: 0 0 0.3em; string-set: none; }
h3 { font-size: 1.1em; color: var(--accent); margin: 1.2em 0 0.4em; break-after: avoid; }
h4 { font-size: 0.85em; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted);
     margin: 0 0 0.3em; break-after: avoid; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
p { margin: 0.4em 0 0.7em; orphans: 3; widows: 3; }
.muted { color: var(--muted); }
.kicker { text-transform: uppercase; letter-spacing: 0.12em; font-size: 0.75em;
          color: var(--muted); margin: 0; }
.subtitle { font-size: 1.1em; color: #444; margin: 0 0 1em; }
.cover { border-bottom: 1px solid var(--rule); padding-bottom: 0.8em; margin-bottom: 1em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1.2em;
           margin: 0.6em 0 0; font-size: 0.9em; }
body.print dl.facts { display: block; }
body.print dl.facts dt { float: left; clear: left; width: 9em; }
body.print dl.facts dd { margin-left: 10em; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
nav.toc { background: var(--soft); padding: 0.7em 1.2em; border-radius: 4px; margin: 1em 0;
          font-size: 0.92em; }
nav.toc ol { margin: 0; padding: 0; list-style: none; columns: 2; column-gap: 2em; }
nav.toc li { break-inside: avoid; }
section.findings ul { padding-left: 1.2em; }
section.findings li { margin: 0.35em 0; }
section.findings { background: #fbfaf4; border-left: 4px solid #c9a227; padding: 0.1em 1.2em 0.4em;
                   margin: 1.4em 0; }
section.findings h2 { border: none; margin-top: 0.6em; }
p.intro { color: #333; break-after: avoid; }
figure.chart { margin: 1.2em 0 0.6em; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85em; color: #444; margin-top: 0.3em; }
.refs { color: var(--muted); }
a.ref { font-size: 0.92em; white-space: nowrap; }
div.table { margin: 0.8em 0; }
@media screen { figure.chart .svg, div.table { overflow-x: auto; } }
table { border-collapse: collapse; font-size: 0.85em; width: 100%; }
p.caption { font-size: 0.85em; color: #444; margin: 0 0 0.3em; break-after: avoid; }
th, td { padding: 0.25em 0.55em; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
thead th { border-bottom: 2px solid #9aa7b5; background: var(--soft); font-weight: bold; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr { break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { white-space: normal; }  /* a long header wraps rather than push the table off the page */
td.flag, td.silent, td.down { color: var(--flag); font-weight: bold; }
td.up { color: var(--up); font-weight: bold; }
td.up, td.down, td.flag { white-space: nowrap; }
td.muted { color: var(--muted); }
p.note { font-size: 0.8em; color: var(--muted); margin: 0.2em 0; }
div.evidence { background: var(--soft); border-radius: 4px; padding: 0.5em 0.9em;
               margin: 0.6em 0 1.4em; font-size: 0.82em; }
ul.cells { list-style: none; margin: 0; padding: 0; columns: 2; column-gap: 2em; }
ul.cells li { break-inside: avoid; margin: 0.1em 0; }
ul.cells .key { color: #333; }
section.appendix { break-before: page; }
ol.passages { list-style: none; padding: 0; margin: 0; }
li.passage { display: flex; gap: 0.8em; padding: 0.5em 0; border-bottom: 1px solid var(--rule);
             break-inside: avoid; }
li.passage > .num { color: var(--accent); font-weight: bold; min-width: 2.6em; }
li.passage .body { flex: 1; min-width: 0; }
li.passage .meta { margin: 0; font-size: 0.88em; }
li.passage blockquote { margin: 0.3em 0; padding-left: 0.8em; border-left: 3px solid var(--rule);
                        color: #333; }
li.passage .cmd { margin: 0; font-size: 0.78em; color: var(--muted); }
li.passage :target, li.passage:target { background: #fff6d5; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.95em; overflow-wrap: anywhere; }
.cited { margin-left: 0.6em; }
table.stamp { width: auto; font-size: 0.85em; }
table.stamp th { background: none; border-bottom: 1px solid var(--rule); color: var(--muted);
                 font-weight: normal; white-space: nowrap; }
table.stamp td { overflow-wrap: anywhere; }
section.stamp-section { break-before: auto; }
body.print section.appendix h2 { margin-top: 0; }
"""
