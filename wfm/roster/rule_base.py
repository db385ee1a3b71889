"""The base of the hard rules (`wfm.roster.rules`): a named piece that adds its constraints to the model."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A hard rule: `name` (as explanations and `ctx.add` name it), `words` (plain words for the user), `checks`
    (the checker's rule names that verify it)."""

    name: str
    words: str = ""
    checks: tuple[str, ...] = ()

    def add(self, ctx) -> None:
        """Add the rule's constraints to the model of `ctx` (nothing for a rule held elsewhere)."""


class HeldByOptions(Rule):
    """Held by the shift options each agent is offered on each day (`Instance.allowed`: availability window,
    requested days off, approved leave, closed days, the shift templates): the model has no other choice."""


class HeldByPlacement(Rule):
    """Held when each shift's breaks, lunch, training and queues are placed (`wfm.roster.detail`)."""
