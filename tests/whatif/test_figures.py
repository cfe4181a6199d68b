"""The sorted scenario-change figure: sorted by size, labelled by the question, axis to the data."""

import pandas as pd

from model.whatif.figures import scenario_changes


def _table():
    return pd.DataFrame(
        {
            "scenario": ["baseline", "a", "b", "c"],
            "question": ["(baseline)", "What if A?", "What if B?", "What if C?"],
            "method": ["baseline", "recompute", "reweight", "refit"],
            "delta_p_deal_mean": [0.0, -0.04, 0.02, -0.01],
            "delta_p_deal_lo": [0.0, -0.06, 0.01, -0.03],
            "delta_p_deal_hi": [0.0, -0.02, 0.03, 0.01],
        }
    )


def test_rows_are_questions_sorted_by_change_and_baseline_is_left_out():
    fig = scenario_changes(_table())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ys = list(ax.get_yticks())
    top_to_bottom = [lbl for _, lbl in sorted(zip(ys, labels, strict=True), reverse=True)]
    assert top_to_bottom == ["What if B?", "What if C?", "What if A?"]


def test_axis_is_scaled_to_the_data_in_points():
    ax = scenario_changes(_table()).axes[0]
    lo, hi = ax.get_xlim()
    assert -8 < lo < -6 and 6 < hi < 8  # the widest bound is 6 points
    assert "percentage points" in ax.get_xlabel()
