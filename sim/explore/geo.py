"""The map: sites at their coordinates, compounds around them sized by workers, moves as arrows.

One figure is built per trace and then only its data sources change when
the day slider moves, which is what lets the map animate smoothly: Bokeh
sends the new columns, not a new figure.  Compounds sit on a ring around
their site (the model knows sites, not street addresses); a compound's
colour is its status that day.  Arrows are the moves of the days up to the
chosen one: solid for relocations, dashed for a sealed compound dispersing
into cells, wider for more compounds on the same route, faded when older
than :data:`RECENT` days.  No map tiles: they would need the Internet.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool
from bokeh.models.annotations import Arrow, LabelSet
from bokeh.models.annotations.arrows import VeeHead
from bokeh.models.ranges import Range1d
from bokeh.plotting import figure

from sim.explore.series import status_name
from sim.explore.trace import Trace

RECENT = 60  # days an arrow stays bright
STATUS_COLOURS = {
    "operating": "#2ca02c",
    "laying_low": "#ff7f0e",
    "sealed": "#d62728",
    "relocating": "#9467bd",
    "rebuilding": "#1f77b4",
    "closed": "#7f7f7f",
}


class MapView:
    """The map figure of one trace and the method that moves it to another day."""

    def __init__(self, trace: Trace, title: str = "") -> None:
        self.trace = trace
        lon, lat = trace.site_lon, trace.site_lat
        span = max(float(np.ptp(lon)), float(np.ptp(lat)), 1.0)
        self.ring = 0.06 * span
        self.sites = ColumnDataSource(self._site_data(0))
        self.compounds = ColumnDataSource(self._compound_data(0))
        self.moves = {kind: ColumnDataSource(self._move_data(0, kind)) for kind in ("relocation", "split")}
        pad = 0.25 * span
        fig = figure(
            title=title or "Sites and compounds",
            height=480,
            sizing_mode="stretch_width",
            match_aspect=True,
            x_range=Range1d(start=float(lon.min()) - pad, end=float(lon.max()) + pad),
            y_range=Range1d(start=float(lat.min()) - pad, end=float(lat.max()) + pad),
            x_axis_label="longitude",
            y_axis_label="latitude",
            tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        fig.scatter("x", "y", size="size", source=self.sites, fill_color="#dddddd", fill_alpha=0.4, line_color="#555555")
        dots = fig.scatter(
            "x",
            "y",
            size="size",
            source=self.compounds,
            fill_color="colour",
            line_color="black",
            line_width=0.5,
            legend_field="status",  # grouped in the browser, so the legend follows the day slider
        )
        fig.legend.location = "top_right"
        fig.legend.label_text_font_size = "8pt"
        fig.add_layout(
            LabelSet(
                x="x",
                y="label_y",
                text="label",
                source=self.sites,
                text_font_size="9pt",
                text_align="center",
                text_baseline="top",
            )
        )
        for kind, src in self.moves.items():
            fig.add_layout(
                Arrow(  # type: ignore[call-arg]  # bokeh's stubs say body_line_*, the runtime takes line_*
                    end=VeeHead(size=10, line_color="color", fill_color="color", line_alpha="alpha", fill_alpha="alpha"),
                    x_start="x0",
                    y_start="y0",
                    x_end="x1",
                    y_end="y1",
                    line_width="width",
                    line_color="color",
                    line_alpha="alpha",
                    line_dash="solid" if kind == "relocation" else "dashed",
                    source=src,
                )
            )
        fig.add_tools(
            HoverTool(
                renderers=[dots],
                tooltips=[("compound", "@compound"), ("site", "@site"), ("workers", "@workers"), ("status", "@status")],
            )
        )
        self.figure = fig

    def show_day(self, day: int) -> None:
        """Move every source to ``day`` (a day of the run, from 0)."""
        day = int(min(max(day, 0), self.trace.days - 1))
        self.sites.data = self._site_data(day)
        self.compounds.data = self._compound_data(day)
        for kind, src in self.moves.items():
            src.data = self._move_data(day, kind)

    def _site_data(self, day: int) -> dict[str, list]:
        t = self.trace
        workers = t.result.series["workers"][day]
        active = t.result.series["compounds_active"][day]
        return {
            "x": t.site_lon.tolist(),
            "y": t.site_lat.tolist(),
            "label_y": (t.site_lat - 1.5 * self.ring).tolist(),  # under the ring of compounds
            "size": [18 + 0.35 * math.sqrt(w) for w in workers],
            "label": [
                f"{n} ({c})\n{int(w):,} workers, {int(a)} active"
                for n, c, w, a in zip(t.site_names, t.site_country, workers, active, strict=True)
            ],
        }

    def _compound_data(self, day: int) -> dict[str, list]:
        t = self.trace
        site = t.compound_site[day]
        status = t.compound_status[day]
        workers = t.workers(day)
        xs, ys, sizes, colours, ids, names, ws, sts = [], [], [], [], [], [], [], []
        for s in range(len(t.site_names)):
            here = np.flatnonzero((site == s) & (status >= 0))
            for k, c in enumerate(here):
                angle = 2 * math.pi * k / max(len(here), 1)
                radius = self.ring * (0.6 if t.cell[c] else 1.0)
                xs.append(float(t.site_lon[s]) + radius * math.cos(angle))
                ys.append(float(t.site_lat[s]) + radius * math.sin(angle))
                sizes.append(4 + 0.45 * math.sqrt(float(workers[c])))
                name = status_name(int(status[c]))
                colours.append(STATUS_COLOURS.get(name, "#000000"))
                ids.append(f"{int(c)}{' (cell)' if t.cell[c] else ''}")
                names.append(t.site_names[s])
                ws.append(int(workers[c]))
                sts.append(name)
        return {"x": xs, "y": ys, "size": sizes, "colour": colours, "compound": ids, "site": names, "workers": ws, "status": sts}

    def _move_data(self, day: int, kind: str) -> dict[str, list]:
        t = self.trace
        routes: Counter[tuple[int, int]] = Counter()
        latest: dict[tuple[int, int], int] = {}
        for m in t.moves:
            if m.kind != kind or m.day > day or m.from_site < 0 or m.from_site == m.to_site:
                continue
            routes[(m.from_site, m.to_site)] += 1
            latest[(m.from_site, m.to_site)] = m.day
        keys = sorted(routes)
        return {
            "x0": [float(t.site_lon[a]) for a, _ in keys],
            "y0": [float(t.site_lat[a]) for a, _ in keys],
            "x1": [float(t.site_lon[b]) for _, b in keys],
            "y1": [float(t.site_lat[b]) for _, b in keys],
            "width": [1.5 + 1.2 * math.sqrt(routes[k]) for k in keys],
            "alpha": [0.9 if day - latest[k] <= RECENT else 0.3 for k in keys],
            "color": ["#9467bd" if kind == "relocation" else "#e377c2" for _ in keys],
        }
