"""The validation study: every pattern on the model, on the no-intervention run and under each mechanism knockout.

Every pattern of :mod:`sim.analysis.patterns` is measured on the study's
config (arm ``defaults``: mean and 95% CI over replications) in the scenario
it speaks about, then read on the no-intervention run (arm
``no_intervention``) and again with each knockout of ``spec.knockouts`` (one
mechanism switched off through its config switch).  Which arms each pattern
fails on decides whether it discriminates
(:mod:`sim.analysis.discrimination`); the report is
:mod:`sim.runs.validation_report`.  The small world (quick mode) is not
calibrated to the July 2025 counts, so there the calibration targets are
expected to fail.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sim.analysis.discrimination import DEFAULTS, NO_INTERVENTION, count, discrimination
from sim.analysis.patterns import PATTERNS, evaluate
from sim.analysis.results import StudyResult
from sim.runs.atomic import atomic_write, write_json
from sim.runs.experiment import Study, base_overrides, run_many
from sim.runs.provenance import write_sidecar
from sim.runs.validation_report import report

SCRIPT = "experiments/validate.py"

__all__ = ["SCRIPT", "arm_overrides", "arms", "measure", "registry", "rerender", "validate"]


def arms(study: Study) -> dict[str, list[str]]:
    """Arm -> the overrides it adds: the defaults (none) and each knockout, in the study's order."""
    return {DEFAULTS: [], **{k: [str(o) for o in v] for k, v in study.spec["knockouts"].items()}}


def arm_overrides(study: Study, arm: str, scenario: str) -> list[str]:
    """The overrides of one run: the study's base, the scenario of ``spec.scenarios[scenario]``, the arm's switches.

    The no-intervention arm is the defaults' run of the ``baseline`` scenario.
    """
    names = study.spec["scenarios"]
    if arm == NO_INTERVENTION:
        return [*base_overrides(study), f"scenario={names['baseline']}"]
    return [*base_overrides(study), f"scenario={names[scenario]}", *arms(study)[arm]]


def measure(study: Study, jobs: int, say: Callable[[str], None] = print) -> dict[str, dict[str, dict[str, Any]]]:
    """Arm -> pattern -> :func:`~sim.analysis.patterns.evaluate` result, for the defaults, no intervention and each knockout."""
    scenarios = list(study.spec["scenarios"])
    keys = [(arm, s) for arm in arms(study) for s in scenarios]
    runs: dict[tuple[str, str], StudyResult] = dict(
        zip(keys, run_many([arm_overrides(study, a, s) for a, s in keys], jobs), strict=True)
    )
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for arm in arms(study):
        table[arm] = {p.name: evaluate(p, runs[(arm, p.scenario)]) for p in PATTERNS}
        if arm == DEFAULTS:
            # the same patterns read on the run without any intervention (not for those measured there already)
            base = runs[(DEFAULTS, "baseline")]
            table[NO_INTERVENTION] = {p.name: evaluate(p, base) for p in PATTERNS if p.scenario != "baseline"}
    for arm, results in table.items():
        say(f"{arm}: {sum(r['pass'] for r in results.values())}/{len(results)} patterns pass")
    return table


def registry() -> dict[str, dict[str, Any]]:
    """The declarations of every pattern, as the report and the verdict read them."""
    return {
        p.name: {
            "role": p.role,
            "scenario": p.scenario,
            "observed": p.observed,
            "sources": list(p.sources),
            "citation": p.citation,
            "window": list(p.window),
            "window_note": p.window_note,
            "lo": p.lo,
            "hi": p.hi,
            "basis": p.basis,
            "why": p.why,
            "shares_source_with": list(p.shares_source_with),
        }
        for p in PATTERNS
    }


def _write(out: Path, data: dict[str, Any]) -> list[Path]:
    data_file = write_json(out / "validation_data.json", data, default=float)
    return [data_file, atomic_write(out / "validation.md", report(data))]


def rerender(out: Path) -> list[Path]:
    """Recompute the discrimination and rewrite the report from ``validation_data.json``'s measurements, without a run.

    Refused when the registry's declarations differ from those the measurements
    were made under (a range moved after the run would be a result-fitted
    range).  The sidecar ``validation.json`` is left as the run wrote it: it
    records the commit the measurements were made at.
    """
    data = json.loads((out / "validation_data.json").read_text())
    if data["patterns"] != json.loads(json.dumps(registry(), default=float)):
        raise ValueError("the pattern registry changed since these measurements: rerun python experiments/validate.py")
    found = discrimination(data["arms"], PATTERNS)
    return _write(out, data | {"discrimination": found, "counts": count(found)})


def validate(study: Study, out: Path, jobs: int, say: Callable[[str], None] = print) -> list[Path]:
    """Run the study; write ``validation_data.json``, ``validation.md`` and its sidecar ``validation.json``."""
    load_start, start = os.getloadavg(), time.perf_counter()
    table = measure(study, jobs, say)
    found = discrimination(table, PATTERNS)
    run: Mapping[str, Any] = {
        "world": study.config.world.name,
        "replications": study.config.replications,
        "seed": study.config.seed,
        "scenarios": dict(study.spec["scenarios"]),
        "knockouts": arms(study),
        "jobs": jobs,
        "cpu_count": os.cpu_count(),
        "wall_time_s": time.perf_counter() - start,
        "load_start": list(load_start),
        "load_end": list(os.getloadavg()),
        "command": f"python {SCRIPT}" + (" --quick" if study.quick else ""),
    }
    data = {"run": dict(run), "patterns": registry(), "arms": table, "discrimination": found, "counts": count(found)}
    files = _write(out, data)
    return [*files, write_sidecar(files[1], study.record(), note="measurements: validation_data.json")]
