"""The page's text panes as HTML: the headline numbers, the terminal's table, the commands.

Numbers carry their exact value in a ``data-mean`` attribute beside the
text the CLI would print, and every element a test or an instructor's
instructions refer to has a class of its own (``headline-value``,
``command``, ``headline-table``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from sim.analysis.results import StudyResult
from sim.explore import series
from sim.explore.levers import command


def _mean_attr(x: float) -> str:
    return "nan" if math.isnan(x) else repr(float(x))


def headline(study: StudyResult, label: str, tag: str) -> str:
    """The page's headline number for one policy: the metric, its mean as the CLI prints it, its 95% CI."""
    s = series.stat(study, series.headline_metric(study))
    n = len(study.replications)
    return (
        f'<div class="headline headline-{tag}" style="margin:4px 12px 4px 0">'
        f'<div style="font-size:0.85em;color:#555">{html.escape(label)}: {html.escape(s.label)} '
        f"(<code>{s.metric}</code>)</div>"
        f'<span class="headline-value" data-metric="{s.metric}" data-mean="{_mean_attr(s.mean)}" '
        f'style="font-size:2.2em;font-weight:bold">{s.text}</span> '
        f'<span class="headline-ci" style="font-size:1.1em">{s.ci_text}</span>'
        f'<div style="font-size:0.8em;color:#555">mean and 95% CI over {n} replication{"s" if n != 1 else ""}'
        f"{' (below 5: read the interval with care)' if n < 5 else ''}</div></div>"
    )


def headline_table(study: StudyResult, tag: str) -> str:
    """The CLI's terminal table (same metrics, order and number format) as an HTML table."""
    rows = []
    for s in series.headline_stats(study):
        rows.append(
            f'<tr data-metric="{s.metric}"><td><code>{s.metric}</code></td><td>{html.escape(s.label)}</td>'
            f'<td class="mean" data-mean="{_mean_attr(s.mean)}" style="text-align:right">{s.text}</td><td>{s.ci_text}</td></tr>'
        )
    return (
        f'<table class="headline-table headline-table-{tag}" style="font-size:0.85em;border-collapse:collapse">'
        "<tr><th>metric</th><th>what it is</th><th>mean</th><th>95% CI</th></tr>" + "".join(rows) + "</table>"
    )


def commands(overrides: Sequence[Sequence[str]], labels: Sequence[str]) -> str:
    """The command line of each policy on screen, one ``<pre class="command">`` each."""
    parts = []
    for label, ov in zip(labels, overrides, strict=True):
        parts.append(
            f'<div style="font-size:0.85em;color:#555">{html.escape(label)}: the same run from a terminal</div>'
            f'<pre class="command" style="white-space:pre-wrap;background:#f4f4f4;padding:6px;margin:2px 0 8px 0">'
            f"{html.escape(command(ov))}</pre>"
        )
    return "".join(parts)


def pending(overrides: Sequence[Sequence[str]], labels: Sequence[str]) -> str:
    """The note shown when the controls no longer match the results on screen."""
    cmds = "<br>".join(
        f"{html.escape(label)}: <code>{html.escape(command(ov))}</code>" for label, ov in zip(labels, overrides, strict=True)
    )
    return f'<div class="pending" style="color:#a15c00;font-size:0.85em">The controls changed since this run: press Run to see them.<br>{cmds}</div>'


def paired_table(rows: Sequence[dict[str, str | float]]) -> str:
    """Policy B minus policy A, paired by replication, as an HTML table."""
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(k)}</th>" for k in rows[0])
    body = "".join(
        f'<tr data-metric="{html.escape(str(r["metric"]))}">'
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in r.values())
        + "</tr>"
        for r in rows
    )
    return (
        '<table class="paired-table" style="font-size:0.85em;border-collapse:collapse">'
        f"<tr>{head}</tr>{body}</table>"
        '<div style="font-size:0.8em;color:#555">Paired: replication k of A against replication k of B (same seed, '
        "common random numbers); "
        "&quot;B higher/lower&quot; when the paired 95% CI excludes 0.  The unpaired (Welch) CI is there for contrast: "
        "pairing is what makes the difference visible with few replications.</div>"
    )
