"""Translate Hydra's and OmegaConf's composition errors into one-line ConfigErrors.

Hydra reports an unknown scenario or a mistyped value over several lines
with a hint about stack traces; users of this tool should get the same
single line as for any other bad value: the key, the value, what is allowed.
"""

from __future__ import annotations

import re

from hydra.errors import ConfigCompositionException, MissingConfigException, OverrideParseException
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
