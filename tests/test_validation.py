"""Bad config values are rejected before a run, with one line naming key, value and what is allowed.

Two layers are tested: ``sim.compose`` (the Python API) raises :class:`sim.ConfigError`
for meaning errors and Hydra's own exceptions for unknown config groups and type
errors; the CLI (``python -m sim``) turns a ConfigError into one line on stderr,
exit status 2 and ``status.json`` saying ``failed``, without writing results.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra.errors import HydraException

import sim

ROOT = Path(__file__).resolve().parents[1]
SMALL_SITES = ("sihanoukville", "poipet", "bavet", "myawaddy")
RESULT_FILES = ("timeseries.csv", "events.csv", "summary.csv", "summary.json", "revenue_by_site.png")


def run_cli(args: list[str], run_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "sim", *args, f"hydra.run.dir={run_dir}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# ------------------------------------------------------------------ meaning errors: sim.compose

# (id, overrides, key, value, fragments the "allowed" part must contain)
BAD = [
    (
        "campaign-site",
        ["scenario.campaigns.july_2025.sites=[poipet,nowhere]"],
        "scenario.campaigns.july_2025.sites",
        "nowhere",
        ["unknown site", *SMALL_SITES],
    ),
    (
        "cut-site",
        ["scenario=infrastructure_cut", "scenario.cuts.thai_grid.sites=[nowhere]"],
        "scenario.cuts.thai_grid.sites",
        "nowhere",
        ["unknown site", *SMALL_SITES],
    ),
    (
        "protector-site",
        ["world.protectors.poipet_senator.sites=[poipet,nowhere]"],
        "world.protectors.poipet_senator.sites",
        "nowhere",
        ["unknown site", *SMALL_SITES],
    ),
    (
        "protector-name",
        ["scenario=protection_targeting", "scenario.protector_removals.1.protector=ghost_official"],
        "scenario.protector_removals.1.protector",
        "ghost_official",
        ["unknown protector", "poipet_senator", "national_elite", "kayin_border_guard"],
    ),
    (
        "boss-name",
        # poipet has two bosses in the small world, so poipet-boss-3 does not exist
        ["scenario=boss_targeting", "scenario.boss_actions.2.boss=poipet-boss-3"],
        "scenario.boss_actions.2.boss",
        "poipet-boss-3",
        ["unknown boss", "<site>-boss-<k>", "poipet-boss-1"],
    ),
    ("refill-negative", ["recruitment.refill_rate=-0.1"], "recruitment.refill_rate", -0.1, ["[0, 1]"]),
    ("workers-negative", ["world.sites.poipet.workers=-5"], "world.sites.poipet.workers", -5, ["[0, 10,000,000]", "people"]),
    (
        "capacity-negative",
        ["repatriation.daily_capacity=-1"],
        "repatriation.daily_capacity",
        -1,
        ["[0, 10,000,000]", "people/day"],
    ),
    (
        "peak-rate-negative",
        ["scenario.campaigns.july_2025.peak_raid_rate=-2"],
        "scenario.campaigns.july_2025.peak_raid_rate",
        -2.0,
        ["[0, 100]"],
    ),
    ("warning-max-above-1", ["raids.warning_max=1.5"], "raids.warning_max", 1.5, ["probability in [0, 1]"]),
    ("flee-share-below-0", ["raids.flee_share_warned=-0.1"], "raids.flee_share_warned", -0.1, ["probability in [0, 1]"]),
    (
        "strength-above-1",
        ["world.protectors.national_elite.strength=1.01"],
        "world.protectors.national_elite.strength",
        1.01,
        ["probability in [0, 1]"],
    ),
    (
        "campaign-day-past-horizon",
        ["scenario.campaigns.july_2025.day=2000"],
        "scenario.campaigns.july_2025.day",
        2000,
        ["intervention_day=180", "-180..729", "horizon_days=910"],
    ),
    (
        "campaign-day-before-start",
        ["scenario.campaigns.july_2025.day=-181"],
        "scenario.campaigns.july_2025.day",
        -181,
        ["-180..729"],
    ),
    (
        "cut-end-past-horizon",
        ["scenario=infrastructure_cut", "scenario.cuts.thai_grid.end_day=731"],
        "scenario.cuts.thai_grid.end_day",
        731,
        ["-180..730", "horizon_days=910"],
    ),
    (
        "cut-end-before-start",
        ["scenario=infrastructure_cut", "scenario.cuts.thai_grid.day=20", "scenario.cuts.thai_grid.end_day=20"],
        "scenario.cuts.thai_grid.end_day",
        20,
        ["after day=20"],
    ),
    (
        "no-compounds",
        [f"world.sites.{s}.compounds=0" for s in SMALL_SITES],
        "world.sites.*.compounds",
        0,
        ["at least one compound"],
    ),
    ("horizon-below-warmup", ["horizon_days=200"], "horizon_days", 200, ["intervention_day + 31", "211"]),
    ("horizon-below-min", ["horizon_days=20"], "horizon_days", 20, ["[31, 36,500]"]),
    ("intervention-too-early", ["intervention_day=29"], "intervention_day", 29, ["[30, 36,500]"]),
    (
        "targeting",
        ["scenario.campaigns.july_2025.targeting=smartest"],
        "scenario.campaigns.july_2025.targeting",
        "smartest",
        ["random", "largest", "least_protected", "site"],
    ),
    (
        "targeting-site-without-sites",
        ["scenario.campaigns.july_2025.targeting=site"],
        "scenario.campaigns.july_2025.sites",
        [],
        ["targeting=site"],
    ),
    (
        "campaign-country",
        ["scenario.campaigns.july_2025.country=Narnia"],
        "scenario.campaigns.july_2025.country",
        "Narnia",
        ["Cambodia", "Myanmar"],
    ),
    (
        "protector-rank",
        ["world.protectors.poipet_senator.rank=mayor"],
        "world.protectors.poipet_senator.rank",
        "mayor",
        ["local", "provincial", "national"],
    ),
    (
        "boss-action",
        ["scenario=boss_targeting", "scenario.boss_actions.0.action=assassinate"],
        "scenario.boss_actions.0.action",
        "assassinate",
        ["indict", "sanction", "arrest"],
    ),
    (
        "fled-sum",
        [
            "repatriation.fled_report_prob_daily=0.5",
            "repatriation.fled_retraffic_prob_daily=0.4",
            "repatriation.fled_home_prob_daily=0.2",
        ],
        "repatriation.fled_home_prob_daily",
        0.2,
        ["sum to <= 1", "1.1"],
    ),
    (
        "evacuate-plus-flee",
        ["raids.evacuate_share_warned=0.8", "raids.flee_share_warned=0.5"],
        "raids.flee_share_warned",
        0.5,
        ["evacuate_share_warned + flee_share_warned must be <= 1", "1.3"],
    ),
    ("replications-zero", ["replications=0"], "replications", 0, ["[1, 100,000]"]),
    (
        "warning-base-above-max",
        ["raids.warning_base=0.9", "raids.warning_max=0.5"],
        "raids.warning_base",
        0.9,
        ["warning_max", "0.5"],
    ),
    ("compounds-above-room", ["world.sites.bavet.compounds=5"], "world.sites.bavet.compounds", 5, ["room (4)"]),
    ("workers-below-compounds", ["world.sites.bavet.workers=2"], "world.sites.bavet.workers", 2, ["compounds (3)"]),
    ("site-without-boss", ["world.sites.bavet.bosses=0"], "world.sites.bavet.bosses", 0, ["at least one boss"]),
    (
        "border-closure-countries",
        ["scenario.border_closures.0.countries=[Cambodia,Cambodia]"],
        "scenario.border_closures.0.countries",
        ["Cambodia", "Cambodia"],
        ["two different countries"],
    ),
]


def _compose_error(overrides: list[str]) -> sim.ConfigError:
    with pytest.raises(sim.ConfigError) as info:
        sim.compose(["world=small", *overrides])
    return info.value


@pytest.mark.parametrize(("overrides", "key", "value", "allowed"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_compose_rejects_with_one_line_naming_key_value_and_allowed(overrides, key, value, allowed):
    err = _compose_error(overrides)
    msg = str(err)
    assert "\n" not in msg
    assert err.key == key
    assert err.value == value
    assert msg.startswith(f"invalid config: {key}={value!r}: ")
    for fragment in allowed:
        assert fragment in msg, f"{fragment!r} missing from {msg!r}"


def test_nan_is_rejected_not_passed_through():
    err = _compose_error(["raids.warning_max=nan"])
    assert err.key == "raids.warning_max"
    assert math.isnan(err.value)
    assert str(err) == "invalid config: raids.warning_max=nan: must be a finite number; must be a probability in [0, 1]"


def test_several_problems_give_one_message_about_one_of_them():
    err = _compose_error(["raids.warning_max=2", "scenario.campaigns.july_2025.sites=[nowhere]"])
    msg = str(err)
    assert "\n" not in msg
    if err.key == "raids.warning_max":
        assert "nowhere" not in msg
    else:
        assert err.key == "scenario.campaigns.july_2025.sites"
        assert "warning_max" not in msg


def test_config_error_is_a_value_error():
    assert issubclass(sim.ConfigError, ValueError)


# Boundary values that must still be accepted: validation that rejected these
# would be as wrong as validation that accepted the values above.
GOOD = [
    ["raids.warning_max=1.0", "raids.warning_base=0.0"],
    ["raids.warning_base=0.95", "raids.warning_max=0.95"],
    ["raids.flee_share_warned=0", "raids.flee_share_unwarned=1"],
    ["raids.evacuate_share_warned=0.5", "raids.flee_share_warned=0.5"],
    ["recruitment.refill_rate=0", "repatriation.daily_capacity=0"],
    ["scenario.campaigns.july_2025.day=-180"],
    ["scenario.campaigns.july_2025.day=729"],
    ["scenario=infrastructure_cut", "scenario.cuts.thai_grid.end_day=730"],
    ["scenario=baseline", "horizon_days=211"],
    [
        "repatriation.fled_report_prob_daily=0.5",
        "repatriation.fled_retraffic_prob_daily=0.25",
        "repatriation.fled_home_prob_daily=0.25",
    ],
    ["world.sites.myawaddy.compounds=0", "world.sites.myawaddy.bosses=0", "world.sites.myawaddy.workers=0"],
    ["scenario.campaigns.july_2025.targeting=site", "scenario.campaigns.july_2025.sites=[poipet]"],
]


@pytest.mark.parametrize("overrides", GOOD, ids=[" ".join(g) for g in GOOD])
def test_boundary_values_are_accepted_unchanged(overrides):
    cfg = sim.compose(["world=small", *overrides])
    for ov in overrides:
        if ov.startswith("scenario="):
            assert cfg.scenario.name == ov.split("=", 1)[1]
            continue
        dotted, raw = ov.split("=", 1)
        node = cfg
        for part in dotted.split("."):
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        if raw.startswith("["):
            assert node == raw.strip("[]").split(",")
        elif isinstance(node, str):
            assert node == raw
        else:
            assert node == pytest.approx(float(raw)), f"{dotted} was changed from {raw} to {node}"


def test_fled_probabilities_summing_to_exactly_one_are_accepted():
    sim.compose(
        [
            "world=small",
            "repatriation.fled_report_prob_daily=0.33",
            "repatriation.fled_retraffic_prob_daily=0.56",
            "repatriation.fled_home_prob_daily=0.11",
        ]
    )


@pytest.mark.parametrize("override", ["raids.arrest_capacity_mean=inf", "operations.revenue_per_worker_day=inf"])
def test_infinite_values_are_rejected(override):
    _compose_error([override])


# ------------------------------------------------------------------ Hydra's own errors: sim.compose


def _unknown(group: str) -> list[str]:
    return ["world=nope"] if group == "world" else ["world=small", f"{group}=nope"]


def _options(group: str) -> list[str]:
    names = sorted(p.stem for p in (ROOT / "configs" / group).glob("*.yaml"))
    assert names  # the check below would be vacuous without them
    return names


@pytest.mark.parametrize("group", ["scenario", "world"])
def test_compose_unknown_group_option_is_a_config_error_listing_options(group):
    """Hydra's MissingConfigException becomes one line naming the group, the name and every option."""
    err = _compose_error(_unknown(group))
    assert err.key == group and err.value == "nope"
    assert "\n" not in str(err)
    assert f"unknown {group}; available: " in str(err)
    for name in _options(group):
        assert name in str(err)
    assert isinstance(err.__cause__, HydraException)  # the original is kept for debugging


def test_compose_type_error_names_key_value_and_type():
    err = _compose_error(["world=small", "raids.warning_max=abc"])
    assert (err.key, err.value) == ("raids.warning_max", "abc")
    assert str(err) == "invalid config: raids.warning_max='abc': must be of type Float"


def test_compose_type_error_for_int_field():
    err = _compose_error(["world=small", "world.sites.poipet.workers=1.5"])
    assert (err.key, err.value) == ("world.sites.poipet.workers", "1.5")
    assert "Integer" in str(err)


def test_compose_unknown_key_is_a_config_error():
    err = _compose_error(["world=small", "raids.no_such_key=3"])
    assert err.key == "raids.no_such_key"
    assert "no such key" in str(err)


# ------------------------------------------------------------------ the CLI

CLI_BAD = [
    ("refill-negative", ["recruitment.refill_rate=-0.1"], "recruitment.refill_rate=-0.1"),
    ("workers-negative", ["world.sites.poipet.workers=-5"], "world.sites.poipet.workers=-5"),
    ("warning-max", ["raids.warning_max=1.5"], "raids.warning_max=1.5"),
    ("campaign-site", ["scenario.campaigns.july_2025.sites=[nowhere]"], "scenario.campaigns.july_2025.sites='nowhere'"),
    ("campaign-day", ["scenario.campaigns.july_2025.day=2000"], "scenario.campaigns.july_2025.day=2000"),
    ("no-compounds", [f"world.sites.{s}.compounds=0" for s in SMALL_SITES], "world.sites.*.compounds=0"),
    (
        "fled-sum",
        [
            "repatriation.fled_report_prob_daily=0.5",
            "repatriation.fled_retraffic_prob_daily=0.4",
            "repatriation.fled_home_prob_daily=0.2",
        ],
        "repatriation.fled_home_prob_daily=0.2",
    ),
]


@pytest.mark.parametrize(("overrides", "key_value"), [c[1:] for c in CLI_BAD], ids=[c[0] for c in CLI_BAD])
def test_cli_config_error_one_line_exit_2_no_results(tmp_path, overrides, key_value):
    run_dir = tmp_path / "run"
    proc = run_cli(["world=small", "replications=1", *overrides], run_dir)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"scamsim: invalid config: {key_value}: ")
    assert "Traceback" not in proc.stderr
    assert "metric" not in proc.stdout and "results:" not in proc.stdout  # no headline table
    for name in RESULT_FILES:
        assert not (run_dir / name).exists(), name
    status = json.loads((run_dir / "status.json").read_text())
    assert status["status"] == "failed"
    assert status["error"] == lines[0].removeprefix("scamsim: ")


@pytest.mark.parametrize("group", ["scenario", "world"])
def test_cli_unknown_group_option_exits_nonzero_listing_options(tmp_path, group):
    run_dir = tmp_path / "run"
    proc = run_cli(_unknown(group), run_dir)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"scamsim: invalid config: {group}='nope': unknown {group}; available: ")
    for name in _options(group):
        assert name in proc.stderr
    assert "Traceback" not in proc.stderr
    for name in RESULT_FILES:
        assert not (run_dir / name).exists(), name


def test_cli_type_error_exits_nonzero_naming_key_and_value(tmp_path):
    run_dir = tmp_path / "run"
    proc = run_cli(["world=small", "raids.warning_max=abc"], run_dir)
    assert proc.returncode == 2
    assert proc.stderr == "scamsim: invalid config: raids.warning_max='abc': must be of type Float\n"
    assert "Float" in proc.stderr
    assert "Traceback" not in proc.stderr
    for name in RESULT_FILES:
        assert not (run_dir / name).exists(), name
