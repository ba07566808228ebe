"""Shared helpers of the benchmark: where the clone is, how to scale a world, how to summarise timings.

The benchmark measures the ``sim`` package that ``import sim`` finds, in this
process and in its children alike: install the clone first
(``python -m pip install -e .``) to measure the checkout.  The report records
where that package was imported from.  Worlds are scaled only through Hydra
overrides of the per-site numbers, so every size in the scaling series is a
config a user could run from the CLI.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]  # the clone: child processes run from here
RESULTS = ROOT / "results"


def child_env() -> dict[str, str]:
    """Environment for child processes: this one's (the same ``sim`` is imported)."""
    return dict(os.environ)


def run_json(cmd: list[str]) -> dict:
    """Run a measuring child process from the clone's root and return the JSON it prints last.

    A failing child raises with the end of its stderr: a benchmark that dies
    without saying why costs a rerun.
    """
    proc = subprocess.run(cmd, cwd=ROOT, env=child_env(), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[1:])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def load() -> dict[str, object]:
    """The machine's load right now: timings taken under load are slower, so every section records it."""
    one, five, fifteen = os.getloadavg()
    try:
        uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False, timeout=5).stdout.strip()
    except OSError:
        uptime = ""
    return {
        "load1": round(one, 2),
        "load5": round(five, 2),
        "load15": round(fifteen, 2),
        "cpus": os.cpu_count(),
        "uptime": uptime,
    }


def spread(times: list[float]) -> dict[str, float]:
    """Median and spread of repeated timings: the median resists one slow run caused by other load."""
    ordered = sorted(times)
    q = statistics.quantiles(ordered, n=4) if len(ordered) >= 2 else [ordered[0]] * 3
    return {
        "median": statistics.median(ordered),
        "p25": q[0],
        "p75": q[2],
        "min": ordered[0],
        "max": ordered[-1],
        "runs": len(ordered),
    }


@cache
def base_sites(world: str) -> dict[str, dict[str, int]]:
    """Per-site compounds, room, bosses and workers of a world as its YAML defines them."""
    from sim import compose

    cfg = compose([f"world={world}"])
    return {
        name: {"compounds": s.compounds, "room": s.room, "bosses": s.bosses, "workers": s.workers}
        for name, s in cfg.world.sites.items()
    }


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split an integer total in proportion to weights (largest remainders), each share >= minimum."""
    free = total - minimum * len(weights)
    if free < 0:
        raise ValueError(f"cannot give {len(weights)} shares at least {minimum} from {total}")
    wsum = sum(weights)
    raw = [free * w / wsum for w in weights]
    shares = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: free - sum(shares)]:
        shares[i] += 1
    return [s + minimum for s in shares]


def scale_workers(world: str, total: int) -> list[str]:
    """Overrides giving ``world`` about ``total`` workers, split over its sites as in the YAML; compounds fixed."""
    sites = base_sites(world)
    names = list(sites)
    shares = apportion(total, [sites[n]["workers"] for n in names])
    return [f"world={world}"] + [
        f"world.sites.{n}.workers={max(w, sites[n]['compounds'])}" for n, w in zip(names, shares, strict=True)
    ]


def base_syndicates(world: str) -> list[str]:
    """Names of the world's named syndicates."""
    from sim import compose

    return list(compose([f"world={world}"]).world.syndicates)


def scale_compounds(world: str, compounds: int, workers: int) -> list[str]:
    """Overrides giving ``world`` about ``compounds`` compounds holding ``workers`` workers in all.

    Compounds are apportioned over the sites as in the YAML (sites left with
    none get no workers, bosses or room), room is ceil(1.3 x compounds) so
    growth and relocation have somewhere to go but the world stays near the
    stated size, and each site gets a
    boss per ~4 compounds, so the number of boss processes grows with the
    compounds as it would in a bigger world.  The world's named syndicates
    are dropped (their members may not exist at another size); every boss is
    then grouped at random, as the unnamed ones are.
    """
    sites = base_sites(world)
    names = list(sites)
    comp = apportion(compounds, [sites[n]["compounds"] for n in names])
    work = apportion(workers, [float(c) for c in comp])
    out = [f"world={world}", *(f"~world.syndicates.{k}" for k in base_syndicates(world))]
    for name, c, w in zip(names, comp, work, strict=True):
        room = -(-c * 13 // 10)  # ceil(1.3 c)
        bosses = max(1, round(c / 4)) if c else 0
        out += [
            f"world.sites.{name}.compounds={c}",
            f"world.sites.{name}.room={room}",
            f"world.sites.{name}.bosses={bosses}",
            f"world.sites.{name}.workers={w if c else 0}",
        ]
    return out


def forked_text(arms: dict) -> str:
    """``", 0.62x forked at the parting day"``: the measured cost of a forked counterfactual arm, where it was measured.

    Reports from before the fork was measured, or from a machine without
    ``os.fork``, have no such figure and get an empty string.
    """
    forked = arms.get("ratio_forked_median")
    return "" if forked is None else f", {forked:.2f}x forked at the parting day"
