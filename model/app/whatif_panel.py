"""The live what-if panel (Panel, HoloViz): sliders and selectors that answer as a hand moves.

One object serves JupyterLab (``WhatIfPanel(fit).view()`` in a notebook) and the local app
(``feasibility app``, :mod:`model.app.serve`). Every change answers in memory through
:mod:`model.analysis.inmemory` (recompute or reweight on the baseline posterior, no file read);
when the evidence changes or the Pareto k is too large, a refit button appears and shows its
progress. "Save as scenario" writes a scenario file that reloads to the same answer.
"""

from __future__ import annotations

import asyncio
import time
import tomllib
from pathlib import Path
from typing import Any

import panel as pn
import scipy.stats  # noqa: F401  (imported now, not on the first slider move: seconds)

from model.analysis.inmemory import (
    PARTS,
    answer_in_memory,
    curve,
    from_priors,
    live,
    refit_answer,
)
from model.analysis.outcomes import evaluate
from model.analysis.pool import expert_files, experts_payload, load_experts
from model.analysis.whatif import WhatIf
from model.app.render import changes_html, curve_svg, experts_html, headline_html, parts_html
from model.app.scenario_file import merge, save_scenario
from model.app.sliders import (
    SLIDER_KEYS,
    slider_range,
    slider_values,
    to_params,
)
from model.case.distributions import central_interval
from model.case.priors import Priors, overlay_priors
from model.constants import CI_PCT, EXPERT_DIR, PARETO_K_MAX, SCENARIO_DIR
from model.errors import InputError
from model.inference.fit import Fit

MIXTURE = "(as in the baseline: a mixture)"
NONE = "(none)"
SCENARIO_META = ("question", "source", "changes_evidence")
"""A scenario file's own keys; the rest is its overlay."""
STEPS = 200
"""Positions on each prior slider."""


class WhatIfPanel:
    """A what-if panel on one baseline posterior.

    Parameters
    ----------
    fit : Fit
        The baseline posterior; every answer reuses its draws and evidence.
    scenario_dir : Path
        Where the scenario picker looks, and where "Save as scenario" writes.
    expert_dir : Path
        Expert overlays, pooled and compared once at start (in memory, from ``fit``).
    """

    def __init__(
        self, fit: Fit, *, scenario_dir: Path = SCENARIO_DIR, expert_dir: Path = EXPERT_DIR
    ):
        self.base = fit
        self.scenario_dir = Path(scenario_dir)
        self.experts = self._experts(Path(expert_dir))
        self.base_outcomes = evaluate(fit.draws, fit.priors, fit.evidence)
        self.scenario: dict[str, Any] = {}
        self.start: Priors = fit.priors
        self.case: WhatIf | None = None
        self.overlay: dict[str, Any] = {}
        self.seconds = 0.0
        self.moved: list[tuple[str, tuple, tuple]] = []
        self._quiet = False
        baseline = answer_in_memory(fit, {}, name="baseline")
        self.baseline_curve = curve(fit, baseline)
        self._build_widgets()
        self.update()

    # ---- widgets ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        priors = self.base.priors
        self.sliders: dict[tuple[str, str], pn.widgets.FloatSlider] = {}
        for name, prior in priors.params.items():
            values = slider_values(prior.dist, prior.params)
            for key, value in values.items():
                start, end = slider_range(key, value, values, prior.dist)
                slider = pn.widgets.FloatSlider(
                    label=f"{name}.{key}",
                    start=start,
                    end=end,
                    value=value,
                    step=(end - start) / STEPS,
                    format="0.[0000]",
                    css_classes=[f"slider-{name}-{key}"],
                    sizing_mode="stretch_width",
                )
                slider.param.watch(self._changed, "value_throttled")
                self.sliders[(name, key)] = slider
        self.selects: dict[str, pn.widgets.Select] = {}
        for lever, table in priors.levers.items():
            options = {spec.get("label", level): level for level, spec in table["levels"].items()}
            choice = priors.design[lever]
            if isinstance(choice, dict):
                options = {MIXTURE: MIXTURE, **options}
                choice = MIXTURE
            select = pn.widgets.Select(
                label=table.get("question", lever),
                options=options,
                value=choice,
                css_classes=[f"lever-{lever}"],
                sizing_mode="stretch_width",
            )
            select.param.watch(self._changed, "value")
            self.selects[lever] = select
        self.picker = pn.widgets.Select(
            label="Scenario", options=self._scenario_names(), value=NONE, css_classes=["picker"]
        )
        self.picker.param.watch(self._pick, "value")
        self.reset = pn.widgets.Button(label="Back to the baseline", css_classes=["reset"])
        self.reset.on_click(lambda event: self._load_scenario(NONE))
        self.headline = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["headline"])
        self.parts = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["parts"])
        self.figure = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["curve"])
        self.changes = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["changes"])
        self.refit_button = pn.widgets.Button(
            label="Refit (NUTS)", color="warning", visible=False, css_classes=["refit"]
        )
        self.refit_button.on_click(self._refit)
        self.progress = pn.indicators.Progress(active=False, visible=False, width=240)
        self.save_name = pn.widgets.TextInput(label="Scenario name", css_classes=["save-name"])
        self.save_question = pn.widgets.TextInput(label="Question", css_classes=["save-question"])
        self.save_source = pn.widgets.TextInput(
            label="Source (what the changes rest on)",
            value="Judgment, set in the what-if panel.",
            css_classes=["save-source"],
        )
        self.save_button = pn.widgets.Button(
            label="Save as scenario", color="primary", css_classes=["save"]
        )
        self.save_button.on_click(self._save)
        self.status = pn.pane.HTML(css_classes=["status"], sizing_mode="stretch_width")
        expert_view = experts_html(self.experts, label=self.base.priors.label)
        if self._expert_error:
            expert_view = f"<p class='error'>{_escape(self._expert_error)}</p>"
        self.experts_pane = pn.pane.HTML(
            expert_view, sizing_mode="stretch_width", css_classes=["experts"]
        )

    def _experts(self, folder: Path) -> dict | None:
        """The experts' answers and disagreement (None, with the error shown, on a bad file)."""
        try:
            experts = load_experts(self.base, expert_files(folder))
        except InputError as exc:
            self._expert_error = exc.line()
            return None
        self._expert_error = ""
        return experts_payload(experts) if experts else None

    def _scenario_names(self) -> list[str]:
        return [NONE, *sorted(p.stem for p in self.scenario_dir.glob("*.toml"))]

    # ---- state ------------------------------------------------------------------------------

    def _changed(self, event=None) -> None:
        if not self._quiet:
            self.update()

    def _pick(self, event) -> None:
        if not self._quiet:
            self._load_scenario(event.new)

    def _load_scenario(self, name: str) -> None:
        """Start from a scenario file (read once, when picked) and put the widgets on it."""
        try:
            if name == NONE:
                scenario, start = {}, self.base.priors
            else:
                path = self.scenario_dir / f"{name}.toml"
                with path.open("rb") as fh:
                    scenario = tomllib.load(fh)
                overlay = {k: v for k, v in scenario.items() if k not in SCENARIO_META}
                start = overlay_priors(self.base.priors, overlay, where=str(path))
                start.questions[-1] = scenario.get("question", "")
        except (InputError, OSError, tomllib.TOMLDecodeError) as exc:
            self.status.object = f"<p class='error'>{_escape(str(exc))}</p>"
            return
        self.scenario, self.start = scenario, start
        self._quiet = True
        try:
            self.picker.value = name
            for (param, key), slider in self.sliders.items():
                prior = start.params.get(param)
                same = prior is not None and prior.dist == self.base.priors.params[param].dist
                value = slider_values(prior.dist, prior.params)[key] if same else None
                if value is not None:
                    slider.start = min(slider.start, value)
                    slider.end = max(slider.end, value)
                    slider.value = value
            for lever, select in self.selects.items():
                choice = start.design[lever]
                level = MIXTURE if isinstance(choice, dict) else choice
                if level not in select.options.values():
                    label = start.levers[lever]["levels"][level].get("label", level)
                    select.options = {**select.options, label: level}
                select.value = level
        finally:
            self._quiet = False
        self.update()

    def slider_overlay(self) -> dict[str, Any]:
        """The widgets' changes against the starting point (baseline or picked scenario).

        Raises
        ------
        InputError
            Slider positions no prior of the family has (a Beta sd too large for its mean).
        """
        params: dict[str, Any] = {}
        self.moved = []
        for name, prior in self.start.params.items():
            keys = SLIDER_KEYS[prior.dist]
            if (name, keys[0]) not in self.sliders:  # added by a scenario: no slider
                continue
            if prior.dist != self.base.priors.params[name].dist:  # a scenario changed the family
                continue
            current = slider_values(prior.dist, prior.params)
            values = {k: float(self.sliders[(name, k)].value) for k in keys}
            if values == current:
                continue
            new = to_params(prior.dist, values, name=name)
            old_ci, new_ci = (central_interval(prior.dist, p) for p in (prior.params, new))
            moved = ", ".join(f"{k} {current[k]:.4g} -> {v:.4g}" for k, v in values.items())
            span = f"{CI_PCT} interval {_span(old_ci)} -> {_span(new_ci)}"
            params[name] = {**new, "source": f"Set in the what-if panel: {moved} ({span})."}
            self.moved.append((name, old_ci, new_ci))
        design = {}
        for lever, select in self.selects.items():
            choice = self.start.design[lever]
            if select.value != MIXTURE and select.value != choice:
                design[lever] = select.value
        return {k: v for k, v in (("params", params), ("design", design)) if v}

    def full_overlay(self) -> dict[str, Any]:
        """The scenario picked (if any) and the widgets' changes, as one overlay."""
        scenario = {k: v for k, v in self.scenario.items() if k not in SCENARIO_META}
        return merge(scenario, self.slider_overlay())

    def set_sets(self) -> list[str]:
        """The widgets' changes as ``--set KEY=VALUE`` items (for ``feasibility whatif``)."""
        over = self.overlay
        items = []
        for name, spec in over.get("params", {}).items():
            prior, raw = self.start.params[name], self.start.raw["params"][name]
            given = all(k in raw for k in prior.params)  # not an elicited interval
            items += [
                f"params.{name}.{k}={v!r}"
                for k, v in spec.items()
                if k != "source" and not (given and v == prior.params[k])
            ]
        return items + [
            f"design.{lever}={level}" for lever, level in over.get("design", {}).items()
        ]

    def update(self) -> None:
        """Answer the current widgets in memory and refresh the numbers and the curve."""
        start = time.perf_counter()
        try:
            self.overlay = self.slider_overlay()
            new = overlay_priors(self.start, self.overlay, where="panel")
            self.case = from_priors(self.base, new, name="panel", question=self._question())
        except InputError as exc:
            self.status.object = f"<p class='error'>{_escape(exc.line())}</p>"
            return
        self._show(self.case)
        self.seconds = time.perf_counter() - start

    def _question(self) -> str:
        picked = self.scenario.get("question")
        return picked or "What if " + ", ".join(self.set_sets() or ["nothing changes"]) + "?"

    def _show(self, case: WhatIf) -> None:
        answer = live(self.base, case, self.base_outcomes)
        needs = answer.needs_refit or (case.pareto_k is not None and case.pareto_k > PARETO_K_MAX)
        self.refit_button.visible = needs
        self.headline.object = headline_html(answer, needs_refit=needs)
        self.parts.object = parts_html(answer.parts, PARTS)
        moved = [(self.base.priors.label(n), old, new) for n, old, new in self.moved]
        self.changes.object = changes_html(
            self.set_sets(), scenario=self.picker.value if self.scenario else None, moved=moved
        )
        self.figure.object = curve_svg(curve(self.base, case), self.baseline_curve)
        if not answer.needs_refit:
            self.status.object = ""

    async def _refit(self, event=None) -> None:
        """Refit the current priors in a worker thread, with an indeterminate progress bar."""
        case = self.case
        self.refit_button.disabled = True
        self.progress.visible = self.progress.active = True
        self.status.object = "<p>Refitting with NUTS (the evidence or a prior moved too far)...</p>"
        try:
            started = time.perf_counter()
            refitted = await asyncio.to_thread(refit_answer, self.base, case)
            self.case = refitted
            self._show(refitted)
            self.status.object = f"<p>Refitted in {time.perf_counter() - started:.1f} s.</p>"
        finally:
            self.progress.visible = self.progress.active = False
            self.refit_button.disabled = False
            self.refit_button.visible = False

    def _save(self, event=None) -> Path | None:
        """Write the current overlay as a scenario file and pick it (reload it)."""
        name = self.save_name.value.strip()
        question = self.save_question.value.strip() or self._question()
        try:
            path, _ = save_scenario(
                self.base.priors,
                self.full_overlay(),
                folder=self.scenario_dir,
                name=name,
                question=question,
                source=self.save_source.value.strip(),
            )
        except InputError as exc:
            self.status.object = f"<p class='error'>{_escape(exc.line())}</p>"
            return None
        self._quiet = True
        self.picker.options = self._scenario_names()
        self._quiet = False
        self._load_scenario(name)
        self.status.object = f"<p class='saved'>Saved {_escape(str(path))}; reloaded.</p>"
        return path

    # ---- layout ------------------------------------------------------------------------------

    def view(self) -> pn.viewable.Viewable:
        """The panel: controls on the left, the answer on the right."""
        levers = pn.Column("### Package design", *self.selects.values())
        groups = {}
        for (name, _), slider in self.sliders.items():
            effect = self.base.priors.vocabulary.role_of(name) is not None
            group = "Design effects (log-odds)" if effect else "Priors"
            groups.setdefault(group, []).append(slider)
        priors = pn.Accordion(
            *[(title, pn.Column(*items)) for title, items in groups.items()],
            active=[0],
            sizing_mode="stretch_width",
        )
        controls = pn.Column(
            "### Scenario",
            self.picker,
            self.reset,
            levers,
            "### Priors (location and scale; Beta and Gamma: mean and sd)",
            priors,
            width=380,
            scroll=True,
            height=900,
        )
        save = pn.Column(
            "### Save as scenario",
            self.save_name,
            self.save_question,
            self.save_source,
            self.save_button,
        )
        answer = pn.Column(
            "## What if? The August 2007 US-Mexico security aid package",
            self.headline,
            pn.Row(self.refit_button, self.progress),
            self.parts,
            self.figure,
            self.changes,
            "### Several experts",
            self.experts_pane,
            save,
            self.status,
            sizing_mode="stretch_width",
        )
        return pn.Row(controls, answer, sizing_mode="stretch_width")


def _span(interval: tuple[float, float]) -> str:
    return f"[{interval[0]:.3g}, {interval[1]:.3g}]"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
