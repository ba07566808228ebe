"""The explorer's page: controls on the left, the results of the last run on the right.

One :class:`Explorer` per browser session (Panel calls :func:`create_app`
for each).  "Run" composes the controls' overrides and starts a
:class:`~sim.explore.jobs.Job` in a thread; a periodic callback on the
session's own event loop polls it, moves the progress bar, redraws the
revenue figure after every replication (live) and, when the job ends,
every view.  Bokeh models are only touched from that callback, never from
the job's thread, and the simulation never runs on the event loop: the page
stays responsive while it computes, and "Cancel" works.

What is on screen is always one finished set of replications, and the
command, the YAML and "Save run files" describe exactly that set (a
cancelled run shows, and reproduces as, the replications it finished).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import panel as pn

from sim.analysis.results import StudyResult
from sim.explore import figures, panes, series
from sim.explore.controls import PolicyControls
from sim.explore.geo import MapView
from sim.explore.jobs import Job, head, with_replications
from sim.explore.levers import DEFAULT_WORLD, Setup, group_options, overrides
from sim.explore.network import NetworkView
from sim.explore.reproduce import save_run, yaml_name, yaml_text
from sim.explore.trace import Trace

POLL_MS = 250
LABELS = ("Policy A", "Policy B")
SIDEBAR_WIDTH = 340


@dataclass(frozen=True)
class Shown:
    """The results on screen: one study per policy, the traces of their replication 0, and their overrides."""

    studies: list[StudyResult]
    traces: list[Trace | None]
    overrides: list[list[str]]


def _placeholder(text: str) -> pn.pane.Markdown:
    return pn.pane.Markdown(text, styles={"color": "#777"})


class Explorer:
    """The widgets, the views and the state of one session."""

    def __init__(self, outputs: Path | str = "outputs") -> None:
        self.outputs = Path(outputs)
        setup = Setup()
        self.world = pn.widgets.Select(label="World", options=group_options("world"), value=DEFAULT_WORLD, css_classes=["world"])
        self.seed = pn.widgets.IntInput(label="Seed", value=setup.seed, start=0, css_classes=["seed"])
        self.replications = pn.widgets.IntInput(
            label="Replications", value=setup.replications, start=1, end=200, css_classes=["replications"]
        )
        self.compare = pn.widgets.Checkbox(label="Compare two policies (same seeds)", value=False, css_classes=["compare"])
        self.policies = [PolicyControls("a", DEFAULT_WORLD), PolicyControls("b", DEFAULT_WORLD)]
        self.run_button = pn.widgets.Button(label="Run", color="primary", css_classes=["run-button"])
        self.cancel_button = pn.widgets.Button(label="Cancel", color="warning", disabled=True, css_classes=["cancel-button"])
        self.save_button = pn.widgets.Button(label="Save run files", disabled=True, css_classes=["save-button"])
        self.downloads = [
            pn.widgets.FileDownload(
                callback=lambda i=i: self._yaml(i),
                filename="scamsim.yaml",
                label=f"Download YAML ({label})",
                disabled=True,
                css_classes=[f"yaml-{tag}"],
                visible=(i == 0),
            )
            for i, (tag, label) in enumerate(zip("ab", LABELS, strict=True))
        ]
        self.progress = pn.indicators.Progress(value=0, max=100, sizing_mode="stretch_width", css_classes=["progress"])
        self.status = pn.pane.HTML('<span class="status">Press Run.</span>', css_classes=["status-pane"])
        self.saved = pn.pane.HTML("", css_classes=["saved-pane"])
        self.view_arm = pn.widgets.RadioButtonGroup(
            options=list(LABELS), value=LABELS[0], visible=False, css_classes=["view-arm"]
        )
        self.day = pn.widgets.Player(
            label="Day since the intervention",
            start=-1,
            end=1,
            value=0,
            step=2,
            interval=120,
            loop_policy="once",
            css_classes=["day"],
        )
        self.day_label = pn.pane.Markdown("", css_classes=["day-label"])
        self.headline = pn.pane.HTML("", css_classes=["headline-pane"])
        self.headline_table = pn.pane.HTML("", css_classes=["headline-table-pane"])
        self.command = pn.pane.HTML("", css_classes=["command-pane"], sizing_mode="stretch_width")
        self.pending = pn.pane.HTML("", css_classes=["pending-pane"], sizing_mode="stretch_width")
        self.revenue = pn.Column(
            _placeholder("Network revenue appears here, live while a run computes."), sizing_mode="stretch_width"
        )
        self.by_site = pn.Column(sizing_mode="stretch_width")
        self.map = pn.Column(_placeholder("The map appears when a run finishes."), sizing_mode="stretch_width")
        self.network = pn.Column(sizing_mode="stretch_width")
        self.arrests = pn.Row(sizing_mode="stretch_width")
        self.events = pn.widgets.Tabulator(
            pd.DataFrame(),
            pagination="remote",
            page_size=15,
            header_filters=True,
            disabled=True,
            show_index=False,
            sizing_mode="stretch_width",
            css_classes=["events"],
        )
        self.compared = pn.Column(_placeholder("Tick *Compare two policies* and press Run."), sizing_mode="stretch_width")
        self.job: Job | None = None
        self.shown: Shown | None = None
        self._seen = -1
        self._poller: pn.io.callbacks.PeriodicCallback | None = None
        self._map_views: list[MapView | None] = [None, None]
        self._network_views: list[NetworkView | None] = [None, None]
        self._wire()
        self.layout = self._layout()

    # ------------------------------------------------------------------ layout and wiring
    def _layout(self) -> pn.viewable.Viewable:
        a, b = self.policies
        self.card_b = pn.Card(*b.widgets, title="Policy B", collapsed=False, visible=False, css_classes=["policy-b"])
        sidebar = pn.Column(
            pn.pane.Markdown("## scamsim explorer\nScam-compound networks under crackdowns."),
            self.world,
            self.seed,
            self.replications,
            self.compare,
            pn.Row(self.run_button, self.cancel_button),
            self.progress,
            self.status,
            pn.Row(self.save_button),
            *self.downloads,
            self.saved,
            pn.Card(*a.widgets, title="Policy A", css_classes=["policy-a"]),
            self.card_b,
            width=SIDEBAR_WIDTH,
        )
        tabs = pn.Tabs(
            ("Revenue", pn.Column(self.revenue, self.by_site, sizing_mode="stretch_width")),
            (
                "Map and protection network",
                pn.Column(self.day, self.day_label, self.map, self.network, sizing_mode="stretch_width"),
            ),
            ("Arrests", self.arrests),
            ("Event log", self.events),
            ("Compare", self.compared),
            ("Headline table", self.headline_table),
            dynamic=False,
            sizing_mode="stretch_width",
            css_classes=["views"],
        )
        main = pn.Column(
            self.headline, self.command, self.pending, self.view_arm, tabs, sizing_mode="stretch_width", css_classes=["main"]
        )
        return pn.Row(sidebar, main, sizing_mode="stretch_width")

    def _wire(self) -> None:
        self.run_button.on_click(self._on_run)
        self.cancel_button.on_click(lambda _e: self.cancel())
        self.save_button.on_click(self._on_save)
        self.world.param.watch(self._world_changed, "value")
        self.compare.param.watch(self._compare_changed, "value")
        self.day.param.watch(lambda e: self._move_day(int(e.new)), "value")
        self.view_arm.param.watch(lambda _e: self._show_arm(), "value")
        watched = [self.seed, self.replications, self.compare, self.world]
        for p in self.policies:
            watched += [w for w in p.widgets if isinstance(w, pn.widgets.Widget)]
        for w in watched:
            w.param.watch(lambda _e: self._note_pending(), "value")

    def _on_run(self, _event: object) -> None:
        self.start()

    def _on_save(self, _event: object) -> None:
        try:
            self.save()
        except Exception as err:  # a full disk, a read-only folder: say so, keep the page
            self.saved.object = f'<span style="color:#b00020">not saved: {type(err).__name__}: {err}</span>'

    def _world_changed(self, event: object) -> None:
        for p in self.policies:
            p.set_world(self.world.value)

    def _compare_changed(self, event: object) -> None:
        self.card_b.visible = bool(self.compare.value)

    # ------------------------------------------------------------------ what the controls say
    def setup(self) -> Setup:
        return Setup(world=self.world.value, seed=int(self.seed.value or 0), replications=int(self.replications.value or 1))

    def arms(self) -> list[tuple[str, list[str]]]:
        """(label, overrides) of each policy the controls ask for: one, or two in compare mode."""
        setup = self.setup()
        n = 2 if self.compare.value else 1
        return [(LABELS[i], overrides(setup, self.policies[i].policy())) for i in range(n)]

    def _note_pending(self) -> None:
        if self.shown is None:
            return
        try:
            now = self.arms()
        except Exception:  # a half-typed seed: nothing to say yet
            return
        same = [ov for _label, ov in now] == self.shown.overrides
        self.pending.object = "" if same else panes.pending([ov for _l, ov in now], [label for label, _ov in now])

    # ------------------------------------------------------------------ running
    def start(self) -> Job | None:
        """Start a job for the controls' policies (nothing if one is running)."""
        if self.job is not None and not self.job.finished:
            return None
        try:
            arms = self.arms()
        except Exception as err:
            self._status(f"cannot run: {err}", error=True)
            return None
        self.job = Job(arms, self.setup().replications).start()
        self._seen = -1
        self.run_button.disabled = True
        self.cancel_button.disabled = False
        self.progress.value = 0
        self._status("starting ...")
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            self._poller = pn.state.add_periodic_callback(self.poll, period=POLL_MS)
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._status("cancelling after the replication under way ...")

    def poll(self) -> None:
        """Follow the job: progress, the live revenue figure, and every view once it ends."""
        job = self.job
        if job is None:
            return
        snap = job.snapshot()
        self.progress.value = int(100 * snap.done / max(snap.total, 1))
        if snap.done != self._seen:
            self._seen = snap.done
            live = snap.studies[0]
            if live is not None and not job.finished:
                self.revenue.objects = [
                    pn.pane.Bokeh(figures.revenue(live, f"{LABELS[0]}: network revenue (running)"), sizing_mode="stretch_width")
                ]
        if not job.finished:
            self._status(f"{snap.message} ({snap.elapsed:.1f} s)")
            return
        if self._poller is not None:
            self._poller.stop()
            self._poller = None
        self.run_button.disabled = False
        self.cancel_button.disabled = True
        if snap.state == "failed":
            self._status(snap.message, error=True)
            return
        done = [s for s in snap.studies if s is not None]
        if len(done) < len(snap.studies):
            self._status(f"{snap.message}: no replication finished, nothing new to show")
            return
        n = min(len(s.replications) for s in done)
        self.show(
            Shown(
                [head(s, n) for s in done],
                list(snap.traces),
                [with_replications(ov, n) for ov in snap.overrides],
            )
        )
        self._status(f'<span class="done">{snap.message}</span>: {n} replication{"s" if n != 1 else ""} on screen')

    def _status(self, text: str, error: bool = False) -> None:
        style = ' style="color:#b00020"' if error else ""
        self.status.object = f'<span class="status"{style}>{text}</span>'

    # ------------------------------------------------------------------ showing results
    def show(self, shown: Shown) -> None:
        """Put a finished set of results on screen, every view at once."""
        self.shown = shown
        labels = list(LABELS[: len(shown.studies)])
        self.headline.object = (
            '<div style="display:flex;flex-wrap:wrap">'
            + "".join(panes.headline(s, self._title(i), tag) for i, (s, tag) in enumerate(zip(shown.studies, "ab", strict=False)))
            + "</div>"
        )
        self.command.object = panes.commands(shown.overrides, labels)
        self.pending.object = ""
        self.headline_table.object = "".join(
            f"<h4>{label}</h4>" + panes.headline_table(s, tag) for s, label, tag in zip(shown.studies, labels, "ab", strict=False)
        )
        for i, d in enumerate(self.downloads):
            d.visible = i < len(shown.studies)
            d.disabled = i >= len(shown.studies)
            if i < len(shown.studies):
                d.filename = yaml_name(shown.overrides[i])
        self.save_button.disabled = False
        self._map_views = [
            MapView(t, f"{LABELS[i]}: sites and compounds (replication 1)") if t else None for i, t in enumerate(shown.traces)
        ]
        self._network_views = [
            NetworkView(t, f"{LABELS[i]}: protection network (replication 1)") if t else None for i, t in enumerate(shown.traces)
        ]
        study = shown.studies[0]
        t0, horizon = study.config.intervention_day, study.config.horizon_days
        self.day.start, self.day.end = -t0, horizon - 1 - t0
        self.day.value = min(30, horizon - 1 - t0)
        self.view_arm.visible = len(shown.studies) > 1
        self.view_arm.value = LABELS[0]
        self._show_arm()
        self._show_compare()

    def _title(self, i: int) -> str:
        """ "Policy A (crackdown_2025, raids.warnings=false)": the policy, its scenario and the levers it changed."""
        assert self.shown is not None
        changed = self.shown.overrides[i][4:]  # after world, scenario, seed, replications
        scenario = self.shown.studies[i].config.scenario.name
        return f"{LABELS[i]} ({', '.join([scenario, *changed])})"

    def _arm(self) -> int:
        return LABELS.index(self.view_arm.value) if self.shown and len(self.shown.studies) > 1 else 0

    def _show_arm(self) -> None:
        """The per-policy views (revenue, sites, map, network, arrests, events) of the policy chosen to view."""
        if self.shown is None:
            return
        i = self._arm()
        study = self.shown.studies[i]
        label = self._title(i)
        self.revenue.objects = [
            pn.pane.Bokeh(figures.revenue(study, f"{label}: network revenue, 7-day mean"), sizing_mode="stretch_width")
        ]
        self.by_site.objects = [pn.pane.Bokeh(figures.by_site(study), sizing_mode="stretch_width")]
        rank, nat = figures.arrests(study)
        self.arrests.objects = [pn.pane.Bokeh(rank, sizing_mode="stretch_width"), pn.pane.Bokeh(nat, sizing_mode="stretch_width")]
        self.events.value = pd.DataFrame(series.events_rows(study))
        mv, nv = self._map_views[i], self._network_views[i]
        if mv is None or nv is None:
            self.map.objects = [_placeholder("No map: the run was cancelled before replication 1 was traced.")]
            self.network.objects = []
            return
        self.map.objects = [pn.pane.Bokeh(mv.figure, sizing_mode="stretch_width")]
        self.network.objects = [pn.pane.Bokeh(nv.figure, sizing_mode="stretch_width")]
        self._move_day(int(self.day.value))

    def _move_day(self, day: int) -> None:
        if self.shown is None:
            return
        i = self._arm()
        t0 = self.shown.studies[i].config.intervention_day
        self.day_label.object = f"**Day {day:+d}** since the intervention (day {day + t0} of the run)"
        for view in (self._map_views[i], self._network_views[i]):
            if view is not None:
                view.show_day(day + t0)

    def _show_compare(self) -> None:
        shown = self.shown
        if shown is None or len(shown.studies) < 2:
            self.compared.objects = [_placeholder("Tick *Compare two policies* and press Run.")]
            return
        a, b = shown.studies
        self.compared.objects = [
            pn.Row(
                pn.pane.Bokeh(figures.revenue(a, self._title(0)), sizing_mode="stretch_width"),
                pn.pane.Bokeh(figures.revenue(b, self._title(1)), sizing_mode="stretch_width"),
                sizing_mode="stretch_width",
            ),
            pn.pane.Markdown("#### B - A, paired by replication (`sim.analysis.compare.paired`)"),
            pn.pane.HTML(panes.paired_table(series.paired_rows(a, b)), css_classes=["paired-pane"], sizing_mode="stretch_width"),
        ]

    # ------------------------------------------------------------------ reproducibility
    def _yaml(self, i: int) -> io.StringIO:
        if self.shown is None or i >= len(self.shown.overrides):
            return io.StringIO("")
        return io.StringIO(yaml_text(self.shown.overrides[i]))

    def save(self) -> list[Path]:
        """Write the files of every policy on screen into new run folders, as the CLI does."""
        if self.shown is None:
            return []
        folders = [save_run(s, ov, self.outputs) for s, ov in zip(self.shown.studies, self.shown.overrides, strict=True)]
        self.saved.object = "".join(f'<div>Saved: <code class="saved-folder">{f}</code></div>' for f in folders)
        return folders


def create_app(outputs: Path | str = "outputs") -> pn.viewable.Viewable:
    """A new page (one per browser session)."""
    pn.extension("tabulator")
    return Explorer(outputs).layout
