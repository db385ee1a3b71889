"""Holiday closures pooled across the queues of a centre, for queues whose own history is too short to tell.

A queue fitted on a few weeks has seen few holidays, or none: on its own, a holiday it has not seen follows
its habit on the holidays it has seen, and with none seen it is forecast open at normal volume. The queues
of one centre (and of one holiday country) mostly close on the same holidays, so a queue takes, for each
holiday it has not seen, what most of the other queues of its country that saw it did (closed or open), and
for the holidays nobody saw, their habit when it has none of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np

from wfm.forecast.queue_model import QueueModel


def pool_holiday_closures(models: Mapping[str, QueueModel], country_of: Mapping[str, str]) -> dict[str, str]:
    """Update the closure decisions of `models` (in place) from the other queues of their holiday country
    (`country_of`: queue -> country); `{queue: note}` for the queues that took something from others."""
    notes: dict[str, str] = {}
    active = {q: m for q, m in models.items() if not m.stopped and m.beta is not None}
    # what each queue learned from its own history (before any pooling)
    own = {q: (set(m.seen_holidays), set(m.closed_holidays), m.holiday_default_closed, m.closed_weekdays)
           for q, m in active.items()}
    for queue, model in active.items():
        country = country_of.get(queue)
        peers = [q for q in active if q != queue and country_of.get(q) == country and own[q][0]]
        # queues that close on the same weekdays first: a queue open 7 days keeps holidays like its kind
        alike = [q for q in peers if own[q][3] == model.closed_weekdays]
        peers = alike or peers
        if not peers:
            continue
        seen = Counter(n for q in peers for n in own[q][0])
        closed = Counter(n for q in peers for n in own[q][1])
        taken = sorted(n for n in seen if n not in own[queue][0])
        if not taken:
            continue
        shut = tuple(n for n in taken if closed[n] * 2 > seen[n])
        model.closed_holidays = tuple(model.closed_holidays) + shut
        if not own[queue][0]:  # no habit of its own: the peers' (closed when most of them are)
            model.holiday_default_closed = sum(own[q][2] for q in peers) * 2 > len(peers)
        model.seen_holidays = tuple(model.seen_holidays) + tuple(taken)
        if shut:
            notes[queue] = (f"closed on {', '.join(shut)} (not in its history) as most {country} queues that saw "
                            f"them were")
    return notes


MIN_BETWEEN_SD = 0.1  # queues of one centre differ by at least ~10% in how a holiday moves them
EFFECT_NAMES = {"hper": "days of holiday periods", "hol": "official holidays", "pre": "eves",
                "post": "first working days after", "bridge": "bridge days"}


def pool_holiday_effects(models: Mapping[str, QueueModel], country_of: Mapping[str, str]) -> dict[str, str]:
    """Shrink each queue's holiday effects (period, official holiday, per-name deviation, eve, first day after,
    bridge day; `wfm.forecast.daily.HOLIDAY_PRIOR_SD`) toward the mean of the queues of its holiday country that
    have them (in place). The queue's own estimate, freed of its ridge shrinkage toward zero, weighs by its days
    of support over its noise; the centre's mean by the spread between queues (random-effects
    DerSimonian-Laird estimate, at least `MIN_BETWEEN_SD`): a holiday seen once in a small queue takes mostly the
    centre's effect, one seen often in a big queue keeps its own. `{queue: note}` for the queues whose effect on
    a holiday moved by more than 10%."""
    active = {q: m for q, m in models.items() if not m.stopped and m.beta is not None and m.holiday_effects}
    moved: dict[str, list[str]] = {}
    for country in sorted({str(country_of.get(q)) for q in active}):
        group = {q: m for q, m in active.items() if str(country_of.get(q)) == country}
        for feature in sorted({f for m in group.values() for f in m.holiday_effects}):
            have = {q: m for q, m in group.items() if feature in m.holiday_effects}
            if len(have) < 2:
                continue
            raw, var = {}, {}
            for q, m in have.items():
                _, b, days, pen = m.holiday_effects[feature]
                raw[q] = b * (days + pen) / days
                var[q] = m.noise ** 2 / days
            mean, tau2 = _random_effects(np.array(list(raw.values())), np.array(list(var.values())))
            for q, m in have.items():
                j = m.holiday_effects[feature][0]
                post = (raw[q] / var[q] + mean / tau2) / (1 / var[q] + 1 / tau2)
                if abs(np.expm1(post - m.beta[j])) > 0.1:
                    name = EFFECT_NAMES.get(feature, feature.split(":", 1)[-1])
                    moved.setdefault(q, []).append(f"{name} {np.expm1(m.beta[j]):+.0%} -> "
                                                   f"{np.expm1(post):+.0%}")
                m.beta[j] = post
    return {q: f"holiday effects pooled with the other {country_of.get(q)} queues: " + ", ".join(v)
            for q, v in moved.items()}


def _random_effects(est: np.ndarray, var: np.ndarray) -> tuple[float, float]:
    """The pooled mean and the between-queue variance (DerSimonian-Laird, floored at `MIN_BETWEEN_SD`^2)."""
    w = 1 / var
    fixed = float((w * est).sum() / w.sum())
    q_stat = float((w * (est - fixed) ** 2).sum())
    denom = float(w.sum() - (w ** 2).sum() / w.sum())
    tau2 = max((q_stat - (len(est) - 1)) / denom if denom > 0 else 0.0, MIN_BETWEEN_SD ** 2)
    wr = 1 / (var + tau2)
    return float((wr * est).sum() / wr.sum()), tau2
