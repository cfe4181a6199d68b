"""Render a report document to one self-contained HTML file and to Markdown.

The document is plain data (:class:`Document` of :class:`Section` of blocks), built by
`model.report.sections`. HTML embeds every figure as a ``data:`` URI and inlines its CSS, so the
file makes no external request; Markdown links the figures under ``figures/``.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from model.constants import CI_PCT
from model.views.words import GLOSSARY_PATTERNS


@dataclass
class Headline:
    """The headline number (P(deal) with its 90% interval) and its plain paragraph."""

    mean: float
    lo: float
    hi: float
    text: str
    bullets: list[str] = field(default_factory=list)
    """The same message as short bullets, shown instead of the paragraph in HTML."""
    reference: dict | None = None
    """The number to use beside the model's (`model.report.headline.number_to_use`)."""


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
    names: dict[str, str] = field(default_factory=dict)
    """Cell text (a plain label) -> the name it has in the files: a hover in HTML, a note in
    Markdown, so no raw parameter name shows in the table itself."""


@dataclass
class Para:
    """A paragraph of plain text (escaped on output)."""

    text: str


@dataclass
class Bullets:
    """A bulleted list of plain-text items."""

    items: list[str]


@dataclass
class Definitions:
    """Terms and their definitions: ``(anchor, term, text)``; ``#glossary-ANCHOR`` links here."""

    items: list[tuple[str, str, str]]


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
    """Failed sampler checks of the fit behind the headline numbers (the banner's reason)."""
    diagnostics_ok: str
    sections: list[Section]
    generated: str = ""
    """The "generated on" line: when, with which seed and commit."""
    banner: str = ""
    """One plain sentence on what ``problems`` mean for the reader (shown when there are any)."""


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

CSS = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")
"""The report's stylesheet, inlined into the HTML."""


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


_TERMS = re.compile(
    "|".join(f"(?P<{k.replace('-', '_')}>{v})" for k, v in GLOSSARY_PATTERNS.items())
)


def linked(escaped: str) -> str:
    """Escaped text with every glossary term linked to its definition (``#glossary-...``)."""

    def link(m: re.Match) -> str:
        anchor = m.lastgroup.replace("_", "-")
        return f'<a class="term" href="#glossary-{anchor}">{m.group(0)}</a>'

    return _TERMS.sub(link, escaped)


def _text(text) -> str:
    return linked(_esc(text))


def _is_number(text: str) -> bool:
    t = str(text).replace("%", "").replace("+", "").replace("−", "-").strip()
    try:
        float(t.split(" ")[0])
    except ValueError:
        return False
    return True


def _cell(value: str) -> str:
    return "<br>".join(_text(line) for line in value.split("\n"))


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
        cells = "".join(
            f"<td{_cell_class(v, t.numeric)}{_title(t.names.get(v))}>{_cell(v)}</td>"
            for v in values
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="table-wrap"><table><caption>{_text(t.caption)}{link}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _title(name: str | None) -> str:
    return f' title="name in the files: {_esc(name)}"' if name else ""


def _html_block(block) -> str:
    if isinstance(block, Headline):
        ref = block.reference or {}
        rate = ref.get("base_rate")
        other = (
            f'<div class="number">{rate["mean"]:.1%}</div><div class="interval">{CI_PCT} '
            f"interval {rate['lo']:.1%} to {rate['hi']:.1%}</div>"
            if rate
            else '<div class="number na">not computed</div>'
        )
        numbers = (
            '<div class="numbers"><div class="figure-box model-number"><div class="what">'
            f'This model</div><div class="number">P(deal) = {block.mean:.1%}</div>'
            f'<div class="interval">{CI_PCT} credible interval {block.lo:.1%} to '
            f"{block.hi:.1%}</div></div>"
        )
        if block.reference is not None:
            numbers += (
                '<div class="figure-box" id="base-rate"><div class="what">Base rate of '
                f"comparable past deals</div>{other}</div>"
            )
        numbers += "</div>"
        if block.reference is not None:
            said = _text(ref["base_rate_text"]) + " " if rate else ""
            numbers += f'<p class="erred">{said}{_text(ref["erred"])}</p>'
        return (
            f'<div id="headline" data-p-deal="{block.mean!r}" data-p-deal-lo="{block.lo!r}" '
            f'data-p-deal-hi="{block.hi!r}">{numbers}'
            + (
                '<ul class="headline">'
                + "".join(f"<li>{_text(b)}</li>" for b in block.bullets)
                + "</ul>"
                if block.bullets
                else f"<p>{_text(block.text)}</p>"
            )
            + "</div>"
        )
    if isinstance(block, Fig):
        data = base64.b64encode(block.png).decode("ascii")
        return (
            f'<figure id="fig-{_esc(block.name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{_esc(block.alt)}"><figcaption>{_text(block.caption)}</figcaption></figure>'
        )
    if isinstance(block, Table):
        return _html_table(block)
    if isinstance(block, Para):
        return f"<p>{_text(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_text(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Definitions):
        items = "".join(
            f'<dt id="glossary-{_esc(a)}">{_esc(term)}</dt><dd>{_esc(text)}</dd>'
            for a, term, text in block.items
        )
        return f'<dl class="glossary">{items}</dl>'
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
        top.append(
            f'<div id="diagnostics-banner" role="alert"><strong>{_text(doc.banner)}</strong> '
            '<a href="#appendix">The failed checks are listed in the appendix.</a></div>'
        )
    top.append(f"<h1>{_esc(doc.title)}</h1>")
    top.append(f'<p class="subtitle">{_esc(doc.subtitle)}</p>')
    if doc.generated:
        top.append(f'<p class="generated">{_esc(doc.generated)}</p>')
    if not doc.problems:
        top.append(f'<p class="diag-ok" id="diagnostics-ok">{_text(doc.diagnostics_ok)}</p>')
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


def md_text(value) -> str:
    """Plain text made inert in Markdown: raw HTML (``<``, ``>``, ``&``) shown, not rendered.

    Priors' sources and the evidence CSVs are user text: a ``<script>`` in them must read as
    text in the Markdown report, as it does in the HTML one.
    """
    return html.escape(str(value), quote=False)


def _md_cell(value) -> str:
    text = md_text(value).replace("\\", "\\\\").replace("|", "\\|")
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
        ref = ""
        if block.reference is not None:
            ref = f"\n\n{md_text(block.reference['base_rate_text'])} "
            ref += md_text(block.reference["erred"])
        return (
            f"**P(deal) = {block.mean:.1%}** ({CI_PCT} credible interval {block.lo:.1%} to "
            f"{block.hi:.1%}){ref}\n\n{md_text(block.text)}"
        )
    if isinstance(block, Fig):
        return f"![{_md_cell(block.alt)}](figures/{block.name}.png)\n\n*{md_text(block.caption)}*"
    if isinstance(block, Table):
        link = f" ([CSV](tables/{block.csv}))" if block.csv else ""
        text = f"**{md_text(block.caption)}**{link}\n\n{md_table(block.frame)}"
        shown = set(block.frame.astype(str).to_numpy().ravel())
        used = {k: v for k, v in block.names.items() if k in shown}
        if used:
            text += "\n\nNames in the files: " + "; ".join(
                f"{_md_cell(k)} = `{v}`" for k, v in used.items()
            )
        return text
    if isinstance(block, Para):
        return md_text(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_cell(i)}" for i in block.items)
    if isinstance(block, Definitions):
        return "\n".join(f"- **{_md_cell(t)}**: {_md_cell(text)}" for _, t, text in block.items)
    if isinstance(block, Links):
        return "\n".join(f"- [{_md_cell(lbl)}]({h})" for lbl, h in block.items)
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
        parts.append(f"> **{md_text(doc.banner)}** The failed checks are listed in the appendix.")
    parts += [f"# {md_text(doc.title)}", f"*{md_text(doc.subtitle)}*"]
    if doc.generated:
        parts.append(md_text(doc.generated))
    if not doc.problems:
        parts.append(doc.diagnostics_ok)
    for s in doc.sections:
        parts.append(f"## {md_text(s.title)}")
        parts += [_md_block(b) for b in s.blocks]
    return "\n\n".join(parts) + "\n"
