"""The live what-if panel (Panel, HoloViz): sliders and selectors that answer as a hand moves.

One object serves JupyterLab (``WhatIfPanel(fit).view()`` in a notebook) and the local app
(``feasibility app``, :mod:`model.app.serve`). Every change answers in memory through
:mod:`model.whatif.memory` (recompute or reweight on the baseline posterior, no file read);
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

from model.analysis.outcomes import evaluate
from model.app.render import (
    base_rate_html,
    changes_html,
    curve_svg,
    diagnostics_words,
    evsi_html,
    experts_html,
    headline_html,
    parts_html,
    poll_html,
)
from model.app.scenario_file import merge, save_scenario
from model.app.sliders import (
    SLIDER_KEYS,
    Plain,
    plain,
    plain_interval,
    slider_range,
    slider_values,
    to_params,
)
from model.case.distributions import central_interval
from model.case.priors import Priors, overlay_priors
from model.case.schema import OPPOSE_PREFIX
from model.constants import (
    CI_PCT,
    EXPERT_DIR,
    PARETO_K_MAX,
    ROOT,
    SCENARIO_DIR,
    USER_SCENARIO_DIR,
)
from model.errors import InputError
from model.experts.pool import expert_files, experts_payload, load_experts
from model.inference.fit import Fit
from model.library.base_rate import base_rate_summary
from model.studies.plans import load_studies, priors_components
from model.studies.value import evsi_payload
from model.whatif.answers import WhatIf, baseline_case, row
from model.whatif.memory import (
    NewPoll,
    answer_in_memory,
    curve,
    from_priors,
    live,
    parse_poll,
    part_labels,
    poll_answer,
    refit_answer,
    with_poll,
)

MIXTURE = "(as in the baseline: a mixture)"
NONE = "(none)"
NONE_LABEL = "(none: the baseline)"
SCENARIO_META = ("question", "source", "changes_evidence")
"""A scenario file's own keys; the rest is its overlay."""
STEPS = 200
"""Positions on each prior slider."""
WRAP_TITLE = ".bk-slider-title { white-space: normal; overflow-wrap: anywhere; }"
"""A slider's label in words wraps on a phone instead of pushing its value off the screen."""


class WhatIfPanel:
    """A what-if panel on one baseline posterior.

    Parameters
    ----------
    fit : Fit
        The baseline posterior; every answer reuses its draws and evidence.
    scenario_dir : Path
        The project's scenarios, shown in the picker by their questions.
    user_dir : Path, optional
        Where "Save as scenario" writes (default ``priors/user``, git-ignored, read by a
        report only when asked); its files are in the picker too, marked "(yours)".
    expert_dir : Path
        Expert overlays, pooled and compared once at start (in memory, from ``fit``).
    """

    def __init__(
        self,
        fit: Fit,
        *,
        scenario_dir: Path = SCENARIO_DIR,
        expert_dir: Path = EXPERT_DIR,
        user_dir: Path | None = None,
    ):
        self.base = fit
        self.scenario_dir = Path(scenario_dir)
        self.user_dir = Path(user_dir) if user_dir is not None else USER_SCENARIO_DIR
        self.pending: str | None = None
        self.confirm_discard = False
        self.experts = self._experts(Path(expert_dir))
        self.base_outcomes = evaluate(fit.draws, fit.priors, fit.evidence)
        self.scenario: dict[str, Any] = {}
        self.start: Priors = fit.priors
        self.case: WhatIf | None = None
        self.overlay: dict[str, Any] = {}
        self.seconds = 0.0
        self.moved: list[tuple[str, tuple, tuple]] = []
        self._quiet = False
        self._baseline_case = baseline_case(fit)
        baseline = answer_in_memory(fit, {}, name="baseline")
        self.baseline_curve = curve(fit, baseline)
        self._build_widgets()
        self.update()

    # ---- widgets ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        priors = self.base.priors
        self.sliders: dict[tuple[str, str], pn.widgets.FloatSlider] = {}
        self.plain: dict[tuple[str, str], Plain] = {}
        self.intervals: dict[str, pn.pane.HTML] = {}
        vocab = priors.vocabulary
        for name, prior in priors.params.items():
            values = slider_values(prior.dist, prior.params)
            for key, value in values.items():
                spec = plain(name, prior.dist, key, vocab)
                start, end = slider_range(key, value, values, prior.dist)
                start, end = sorted((spec.to_plain(start), spec.to_plain(end)))
                shown = spec.to_plain(value)
                if spec.low is not None:
                    start, end = min(spec.low, shown), max(spec.high, shown)
                slider = pn.widgets.FloatSlider(
                    label=f"{priors.label(name)}: {spec.words}",
                    start=start,
                    end=end,
                    value=shown,
                    step=(end - start) / STEPS,
                    format="0.[00]",
                    css_classes=[f"slider-{name}-{key}"],
                    sizing_mode="stretch_width",
                    stylesheets=[WRAP_TITLE],
                    margin=(5, 0),
                )
                slider.param.watch(self._changed, "value_throttled")
                slider.param.watch(lambda event, n=name: self._show_interval(n), "value")
                self.sliders[(name, key)] = slider
                self.plain[(name, key)] = spec
            self.intervals[name] = pn.pane.HTML(
                self._interval_text(name), css_classes=[f"interval-{name}"],
                sizing_mode="stretch_width",
            )  # fmt: skip
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
            label="Scenario (its question)",
            options=self._scenario_names(),
            value=NONE,
            css_classes=["picker"],
            sizing_mode="stretch_width",
        )
        self.picker.param.watch(self._pick, "value")
        self.confirm_text = pn.pane.HTML(visible=False, css_classes=["confirm-text"])
        load = pn.widgets.Button(label="Load it (discard my moves)", css_classes=["confirm-load"])
        keep = pn.widgets.Button(label="Keep my moves", css_classes=["confirm-keep"])
        load.on_click(lambda event: self._confirm(True))
        keep.on_click(lambda event: self._confirm(False))
        self.confirm = pn.Row(load, keep, visible=False, css_classes=["confirm"])
        self.poll_component = pn.widgets.Select(
            label="Component polled",
            options=sorted(n.removeprefix(OPPOSE_PREFIX) for n in priors.params
                           if n.startswith(OPPOSE_PREFIX)),
            css_classes=["poll-component"],
            sizing_mode="stretch_width",
        )  # fmt: skip
        self.poll_share = pn.widgets.FloatInput(
            label="Share opposed (%)", value=60.0, start=0.0, end=100.0, step=1.0,
            css_classes=["poll-share"], sizing_mode="stretch_width",
        )  # fmt: skip
        self.poll_n = pn.widgets.IntInput(
            label="Respondents", value=1000, start=1, step=100, css_classes=["poll-n"],
            sizing_mode="stretch_width",
        )  # fmt: skip
        self.poll_date = pn.widgets.TextInput(
            label="Date (YYYY-MM-DD, default: the as-of date)", css_classes=["poll-date"],
            sizing_mode="stretch_width",
        )  # fmt: skip
        self.poll_button = pn.widgets.Button(
            label="Answer with this poll", color="primary", css_classes=["poll-go"]
        )
        self.poll_button.on_click(self._poll)
        self.poll_out = pn.pane.HTML(css_classes=["poll-out"], sizing_mode="stretch_width")
        self.evsi_button = pn.widgets.Button(
            label="What is each study worth?", css_classes=["evsi-go"]
        )
        self.evsi_button.on_click(self._evsi)
        self.evsi_out = pn.pane.HTML(css_classes=["evsi-out"], sizing_mode="stretch_width")
        self.reset = pn.widgets.Button(label="Back to the baseline", css_classes=["reset"])
        self.reset.on_click(lambda event: self._load_scenario(NONE))
        self.headline = pn.pane.HTML(sizing_mode="stretch_width", css_classes=["headline"])
        self.base_rate = pn.pane.HTML(
            base_rate_html(base_rate_summary(self.base)),
            sizing_mode="stretch_width",
            css_classes=["base-rate"],
        )
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

    def _slider_params(self, name: str) -> dict[str, float] | None:
        """The prior's own parameters at the sliders' positions (None: no such prior)."""
        prior = self.start.params.get(name)
        if prior is None or prior.dist != self.base.priors.params[name].dist:
            return None
        keys = SLIDER_KEYS[prior.dist]
        values = {k: self.plain[(name, k)].from_plain(self.sliders[(name, k)].value) for k in keys}
        return to_params(prior.dist, values, name=name)

    def _interval_text(self, name: str) -> str:
        """The prior's implied 90% interval in plain units, now and (when moved) before."""
        prior, vocab = self.start.params.get(name), self.base.priors.vocabulary
        if prior is None:
            return ""
        before = plain_interval(name, prior.dist, prior.params, vocab)
        try:
            now_params = self._slider_params(name)
        except InputError:
            return f"<p class='implied'>{before}; this position has no prior of its family</p>"
        if now_params is None:
            return f"<p class='implied'>{before}</p>"
        now = plain_interval(name, prior.dist, now_params, vocab)
        if now == before:
            return f"<p class='implied' style='font-size:12px;margin:0'>Implies: {now}</p>"
        return (
            f"<p class='implied moved' style='font-size:12px;margin:0'>Implies: {now} "
            f"(was {before})</p>"
        )

    def _show_interval(self, name: str) -> None:
        self.intervals[name].object = self._interval_text(name)

    def _scenario_names(self) -> dict[str, str]:
        """The picker's options: each scenario's question (its file stem as the value)."""
        options = {NONE_LABEL: NONE}
        for folder in self.folders():
            for path in sorted(folder.glob("*.toml")):
                try:
                    with path.open("rb") as fh:
                        question = tomllib.load(fh).get("question", "") or path.stem
                except (OSError, tomllib.TOMLDecodeError):
                    question = path.stem
                mine = " (yours)" if folder == self.user_dir else ""
                options[f"{question}{mine}"] = path.stem
        return options

    def folders(self) -> list[Path]:
        """Where the picker looks: the scenario folder, then the user folder (saved files)."""
        return [self.scenario_dir] + ([self.user_dir] if self.user_dir != self.scenario_dir else [])

    def _scenario_path(self, name: str) -> Path:
        for folder in reversed(self.folders()):
            if (folder / f"{name}.toml").exists():
                return folder / f"{name}.toml"
        return self.scenario_dir / f"{name}.toml"

    # ---- state ------------------------------------------------------------------------------

    def _changed(self, event=None) -> None:
        if not self._quiet:
            self.update()

    def _pick(self, event) -> None:
        """Pick a scenario; with moves on the sliders, ask first (they would be discarded)."""
        if self._quiet:
            return
        if self.overlay and not self.confirm_discard:
            self.pending = event.new
            self._quiet = True
            self.picker.value = event.old
            self._quiet = False
            self.confirm.visible = True
            self.confirm_text.object = (
                f"<p class='ask'>Your moves ({len(self.set_sets())} changes) would be "
                "discarded by loading this scenario. Load it anyway, or keep your moves?</p>"
            )
            self.confirm_text.visible = True
            return
        self._load_scenario(event.new)

    def _confirm(self, load: bool) -> None:
        """The answer to "discard your moves?": load the pending scenario, or keep the moves."""
        self.confirm.visible = self.confirm_text.visible = False
        pending, self.pending = self.pending, None
        if load and pending is not None:
            self._load_scenario(pending)

    def _load_scenario(self, name: str) -> None:
        """Start from a scenario file (read once, when picked) and put the widgets on it."""
        try:
            if name == NONE:
                scenario, start = {}, self.base.priors
            else:
                path = self._scenario_path(name)
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
                    shown = self.plain[(param, key)].to_plain(value)
                    slider.start = min(slider.start, shown)
                    slider.end = max(slider.end, shown)
                    slider.value = shown
            for lever, select in self.selects.items():
                choice = start.design[lever]
                level = MIXTURE if isinstance(choice, dict) else choice
                if level not in select.options.values():
                    label = start.levers[lever]["levels"][level].get("label", level)
                    select.options = {**select.options, label: level}
                select.value = level
            for name in self.intervals:
                self._show_interval(name)
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
            shown = {k: float(self.sliders[(name, k)].value) for k in keys}
            if shown == {k: self.plain[(name, k)].to_plain(current[k]) for k in keys}:
                continue
            values = {k: _tidy(self.plain[(name, k)].from_plain(v)) for k, v in shown.items()}
            new = to_params(prior.dist, values, name=name)
            old_ci, new_ci = (central_interval(prior.dist, p) for p in (prior.params, new))
            moved = ", ".join(f"{k} {current[k]:.4g} -> {v:.4g}" for k, v in values.items())
            span = f"{CI_PCT} interval {_span(old_ci)} -> {_span(new_ci)}"
            params[name] = {**new, "source": f"Set in the what-if panel: {moved} ({span})."}
            vocab = self.base.priors.vocabulary
            self.moved.append(
                (
                    name,
                    plain_interval(name, prior.dist, prior.params, vocab),
                    plain_interval(name, prior.dist, new, vocab),
                )
            )
        design = {}
        for lever, select in self.selects.items():
            choice = self.start.design[lever]
            if select.value != MIXTURE and select.value != choice:
                design[lever] = select.value
        return {k: v for k, v in (("params", params), ("design", design)) if v}

    def scenario_changes(self) -> list[str]:
        """What the picked scenario changes against the baseline, in words and plain units."""
        if not self.scenario:
            return []
        base, start, vocab = self.base.priors, self.start, self.base.priors.vocabulary
        out = []
        for name, prior in start.params.items():
            old = base.params.get(name)
            if old is not None and (old.dist, old.params) == (prior.dist, prior.params):
                continue
            now = plain_interval(name, prior.dist, prior.params, vocab)
            if old is None:
                out.append(f"{start.label(name)}: added, {now}")
            else:
                was = plain_interval(name, old.dist, old.params, vocab)
                out.append(f"{start.label(name)}: {was} -> {now}")
        for lever, level in start.design.items():
            if level != base.design.get(lever) and not isinstance(level, dict):
                label = start.levers[lever]["levels"][level].get("label", level)
                out.append(f"{start.levers[lever].get('question', lever)}: {label}")
        if self.scenario.get("changes_evidence") or start.evidence != base.evidence:
            changed = {k: v for k, v in start.evidence.items() if base.evidence.get(k) != v}
            out.append(
                "the evidence: "
                + (", ".join(f"{k} = {v}" for k, v in changed.items()) or "changed")
            )
        return out

    def full_overlay(self) -> dict[str, Any]:
        """The scenario picked (if any) and the widgets' changes, as one overlay."""
        scenario = {k: v for k, v in self.scenario.items() if k not in SCENARIO_META}
        return merge(scenario, self.slider_overlay())

    def set_sets(self) -> list[str]:
        """The widgets' changes as ``--set KEY=VALUE`` items (for ``feasibility whatif``)."""
        over = self.overlay
        items = []
        for name, spec in over.get("params", {}).items():
            prior, table = self.start.params[name], self.start.spec.params[name]
            given = all(k in table.values for k in prior.params)  # not an elicited interval
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
        self.parts.object = parts_html(answer.parts, part_labels(self.base.priors))
        moved = [(self.base.priors.label(n), old, new) for n, old, new in self.moved]
        question = self.scenario.get("question") or self.picker.value
        self.changes.object = changes_html(
            self.set_sets(),
            scenario=question if self.scenario else None,
            moved=moved,
            scenario_changes=self.scenario_changes(),
        )
        donor = self.base.priors.vocabulary.words["donor"]
        self.figure.object = curve_svg(curve(self.base, case), self.baseline_curve, donor=donor)
        if not answer.needs_refit:
            self.status.object = ""

    async def _in_thread(self, work, what: str, *, button):
        """Run ``work`` in a worker thread, saying how long it has run every second.

        ``button`` (the one that started it) is disabled until the work ends.
        """
        button.disabled = True
        self.progress.visible = self.progress.active = True
        started = time.perf_counter()
        task = asyncio.ensure_future(asyncio.to_thread(work))
        try:
            while not task.done():
                self.status.object = (
                    f"<p class='running'>{what}: {time.perf_counter() - started:.0f} s so far "
                    "(a refit takes a few minutes; the numbers above stay until it ends)...</p>"
                )
                await asyncio.wait([task], timeout=1.0)
            return task.result(), time.perf_counter() - started
        finally:
            self.progress.visible = self.progress.active = False
            button.disabled = False

    async def _refit(self, event=None) -> None:
        """Refit the current priors in a worker thread, with progress, then its diagnostics."""
        case = self.case
        try:
            refitted, seconds = await self._in_thread(
                lambda: refit_answer(self.base, case),
                "Refitting with NUTS (the evidence or a prior moved too far)",
                button=self.refit_button,
            )
            self.case = refitted
            self._show(refitted)
            self.status.object = (
                f"<p class='refit-done'>Refitted in {seconds:.1f} s. "
                f"{diagnostics_words(refitted.diagnostics)}</p>"
            )
        finally:
            self.refit_button.visible = False

    def poll(self) -> NewPoll:
        """The poll box's values as a `NewPoll` (raises InputError on a bad date)."""
        text = f"{self.poll_component.value}={self.poll_share.value / 100!r},n={self.poll_n.value}"
        if self.poll_date.value.strip():
            text += f",date={self.poll_date.value.strip()}"
        return parse_poll(text, components=set(self.poll_component.options))

    async def _poll(self, event=None) -> WhatIf | None:
        """Answer the poll box: add the poll in memory, by the cheapest adequate route."""
        try:
            poll = self.poll()
            with_poll(self.base.evidence, poll)  # a poll after the as-of date is said at once
        except InputError as exc:
            self.poll_out.object = f"<p class='error'>{_escape(exc.line())}</p>"
            return None
        case, seconds = await self._in_thread(
            lambda: poll_answer(self.base, poll), "Adding the poll", button=self.poll_button
        )
        self.status.object = ""
        self.poll_out.object = poll_html(case, row(case, self._baseline_case), seconds)
        return case

    async def _evsi(self, event=None) -> dict | None:
        """Weigh the studies in ``priors/studies`` on the baseline posterior (EVSI), in words."""
        try:
            studies = load_studies(None, priors_components(self.base.priors))
        except InputError as exc:
            self.evsi_out.object = f"<p class='error'>{_escape(exc.line())}</p>"
            return None
        payload, seconds = await self._in_thread(
            lambda: evsi_payload(self.base, studies, seed=self.base.settings.seed),
            "Weighing the studies (EVSI)",
            button=self.evsi_button,
        )
        self.status.object = ""
        self.evsi_out.object = evsi_html(payload, seconds)
        return payload

    def _save(self, event=None) -> Path | None:
        """Write the current overlay as a scenario file and pick it (reload it)."""
        name = self.save_name.value.strip()
        question = self.save_question.value.strip() or self._question()
        try:
            path, _ = save_scenario(
                self.base.priors,
                self.full_overlay(),
                folder=self.user_dir,
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
        """The panel: the answer first, the controls beside it (below it on a phone)."""
        levers = pn.Column(
            "### Package design", *self.selects.values(), sizing_mode="stretch_width"
        )
        groups: dict[str, list] = {}
        for name in self.base.priors.params:
            keys = [k for (n, k) in self.sliders if n == name]
            effect = self.base.priors.vocabulary.role_of(name) is not None
            group = "Design effects (log-odds)" if effect else "Priors, in plain units"
            groups.setdefault(group, []).append(
                pn.Column(
                    *(self.sliders[(name, k)] for k in keys),
                    self.intervals[name],
                    sizing_mode="stretch_width",
                    margin=(5, 0),
                )
            )
        priors = pn.Accordion(
            *[
                (title, pn.Column(*items, sizing_mode="stretch_width", margin=0))
                for title, items in groups.items()
            ],
            active=[0],
            sizing_mode="stretch_width",
            margin=(5, 0),
        )
        poll = pn.Column(
            "### A new poll",
            pn.pane.HTML(
                "<p style='font-size:12px'>Adds a dated poll in memory and answers by the "
                "cheapest adequate route (reweight, or a refit when Pareto k is high).</p>",
                sizing_mode="stretch_width",
            ),
            self.poll_component,
            self.poll_share,
            self.poll_n,
            self.poll_date,
            self.poll_button,
            self.poll_out,
            sizing_mode="stretch_width",
        )
        controls = pn.Column(
            "### Scenario",
            self.picker,
            self.confirm_text,
            self.confirm,
            self.reset,
            levers,
            "### What you believe",
            priors,
            poll,
            sizing_mode="stretch_width",
            styles={"flex": "1 1 340px", "min-width": "0"},
            css_classes=["controls"],
            margin=0,
        )
        save = pn.Column(
            "### Save as scenario",
            pn.pane.HTML(
                f"<p style='font-size:12px'>Saved to {_escape(self._shown_dir())}/, which git "
                "ignores; <code>make reports</code> leaves it out unless asked "
                "(<code>feasibility report --user-scenarios</code>).</p>",
                sizing_mode="stretch_width",
            ),
            self.save_name,
            self.save_question,
            self.save_source,
            self.save_button,
            sizing_mode="stretch_width",
        )
        title = self.base.priors.case.get("name", "the deal")
        answer = pn.Column(
            f"## What if? {title}",
            self.headline,
            self.base_rate,
            pn.Row(self.refit_button, self.progress, sizing_mode="stretch_width"),
            self.status,
            self.parts,
            self.figure,
            self.changes,
            "### Several experts",
            self.experts_pane,
            "### What evidence is worth buying",
            pn.pane.HTML(
                "<p style='font-size:12px'>A poll, a whip count or soundings, each weighed by "
                "how much choosing the design after seeing its result would raise P(deal) "
                "(EVSI); the studies are in priors/studies/.</p>",
                sizing_mode="stretch_width",
            ),
            self.evsi_button,
            self.evsi_out,
            save,
            sizing_mode="stretch_width",
            styles={"flex": "2 1 420px", "min-width": "0"},
            css_classes=["answer"],
            margin=0,
        )
        return pn.FlexBox(
            answer,
            controls,
            flex_wrap="wrap",
            sizing_mode="stretch_width",
            styles={
                "max-width": "100vw",
                "gap": "16px",
                "padding": "0 6px",
                "box-sizing": "border-box",
            },
            margin=0,
        )

    def _shown_dir(self) -> str:
        try:
            return str(self.user_dir.relative_to(ROOT))
        except ValueError:
            return str(self.user_dir)


def _tidy(x: float) -> float:
    """A slider's value back in the prior's units, without float noise (12 significant digits)."""
    return float(f"{x:.12g}")


def _span(interval: tuple[float, float]) -> str:
    return f"[{interval[0]:.3g}, {interval[1]:.3g}]"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
