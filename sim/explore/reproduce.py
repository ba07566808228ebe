"""What is on screen, for the command line: the YAML of the whole config, and the run's files saved as the CLI saves them.

The YAML is the composed config (every value, as ``.hydra/config.yaml`` of a
CLI run holds it) with a ``defaults`` list and the CLI's Hydra settings on
top, so that it is itself a config ``python -m sim`` can run::

    python -m sim --config-dir <folder of the file> --config-name <file name without .yaml>

Saved runs go where the CLI puts them (``outputs/<scenario>/<world>/<date_time>/``,
a new folder each time) through the CLI's own writer
(:func:`sim.runs.output.write_outputs`), with the same config hash in
``status.json`` and the same ``.hydra/config.yaml`` and ``overrides.yaml``:
a saved folder is indistinguishable from one the command wrote, except for
the wall time.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from omegaconf import OmegaConf

from sim.analysis.results import StudyResult
from sim.explore.levers import command, compose_cfg
from sim.runs.atomic import atomic_write
from sim.runs.lock import RunDirLock
from sim.runs.output import write_outputs
from sim.runs.provenance import config_hash

_HYDRA = """\
defaults:
  - scamsim_schema
  - override hydra/job_logging: stdout
  - _self_

hydra:
  run:
    dir: outputs/${scenario.name}/${world.name}/${now:%Y-%m-%d_%H-%M-%S-%f}
  output_subdir: null
  job:
    chdir: false

"""


def yaml_name(overrides: Sequence[str]) -> str:
    """A file name that says what the YAML is: ``scamsim_<scenario>_<world>_seed<seed>.yaml``."""
    values = dict(o.split("=", 1) for o in overrides if "=" in o)
    return f"scamsim_{values.get('scenario', 'run')}_{values.get('world', '')}_seed{values.get('seed', '')}.yaml"


def yaml_text(overrides: Sequence[str]) -> str:
    """The whole config of ``overrides`` as a YAML file the CLI can run (see the module docstring)."""
    name = yaml_name(overrides).removesuffix(".yaml")
    header = (
        "# scamsim: the whole config of a run made in the explorer (every value, composed from the overrides below).\n"
        f"# The same run from its overrides:  {command(overrides)}\n"
        f"# The same run from this file:      python -m sim --config-dir <folder of this file> --config-name {name}\n"
    )
    return header + _HYDRA + OmegaConf.to_yaml(compose_cfg(overrides))


def run_folder(root: Path, overrides: Sequence[str]) -> Path:
    """``<root>/<scenario>/<world>/<date_time>``, the CLI's pattern (microseconds: two saves never share a folder)."""
    cfg = compose_cfg(overrides)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
    return Path(root) / str(cfg.scenario.name) / str(cfg.world.name) / stamp


def save_run(study: StudyResult, overrides: Sequence[str], root: Path | str = "outputs") -> Path:
    """Write ``study``'s files as ``python -m sim <overrides>`` would, into a new folder under ``root``."""
    cfg = compose_cfg(overrides)
    outdir = run_folder(Path(root), overrides)
    with RunDirLock(outdir):
        record = outdir / ".hydra"
        record.mkdir(parents=True, exist_ok=True)
        atomic_write(record / "config.yaml", OmegaConf.to_yaml(cfg))
        atomic_write(record / "overrides.yaml", OmegaConf.to_yaml(OmegaConf.create(list(overrides))))
        write_outputs(study, outdir, figure=bool(cfg.figure), chash=config_hash(cfg))
    return outdir
