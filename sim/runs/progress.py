"""Progress of a study on stderr: one bar on a terminal, one line per batch otherwise.

A ``replications=auto`` run is one bar from start to stop, whose total is
``precision.max_replications`` and whose postfix shows the current 95% CI
half-width of ``precision.metric`` against the target.  When stderr is not
a terminal (a log file, a cluster job, a pipe) nothing is redrawn: a line is
printed after each batch of an ``auto`` run, and after each tenth of a fixed
number of replications, so a long job is never silent for minutes.
"""

from __future__ import annotations

import math
import sys
import time
from typing import IO, Any

__all__ = ["Progress"]


class Progress:
    """Report replications done (and the precision reached) for one study."""

    def __init__(
        self, label: str, total: int, enabled: bool = True, stream: IO[str] | None = None, tty: bool | None = None
    ) -> None:
        self.label = label
        self.total = total
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.done = 0
        self.start = time.perf_counter()
        self.every = max(1, math.ceil(total / 10))  # fixed runs without a terminal: a line per tenth
        self._last_line = 0
        self._bar: Any = None
        self._precision = ""
        if enabled and self.tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit="rep", leave=False, file=self.stream)

    def step(self, n: int = 1) -> None:
        """``n`` more replications are done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)

    def precision(self, metric: str, half_width: float, target: float) -> None:
        """The current half-width of ``metric`` against its target (``replications=auto``)."""
        self._precision = f"{metric} half-width {half_width:.4g} (target {target:.4g})"
        if self._bar is not None:
            self._bar.set_postfix_str(self._precision, refresh=True)

    def batch_done(self) -> None:
        """A batch of an ``auto`` run is done: without a terminal, say where the run is."""
        if self.enabled and self._bar is None:
            self._line()

    def maybe_line(self) -> None:
        """A fixed run without a terminal: a line after each tenth of the replications."""
        if self.enabled and self._bar is None and (self.done - self._last_line >= self.every or self.done == self.total):
            self._line()

    def _line(self) -> None:
        self._last_line = self.done
        extra = f", {self._precision}" if self._precision else ""
        elapsed = time.perf_counter() - self.start
        print(
            f"scamsim: {self.label}: {self.done}/{self.total} replications{extra} ({elapsed:.1f} s)", file=self.stream, flush=True
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
