"""The command line: ``python -m sim`` / ``scamsim``, a Hydra app over ``configs/``.

Validation happens before anything is simulated; a bad value prints one line
naming the key, the value and what is allowed, writes ``status.json`` with
``failed`` and the message, and exits with status 2.  In a multirun a failing
job is recorded the same way and the sweep goes on; the gather callback
(:mod:`sim.gather`) counts the failures and sets the sweep's exit status.
A job whose directory already holds complete results of the same config is
skipped, which is how an interrupted sweep resumes.

Hydra's own record of a job (``.hydra/``) is written by this module, not by
Hydra (``hydra.output_subdir: null``), and only once the job will really run:
a refused or skipped run never rewrites the provenance of results already in
a directory.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.config.checks import to_config
from sim.config.compose import compose_dictconfig, register_configs
from sim.config.errors import ConfigError
from sim.config.paths import config_dir
from sim.runs.output import OutputExistsError, config_hash, guard, headline_table, write_outputs, write_status
from sim.runs.study import run

register_configs()


@hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    outdir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    chash = config_hash(cfg)
    try:
        if guard(outdir, chash):
            print(f"scamsim: {outdir} already holds complete results of this config; skipped")
            return
        _record(outdir, cfg)
        config = to_config(cfg)
    except OutputExistsError as err:
        print(f"scamsim: {err}", file=sys.stderr)
        sys.exit(2)
    except ConfigError as err:
        write_status(outdir, "failed", error=str(err), config_hash=chash)
        print(f"scamsim: {err}", file=sys.stderr)
        if multirun:
            return
        sys.exit(2)
    try:
        study = run(config, progress=config.progress and sys.stderr.isatty())
        write_outputs(study, outdir, figure=config.figure, chash=chash)
    except Exception as err:  # a failed run is data too: say so on disk
        (outdir / "error.txt").write_text(traceback.format_exc())
        write_status(outdir, "failed", error=f"{type(err).__name__}: {err}", config_hash=chash)
        if multirun:
            print(f"scamsim: job failed: {type(err).__name__}: {err} (see {outdir / 'error.txt'})", file=sys.stderr)
            return
        raise
    print(headline_table(study))
    print(f"results: {outdir}")


def _record(outdir: Path, cfg: DictConfig) -> None:
    """What Hydra would save in ``.hydra/``: the job's config, overrides and Hydra config."""
    hydra_cfg = HydraConfig.get()
    record = outdir / ".hydra"
    record.mkdir(parents=True, exist_ok=True)
    (record / "config.yaml").write_text(OmegaConf.to_yaml(cfg))
    (record / "overrides.yaml").write_text(OmegaConf.to_yaml(OmegaConf.create(list(hydra_cfg.overrides.task))))
    (record / "hydra.yaml").write_text(OmegaConf.to_yaml(OmegaConf.create({"hydra": OmegaConf.to_container(hydra_cfg)})))


def _plain_overrides(args: list[str]) -> list[str] | None:
    """The overrides of a single run, or None for flags, multiruns and Hydra's own keys only."""
    if any(a.startswith("-") for a in args):
        return None
    return [a for a in args if not a.lstrip("+~").startswith(("hydra.", "hydra/"))]


def entry() -> None:
    """Console entry point: composition errors of a single run get the one-line treatment."""
    overrides = _plain_overrides(sys.argv[1:])
    if overrides is not None:
        try:
            compose_dictconfig(overrides)
        except ConfigError as err:
            print(f"scamsim: {err}", file=sys.stderr)
            sys.exit(2)
        except Exception:  # anything else: let Hydra report it its own way
            pass
    main()


if __name__ == "__main__":
    entry()
