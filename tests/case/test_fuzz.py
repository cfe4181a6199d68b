"""Fuzz of every input the tool reads, through the real CLI and the loaders.

Property-based (Hypothesis) parts: ``feasibility run --json`` on a mutated priors file, a
generated scenario file or generated ``--set`` items must end in exactly one of two ways: exit 0
with finite numbers in strict JSON, or exit 2 with one ``error:`` line (NUTS is replaced by draws
from the priors, so a case costs milliseconds). The loaders of the case library, the calendar and
poll, the pooled-prior JSON and ``diff``'s inputs, and the report folder's publishing, get
mutated files and must either refuse them with one `InputError` or return what their rules
promise (no date after today, an election after the as-of date, finite outputs, every user file
kept). The adversarial cases of `tests.case.fuzz_cases` (special files, report folders with the
user's files, bounds, stdout, environment) run a few per class here and all under ``slow``.

Each test checks its own counts (any order, ``-k``, in parallel); they are also added to the
session's counts printed at the end of the run (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import signal
import tomllib
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import model.inference.fit as fit_module
from model.cli.main import main
from model.constants import DATA_DIR, PRIORS_FILE, ROOT
from model.errors import InputError
from model.inference.prior_draws import prior_draws
from tests.case import fuzz_cases

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


def _judge(counts: Counter, argv) -> None:
    code, out, err, exc = _run(argv)
    counts["tried"] += 1
    if code == 2 and err.count("\n") == 1 and err.startswith("error: ") and not out:
        counts["refused"] += 1
        return
    if code == 0:
        payload = json.loads(out, parse_constant=_reject_constant)
        parts = [payload[k][p] for k in ("p_deal", "p_enacted") for p in ("mean", "lo", "hi")]
        if all(isinstance(v, float) and 0 <= v <= 1 for v in parts):
            counts["ok"] += 1
            return
    counts["tracebacks"] += 1
    raise AssertionError(f"{argv}: exit {code}, {exc!r}\n{err[-2000:]}")


def _settle(fuzz_counts, counts: Counter, *, at_least: int) -> None:
    """This test's own verdict (independent of any other test), then the session's summary."""
    for key, n in counts.items():
        fuzz_counts[key] = fuzz_counts.get(key, 0) + n
    assert counts["tracebacks"] == 0
    assert counts["tried"] >= at_least
    assert counts["ok"] + counts["refused"] == counts["tried"]


def sized(n: int):
    """Hypothesis settings for ``n`` examples, reproducible (derandomized)."""
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


GRAMMAR = pytest.mark.parametrize(
    "n", [pytest.param(4, id="few"), pytest.param(60, id="full", marks=pytest.mark.slow)]
)
"""The priors, scenario and --set grammar: a few examples in ``make test``, all in test-slow."""
LOADERS = pytest.mark.parametrize(
    "n", [pytest.param(25, id="few"), pytest.param(200, id="full", marks=pytest.mark.slow)]
)
"""The loaders (no fit, milliseconds each): more examples, and many more under ``slow``."""


@GRAMMAR
def test_fuzz_priors_file(n, fuzz_env, fuzz_counts):
    counts = Counter()

    @sized(n)
    @given(mutations)
    def one(muts):
        raw = json.loads(json.dumps(BASE, default=str))
        raw["case"]["as_of"] = BASE["case"]["as_of"]
        raw["evidence"]["dir"] = str(DATA_DIR)
        for path, value in muts:
            if path[0] in ("question", "source", "changes_evidence", "bogus") or path == (
                "params",
            ):
                path = ("case", "description")
            _put(raw, path, value)
        target = fuzz_env / "priors.toml"
        target.write_text(tomli_w.dumps(raw), encoding="utf-8")
        _judge(counts, ["run", "--priors", str(target), *SMALL])

    one()
    _settle(fuzz_counts, counts, at_least=n // 2)


@GRAMMAR
def test_fuzz_scenario_file(n, fuzz_env, fuzz_counts):
    counts = Counter()

    @sized(n)
    @given(mutations)
    def one(muts):
        over = {"question": "fuzz", "source": "fuzz"}
        for path, value in muts:
            _put(over, path, value)
        target = fuzz_env / "scenario.toml"
        target.write_text(tomli_w.dumps(over), encoding="utf-8")
        _judge(counts, ["run", "--scenario", str(target), *SMALL])

    one()
    _settle(fuzz_counts, counts, at_least=n // 2)


@GRAMMAR
def test_fuzz_set_items(n, fuzz_env, fuzz_counts):
    counts = Counter()

    @sized(n)
    @given(mutations)
    def one(muts):
        sets, seen = [], set()
        for path, value in muts:
            key = ".".join(path)
            if key not in seen:  # a repeated key is refused on its own (test below)
                seen.add(key)
                sets += ["--set", key + "=" + _set_text(value)]
        _judge(counts, ["run", *sets, *SMALL])

    one()
    _settle(fuzz_counts, counts, at_least=n // 2)


# ---- the loaders of the new classes: mutated files refused in one line, or their rules hold ---

TODAY = date.today()
CELLS = st.one_of(
    st.sampled_from(["", "0", "1", "2", "-1", "nan", "inf", "1e308", "yes", "UNVERIFIED: x"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from([TODAY + timedelta(days=1), TODAY, date(2007, 8, 15)]).map(date.isoformat),
    st.text(max_size=6),
)


def _csv_rows(path: Path) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows) -> None:
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _refused_or(counts: Counter, call, check) -> None:
    """Run ``call``: an `InputError` of one line counts as refused; else ``check(result)``."""
    counts["tried"] += 1
    try:
        result = call()
    except InputError as exc:
        assert "\n" not in exc.line()
        counts["refused"] += 1
        return
    except Exception as exc:
        counts["tracebacks"] += 1
        raise AssertionError(f"not one line: {exc!r}") from exc
    check(result)
    counts["ok"] += 1


@pytest.fixture
def data_copy(tmp_path):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


@LOADERS
def test_fuzz_case_files(n, data_copy, fuzz_counts):
    """A mutated case-library cell: refused, or the library keeps the date rules."""
    from model.library.cases import load_cases

    rows = _csv_rows(DATA_DIR / "cases.csv")
    columns = [c for c in rows[0] if not c.endswith("_src") and c not in ("notes", "id")]
    counts = Counter()

    def rules(library):
        for case in library.cases.to_dict(orient="records"):
            for col in ("as_of", "request_date", "enacted_date", "us_end_date", "accepted_date"):
                assert case[col] is None or case[col] <= TODAY, (col, case[col])
            for col in ("enacted_date", "us_end_date", "accepted_date"):
                assert case[col] is None or case[col] >= case["as_of"], (col, case[col])
            assert case["next_election"] > case["as_of"]

    @sized(n)
    @given(
        st.lists(
            st.tuples(st.integers(1, len(rows) - 1), st.sampled_from(columns), CELLS),
            min_size=1,
            max_size=3,
        )
    )
    def one(edits):
        mutated = [list(r) for r in rows]
        for row, col, value in edits:
            mutated[row][rows[0].index(col)] = value
        _write_rows(data_copy / "cases.csv", mutated)
        _refused_or(counts, lambda: load_cases(data_copy / "cases.csv"), rules)

    one()
    _settle(fuzz_counts, counts, at_least=n // 3)


@LOADERS
def test_fuzz_calendar_and_poll(n, data_copy, fuzz_counts):
    """A mutated calendar or poll cell: refused, or one election after the as-of date, before
    the lame-duck end, and only known poll readings."""
    from model.case.dates import POLL_READINGS
    from model.case.evidence import load_evidence

    files = {name: _csv_rows(DATA_DIR / name) for name in ("calendar.csv", "poll.csv")}
    as_of = date(2007, 8, 15)
    counts = Counter()

    def rules(ev):
        roles = list(ev.calendar["role"])
        assert roles.count("election") <= 1 and roles.count("lame_duck_end") <= 1
        if "election" in roles:
            assert ev.months("election") > 0
            if "lame_duck_end" in roles:
                assert ev.months("lame_duck_end") > ev.months("election")
        assert set(ev.poll["reading"]) <= set(POLL_READINGS)

    @sized(n)
    @given(
        st.sampled_from(sorted(files)),
        st.lists(st.tuples(st.integers(1, 8), st.integers(0, 5), CELLS), min_size=1, max_size=2),
        st.booleans(),
    )
    def one(name, edits, duplicate):
        rows = [list(r) for r in files[name]]
        if duplicate:
            rows.append(list(rows[-1]))
        for row, col, value in edits:
            rows[min(row, len(rows) - 1)][col % len(rows[0])] = value
        _write_rows(data_copy / name, rows)
        _refused_or(
            counts, lambda: load_evidence(data_copy, as_of=as_of, poll_reading="both"), rules
        )
        _write_rows(data_copy / name, files[name])

    one()
    _settle(fuzz_counts, counts, at_least=n // 3)


@LOADERS
def test_fuzz_pooled_json(n, tmp_path, fuzz_counts):
    """A mutated pooled-prior file: refused, or every parameter known and in its bounds."""
    from model.case.schema import CORE_PARAMS
    from model.constants import PARAM_BOUNDS
    from model.library.prior_file import read_pooled

    base = json.loads((DATA_DIR / "pooled_prior.json").read_text(encoding="utf-8"))
    base["cases_file"] = str(DATA_DIR / "cases.csv")
    names = sorted(base["params"])
    counts = Counter()

    def rules(blob):
        for name, entry in blob["params"].items():
            assert name in CORE_PARAMS
            for k, v in entry["params"].items():
                assert PARAM_BOUNDS[k][0] <= v <= PARAM_BOUNDS[k][1]

    values = st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([-1.0, 0.0, 1e-9, 1e308, "1", None, [], {}]),
    )

    @sized(n)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from([*names, "made_up"]),
                st.sampled_from(["mu", "sigma", "alpha", "beta", "scale", "dist"]),
                values,
            ),
            min_size=1,
            max_size=2,
        )
    )
    def one(edits):
        blob = json.loads(json.dumps(base))
        for name, key, value in edits:
            entry = blob["params"].setdefault(name, {"dist": "Normal", "params": {}})
            if key == "dist":
                entry["dist"] = value
            else:
                entry["params"][key] = value
        (tmp_path / "pooled.json").write_text(json.dumps(blob), encoding="utf-8")
        evidence = {"pooled": str(tmp_path / "pooled.json")}
        _refused_or(
            counts, lambda: read_pooled("priors.toml", tmp_path, evidence, date(2007, 8, 15)), rules
        )

    one()
    _settle(fuzz_counts, counts, at_least=n // 3)


@LOADERS
def test_fuzz_diff_inputs(n, tmp_path, fuzz_counts):
    """A mutated ``run --json`` record: refused, or every output a finite number."""
    from model.report.diff import load_run

    record = {
        "p_deal": {"mean": 0.3, "lo": 0.1, "hi": 0.5},
        "p_enacted": {"mean": 0.4, "lo": 0.2, "hi": 0.6},
        "provenance": {"seed": 1, "priors_hash": "x", "sampler": {"draws": 100}},
        "priors": {"p_agree": "Beta(2, 2)"},
    }
    counts = Counter()

    def rules(side):
        for values in side["outputs"].values():
            assert all(math.isfinite(values[k]) for k in ("mean", "lo", "hi"))

    leaf = st.one_of(
        st.floats(), st.sampled_from(["0.3", None, [], {}, True, 1e308]), st.text(max_size=4)
    )

    @sized(n)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["p_deal", "p_enacted", "provenance", "priors"]),
                st.sampled_from(["mean", "lo", "hi", None]),
                leaf,
            ),
            min_size=1,
            max_size=2,
        ),
        st.sampled_from(["json", "truncated", "list"]),
    )
    def one(edits, form):
        data = json.loads(json.dumps(record))
        for top, key, value in edits:
            if key is None or not isinstance(data.get(top), dict):
                data[top] = value
            else:
                data[top][key] = value
        text = json.dumps(data)
        text = {"json": text, "truncated": text[: len(text) // 2], "list": f"[{text}]"}[form]
        (tmp_path / "run.json").write_text(text, encoding="utf-8")
        _refused_or(counts, lambda: load_run(tmp_path / "run.json"), rules)

    one()
    _settle(fuzz_counts, counts, at_least=n // 3)


USER_NAMES = [
    "feasibility.md",
    "feasibility.html",
    "figures/my_plot.svg",
    "tables/my_analysis.csv",
    ".current.bak",
    ".tmp-draft.md",
    "notes.txt",
    ".versions/mine.txt",
    "notebooks/n.ipynb",
]


@LOADERS
def test_fuzz_report_folders_with_user_files(n, tmp_path, fuzz_counts):
    """Any set of user files in or beside a report: refused, or published with all of them kept."""
    from model.report.publish import check_out, clean_stale, locked, new_version, publish

    counts = Counter()
    runs = iter(range(10**6))

    @sized(n)
    @given(st.lists(st.sampled_from(USER_NAMES), max_size=3, unique=True), st.booleans())
    def one(names, earlier):
        out = tmp_path / f"out{next(runs)}"
        out.mkdir()
        if earlier:
            fuzz_cases._report_layout(out)
        mine = {}
        for rel in names:
            target = out / rel
            if target.parent.is_symlink() or (
                earlier and rel.split("/")[0] in ("tables", "figures")
            ):
                target = out / ".current" / rel  # written through the report's link
            if target.exists() or target.is_symlink():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"mine: {rel}")
            mine[target.resolve()] = f"mine: {rel}"

        def run():
            check_out(out)
            with locked(out, wait=0):
                clean_stale(out)
                version = new_version(out)
                (version / "feasibility.html").write_text("new")
                publish(out, version)
            return out

        def rules(folder):
            assert (folder / "feasibility.html").read_text() == "new"

        _refused_or(counts, run, rules)
        for path, text in mine.items():
            assert path.read_text() == text, f"{path} changed or vanished"

    one()
    _settle(fuzz_counts, counts, at_least=n // 3)


# ---- the adversarial cases (special files, bounds, stdout, environment...) ----------------------


class _FullStdout(io.StringIO):
    def write(self, text):
        raise OSError(28, "No space left on device")


def _in_process(case, tmp: Path, monkeypatch) -> str:
    """Run a fast adversarial case in this process (a 30 s alarm turns a hang into a failure)."""
    case.setup and case.setup(tmp, ROOT)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    err = io.StringIO()
    out = (
        None
        if case.stdout == "closed"
        else (_FullStdout() if case.stdout == "full" else io.StringIO())
    )
    out_dir = tmp / "out"
    kept = case.keep(out_dir) if case.keep else {}
    previous = signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError()))
    signal.alarm(30)
    try:
        with contextlib.redirect_stderr(err):
            monkeypatch.setattr("sys.stdout", out)
            try:
                code = main(case.argv(tmp, ROOT))
            except TimeoutError:
                return "hang"
            finally:
                monkeypatch.undo()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    for rel, text in kept.items():
        if fuzz_cases._read(out_dir / rel) != text:
            return "data_loss"
    return fuzz_cases._classify(case, code, err.getvalue(), False)


FAST = [c for c in fuzz_cases.CASES if c.fast]


@pytest.mark.parametrize("case", FAST, ids=[c.name for c in FAST])
def test_adversarial_case_fast(case, tmp_path, monkeypatch, fuzz_counts, fuzz_env):
    outcome = _in_process(case, tmp_path, monkeypatch)
    fuzz_counts["tried"] = fuzz_counts.get("tried", 0) + 1
    key = {"refused": "refused", "accepted": "ok"}.get(outcome, "tracebacks")
    fuzz_counts[key] = fuzz_counts.get(key, 0) + 1
    assert outcome == ("accepted" if case.expect == "accept" else "refused"), case.name


@pytest.mark.slow
@pytest.mark.parametrize("case", fuzz_cases.CASES, ids=[c.name for c in fuzz_cases.CASES])
def test_adversarial_case_full(case, tmp_path_factory):
    """Every case through a real ``feasibility`` process, with its timeout."""
    cache = os.environ.get("FEASIBILITY_CACHE") or str(tmp_path_factory.mktemp("cache"))
    result = fuzz_cases.run_case(case, ROOT, cache=cache)
    assert result.outcome in ("refused", "accepted"), result
