"""The documentation's 2007 numbers are what the command and seed it names give today.

The README states no computed number (the report does, each run). `docs/model.md`, section "The
2007 answer", quotes P(deal) from a named command, sampler size and seed; the quoted numbers are
regenerated when they change. The fast test checks the quote names them; the slow test runs that
command (a full fit, cached under ``FEASIBILITY_CACHE``) and compares what it prints.
"""

import json
import re

import pytest

from model.cli.main import main
from model.constants import ROOT

PAGE = ROOT / "docs" / "model.md"

QUOTE = re.compile(
    r"\(`feasibility\s+run\s+--json`,\s+(?P<chains>\d+)\s+chains\s+x\s+(?P<draws>\d+),\s+seed\s+"
    r"(?P<seed>\d+)\):\s+P\(deal\)\s+is\s+\*\*(?P<mean>[\d.]+)%\s+\[(?P<lo>[\d.]+)%,\s+"
    r"(?P<hi>[\d.]+)%\]\*\*"
)
"""The docs' headline quote: command, chains x draws, seed, then P(deal) mean [lo, hi]."""
DIVERGENCES = re.compile(r"The baseline fit itself reports\s+(\d+)\s+divergent\s+transitions?")


def _quote() -> re.Match:
    text = PAGE.read_text(encoding="utf-8")
    found = QUOTE.search(text)
    assert found, (
        "docs/model.md must quote P(deal) as (`feasibility run --json`, C chains x D, seed S)"
    )
    return found


def test_docs_quote_the_headline_with_its_command_and_seed():
    q = _quote()
    assert float(q["lo"]) <= float(q["mean"]) <= float(q["hi"])


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_docs_headline_is_what_a_fresh_run_gives(capsys):
    q = _quote()
    argv = ["run", "--json", "--chains", q["chains"], "--draws", q["draws"], "--seed", q["seed"]]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    deal = out["p_deal"]
    # the page rounds to 0.1 point; these are the numbers the command prints
    got = tuple(f"{100 * deal[k]:.1f}" for k in ("mean", "lo", "hi"))
    assert got == (q["mean"], q["lo"], q["hi"]), (
        f"docs/model.md quotes P(deal) {q['mean']}% [{q['lo']}%, {q['hi']}%] but "
        f"`feasibility {' '.join(argv)}` gives {got[0]}% [{got[1]}%, {got[2]}%]: regenerate it"
    )
    text = PAGE.read_text(encoding="utf-8")
    if said := DIVERGENCES.search(text):
        assert int(said.group(1)) == out["diagnostics"]["divergences"]
