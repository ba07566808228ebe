"""Keep a sweep root's ``multirun.yaml`` when a multirun into it is refused.

Hydra's sweeper writes ``<sweep dir>/multirun.yaml`` before it composes and
launches the jobs, so a sweep refused at that point (a bad value in a sweep
list, or a job that refuses to overwrite complete results of another config)
would leave the record of the sweep that really produced the folder replaced
by the one that was refused.  :class:`SweepRecord`, a Hydra callback
(``configs/config.yaml``), remembers the file's bytes when a multirun starts;
:func:`restore` (called by :func:`sim.cli.entry` when a multirun ends in a
refusal) puts them back, or removes the file if there was none before.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

RECORD = "multirun.yaml"

#: multirun.yaml paths of the multiruns started in this process -> their bytes before (None: there was no file)
_BEFORE: dict[Path, bytes | None] = {}

__all__ = ["RECORD", "SweepRecord", "restore"]


class SweepRecord(Callback):
    """Hydra callback: remember the sweep root's ``multirun.yaml`` before the sweeper rewrites it."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        path = Path(str(config.hydra.sweep.dir)) / RECORD
        try:
            _BEFORE[path] = path.read_bytes()
        except FileNotFoundError:
            _BEFORE[path] = None

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        _BEFORE.pop(Path(str(config.hydra.sweep.dir)) / RECORD, None)


def restore() -> list[Path]:
    """Put back every remembered ``multirun.yaml`` of a multirun that did not end; the paths restored."""
    restored = []
    while _BEFORE:
        path, data = _BEFORE.popitem()
        try:
            if data is None:
                path.unlink(missing_ok=True)
            else:
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                try:
                    tmp.write_bytes(data)
                    os.replace(tmp, path)
                finally:
                    tmp.unlink(missing_ok=True)
        except OSError:
            continue
        restored.append(path)
    return restored
