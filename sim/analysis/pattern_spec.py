"""What a pattern must declare before it is measured, and how one measurement passes or fails.

Pattern-oriented validation (Grimm et al. 2005) only means something if a
pattern could have failed and was not used to set the model.  So every
pattern says, before any run (the registry, :mod:`sim.analysis.patterns`,
is committed before the results that use it):

- its **role**: ``validation`` (an observation the model was not set from:
  the only role that counts as evidence), ``calibration`` (a figure a
  parameter was set or tuned to), ``input`` (a figure the model is given,
  e.g. the nationality mix it draws arrestees from, so it returns what it
  was told) or ``claim`` (the article's conclusion that the model tests: it
  cannot also be evidence for itself);
- its **sources**: anchors in ``docs/sources.md``, and the citation;
- its **window**: the days after the scenario's day 0 in which the source
  saw it (e.g. ``(0, 30)``, the month after the July 2025 directive;
  ``(-19, 3)``, AP's count "since June 27" reported two days after it);
- a **two-sided allowed range** ``[lo, hi]`` set from the source, with the
  ``basis`` of each bound (a bound that is physical or assumed says so).

Roles other than ``validation`` must say ``why`` they are not counted, and a
pattern lists the config keys set from the same source
(``shares_source_with``): such a test is weaker than one on an independent
observation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.pattern_measures import Measure, Window
from sim.analysis.results import StudyResult
from sim.analysis.stats import mean_ci

#: Every role a pattern can have; only :data:`COUNTED_ROLE` counts as validation evidence.
ROLES = ("validation", "calibration", "input", "claim")
COUNTED_ROLE = "validation"
#: The scenario arm a pattern is measured on (``spec.scenarios`` of ``configs/experiment/validation.yaml``).
SCENARIOS = ("crackdown", "baseline", "cut")
#: How far before day 0 a window may start: a source's count that began before the directive (the July 2025
#: campaign began 19 days before it), within the warm-up of every world.
MAX_LEAD_DAYS = 60

__all__ = ["COUNTED_ROLE", "ROLES", "SCENARIOS", "Pattern", "evaluate"]


@dataclass(frozen=True)
class Pattern:
    """One observed pattern: what was seen, where and when, the allowed range, and how the model is measured."""

    name: str
    role: str  # one of ROLES
    scenario: str  # one of SCENARIOS
    observed: str  # what the source reports, in a few words
    sources: tuple[str, ...]  # anchors in docs/sources.md ("#july-campaign"), the first the main one
    citation: str  # outlet or author and date, as docs/sources.md gives them
    window: Window  # days [a, b) after the scenario's day 0 (the intervention day); a < 0 for counts begun before it
    window_note: str  # when the source saw it
    lo: float  # the measurement passes when lo <= mean <= hi
    hi: float
    basis: str  # where each bound comes from
    measure: Measure
    why: str = ""  # for roles other than validation: why the pattern is not evidence
    shares_source_with: tuple[str, ...] = ()  # config keys set from the same source

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"pattern {self.name}: role {self.role!r} is not one of {ROLES}")
        if self.scenario not in SCENARIOS:
            raise ValueError(f"pattern {self.name}: scenario {self.scenario!r} is not one of {SCENARIOS}")
        if not self.sources or not all(s.startswith("#") and len(s) > 1 for s in self.sources):
            raise ValueError(f"pattern {self.name}: sources must be anchors of docs/sources.md, e.g. '#july-campaign'")
        if not (math.isfinite(self.lo) and math.isfinite(self.hi) and self.lo < self.hi):
            raise ValueError(f"pattern {self.name}: the allowed range must be two-sided and finite, lo < hi")
        a, b = self.window
        if not -MAX_LEAD_DAYS <= a < b:
            raise ValueError(
                f"pattern {self.name}: window {self.window} must be days [a, b) after day 0 with -{MAX_LEAD_DAYS} <= a < b"
            )
        if self.role != COUNTED_ROLE and not self.why:
            raise ValueError(f"pattern {self.name}: a {self.role} pattern must say why it is not validation")
        if not (self.basis and self.observed and self.citation and self.window_note):
            raise ValueError(f"pattern {self.name}: observed, citation, window_note and basis are required")

    @property
    def counted(self) -> bool:
        """Whether the pattern can count as validation evidence at all (its role; discrimination decides the rest)."""
        return self.role == COUNTED_ROLE

    def values(self, res: StudyResult) -> np.ndarray:
        """One measurement per replication, in the pattern's window."""
        return self.measure(res, self.window)


def evaluate(pattern: Pattern, res: StudyResult) -> dict[str, Any]:
    """Measure ``pattern`` on ``res``: mean, 95% CI, n, replications that never got there, and pass/fail.

    Infinite measurements (a duration that never ended) are counted as
    ``never`` and fail the check; NaN ones (nothing to measure) are left out.
    ``measured`` is False when no replication gave a value: the pattern then
    fails, but says nothing about the mechanism (there was nothing to see).
    """
    values = pattern.values(res)
    finite = values[np.isfinite(values)]
    never = int(np.sum(np.isinf(values)))
    mean, lo, hi, n = mean_ci(finite)
    ok = n > 0 and pattern.lo <= mean <= pattern.hi and never == 0
    return {"mean": mean, "ci_low": lo, "ci_high": hi, "n": n, "never": never, "measured": n > 0 or never > 0, "pass": bool(ok)}
