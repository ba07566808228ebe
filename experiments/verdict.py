"""Write ``results/verdict.md`` from the result files, so no number in the verdict is typed by hand.

    python experiments/verdict.py                 # reads results/, writes results/verdict.md and verdict_derived.json
    python experiments/verdict.py --results DIR   # another folder of result files (e.g. a quick run)

It reads what the study scripts wrote: ``scenarios.csv``, ``claim.csv`` and
``phase.csv`` (``experiments/reproduce.py``), ``region.json``
(``experiments/region.py``), ``calibration_fit.json`` and
``calibration.json`` (``experiments/calibrate.py``), ``validation_data.json``
(``experiments/validate.py``), ``targeting.json``
(``experiments/targeting.py``) and, for what changed, ``v1/scenarios.csv``
(the version-1 reference results of commit be57518, copied unchanged).

The sections are ``verdict_sections.py``; what each read and derived is
``verdict_sources.Section``.  Every number is one of ``verdict_numbers.FORMATTERS`` applied to a value of
those files, or to a value derived from them (a count, a difference) or
taken from the code (a threshold), which is first written with its rule to
``verdict_derived.json``; ``tests/test_verdict_numbers.py`` finds every
number of the verdict again in the files of its section.  Every judgement
("lasting", "recovers", "the CI excludes 0") is computed here from those
numbers with the thresholds stated in the text.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from verdict_numbers import logged, pct, whole
from verdict_sections import (
    Constants,
    changed_section,
    claim_section,
    discovery_section,
    fit_section,
    headline,
    limits_section,
    phase_section,
    read_csv,
    region_section,
    scenario_section,
    sensitivity_section,
    targeting_section,
    uncertainty_section,
)
from verdict_sources import Section, model_age

from sim.runs.atomic import atomic_write, write_json

ROOT = Path(__file__).resolve().parents[1]


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path.resolve())


def render(res: Path) -> tuple[str, dict[str, Any]]:
    """The verdict's text and the record of what each section was rendered from (``verdict_derived.json``)."""
    v1_path = res / "v1" / "scenarios.csv"
    if not v1_path.exists():
        v1_path = ROOT / "results" / "v1" / "scenarios.csv"
    paths = {
        name: res / name
        for name in (
            "scenarios.csv",
            "region.json",
            "claim.csv",
            "phase.csv",
            "calibration_fit.json",
            "calibration.json",
            "validation_data.json",
            "targeting.json",
            "uncertainty.json",
            "discovery.json",
            "sensitivity.json",
            "fig1_revenue_by_scenario.json",
        )
    }
    rows = {r["scenario"]: r for r in read_csv(paths["scenarios.csv"])}
    v1 = {r["scenario"]: r for r in read_csv(v1_path)}
    region = json.loads(paths["region.json"].read_text())
    calibration = json.loads(paths["calibration.json"].read_text())
    study = json.loads(paths["fig1_revenue_by_scenario.json"].read_text())["study"]
    validation = json.loads(paths["validation_data.json"].read_text())
    sens = json.loads(paths["sensitivity.json"].read_text())  # a study made before issue 12 has no "N": section 9 waits for it
    k = Constants()

    def section(heading: str, *names: str) -> Section:
        return Section(heading, [_rel(paths[n]) if n in paths else _rel(v1_path) for n in names])

    head = section("", "fig1_revenue_by_scenario.json")
    answer = section("## The answer", "scenarios.csv", "region.json", "uncertainty.json", "discovery.json")
    s1 = section("## 1. What changed from version 1", "v1/scenarios.csv", "scenarios.csv")
    s2 = section("## 2. Every scenario against its counterfactual", "scenarios.csv")
    s3 = section("## 3. Where the claim holds and where it breaks", "region.json")
    s4 = section("## 4. Raids against targeting protection and infrastructure, at an equal budget", "claim.csv")
    s5 = section("## 5. Raid intensity against protection", "phase.csv")
    s6 = section(
        "## 6. How well the calibrated model reproduces the July 2025 wave, and which patterns test it",
        "calibration_fit.json",
        "calibration.json",
        "validation_data.json",
    )
    s7 = section("## 7. Targeting the network: which removals hurt it, and does adaptation undo them?", "targeting.json")
    s8 = section("## 8. Seed noise and parameter uncertainty", "uncertainty.json")
    s9 = section("## 9. What the answer is most sensitive to (Sobol)", "sensitivity.json")
    s10 = section("## 10. Where the claim breaks: scenario discovery", "discovery.json")
    limits = section("## What this verdict cannot yet say", "calibration.json")

    def preamble() -> list[str]:
        return [
            "# Does a raid-only crackdown leave the network to relocate and recover? (model version 2)",
            "",
            f"*Generated by `python experiments/verdict.py` from the files in `results/` (seed {whole(study['seed'])}, "
            "Cambodia world unless stated; what each section read, derived and wrote: `verdict_derived.json`); edit the "
            "script, not this file. Effects are measured against the paired no-intervention arm (same seeds and "
            f"replication indices) on the calibrated world (`+posterior=july_2025`, the ABC-SMC calibrated point); intervals are "
            f"{pct(k.ci_level)} CIs over replications and carry seed noise; section 8 adds parameter uncertainty (every "
            "replication at its own posterior draw) and says which part of each interval is which.*",
            "",
        ]

    plan: list[tuple[Section, Callable[[], list[str]]]] = [
        (head, preamble),
        (
            answer,
            lambda: headline(
                rows,
                region,
                answer,
                k,
                json.loads(paths["uncertainty.json"].read_text()),
                json.loads(paths["discovery.json"].read_text()),
            ),
        ),
        (s1, lambda: changed_section(v1, rows)),
        (s2, lambda: scenario_section(rows, s2, k)),
        (s3, lambda: region_section(region, s3, k)),
        (s4, lambda: claim_section(read_csv(paths["claim.csv"]), k)),
        (s5, lambda: phase_section(read_csv(paths["phase.csv"]), s5, k)),
        (s6, lambda: fit_section(json.loads(paths["calibration_fit.json"].read_text()), calibration, validation, k)),
        (s7, lambda: targeting_section(json.loads(paths["targeting.json"].read_text()), s7, k)),
        (s8, lambda: uncertainty_section(json.loads(paths["uncertainty.json"].read_text()), s8, k)),
        *([(s9, lambda: sensitivity_section(sens, s9, k))] if "N" in sens else []),
        (s10, lambda: discovery_section(json.loads(paths["discovery.json"].read_text()), s10, k)),
        (limits, lambda: limits_section(calibration, model_age(res, ROOT))),
    ]
    parts = []
    for sec, make in plan:
        with logged() as log:
            lines = make()
        if sec.heading and lines[0] != sec.heading:
            raise AssertionError(f"section {sec.heading!r} renders under {lines[0]!r}")
        sec.numbers = [list(entry) for entry in log]
        parts.append(lines)
    record = {"constants": k.record(), "sections": [sec.record() for sec, _ in plan]}
    return "\n".join(line for part in parts for line in part), record


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--results", type=Path, default=ROOT / "results", help="folder of result files (default results/)")
    args = ap.parse_args(argv)
    text, record = render(args.results)
    derived = write_json(args.results / "verdict_derived.json", record, default=float)
    out = atomic_write(args.results / "verdict.md", text)
    print(f"wrote {derived}, {out}")


if __name__ == "__main__":
    main()
