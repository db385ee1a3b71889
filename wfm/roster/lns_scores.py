"""How the LNS engine (`wfm.roster.lns_search`) weighs its moves: what each neighbourhood kind, and the sub-solves
as a whole, took off the objective per second lately."""

from __future__ import annotations

import random

__all__ = ["KindScores", "RecentRate"]


class KindScores:
    """Adaptive choice of the neighbourhood kind (as in adaptive LNS): a kind's score is the objective its steps
    took off per second of sub-solve, both summed with a decay (`DECAY` per step of that kind: its last dozen or
    so steps count); a kind is drawn in proportion to its score, except for a share `explore` of the draws,
    uniform over `kinds` (its multiplicities kept). Until every kind has been tried `WARMUP` times the draw is
    uniform. Which kind pays differs by instance and over a run: on Curtois synthetics of Instance13-20's sizes
    the many-staff-few-days kinds ("fill", "twin") took 15-100 a second, "request" and "mixed" at times none."""

    WARMUP = 2
    DECAY = 0.9

    def __init__(self, kinds: tuple[str, ...], explore: float):
        self.kinds, self.explore = kinds, explore
        self.gain = {k: 0.0 for k in kinds}
        self.cost = {k: 0.0 for k in kinds}
        self.tried = {k: 0 for k in kinds}

    @property
    def score(self) -> dict[str, float]:
        return {k: self.gain[k] / self.cost[k] if self.cost[k] > 0 else 0.0 for k in self.gain}

    def draw(self, rng: random.Random) -> str:
        score = self.score
        if min(self.tried.values()) < self.WARMUP or sum(score.values()) <= 0 or rng.random() < self.explore:
            return rng.choice(self.kinds)
        names = list(score)
        return rng.choices(names, weights=[score[k] for k in names])[0]

    def record(self, kind: str, gain: float, cost: float) -> None:
        if kind not in self.gain:
            return
        self.tried[kind] += 1
        self.gain[kind] = self.DECAY * self.gain[kind] + max(0.0, gain)
        self.cost[kind] = self.DECAY * self.cost[kind] + max(0.05, cost)


class RecentRate:
    """Gain per second over the recent steps: both summed with a decay of `KindScores.DECAY` a step."""

    def __init__(self) -> None:
        self.gain = self.cost = 0.0

    @property
    def rate(self) -> float:
        return self.gain / self.cost if self.cost > 0 else 0.0

    def record(self, gain: float, cost: float) -> None:
        self.gain = KindScores.DECAY * self.gain + max(0.0, gain)
        self.cost = KindScores.DECAY * self.cost + max(0.05, cost)
