"""The protection network on a chosen day: which boss pays which protector, and who is still there.

Protectors sit on the top row (size by strength, grey once removed),
bosses on the bottom row grouped by their home site (colour by status:
active, abroad, arrested, exited), and a line joins a boss to each
protector he pays that day.  Under each site group is the site's protection
level that day, the share of a raid's force the network turns away
(``protection`` in ``timeseries.csv``).  As with the map, the figure is built
once and the day slider only replaces its columns.
"""

from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool
from bokeh.models.annotations import LabelSet
from bokeh.models.ranges import Range1d
from bokeh.plotting import figure

from sim.explore.trace import Trace

BOSS_COLOURS = {"active": "#333333", "abroad": "#ff7f0e", "arrested": "#d62728", "exited": "#bbbbbb"}


class NetworkView:
    """The protection network figure of one trace and the method that moves it to another day."""

    def __init__(self, trace: Trace, title: str = "") -> None:
        self.trace = trace
        self.edges = ColumnDataSource({"xs": [], "ys": []})
        self.bosses = ColumnDataSource({})
        self.protectors = ColumnDataSource({})
        self.sites = ColumnDataSource({})
        self.figure = figure(
            title=title or "Protection network",
            height=420,
            sizing_mode="stretch_width",
            x_range=Range1d(start=-1.0, end=1.0 + self._width()),
            y_range=Range1d(start=-0.9, end=1.5),
            tools="pan,wheel_zoom,reset,save",
        )
        fig = self.figure
        fig.axis.visible = False
        fig.grid.visible = False
        fig.multi_line("xs", "ys", source=self.edges, line_color="#9467bd", line_alpha=0.6, line_width=1.5)
        p = fig.scatter("x", "y", size="size", marker="diamond", source=self.protectors, fill_color="colour", line_color="black")
        b = fig.scatter("x", "y", size=11, source=self.bosses, fill_color="colour", line_color="black")
        fig.add_layout(
            LabelSet(x="x", y="y", text="name", source=self.protectors, y_offset=14, text_font_size="8pt", text_align="center")
        )
        fig.add_layout(LabelSet(x="x", y="y", text="label", source=self.sites, text_font_size="8pt", text_align="center"))
        fig.add_tools(
            HoverTool(renderers=[p], tooltips=[("protector", "@name"), ("strength", "@strength{0.00}"), ("status", "@state")])
        )
        fig.add_tools(HoverTool(renderers=[b], tooltips=[("boss", "@name"), ("status", "@state"), ("protectors paid", "@paid")]))
        self.show_day(0)

    def _width(self) -> float:
        return float(max(len(self.trace.boss_names), len(self.trace.protector_names), 2) - 1)

    def _boss_x(self) -> list[float]:
        """Bosses left to right by home site, then by index: a site's bosses stand together."""
        t = self.trace
        order = sorted(range(len(t.boss_names)), key=lambda b: (t.boss_home[b], b))
        scale = self._width() / max(len(order) - 1, 1)
        x = [0.0] * len(order)
        for rank, b in enumerate(order):
            x[b] = rank * scale
        return x

    def _protector_x(self, boss_x: list[float]) -> list[float]:
        """Protectors above the middle of the bosses of their sites, then spread so none overlap."""
        t = self.trace
        wanted = []
        for sites in t.protector_sites:
            xs = [boss_x[b] for b in range(len(t.boss_names)) if t.boss_home[b] in sites]
            wanted.append(sum(xs) / len(xs) if xs else 0.0)
        order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
        scale = self._width() / max(len(order) - 1, 1)
        x = [0.0] * len(order)
        for rank, i in enumerate(order):
            x[i] = rank * scale
        return x

    def show_day(self, day: int) -> None:
        t = self.trace
        day = int(min(max(day, 0), t.days - 1))
        links = t.links_at(day)
        bx = self._boss_x()
        px = self._protector_x(bx)
        n_b = min(len(links.boss_status), len(t.boss_names))
        n_p = min(len(links.protector_active), len(t.protector_names))
        paid = {b: 0 for b in range(n_b)}
        xs, ys = [], []
        for b, p in sorted(links.pairs):
            if b < n_b and p < n_p:
                xs.append([bx[b], px[p]])
                ys.append([0.0, 1.0])
                paid[b] += 1
        self.edges.data = {"xs": xs, "ys": ys}
        self.bosses.data = {
            "x": [bx[b] for b in range(n_b)],
            "y": [0.0] * n_b,
            "name": t.boss_names[:n_b],
            "state": list(links.boss_status[:n_b]),
            "colour": [BOSS_COLOURS.get(s, "#000000") for s in links.boss_status[:n_b]],
            "paid": [paid[b] for b in range(n_b)],
        }
        self.protectors.data = {
            "x": px[:n_p],
            "y": [1.0] * n_p,
            "size": [10 + 22 * s for s in t.protector_strength[:n_p]],
            "name": t.protector_names[:n_p],
            "strength": t.protector_strength[:n_p],
            "state": ["active" if a else "removed" for a in links.protector_active[:n_p]],
            "colour": ["#9467bd" if a else "#cccccc" for a in links.protector_active[:n_p]],
        }
        level = t.result.series["protection"][day]
        groups: dict[int, list[float]] = {}
        for b in range(len(t.boss_names)):
            groups.setdefault(t.boss_home[b], []).append(bx[b])
        self.sites.data = {
            "x": [sum(v) / len(v) for v in groups.values()],
            "y": [-0.45] * len(groups),
            "label": [f"{t.site_names[s]}\nprotection {level[s]:.2f}" for s in groups],
        }
