"""The walkthrough notebook runs in a real Jupyter kernel, as a student's would, and writes nothing.

``experiments/teaching/walkthrough.ipynb`` is executed cell by cell with
nbclient in an IPython kernel of this interpreter (the notebook's own
``python3`` kernel name, pointed at ``sys.executable`` through a kernelspec in
a temporary ``JUPYTER_PATH``), with matplotlib's inline backend as in
JupyterLab.  Its ``REPLICATIONS = 10`` is reduced in memory (the file is not
touched) to keep the run to about a minute.  The kernel's working folder is
an empty temporary folder that must stay empty, and no file may appear in the
notebook's folder or the repository's ``outputs/`` and ``multirun/``.

nbclient and ipykernel are in the ``test`` extras, so CI runs this; without
them the test is skipped and says which is missing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "experiments" / "teaching" / "walkthrough.ipynb"
REPS = 2  # the notebook's REPLICATIONS in the test (10 in the file)
WATCHED = (NOTEBOOK.parent, ROOT / "outputs", ROOT / "multirun")  # where a stray write from the notebook would land


def files_under(folders: tuple[Path, ...]) -> set[Path]:
    return {p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture
def kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Jupyter's and IPython's own files in ``tmp_path``, the ``python3`` kernel = this interpreter; the kernel's folder."""
    missing = [name for name in ("nbclient", "nbformat", "ipykernel") if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: python -m pip install -e '.[test]' to run the notebook in a kernel")
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))  # searched before every other kernelspec folder
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # connection files
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # history database, profile
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend, as in JupyterLab
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    return work


def test_notebook_runs_in_a_kernel_and_writes_nothing(kernel_env: Path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    cells = [c for c in nb.cells if c.cell_type == "code" and "REPLICATIONS = 10" in c.source]
    assert len(cells) == 1, "the test reduces the notebook's one `REPLICATIONS = 10`"
    cells[0].source = cells[0].source.replace("REPLICATIONS = 10", f"REPLICATIONS = {REPS}")

    before = files_under(WATCHED)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(kernel_env)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if any cell fails

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stdout")
    assert "arrests_workers" in text and "crackdown_2025" in text
    figures = sum(1 for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {}))
    plots = sum(c.source.count("plt.show()") for c in nb.cells if c.cell_type == "code")
    assert figures >= plots > 0, f"{figures} figures shown inline for {plots} plt.show() calls"
    assert not [o for o in outputs if o.output_type == "error"]

    assert list(kernel_env.iterdir()) == [], "the notebook wrote into its working folder"
    new = sorted(str(p.relative_to(ROOT)) for p in files_under(WATCHED) - before)
    assert not new, f"the notebook wrote into the repository: {new}"
