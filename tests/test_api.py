"""The notebook API: the object a notebook holds gives the numbers the CLI gives."""

import warnings

import numpy as np
import pytest

from model import Case, FitWarning, InputError, Result
from model.analysis.baseline import run_summary


def test_summary_is_run_summary_as_a_frame(small_fit):
    result = Result(small_fit)
    frame = result.summary()
    numbers = run_summary(small_fit)
    for key, label in numbers["labels"].items():
        row = frame.loc[label]
        assert row["mean"] == pytest.approx(numbers[key]["mean"])
        assert row["90% lo"] == pytest.approx(numbers[key]["lo"])
        assert row["90% hi"] == pytest.approx(numbers[key]["hi"])
    assert frame.loc["months to enactment (if willing)", "mean"] == pytest.approx(
        numbers["months_to_enactment"]["mean"]
    )
    assert result.provenance["seed"] == small_fit.settings.seed


def test_whatif_reports_the_route_and_a_change_with_its_error(small_fit):
    result = Result(small_fit)
    same = result.whatif(sets=["params.p_agree.lower=0.45"], name="same p_agree")
    moved = result.whatif(sets=["params.opinion_shift.mu=0.1"], name="opinion +10")
    assert moved.method in ("recompute", "reweight", "refit")
    table = moved.summary()
    deal = table.loc[result.numbers["labels"]["p_deal"]]
    assert deal["change"] < 0, "a more opposed public cannot raise P(deal)"
    assert deal["change mcse"] > 0
    assert np.isfinite(same.summary()["change"]).all()


def test_timing_frame_is_non_decreasing(small_fit):
    timing = Result(small_fit).timing()
    assert (np.diff(timing["P(enacted by t)"].to_numpy()) >= -1e-12).all()
    assert (timing["90% lo"] <= timing["P(enacted by t)"] + 1e-12).all()


def test_sampler_problems_are_warnings(small_fit):
    from dataclasses import replace

    noisy = replace(small_fit, diagnostics=dict(small_fit.diagnostics, problems=["2 divergences"]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Result(noisy)
    texts = [str(w.message) for w in caught if issubclass(w.category, FitWarning)]
    assert any("2 divergences" in t for t in texts)


def test_a_corrupt_cache_is_one_warning_in_a_notebook(
    small_fit, small_settings, private_cache, monkeypatch
):
    import copy

    import model.inference.fit as fit_module

    # the refit returns the small fit's own posterior: this test is about the note, not NUTS
    monkeypatch.setattr(fit_module, "sample", lambda *a, **k: copy.deepcopy(small_fit.tree))
    path = private_cache / "fits" / small_fit.cache_file.name
    path.write_bytes(b"this is not netCDF")
    s = small_settings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Case.load().fit(draws=s.draws, tune=s.tune, chains=s.chains, seed=s.seed)
    notes = [str(w.message) for w in caught if "cache file unreadable" in str(w.message)]
    assert len(notes) == 1 and str(path) in notes[0] and "refitting" in notes[0], notes
    assert all(issubclass(w.category, FitWarning) for w in caught if str(w.message) in notes)
    assert not result.fit.cached


def test_load_refuses_a_misspelt_key_in_one_line(tmp_path):
    with pytest.raises(InputError) as err:
        Case.load(sets=["params.p_agre.mean=0.5"])
    assert "\n" not in str(err.value)
    assert "p_agree" in str(err.value)


def test_case_tables_render(baseline_priors):
    case = Case(baseline_priors)
    table = case.priors_table()
    assert set(table.index) == set(baseline_priors.params)
    assert table["rests on"].map(bool).all()
    assert "<table" in case._repr_html_()


def test_priors_table_shows_each_elicited_interval(baseline_priors):
    table = Case(baseline_priors).priors_table()
    for name, prior in baseline_priors.params.items():
        shown = table.loc[name, "elicited 90% interval"]
        if prior.interval is None:
            assert shown == ""
        else:
            assert shown == f"{prior.interval[0]:g} to {prior.interval[1]:g}"


def test_the_result_gives_what_the_cli_commands_give(small_fit):
    """`evidence_value`, `timeline` and `adjustments` are the functions `evsi`, `timeline` and
    `run` call, on the same posterior, so the numbers agree to the digit."""
    from model.library.prior import adjustment_effect
    from model.studies.plans import load_studies
    from model.studies.value import evsi_payload
    from model.timeline.forecast import case_timeline
    from model.views.payloads import to_json

    result = Result(small_fit)
    ours = result.evidence_value(seed=3)
    theirs = evsi_payload(small_fit, load_studies(None, small_fit.priors.components), seed=3)
    assert [c["study"]["name"] for c in ours["curves"]] == [
        c["study"]["name"] for c in theirs["curves"]
    ]
    assert [c["at_n"]["evsi_p_deal"] for c in ours["curves"]] == [
        c["at_n"]["evsi_p_deal"] for c in theirs["curves"]
    ]
    assert to_json(result.timeline(step=3.0)) == to_json(case_timeline(small_fit, step=3.0))
    assert to_json(result.adjustments()) == to_json(adjustment_effect(small_fit))


def test_the_panel_is_built_on_the_same_posterior(small_fit, tmp_path):
    pytest.importorskip("panel")
    panel = Result(small_fit).panel(user_dir=tmp_path)
    assert panel.base is small_fit
