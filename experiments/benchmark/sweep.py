"""Throughput of Hydra sweeps: replications per minute with the basic and the joblib launcher.

Why through the CLI and not the Python API: a user's sweep pays for
interpreter start-up, Hydra composition, the launcher's worker processes and
writing every job's CSV files, and those are what decide how long 1,000
replications take.  Each sweep runs ``python -m sim -m`` in a fresh
temporary sweep directory with figures and progress bars off, and is timed
from start to exit.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common


def sweep(launcher: str, seeds: int, reps: int, n_jobs: int = 2, world: str = "cambodia") -> dict[str, object]:
    """Run ``seeds`` jobs of ``reps`` replications each through ``hydra/launcher=<launcher>``; time it."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench_sweep_{launcher}_"))
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"world={world}",
        "seed=" + ",".join(str(s) for s in range(1, seeds + 1)),
        f"replications={reps}",
        f"hydra/launcher={launcher}",
        f"hydra.sweep.dir={tmp / 'sweep'}",
        "figure=false",
        "progress=false",
    ]
    if launcher == "joblib":
        cmd.append(f"hydra.launcher.n_jobs={n_jobs}")
    before = common.load()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=common.ROOT, env=common.child_env(), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    complete = _complete_jobs(tmp / "sweep")
    shutil.rmtree(tmp, ignore_errors=True)
    total = seeds * reps
    out = {
        "launcher": launcher,
        "n_jobs": n_jobs if launcher == "joblib" else 1,
        "world": world,
        "jobs": seeds,
        "replications_per_job": reps,
        "replications": total,
        "jobs_complete": complete,
        "returncode": proc.returncode,
        "seconds": seconds,
        "replications_per_minute": 60.0 * total / seconds if proc.returncode == 0 and complete == seeds else 0.0,
        "load_before": before,
        "load_after": common.load(),
        "command": " ".join(cmd[1:]).replace(str(tmp), "<tmp>"),
    }
    if proc.returncode != 0 or complete != seeds:
        out["stderr_tail"] = proc.stderr[-2000:]
    return out


def _complete_jobs(sweep_dir: Path) -> int:
    """Jobs whose ``status.json`` says complete: a sweep that exits 0 but wrote nothing does not count."""
    n = 0
    for status in sweep_dir.glob("*/status.json"):
        with contextlib.suppress(OSError, ValueError):
            n += json.loads(status.read_text()).get("status") == "complete"
    return n


def throughput(reps_per_job: tuple[int, ...], seeds: int = 4, n_jobs: int = 2) -> list[dict[str, object]]:
    """The sweep figure's points: each launcher at each number of replications per job."""
    rows = []
    for reps in reps_per_job:
        for launcher in ("basic", "joblib"):
            row = sweep(launcher, seeds, reps, n_jobs)
            print(
                f"  sweep {launcher:<6} {seeds} jobs x {reps:>3} reps: {row['seconds']:7.1f} s, "
                f"{row['replications_per_minute']:6.1f} reps/min (load {row['load_before']['load1']})",
                flush=True,
            )
            rows.append(row)
    return rows


SPIN = "import time\nt = time.perf_counter()\nx = 0\nfor i in range(20_000_000):\n    x += i\nprint(time.perf_counter() - t)"


def parallel_capacity() -> dict[str, float]:
    """How many cores two processes really get right now: a pure-Python loop alone, then two at once.

    Why: joblib can only beat the basic launcher by the cores it is given;
    with other work on the machine (or vCPUs that share a physical core)
    two processes may get far less than twice one's throughput, and the
    sweep numbers cannot be read without knowing that.
    """

    def spin(n: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True) for _ in range(n)]
        return [float(p.communicate()[0]) for p in procs]

    one = spin(1)[0]
    two = spin(2)
    return {"one_s": one, "two_s": max(two), "effective_cores": 2.0 * one / max(two), "load": common.load()["load1"]}


def thousand(n_jobs: int = 2, jobs: int = 10) -> dict[str, object]:
    """1,000 Cambodia-scale replications through the joblib launcher, timed (``--full`` only)."""
    return sweep("joblib", jobs, 1000 // jobs, n_jobs)
