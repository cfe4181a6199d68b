"""Fitting: reproducibility, the cache, and diagnostics."""

import numpy as np
import pytest

from model.errors import FitWarning
from model.inference.fit import fit


def test_same_seed_same_numbers(small_fit, baseline_priors, small_settings):
    # a fresh fit (no cache read or written) against the session's small fit, which the first
    # run of the suite fitted and later runs read back: the same seed gives the same draws, and
    # the cache holds exactly what a fresh fit gives
    again = fit(baseline_priors, settings=small_settings, cache=False)
    assert not again.cached and again.cache_file is None
    assert set(again.draws) == set(small_fit.draws)
    for name, values in small_fit.draws.items():
        np.testing.assert_array_equal(values, again.draws[name])
    assert again.diagnostics == small_fit.diagnostics


def test_cached_fit_is_reused_and_identical(small_fit, baseline_priors, small_settings):
    again = fit(baseline_priors, settings=small_settings)
    assert again.cached
    np.testing.assert_array_equal(again.draws["p_agree"], small_fit.draws["p_agree"])


@pytest.mark.slow
def test_different_seed_agrees_within_monte_carlo_error(small_fit, baseline_priors, small_settings):
    from dataclasses import replace

    from model.analysis.outcomes import evaluate

    other = fit(baseline_priors, settings=replace(small_settings, seed=7), cache=False)
    a = evaluate(small_fit.draws, baseline_priors, small_fit.evidence)["p_deal"]
    b = evaluate(other.draws, baseline_priors, other.evidence)["p_deal"]
    assert not np.array_equal(a, b)
    se = np.sqrt(a.var() / len(a) + b.var() / len(b))
    assert abs(a.mean() - b.mean()) < 4 * se


def test_corrupt_cache_is_reported_and_refitted(
    small_fit, baseline_priors, small_settings, private_cache, monkeypatch, capsys
):
    _quick_refit(monkeypatch, small_fit)
    path = _private_file(small_fit, private_cache)
    path.write_bytes(b"this is not netCDF")
    with pytest.warns(FitWarning) as caught:
        again = fit(baseline_priors, settings=small_settings)
    assert not again.cached
    assert capsys.readouterr().err == "", "fit() must not print; the CLI prints its notes"
    assert any("cache file unreadable" in n and "refitting" in n for n in again.notes)
    # a notebook sees the note: one warning per note, naming the file, at the caller of fit()
    assert [str(w.message) for w in caught] == again.notes
    assert str(path) in again.notes[0] and caught[0].filename == __file__
    np.testing.assert_array_equal(again.draws["p_agree"], small_fit.draws["p_agree"])
    assert fit(baseline_priors, settings=small_settings).cached


def test_diagnostics_are_reported(small_fit):
    d = small_fit.diagnostics
    assert {"r_hat_max", "ess_bulk_min", "divergences", "problems", "ok"} <= set(d)
    assert d["r_hat_max"] < 1.05


def test_cached_fit_keeps_the_diagnostics_it_was_fitted_with(
    small_fit, baseline_priors, small_settings
):
    again = fit(baseline_priors, settings=small_settings)
    assert again.cached
    assert again.diagnostics == small_fit.diagnostics


def _private_file(small_fit, folder):
    """The test's own copy of the small fit's cache file (``private_cache``)."""
    path = folder / "fits" / small_fit.cache_file.name
    assert path.is_file() and path != small_fit.cache_file
    return path


def _rewrite_cache(small_fit, folder, change):
    from model.inference.cache import read_posterior, write_posterior

    path = _private_file(small_fit, folder)
    key = path.stem
    tree, diagnostics = read_posterior(path, key)
    write_posterior(change(tree), path, key, diagnostics)


def _quick_refit(monkeypatch, small_fit):
    """Refits return the small fit's own posterior (these tests are about the cache, not NUTS)."""
    import copy

    import model.inference.fit as fit_module

    monkeypatch.setattr(fit_module, "sample", lambda *a, **k: copy.deepcopy(small_fit.tree))


def _check_refitted(small_fit, baseline_priors, small_settings, words):
    with pytest.warns(FitWarning, match="cache file unreadable"):
        again = fit(baseline_priors, settings=small_settings)
    assert not again.cached
    notes = [n for n in again.notes if "cache file unreadable" in n]
    assert len(notes) == 1 and "\n" not in notes[0] and words in notes[0], again.notes
    np.testing.assert_array_equal(again.draws["p_agree"], small_fit.draws["p_agree"])
    assert fit(baseline_priors, settings=small_settings).cached


def test_cache_file_missing_a_variable_is_reported_and_refitted(
    small_fit, baseline_priors, small_settings, private_cache, monkeypatch
):
    _quick_refit(monkeypatch, small_fit)

    def drop(tree):
        tree["posterior"] = tree["posterior"].to_dataset().drop_vars("gov_will")
        return tree

    _rewrite_cache(small_fit, private_cache, drop)
    _check_refitted(small_fit, baseline_priors, small_settings, "lacks gov_will")


def test_cache_file_with_the_wrong_shape_is_reported_and_refitted(
    small_fit, baseline_priors, small_settings, private_cache, monkeypatch
):
    _quick_refit(monkeypatch, small_fit)

    def shorten(tree):
        tree["posterior"] = tree["posterior"].to_dataset().isel(draw=slice(0, 10))
        return tree

    _rewrite_cache(small_fit, private_cache, shorten)
    _check_refitted(small_fit, baseline_priors, small_settings, "holds 20 draws, not 800")


def test_unusable_cache_folder_warns_and_keeps_the_fit(
    small_fit, baseline_priors, small_settings, tmp_path, monkeypatch
):
    import model.inference.fit as fit_module

    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(fit_module, "CACHE_DIR", blocker)
    _quick_refit(monkeypatch, small_fit)
    with pytest.warns(FitWarning, match="cannot write the cache"):
        again = fit(baseline_priors, settings=small_settings)
    assert not again.cached and again.cache_file is None
    assert any("cannot write the cache" in n and "going on without it" in n for n in again.notes)
    np.testing.assert_array_equal(again.draws["p_agree"], small_fit.draws["p_agree"])
