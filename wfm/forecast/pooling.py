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
