"""The command line: ``python -m sim`` / ``scamsim``, a Hydra app over ``configs/``.

Validation happens before anything is simulated; a bad value prints one line
naming the key, the value and what is allowed, writes ``status.json`` with
``failed`` and the message, and exits with status 2.  In a multirun a failing
job is recorded the same way and the sweep goes on; the gather callback
(:mod:`sim.gather`) counts the failures and sets the sweep's exit status.
A job whose directory already holds complete results of the same config is
skipped, which is how an interrupted sweep resumes.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.output import OutputExistsError, config_hash, guard, headline_table, write_outputs, write_status
from sim.paths import config_dir
from sim.schema import register_configs
from sim.study import run
from sim.validate import ConfigError, to_config

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


if __name__ == "__main__":
    main()
