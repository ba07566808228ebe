"""The explorer in a real headless Chromium: load, run, read the numbers, turn a lever, compare, save.

The server is started once for the module (``python -m sim.explore --port 0``,
the address read from its first line) and driven with Playwright pointed at
the system Chromium (Debian's ``chromium`` package, ``/usr/bin/chromium``;
nothing downloads a browser).  Playwright rather than Selenium because Panel
renders its widgets inside shadow DOM, which Playwright's CSS selectors
pierce.  The numbers are checked against the CLI run of the command the page
shows and against the Python API, never against constants; waits have
generous limits and no test asserts how long anything took.

Without Playwright or a Chromium the tests skip and say which is missing,
except under CI (``CI=true``), where ``.ci/browser`` (the first step of the test command) installs the browser and a
missing one is a failure, not a skip.  Screenshots are saved under pytest's
``tmp_path`` and in ``artifacts/`` (git-ignored).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sim
from sim.analysis.compare import paired
from sim.runs.output import fmt_number

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
BASE = ("world=small", "scenario=crackdown_2025", "seed=20250716", "replications=2")
WAIT_MS = 180_000  # a generous limit for a run on a loaded 2-core machine; never an assertion on time


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; .ci/browser installs it, so under CI this is an error, not a skip")
    pytest.skip(reason)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("SCAMSIM_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("no Playwright for the browser tests: python -m pip install -e '.[test]'")
    path = chromium_path()
    if path is None:
        _missing("no Chromium for the browser tests: apt-get install chromium (or set SCAMSIM_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``python -m sim.explore`` on a free port; yields its address and where it saves runs."""
    pytest.importorskip("panel", reason="the explorer needs Panel: python -m pip install -e '.[test]'")
    outputs = tmp_path_factory.mktemp("explorer") / "outputs"
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.explore", "--port", "0", "--outputs", str(outputs)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:  # the server's output, kept for the failure message; the address line sets `found`
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "serving on http" in line:
                found.set()

    threading.Thread(target=read, daemon=True).start()
    found.wait(120)
    if not found.is_set():
        proc.kill()
        pytest.fail("the explorer did not start:\n" + "".join(lines[-40:]))
    url = re.search(r"http://\S+", next(line for line in lines if "serving on" in line))
    assert url is not None
    yield {"url": url.group(0), "outputs": outputs, "log": lines}
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def page(browser: Any, server: dict[str, Any]) -> Iterator[Any]:
    """A new page (a new explorer session), recording requests to anywhere but this machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.outside = []  # type: ignore[attr-defined]
    local = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1", "data:", "blob:")
    pg.on("request", lambda r: None if r.url.startswith(local) else pg.outside.append(r.url))  # type: ignore[attr-defined]
    pg.goto(server["url"])
    pg.locator(".run-button button").wait_for()
    yield pg
    context.close()


@functools.cache
def api(*overrides: str) -> sim.StudyResult:
    """The Python API's study of these overrides (cached: both tests ask for the same two)."""
    return sim.run(sim.compose(list(overrides)))


def screenshot(pg: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)
    return path


def run_and_wait(pg: Any, expect_in_command: str) -> None:
    """Press Run and wait until the results of these controls are on screen (the command names them)."""
    pg.locator(".run-button button").click()
    pg.locator(".command", has_text=expect_in_command).first.wait_for()
    pg.locator(".status .done").wait_for()


def headline(pg: Any, tag: str = "a") -> tuple[str, float]:
    value = pg.locator(f".headline-{tag} .headline-value")
    return value.inner_text().strip(), float(value.get_attribute("data-mean"))


def cli_summary(command: str, run_dir: Path) -> dict[str, Any]:
    """Run the command the page shows, as a student would paste it, and read its summary.json."""
    args = command.split()
    assert args[:3] == ["python", "-m", "sim"], command
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run(
        [sys.executable, *args[1:], f"hydra.run.dir={run_dir}", "figure=false"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads((run_dir / "summary.json").read_text())


def test_run_two_replications_read_the_headline_turn_a_lever_and_save(page, server, tmp_path):
    pg = page
    pg.locator(".world select").select_option("small")
    pg.locator(".scenario-a select").select_option("crackdown_2025")
    assert pg.locator(".scenario-a select").input_value() == "crackdown_2025"
    pg.locator(".replications input").fill("2")
    pg.locator(".replications input").press("Enter")
    run_and_wait(pg, "replications=2")
    command = pg.locator(".command").first.inner_text().strip()
    assert command == "python -m sim " + " ".join(BASE)
    text, mean = headline(pg)
    pg.locator(".bk-Canvas, canvas").first.wait_for()  # the revenue figure is drawn
    screenshot(pg, tmp_path, "explorer_revenue")

    made = cli_summary(command, tmp_path / "cli")
    cli_value = made["metrics"]["final_frac_cf"]["mean"]
    assert mean == cli_value, "the page's headline is the CLI's value for the same command"
    assert text == fmt_number(cli_value), "and it reads as the CLI prints it"

    pg.get_by_text("Map and protection network", exact=True).click()
    pg.locator(".day-label", has_text="Day +30").wait_for()
    screenshot(pg, tmp_path, "explorer_map")

    pg.locator(".warnings-a input[type=checkbox]").uncheck()
    pg.locator(".pending", has_text="raids.warnings=false").wait_for()
    run_and_wait(pg, "raids.warnings=false")
    text_off, mean_off = headline(pg)
    off = api(*BASE, "raids.warnings=false")
    assert mean_off == off.stats["final_frac_cf"]["mean"] and text_off == fmt_number(mean_off)
    assert mean_off != mean, "switching warnings off changes the headline"

    pg.locator(".save-button button").click()
    folder = Path(pg.locator(".saved-folder").first.inner_text().strip())
    assert folder.is_relative_to(server["outputs"])
    assert json.loads((folder / "status.json").read_text())["status"] == "complete"
    assert json.loads((folder / "summary.json").read_text())["metrics"]["final_frac_cf"]["mean"] == mean_off
    assert pg.outside == [], f"the page fetched from outside this machine: {pg.outside}"  # type: ignore[attr-defined]


def test_compare_two_policies_shows_paired_differences(page, tmp_path):
    pg = page
    pg.locator(".replications input").fill("2")
    pg.locator(".replications input").press("Enter")
    pg.locator(".compare input[type=checkbox]").check()
    pg.locator(".warnings-b input[type=checkbox]").uncheck()
    run_and_wait(pg, "raids.warnings=false")
    pg.get_by_text("Compare", exact=True).click()
    row = pg.locator('.paired-table tr[data-metric="arrests_workers"]')
    row.wait_for()
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    a, b = api(*BASE), api(*BASE, "raids.warnings=false")
    diff = paired(a, b, ["arrests_workers"])[0]
    assert cells[0] == "arrests_workers" and cells[3] == fmt_number(float(diff["diff"]))
    assert headline(pg, "b")[1] == b.stats["final_frac_cf"]["mean"]
    screenshot(pg, tmp_path, "explorer_compare")
