"""Run every command of the worksheets as a student would, and time each exercise.

    python experiments/teaching/run_worksheets.py            # all seven worksheets (~5 minutes)
    python experiments/teaching/run_worksheets.py 02 06      # only worksheets 02 and 06

For instructors: this is how the answers and run times in ``INSTRUCTOR.md``
were made.  Each worksheet's ```bash commands run in order from the
repository root with their full settings, writing into the usual
``outputs/teaching/...`` and ``multirun/teaching/...`` folders (new dated
folders, nothing is overwritten).  Everything they print is saved in
``outputs/teaching/worksheets/<date_time>/<worksheet>.log`` with the wall
time of every command, and a table of times per worksheet (all commands,
and those of the "Run it" section) is printed at the end.  (The test suite, ``tests/test_teaching.py``, runs the same commands on
reduced settings.)
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from _common import ROOT

HERE = Path(__file__).resolve().parent


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="worksheet numbers, e.g. 01 06 (default: all)")
    args = parser.parse_args(argv)
    sheets = sorted(HERE.glob("[0-9][0-9]_*.md"))
    if args.only:
        sheets = [s for s in sheets if s.name[:2] in args.only]
    logdir = ROOT / "outputs" / "teaching" / "worksheets" / datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
    logdir.mkdir(parents=True)
    env = dict(os.environ, MPLBACKEND="Agg")  # the commands import the installed sim (pip install -e .)
    totals = []
    failed = 0
    for sheet in sheets:
        log = []
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
            print(f"{sheet.stem}: {took:6.1f} s  exit {proc.returncode}  {line}", flush=True)
        (logdir / f"{sheet.stem}.log").write_text("".join(log))
        totals.append((sheet.stem, len(log), total, run_it))
    print(f"\n{'worksheet':<26}{'commands':>9}{'seconds':>9}{'Run it':>9}")
    for name, n, total, run_it in totals:
        print(f"{name:<26}{n:>9}{total:>9.1f}{run_it:>9.1f}")
    print(f"logs: {logdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
