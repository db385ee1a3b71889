"""Holiday closures pooled across the queues of a centre, for queues whose own history is too short to tell.

A queue fitted on a few weeks has seen few holidays, or none: on its own, a holiday it has not seen follows
its habit on the holidays it has seen, and with none seen it is forecast open at normal volume. The queues
of one centre (and of one holiday country) mostly close on the same holidays, so a queue takes, for each
holiday it has not seen, what most of the other queues of its country that saw it did (closed or open), and
for the holidays nobody saw, their habit when it has none of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from wfm.calendar import day_calendar
from wfm.forecast import daily
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


NOTE_ITEMS = 6  # effects named in a queue's note on borrowed holiday effects
MIN_BETWEEN_SD = 0.1  # queues of one centre differ by at least ~10% in how a holiday moves them
EFFECT_NAMES = {"hper": "days of holiday periods", "hol": "official holidays", "pre": "eves",
                "post": "first working days after", "bridge": "bridge days"}


def pool_holiday_effects(models: Mapping[str, QueueModel], country_of: Mapping[str, str]) -> dict[str, str]:
    """Shrink each queue's holiday effects (period, official holiday, per-name deviation, eve, first day after,
    bridge day; `wfm.forecast.daily.HOLIDAY_PRIOR_SD`) toward the mean of the queues of its holiday country that
    have them (in place). The queue's own estimate, freed of its ridge shrinkage toward its prior mean, weighs by
    its days of support over its noise; the centre's mean by the spread between queues (random-effects
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
                raw[q] = (b * (days + pen) - pen * daily.prior_means([feature])[0]) / days
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


def _random_effects(est: np.ndarray, var: np.ndarray, min_sd: float = MIN_BETWEEN_SD) -> tuple[float, float]:
    """The pooled mean and the between-queue variance (DerSimonian-Laird, floored at `min_sd`^2)."""
    w = 1 / var
    fixed = float((w * est).sum() / w.sum())
    q_stat = float((w * (est - fixed) ** 2).sum())
    denom = float(w.sum() - (w ** 2).sum() / w.sum())
    tau2 = max((q_stat - (len(est) - 1)) / denom if denom > 0 else 0.0, min_sd ** 2)
    wr = 1 / (var + tau2)
    return float((wr * est).sum() / wr.sum()), tau2


def borrow_holiday_effects(models: Mapping[str, QueueModel], country_of: Mapping[str, str]) -> dict[str, str]:
    """Give each queue, for every holiday effect its own history holds no open day of (a holiday it has not
    seen by name, or none at all: official holidays, holiday periods, eves, first days after, bridge days), the
    mean effect of the queues of its holiday country that have it (queues closed on the same weekdays first),
    each weighing by its days of support over its noise (in place; run after `pool_holiday_effects`). A holiday
    the queue has not seen by name gets its own column. `{queue: note}` for the queues that took an effect."""
    active = {q: m for q, m in models.items() if not m.stopped and m.beta is not None and m.spec is not None}
    notes: dict[str, list[str]] = {}
    for queue, model in active.items():
        country = str(country_of.get(queue))
        peers = [m for q, m in active.items() if q != queue and str(country_of.get(q)) == country
                 and m.holiday_effects]
        peers = [m for m in peers if m.closed_weekdays == model.closed_weekdays] or peers
        wanted = sorted({f for m in peers for f in m.holiday_effects} - set(model.holiday_effects),
                        key=lambda f: (f.startswith("hn:"), f))
        for feature in wanted:
            have = [m for m in peers if feature in m.holiday_effects]
            w = np.array([m.holiday_effects[feature][2] / m.noise ** 2 for m in have])
            value = float(np.dot(w, [m.beta[m.holiday_effects[feature][0]] for m in have]) / w.sum())
            _set_effect(model, feature, value, country)
            notes.setdefault(queue, []).append(f"{EFFECT_NAMES.get(feature, feature.split(':', 1)[-1])} "
                                               f"{np.expm1(value):+.0%}")
    return {q: f"holiday effects not in its history taken from the other {country_of.get(q)} queues: "
               + ", ".join(v[:NOTE_ITEMS]) + (f" and {len(v) - NOTE_ITEMS} more" if len(v) > NOTE_ITEMS else "")
            for q, v in notes.items()}


def _set_effect(model: QueueModel, feature: str, value: float, country: str) -> None:
    """Set `model`'s coefficient of `feature`; a holiday name the queue's features lack gets a column."""
    names = _feature_names(model.spec, country)
    if feature not in names:
        if not feature.startswith("hn:"):
            return
        model.spec = replace(model.spec, holiday_names=sorted(model.spec.holiday_names + [feature[3:]]))
        names = _feature_names(model.spec, country)
        j = names.index(feature)
        model.beta = np.insert(model.beta, j, 0.0)
        model.holiday_effects = {f: (c + (c >= j), b, d, p) for f, (c, b, d, p) in model.holiday_effects.items()}
        model.weekday_effects = {f: (c + (c >= j), b, d, p) for f, (c, b, d, p) in model.weekday_effects.items()}
    model.beta[names.index(feature)] = value


def _feature_names(spec, country: str) -> list[str]:
    """The names of the daily regression's features under `spec` (`wfm.forecast.daily.design`)."""
    day = dt.date(2000, 1, 3)
    return daily.design(day_calendar(day, day, country), spec)[1]


WEEKDAY_MIN_SD = 0.05  # queues of one centre that close on the same weekdays differ by at least ~5% on a weekday
WEEKDAY_MIN_QUEUES = 5  # fewer queues do not tell their spread (a 911 centre's traffic and EMS lines differ)


def pool_weekday_effects(models: Mapping[str, QueueModel]) -> dict[str, str]:
    """Shrink each queue's weekday effects (relative to Monday) toward the mean of the queues that close on the same
    weekdays (in place), as `pool_holiday_effects` does for holidays: a queue's own estimate weighs by its days of
    support over its noise (the weekday's and Monday's), the mean by the spread between queues (at least
    `WEEKDAY_MIN_SD`; with at least `WEEKDAY_MIN_QUEUES` queues). A few weeks of a noisy queue move toward the
    centre's week; years of history keep their own. The constant moves by the mean change over the open weekdays, so
    the queue's weekly level stays.
    `{queue: note}` for the queues whose effect on a weekday moved by more than 10%."""
    active = {q: m for q, m in models.items() if not m.stopped and m.beta is not None and m.weekday_effects}
    moved: dict[str, list[str]] = {}
    for week in sorted({m.closed_weekdays for m in active.values()}):
        if 0 in week:  # the effects are against Monday
            continue
        group = {q: m for q, m in active.items() if m.closed_weekdays == week}
        shift = {q: [] for q in group}
        for k in sorted(set(range(1, 7)) - set(week)):
            have = {q: m for q, m in group.items() if f"wd{k}" in m.weekday_effects}
            if len(have) < WEEKDAY_MIN_QUEUES:
                continue
            raw, var = {}, {}
            for q, m in have.items():
                _, b, days, pen = m.weekday_effects[f"wd{k}"]
                raw[q] = b * (days + pen) / days
                var[q] = 2 * m.noise ** 2 / days  # the weekday's days and about as many Mondays
            mean, tau2 = _random_effects(np.array(list(raw.values())), np.array(list(var.values())),
                                         WEEKDAY_MIN_SD)
            for q, m in have.items():
                j = m.weekday_effects[f"wd{k}"][0]
                post = (raw[q] / var[q] + mean / tau2) / (1 / var[q] + 1 / tau2)
                if abs(np.expm1(post - m.beta[j])) > 0.1:
                    moved.setdefault(q, []).append(f"{WEEKDAYS[k]} {np.expm1(m.beta[j]):+.0%} -> {np.expm1(post):+.0%}")
                shift[q].append(m.beta[j] - post)
                m.beta[j] = post
        for q, m in group.items():
            if shift[q]:
                m.beta[0] += float(np.sum(shift[q])) / (7 - len(week))
    return {q: "weekday effects (against Monday) pooled with the queues open on the same days: " + ", ".join(v)
            for q, v in moved.items()}


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
