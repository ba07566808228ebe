"""The calibration study: ABC-SMC of the uncertain raid parameters against the July 2025 wave, in its windows.

As ``configs/experiment/calibration.yaml`` sets it up: uniform priors
(``spec.prior``), every calibration pattern of the registry
(:data:`sim.analysis.patterns.CALIBRATION`, crackdown run) as a target read
in the window it was observed (first 21 and 30 days, six months, seven
months), the distance of :func:`sim.runs.abc.distance` (RMS misfit in
half-widths of each target's allowed range), a quantile tolerance schedule
(``spec.alpha`` of the previous generation's distances), ``spec.particles``
accepted particles per generation and at most ``spec.generations``
generations or ``spec.max_simulations`` simulations.  The engine is pyabc
(:mod:`sim.runs.abc`).

Then: posterior/prior SD per parameter (``sd_ratio``; a parameter with
``sd_ratio >= spec.identified_below`` is reported as not identified by the
targets), pairwise posterior plots, a posterior predictive check on every
target (``spec.predictive`` particles drawn by weight, each run at a fresh
replication index), the fit of the calibrated point (the last generation's
particle that fits best over several replications) and of the posterior
medians beside it, and the calibrated point as the overlays
``configs/posterior/<spec.overlay>.yaml`` (world-level keys) and
``configs/calibrated/<spec.campaigns>.yaml`` (the scenario's campaign keys).  The last generation's particles go to
``calibration_posterior.csv``: the draws the verdict's scenario runs use.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.metrics import mean_ci
from sim.config.compose import compose_dictconfig
from sim.config.paths import config_dir
from sim.runs.abc import ProbitModel, Target, WaveModel, alias, distance, targets, to_theta
from sim.runs.atomic import atomic_write, write_csv
from sim.runs.calibration_overlays import write_campaign_overlay, write_world_overlay
from sim.runs.calibration_report import SCRIPT, pairs_figure, why_not_identified, write_markdown
from sim.runs.experiment import Study, base_overrides, flatten
from sim.runs.provenance import write_sidecar

#: Replication indices of the predictive check and the calibrated point's fit: far from the hashed indices' typical range is not
#: needed (hash collisions are harmless), but a fixed offset keeps the check reproducible and apart from the ABC runs.
CHECK_OFFSET = 1_000_000
#: Replication indices of the search for the calibrated point: apart from both the ABC runs and the check above.
POINT_OFFSET = 2_000_000

__all__ = ["SCRIPT", "calibrate", "weighted_quantile", "weighted_sd"]


def _ess(w: np.ndarray) -> float:
    """Effective sample size of importance weights (Kish): how many equally weighted particles they are worth."""
    w = w / w.sum()
    return float(1.0 / np.sum(w**2))


def weighted_sd(x: np.ndarray, w: np.ndarray) -> float:
    m = float(np.sum(w * x) / np.sum(w))
    return math.sqrt(float(np.sum(w * (x - m) ** 2) / np.sum(w)))


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    cw = np.cumsum(w[order]) / np.sum(w)
    return float(x[order][np.searchsorted(cw, q)])


def _sampler(jobs: int, scheduler: str | None) -> Any:
    import pyabc

    if scheduler:
        from dask.distributed import Client

        return pyabc.DaskDistributedSampler(dask_client=Client(scheduler))
    if jobs <= 1:
        return pyabc.SingleCoreSampler()
    return pyabc.MulticoreEvalParallelSampler(n_procs=jobs)


def _transition(spec: Mapping[str, Any]) -> Any:
    """The proposal kernel: pyabc's Gaussian KDE (``global``) or one local covariance per particle (``local``)."""
    import pyabc

    kind, scaling = str(spec["kernel"]), float(spec["kernel_scaling"])
    if kind == "local":  # each particle's covariance from its nearest neighbours (pyabc LocalTransition)
        return pyabc.LocalTransition(k_fraction=float(spec["kernel_k_fraction"]), scaling=scaling)
    return pyabc.MultivariateNormalTransition(scaling=scaling)


def _rms(summary: Mapping[str, float], tg: Mapping[str, Target]) -> float:
    """:func:`sim.runs.abc.distance` of a summary from the targets' centres."""
    return distance(summary, {n: t.centre for n, t in tg.items()}, {n: t.scale for n, t in tg.items()})


def _best_particle(
    model: WaveModel,
    theta: np.ndarray,
    dist: np.ndarray,
    names: list[str],
    tg: Mapping[str, Target],
    spec: Mapping[str, Any],
    jobs: int,
) -> tuple[dict[str, float], dict[str, Any]]:
    """The particle, of the ``spec.point_candidates`` with the smallest ABC distance, whose mean summary over
    ``spec.point_replications`` fresh replications is closest to the targets; and a record of the search.

    A particle's own distance is one noisy replication; averaging several is what the results studies see.
    """
    k, reps = int(spec["point_candidates"]), int(spec["point_replications"])
    order = [int(i) for i in np.argsort(dist, kind="stable")[:k]]
    points = [dict(zip(names, theta[i], strict=True)) for i in order]
    runs = _check(model, [p for p in points for _ in range(reps)], POINT_OFFSET, jobs)  # same replications for each
    scores = []
    for c in range(len(points)):
        block = runs[c * reps : (c + 1) * reps]
        scores.append(_rms({n: float(np.mean([s[n] for s in block])) for n in tg}, tg))
    best = int(np.argmin(scores))
    record = {
        "candidates": len(points),
        "replications": reps,
        "first_replication": POINT_OFFSET,
        "rule": "smallest root mean square misfit of the mean summary, in half-widths (the ABC distance)",
        "best_score": float(scores[best]),
        "scores_q05_q50_q95": [float(x) for x in np.quantile(scores, [0.05, 0.5, 0.95])],
        "best_abc_distance": float(dist[order[best]]),
    }
    return points[best], record


def _check(model: WaveModel, points: list[dict[str, float]], first: int, jobs: int) -> list[dict[str, float]]:
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=jobs)(delayed(model.summary)(p, first + i) for i, p in enumerate(points)))


def _interval(values: np.ndarray, t: Target) -> dict[str, float]:
    lo, hi = t.pattern.lo, t.pattern.hi
    m, clo, chi, n = mean_ci(values)
    return {
        "mean": m,
        "ci_low": clo,
        "ci_high": chi,
        "n": float(n),
        "q05": float(np.nanquantile(values, 0.05)),
        "q50": float(np.nanquantile(values, 0.5)),
        "q95": float(np.nanquantile(values, 0.95)),
        "share_in_range": float(np.mean((values >= lo) & (values <= hi))),
        "lo": lo,
        "hi": hi,
    }


def calibrate(
    study: Study,
    out: Path,
    jobs: int,
    particles: int | None = None,
    scheduler: str | None = None,
    write_overlay: bool = True,
    analyse_only: bool = False,
) -> list[Path]:
    """Run the ABC-SMC study and write its files into ``out``; ``particles`` overrides the spec's.

    ``analyse_only``: do not sample; analyse the history already in ``out/calibration.db`` (its last complete
    generation), e.g. after a run was stopped by hand between generations.
    """
    import pyabc

    spec = study.spec
    prior = {k: [float(v[0]), float(v[1])] for k, v in flatten(spec["prior"]).items()}
    keys = list(prior)
    names = [alias(k, keys) for k in keys]
    tg = targets()
    observed = {n: t.centre for n, t in tg.items()}
    scales = {n: t.scale for n, t in tg.items()}
    n_particles = int(particles or spec["particles"])
    cfg = study.config
    base = base_overrides(study)
    model = WaveModel(compose_dictconfig(base), keys, tg)
    # sampled on the probit scale of each uniform prior (sim.runs.abc.ProbitModel): the same prior, no box edges
    probit = ProbitModel(model, {n: (prior[k][0], prior[k][1]) for k, n in zip(keys, names, strict=True)})
    dist = pyabc.Distribution(**{n: pyabc.RV("norm", 0.0, 1.0) for n in names})
    out.mkdir(parents=True, exist_ok=True)
    db = out / "calibration.db"
    np.random.seed(int(cfg.seed) % 2**32)  # pyabc proposes from numpy's global generator; the model's streams are its own
    abc = pyabc.ABCSMC(
        probit,
        dist,
        lambda x, x0: distance(x, x0, scales),
        population_size=n_particles,
        eps=pyabc.QuantileEpsilon(initial_epsilon=float(spec["initial_epsilon"]), alpha=float(spec["alpha"])),
        transitions=_transition(spec),
        sampler=_sampler(jobs, scheduler),
    )
    if analyse_only:
        if not db.exists():
            raise FileNotFoundError(f"{db}: no ABC-SMC history to analyse (run without --analyse-only first)")
        history = pyabc.History(f"sqlite:///{db}")
    else:
        if db.exists():
            db.unlink()  # a new study: pyabc would append a second run to the same history
        abc.new(f"sqlite:///{db}", observed)
        history = abc.run(
            minimum_epsilon=float(spec["minimum_epsilon"]),
            max_nr_populations=int(spec["generations"]),
            max_total_nr_simulations=int(spec["max_simulations"]),
        )
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    wall = float(pops["wall_time"].sum())  # pyabc's own timing of each generation
    generations = [
        {
            "t": int(r.t),
            "epsilon": float(r.epsilon),
            "simulations": int(r.samples),
            "acceptance": n_particles / float(r.samples),
            "ess": _ess(np.asarray(history.get_distribution(m=0, t=int(r.t))[1], float)),
        }
        for r in pops.itertuples()
    ]
    last: list[Any] = list(history.get_population(t=history.max_t).particles)  # parameters, weights, distances
    z = np.array([[float(pt.parameter[n]) for n in names] for pt in last], dtype=np.float64)
    theta = np.array([[to_theta(z[i, j], *prior[k]) for j, k in enumerate(keys)] for i in range(len(z))], dtype=np.float64)
    w = np.array([float(pt.weight) for pt in last], dtype=np.float64)
    w = w / w.sum()
    dist = np.array([float(pt.distance) for pt in last], dtype=np.float64)
    prior_sd = {k: (prior[k][1] - prior[k][0]) / math.sqrt(12) for k in keys}
    post: dict[str, dict[str, Any]] = {}
    for j, k in enumerate(keys):
        col = theta[:, j]
        sd = weighted_sd(col, w)
        post[k] = {
            "prior": prior[k],
            "mean": float(np.sum(w * col)),
            "median": weighted_quantile(col, w, 0.5),
            "q05": weighted_quantile(col, w, 0.05),
            "q95": weighted_quantile(col, w, 0.95),
            "sd": sd,
            "prior_sd": prior_sd[k],
            "sd_ratio": sd / prior_sd[k],
            "identified": sd / prior_sd[k] < float(spec["identified_below"]),
        }
    rows = [{**{k: float(theta[i, j]) for j, k in enumerate(keys)}, "weight": float(w[i])} for i in range(len(w))]
    posterior_csv = write_csv(out / "calibration_posterior.csv", rows)
    gen_csv = write_csv(out / "calibration_generations.csv", generations)
    cov = np.atleast_2d(np.cov(theta.T, aweights=w))
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    pairs = sorted(
        ((abs(float(corr[i, j])), keys[i], keys[j], float(corr[i, j])) for i in range(len(keys)) for j in range(i)), reverse=True
    )
    # posterior predictive: particles drawn by weight, each at a fresh replication index; the calibrated point at the same indices
    rng = np.random.default_rng([int(cfg.seed), 12])
    n_check = int(spec["predictive"])
    picks = rng.choice(len(w), size=n_check, p=w)
    draws = [dict(zip(names, theta[i], strict=True)) for i in picks]
    predictive = _check(model, draws, CHECK_OFFSET, jobs)
    ppc = {n: _interval(np.array([s[n] for s in predictive], float), t) for n, t in tg.items()}
    # the calibrated point every results study runs at: the posterior particle whose summaries, averaged over
    # replications, fit best.  Not the marginal medians: put together they are a point no particle need be near when the
    # targets fix a combination of parameters (the report gives the medians' fit beside the point's)
    medians = {n: weighted_quantile(theta[:, j], w, 0.5) for j, n in enumerate(names)}
    fit_reps = int(spec["fit_replications"])
    at_medians = _check(model, [medians] * fit_reps, CHECK_OFFSET, jobs)
    fit_medians = {n: _interval(np.array([s[n] for s in at_medians], float), t) for n, t in tg.items()}
    point, search = _best_particle(model, theta, dist, names, tg, spec, jobs)
    at_point = _check(model, [point] * fit_reps, CHECK_OFFSET, jobs)
    fit_point = {n: _interval(np.array([s[n] for s in at_point], float), t) for n, t in tg.items()}
    record = {"method": "ABC-SMC", "generations": len(generations), "particles": n_particles}
    stopped = (
        analyse_only
        and len(generations) < int(spec["generations"])
        and generations[-1]["epsilon"] > float(spec["minimum_epsilon"])
    )
    values = {k: float(point[n]) for k, n in zip(keys, names, strict=True)}  # the calibrated point, by config key
    files: list[Path] = [posterior_csv, gen_csv]
    if write_overlay:
        files.append(
            write_world_overlay(config_dir() / "posterior" / f"{spec['overlay']}.yaml", str(spec["overlay"]), values, record)
        )
        campaigns = str(spec["campaigns"])
        files.append(write_campaign_overlay(config_dir() / "calibrated" / f"{campaigns}.yaml", campaigns, values, record))
    pairs_figure(out / "calibration.png", keys, prior, theta, w)
    unidentified = [k for k in keys if not post[k]["identified"]]
    why = why_not_identified(generations, ppc, post, pairs, keys, tg)
    summary = {
        **record,
        "engine": f"pyabc {pyabc.__version__}",
        "sampler": "DaskDistributedSampler"
        if scheduler
        else ("SingleCoreSampler" if jobs <= 1 else f"MulticoreEvalParallelSampler({jobs})"),
        "distance": "root mean square over targets of (model - centre) / half-width of the allowed range",
        "tolerance": {
            "schedule": f"quantile {spec['alpha']} of the previous generation's distances (pyabc QuantileEpsilon, weighted)",
            "initial_epsilon": float(spec["initial_epsilon"]),
            "minimum_epsilon": float(spec["minimum_epsilon"]),
            "max_generations": int(spec["generations"]),
            "max_simulations": int(spec["max_simulations"]),
        },
        "noise_model": "one simulation per particle (stochastic ABC): the tolerance kernel absorbs seed noise; the targets' "
        "allowed ranges are the observation noise",
        "targets": {
            n: {
                "centre": t.centre,
                "half_width": t.scale,
                "lo": t.pattern.lo,
                "hi": t.pattern.hi,
                "window": list(t.pattern.window),
                "observed": t.pattern.observed,
                "citation": t.pattern.citation,
            }
            for n, t in tg.items()
        },
        "generation_table": generations,
        "stopped_by_hand": bool(stopped),
        "simulations": int(sum(g["simulations"] for g in generations)),
        "wall_seconds": wall,
        "seconds_per_simulation_core": wall * max(jobs, 1) / max(1, sum(g["simulations"] for g in generations)),
        "parameters": post,
        "identified_below": float(spec["identified_below"]),
        "not_identified": unidentified,
        "why_not_identified": why,
        "strongest_posterior_correlations": [{"a": a, "b": b, "r": r} for _abs, a, b, r in pairs[:5]],
        "posterior_predictive": {"draws": n_check, "first_replication": CHECK_OFFSET, "middle": 0.9, "targets": ppc},
        "point_fit": {
            "what": "the last generation's particle whose summaries, averaged over "
            f"{search['replications']} replications, fit best, of the {search['candidates']} with the smallest ABC "
            "distance (its values are the overlay files)",
            "replications": fit_reps,
            "first_replication": CHECK_OFFSET,
            "targets": fit_point,
            "search": search,
        },
        "medians_fit": {
            "what": "every parameter at its weighted posterior median at once",
            "replications": fit_reps,
            "first_replication": CHECK_OFFSET,
            "targets": fit_medians,
        },
        "overlay": f"configs/posterior/{spec['overlay']}.yaml" if write_overlay else None,
        "campaigns_overlay": f"configs/calibrated/{spec['campaigns']}.yaml" if write_overlay else None,
        "overlay_values": values,
    }
    files.append(write_sidecar(out / "calibration.png", study.record(), **summary))
    files.append(
        atomic_write(
            out / "calibration_fit.json",
            json.dumps(
                {
                    "targets": {n: [t.centre, t.scale] for n, t in tg.items()},
                    "observed": {n: t.pattern.observed for n, t in tg.items()},
                    "replications": int(spec["fit_replications"]),
                    "predictive_draws": n_check,
                    "fits": {
                        "calibrated point (best-fitting posterior particle)": fit_point,
                        "posterior medians": fit_medians,
                        "posterior predictive": ppc,
                    },
                },
                indent=2,
            )
            + "\n",
        )
    )
    files.append(write_markdown(out, study, summary, keys))
    return files
