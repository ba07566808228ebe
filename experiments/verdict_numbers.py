"""How the verdict writes numbers, and how a test finds every one of them again in the result files.

``experiments/verdict.py`` writes a number only through one of
:data:`FORMATTERS` applied to a value it read from a result file (or to a
value it derived from them and wrote to ``verdict_derived.json``).  The test
(``tests/test_verdict_numbers.py``) extracts every number of ``verdict.md``
with :func:`numbers_in` and checks it is one of :func:`formatted` applied to
the values of the files the section was rendered from.  Re-applying the same
formatters makes rounding, thousands separators and percentages match
exactly, instead of guessing with a tolerance.

A stronger check needs no coincidence: while the verdict renders, every
formatter call is logged (:func:`logged`: formatter, value, text, in the
order written), and :func:`verbatim` logs a file's string put in as it is.
The log goes into ``verdict_derived.json``, and the test checks that the
numbers of each section are exactly the logged texts, in order, and each
logged value is a value of the section's files (an exact float, not a
string that happens to format alike).

Some numbers in the prose are not measurements: section numbers, issue
numbers, the name of the July 2025 wave, citation years.  :data:`NOT_NUMBERS`
lists each kind as a narrow pattern; nothing else is exempt.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "FORMATTERS",
    "NOT_NUMBERS",
    "f2",
    "fmt",
    "formatted",
    "g",
    "logged",
    "numbers_in",
    "pct",
    "strings_in",
    "values_in",
    "verbatim",
    "whole",
]

#: (formatter, value, text) of every number written while :func:`logged` is active; None when it is not.
_LOG: list[tuple[str, float | str, str]] | None = None


def _sig(x: float, digits: int = 3) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.{digits}g}"


def _whole(x: float) -> str:
    if not (math.isfinite(x) and float(x).is_integer()):
        raise ValueError("not a whole number")
    return str(int(x))


#: Every way the verdict turns a value into text; the test applies all of them to every file value.
FORMATTERS: dict[str, Callable[[float], str]] = {
    "fmt3": _sig,
    "fmt4": lambda x: _sig(x, 4),
    "g": lambda x: f"{x:g}",
    "f2": lambda x: f"{x:.2f}",
    "whole": _whole,
    "pct": lambda x: f"{x * 100:g}%",
}


def _write(name: str, x: float) -> str:
    text = FORMATTERS[name](x)
    if _LOG is not None:
        _LOG.append((name, float(x), text))
    return text


def fmt(x: float, digits: int = 3) -> str:
    """Whole numbers with thousands separators from 100 up, else ``digits`` (3 or 4) significant figures; ``n/a`` if not finite."""
    return _write({3: "fmt3", 4: "fmt4"}[digits], x)


def g(x: float) -> str:
    """``%g``: grid values and thresholds as configured (0.25, 5.7, 1)."""
    return _write("g", x)


def f2(x: float) -> str:
    """Two decimals: shares and ratios read at a glance."""
    return _write("f2", x)


def whole(x: float) -> str:
    """A whole number (a count, a day, a seed) as is; refuses a fraction."""
    return _write("whole", x)


def pct(x: float) -> str:
    """A share as a percentage (0.9 -> ``90%``)."""
    return _write("pct", x)


def verbatim(text: str) -> str:
    """A string of a result file put in as it is (``~140 (first 30 days)``): logged, so its numbers are accounted for."""
    if _LOG is not None:
        _LOG.append(("verbatim", text, text))
    return text


@contextmanager
def logged() -> Iterator[list[tuple[str, float | str, str]]]:
    """Log every number written inside the block; yields the log (appended to as the block runs)."""
    global _LOG
    previous, _LOG = _LOG, []
    try:
        yield _LOG
    finally:
        _LOG = previous


#: Numbers in the prose that are not results, each kind as narrowly as it occurs (removed before extraction).
NOT_NUMBERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("heading numbers", re.compile(r"^#{1,6} \d+\.", re.M)),
    ("ODD section references", re.compile(r"§\d+(?:\.\d+)*(?:-\d+(?:\.\d+)*)?")),
    ("section references", re.compile(r"\b[Ss]ections? \d+(?:(?:, | and |-)\d+)*")),
    ("issue numbers", re.compile(r"\bissue \d+\b")),
    ("model versions", re.compile(r"\b[Vv]ersion [12]\b")),
    ("the wave's name", re.compile(r"\bJuly 2025\b")),
    ("citation years", re.compile(r"\bet al\. \(?(?:19|20)\d{2}\)?")),
    ("figure numbers", re.compile(r"\bfigure \d\b")),
)

_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[+-]\d+)?%?")


def _strip(text: str) -> str:
    for _kind, pattern in NOT_NUMBERS:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def numbers_in(text: str, exempt: bool = True) -> list[str]:
    """Every number written in ``text``, as written (sign, separators, percent sign included).

    A number glued to a letter, underscore or dot is part of a name
    (``crackdown_2025``, ``raids_30d``, ``v1``) and is not one; a minus sign is
    a sign unless it follows a digit (``0.32-0.78`` is a range of two numbers),
    and ``..`` separates the two bounds of a range (``0.5..0.975``).
    With ``exempt`` the :data:`NOT_NUMBERS` are left out first.
    """
    if exempt:
        text = _strip(text)
    out = []
    for m in _NUMBER.finditer(text):
        a, b = m.start(), m.end()
        before = text[a - 1] if a else " "
        after = text[b] if b < len(text) else " "
        dotted = before == "." and not (a >= 2 and text[a - 2] == ".")  # "v1.2" is a name; "0.5..0.975" a range
        if before.isalnum() or before == "_" or dotted or after.isalnum() or after == "_":
            continue
        token = m.group(0)
        if before == "-" and (a < 2 or not text[a - 2].isalnum()):
            token = "-" + token
        out.append(token)
    return out


def _walk(node: Any) -> Iterator[float | str]:
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, (int, float)):
        yield float(node)
    elif isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield str(k)
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def values_in(path: Path) -> tuple[list[float], set[str]]:
    """The numeric values of a CSV or JSON file, and the numbers written inside its strings (as written)."""
    items: Iterable[float | str]
    if path.suffix == ".csv":
        with path.open() as fh:
            items = [cell for row in csv.reader(fh) for cell in row]
    else:
        items = list(_walk(json.loads(path.read_text())))
    values: list[float] = []
    tokens: set[str] = set()
    for item in items:
        if isinstance(item, float):
            values.append(item)
            continue
        try:
            values.append(float(item))
        except ValueError:
            tokens.update(numbers_in(item, exempt=False))
    return values, tokens


def strings_in(path: Path) -> set[str]:
    """Every string of a CSV or JSON file (cells that are not numbers, JSON strings and keys)."""
    if path.suffix == ".csv":
        with path.open() as fh:
            return {cell for row in csv.reader(fh) for cell in row}
    return {item for item in _walk(json.loads(path.read_text())) if isinstance(item, str)}


def formatted(values: Iterable[float]) -> set[str]:
    """Every formatter of :data:`FORMATTERS` applied to every value (those a formatter refuses are skipped)."""
    out: set[str] = set()
    for v in values:
        for f in FORMATTERS.values():
            try:
                out.add(f(v))
            except (ValueError, OverflowError):
                continue
    return out
