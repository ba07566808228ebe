"""The decorator that compiles a kernel with numba at its first call (see :mod:`sim.core.kernels`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def compiled(fn: F) -> F:
    """``numba.njit(cache=True)`` applied at the first call (see :mod:`sim.core.kernels`)."""
    jitted: Callable[..., Any] | None = None

    @functools.wraps(fn)
    def call(*args: Any) -> Any:
        nonlocal jitted
        if jitted is None:
            import numba

            jitted = numba.njit(cache=True, nogil=True)(fn)
        return jitted(*args)

    call.python = fn  # type: ignore[attr-defined]  # the uncompiled function, for tests that check a kernel's logic
    return call  # type: ignore[return-value]
