"""Hydra's side of configuration: schema registration and composition over ``configs/``.

This and :mod:`sim.config.translate` are the only modules that import Hydra;
everything below the configuration layer sees typed dataclasses only.
"""

from __future__ import annotations

from collections.abc import Sequence

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from sim.config.checks import to_config
from sim.config.paths import config_dir
from sim.config.schema import ScamsimConfig


def register_configs() -> None:
    """Register the schema so every YAML file is merged into, and checked against, it."""
    ConfigStore.instance().store(name="scamsim_schema", node=ScamsimConfig)


def compose_dictconfig(overrides: Sequence[str] = ()) -> DictConfig:
    """Hydra's compose API over the packaged configs, without a run directory.

    Composition errors (unknown option, wrong type, unknown key) become a
    one-line :class:`~sim.config.errors.ConfigError` like every other bad value.
    """
    from sim.config.translate import check_overrides, translate

    register_configs()
    with initialize_config_dir(str(config_dir()), version_base="1.3", job_name="scamsim"):
        try:
            cfg = hydra_compose("config", overrides=list(overrides))
        except Exception as err:
            translated = translate(err, list(overrides))
            if translated is None:
                raise
            raise translated from err
    check_overrides(cfg, list(overrides))
    return cfg


def compose(overrides: Sequence[str] = ()) -> ScamsimConfig:
    """Build a validated, typed config from Hydra overrides, e.g. ``["world=small"]``."""
    return to_config(compose_dictconfig(overrides))
