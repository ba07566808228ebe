"""PRIM boxes of the design where the claim holds, and the share of hits with each lever on and off.

:func:`find_boxes` runs the EMA Workbench's PRIM (Friedman and Fisher 1999;
Bryant and Lempert 2010) on the design's inputs with the points that meet
the threshold as cases of interest, and reports from each peeling trajectory
one box by a stated rule (:func:`choose`), not by eye: the densest entry that
still covers at least ``coverage_min`` of the cases not yet in a box (ties:
fewer restricted dimensions, then more mass).  The densest box overfits, so
its restrictions that are not significant, quasi-p above ``qp_max`` (the
one-sided binomial test of Bryant and Lempert 2010), are then dropped one at
a time, least significant first (:func:`prune`); a box left with no
restriction is the whole space, not a finding, and ends the search.  Boxes
are peeled one after another on the points left outside the earlier ones,
at most ``max_boxes``.
When no point, or every point, meets the threshold there is nothing to
separate, and no box is made up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.runs.discovery_design import Variable

__all__ = ["choose", "find_boxes", "lever_shares"]


def choose(trajectory: Any, remaining: int, coverage_min: float, density_min: float) -> int | None:
    """The row of a peeling trajectory the study reports, or None when no row qualifies.

    Qualifying rows hold at least ``coverage_min`` of the ``remaining`` cases
    of interest and have density at least ``density_min``; of those, the
    densest, then the one with fewer restricted dimensions, then the larger.
    """
    best: tuple[float, int, float] | None = None
    pick = None
    for i, row in enumerate(trajectory.itertuples(index=False)):
        if remaining <= 0 or row.k / remaining < coverage_min or row.density < density_min:
            continue
        key = (float(row.density), -int(row.res_dim), float(row.mass))
        if best is None or key > best:
            best, pick = key, i
    return pick


def prune(box: Any, i: int, qp_max: float) -> tuple[int, list[str]]:
    """Drop the restrictions of trajectory row ``i`` with quasi-p above ``qp_max``, least significant first.

    Each drop appends the wider box to the trajectory (the EMA Workbench's
    ``drop_restriction``); returns the row of the last one and the names dropped.
    """
    box.select(i)
    dropped: list[str] = []
    while True:
        qp = box.qp[i]
        # a side left unrestricted has quasi-p -1; a dimension with no valid value is kept
        worst = {name: min((v for v in sides if v is not None and v >= 0), default=0.0) for name, sides in qp.items()}
        worst = {name: v for name, v in worst.items() if v > qp_max}
        if not worst:
            return i, dropped
        name = max(worst, key=lambda n: (worst[n], str(n)))
        box.drop_restriction(name, i)  # appends the wider box to the trajectory and selects it
        i = len(box.peeling_trajectory) - 1
        dropped.append(str(name))


def _plain(value: Any) -> Any:
    """numpy scalars and sets as JSON-ready values."""
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _limits(box: Any, i: int, full: Any) -> list[dict[str, Any]]:
    """The restricted dimensions of trajectory row ``i`` with their limits, full ranges and quasi-p values."""
    lims = box.box_lims[i]
    out = []
    for name, (qp_low, qp_high) in box.qp[i].items():
        lower, upper = lims[name].iloc[0], lims[name].iloc[1]
        entry: dict[str, Any] = {"name": str(name)}
        if isinstance(lower, (set, frozenset)):
            entry |= {"kind": "set", "values": _plain(lower), "all": _plain(full[name].iloc[0])}
        else:
            entry |= {"kind": "range", "lower": _plain(lower), "upper": _plain(upper)}
            entry |= {"min": _plain(full[name].iloc[0]), "max": _plain(full[name].iloc[1])}
        entry["qp_lower"] = None if qp_low is None or qp_low < 0 else float(qp_low)
        entry["qp_upper"] = None if qp_high is None or qp_high < 0 else float(qp_high)
        out.append(entry)
    return out


def _trajectory(box: Any) -> list[dict[str, Any]]:
    cols = ["coverage", "density", "mass", "res_dim", "n", "k"]
    return [
        {c: _plain(v) for c, v in zip(cols, row, strict=True)} for row in box.peeling_trajectory[cols].itertuples(index=False)
    ]


def find_boxes(
    x: Any,
    hit: np.ndarray,
    *,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    density_min: float = 0.5,
    coverage_min: float = 0.5,
    qp_max: float = 0.05,
    max_boxes: int = 3,
) -> dict[str, Any]:
    """PRIM on inputs ``x`` (a DataFrame) with cases of interest ``hit``: boxes, trajectories and why it stopped."""
    hit = np.asarray(hit, bool)
    result: dict[str, Any] = {"points": int(hit.size), "cases": int(hit.sum()), "boxes": [], "trajectories": []}
    if result["cases"] == 0:
        result["stopped"] = "no point meets the threshold: PRIM has nothing to find"
        return result
    if result["cases"] == hit.size:
        result["stopped"] = "every point meets the threshold: no restriction separates them"
        return result
    import importlib
    import logging

    # imported by name: ema_workbench ships no type information (py.typed), and pyproject's mypy
    # overrides do not list it
    prim = importlib.import_module("ema_workbench.analysis.prim")

    logging.getLogger("EMA").setLevel(logging.WARNING)
    # whole-number columns go in as floats: ema-workbench 2.5.3 pastes float limits into an int column,
    # which pandas >= 2 refuses; PRIM then peels them like any range (a count <= 2.0 is a count <= 2)
    x = x.astype({c: float for c in x.select_dtypes("integer").columns})
    p = prim.Prim(x, hit.astype(int), threshold=density_min, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min)
    remaining = result["cases"]
    result["stopped"] = f"max_boxes={max_boxes} boxes found"
    for _ in range(max_boxes):
        if remaining == 0:
            result["stopped"] = "every case of interest is in a box"
            break
        box = p.find_box()
        if box is None or float(box.peeling_trajectory["density"].iloc[-1]) < density_min:
            result["stopped"] = f"PRIM found no further box with density >= {density_min:g}"
            break
        traj = box.peeling_trajectory
        i = choose(traj, remaining, coverage_min, density_min)
        result["trajectories"].append(_trajectory(box))
        if i is None:
            result["stopped"] = f"no box on the next trajectory covers >= {coverage_min:g} of the {remaining} cases left"
            break
        j, dropped = prune(box, i, qp_max)
        row = box.peeling_trajectory.iloc[j]
        if int(row["res_dim"]) == 0:  # every restriction was noise: the "box" is the whole space, not a finding
            densest = traj.iloc[i]
            result["stopped"] = (
                f"the densest qualifying box (coverage {densest['coverage']:.2f}, density {densest['density']:.2f}, "
                f"{int(densest['res_dim'])} restricted dims: {', '.join(dropped)}) has no restriction with "
                f"quasi-p <= {qp_max:g}: no significant box"
            )
            break
        result["boxes"].append(
            {
                "box": len(result["boxes"]) + 1,
                "trajectory_row": i,  # the densest qualifying row, before the insignificant restrictions were dropped
                "densest": {
                    **{c: float(traj.iloc[i][c]) for c in ("coverage", "density", "mass")},
                    "res_dim": int(traj.iloc[i]["res_dim"]),
                },
                "dropped": dropped,
                "coverage": float(row["coverage"]),  # of all cases of interest
                "coverage_of_remaining": float(row["k"]) / remaining,
                "density": float(row["density"]),
                "mass": float(row["mass"]),
                "res_dim": int(row["res_dim"]),
                "n": int(row["n"]),
                "k": int(row["k"]),
                "restricted": _limits(box, j, p.box_init),
            }
        )
        remaining -= int(row["k"])
    return result


def _groups(var: Variable, column: Any) -> list[tuple[str, np.ndarray]]:
    values = column.to_numpy()
    if var.switchable:
        on = np.array([var.is_on(v) for v in values])
        return [("off", ~on), ("on", on)]
    if var.values:
        return [(str(v), values.astype(str) == str(v)) for v in var.values]
    mid = (var.low + var.high) / 2
    return [(f"< {mid:g}", values < mid), (f">= {mid:g}", values >= mid)]


def lever_shares(x: Any, hit: np.ndarray, levers: Sequence[Variable]) -> list[dict[str, Any]]:
    """Per lever and state (off/on, each choice, or the two halves of its range): points and share meeting the threshold.

    A lever that ``needs`` another is counted only where that one is on
    (the cut's substitutes matter only where there is a cut).
    """
    by_name = {v.name: v for v in levers}
    rows = []
    for var in levers:
        where = np.ones(len(x), bool)
        if var.needs:
            need = by_name[var.needs]
            where = np.array([need.is_on(v) for v in x[need.name].to_numpy()])
        for state, mask in _groups(var, x[var.name]):
            sel = mask & where
            n = int(sel.sum())
            rows.append(
                {
                    "lever": var.name,
                    "state": state,
                    "where": f"{var.needs} on" if var.needs else "all points",
                    "points": n,
                    "meet": int(hit[sel].sum()),
                    "share": float(hit[sel].mean()) if n else math.nan,
                }
            )
    return rows
