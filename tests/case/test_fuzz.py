"""Schema-based fuzz of the priors, scenario and ``--set`` grammar through the real CLI.

Each case runs ``feasibility run --json`` on a mutated priors file, a generated scenario file or
generated ``--set`` items, and must end in exactly one of two ways: exit 0 with finite numbers in
strict JSON, or exit 2 with one ``error:`` line. Anything else (a traceback, the one-line internal
error of exit 1, NaN in the output) fails. NUTS is replaced by draws from the priors, so a case
costs milliseconds, not a fit; the counts are printed at the end of the run (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tomllib
from datetime import date, datetime

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import model.inference.fit as fit_module
from model.cli import main
from model.constants import DATA_DIR, PRIORS_FILE
from model.inference.prior_draws import prior_draws

pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

BASE = tomllib.loads(PRIORS_FILE.read_text(encoding="utf-8"))
PARAMS = sorted(BASE["params"])
LEVERS = sorted(BASE["levers"])
PARAM_KEYS = ["dist", "mu", "sigma", "alpha", "beta", "lower", "upper", "mass", "source", "x"]
SMALL = ["--draws", "100", "--tune", "1", "--chains", "2", "--no-cache", "--json"]


def fake_sample(priors, evidence, settings, *, progress=False):
    """Independent prior draws shaped like a posterior (the fuzz tests inputs, not NUTS)."""
    import xarray as xr

    shape = (settings.chains, settings.draws)
    rng = np.random.default_rng(settings.seed)
    draws = prior_draws(priors, size=shape[0] * shape[1], rng=rng)
    post = xr.Dataset({n: (("chain", "draw"), v.reshape(shape)) for n, v in draws.items()})
    stats = xr.Dataset({"diverging": (("chain", "draw"), np.zeros(shape, dtype=bool))})
    return xr.DataTree.from_dict({"posterior": post, "sample_stats": stats})


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-3, max_value=3),
    st.floats(min_value=0.001, max_value=0.999),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0, 1, -1, 1e308, -1e308, 1e-300, 0.45, 0.45000000001, 5000.0]),
)
scalars = st.one_of(
    numbers,
    st.booleans(),
    st.text(max_size=8),
    st.sampled_from(["Beta", "Normal", "LogNormal", "Gamma", "HalfNormal", "none", "on"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "mu", "on"]), inner)
    ),
    max_leaves=4,
)
keys = st.one_of(
    st.tuples(st.just("params"), st.sampled_from(PARAMS), st.sampled_from(PARAM_KEYS)),
    st.tuples(
        st.just("case"),
        st.sampled_from(["as_of", "components", "name", "design_label", "description"]),
    ),
    st.tuples(st.just("evidence"), st.sampled_from(["dir", "poll_reading"])),
    st.tuples(st.just("design"), st.sampled_from(LEVERS)),
    st.tuples(
        st.just("levers"),
        st.sampled_from(["military", "timing"]),
        st.just("levels"),
        st.sampled_from(["none", "after_summit", "advisers"]),
        st.sampled_from(["label", "us", "components", "request_not_before"]),
    ),
    st.tuples(st.sampled_from(["params", "question", "source", "changes_evidence", "bogus"])),
)
NUMERIC = [
    (name, key, value)
    for name, spec in BASE["params"].items()
    for key, value in spec.items()
    if isinstance(value, float | int) and not isinstance(value, bool)
]


@st.composite
def plausible(draw):
    """A numeric key the baseline already has, set near its value (often valid, sometimes not)."""
    name, key, value = draw(st.sampled_from(NUMERIC))
    factor = draw(st.sampled_from([0.5, 0.9, 1.0, 1.1, 2.0, -1.0]))
    return ("params", name, key), float(value) * factor


mutations = st.lists(
    st.one_of(plausible(), st.tuples(keys, values), plausible()), min_size=1, max_size=3
)


def _put(tree: dict, path: tuple, value) -> None:
    node = tree
    for k in path[:-1]:
        if not isinstance(node.get(k), dict):
            node[k] = {}
        node = node[k]
    node[path[-1]] = value


def _set_text(value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    try:
        return tomli_w.dumps({"v": value})[4:].strip()
    except (TypeError, ValueError):
        return str(value)


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fit_module, "sample", fake_sample)
        yield tmp_path_factory.mktemp("fuzz")


def _run(argv) -> tuple[int | None, str, str, BaseException | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except BaseException as exc:
        return None, out.getvalue(), err.getvalue(), exc
    return code, out.getvalue(), err.getvalue(), None


def _reject_constant(name):
    raise ValueError(f"not strict JSON: {name}")


def _judge(fuzz_counts, argv) -> None:
    code, out, err, exc = _run(argv)
    fuzz_counts["tried"] = fuzz_counts.get("tried", 0) + 1
    if code == 2 and err.count("\n") == 1 and err.startswith("error: ") and not out:
        fuzz_counts["refused"] = fuzz_counts.get("refused", 0) + 1
        return
    if code == 0:
        payload = json.loads(out, parse_constant=_reject_constant)
        parts = [payload[k][p] for k in ("p_deal", "p_enacted") for p in ("mean", "lo", "hi")]
        if all(isinstance(v, float) and 0 <= v <= 1 for v in parts):
            fuzz_counts["ok"] = fuzz_counts.get("ok", 0) + 1
            return
    fuzz_counts["tracebacks"] = fuzz_counts.get("tracebacks", 0) + 1
    raise AssertionError(f"{argv}: exit {code}, {exc!r}\n{err[-2000:]}")


FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(mutations)
def test_fuzz_priors_file(fuzz_env, fuzz_counts, muts):
    raw = json.loads(json.dumps(BASE, default=str))
    raw["case"]["as_of"] = BASE["case"]["as_of"]
    raw["evidence"]["dir"] = str(DATA_DIR)
    for path, value in muts:
        if path[0] in ("question", "source", "changes_evidence", "bogus") or path == ("params",):
            path = ("case", "description")
        _put(raw, path, value)
    target = fuzz_env / "priors.toml"
    target.write_text(tomli_w.dumps(raw), encoding="utf-8")
    _judge(fuzz_counts, ["run", "--priors", str(target), *SMALL])


@FUZZ
@given(mutations)
def test_fuzz_scenario_file(fuzz_env, fuzz_counts, muts):
    over = {"question": "fuzz", "source": "fuzz"}
    for path, value in muts:
        _put(over, path, value)
    target = fuzz_env / "scenario.toml"
    target.write_text(tomli_w.dumps(over), encoding="utf-8")
    _judge(fuzz_counts, ["run", "--scenario", str(target), *SMALL])


@FUZZ
@given(mutations)
def test_fuzz_set_items(fuzz_counts, fuzz_env, muts):
    sets = []
    for path, value in muts:
        sets += ["--set", ".".join(path) + "=" + _set_text(value)]
    _judge(fuzz_counts, ["run", *sets, *SMALL])


def test_fuzz_never_hit_a_traceback(fuzz_counts):
    """Runs after the three fuzz tests in this file: the counts they leave must be clean."""
    assert fuzz_counts.get("tried", 0) >= 3 * 60
    assert fuzz_counts.get("tracebacks", 0) == 0
    assert fuzz_counts["ok"] + fuzz_counts["refused"] == fuzz_counts["tried"]
