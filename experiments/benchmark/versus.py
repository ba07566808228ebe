"""Cost of a replication now against an earlier commit of the model, in CPU time, same machine, same minute.

    python experiments/benchmark/versus.py                    # HEAD vs be57518 (model v1), into results/
    python experiments/benchmark/versus.py --ref <commit> --rounds 6 --out /tmp/versus

Why it is built this way: the machine is shared and wall time under load is
noise, so each side runs in its own process, the two sides alternate round
by round (both see the same load), and each child reports
``time.process_time`` per replication, not wall time.  The old side is the
committed tree of ``--ref`` extracted with ``git archive`` into a temporary
folder; each side's child runs from its own tree (and with it on ``PYTHONPATH``); the new side is this clone.  The
ratio reported is the median of the per-round ratios.

The model-v2 issue asks that a Cambodia replication with
``counterfactual=false`` cost at most 1.5x the model-v1 one (``be57518``,
the last v1 commit); ``target_met`` records whether it does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

import common

from sim.runs.atomic import atomic_write
from sim.runs.experiment import output_folder
from sim.runs.provenance import git_commit

V1 = "be57518"  # last commit of model v1
TARGET = 1.5

CHILD = r"""
import json, sys, time
import sim
from sim.model import run_replication
cfg = sim.compose(["world=cambodia", "replications=1", "figure=false", "progress=false", *sys.argv[2:]])
run_replication(cfg, 0)  # warm-up: imports, caches
times = []
for k in range(1, int(sys.argv[1]) + 1):
    t = time.process_time()
    run_replication(cfg, k)
    times.append(time.process_time() - t)
print(json.dumps({"package": sim.__file__, "times": times}))
"""


def extract(ref: str, into: Path) -> str:
    """The tree of ``ref`` (``sim`` and ``configs``) under ``into``; returns the full commit."""
    commit = subprocess.run(["git", "rev-parse", ref], cwd=common.ROOT, capture_output=True, text=True, check=True).stdout.strip()
    blob = subprocess.run(["git", "archive", commit, "sim", "configs"], cwd=common.ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=BytesIO(blob.stdout)) as tar:
        tar.extractall(into, filter="data")
    return commit


def side(path: Path, reps: int, overrides: list[str]) -> list[float]:
    """Time ``reps`` replications of the tree at ``path``: run from there, so ``import sim`` finds its package first."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    cmd = [sys.executable, "-c", CHILD, str(reps), *overrides]
    proc = subprocess.run(cmd, cwd=path, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"timing {path} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not out["package"].startswith(str(path)):
        raise RuntimeError(f"child imported {out['package']}, not the tree under {path}")
    return out["times"]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default=V1, help=f"the earlier commit (default {V1}, model v1)")
    ap.add_argument("--rounds", type=int, default=4, help="alternating rounds (default 4)")
    ap.add_argument("--reps", type=int, default=4, help="timed replications per side per round (default 4)")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default results/)")
    args = ap.parse_args(argv)
    out = output_folder(args.out, quick=False, root=common.ROOT, name="versus")
    new_overrides = ["counterfactual=false"]  # v1 has no counterfactual arm: compare one arm with one arm
    with tempfile.TemporaryDirectory() as tmp:
        commit = extract(args.ref, Path(tmp))
        rounds = []
        for r in range(args.rounds):
            old = side(Path(tmp), args.reps, [])
            new = side(common.ROOT, args.reps, new_overrides)
            rounds.append(
                {
                    "round": r,
                    "load": common.load(),
                    "old_s": old,
                    "new_s": new,
                    "ratio": statistics.median(new) / statistics.median(old),
                }
            )
            print(
                f"round {r}: old {statistics.median(old):.3f} s, new {statistics.median(new):.3f} s, "
                f"ratio {rounds[-1]['ratio']:.2f}",
                flush=True,
            )
    ratio = statistics.median(x["ratio"] for x in rounds)
    report = {
        "what": "CPU seconds per Cambodia replication (time.process_time), this clone vs an earlier commit",
        "ref": commit,
        "head": git_commit(),
        "new_overrides": new_overrides,
        "rounds": rounds,
        "old_median_s": statistics.median(t for x in rounds for t in x["old_s"]),
        "new_median_s": statistics.median(t for x in rounds for t in x["new_s"]),
        "ratio_median": ratio,
        "target": TARGET,
        "target_met": ratio <= TARGET,
    }
    atomic_write(out / "benchmark_versus.json", json.dumps(report, indent=2) + "\n")
    print(
        f"median ratio new/old = {ratio:.2f} (target <= {TARGET}: {'PASS' if ratio <= TARGET else 'FAIL'}) -> "
        f"{out / 'benchmark_versus.json'}"
    )
    return report


if __name__ == "__main__":
    main()
