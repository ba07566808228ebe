"""The command line: ``python -m sim`` / ``scamsim``, a Hydra app over ``configs/``.

Validation happens before anything is simulated; a bad value prints one line
naming the key, the value and what is allowed, writes ``status.json`` with
``failed`` and the message, and exits with status 2.  In a multirun a failing
job is recorded the same way and the sweep goes on; the gather callback
(:mod:`sim.runs.gather`) counts the failures and sets the sweep's exit status.
A job whose directory already holds complete results of the same config is
skipped, which is how an interrupted sweep resumes; the config hashed (and
recorded in ``.hydra/config.yaml``) is the one the run uses, after its design
row, so an edited design row reruns its job (the old results are kept in
``superseded/``).  Each run or job directory is locked for the run
(:mod:`sim.runs.lock`): a second run into it stops with one line and touches
nothing.  Every other failure, Hydra's included, ends in one line on stderr
too (:func:`entry`), and where a run folder exists ``status.json`` says
``failed``; ``--help`` is scamsim's own (:mod:`sim.docs.catalog`).

Hydra's own record of a job (``.hydra/``) is written by this module, not by
Hydra (``hydra.output_subdir: null``), and only once the job will really run:
a refused or skipped run never rewrites the provenance of results already in
a directory.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import traceback
from pathlib import Path

import hydra
from hydra._internal.utils import get_args_parser
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException
from hydra.types import RunMode
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.checks import to_config
from sim.config.compose import register_configs
from sim.config.design import apply_design
from sim.config.errors import ConfigError
from sim.config.paths import config_dir
from sim.config.translate import check_overrides, translate
from sim.runs import sweep_record
from sim.runs.integrity import precision_report, precision_warning
from sim.runs.lock import RunDirLock, RunDirLocked
from sim.runs.output import (
    SUPERSEDED,
    OutputExistsError,
    config_hash,
    guard,
    headline_table,
    read_status,
    write_outputs,
    write_status,
)
from sim.runs.study import run

register_configs()


@hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    outdir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    try:
        lock = RunDirLock(outdir).acquire()  # a second run into this folder stops here, touching nothing
    except RunDirLocked as err:
        _stop(str(err), multirun, code=2)
        return
    except OSError as err:  # e.g. an unwritable output folder: nothing can be recorded there
        _stop(f"cannot write into {outdir}: {_os_error(err)}", multirun, code=1)
        return
    try:
        _job(cfg, outdir, multirun)
    finally:
        lock.release()


def _job(cfg: DictConfig, outdir: Path, multirun: bool) -> None:
    chash = None
    try:
        overrides = [str(o) for o in HydraConfig.get().overrides.task]
        check_overrides(cfg, overrides)
        cfg = apply_design(cfg)  # the config the run really uses: hashed, recorded and run
        chash = config_hash(cfg)
        previous = read_status(outdir)
        if guard(outdir, chash, supersede=_same_job(outdir, overrides)):
            print(f"scamsim: {outdir} already holds complete results of this config; skipped")
            return
        if previous is not None and previous.get("status") == "complete":  # guard moved them aside
            print(
                f"scamsim: {outdir}: the config of this job changed since its results were made "
                f"(a file it reads, e.g. its design row, was edited); old results kept in {outdir / SUPERSEDED}; rerunning"
            )
        _record(outdir, cfg)
        config = to_config(cfg, design=False)
    except OutputExistsError as err:
        _stop(str(err), multirun=False, code=2)
        return
    except ConfigError as err:
        _fail(outdir, str(err), chash, multirun, code=2)
        return
    except OSError as err:
        _fail(outdir, f"cannot write into {outdir}: {_os_error(err)}", chash, multirun, code=1)
        return
    try:
        study = run(config, progress=config.progress)  # a bar on a terminal, else a line per batch
        write_outputs(study, outdir, figure=config.figure, chash=chash)
    except Exception as err:  # a failed run is data too: say so on disk
        error = f"{type(err).__name__}: {_one_line(str(err))}"
        saved = _save_traceback(outdir)
        where = f" (traceback in {saved})" if saved else ""
        _fail(outdir, f"{'job' if multirun else 'run'} failed: {error}{where}", chash, multirun, code=1, status_error=error)
        return
    print(headline_table(study))
    for warning in study.warnings:
        print(f"scamsim: warning: {warning}", file=sys.stderr)
    short = precision_warning(precision_report(study))
    if short:
        print(f"scamsim: warning: {short}", file=sys.stderr)
    print(f"results: {outdir}")


def _same_job(outdir: Path, overrides: list[str]) -> bool:
    """Whether ``outdir`` was made by the same command-line overrides (the same job of a resumed sweep)."""
    try:
        recorded = OmegaConf.load(outdir / ".hydra" / "overrides.yaml")
    except (OSError, ValueError, OmegaConfBaseException):
        return False
    return isinstance(recorded, ListConfig) and [str(o) for o in recorded] == overrides


def _stop(message: str, multirun: bool, code: int) -> None:
    """One line on stderr; a single run exits with ``code``, a multirun job returns and the sweep goes on."""
    print(f"scamsim: {_one_line(message)}", file=sys.stderr)
    if not multirun:
        sys.exit(code)


def _fail(outdir: Path, message: str, chash: str | None, multirun: bool, code: int, status_error: str | None = None) -> None:
    """Record a failure in ``status.json`` (never over complete results; not at all if the disk refuses) and stop."""
    previous = read_status(outdir)
    if previous is None or previous.get("status") != "complete":
        with contextlib.suppress(OSError):
            write_status(outdir, "failed", error=status_error or message, config_hash=chash)
    _stop(message, multirun, code)


def _save_traceback(outdir: Path) -> Path | None:
    """The current exception's traceback in ``error.txt``, whole or not at all (a full disk leaves nothing)."""
    path = outdir / "error.txt"
    try:
        _write_atomic(path, traceback.format_exc())
    except OSError:
        return None
    return path


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(text.encode())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _os_error(err: OSError) -> str:
    where = f": {err.filename}" if err.filename else ""
    return f"{err.strerror or err}{where}"


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip()


def _record(outdir: Path, cfg: DictConfig) -> None:
    """What Hydra would save in ``.hydra/``: the job's config (after its design row), overrides and Hydra config."""
    hydra_cfg = HydraConfig.get()
    record = outdir / ".hydra"
    record.mkdir(parents=True, exist_ok=True)
    _write_atomic(record / "config.yaml", OmegaConf.to_yaml(cfg))
    _write_atomic(record / "overrides.yaml", OmegaConf.to_yaml(OmegaConf.create(list(hydra_cfg.overrides.task))))
    _write_atomic(record / "hydra.yaml", OmegaConf.to_yaml(OmegaConf.create({"hydra": OmegaConf.to_container(hydra_cfg)})))


def entry() -> None:
    """Console entry point: ``--help`` is scamsim's own, and every error ends in one line on stderr.

    ``scamsim explore ...`` (first argument ``explore``) starts the explorer
    (:mod:`sim.explore.server`) instead of a run.

    Hydra is told to re-raise its errors (``HYDRA_FULL_ERROR``) so that they
    are reported here in one line, naming what went wrong; set
    ``HYDRA_FULL_ERROR=1`` yourself to get Hydra's full traceback instead.
    """
    args = sys.argv[1:]
    if args[:1] == ["explore"]:  # `scamsim explore`: the web explorer, not a Hydra run (sim/explore/)
        from sim.explore.server import main as explore

        sys.exit(explore(args[1:]))
    if "--help" in args or "-h" in args:
        from sim.docs.catalog import help_text

        print(help_text())
        return
    _check_flags(args)
    user_full_error = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        main()
    except SystemExit as exc:
        if exc.code not in (None, 0, 3):  # a refused multirun (3: jobs failed, the sweep itself ran)
            sweep_record.restore()
        raise
    except Exception as err:
        sweep_record.restore()
        if user_full_error == "1":
            raise
        config_like = isinstance(err, (ConfigError, HydraException, OmegaConfBaseException)) or hasattr(err, "problem_mark")
        print(f"scamsim: {_one_line(describe_error(err, _overrides(args)))}", file=sys.stderr)
        sys.exit(2 if config_like else 1)
    finally:
        if user_full_error is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = user_full_error


def describe_error(err: BaseException, overrides: list[str]) -> str:
    """One line for an error raised by Hydra before or around a job: what went wrong, where."""
    if isinstance(err, ConfigError):
        return str(err)
    translated = translate(err, overrides) if isinstance(err, Exception) else None
    if translated is not None:
        return str(translated)
    if isinstance(err, OSError):
        return f"cannot create or write {err.filename or 'a file'}: {err.strerror or err}"
    mark = getattr(err, "problem_mark", None)  # a YAML syntax error (yaml.MarkedYAMLError) in a config file
    if mark is not None:
        problem = "; ".join(str(getattr(err, k)) for k in ("context", "problem") if getattr(err, k, None))
        return f"malformed YAML in {mark.name}, line {mark.line + 1}, column {mark.column + 1}: {problem}"
    lines = [line.strip() for line in str(err).strip().splitlines()] or [type(err).__name__]
    text = lines[0]
    if text.endswith(":") and len(lines) > 1:  # Hydra's "... raised while composing config:" and the reason below it
        text = f"{text} {lines[1]}"
    key = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("full_key:")), "")
    if key:
        text = f"{text} (key {key})"
    cause = err.__cause__
    if cause is not None and str(cause).strip():
        text = f"{text}: {str(cause).strip().splitlines()[0]}"
    return text


#: Hydra's flags that take a value (the value is not an override).
_VALUED_FLAGS = {
    "--config-path",
    "-cp",
    "--config-name",
    "-cn",
    "--config-dir",
    "-cd",
    "--cfg",
    "-c",
    "--package",
    "-p",
    "--info",
    "-i",
}


def _overrides(args: list[str]) -> list[str]:
    """The overrides on a command line, without flags, their values and Hydra's own keys."""
    out, skip = [], False
    for a in args:
        if skip or a.startswith("-"):
            skip = a in _VALUED_FLAGS
            continue
        if not a.lstrip("+~").startswith(("hydra.", "hydra/")):
            out.append(a)
    return out


def _check_flags(args: list[str]) -> None:
    """Hydra's command-line flags, parsed as Hydra will: a bad flag gets one line instead of argparse's usage."""
    parser = get_args_parser()
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            parser.parse_args(args)
    except SystemExit as exc:
        if exc.code in (None, 0):  # --version, --hydra-help: Hydra does them for real below
            return
        lines = err.getvalue().strip().splitlines() or ["bad command line"]
        message = lines[-1].split(": error: ", 1)[-1]
        print(f"scamsim: {message} (see python -m sim --help)", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    entry()
