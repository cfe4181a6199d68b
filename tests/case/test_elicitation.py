"""The elicitation cache: an entry per spec and PreliZ version, checked on load, parallel-safe."""

import json
import multiprocessing

import pytest

import model.case.elicitation as el


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(el, "CACHE_DIR", tmp_path)
    return tmp_path / "elicited"


def test_entry_is_keyed_by_spec_and_preliz_version(cache):
    value = el.cached_elicit("Beta", 0.4, 0.85, 0.9)
    assert value["alpha"] == pytest.approx(7.1, abs=0.05)
    (entry,) = cache.glob("*.json")
    stored = json.loads(entry.read_text())
    assert stored["preliz"] == el._preliz() and stored["preliz"] != "unknown"
    assert (stored["dist"], stored["lower"], stored["upper"], stored["mass"]) == (
        "Beta",
        0.4,
        0.85,
        0.9,
    )
    assert not list(cache.glob("*.tmp"))


def test_a_wrong_entry_is_not_trusted(cache):
    right = el.cached_elicit("Beta", 0.45, 0.9, 0.9)
    (entry,) = cache.glob("*.json")
    stored = json.loads(entry.read_text())
    stored["params"] = {"alpha": 50.0, "beta": 1.0}  # P(framework) near 0.98: silently wrong
    entry.write_text(json.dumps(stored))
    again = el.cached_elicit("Beta", 0.45, 0.9, 0.9)
    assert again == pytest.approx(right)
    assert el.interval_mass("Beta", again, 0.45, 0.9) == pytest.approx(0.9, abs=0.02)


def test_corrupt_entry_is_rebuilt(cache):
    el.cached_elicit("Gamma", 6.0, 13.0, 0.9)
    (entry,) = cache.glob("*.json")
    entry.write_text("{not json")
    value = el.cached_elicit("Gamma", 6.0, 13.0, 0.9)
    assert el.interval_mass("Gamma", value, 6.0, 13.0) == pytest.approx(0.9, abs=0.02)
    assert json.loads(entry.read_text())["params"] == value


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setattr(el, "CACHE_DIR", blocker)
    value = el.cached_elicit("Normal", -1.5, 1.5, 0.9)
    assert value["sigma"] == pytest.approx(0.912, abs=0.01)


def _worker(args):
    folder, i, solved = args
    el.CACHE_DIR = folder
    # PreliZ's answers, found once by the parent: the children race on the cache files only,
    # without each importing PreliZ (seconds per process)
    el.elicit = lambda dist, lower, upper, mass, tails: solved[lower]
    return el.cached_elicit("Beta", LOWERS[i % len(LOWERS)], 0.8, 0.9)


LOWERS = [round(0.2 + 0.01 * k, 2) for k in range(6)]


def test_concurrent_processes_neither_crash_nor_lose_entries(tmp_path):
    solved = {lower: el.elicit("Beta", lower, 0.8, 0.9) for lower in LOWERS}
    jobs = [(tmp_path, i, solved) for i in range(24)]
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        results = pool.map(_worker, jobs)
    assert results == [solved[LOWERS[i % len(LOWERS)]] for i in range(24)]
    assert len(list((tmp_path / "elicited").glob("*.json"))) == len(LOWERS)
    assert not list((tmp_path / "elicited").glob("*.tmp"))
