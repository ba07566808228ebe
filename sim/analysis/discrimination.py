"""Which patterns could have failed: the discrimination check of pattern-oriented validation.

A pattern that passes whatever the model does is no test.  So each pattern is
measured not only on the model as it is (arm :data:`DEFAULTS`) but on arms
that should break it: the no-intervention baseline (:data:`NO_INTERVENTION`:
a crackdown or cut pattern read on the run without the crackdown or cut) and
each mechanism knockout (one mechanism switched off through its config
switch).  The rule, fixed before any result was read:

- an arm **discriminates** a pattern when the pattern fails there *with a
  measurement* (at least one replication gave a value); a pattern that cannot
  be measured on an arm (no raid on the baseline, so no raid to measure) fails
  but shows nothing, and is listed as ``not_measured`` instead;
- a failure is **clear** when the arm's 95% CI lies wholly outside the
  allowed range (or some replication never got there), **marginal** when the
  CI reaches into it: a marginal failure may be seed noise;
- a pattern **discriminates** when at least one arm other than the defaults
  discriminates it (issue 12: it fails on the no-intervention baseline or
  under at least one knockout);
- it is **counted** as evidence only if it is a ``validation`` pattern and
  discriminates.  Calibration targets, inputs and the claim are listed with
  their arms, never counted.

Whether the defaults pass is reported beside it, not folded in: a
discriminating pattern the defaults fail is a real test the model fails.
For such a pattern the arms it fails on show only that it can fail; the
arms it *passes* on (``passes_on``: the knockout fits the observation
better than the model) point to the mechanism behind the miss.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.analysis.pattern_spec import Pattern

#: The arm of the model as configured, and the arm read on the no-intervention run.
DEFAULTS = "defaults"
NO_INTERVENTION = "no_intervention"

Table = Mapping[str, Mapping[str, Mapping[str, Any]]]  # arm -> pattern -> evaluate() result

__all__ = ["DEFAULTS", "NO_INTERVENTION", "Table", "clear_failure", "count", "discrimination"]


def clear_failure(pattern: Pattern, result: Mapping[str, Any]) -> bool:
    """Whether a failed measurement lies wholly outside the allowed range (its CI does not reach into it)."""
    if result.get("never", 0):
        return True
    lo, hi = result.get("ci_low", math.nan), result.get("ci_high", math.nan)
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        mean = result.get("mean", math.nan)
        return mean is not None and math.isfinite(mean) and not pattern.lo <= mean <= pattern.hi
    return hi < pattern.lo or lo > pattern.hi


def _measured(result: Mapping[str, Any]) -> bool:
    return bool(result.get("n", 0)) or bool(result.get("never", 0))


def discrimination(table: Table, patterns: Sequence[Pattern]) -> dict[str, dict[str, Any]]:
    """Per pattern: the arms it fails on (clear or marginal), those it cannot be measured on, and whether it counts.

    Arms are taken in the table's order; :data:`DEFAULTS` must be one of them.
    A pattern missing from an arm (the no-intervention arm of a pattern that
    is itself measured without intervention) is not applicable there.
    """
    if DEFAULTS not in table:
        raise ValueError(f"the table has no {DEFAULTS!r} arm")
    out: dict[str, dict[str, Any]] = {}
    for p in patterns:
        fails, clear, unmeasured, passes = [], [], [], []
        for arm, results in table.items():
            if arm == DEFAULTS or p.name not in results:
                continue
            r = results[p.name]
            if r["pass"]:
                passes.append(arm)
                continue
            if not _measured(r):
                unmeasured.append(arm)
                continue
            fails.append(arm)
            if clear_failure(p, r):
                clear.append(arm)
        discriminates = bool(fails)
        out[p.name] = {
            "role": p.role,
            "passes_defaults": bool(table[DEFAULTS][p.name]["pass"]),
            "fails_on": fails,
            "clear": clear,
            "marginal": [a for a in fails if a not in clear],
            "not_measured": unmeasured,
            "passes_on": passes,
            "discriminates": discriminates,
            "counted": p.counted and discriminates,
        }
    return out


def count(found: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """How many validation patterns there are, discriminate (are counted), and of those pass on the defaults."""
    validation = [d for d in found.values() if d["role"] == "validation"]
    counted = [d for d in validation if d["counted"]]
    return {
        "validation": len(validation),
        "counted": len(counted),
        "counted_passing": sum(1 for d in counted if d["passes_defaults"]),
        "not_discriminating": len(validation) - len(counted),
        "not_counted_roles": len(found) - len(validation),
    }
