"""The elicitation cache checks what it reads: a bad entry is elicited again, never trusted.

PreliZ is replaced by a stand-in with a known answer (Normal(0, 1) holds 90% in
[-1.645, 1.645]), so these run without importing it.
"""

import json

import pytest
from scipy.stats import norm

import model.case.elicitation as E
from model.errors import InputError

LOW, HIGH, MASS = -1.6448536269514722, 1.6448536269514722, 0.9


@pytest.fixture
def calls(tmp_path, monkeypatch):
    """Elicitations asked of the stand-in; the cache lives in this test's folder."""
    asked = []

    def elicit(dist, lower, upper, mass, *, tails):
        asked.append((dist, lower, upper, mass, tails))
        return {"mu": 0.0, "sigma": 1.0}

    monkeypatch.setattr(E, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(E, "elicit", elicit)
    return asked


def _entry(tmp_path):
    (path,) = (tmp_path / "elicited").glob("*.json")
    return path


def test_an_entry_is_elicited_once_then_read(calls, tmp_path):
    assert E.cached_elicit("Normal", LOW, HIGH, MASS) == {"mu": 0.0, "sigma": 1.0}
    assert E.cached_elicit("Normal", LOW, HIGH, MASS) == {"mu": 0.0, "sigma": 1.0}
    assert len(calls) == 1
    assert json.loads(_entry(tmp_path).read_text())["params"] == {"mu": 0.0, "sigma": 1.0}


@pytest.mark.parametrize(
    "spoil",
    [
        lambda e: e | {"upper": 99.0},  # written for another interval
        lambda e: e | {"params": {"mu": 0.0, "scale": 1.0}},  # not the family's parameters
        lambda e: e | {"params": {"mu": "zero", "sigma": 1.0}},  # not numbers
        lambda e: e | {"params": {"mu": 0.0, "sigma": 3.0}},  # no longer holds the mass
        lambda e: [e],  # not a table
    ],
)
def test_a_bad_entry_is_elicited_again_and_replaced(spoil, calls, tmp_path):
    E.cached_elicit("Normal", LOW, HIGH, MASS)
    path = _entry(tmp_path)
    good = json.loads(path.read_text())
    path.write_text(json.dumps(spoil(good)))
    assert E.cached_elicit("Normal", LOW, HIGH, MASS) == {"mu": 0.0, "sigma": 1.0}
    assert len(calls) == 2
    assert json.loads(path.read_text()) == good


def test_preliz_failing_is_one_line_naming_the_prior(tmp_path, monkeypatch):
    def fails(*args, **kwargs):
        raise ValueError("no solution found\nstack details")

    monkeypatch.setattr(E, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(E, "elicit", fails)
    with pytest.raises(InputError) as info:
        E.cached_elicit("Normal", LOW, HIGH, MASS)
    err = info.value
    assert err.where.startswith("Normal[") and err.key == "elicitation"
    assert err.problem == "PreliZ could not fit it (ValueError: no solution found)"
    assert "widen the interval" in err.fix
    assert not (tmp_path / "elicited").exists()


def test_a_fit_missing_the_mass_is_refused_and_not_cached(tmp_path, monkeypatch):
    monkeypatch.setattr(E, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(E, "elicit", lambda *a, **k: {"mu": 0.0, "sigma": 3.0})
    with pytest.raises(InputError) as info:
        E.cached_elicit("Normal", LOW, HIGH, MASS)
    held = 2 * norm.cdf(HIGH / 3.0) - 1  # what Normal(0, 3) puts in the interval
    assert info.value.problem == f"best fit holds {held:.2f}, not 0.9"
    assert not (tmp_path / "elicited").exists()


def test_the_preliz_version_is_unknown_when_it_is_not_installed(monkeypatch):
    import importlib.metadata

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert E._preliz() == "unknown"
