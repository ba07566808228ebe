"""Studies: Hydra experiment configs in ``configs/experiment/``, loaded and run.

A study is one YAML file in Hydra's ``# @package _global_`` style (like
``configs/teaching/``): its defaults pick the world (and scenario), it sets
the seed, replications and any other key, and its ``study`` node
(:class:`~sim.config.schema.StudyConf`) names it, lists the overrides of its
quick mode and holds the study's own keys (``spec``: scenario lists, grids,
knockouts, costs...).  Loading a study is composing it::

    study = load_study("scenarios", quick=True)
    study.overrides        # ['+experiment=scenarios', 'world=small', 'replications=4']
    study.spec["scenarios"]
    runs = run_many([[*study.overrides, f"scenario={s}"] for s in study.spec["scenarios"]], jobs=2)

and ``python -m sim +experiment=scenarios --cfg job`` prints what it composes
to.  Every run of a study is ``compose([*study.overrides, *its own])``, so a
figure's numbers can be remade from the command line with the same overrides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.analysis.results import StudyResult
from sim.config.compose import compose, compose_dictconfig
from sim.config.paths import config_dir
from sim.config.schema import ScamsimConfig
from sim.runs.study import run

__all__ = [
    "ResultsProtectedError",
    "Study",
    "base_overrides",
    "flatten",
    "load_study",
    "output_folder",
    "run_many",
    "studies",
]


@dataclass(frozen=True)
class Study:
    """A composed experiment config: its base overrides, typed config and own keys."""

    name: str
    title: str
    mode: str  # "quick" or "full"
    overrides: list[str]  # compose(overrides) is the study's base config
    config: ScamsimConfig
    spec: dict[str, Any]  # plain dicts and lists

    @property
    def quick(self) -> bool:
        return self.mode == "quick"

    def record(self) -> dict[str, Any]:
        """What a sidecar says about the study: enough to remake its figures."""
        cfg = self.config
        return {
            "name": self.name,
            "title": self.title,
            "mode": self.mode,
            "overrides": list(self.overrides),
            "world": cfg.world.name,
            "scenario": cfg.scenario.name,
            "seed": cfg.seed,
            "replications": cfg.replications,
            "horizon_days": cfg.horizon_days,
            "spec": self.spec,
        }


def studies() -> list[str]:
    """Names of the experiment configs in ``configs/experiment/``."""
    return sorted(p.stem for p in (config_dir() / "experiment").glob("*.yaml"))


def load_study(name: str, quick: bool = False, overrides: Sequence[str] = ()) -> Study:
    """Compose ``+experiment=<name>``, with the study's quick overrides in quick mode, then ``overrides``."""
    head = [f"+experiment={name}"]
    quick_overrides = [str(o) for o in compose_dictconfig(head).study.quick] if quick else []
    all_overrides = [*head, *quick_overrides, *overrides]
    config = compose(all_overrides)
    if config.study.name != name:
        raise ValueError(f"configs/experiment/{name}.yaml must set study.name: {name} (it says {config.study.name!r})")
    plain = OmegaConf.to_container(OmegaConf.create(config.study.spec), resolve=True)
    assert isinstance(plain, dict)
    spec = {str(k): v for k, v in plain.items()}
    return Study(name, config.study.title, "quick" if quick else "full", all_overrides, config, spec)


def base_overrides(study: Study) -> list[str]:
    """The overrides every run of ``study`` starts from (a copy: callers append their own)."""
    return list(study.overrides)


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested spec keys as dotted config keys, in order: ``{raids: {warning_max: [0.6, 1]}}`` -> ``{"raids.warning_max": [0.6, 1]}``.

    Studies write parameter ranges nested (so that a Hydra override can reach
    each one, ``study.spec.prior.raids.warning_base=[0.1,0.5]``); the runs need
    them as the dotted keys of overrides.
    """
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            out |= flatten(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def _run(overrides: list[str]) -> StudyResult:
    return run(compose(overrides))


def run_many(override_sets: Sequence[Sequence[str]], jobs: int = 1) -> list[StudyResult]:
    """Run several configs, in ``jobs`` parallel processes (joblib); results are seed-determined.

    A replication's numbers do not depend on which process ran it, so the
    results are the same for any ``jobs``.
    """
    sets = [list(o) for o in override_sets]
    if jobs == 1 or len(sets) <= 1:
        return [_run(o) for o in sets]
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=jobs)(delayed(_run)(o) for o in sets))


class ResultsProtectedError(ValueError):
    """Quick (smoke-test) output was pointed at the committed reference results."""


def output_folder(
    out: Path | None,
    *,
    quick: bool,
    root: Path,
    name: str,
    overwrite_results: bool = False,
) -> Path:
    """Where a study script writes, created.

    Full runs default to ``<root>/results`` (the committed reference results).
    Quick runs default to a new ``<root>/outputs/<name>-quick/<date_time>/``
    and may write into ``results/`` (or below it) only with
    ``overwrite_results``: a smoke test never replaces the reference numbers
    by accident (:class:`ResultsProtectedError` otherwise).
    """
    results = (root / "results").resolve()
    if out is None:
        stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
        out = root / "outputs" / f"{name}-quick" / stamp if quick else results
    target = Path(out).resolve()
    if quick and not overwrite_results and (target == results or results in target.parents):
        raise ResultsProtectedError(
            f"refusing to write quick ({name}) output into {target}: results/ holds the committed reference results; "
            "pass --overwrite-results to replace them anyway"
        )
    target.mkdir(parents=True, exist_ok=True)
    return target
