"""The teaching course runs: every command of every worksheet, the notebook, and every teaching config.

Each worksheet in ``experiments/teaching/`` is parsed for its fenced ```bash
blocks, and every command in them (``python -m sim ...``, ``python -m
sim.runs.gather ...``, ``python experiments/...``) is run as a subprocess from the
repository root, in order, on reduced settings (2 replications per job) and
with Hydra's run and sweep folders redirected into ``tmp_path``.  Paths a
helper script takes (``outputs/...``, ``multirun/...``) are pointed at the
worksheet's latest run or sweep.  The files the worksheet tells students to
look at must exist.  The notebook's format is checked here; it is run in a
real Jupyter kernel by ``tests/test_notebook.py``.  A change that breaks an
exercise fails here or there.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.core.events import EventKind

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "experiments" / "teaching"
CONFIGS = ROOT / "configs" / "teaching"
WORKSHEETS = sorted(TEACHING.glob("[0-9][0-9]_*.md"))
NOTEBOOK = TEACHING / "walkthrough.ipynb"
REPS = 2  # replications per job in the tests (the worksheets use 8-30)

RUN_FILES = ("timeseries.csv", "events.csv", "summary.csv", "summary.json", "revenue_by_site.png", "status.json")
SWEEP_FILES = ("gathered.csv", "points.csv")
SECTIONS = (
    "**Learning goal.**",
    "**Time.**",
    "## Background",
    "## Run it",
    "## What to look at",
    "## Questions",
    "## Open questions",
)
TOPICS = {  # what the course must cover (the list) -> the worksheet that does
    "single raid": "01_single_raid.md",
    "July 2025 wave": "02_july_wave.md",
    "warnings and protection": "03_warnings_protection.md",
    "relocation and displacement": "04_displacement.md",
    "infrastructure cuts and substitutes": "05_infrastructure.md",
    "policy under a fixed budget": "06_budget.md",
    "randomness and replications": "07_randomness.md",
}


def teaching_configs() -> list[str]:
    return sorted(p.stem for p in CONFIGS.glob("*.yaml"))


def policies() -> list[str]:
    return sorted(p.stem for p in (CONFIGS / "policy").glob("*.yaml"))


def commands(worksheet: Path) -> list[list[str]]:
    """Every command of the worksheet's ```bash blocks, split like a shell would (comments dropped)."""
    blocks = re.findall(r"^```bash\n(.*?)^```", worksheet.read_text(), flags=re.S | re.M)
    out = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            args = shlex.split(line, comments=True)
            if args:
                out.append(args)
    return out


def kind(args: list[str]) -> str:
    if args[:3] == ["python", "-m", "sim"]:
        return "sweep" if {"-m", "--multirun"} & set(args[3:]) else "run"
    if args[:3] == ["python", "-m", "sim.runs.gather"]:
        return "gather"
    if len(args) > 1 and args[0] == "python" and args[1].startswith("experiments/"):
        return "script"
    return "unknown"


def reduced(overrides: list[str]) -> list[str]:
    """The same overrides with few replications (and at most two seeds in a sweep)."""
    out, has_reps, auto = [], False, False
    for arg in overrides:
        key, eq, value = arg.partition("=")
        name = key.lstrip("+~")
        if eq and name == "replications":
            has_reps = True
            values = value.split(",")
            auto = auto or "auto" in values
            if len(values) > 1:  # a sweep over replications: keep one job per value, each small
                value = ",".join(str(REPS + i) for i in range(len(values)))
            elif value != "auto":
                value = str(min(int(value), REPS))
            arg = f"{key}={value}"
        elif eq and name == "seed" and "," in value:
            arg = f"{key}={','.join(value.split(',')[:2])}"
        elif eq and name in ("precision.min_replications", "precision.max_replications", "precision.batch"):
            continue
        out.append(arg)
    if not has_reps:
        out.append(f"replications={REPS}")
    if auto:
        out += ["precision.min_replications=2", "precision.max_replications=3", "precision.batch=1"]
    return out


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["MPLBACKEND"] = "Agg"
    return e


def mentioned_files(worksheet: Path) -> set[str]:
    """Output files the worksheet points students to."""
    names = set(re.findall(r"`([\w.-]+\.(?:csv|json|png))`", worksheet.read_text()))
    return {n for n in names if n in RUN_FILES or n in SWEEP_FILES or n.startswith("compare_")}


# ----------------------------------------------------------------------------- configs


@pytest.mark.parametrize("name", teaching_configs())
def test_teaching_config_composes(name):
    config = sim.compose([f"+teaching={name}"])
    assert config.world.name == "small", "teaching configs run on the small world (seconds on a laptop)"
    text = (CONFIGS / f"{name}.yaml").read_text()
    assert text.startswith("# @package _global_"), "one +teaching=NAME sets world, scenario, seed... in one go"
    assert f"outputs/teaching/{name}/" in text, "runs go to outputs/teaching/<exercise>/<date_time>"


@pytest.mark.parametrize("name", policies())
def test_policy_config_composes(name):
    config = sim.compose(["+teaching=06_budget", f"+teaching/policy={name}"])
    assert config.scenario.name.startswith("policy_")


def test_every_config_is_used_by_a_worksheet_and_every_topic_is_covered():
    text = "\n".join(w.read_text() for w in WORKSHEETS)
    for name in teaching_configs():
        assert f"+teaching={name}" in text, f"configs/teaching/{name}.yaml is not used by any worksheet"
    for name in policies():
        assert name in (TEACHING / "06_budget.md").read_text(), f"policy {name} is not in worksheet 06"
    assert len(WORKSHEETS) >= 6
    for topic, sheet in TOPICS.items():
        assert (TEACHING / sheet).is_file(), f"no worksheet for {topic}"


@pytest.mark.parametrize("worksheet", WORKSHEETS, ids=lambda p: p.stem)
def test_worksheet_has_every_section_and_only_runnable_commands(worksheet):
    text = worksheet.read_text()
    for section in SECTIONS:
        assert section in text, f"{worksheet.name}: missing {section}"
    cmds = commands(worksheet)
    assert any(kind(c) in ("run", "sweep") for c in cmds), f"{worksheet.name}: no python -m sim command"
    for c in cmds:
        assert kind(c) != "unknown", f"{worksheet.name}: cannot run {' '.join(c)!r} in the test"
        if kind(c) in ("run", "sweep"):
            assert any(a.startswith("+teaching=") for a in c), f"{worksheet.name}: {' '.join(c)} does not use a teaching config"
        if kind(c) == "script":
            assert (ROOT / c[1]).is_file(), f"{worksheet.name}: no script {c[1]}"


# ----------------------------------------------------------------------------- worksheets


#: The two worksheets whose commands take about a minute each: run with ``pytest -m slow`` to keep the default run short.
SLOW_WORKSHEETS = {"02_july_wave", "07_randomness"}


@pytest.mark.parametrize(
    "worksheet",
    [pytest.param(w, id=w.stem, marks=[pytest.mark.slow] if w.stem in SLOW_WORKSHEETS else []) for w in WORKSHEETS],
)
def test_worksheet_commands_run(worksheet, tmp_path):
    singles: list[Path] = []  # folders of single runs, in order
    sweeps: list[Path] = []  # folders of sweeps, in order
    runs: list[Path] = []  # every folder holding a run's files: single runs and sweep jobs
    for i, args in enumerate(commands(worksheet)):
        what = kind(args)
        if what == "run":
            folder = tmp_path / f"{i:02d}-run"
            argv = [sys.executable, "-m", "sim", *reduced(args[3:]), f"hydra.run.dir={folder}"]
        elif what == "sweep":
            folder = tmp_path / f"{i:02d}-sweep"
            argv = [sys.executable, "-m", "sim", *reduced(args[3:]), f"hydra.sweep.dir={folder}"]
        else:
            argv = [sys.executable, *args[1:]]
            for j, arg in enumerate(argv):
                if argv[j - 1] == "--replication":  # the reduced runs have replications 0..REPS-1
                    argv[j] = str(min(int(arg), REPS - 1))
                if arg.startswith(("outputs/", "multirun/")):
                    made = singles if arg.startswith("outputs/") else sweeps
                    assert made, f"{worksheet.name}: {' '.join(args)} reads {arg} before any command wrote there"
                    argv[j] = str(made[-1])
        proc = subprocess.run(argv, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=600, check=False)
        shown = " ".join(args)
        assert proc.returncode == 0, f"{worksheet.name}: `{shown}` failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
        if what == "run":
            assert json.loads((folder / "status.json").read_text())["status"] == "complete", shown
            singles.append(folder)
            runs.append(folder)
        elif what == "sweep":
            report = json.loads((folder / "gather.json").read_text())
            assert report["jobs"] >= 1 and report["complete"] == report["jobs"], (shown, report)
            runs.extend(sorted(p for p in folder.iterdir() if (p / "status.json").is_file()))
            sweeps.append(folder)
        else:
            assert proc.stdout.strip(), f"{worksheet.name}: `{shown}` printed nothing"
    for name in sorted(mentioned_files(worksheet)):
        where = sweeps if (name in SWEEP_FILES or name.startswith("compare_")) else runs
        assert any((f / name).is_file() for f in where), f"{worksheet.name} tells students to look at {name}: not written"


def test_the_single_raid_worksheet_still_tells_one_raid():
    """Worksheet 1 and the notebook follow replication 0 of seed 10: it must hold exactly one raid, at Bavet."""
    result = sim.run(sim.compose(["+teaching=01_single_raid", "replications=1"]))
    rep = result.replications[0]
    raids = [e for e in rep.events if e.kind == EventKind.RAID]
    assert len(raids) == 1, f"replication 0 now has {len(raids)} raids: pick another seed in configs/teaching/01_single_raid.yaml"
    assert rep.site_names[raids[0].site] == "bavet"


# ----------------------------------------------------------------------------- notebook


def test_notebook_is_valid_and_committed_without_outputs():
    """The file's format (tests/test_notebook.py runs it in a kernel): nbformat 4, cells with no outputs."""
    nb = json.loads(NOTEBOOK.read_text())
    assert nb["nbformat"] == 4 and isinstance(nb["metadata"], dict)
    for cell in nb["cells"]:
        assert cell["cell_type"] in ("markdown", "code") and isinstance(cell["source"], list)
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and "execution_count" in cell
    code = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert code.count("REPLICATIONS = 10") == 1, "tests/test_notebook.py reduces the notebook's REPLICATIONS = 10"


def test_instructor_guide_answers_every_worksheet():
    guide = (TEACHING / "INSTRUCTOR.md").read_text()
    for worksheet in WORKSHEETS:
        assert worksheet.name in guide, f"INSTRUCTOR.md has no answers for {worksheet.name}"
    assert "seed" in guide and "95% CI" in guide


# ----------------------------------------------------------------------------- generated answers


@pytest.fixture(scope="module")
def answers_module():
    """``experiments/teaching/answers.py``, imported the way the scripts import each other (their folder on the path)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(TEACHING))
        import answers

        yield answers


def test_answers_json_records_commit_model_version_and_every_worksheet(answers_module):
    data = json.loads((TEACHING / "answers.json").read_text())
    meta = data["meta"]
    assert re.fullmatch(r"[0-9a-f]{40}", meta["git_commit"]), "answers.json must name the commit the runs were made at"
    assert meta["model_version"] == answers_module.MODEL_VERSION
    assert meta["package_version"] and meta["log_dir"].startswith("outputs/teaching/worksheets/")
    assert set(answers_module.COLLECT) <= set(data), "answers.json lacks a worksheet: rerun run_worksheets.py"


def test_instructor_guide_and_budget_box_are_what_answers_json_makes(answers_module):
    """No number in the answer blocks is typed by hand: they are rendered from answers.json (and the configs)."""
    data = json.loads((TEACHING / "answers.json").read_text())
    guide, sheet, failed = answers_module.rendered(data)
    assert not failed, f"the guide's prose claims what the numbers no longer support: {failed}"
    assert guide == (TEACHING / "INSTRUCTOR.md").read_text(), (
        "INSTRUCTOR.md is not what answers.json makes: run python experiments/teaching/answers.py"
    )
    assert sheet == (TEACHING / "06_budget.md").read_text(), (
        "worksheet 6's budget box is not what the policy configs make: run python experiments/teaching/answers.py"
    )


def test_every_command_the_answers_quote_is_in_its_worksheet():
    """answers.py reads the folder of a command by its exact text: each must still be in the worksheet."""
    tree = ast.parse((TEACHING / "answers.py").read_text())
    quoted = 0
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("collect_")):
        sheet = next(TEACHING.glob(f"{fn.name.removeprefix('collect_')}_*.md"))
        lines = {" ".join(c) for c in commands(sheet)}
        for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "folder" and call.args:
                arg = call.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    quoted += 1
                    assert " ".join(shlex.split(arg.value)) in lines, f"{sheet.name} no longer has {arg.value!r}"
    assert quoted >= 20


def test_story_tells_every_event_kind():
    """story.py puts every kind of event into words (a new kind would otherwise be printed raw)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(TEACHING))
        import story
    told = {*story.SENTENCES, *story.RAID_PARTS, *story.FLOWS, "raid"}
    missing = sorted(k.value for k in EventKind if k.value not in told)
    assert not missing, f"story.py has no sentence for {missing}"
