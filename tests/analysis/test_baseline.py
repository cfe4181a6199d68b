"""The run summary and its text table."""

from model.analysis.baseline import OUTCOMES, decomposition_table, run_summary
from model.views.tables import format_table


def test_summary_and_table(small_fit):
    summary = run_summary(small_fit)
    table = decomposition_table(summary)
    assert list(table["label"]) == [summary["labels"][k] for k in OUTCOMES]
    deal = summary["p_deal"]["mean"]
    parts = [summary[k]["mean"] for k in ("p_framework", "p_enacted", "p_accepted")]
    assert deal <= min(parts)
    text = format_table(summary)
    assert f"{deal:.3f}" in text and "Provenance" in text and "Sampler" in text
