"""`feasibility evsi` end to end in process: a one-size study on the small fit, in words."""

from model.cli.main import main
from tests.conftest import SMALL_ARGS

STUDY = """
[study]
kind = "whip_count"
label = "A quick whip count"
n = 20
reliability = 0.7
cost = 0.0002
sizes = [20]
source = "[2007-08-15] test study"

[study.sources]
reliability = "[2007-08-15] judgment for the test"
cost = "[2007-08-15] judgment for the test"
"""


def test_evsi_prints_the_study_its_row_and_a_verdict(small_fit, tmp_path, capsys):
    spec = tmp_path / "quick_whip.toml"
    spec.write_text(STUDY)
    assert main(["evsi", "--study", str(spec), *SMALL_ARGS]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("A quick whip count [quick_whip: whip_count, reads ")
    rows = [line.split() for line in lines if line.strip().startswith("20 ")]
    assert len(rows) == 1  # one size asked for
    points, se = float(rows[0][1]), float(rows[0][2])
    assert points >= -2 * se  # EVSI is not negative beyond its Monte Carlo error
    bound = next(line for line in lines if "EVPPI bound:" in line)
    assert points <= float(bound.split("EVPPI bound: ")[1].split()[0]) + 3 * se + 1e-9
    verdict = next(line for line in lines if line.startswith("  A quick whip count (n = 20)"))
    assert any(w in verdict for w in ("Worth commissioning", "Not worth waiting", "Marginal"))
    assert "Value units: " in out
