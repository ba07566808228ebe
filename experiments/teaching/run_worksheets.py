"""Run every command of the worksheets as a student would, time each exercise, and write the expected answers.

    python experiments/teaching/run_worksheets.py            # all seven worksheets (~10 minutes on 2 busy cores)
    python experiments/teaching/run_worksheets.py 02 06      # only worksheets 02 and 06 (no answers written)

For instructors: this is how the answers and run times in ``INSTRUCTOR.md``
are made.  Each worksheet's ```bash commands run in order from the
repository root with their full settings, writing into the usual
``outputs/teaching/...`` and ``multirun/teaching/...`` folders (new dated
folders, nothing is overwritten).  Everything they print is saved in
``outputs/teaching/worksheets/<date_time>/<worksheet>.log`` with the wall
time of every command, and ``manifest.json`` there lists every command with
its exit code, time and the run or sweep folder it wrote or read.  A table
of times per worksheet (all commands, and those of the "Run it" section) is
printed at the end.

When all worksheets ran and every command succeeded, ``answers.py`` then
reads those folders, writes the numbers every answer quotes to
``experiments/teaching/answers.json`` (with the git commit and the model
version) and regenerates the answer blocks of ``INSTRUCTOR.md`` from it:
no number in the guide is typed by hand.  (The test suite,
``tests/test_teaching.py``, runs the same commands on reduced settings.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from _common import ROOT

HERE = Path(__file__).resolve().parent
#: Lines that name the folder a command wrote (``python -m sim``, a sweep's gather) or read (the helper scripts).
WROTE_RUN = re.compile(r"^results: (\S+)$", re.M)
WROTE_SWEEP = re.compile(r"^gathered \d+ jobs in (\S+?): ", re.M)
READ = re.compile(r"^(?:run|sweep) (\S+?): ", re.M)


def commands(worksheet: Path) -> list[tuple[str, str]]:
    """(section heading, command line) of every command in the worksheet's ```bash blocks."""
    text = worksheet.read_text()
    out = []
    for block in re.finditer(r"^```bash\n(.*?)^```", text, flags=re.S | re.M):
        headings = re.findall(r"^## (.+)$", text[: block.start()], flags=re.M)
        section = headings[-1] if headings else ""
        for line in block.group(1).replace("\\\n", " ").splitlines():
            if shlex.split(line, comments=True):
                out.append((section, line.strip()))
    return out


def folder_of(argv: list[str], stdout: str) -> str:
    """The run or sweep folder a command wrote (the sweep's, not its jobs') or read, relative to the clone."""
    if argv[1:3] == ["-m", "sim"]:
        found = WROTE_SWEEP.findall(stdout) if {"-m", "--multirun"} & set(argv[3:]) else WROTE_RUN.findall(stdout)
    else:
        found = READ.findall(stdout)
    if not found:
        return ""
    path = Path(found[-1])
    path = path if path.is_absolute() else ROOT / path
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def git(*args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return proc.stdout.rstrip("\n") if proc.returncode == 0 else ""  # porcelain lines start with a space


def machine() -> dict[str, object]:
    """What the run times were measured on."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "load_average_1min": round(load[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="worksheet numbers, e.g. 01 06 (default: all)")
    parser.add_argument("--no-answers", action="store_true", help="do not write answers.json and INSTRUCTOR.md")
    args = parser.parse_args(argv)
    sheets = sorted(HERE.glob("[0-9][0-9]_*.md"))
    if args.only:
        sheets = [s for s in sheets if s.name[:2] in args.only]
    logdir = ROOT / "outputs" / "teaching" / "worksheets" / datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
    logdir.mkdir(parents=True)
    env = dict(os.environ, MPLBACKEND="Agg")  # the commands import the installed sim (pip install -e .)
    manifest: dict[str, object] = {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "HEAD"),
        # uncommitted changes to what the numbers depend on (the model, its configs, the teaching scripts)
        "git_dirty": git("status", "--porcelain", "--", "sim", "configs", "experiments/teaching").splitlines(),
        "machine_start": machine(),
        "worksheets": {},
    }
    totals = []
    failed = 0
    for sheet in sheets:
        log, records = [], []
        total = run_it = 0.0
        for section, line in commands(sheet):
            argv_ = shlex.split(line, comments=True)
            argv_[0] = sys.executable if argv_[0] == "python" else argv_[0]
            start = time.perf_counter()
            proc = subprocess.run(argv_, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
            took = time.perf_counter() - start
            total += took
            run_it += took if section == "Run it" else 0.0
            failed += proc.returncode != 0
            log.append(f"$ {line}\n# exit {proc.returncode}, {took:.1f} s\n{proc.stdout}{proc.stderr}\n")
            records.append(
                {
                    "section": section,
                    "command": line,
                    "exit": proc.returncode,
                    "seconds": round(took, 1),
                    "folder": folder_of(argv_, proc.stdout),
                    "stdout": proc.stdout,
                }
            )
            print(f"{sheet.stem}: {took:6.1f} s  exit {proc.returncode}  {line}", flush=True)
        (logdir / f"{sheet.stem}.log").write_text("".join(log))
        manifest["worksheets"][sheet.stem] = {  # type: ignore[index]
            "log": f"{sheet.stem}.log",
            "seconds": round(total, 1),
            "run_it_seconds": round(run_it, 1),
            "commands": records,
        }
        totals.append((sheet.stem, len(log), total, run_it))
    manifest["machine_end"] = machine()
    manifest["failed"] = failed
    (logdir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"\n{'worksheet':<26}{'commands':>9}{'seconds':>9}{'Run it':>9}")
    for name, n, total, run_it in totals:
        print(f"{name:<26}{n:>9}{total:>9.1f}{run_it:>9.1f}")
    print(f"logs: {logdir}")
    if failed:
        print(f"{failed} command(s) failed: answers.json and INSTRUCTOR.md not written")
        return 1
    if args.no_answers:
        return 0
    if args.only:
        print("answers.json and INSTRUCTOR.md are written only when every worksheet runs (no worksheet numbers given)")
        return 0
    import answers  # after the runs: it reads their folders

    return answers.main(["--collect", str(logdir)])


if __name__ == "__main__":
    raise SystemExit(main())
