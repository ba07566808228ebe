"""The one error a bad config value raises: key, value and what is allowed, on one line."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A config value the model cannot run with; the message is one line."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"invalid config: {key}={value!r}: {allowed}")

    def __reduce__(self) -> tuple[type[ConfigError], tuple[str, Any, str]]:
        # picklable, so it survives a trip back from a worker process
        return (ConfigError, (self.key, self.value, self.allowed))
