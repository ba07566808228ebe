"""The command line: ``python -m sim`` / ``scamsim``, a Hydra app over ``configs/``.

Validation happens before anything is simulated; a bad value prints one line
naming the key, the value and what is allowed, writes ``status.json`` with
``failed`` and the message, and exits with status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.output import OutputExistsError, guard, headline_table, write_outputs, write_status
from sim.paths import config_dir
from sim.schema import register_configs
from sim.study import run
from sim.validate import ConfigError, to_config

register_configs()


@hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    outdir = Path(HydraConfig.get().runtime.output_dir)
    try:
        guard(outdir)
        config = to_config(cfg)
    except (ConfigError, OutputExistsError) as err:
        if isinstance(err, ConfigError):
            write_status(outdir, "failed", error=str(err))
        print(f"scamsim: {err}", file=sys.stderr)
        sys.exit(2)
    try:
        study = run(config, progress=config.progress and sys.stderr.isatty())
        write_outputs(study, outdir, figure=config.figure)
    except Exception as err:  # a failed run is data too: say so on disk, then re-raise
        write_status(outdir, "failed", error=f"{type(err).__name__}: {err}")
        raise
    print(headline_table(study))
    print(f"results: {outdir}")


if __name__ == "__main__":
    main()
