"""Every number in results/verdict.md is found again in the result files its section was rendered from.

``experiments/verdict.py`` writes each number as one of
``verdict_numbers.FORMATTERS`` applied to a file value (or to a value it
derived and recorded with its rule in ``results/verdict_derived.json``).
The test extracts every number of each section and re-applies the same
formatters to the values of that section's files: rounding, thousands
separators and percentages then match exactly.  Section numbers, issue
numbers, the wave's name and citation years are exempt by narrow patterns
(``verdict_numbers.NOT_NUMBERS``), nothing else.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"


def _import(name: str) -> ModuleType:
    """A script of experiments/, imported the way the scripts import each other (their folder on the path)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(ROOT / "experiments"))
        return importlib.import_module(name)


verdict = _import("verdict")
vn = _import("verdict_numbers")
verdict_sources = _import("verdict_sources")


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of each ``## `` section, the title and preamble first with heading ``""``."""
    out: list[tuple[str, str]] = [("", "")]
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            out.append((line.rstrip("\n"), line))
        else:
            out[-1] = (out[-1][0], out[-1][1] + line)
    return out


@cache
def _file(path: str) -> tuple[frozenset[str], frozenset[str]]:
    values, tokens = vn.values_in(ROOT / path)
    return frozenset(vn.formatted(values)), frozenset(tokens)


def allowed(record: dict, constants: dict) -> set[str]:
    """Every string the section may contain as a number: its files' values formatted, their tokens, its derived values."""
    out: set[str] = set()
    for path in record["sources"]:
        formatted, tokens = _file(path)
        out |= formatted | tokens
    out |= vn.formatted(d["value"] for d in record["derived"].values())
    out |= vn.formatted(d["value"] for d in constants["derived"].values())
    return out


def unfound(text: str, record: dict) -> list[tuple[str, str]]:
    """(section heading, number) for every number of ``text`` not found in the files of its section."""
    parts = sections(text)
    assert [h for h, _ in parts] == [s["heading"] for s in record["sections"]], "sections differ from verdict_derived.json"
    missing = []
    for (heading, body), rec in zip(parts, record["sections"], strict=True):
        ok = allowed(rec, record["constants"])
        missing += [(heading, tok) for tok in vn.numbers_in(body) if tok not in ok]
    return missing


@cache
def _exact(path: str) -> tuple[frozenset[float], frozenset[str]]:
    values, _tokens = vn.values_in(ROOT / path)
    return frozenset(v for v in values if not math.isnan(v)), frozenset(vn.strings_in(ROOT / path))


def exact_problems(text: str, record: dict) -> list[str]:
    """What the renderer's log of every number it wrote does not account for, checked value by value.

    Stronger than string membership, which a number can pass by formatting
    alike some other value: in each section the numbers are exactly the logged
    texts, in order; each logged text is its formatter applied to its value;
    each value is a value of the section's files (exact), a derived value or a
    constant; each verbatim string is a string of those files.
    """
    problems = []
    constants = {d["value"] for d in record["constants"]["derived"].values()}
    for (heading, body), rec in zip(sections(text), record["sections"], strict=True):
        written = [(f, v, t) for f, v, t in rec["numbers"] if vn.numbers_in(t)]
        in_text = vn.numbers_in(body)
        in_log = [tok for _f, _v, t in written for tok in vn.numbers_in(t)]
        if in_text != in_log:
            extra = [t for t in in_text if t not in in_log] or in_text[len(in_log) :]
            problems.append(f"{heading}: numbers differ from what the renderer wrote, e.g. {extra[:5]}")
        values = {d["value"] for d in rec["derived"].values()} | constants
        strings: set[str] = set()
        for path in rec["sources"]:
            exact, texts = _exact(path)
            values |= exact
            strings |= texts
        for f, v, t in written:
            if f == "verbatim":
                if t not in strings:
                    problems.append(f"{heading}: {t!r} is in none of {rec['sources']}")
            elif vn.FORMATTERS[f](v) != t:
                problems.append(f"{heading}: {t} is not {f}({v!r})")
            elif v not in values:
                problems.append(f"{heading}: {t} = {f}({v!r}) is not a value of {rec['sources']} nor derived")
    return problems


@pytest.fixture(scope="module")
def committed() -> tuple[str, dict]:
    return (RESULTS / "verdict.md").read_text(), json.loads((RESULTS / "verdict_derived.json").read_text())


def test_every_number_in_the_verdict_is_in_its_sections_result_files(committed):
    """The check as issue 12 words it: each number is a formatter applied to some value of the section's files."""
    text, record = committed
    assert len(vn.numbers_in(text)) > 200  # the check is not vacuous
    assert unfound(text, record) == []


def test_each_number_is_exactly_a_formatter_applied_to_a_value_of_its_files(committed):
    text, record = committed
    assert exact_problems(text, record) == []


def test_a_number_that_is_in_no_file_is_caught(committed):
    text, record = committed
    odd = "98,765.4321"
    assert odd not in set().union(*(allowed(r, record["constants"]) for r in record["sections"]))
    # put it in place of the first number of section 2
    heading = next(r["heading"] for r in record["sections"] if r["heading"].startswith("## 2."))
    head, rest = text.split(heading, 1)
    first = vn.numbers_in(rest)[0]
    bad = head + heading + rest.replace(first, odd, 1)
    assert (heading, odd) in unfound(bad, record)
    assert any(p.startswith(heading) for p in exact_problems(bad, record))


def test_a_number_rounded_differently_or_typed_in_is_caught(committed):
    text, record = committed
    # the headline's one-year ratio, written with one more digit than the formatter gives: it may match some
    # other file value as a string, but not the value the renderer wrote there
    m = re.search(r"leaves network revenue at (\d+\.\d+) ", text)
    assert m
    bad = text.replace(m.group(0), m.group(0).replace(m.group(1), m.group(1) + "7"), 1)
    assert any(p.startswith("## The answer") for p in exact_problems(bad, record))
    # a sentence with a number typed in by hand
    typed = text.replace("## 2.", "Some 40 compounds moved.\n\n## 2.", 1)
    assert any(p.startswith("## 1.") for p in exact_problems(typed, record))


def test_sections_read_only_result_files_under_results(committed):
    _, record = committed
    for rec in record["sections"]:
        for path in rec["sources"]:
            assert path.startswith("results/") and path.endswith((".csv", ".json")), path
            assert (ROOT / path).exists(), path
        for name, d in rec["derived"].items():
            assert d["rule"], f"{rec['heading']}: {name} has no rule"


def test_the_verdict_is_what_the_script_renders_from_the_files(committed):
    text, record = committed
    age = verdict_sources.model_age(RESULTS, ROOT)
    if "unknown" in age.values():
        pytest.skip("git cannot date the result files here (no history): the age statement would differ")
    new_text, new_record = verdict.render(RESULTS)
    assert new_text == text, "results/verdict.md was edited by hand or is stale: run python experiments/verdict.py"
    # compared as JSON text: a NaN value is not equal to itself
    assert json.dumps(new_record, default=float, sort_keys=True) == json.dumps(record, sort_keys=True)


def test_derived_counts_agree_with_the_files(committed):
    _, record = committed
    region = json.loads((RESULTS / "region.json").read_text())
    answer = next(r for r in record["sections"] if r["heading"] == "## The answer")
    assert answer["derived"]["lasting_cells"]["value"] == sum(c["class"] == "lasting" for c in region["cells"])
    assert answer["derived"]["cells"]["value"] == len(region["cells"])
    rows = {r["scenario"]: r for r in verdict.read_csv(RESULTS / "scenarios.csv")}
    c = rows["crackdown_2025"]
    assert answer["derived"]["crackdown_2025_never"]["value"] == int(float(c["replications"]) - float(c["recovery_days_cf_n"]))


# ------------------------------------------------------------------ the extraction itself


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("`crackdown_2025` raids_30d v1/scenarios.csv fig4", []),
        ("1.02 [1.01, 1.02] and 2,137 people", ["1.02", "1.01", "1.02", "2,137"]),
        ("[-0.0142, -0.00476] on day -10", ["-0.0142", "-0.00476", "-10"]),
        ("means 0.32-0.78 (days 90-240)", ["0.32", "0.78", "90", "240"]),
        ("back to 90% of it; 2.85e+03", ["90%", "2.85e+03"]),
        ("`labour.supply_scale=1`, {0.25, 0.5}", ["1", "0.25", "0.5"]),
        ("30, 30 and 4,562.", ["30", "30", "4,562"]),
        ("allowed 0.5..0.975, 3,000..5,000", ["0.5", "0.975", "3,000", "5,000"]),
    ],
)
def test_numbers_are_extracted_as_written(text, numbers):
    assert vn.numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("## 2. Every scenario", []),
        ("docs/ODD.md §7.18-7.24", []),
        ("(sections 3, 4, 5 and 6)", []),
        ("Bright et al. (2017) and Duijn et al. 2014", []),
        ("issue 12; model version 2; the July 2025 wave; figure 6", []),
        # the exemptions are narrow: the same numbers elsewhere are numbers
        ("in 2025, 12 issues, version 3, 7.18 days, at 2017", ["2025", "12", "3", "7.18", "2017"]),
    ],
)
def test_only_narrow_kinds_of_prose_numbers_are_exempt(text, kept):
    assert vn.numbers_in(text) == kept


def test_formatters_match_the_renderers_output():
    assert vn.fmt(4561.9) == "4,562" and vn.fmt(0.98391) == "0.984" and vn.fmt(0.98391, 4) == "0.9839"
    assert vn.FORMATTERS["pct"](0.9) == "90%" and vn.FORMATTERS["pct"](0.95) == "95%"
    assert vn.formatted([30.0]) >= {"30", "30.00"}
