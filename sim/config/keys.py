"""Keys a composed config must not have, and required ones it must.

Hydra's ``+key=value`` adds a key even to a section the schema types as a
dataclass, so ``+raids.warnng_max=0.5`` (a typo) would be carried along and
ignored.  :func:`check_keys` refuses any key a dataclass section does not
declare, naming the closest known keys.  Free-form mappings (``world.sites``,
``scenario.campaigns``, ``study.spec``) take any key.  :func:`to_object`
converts to the dataclass tree and turns a required value left empty (``~world``)
into a one-line :class:`ConfigError` too.
"""

from __future__ import annotations

import difflib
from dataclasses import fields, is_dataclass
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import MissingMandatoryValue, OmegaConfBaseException

from sim.config.errors import ConfigError
from sim.config.paths import config_dir

GROUPS = ("world", "scenario")  # required config groups: a missing one is a missing choice

__all__ = ["check_keys", "to_object"]


def check_keys(cfg: DictConfig) -> None:
    """Raise :class:`ConfigError` for the first key that no schema dataclass declares."""
    _walk(cfg, "")


def _walk(node: DictConfig | ListConfig, prefix: str) -> None:
    if isinstance(node, ListConfig):
        for i in range(len(node)):
            child = node._get_node(i)
            if isinstance(child, (DictConfig, ListConfig)):
                _walk(child, f"{prefix}{i}.")
        return
    if node._is_missing() or node._is_none():
        return
    typ = OmegaConf.get_type(node)
    known = [f.name for f in fields(typ)] if isinstance(typ, type) and is_dataclass(typ) else None
    for key in node:
        name = str(key)
        if known is not None and name not in known:
            section = prefix.rstrip(".") or "the config"
            close = difflib.get_close_matches(name, known, n=2)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise ConfigError(
                f"{prefix}{name}", _shown(node, name), f"no such key in {section}{hint}; known keys: {', '.join(known)}"
            )
        child = node._get_node(name)
        if isinstance(child, (DictConfig, ListConfig)):
            _walk(child, f"{prefix}{name}.")


def _shown(node: DictConfig, key: str) -> Any:
    value = node._get_node(key)
    if isinstance(value, (DictConfig, ListConfig)):
        return OmegaConf.to_container(value, resolve=False)
    return OmegaConf.select(node, key, throw_on_missing=False, throw_on_resolution_failure=False)


def to_object(cfg: DictConfig) -> Any:
    """``OmegaConf.to_object`` with its errors (a missing required value, mostly) as one-line ConfigErrors."""
    try:
        return OmegaConf.to_object(cfg)
    except MissingMandatoryValue as err:
        key = str(err.full_key or "?")
        raise ConfigError(key, "???", _required(key)) from None
    except OmegaConfBaseException as err:
        key = str(getattr(err, "full_key", "") or "?")
        raise ConfigError(key, "?", str(err).splitlines()[0]) from None


def _required(key: str) -> str:
    group = key.split(".")[0]
    if group in GROUPS:
        options = sorted(p.stem for p in (config_dir() / group).glob("*.yaml"))
        return f"required: choose one with {group}=<name> ({', '.join(options)})"
    return "required: give it a value (see python -m sim --cfg job)"
