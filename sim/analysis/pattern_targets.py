"""The calibration targets of the pattern registry: the July 2025 wave's counts in their sources' windows.

They set the model (the ABC-SMC fits them, :mod:`sim.runs.calibration`) and
are never counted as evidence; :mod:`sim.analysis.patterns` holds them with
the inputs, the claim and the validation patterns, under the same rules for
ranges and windows stated there.
"""

from __future__ import annotations

from sim.analysis import pattern_measures as m
from sim.analysis.pattern_spec import Pattern

__all__ = ["CALIBRATION", "CNA", "MONTH"]

CNA = "Franceschini & Li, CNA, Aug 2025"
MONTH = "the month after the directive of 16 July 2025 (reported mid-August 2025)"
_CAMPAIGN = "the campaign from 27 June 2025 (day -19) to mid-August 2025 (day 30), as CNA counted it"
_AP_WINDOW = "27 Jun - 18 Jul 2025 (AP, 19 Jul 2025: 'since June 27'): days -19 to 2"
_PPP_WINDOW = "27 Jun - 22 Jul 2025 (Phnom Penh Post/ANN, 23 Jul 2025): days -19 to 6"
_WAVE_CAL = (
    "the wave's counts set the two campaigns' raid rates and the raid parameters "
    "(scenario.campaigns.june_2025/july_2025.peak_raid_rate, raids.*; the ABC targets, results/calibration.md)"
)

# --------------------------------------------------------------------------- calibration targets: set the model, not evidence
#
# The July 2025 wave's counts run from the campaign's start on 27 June 2025, 19 days before the
# directive (day 0): AP's 2,137 detained at 43 locations are "since June 27" (reported 19 July), the
# ad hoc committee's 3,075 arrests at 58 locations run 27 June - 22 July, and CNA's ~140 raids and
# > 3,000 arrests to mid-August include them.  Windows are days after the directive, so these start at -19.

CALIBRATION: tuple[Pattern, ...] = (
    Pattern(
        "raids_july_2025",
        "calibration",
        "crackdown",
        "about 140 raids in the campaign to mid-August",
        ("#july-campaign",),
        CNA,
        (-19, 31),
        _CAMPAIGN,
        119,
        161,
        "~140 +-15%",
        m.raids,
        why=_WAVE_CAL,
    ),
    Pattern(
        "arrests_july_2025",
        "calibration",
        "crackdown",
        "more than 3,000 arrests in the campaign to mid-August",
        ("#july-campaign", "#july-to-22-july", "#prince-group-2025-outcomes"),
        CNA,
        (-19, 31),
        _CAMPAIGN,
        3075,
        5106,
        "lower: 3,075 arrested by 22 July (#july-to-22-july; CNA: '> 3,000'); upper: the 5,106 arrests of the "
        "seven months to 25 January 2026 (#prince-group-2025-outcomes) bound the first seven weeks",
        m.arrests,
        why=_WAVE_CAL,
    ),
    Pattern(
        "detained_first_three_weeks",
        "calibration",
        "crackdown",
        "2,137 detained in the first three weeks",
        ("#july-first-weeks",),
        "AP, 19 Jul 2025",
        (-19, 3),
        _AP_WINDOW,
        1816,
        2458,
        "2,137 +-15%",
        m.arrests,
        why=_WAVE_CAL,
    ),
    Pattern(
        "locations_first_three_weeks",
        "calibration",
        "crackdown",
        "43 locations raided in the first three weeks",
        ("#july-first-weeks",),
        "AP, 19 Jul 2025",
        (-19, 3),
        _AP_WINDOW,
        37,
        49,
        "43 +-15% (distinct compounds struck)",
        m.raided_compounds,
        why=_WAVE_CAL,
    ),
    Pattern(
        "detained_to_22_july",
        "calibration",
        "crackdown",
        "3,075 arrested from 27 June to 22 July",
        ("#july-to-22-july",),
        "Phnom Penh Post/ANN, 23 Jul 2025",
        (-19, 7),
        _PPP_WINDOW,
        2614,
        3536,
        "3,075 +-15%",
        m.arrests,
        why=_WAVE_CAL,
    ),
    Pattern(
        "locations_to_22_july",
        "calibration",
        "crackdown",
        "58 locations raided from 27 June to 22 July",
        ("#july-to-22-july",),
        "Phnom Penh Post/ANN, 23 Jul 2025",
        (-19, 7),
        _PPP_WINDOW,
        49,
        67,
        "58 +-15% (distinct compounds struck)",
        m.raided_compounds,
        why=_WAVE_CAL,
    ),
    Pattern(
        "sealed_six_months",
        "calibration",
        "crackdown",
        "~118 sites sealed in six months",
        ("#sealed-six-months",),
        "reporting on Cambodia's Anti-Scam Commission, early 2026",
        (-19, 184),
        "from the campaign's start (27 June 2025) to six months after the directive (16 January 2026)",
        100,
        136,
        "~118 +-15%",
        m.sealed_compounds,
        why=_WAVE_CAL + "; the Cambodia world's 117 compounds are sized from it",
    ),
    Pattern(
        "arrests_seven_months",
        "calibration",
        "crackdown",
        "5,106 arrests in seven months",
        ("#prince-group-2025-outcomes", "#sealed-six-months"),
        "Cambodian immigration department, via Vietnam News, 25 Jan 2026",
        (-19, 193),
        "the seven months from the campaign's start (27 June 2025) to 25 January 2026",
        4340,
        5872,
        "5,106 +-15% (the commission's ~5,000 of early 2026 is the same count)",
        m.arrests,
        why=_WAVE_CAL,
    ),
    Pattern(
        "low_level_arrests",
        "calibration",
        "crackdown",
        "~98% of those caught are low-level",
        ("#senior-share", "#kokang-handovers"),
        "Reuters, Feb 2026; Xinhua, Nov 2023",
        (-19, 210),
        "27 Jun 2025 - 11 Feb 2026 (Reuters, 11 Feb 2026: from the campaign's start to ~7 months after the directive)",
        0.975,
        0.998,
        "lower: senior figures up to ~2.5% (173 of ~11,000 = 1.6%, first recorded as ~2-3%); "
        "upper: Xinhua's 0.2% masterminds and key members (Kokang 2023)",
        m.low_level_share,
        why="raids.manager_arrest_prob was calibrated to it (1.6% senior figures)",
    ),
    Pattern(
        "growth_between_crackdowns",
        "calibration",
        "baseline",
        "+31%/yr: Laos SEZ call centres 305 (2023) -> 400 (mid-2024)",
        ("#growth-laos-sez",),
        "RFA, Aug 2024",
        (0, 365),
        "2023 to mid-2024, without a crackdown; the model's first year after the intervention day, no intervention",
        0.2,
        0.72,
        "305 -> 400 over 0.5-1.5 years (the 2023 count is not dated): (400/305)^(1/1.5) - 1 = 0.20 to (400/305)^2 - 1 = 0.72",
        m.yearly_growth,
        why="growth.expand_prob was tuned to ~+30%/yr from it",
    ),
)
