"""Translate Hydra's and OmegaConf's composition errors into one-line ConfigErrors.

Hydra reports an unknown scenario or a mistyped value over several lines
with a hint about stack traces; users of this tool should get the same
single line as for any other bad value: the key, the value, what is allowed.
"""

from __future__ import annotations

import re

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import ConfigCompositionException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ValidationError

from sim.config.errors import ConfigError


def _override_value(overrides: list[str], key: str) -> str:
    for item in overrides:
        k, _, v = item.lstrip("+~").partition("=")
        if k == key:
            return v
    return "?"


def translate(err: Exception, overrides: list[str]) -> ConfigError | None:
    """A ConfigError for a known Hydra composition error, or None to let it through."""
    if isinstance(err, MissingConfigException):
        found = re.search(r"Could not find '([^'/]+)/([^']+)'", str(err))
        options = re.findall(r"^\t(\S+)$", str(err).split("Config search path")[0], flags=re.M)
        if found:
            group, name = found.groups()
            return ConfigError(group, name, f"unknown {group}; available: {', '.join(options)}")
        return ConfigError("config", str(err).splitlines()[0], "a config that exists")
    if isinstance(err, OverrideParseException):
        return ConfigError("override", " ".join(overrides), f"Hydra override syntax: {str(err).splitlines()[0]}")
    if isinstance(err, ConfigCompositionException):
        appended = re.search(r"Could not append to config\. An item is already at '([^']+)'", str(err))
        if appended:
            key = appended.group(1)
            return ConfigError(
                "+" + key, _override_value(overrides, key), f"the key exists already: set it without the + ({key}=...)"
            )
        cause = err.__cause__
        if isinstance(cause, ConfigAttributeError):
            key = cause.full_key or "?"
            return ConfigError(
                key, _override_value(overrides, key), "no such key in the config schema (see python -m sim --cfg job)"
            )
        if isinstance(cause, ValidationError):
            key = cause.full_key or "?"
            reason = str(cause).splitlines()[0]
            wanted = re.search(r"converted to (\w+)", reason)
            allowed = f"must be of type {wanted.group(1)}" if wanted else reason
            return ConfigError(key, _override_value(overrides, key), allowed)
    return None


def check_overrides(cfg: DictConfig, overrides: list[str]) -> None:
    """Refuse overrides Hydra accepts but that cannot mean what they say.

    ``key={}`` on a mapping is merged into it and changes nothing
    (``world.sites={}`` runs the full world), so it is refused with the way
    to drop entries.  Sweep overrides are left to the jobs, which see one value each.
    """
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except OverrideParseException:
        return  # Hydra reports these itself
    for item in parsed:
        if item.is_delete() or item.is_sweep_override() or item.value() != {}:
            continue
        key = item.key_or_group
        node = OmegaConf.select(cfg, key, throw_on_missing=False, throw_on_resolution_failure=False)
        if isinstance(node, DictConfig) and len(node) > 0:
            names = ", ".join(str(k) for k in node)
            raise ConfigError(
                key,
                {},
                f"an empty mapping is merged into the existing one ({names}) and changes nothing; "
                f"drop an entry with ~{key}.<name>, or choose another config group option",
            )
