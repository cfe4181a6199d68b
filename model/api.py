"""The notebook API: one object per question, as bambi and CausalPy give.

::

    from model import Case

    case = Case.load()                      # priors/baseline.toml, validated
    result = case.fit(draws=1000, seed=1)   # NUTS, or the cached posterior
    result.summary()                        # a DataFrame: P(deal) and its parts, 90% intervals
    result.whatif(sets=["params.opinion_shift.mu=0.1"]).summary()
    result.designs(); result.sensitivity(); result.timing(); result.report(out="reports")
    result.evidence_value(); result.timeline(); result.adjustments(); result.panel()
    case.backtest(workers=2)                # the rolling-origin backtest of the case library

Every method calls the same functions the CLI and the panel call, so a number in a notebook is
the number ``feasibility run`` prints for the same inputs and seed. Cache and sampler notes are
issued as warnings (`FitWarning`), which a notebook shows under the cell.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from model.constants import CI_MASS, PRIORS_FILE
from model.errors import FitWarning as FitWarning  # re-exported: model.FitWarning

CI_PCT = f"{CI_MASS:.0%}"


def _interval_frame(rows: dict[str, dict], labels: dict[str, str] | None = None) -> pd.DataFrame:
    labels = labels or {}
    frame = pd.DataFrame(
        [
            {
                "quantity": labels.get(key, key),
                "mean": row["mean"],
                f"{CI_PCT} lo": row["lo"],
                f"{CI_PCT} hi": row["hi"],
                **({"mcse": row["mcse"]} if "mcse" in row else {}),
            }
            for key, row in rows.items()
        ]
    )
    return frame.set_index("quantity")


def _warn(fit, *, what: str = "fit") -> None:
    """Issue a fit's sampler problems as `FitWarning`s (its cache notes were warned by `fit`)."""
    for problem in fit.diagnostics.get("problems", []):
        warnings.warn(f"{what}: sampler problem: {problem}", FitWarning, stacklevel=2)


@dataclass
class Case:
    """A case to analyse: its priors (with any scenario applied) and its evidence.

    Build it with `Case.load`; `fit` returns a `Result`.
    """

    priors: Any

    @classmethod
    def load(
        cls,
        path: str | Path = PRIORS_FILE,
        *,
        scenarios: list[str | Path] | None = None,
        sets: list[str] | None = None,
        overrides: dict | None = None,
    ) -> Case:
        """Load and validate a priors file, with optional scenarios and ``--set`` items.

        Parameters
        ----------
        path : str or Path
            The priors file (default ``priors/baseline.toml``).
        scenarios : list of path, optional
            Scenario overlays applied in order.
        sets : list of str, optional
            ``KEY=VALUE`` items, as given to ``--set``.
        overrides : dict, optional
            A nested overlay in Python, shaped like a scenario file.

        Returns
        -------
        Case

        Raises
        ------
        model.errors.InputError
            A one-line message naming the file, the key and the fix.
        """
        from model.case.priors import load_priors

        return cls(load_priors(path, scenarios=scenarios, sets=sets, overrides=overrides))

    @property
    def label(self) -> str:
        """The case's name, from its priors file."""
        return self.priors.label

    @property
    def evidence(self) -> Any:
        """The case's evidence (poll, reference class, calendar) at its as-of date."""
        from model.inference.fit import evidence_for

        return evidence_for(self.priors)

    def priors_table(self) -> pd.DataFrame:
        """Every prior: its distribution, whether data update it, and what it rests on."""
        from model.inference.fit import evidence_for
        from model.inference.pymc_model import data_params

        informed = data_params(self.priors, evidence_for(self.priors))
        return pd.DataFrame(
            [
                {
                    "parameter": p.name,
                    "prior": p.describe(),
                    "elicited 90% interval": ""
                    if p.interval is None
                    else f"{p.interval[0]:g} to {p.interval[1]:g}",
                    "updated by data": p.name in informed,
                    "rests on": p.source,
                }
                for p in self.priors.params.values()
            ]
        ).set_index("parameter")

    def fit(
        self,
        *,
        draws: int | None = None,
        tune: int | None = None,
        chains: int | None = None,
        seed: int | None = None,
        cache: bool = True,
    ) -> Result:
        """Sample the posterior with NUTS (or load it from the cache).

        Parameters
        ----------
        draws, tune, chains, seed : int, optional
            Sampler settings; each defaults to `model.constants`.
        cache : bool
            Reuse and store the posterior under the cache folder.

        Returns
        -------
        Result
        """
        from model.inference.fit import fit
        from model.inference.settings import Settings

        given = {"draws": draws, "tune": tune, "chains": chains, "seed": seed}
        settings = Settings(**{k: v for k, v in given.items() if v is not None})
        return Result(fit(self.priors, settings=settings, cache=cache))

    def backtest(self, *, workers: int = 1, since=None, **options) -> Any:
        """The rolling-origin backtest of the case library the priors file points to.

        Parameters
        ----------
        workers : int
            joblib processes for the refits.
        since : date, optional
            Forecast only the cases decided on or after this date.
        **options
            Passed to `model.library.backtest.run_backtest`.

        Returns
        -------
        model.library.backtest.Backtest
        """
        from model.library.backtest import run_backtest
        from model.library.cases import load_cases

        return run_backtest(load_cases(), workers=workers, since=since, **options)

    def _repr_html_(self) -> str:
        return f"<h4>{self.label}</h4>" + self.priors_table().to_html()


@dataclass
class Result:
    """A fitted case: ask it for the answer, what-ifs, designs, sensitivity, timing, a report."""

    fit: Any
    _summary: dict | None = field(default=None, repr=False)

    def __post_init__(self):
        _warn(self.fit)

    @cached_property
    def numbers(self) -> dict:
        """Everything ``feasibility run --json`` reports, as a dict (computed once)."""
        from model.analysis.baseline import run_summary

        return run_summary(self.fit)

    def summary(self) -> pd.DataFrame:
        """P(deal) and its parts with their 90% intervals and Monte Carlo errors."""
        from model.analysis.baseline import OUTCOMES

        n = self.numbers
        rows = {k: n[k] for k in OUTCOMES}
        rows["months_to_enactment"] = n["months_to_enactment"]
        labels = dict(n["labels"], months_to_enactment="months to enactment (if willing)")
        return _interval_frame(rows, labels)

    @property
    def diagnostics(self) -> dict:
        """R-hat, bulk and tail ESS, divergences and E-BFMI of the fit, with ``ok``."""
        return dict(self.fit.diagnostics)

    @property
    def provenance(self) -> dict:
        """Priors file and hash, evidence hash, seed, sampler settings and versions."""
        return self.numbers["provenance"]

    def whatif(
        self,
        *,
        scenario: str | Path | None = None,
        sets: list[str] | None = None,
        overrides: dict | None = None,
        name: str | None = None,
        force_refit: bool = False,
    ) -> WhatIfResult:
        """Answer a what-if against this posterior: recompute, reweight or refit (as the CLI).

        Parameters
        ----------
        scenario : path, optional
            A scenario file.
        sets : list of str, optional
            ``KEY=VALUE`` items.
        overrides : dict, optional
            A nested overlay in Python.
        name : str, optional
            The row's label.
        force_refit : bool
            Refit even where a faster route would do.

        Returns
        -------
        WhatIfResult
        """
        from model.whatif.answers import answer

        found = answer(
            self.fit,
            scenario=scenario,
            sets=sets,
            overrides=overrides,
            name=name,
            force_refit=force_refit,
        )
        if found.refit is not None:
            _warn(found.refit, what="what-if refit")
        return WhatIfResult(found, self)

    def compare(self, scenarios: list[str | Path]) -> pd.DataFrame:
        """One row per scenario against the baseline, with the route each took."""
        from model.whatif.answers import compare

        return compare(self.fit, scenarios=scenarios)

    def designs(self) -> pd.DataFrame:
        """Every package design ranked by expected value, with P(deal) and p_best."""
        from model.analysis.decision import rank_designs

        return rank_designs(self.fit)

    def sensitivity(self, *, seed: int | None = None, psense: bool = True) -> Any:
        """Power-scaling, tornado, variance indices and value of information for P(deal)."""
        from model.analysis.sensitivity.summary import sensitivity

        return sensitivity(self.fit, rng_seed=seed, psense=psense)

    def timing(self) -> pd.DataFrame:
        """P(enacted by month t), with its 90% interval, month by month from the as-of date."""
        t = self.numbers["timing"]
        return pd.DataFrame(
            {
                "P(enacted by t)": t["p_enacted_by"],
                f"{CI_PCT} lo": t["p_enacted_by_lo"],
                f"{CI_PCT} hi": t["p_enacted_by_hi"],
            },
            index=pd.Index(t["months"], name="month"),
        )

    def evidence_value(
        self,
        *,
        studies: list[str | Path] | None = None,
        nested: bool = False,
        seed: int | None = None,
    ) -> dict:
        """What each study one could commission is worth (EVSI), as ``feasibility evsi``.

        Parameters
        ----------
        studies : list of path, optional
            Study files (default: every file in ``priors/studies``).
        nested : bool
            Also check the regression estimate by nested PSIS (slower).
        seed : int, optional
            Seed of the simulated study results (default `model.constants.DEFAULT_SEED`).

        Returns
        -------
        dict
            One EVSI curve per study, with its standard error and the EVPPI bound; print it with
            `model.format_evsi`, draw it with `model.evsi_figure`.
        """
        from model.constants import DEFAULT_SEED
        from model.studies.plans import load_studies
        from model.studies.value import evsi_payload

        found = load_studies(studies, self.fit.priors.components)
        return evsi_payload(
            self.fit, found, nested=nested, seed=DEFAULT_SEED if seed is None else seed
        )

    def timeline(self, **options) -> dict:
        """P(deal) as of each date after the as-of date, updated on what has not happened yet.

        ``options`` (``start``, ``end``, ``step``, ``events``) go to
        `model.timeline.forecast.case_timeline`; print it with `model.format_timeline`.
        """
        from model.timeline.forecast import case_timeline

        return case_timeline(self.fit, **options)

    def adjustments(self) -> dict:
        """How far the case adjustments moved P(deal) from the library's pooled prediction."""
        from model.library.prior import adjustment_effect

        return adjustment_effect(self.fit)

    def panel(self, **options) -> Any:
        """The live what-if panel on this posterior (``feasibility app`` serves the same one).

        ``options`` (``scenario_dir``, ``expert_dir``, ``user_dir``) go to
        `model.app.whatif_panel.WhatIfPanel`; display the returned object's ``.view`` in a cell.
        """
        from model.app.whatif_panel import WhatIfPanel

        return WhatIfPanel(self.fit, **options)

    def report(self, *, out: str | Path, notebooks: bool = False, **options) -> Path:
        """Write the full report (HTML and Markdown, figures, tables) into ``out``.

        The report fits its own baseline with this result's sampler settings (the cache makes
        that free), so the report and this result show the same numbers.
        """
        from model.report.build import build_report

        return build_report(
            self.fit.priors,
            settings=self.fit.settings,
            out=Path(out),
            notebooks=notebooks,
            **options,
        )

    def _repr_html_(self) -> str:
        d = self.diagnostics
        health = "sampler checks passed" if d.get("ok") else "; ".join(d.get("problems", []))
        return (
            f"<h4>{self.fit.priors.label}</h4>"
            + self.summary().to_html(float_format=lambda x: f"{x:.3f}")
            + f"<p>seed {self.fit.settings.seed}, {self.fit.settings.chains} chains x "
            f"{self.fit.settings.draws} draws; {health}</p>"
        )


@dataclass
class WhatIfResult:
    """A what-if answer beside its baseline: the route taken and the change in each outcome."""

    answer: Any
    base: Result

    @property
    def method(self) -> str:
        """``recompute``, ``reweight`` or ``refit``."""
        return self.answer.method

    @property
    def reason(self) -> str:
        """Why that route was taken (e.g. the Pareto k)."""
        return self.answer.reason

    def summary(self) -> pd.DataFrame:
        """Each outcome under the what-if and its change from the baseline.

        The change is a difference of means with its Monte Carlo standard error (``change
        mcse``), whichever route answered.
        """
        from model.analysis.baseline import OUTCOMES
        from model.whatif.answers import baseline_case, change

        base = baseline_case(self.base.fit)
        rows = []
        for key in OUTCOMES:
            now = self.answer.summary(key)
            delta = change(base, self.answer, key)
            rows.append(
                {
                    "quantity": self.base.numbers["labels"][key],
                    "mean": now["mean"],
                    f"{CI_PCT} lo": now["lo"],
                    f"{CI_PCT} hi": now["hi"],
                    "change": delta["mean"],
                    "change mcse": delta.get("mcse"),
                }
            )
        return pd.DataFrame(rows).set_index("quantity")

    def _repr_html_(self) -> str:
        return (
            f"<h4>{self.answer.name}: {self.answer.question}</h4><p>answered by "
            f"{self.method} ({self.reason})</p>"
            + self.summary().to_html(float_format="{:.3f}".format)
        )
