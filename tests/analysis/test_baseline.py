"""The run summary and its text table."""

from model.analysis.baseline import OUTCOMES, decomposition_table, run_summary
from model.views.tables import format_table


def test_summary_and_table(small_fit):
    summary = run_summary(small_fit)
    table = decomposition_table(summary)
    labels = [summary["labels"][k] for k in OUTCOMES]
    assert list(table["label"]) == [*labels[:2], *table["label"][2:4], *labels[2:]]
    assert "willing" in table["label"][2] and "in time" in table["label"][3]
    deal = summary["p_deal"]["mean"]
    parts = [summary[k]["mean"] for k in ("p_framework", "p_enacted", "p_accepted")]
    assert deal <= min(parts)
    text = format_table(summary)
    assert f"{deal:.1%}" in text and "Provenance" in text and "Sampler" in text


def test_congress_split_multiplies_back_per_draw(small_fit):
    """P(willing) x P(in time | willing) is P(enacted in time), draw by draw."""
    import numpy as np

    from model.analysis.outcomes import evaluate

    out = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)
    in_time = out["p_enacted"] / out["p_congress"]
    np.testing.assert_allclose(out["p_congress"] * in_time, out["p_enacted"], rtol=1e-12)
    summary = run_summary(small_fit)
    assert summary["p_in_time"]["mean"] == np.mean(in_time)
    assert summary["p_willing"]["mean"] == np.mean(out["p_congress"])


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
    assert f"{100 * summary['p_deal']['mcse']:.2f}" in text
    assert "tail ESS" in text and "E-BFMI" in text
