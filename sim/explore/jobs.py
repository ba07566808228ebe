"""Runs in the background: one replication at a time, so the page shows progress and can cancel.

:func:`sim.runs.study.run` runs a whole study in one call.  Here each
replication ``k`` is its own call (``replications=1, first_replication=k``)
and the parts are joined by :func:`merge`; replication ``k`` draws from its
own streams whichever call runs it, so the joined study holds the same
numbers as ``python -m sim`` with the same overrides (the tests check it).
Between two replications the job looks at its cancel flag, which is how a
run is stopped without killing a thread.

The page never touches a job's results while the thread writes them: it
polls :meth:`Job.snapshot`, which hands out copies under a lock.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.analysis.results import StudyResult
from sim.config.schema import ScamsimConfig
from sim.explore.levers import compose_config
from sim.explore.trace import Trace, trace_replication
from sim.runs.study import run


def merge(parts: Sequence[StudyResult]) -> StudyResult:
    """One study from studies of the same config over consecutive replications (in order)."""
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0]
    cf = None if first.counterfactual is None else [r for p in parts for r in (p.counterfactual or [])]
    return StudyResult(
        first.config,
        [r for p in parts for r in p.replications],
        [s for p in parts for s in p.summaries],
        sum(p.wall_time for p in parts),
        counterfactual=cf,
    )


def head(study: StudyResult, n: int) -> StudyResult:
    """The first ``n`` replications of ``study`` (a cancelled comparison shows the pairs both arms finished)."""
    if n >= len(study.replications):
        return study
    cf = None if study.counterfactual is None else study.counterfactual[:n]
    return StudyResult(study.config, study.replications[:n], study.summaries[:n], study.wall_time, counterfactual=cf)


def with_replications(overrides: Sequence[str], n: int) -> list[str]:
    """``overrides`` with ``replications=n``: the command of what a cancelled run really shows."""
    return [f"replications={n}" if o.startswith("replications=") else o for o in overrides]


@dataclass
class Arm:
    """One policy of a job: its overrides, config, finished replications and the traced replication 0."""

    label: str
    overrides: list[str]
    config: ScamsimConfig | None = None
    parts: list[StudyResult] = field(default_factory=list)
    trace: Trace | None = None

    def study(self) -> StudyResult | None:
        return merge(self.parts) if self.parts else None


@dataclass(frozen=True)
class Snapshot:
    """What the page may show of a job at one moment (copies, safe to read on the page's thread)."""

    state: str  # running | done | cancelled | failed
    done: int
    total: int
    message: str
    studies: list[StudyResult | None]
    traces: list[Trace | None]
    overrides: list[list[str]]
    elapsed: float


class Job:
    """One click of "Run": every replication of one or two policies, in a daemon thread.

    With two policies (compare mode) their replications alternate, so both
    arms advance together and a cancelled comparison still pairs replication
    by replication.  Each policy's replication 0 is also run once more,
    traced (:mod:`sim.explore.trace`), for the map and the protection network.
    """

    def __init__(self, arms: Sequence[tuple[str, Sequence[str]]], replications: int) -> None:
        self.arms = [Arm(label, list(ov)) for label, ov in arms]
        self.replications = int(replications)
        self.total = len(self.arms) * (self.replications + 1)  # + the traced replication of each arm
        self.done = 0
        self.state = "running"
        self.message = "composing the configs"
        self.error: str | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._start = time.perf_counter()
        self._end: float | None = None
        self._thread = threading.Thread(target=self._work, name="scamsim-explore-job", daemon=True)

    def start(self) -> Job:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop after the replication under way (its result is kept; nothing half-done is shown)."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends (for scripts and tests; the page polls instead).  True if it ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def finished(self) -> bool:
        return self.state != "running"

    def snapshot(self) -> Snapshot:
        with self._lock:
            studies = [a.study() for a in self.arms]
            end = self._end if self._end is not None else time.perf_counter()
            return Snapshot(
                self.state,
                self.done,
                self.total,
                self.message,
                studies,
                [a.trace for a in self.arms],
                [list(a.overrides) for a in self.arms],
                end - self._start,
            )

    def _step(self, message: str) -> None:
        with self._lock:
            self.done += 1
            self.message = message

    def _work(self) -> None:
        try:
            for arm in self.arms:
                arm.config = compose_config(arm.overrides)
            for k in range(self.replications):
                for arm in self.arms:
                    if self._cancel.is_set():
                        return self._finish("cancelled")
                    assert arm.config is not None
                    part = run(arm.config, replications=1, first_replication=k)
                    with self._lock:
                        arm.parts.append(part)
                    self._step(f"{arm.label}: replication {k + 1} of {self.replications}")
            for arm in self.arms:
                if self._cancel.is_set():
                    return self._finish("cancelled")
                assert arm.config is not None
                traced = trace_replication(arm.config, 0)
                with self._lock:
                    arm.trace = traced
                self._step(f"{arm.label}: traced replication 1 for the map")
            self._finish("done")
        except Exception as err:  # shown on the page in one line; the page stays usable
            self.error = f"{type(err).__name__}: {' '.join(str(err).split())}"
            traceback.print_exc()
            self._finish("failed")

    def _finish(self, state: str) -> None:
        with self._lock:
            self.state = state
            self._end = time.perf_counter()
            if state == "cancelled":
                self.message = f"cancelled after {self.done} of {self.total} steps"
            elif state == "failed":
                self.message = f"failed: {self.error}"
            else:
                self.message = f"done in {self._end - self._start:.1f} s"
