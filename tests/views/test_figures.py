"""Tests for the pure plotting functions in ``model.views.figures``."""

from __future__ import annotations

import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from model.views import figures as plots
from model.whatif import figures as changes

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CALENDAR = {
    "Super Tuesday": 5.7,
    "Conventions": 12.3,
    "Election": 14.7,
    "End of lame duck": 16.6,
    "Mexican mid-terms": 22.7,
}


@pytest.fixture(autouse=True)
def no_pyplot_state():
    """Plot functions must never register figures with pyplot."""
    plt.close("all")
    yield
    assert plt.get_fignums() == []


def _check_labels(fig: Figure, ax=None) -> None:
    assert isinstance(fig, Figure)
    ax = ax if ax is not None else fig.axes[0]
    title = ax.get_title() or fig.get_suptitle()
    assert title.strip()
    assert ax.get_xlabel().strip()
    assert ax.get_ylabel().strip()


def _ytick_texts(ax) -> list[str]:
    """Tick labels ordered from the top of the axes to the bottom."""
    pairs = sorted(zip(ax.get_yticks(), ax.get_yticklabels(), strict=True), key=lambda p: -p[0])
    return [label.get_text() for _, label in pairs]


def _errorbars(ax) -> list[ErrorbarContainer]:
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def decomposition_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Framework agreed", "Congress enacts in time", "Mexico accepts", "Deal"],
            "mean": [0.8, 0.45, 0.7, 0.25],
            "lo": [0.65, 0.25, 0.5, 0.12],
            "hi": [0.92, 0.66, 0.86, 0.41],
        }
    )


@pytest.fixture
def designs() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 60
    pe, pa = rng.uniform(0.1, 0.9, n), rng.uniform(0.2, 0.95, n)
    d = pd.DataFrame(
        {
            "label": [f"design {i}" for i in range(n)],
            "p_enacted_mean": pe,
            "p_enacted_lo": pe - 0.08,
            "p_enacted_hi": pe + 0.05,
            "p_accepted_mean": pa,
            "p_accepted_lo": pa - 0.1,
            "p_accepted_hi": np.minimum(pa + 0.05, 1),
            "is_baseline": False,
            "is_best": False,
        }
    )
    d.loc[3, "is_baseline"] = True
    d.loc[int(np.argmax(pe * pa)), "is_best"] = True
    return d


def test_decomposition(decomposition_table):
    fig = plots.decomposition(decomposition_table)
    _check_labels(fig)
    ax = fig.axes[0]
    assert len(_errorbars(ax)) == 4
    assert _ytick_texts(ax) == list(decomposition_table["label"])
    assert ax.get_xlim() == (0, 1)
    # every row uses its own marker, so rows differ without colour
    markers = {c.lines[0].get_marker() for c in _errorbars(ax)}
    assert len(markers) == 4


def test_decomposition_missing_column(decomposition_table):
    with pytest.raises(ValueError, match="hi"):
        plots.decomposition(decomposition_table.drop(columns="hi"))


def test_timing():
    months = np.linspace(0, 20, 81)
    curves = {}
    for name, rate in {"Baseline": 0.08, "Supplemental": 0.15}.items():
        mean = 1 - np.exp(-rate * months)
        curves[name] = {"mean": mean, "lo": mean * 0.8, "hi": np.minimum(mean * 1.2, 1)}
    fig = plots.timing(months, curves, calendar=CALENDAR)
    _check_labels(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "months after the as-of date"
    curve_lines = [ln for ln in ax.get_lines() if ln.get_label() in curves]
    assert len(curve_lines) == 2
    assert len({str(ln.get_linestyle()) for ln in curve_lines}) == 2
    assert len(ax.collections) == 1  # one band (the first curve); the others are lines
    texts = [t.get_text().strip() for t in ax.texts]
    # the 22.7-month event lies outside the 0-20 month grid and is skipped
    assert texts == ["Super Tuesday", "Conventions", "Election", "End of lame duck"]
    assert all(t.get_rotation() == 90 for t in ax.texts)
    event_lines = [ln for ln in ax.get_lines() if ln.get_label() not in curves]
    assert sorted(ln.get_xdata()[0] for ln in event_lines) == [5.7, 12.3, 14.7, 16.6]
    assert fig.legends, "curves need a legend"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "of the first curve" in legend[-1]


def test_timing_labels_of_close_events_are_staggered():
    months = np.linspace(0, 20, 81)
    curve = {"A": {"mean": months / 20, "lo": months / 25, "hi": months / 18}}
    fig = plots.timing(months, curve, calendar={"One": 12.4, "Two": 12.6, "Far": 18.0})
    heights = {t.get_text().strip(): t.get_position()[1] for t in fig.axes[0].texts}
    assert heights["One"] != heights["Two"]
    assert heights["Far"] == heights["One"]


def test_winset(designs):
    fig = plots.winset(designs, p_framework=0.8)
    _check_labels(fig)
    ax = fig.axes[0]
    cloud = [c for c in ax.collections if c.get_gid() == "designs"]
    assert len(cloud) == 1 and len(cloud[0].get_offsets()) == len(designs)
    by_gid = {c.lines[0].get_gid(): c for c in _errorbars(ax)}
    assert set(by_gid) == {"top", "baseline", "best"}
    assert len(by_gid["top"].lines[0].get_xdata()) == 10
    base, best = by_gid["baseline"].lines[0], by_gid["best"].lines[0]
    assert base.get_marker() != best.get_marker()
    i_base = int(np.flatnonzero(designs["is_baseline"])[0])
    i_best = int(np.flatnonzero(designs["is_best"])[0])
    assert base.get_xdata()[0] == pytest.approx(designs["p_enacted_mean"][i_base])
    assert best.get_ydata()[0] == pytest.approx(designs["p_accepted_mean"][i_best])
    gids = {t.get_gid() for t in ax.texts}
    assert {"annotation_baseline", "annotation_best"} <= gids
    iso_labels = [t.get_text() for t in ax.texts if t.get_gid() is None]
    assert [lab for lab in iso_labels if lab[0].isdigit()] == [f"0.{k}" for k in range(1, 8)]


def test_winset_many_designs_and_tiny_framework(designs):
    big = pd.concat([designs] * 5, ignore_index=True)
    big["is_baseline"] = big.index == 3
    big["is_best"] = big.index == 7
    fig = plots.winset(big, p_framework=0.05, n_top=3)
    ax = fig.axes[0]
    by_gid = {c.lines[0].get_gid(): c for c in _errorbars(ax)}
    assert len(by_gid["top"].lines[0].get_xdata()) == 3
    cloud = next(c for c in ax.collections if c.get_gid() == "designs")
    assert len(cloud.get_offsets()) == 300
    # below 0.1 the iso-lines fall back to fractions of p_framework
    assert any(t.get_text() == "0.025" for t in ax.texts)


def test_winset_baseline_is_best(designs):
    designs["is_best"] = designs["is_baseline"]
    ax = plots.winset(designs, p_framework=0.5).axes[0]
    gids = [t.get_gid() for t in ax.texts if t.get_gid()]
    assert gids == ["annotation_baseline_best"]
    by_gid = {c.lines[0].get_gid(): c for c in _errorbars(ax)}
    assert by_gid["baseline"].lines[0].get_markerfacecolor() == "none"  # star shows through


def test_tornado_order_and_bars():
    table = pd.DataFrame(
        {
            "input": ["small", "large", "medium"],
            "low": [0.24, 0.10, 0.20],
            "high": [0.26, 0.40, 0.31],
        }
    )
    fig = plots.tornado(table, base=0.25)
    _check_labels(fig)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * len(table)
    assert _ytick_texts(ax) == ["large", "medium", "small"]
    lows, highs = ax.patches[:3], ax.patches[3:]
    # bars run from the base to the low / high value, largest swing on top
    assert [p.get_y() for p in lows] == sorted((p.get_y() for p in lows), reverse=True)
    ends = [p.get_x() + p.get_width() for p in lows]
    assert ends == pytest.approx([0.10, 0.20, 0.24])
    assert [p.get_x() + p.get_width() for p in highs] == pytest.approx([0.40, 0.31, 0.26])
    assert all(p.get_x() == pytest.approx(0.25) for p in ax.patches)
    assert lows[0].get_hatch() != highs[0].get_hatch()
    assert any(list(ln.get_xdata()) == [0.25, 0.25] for ln in ax.get_lines())


@pytest.mark.parametrize("as_series", [True, False])
def test_indices(as_series):
    values = {"a": 0.1, "b": 0.5, "c": -0.01, "d": 0.3}
    data = pd.Series(values) if as_series else values
    fig = plots.indices(data, title="First-order indices", xlabel="Share of variance (fraction)")
    _check_labels(fig)
    ax = fig.axes[0]
    assert ax.get_title() == "First-order indices"
    assert len(ax.patches) == 4
    assert _ytick_texts(ax) == ["b", "d", "a", "c"]
    assert [p.get_width() for p in ax.patches] == pytest.approx([0.5, 0.3, 0.1, -0.01])


def test_prior_posterior():
    rng = np.random.default_rng(1)
    names = [f"theta_{i}" for i in range(5)]
    prior = {n: rng.normal(0, 1, 500) for n in names}
    posterior = {n: rng.normal(0.5, 0.3, 500) for n in names}
    posterior["posterior_only"] = rng.beta(2, 5, (2, 250))  # chains x draws, flattened
    fig = plots.prior_posterior(prior, posterior, ncols=4)
    assert fig.get_suptitle().strip()
    assert fig.get_supxlabel().strip() and fig.get_supylabel().strip()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == [*names, "posterior_only"]
    assert len(fig.axes) == 8  # 2 rows x 4 columns, two hidden
    assert [len(ax.patches) for ax in visible] == [2] * 5 + [1]
    styles = {str(p.get_linestyle()) for p in visible[0].patches}
    assert len(styles) == 2


@pytest.mark.parametrize("prefixed", [False, True])
def test_scenarios(prefixed):
    table = pd.DataFrame(
        {
            "scenario": ["Baseline", "No conditions", "Delay"],
            "mean": [0.25, 0.31, 0.12],
            "lo": [0.12, 0.18, 0.05],
            "hi": [0.41, 0.46, 0.22],
            "method": ["MCMC", "reweighting", "MCMC"],
        }
    )
    if prefixed:
        table = table.rename(columns={c: f"p_deal_{c}" for c in ("mean", "lo", "hi")})
    fig = changes.scenarios(table)
    _check_labels(fig)
    ax = fig.axes[0]
    assert len(_errorbars(ax)) == 3
    assert _ytick_texts(ax) == ["Baseline", "No conditions", "Delay"]
    ref = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0.25, 0.25]]
    assert len(ref) == 1
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 2
    assert "P(deal)" in ax.get_xlabel()


def test_scenarios_without_method():
    table = pd.DataFrame({"scenario": ["A", "B"], "mean": [3.0, 4.0], "lo": [2, 3], "hi": [4, 5]})
    fig = changes.scenarios(table, value="cost_musd")
    _check_labels(fig)
    assert not fig.legends
    assert len(_errorbars(fig.axes[0])) == 2


def test_to_png_bytes(decomposition_table):
    fig = plots.decomposition(decomposition_table)
    data = plots.to_png_bytes(fig)
    assert data[:8] == PNG_MAGIC
    assert len(data) > 5_000
    w, h = _png_size(data)
    small = plots.to_png_bytes(fig, dpi=55)
    assert small[:8] == PNG_MAGIC
    assert _png_size(small)[0] < w and _png_size(small)[1] < h


def test_every_figure_renders(decomposition_table, designs):
    months = np.linspace(0, 24, 25)
    curve = {"mean": months / 24, "lo": months / 30, "hi": np.minimum(months / 20, 1)}
    figures = [
        plots.decomposition(decomposition_table),
        plots.timing(months, {"Baseline": curve}, calendar=CALENDAR),
        plots.winset(designs, p_framework=0.7),
        plots.tornado(pd.DataFrame({"input": ["x"], "low": [0.1], "high": [0.3]}), base=0.2),
        plots.indices({"x": 1.0}, title="EVPPI", xlabel="EVPPI (USD)"),
        plots.prior_posterior({"x": np.arange(50.0)}, {"x": np.arange(50.0) / 2}),
        changes.scenarios(decomposition_table.rename(columns={"label": "scenario"})),
    ]
    for fig in figures:
        assert plots.to_png_bytes(fig, dpi=40)[:8] == PNG_MAGIC
