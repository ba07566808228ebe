"""The widgets of one policy: a scenario and the levers the worksheets turn.

Each widget carries a CSS class named after its lever and the policy
(``warnings-a``, ``scenario-b``, ...): the browser tests find it by that name,
and so can an instructor writing instructions.  Choosing another scenario
resets the campaign levers to that scenario's own values, so a lever never
silently carries a value over from a scenario it was set for.
"""

from __future__ import annotations

import panel as pn

from sim.explore.levers import DEFAULT_SCENARIO, TARGETS, Policy, base, group_options


def _number(widget: pn.widgets.Widget) -> float:
    """A slider's value as a float (Panel types a slider's value as optional; a slider always has one)."""
    value = widget.value
    return float(value) if value is not None else 0.0


class PolicyControls:
    """Scenario and lever widgets of policy ``tag`` ("a" or "b"); :meth:`policy` reads them."""

    def __init__(self, tag: str, world: str, scenario: str = DEFAULT_SCENARIO) -> None:
        self.tag = tag
        self.world = world

        def css(name: str) -> list[str]:  # one naming rule for every widget
            return [f"{name}-{tag}"]

        self.scenario = pn.widgets.Select(
            label="Scenario", options=group_options("scenario"), value=scenario, css_classes=css("scenario")
        )
        self.description = pn.pane.Markdown("", css_classes=css("description"), margin=(0, 10))
        self.raid_intensity = pn.widgets.FloatSlider(
            label="Raid intensity (x the scenario's peak raid rate)",
            start=0.0,
            end=4.0,
            step=0.25,
            value=1.0,
            css_classes=css("raid-intensity"),
        )
        self.hold_days = pn.widgets.IntSlider(
            label="Raids held at peak (days)", start=0, end=365, step=1, value=21, css_classes=css("hold-days")
        )
        self.targeting = pn.widgets.Select(
            label="Targeting strategy", options=list(TARGETS), value="random", css_classes=css("targeting")
        )
        self.strength_scale = pn.widgets.FloatSlider(
            label="Protection strength (exponent: 0 none, 1 as set, 2 stronger)",
            start=0.0,
            end=3.0,
            step=0.25,
            value=1.0,
            css_classes=css("strength-scale"),
        )
        self.warnings = pn.widgets.Checkbox(label="Raids can leak (warnings)", value=True, css_classes=css("warnings"))
        self.relocation = pn.widgets.Checkbox(label="Compounds can relocate", value=True, css_classes=css("relocation"))
        self.substitutes = pn.widgets.Checkbox(
            label="Generators and satellite links after cuts", value=True, css_classes=css("substitutes")
        )
        self.supply_scale = pn.widgets.FloatSlider(
            label="Labour supply (x recruit inflow)", start=0.25, end=4.0, step=0.25, value=1.0, css_classes=css("supply-scale")
        )
        self.pool_scale = pn.widgets.FloatSlider(
            label="Victim pool (x reachable victims)", start=0.25, end=4.0, step=0.25, value=1.0, css_classes=css("pool-scale")
        )
        self.scenario.param.watch(lambda _event: self.reset(), "value")
        self.reset()

    @property
    def widgets(self) -> list[pn.viewable.Viewable]:
        return [
            self.scenario,
            self.description,
            self.raid_intensity,
            self.hold_days,
            self.targeting,
            self.strength_scale,
            self.warnings,
            self.relocation,
            self.substitutes,
            self.supply_scale,
            self.pool_scale,
        ]

    def set_world(self, world: str) -> None:
        self.world = world
        self.reset()

    def reset(self) -> None:
        """Every lever back to the composed value of the current world and scenario."""
        b = base(self.world, self.scenario.value)
        self.description.object = f"*{b.description}*"
        has_campaigns = bool(b.campaigns)
        for w in (self.raid_intensity, self.hold_days, self.targeting):
            w.disabled = not has_campaigns
        self.raid_intensity.value = 1.0
        if has_campaigns:
            self.hold_days.value = round(b.campaigns[0].hold_days)
            self.targeting.value = b.campaigns[0].targeting if b.campaigns[0].targeting in TARGETS else TARGETS[0]
        self.strength_scale.value = b.strength_scale
        self.warnings.value = b.warnings
        self.relocation.value = b.relocation
        self.substitutes.value = b.substitutes
        self.supply_scale.value = b.supply_scale
        self.pool_scale.value = b.pool_scale

    def policy(self) -> Policy:
        """The policy the widgets show now (levers the scenario has no use for left at ``None``)."""
        b = base(self.world, self.scenario.value)
        camp = b.campaigns[0] if b.campaigns else None
        return Policy(
            scenario=self.scenario.value,
            raid_intensity=_number(self.raid_intensity) if camp else 1.0,
            hold_days=_number(self.hold_days) if camp and self.hold_days.value != round(camp.hold_days) else None,
            targeting=self.targeting.value if camp and self.targeting.value != camp.targeting else None,
            strength_scale=_number(self.strength_scale),
            warnings=bool(self.warnings.value),
            relocation=bool(self.relocation.value),
            substitutes=bool(self.substitutes.value),
            supply_scale=_number(self.supply_scale),
            pool_scale=_number(self.pool_scale),
        )
