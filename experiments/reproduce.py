"""Regenerate every figure and table in ``results/`` from the study configs.

    python experiments/reproduce.py            # full: Cambodia world, 10-30 replications
    python experiments/reproduce.py --quick    # small world, few replications (CI)
    python experiments/reproduce.py --only claim --out /tmp/results

Each study is a YAML file in ``experiments/studies/``; each figure is written
with a JSON sidecar recording the study config, seed, replications, git
commit and package versions, so any figure can be traced to how it was made.
Runs are spread over the machine's cores with joblib; a replication's numbers
do not depend on which process ran it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from omegaconf import OmegaConf

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plots

from sim import compose, run
from sim.compare import paired
from sim.metrics import SUMMARY_COLUMNS
from sim.output import git_commit, version
from sim.study import StudyResult

HERE = Path(__file__).resolve().parent
STUDIES = HERE / "studies"
PACKAGES = ("simpy", "numpy", "scipy", "matplotlib", "hydra-core", "omegaconf", "joblib")


def load_study(name: str, quick: bool) -> dict:
    study = OmegaConf.to_container(OmegaConf.load(STUDIES / f"{name}.yaml"), resolve=True)
    quick_part = study.pop("quick", {})
    if quick:
        study.update(quick_part)
    study["mode"] = "quick" if quick else "full"
    return study


def sidecar(path: Path, study: dict, **extra: object) -> None:
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    info = {
        "figure": path.name,
        "study": study,
        "scamsim_version": version(),
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "packages": versions,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **extra,
    }
    path.with_suffix(".json").write_text(json.dumps(info, indent=2, default=str))


def _run(overrides: list[str]) -> StudyResult:
    return run(compose(overrides))


def run_many(override_sets: list[list[str]], jobs: int) -> list[StudyResult]:
    """Run several configs in parallel processes (results are seed-determined)."""
    return Parallel(n_jobs=jobs)(delayed(_run)(o) for o in override_sets)


def base_overrides(study: dict) -> list[str]:
    return [
        f"world={study['world']}",
        f"replications={study['replications']}",
        f"seed={study['seed']}",
        *study.get("overrides", []),
    ]


def write_table(path: Path, rows: list[dict]) -> None:
    cols = list(rows[0])
    lines = [",".join(cols)]
    for r in rows:
        lines.append(",".join("" if isinstance(v, float) and math.isnan(v) else str(v) for v in r.values()))
    path.write_text("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- studies


def scenarios_study(study: dict, out: Path, jobs: int) -> list[Path]:
    names = study["scenarios"]
    results = dict(zip(names, run_many([[*base_overrides(study), f"scenario={n}"] for n in names], jobs), strict=True))
    rows = []
    for n, res in results.items():
        row = {"scenario": n, "replications": len(res.replications)}
        for col in SUMMARY_COLUMNS:
            s = res.stats[col]
            row.update({col: s["mean"], f"{col}_ci_low": s["ci_low"], f"{col}_ci_high": s["ci_high"], f"{col}_n": s["n"]})
        rows.append(row)
    write_table(out / "scenarios.csv", rows)
    written = [out / "scenarios.csv"]
    for name, fn in (
        ("fig1_revenue_by_scenario.png", plots.revenue_by_scenario),
        ("fig2_recovery.png", plots.recovery),
    ):
        fn(results, out / name)
        sidecar(out / name, study)
        written.append(out / name)
    crack = results.get("crackdown_2025") or next(iter(results.values()))
    table = plots.displacement(crack, out / "fig3_displacement.png")
    write_table(out / "displacement.csv", table)
    sidecar(out / "fig3_displacement.png", study, scenario=crack.config.scenario.name)
    arrests = plots.arrests(crack, out / "fig5_arrests.png")
    write_table(out / "arrests.csv", arrests)
    sidecar(out / "fig5_arrests.png", study, scenario=crack.config.scenario.name)
    return [*written, out / "fig3_displacement.png", out / "displacement.csv", out / "fig5_arrests.png", out / "arrests.csv"]


def phase_study(study: dict, out: Path, jobs: int) -> list[Path]:
    rates, scales = study["raid_rates"], study["strength_scales"]
    points = [(r, s) for s in scales for r in rates]
    sets = [
        [
            *base_overrides(study),
            f"scenario={study['scenario']}",
            f"scenario.campaigns.july_2025.peak_raid_rate={r}",
            f"protection.strength_scale={s}",
        ]
        for r, s in points
    ]
    results = run_many(sets, jobs)
    within = study["recovery_within_days"]
    share = np.zeros((len(scales), len(rates)))
    rows = []
    for (r, s), res in zip(points, results, strict=True):
        rec = np.array([x["recovery_days"] for x in res.summaries], float)
        frac = float(np.mean(~np.isnan(rec) & (rec <= within)))
        share[scales.index(s), rates.index(r)] = frac
        rows.append(
            {
                "peak_raid_rate": r,
                "strength_scale": s,
                "replications": len(rec),
                "recovered_share": frac,
                "raids": res.stats["raids"]["mean"],
                "final_frac": res.stats["final_frac"]["mean"],
                "warned_share": res.stats["warned_share"]["mean"],
            }
        )
    write_table(out / "phase.csv", rows)
    plots.phase(rates, scales, share, within, out / "fig4_phase.png")
    sidecar(out / "fig4_phase.png", study)
    return [out / "phase.csv", out / "fig4_phase.png"]


def claim_study(study: dict, out: Path, jobs: int) -> list[Path]:
    costs = study["costs"]
    base = base_overrides(study)
    (raid_only,) = run_many([[*base, f"scenario={study['raid_only']}"]], 1)
    target_cfg = compose([*base, f"scenario={study['targeted']}"])
    extra = costs["protector_removal"] * len(target_cfg.scenario.protector_removals) + costs["site_cut"] * sum(
        len(c.sites) for c in target_cfg.scenario.cuts.values()
    )
    budget = raid_only.stats["raids"]["mean"] * costs["raid"]
    raid_share = max(budget - extra, 0.0) / budget
    rate = target_cfg.scenario.campaigns["july_2025"].peak_raid_rate * raid_share
    (targeted,) = run_many(
        [[*base, f"scenario={study['targeted']}", f"scenario.campaigns.july_2025.peak_raid_rate={rate:.6g}"]], 1
    )
    rows = paired(raid_only, targeted, study["metrics"])
    write_table(out / "claim.csv", rows)
    plots.claim(rows, out / "fig6_claim.png")
    spent = targeted.stats["raids"]["mean"] * costs["raid"] + extra
    sidecar(
        out / "fig6_claim.png",
        study,
        budget_raid_only=budget,
        budget_targeted=spent,
        targeted_raid_rate=rate,
        non_raid_cost=extra,
    )
    return [out / "claim.csv", out / "fig6_claim.png"]


STUDY_FUNCS = {"scenarios": scenarios_study, "phase": phase_study, "claim": claim_study}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small world, few replications (minutes -> seconds)")
    parser.add_argument("--only", choices=sorted(STUDY_FUNCS), action="append", help="run only these studies")
    parser.add_argument("--out", type=Path, default=HERE.parent / "results", help="output folder (default: results/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel processes")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or list(STUDY_FUNCS):
        start = time.perf_counter()
        study = load_study(name, args.quick)
        files = STUDY_FUNCS[name](study, args.out, args.jobs)
        print(f"{name}: {len(files)} files in {time.perf_counter() - start:.1f} s: {', '.join(f.name for f in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
