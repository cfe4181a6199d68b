"""Render a report document to one self-contained HTML file and to Markdown.

The document is plain data (:class:`Document` of :class:`Section` of blocks), built by
`model.report_sections`. HTML embeds every figure as a ``data:`` URI and inlines its CSS, so the
file makes no external request; Markdown links the figures under ``figures/``.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Headline:
    """The headline number (P(deal) with its 90% interval) and its plain paragraph."""

    mean: float
    lo: float
    hi: float
    text: str


@dataclass
class Fig:
    """One figure: ``name`` is its file stem under ``figures/``."""

    name: str
    caption: str
    alt: str
    png: bytes


@dataclass
class Table:
    """A display table of preformatted cells; ``csv`` names the full table under ``tables/``."""

    frame: pd.DataFrame
    caption: str
    csv: str | None = None
    numeric: bool = True
    """Right-align cells that read as numbers (off for key-value tables)."""


@dataclass
class Para:
    """A paragraph of plain text (escaped on output)."""

    text: str


@dataclass
class Bullets:
    """A bulleted list of plain-text items."""

    items: list[str]


@dataclass
class Links:
    """A list of (label, relative href) links."""

    items: list[tuple[str, str]]


@dataclass
class Section:
    """One titled section; ``id`` is its HTML anchor."""

    id: str
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Document:
    """The whole report: a title, a diagnostics status, and the sections in order."""

    title: str
    subtitle: str
    problems: list[str]
    diagnostics_ok: str
    sections: list[Section]


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "DejaVu Sans", sans-serif; color: #1a1a1a; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.6rem 0 0.2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.6rem; padding-top: 0.4rem;
  border-top: 1px solid #ccc; }
.subtitle { color: #444; margin: 0 0 1rem; }
#diagnostics-banner { background: #fff3cd; border: 2px solid #8a6d00; color: #3d3000;
  padding: 0.7rem 1rem; margin: 0 0 1rem; border-radius: 4px; }
#diagnostics-banner strong { display: block; }
#diagnostics-banner ul { margin: 0.3rem 0 0; padding-left: 1.3rem; }
.diag-ok { font-size: 0.85rem; color: #2f5130; margin: 0 0 0.6rem; }
#headline { border-left: 6px solid #0072B2; background: #eef5fb; padding: 0.8rem 1rem;
  margin: 0.8rem 0; }
#headline .number { font-size: 2.4rem; font-weight: 700; line-height: 1.1; }
#headline .interval { font-size: 1rem; color: #333; }
#headline p { margin: 0.6rem 0 0; }
figure { margin: 1.2rem 0; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto;
  border: 1px solid #ddd; }
figcaption { font-size: 0.9rem; color: #333; margin-top: 0.4rem; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.8rem 0; }
table { border-collapse: collapse; font-size: 0.85rem; min-width: 50%; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; caption-side: top; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
.csv { font-size: 0.8rem; font-weight: 400; margin-left: 0.5rem; }
nav.toc { font-size: 0.9rem; }
nav.toc ol { padding-left: 1.3rem; columns: 2; }
a { color: #0b5394; }
@media (max-width: 600px) {
  body { font-size: 15px; }
  main { padding: 0.6rem; }
  #headline .number { font-size: 2rem; }
  nav.toc ol { columns: 1; }
}
@page { margin: 15mm; }
@media print {
  body { font-size: 10.5pt; color: #000; }
  #headline, #diagnostics-banner, th {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  nav.toc, .csv { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, table, #headline, #diagnostics-banner { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: #000; text-decoration: none; }
  #diagnostics-banner { border-width: 3px; }
}
"""


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _is_number(text: str) -> bool:
    t = str(text).replace("%", "").replace("+", "").replace("−", "-").strip()
    try:
        float(t.split(" ")[0])
    except ValueError:
        return False
    return True


def _cell(value: str) -> str:
    return "<br>".join(_esc(line) for line in value.split("\n"))


def _cell_class(value: str, numeric: bool) -> str:
    if numeric and _is_number(value):
        return ' class="num"'
    if _DATE.fullmatch(value):
        return ' class="nowrap"'
    return ""


def _html_table(t: Table) -> str:
    link = f' <a class="csv" href="tables/{_esc(t.csv)}">(CSV)</a>' if t.csv else ""
    head = "".join(f'<th scope="col">{_esc(c)}</th>' for c in t.frame.columns)
    rows = []
    for values in t.frame.astype(str).itertuples(index=False):
        cells = "".join(f"<td{_cell_class(v, t.numeric)}>{_cell(v)}</td>" for v in values)
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="table-wrap"><table><caption>{_esc(t.caption)}{link}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _html_block(block) -> str:
    if isinstance(block, Headline):
        return (
            f'<div id="headline" data-p-deal="{block.mean!r}" data-p-deal-lo="{block.lo!r}" '
            f'data-p-deal-hi="{block.hi!r}"><div class="number">P(deal) = {block.mean:.1%}</div>'
            f'<div class="interval">90% credible interval {block.lo:.1%} to {block.hi:.1%}</div>'
            f"<p>{_esc(block.text)}</p></div>"
        )
    if isinstance(block, Fig):
        data = base64.b64encode(block.png).decode("ascii")
        return (
            f'<figure id="fig-{_esc(block.name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{_esc(block.alt)}"><figcaption>{_esc(block.caption)}</figcaption></figure>'
        )
    if isinstance(block, Table):
        return _html_table(block)
    if isinstance(block, Para):
        return f"<p>{_esc(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Links):
        items = "".join(f'<li><a href="{_esc(h)}">{_esc(lbl)}</a></li>' for lbl, h in block.items)
        return f"<ul>{items}</ul>"
    raise TypeError(f"unknown report block {type(block).__name__}")


def to_html(doc: Document) -> str:
    """The document as one self-contained HTML page (inline CSS, figures as data URIs).

    Parameters
    ----------
    doc : Document
        The report content.

    Returns
    -------
    str
    """
    top = []
    if doc.problems:
        items = "".join(f"<li>{_esc(p)}</li>" for p in doc.problems)
        top.append(
            '<div id="diagnostics-banner" role="alert"><strong>Sampler diagnostics failed: '
            "treat every number below with caution.</strong>"
            f"<ul>{items}</ul></div>"
        )
    top.append(f"<h1>{_esc(doc.title)}</h1>")
    top.append(f'<p class="subtitle">{_esc(doc.subtitle)}</p>')
    if not doc.problems:
        top.append(f'<p class="diag-ok" id="diagnostics-ok">{_esc(doc.diagnostics_ok)}</p>')
    toc = "".join(f'<li><a href="#{_esc(s.id)}">{_esc(s.title)}</a></li>' for s in doc.sections)
    body = []
    for i, s in enumerate(doc.sections):
        blocks = "\n".join(_html_block(b) for b in s.blocks)
        body.append(f'<section id="{_esc(s.id)}">\n<h2>{_esc(s.title)}</h2>\n{blocks}\n</section>')
        if i == 0:  # contents after the headline, so the first screen shows the answer
            body.append(
                f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{toc}</ol></nav>'
            )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{_esc(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(top)
        + "\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def _md_cell(value) -> str:
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\n", "<br>").strip()


def md_table(frame: pd.DataFrame) -> str:
    """A pipe table (GitHub-flavoured Markdown) of ``frame``'s cells as text.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    str
    """
    cols = [_md_cell(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for values in frame.astype(str).itertuples(index=False):
        lines.append("| " + " | ".join(_md_cell(v) for v in values) + " |")
    return "\n".join(lines)


def _md_block(block) -> str:
    if isinstance(block, Headline):
        return (
            f"**P(deal) = {block.mean:.1%}** (90% credible interval {block.lo:.1%} to "
            f"{block.hi:.1%})\n\n{block.text}"
        )
    if isinstance(block, Fig):
        return f"![{_md_cell(block.alt)}](figures/{block.name}.png)\n\n*{block.caption}*"
    if isinstance(block, Table):
        link = f" ([CSV](tables/{block.csv}))" if block.csv else ""
        return f"**{block.caption}**{link}\n\n{md_table(block.frame)}"
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_cell(i)}" for i in block.items)
    if isinstance(block, Links):
        return "\n".join(f"- [{lbl}]({h})" for lbl, h in block.items)
    raise TypeError(f"unknown report block {type(block).__name__}")


def to_markdown(doc: Document) -> str:
    """The document as Markdown, figures linked as ``figures/NAME.png``.

    Parameters
    ----------
    doc : Document

    Returns
    -------
    str
    """
    parts = []
    if doc.problems:
        items = "\n".join(f"> - {p}" for p in doc.problems)
        parts.append(
            "> **Sampler diagnostics failed: treat every number below with caution.**\n>\n" + items
        )
    parts += [f"# {doc.title}", f"*{doc.subtitle}*"]
    if not doc.problems:
        parts.append(doc.diagnostics_ok)
    for s in doc.sections:
        parts.append(f"## {s.title}")
        parts += [_md_block(b) for b in s.blocks]
    return "\n\n".join(parts) + "\n"
