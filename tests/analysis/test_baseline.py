"""The run summary and its text table."""

from model.analysis.baseline import OUTCOMES, decomposition_table, run_summary
from model.views.tables import format_table


def test_summary_and_table(small_fit):
    summary = run_summary(small_fit)
    table = decomposition_table(summary)
    assert list(table["label"]) == list(OUTCOMES.values())
    deal = summary["p_deal"]["mean"]
    parts = [summary[k]["mean"] for k in ("p_framework", "p_enacted", "p_accepted")]
    assert deal <= min(parts)
    text = format_table(summary)
    assert f"{deal:.3f}" in text and "Provenance" in text and "Sampler" in text


def test_headline_probabilities_carry_their_mcse(small_fit):
    from model.analysis.intervals import mcse_mean
    from model.analysis.outcomes import evaluate
    from model.views.tables import PARTS_NOTE

    summary = run_summary(small_fit)
    out = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)
    for key in OUTCOMES:
        want = mcse_mean(out[key], chains=small_fit.settings.chains)
        assert summary[key]["mcse"] == want, key
        # Not smaller than the iid error sd / sqrt(S) by much: the draws are autocorrelated.
        assert 0.5 * out[key].std() / out[key].size ** 0.5 < want < 0.05, key
    text = format_table(summary)
    assert PARTS_NOTE in text and "not the product of the parts" in text
    assert f"{summary['p_deal']['mcse']:.4f}" in text
    assert "tail ESS" in text and "E-BFMI" in text
