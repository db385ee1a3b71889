"""The rule that the shifts of a week leave room for the week's training sessions (`wfm.roster.rules`)."""

from __future__ import annotations

import math

from wfm.roster.problem import Instance
from wfm.roster.rule_base import Rule


def attends(inst: Instance, session, agent, d: int) -> bool:
    """Whether `agent` attends the config's training `session` on day `d` of the period."""
    if session.who == "all":
        return True
    if session.who == "new_hires":
        return inst.new_hire_on(agent, d)
    return agent.team == session.who


class SessionRoom(Rule):
    """Room for the sessions: the shifts an agent works in a week (in the period, for once-per-period sessions)
    hold its weekly (once) sessions besides each shift's lunch, breaks and daily sessions, so that placement
    (`wfm.roster.detail`) can seat every minute; a new hire's long class on short shifts only is refused. Added
    only where some shift the agent may work that week is too small to hold them on its own."""

    def add(self, ctx) -> None:
        inst = ctx.inst
        for ai, a in enumerate(inst.agents):
            for freq, blocks in (("weekly", inst.weeks()), ("once", [list(range(inst.days))])):
                sessions = [tr for tr in inst.config.training if tr.frequency == freq]
                for block in blocks if sessions else []:
                    self._add_block(ctx, ai, a, block, sessions)

    def _add_block(self, ctx, ai: int, a, block: list[int], sessions) -> None:
        inst = ctx.inst
        n = {i: math.ceil(tr.minutes / inst.interval) for i, tr in enumerate(sessions)}
        room = {(d, k): self._room(inst, a, d, k) for d in block for k in inst.allowed[ai][d]}
        need = sum(n[i] for i, tr in enumerate(sessions) if any(attends(inst, tr, a, d) for d in block))
        if not need or all(r >= need for r in room.values()):
            return
        owed = []
        for i, tr in enumerate(sessions):
            days = [d for d in block if attends(inst, tr, a, d)]
            if days:
                # y = 1 when the agent works a day it attends this session on: the session is then owed
                y = ctx.model.NewBoolVar("")
                for d in days:
                    ctx.model.Add(y >= ctx.work(ai, d))
                owed.append(n[i] * y)
        ctx.add(sum(r * ctx.x[ai, d, k] for (d, k), r in room.items()) >= sum(owed), self.name, ai)

    @staticmethod
    def _room(inst: Instance, a, d: int, k: int) -> int:
        """Intervals of shift option k on day d left once its lunch, breaks and daily sessions are in."""
        daily = sum(math.ceil(tr.minutes / inst.interval) for tr in inst.config.training
                    if tr.frequency == "daily" and attends(inst, tr, a, d))
        return free_intervals(inst, k) - daily


def free_intervals(inst: Instance, k: int) -> int:
    """Intervals of shift option k left for work and sessions once its lunch and breaks are in."""
    o = inst.options[k]
    du = inst.duties(o)
    return o.length_min // inst.interval - du.lunch - du.break_len * du.breaks
