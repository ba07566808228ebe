"""Bokeh figures of a study: network revenue against the counterfactual, revenue by site, arrests.

Bokeh rather than matplotlib images because the figures stay interactive in
the browser (hover, zoom, toggling lines from the legend) and Panel serves
Bokeh's JavaScript from the explorer's own server, so nothing is fetched
from the Internet in a classroom without one.
"""

from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool
from bokeh.models.annotations import BoxAnnotation, Span
from bokeh.models.ranges import DataRange1d, FactorRange
from bokeh.palettes import Category10_10
from bokeh.plotting import figure

from sim.analysis.results import StudyResult
from sim.explore import series

HEIGHT = 300


def _frame(title: str, y_label: str, height: int = HEIGHT) -> figure:
    fig = figure(
        title=title,
        height=height,
        sizing_mode="stretch_width",
        x_axis_label="days since the intervention",
        y_axis_label=y_label,
        tools="pan,box_zoom,wheel_zoom,reset,save",
        toolbar_location="right",
    )
    fig.add_layout(Span(location=0, dimension="height", line_color="red", line_dash="dashed", line_width=1))
    return fig


def _raids(fig: figure, study: StudyResult) -> None:
    for start, end in series.raid_windows(study):
        fig.add_layout(BoxAnnotation(left=start, right=end, fill_color="red", fill_alpha=0.07))


def revenue(study: StudyResult, title: str = "") -> figure:
    """Network revenue, mean and 95% band over replications, with the no-intervention arm when there is one."""
    days = series.days_axis(study)
    n = len(study.replications)
    fig = _frame(title or f"Network revenue ({n} replications, 7-day mean)", "USD million / day")
    _raids(fig, study)
    arms = [("scenario", study.config.scenario.name, "black")]
    if study.counterfactual is not None:
        arms.append(("counterfactual", "no intervention (paired arm)", "#1f77b4"))
    for arm, label, color in arms:
        mean, lo, hi = series.revenue_band(study, arm)
        src = ColumnDataSource({"day": days, "mean": mean, "lo": lo, "hi": hi})
        fig.varea("day", "lo", "hi", source=src, fill_color=color, fill_alpha=0.15, legend_label=f"{label}: 95% CI")
        fig.line("day", "mean", source=src, line_color=color, line_width=2, legend_label=f"{label}: mean")
    fig.add_tools(
        HoverTool(tooltips=[("day", "@day"), ("mean", "@mean{0.00}"), ("95% CI", "@lo{0.00} - @hi{0.00}")], mode="vline")
    )
    fig.legend.location = "top_left"
    fig.legend.click_policy = "hide"
    fig.legend.label_text_font_size = "8pt"
    return fig


def by_site(study: StudyResult) -> figure:
    """Mean revenue of each site: where the money went when compounds moved."""
    days = series.days_axis(study)
    fig = _frame("Revenue by site (scenario arm, mean over replications)", "USD million / day")
    _raids(fig, study)
    for i, (name, values) in enumerate(series.revenue_by_site(study).items()):
        fig.line(days, values, line_color=Category10_10[i % 10], line_width=2, legend_label=name)
    fig.legend.location = "top_left"
    fig.legend.click_policy = "hide"
    fig.legend.label_text_font_size = "8pt"
    return fig


def arrests(study: StudyResult) -> tuple[figure, figure]:
    """Who was arrested: by rank, and workers by nationality (means per replication)."""
    ranks = series.arrests_by_rank(study)
    rank = figure(
        title="People arrested, by rank (mean per replication)",
        x_range=FactorRange(factors=list(ranks)),
        y_range=DataRange1d(start=0),
        height=HEIGHT,
        sizing_mode="stretch_width",
        tools="save",
        toolbar_location=None,
    )
    src = ColumnDataSource({"rank": list(ranks), "n": list(ranks.values())})
    rank.vbar(x="rank", top="n", width=0.6, source=src, color="#8c564b")
    rank.add_tools(HoverTool(tooltips=[("rank", "@rank"), ("arrested", "@n{0.0}")]))
    rows = series.arrests_by_nationality(study)
    names = [n for n, _ in rows][::-1] or ["none"]
    nat = figure(
        title="Workers arrested, by nationality (mean per replication)",
        y_range=FactorRange(factors=names),
        x_range=DataRange1d(start=0),
        height=max(HEIGHT, 22 * len(names)),
        sizing_mode="stretch_width",
        tools="save",
        toolbar_location=None,
    )
    nsrc = ColumnDataSource({"nationality": names, "n": [v for _, v in rows][::-1] or [0.0]})
    nat.hbar(y="nationality", right="n", height=0.7, source=nsrc, color="#9467bd")
    nat.add_tools(HoverTool(tooltips=[("nationality", "@nationality"), ("arrested", "@n{0.0}")]))
    return rank, nat
