"""The checks' views: the elicitation text table and the predictive-check figure."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.views.checks import format_elicitation, predictive_figure


def _intervals(n, scale):
    return {
        "observed": np.linspace(1, 2, n) * scale,
        "prior_lo": np.full(n, 0.2 * scale),
        "prior_median": np.full(n, scale),
        "prior_hi": np.full(n, 3.0 * scale),
        "post_lo": np.full(n, 0.5 * scale),
        "post_median": np.full(n, scale),
        "post_hi": np.full(n, 2.0 * scale),
        "loo_pit": [0.4] * (n - 1) + [np.nan],
    }


def test_predictive_figure_has_two_panels_and_marks_pending_rows():
    months = pd.DataFrame(
        {"package": ["a", "b", "c"], "censored": [False, False, True], **_intervals(3, 6.0)}
    )
    poll = pd.DataFrame(
        {"reading": ["x", "y"], "component": ["funds", "funds"], "n": [250, 250]}
        | _intervals(2, 100.0)
    )
    fig = predictive_figure(months, poll)
    assert isinstance(fig, Figure)
    top, bottom = fig.axes[:2]
    assert top.get_xscale() == "log"
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["funds (x)", "funds (y)"]
    hollow = [line for line in top.get_lines() if line.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and len(hollow[0].get_xdata()) == 1
    assert bottom.get_xlim()[1] < 1.5  # shares, not counts


def test_format_elicitation_shows_tail_masses():
    table = pd.DataFrame(
        [
            {
                "parameter": "announce_months",
                "tails": "maxent",
                "prior": "LogNormal(mu=0.974, sigma=0.627)",
                "lower": 0.5,
                "upper": 6.0,
                "mass": 0.9,
                "q05": 0.94,
                "q50": 2.65,
                "q95": 7.43,
                "below": 0.004,
                "above": 0.096,
            }
        ]
    )
    text = format_elicitation(table)
    assert "0.4%" in text and "9.6%" in text and "[0.5, 6] (90%)" in text
