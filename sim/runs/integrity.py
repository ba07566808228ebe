"""What a study must satisfy before its files may say ``complete``, and what it must own up to.

:func:`check_finite` refuses results with values that cannot be numbers of
the model: any infinity, and NaN in the time series and event tables (whose
every cell is a count, an amount or a level).  Summary columns may be NaN:
an empty cell there means "never" or "not defined" (no recovery, no arrests).
:func:`precision_report` says whether a ``replications=auto`` study reached
its target half-width or stopped at ``precision.max_replications`` first.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.analysis.results import StudyResult
from sim.runs.study import half_width

__all__ = ["NonFiniteResults", "check_finite", "precision_report", "precision_warning"]


class NonFiniteResults(ValueError):
    """A study produced infinite or undefined values where the output contract needs numbers."""


def check_finite(study: StudyResult) -> None:
    """Raise :class:`NonFiniteResults` naming the first table and column with a value that must be finite."""
    for name, allow_nan in (("summary", True), ("timeseries", False), ("events", False)):
        table = getattr(study, name)
        for column in table.dtype.names or ():
            if table.dtype[column].kind not in "fc":
                continue
            values = table[column]
            bad = np.isinf(values) if allow_nan else ~np.isfinite(values)
            if bad.any():
                first = values[bad][0]
                raise NonFiniteResults(
                    f"{name}.{column} has {int(bad.sum())} non-finite value(s) (first: {first}); "
                    "the results are not numbers the model can mean, so the run is not marked complete"
                )


def precision_report(study: StudyResult) -> dict[str, Any] | None:
    """For ``replications=auto``: the target half-width, the one achieved, and whether it was met.

    The criterion is :func:`sim.runs.study._run_until_precise`'s: the 95% CI
    half-width of ``precision.metric`` against ``precision.half_width`` (times
    the mean's magnitude when ``precision.relative``).
    """
    cfg = study.config
    if cfg.replications != "auto":
        return None
    prec = cfg.precision
    values = np.array([s[prec.metric] for s in study.summaries], float)
    scale = 1.0
    if prec.relative:
        finite = values[np.isfinite(values)]
        scale = abs(float(finite.mean())) if finite.size else math.nan
    target = prec.half_width * scale
    width = half_width(values)
    return {
        "metric": prec.metric,
        "target": _number(target),
        "half_width": _number(width),
        "relative": prec.relative,
        "met": bool(width <= target),
        "replications": int(values.size),
        "max_replications": prec.max_replications,
    }


def precision_warning(report: dict[str, Any] | None) -> str | None:
    """One line when a ``replications=auto`` study stopped short of its target, else None."""
    if report is None or report["met"]:
        return None
    width = "undefined" if report["half_width"] is None else f"{report['half_width']:.4g}"
    target = "undefined" if report["target"] is None else f"{report['target']:.4g}"
    return (
        f"replications=auto stopped at precision.max_replications={report['max_replications']} "
        f"before reaching its target: 95% CI half-width of {report['metric']} is {width}, target {target} "
        "(summary.json precision.met = false)"
    )


def _number(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
