"""Observed figures the model's output is compared with (figures, validation, teaching).

Each constant names where it comes from; the full citations are in
``docs/sources.md`` under the anchor given.  These are the data, not model
parameters: the model never reads them.
"""

from __future__ import annotations

#: Arrests in the first three weeks of the July 2025 wave by nationality (AP; ``#july-first-weeks``).
AP_NATIONALITIES: dict[str, int] = {
    "China": 589,
    "Vietnam": 429,
    "Indonesia": 271,
    "Bangladesh": 70,
    "South Korea": 57,
    "Pakistan": 42,
}
#: All arrests in those three weeks, 27 Jun - 18 Jul 2025, at 43 locations (AP; ``#july-first-weeks``).
AP_TOTAL = 2137
#: Arrests of the whole campaign: "more than 3,000" (CNA; ``#july-campaign``).
CAMPAIGN_ARRESTS = 3000
#: Raids of the whole campaign: about 140 (CNA; ``#july-campaign``).
CAMPAIGN_RAIDS = 140
#: Nationalities among those arrested over the campaign: at least 19 (CNA; ``#july-campaign``).
MIN_NATIONALITIES = 19
#: Senior figures among those deported, Cambodia 2025-26: 173 of ~11,000 (Reuters; ``#senior-share``).
SENIOR_SHARE = 173 / 11_000
#: "Masterminds/key members" among Kokang handovers to China, Nov 2023: 63 of 31,000 (Xinhua; ``#kokang-handovers``).
KOKANG_SHARE = 63 / 31_000

__all__ = [
    "AP_NATIONALITIES",
    "AP_TOTAL",
    "CAMPAIGN_ARRESTS",
    "CAMPAIGN_RAIDS",
    "KOKANG_SHARE",
    "MIN_NATIONALITIES",
    "SENIOR_SHARE",
]
