"""``python -m sim.explore.timing``: how long the explorer takes to serve its page and to show a run.

The two numbers issue 14 sets targets for (10 s and 15 s on a 2-core
machine), measured as a user meets them: from starting ``scamsim explore``
until the page answers and until its Run button is on screen in a headless
Chromium, and from clicking Run (small world, crackdown_2025, 2
replications) until the revenue figure and the headline are drawn.  Each
round starts a fresh server.  Needs Playwright and a system Chromium (the
``test`` extra and ``apt-get install chromium``); prints the machine's load
beside the times, since they depend on it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request


def _serve() -> tuple[subprocess.Popen[str], str, float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "explore", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if found := re.search(r"serving on (http://\S+)", line):
            url = found.group(1)
            break
    else:
        raise RuntimeError("the explorer exited without serving")
    listening = time.perf_counter() - start
    with urllib.request.urlopen(url, timeout=60) as reply:  # the first session's page, built by the server
        reply.read()
    return proc, url, listening, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.explore.timing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    rows: dict[str, list[float]] = {"listening": [], "page answers": [], "page drawn": [], "run shown": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for _ in range(args.rounds):
            start = time.perf_counter()
            proc, url, listening, answered = _serve()
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(300_000)
                page.goto(url)
                page.locator(".run-button button").wait_for()
                drawn = time.perf_counter() - start
                page.locator(".replications input").fill("2")
                page.locator(".replications input").press("Enter")
                clicked = time.perf_counter()
                page.locator(".run-button button").click()
                page.locator(".status .done").wait_for()
                page.locator(".headline-value").wait_for()
                page.locator(".bk-Canvas, canvas").first.wait_for()
                shown = time.perf_counter() - clicked
                page.close()
            finally:
                proc.terminate()
                proc.wait(20)
            for key, value in zip(rows, (listening, answered, drawn, shown), strict=True):
                rows[key].append(value)
        browser.close()
    load = os.getloadavg()[0]
    print(f"explorer timing, {args.rounds} rounds, load average {load:.2f} on {os.cpu_count()} cores")
    for key, values in rows.items():
        print(f"  {key:<14} median {statistics.median(values):5.1f} s   ({', '.join(f'{v:.1f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
