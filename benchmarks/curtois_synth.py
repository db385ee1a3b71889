"""Synthetic instances in the Curtois & Qu format, at the sizes of the held-out Instance13-24, calibrated on the
published Instance1-12 so that their objective has the same make-up (a few units of unavoidable under-cover at
weight 100 plus a few dozen request points), not all under-cover and not trivial.

    python benchmarks/curtois_synth.py --like 13 --seed 1 > Synth13.txt
    python benchmarks/curtois_synth.py --days 364 --staff 150 --shifts 32 --seed 1 > big.txt

Calibration (figures of Instance1-12, measured by `python benchmarks/curtois_synth.py --calibrate`):
- capacity: the staff's summed maximum minutes over the summed cover demand (requirement x shift length) is
  0.99-1.11, median 1.00; their minimum minutes 0.74-0.97 of demand. Here: demand = max capacity / U(0.99, 1.03).
- cover: every slot under-cover weight 100, over-cover 1; requirement about the same on weekdays and weekends
  (people needed a day, weekdays/weekends: 10.2/10.4 on Instance5, 36.1/35.6 on Instance12), never 0 in 1-12.
- what the objective is made of (our 15 s rosters of Instance1-7, 0-26% above the best known): under-cover
  93-99%, requests and over-cover 1-7%; best knowns of 1-12 are 0.4-6.1 points per staff-day (of 13-24: 0.4-3.2). The under-cover comes from the weekends: with
  at most half the weekends each, fewer people can work a weekend day than the demand asks.
- requests: shift-on 0.14-0.26 per staff-day, shift-off 0.045-0.11, weights 1-3, in runs of consecutive days
  for the same shift (here U(0.12, 0.22) and U(0.04, 0.09) per person, which the runs bring to 0.17-0.22 and
  0.067-0.087); required days off 1 per person per 14 days, often two days together.
- shift types: 480 minutes (a 600-minute night on 9 and 10), grouped early / day / late / night; a type may not
  be followed by one of an earlier group. Each person works 40-100% of the day types; a night type is open to a
  minority, sometimes capped at about one a week.
- per person: max 4.5 and min 3.9 shifts of 480 minutes a week (2160 / 1890 minutes; a part-time 3/4 minority);
  (max consecutive shifts, min consecutive shifts, min consecutive days off) = (5,2,2) on most, (6,2,3),
  (5,1,2), (4,2,3; only with part-time hours, as on Instance9) on some; max weekends about half of them (a quarter and three quarters on some).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# the held-out instances' sizes, from Curtois & Qu (2014): instance -> (days, staff, shift types)
HELD_OUT_SIZES = {13: (28, 120, 18), 14: (42, 32, 4), 15: (42, 45, 6), 16: (56, 20, 3), 17: (56, 32, 4),
                  18: (84, 22, 3), 19: (84, 40, 5), 20: (182, 50, 6), 21: (182, 100, 8), 22: (364, 50, 10),
                  23: (364, 100, 16), 24: (364, 150, 32)}
# (max consecutive shifts, min consecutive shifts, min consecutive days off) and how often, as in Instance1-12
RUN_RULES = ((5, 2, 2), (5, 2, 2), (5, 2, 2), (6, 2, 3), (5, 1, 2), (4, 2, 3))
UNDER_WEIGHT, OVER_WEIGHT = 100, 1


def _staff_id(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _shift_groups(shifts: int) -> list[int]:
    """The time-of-day group (0 early .. 3 night) of each type, in order; the night group is the last tenth."""
    if shifts <= 3:
        return list(range(shifts))
    night = max(1, shifts // 10)
    day_types = shifts - night
    return [min(2, 3 * i // day_types) for i in range(day_types)] + [3] * night


def _runs(rng: random.Random, days: int, count: int, longest: int) -> list[tuple[int, int]]:
    """About `count` days in runs of 1..`longest` consecutive days: [(first day, length)]."""
    out, total = [], 0
    while total < count:
        n = rng.randint(1, longest)
        out.append((rng.randrange(days - n + 1), n))
        total += n
    return out


def _staff_lines(rng: random.Random, days: int, staff: int, ids: list[str], groups: list[int]):
    """SECTION_STAFF rows and the types each person may work."""
    weekends = days // 7
    day_ids = [t for t, g in zip(ids, groups) if g < 3]
    lines, allowed, capacity = [], {}, 0
    for i in range(staff):
        p = _staff_id(i)
        k = max(1, round(len(day_ids) * rng.uniform(0.4, 1.0)))
        mine = set(rng.sample(day_ids, k))
        caps = {t: days for t in mine}
        for t in ids:
            if t not in day_ids and rng.random() < 0.3:  # nights: a minority, some about once a week
                mine.add(t)
                caps[t] = days if rng.random() < 0.5 else max(1, days // 7)
        allowed[p] = [t for t in ids if t in mine]
        most, least, off = rng.choice(RUN_RULES)
        part = rng.random() < 0.15 or most * 7 < 4.5 * (most + off)  # runs of 4 then 3 off: part-time hours only
        hi, lo = (days // 7 * 1440, days // 7 * 1200) if part else (days // 7 * 2160, days // 7 * 1890)
        share = rng.choice((0.5, 0.5, 0.5, 0.25, 0.75))
        max_weekends = max(1, round(weekends * share))
        limits = "|".join(f"{t}={caps.get(t, 0)}" for t in ids)
        lines.append(f"{p},{limits},{hi},{lo},{most},{least},{off},{max_weekends}")
        capacity += hi
    return lines, allowed, capacity


def generate(days: int, staff: int, shifts: int, seed: int = 1) -> str:
    """The text of one instance."""
    rng = random.Random(seed)
    ids = [f"s{t}" for t in range(shifts)]
    groups = _shift_groups(shifts)
    night_len = rng.choice((480, 600))
    length = {t: night_len if g == 3 else 480 for t, g in zip(ids, groups)}
    lines = ["SECTION_HORIZON", str(days), "", "SECTION_SHIFTS"]
    for t, g in zip(ids, groups):
        lines.append(f"{t},{length[t]},{'|'.join(u for u, h in zip(ids, groups) if h < g)}")
    staff_rows, allowed, capacity = _staff_lines(rng, days, staff, ids, groups)
    lines += ["", "SECTION_STAFF", *staff_rows, "", "SECTION_DAYS_OFF"]
    for p in allowed:
        off: set[int] = set()
        for first, n in _runs(rng, days, max(1, days // 14), 2):
            off.update(range(first, first + n))
        lines.append(",".join([p, *map(str, sorted(off))]))
    lines += ["", "SECTION_SHIFT_ON_REQUESTS"]
    for p in allowed:
        for first, n in sorted(_runs(rng, days, round(days * rng.uniform(0.12, 0.22)), 5)):
            t, w = rng.choice(allowed[p]), rng.randint(1, 3)
            lines += [f"{p},{d},{t},{w}" for d in range(first, first + n)]
    lines += ["", "SECTION_SHIFT_OFF_REQUESTS"]
    for p in allowed:
        for first, n in sorted(_runs(rng, days, round(days * rng.uniform(0.04, 0.09)), 3)):
            t, w = rng.choice(allowed[p]), rng.randint(1, 3)
            lines += [f"{p},{d},{t},{w}" for d in range(first, first + n)]
    lines += ["", "SECTION_COVER", *_cover_lines(rng, days, ids, allowed, capacity, length)]
    return "\n".join(lines) + "\n"


def _cover_lines(rng: random.Random, days: int, ids: list[str], allowed: dict[str, list[str]],
                 capacity: int, length: dict[str, int]) -> list[str]:
    """Requirements whose minutes add up to the staff's max minutes / U(0.99, 1.03), spread over the types in
    proportion to how many people may work each, with noise, about even over the week."""
    demand = capacity / rng.uniform(0.99, 1.03)
    reach = {t: sum(t in a for a in allowed.values()) for t in ids}
    mean_len = sum(reach[t] * length[t] for t in ids) / max(1, sum(reach.values()))
    per_day = demand / mean_len / days
    out = []
    for d in range(days):
        weights = {t: reach[t] * rng.uniform(0.6, 1.4) for t in ids}
        total = sum(weights.values()) or 1.0
        for t in ids:
            need = per_day * weights[t] / total
            need = math.floor(need) + (rng.random() < need - math.floor(need))
            out.append(f"{d},{t},{need},{UNDER_WEIGHT},{OVER_WEIGHT}")
    return out


def calibration(path) -> dict:
    """The figures the generator is calibrated on, of one instance file (real or synthetic)."""
    from benchmarks.curtois import parse

    p = parse(path)
    cells = len(p.staff) * p.days
    demand = sum(r * p.minutes[t] for (_d, t), (r, _u, _o) in p.cover.items())
    weekend = [r for (d, _t), (r, _u, _o) in p.cover.items() if d % 7 >= 5]
    weekday = [r for (d, _t), (r, _u, _o) in p.cover.items() if d % 7 < 5]
    return {"instance": p.name, "size": f"{len(p.staff)}x{p.days}x{len(p.shifts)}",
            "max_minutes/demand": round(sum(s.max_minutes for s in p.staff) / demand, 2),
            "min_minutes/demand": round(sum(s.min_minutes for s in p.staff) / demand, 2),
            "weekday/weekend need": f"{sum(weekday) / max(1, len(weekday)):.2f}/{sum(weekend) / max(1, len(weekend)):.2f}",
            "weights under/over": sorted({(u, o) for (_r, u, o) in p.cover.values()}),
            "on requests/staff-day": round(len(p.on_requests) / cells, 3),
            "off requests/staff-day": round(len(p.off_requests) / cells, 3),
            "days off/staff/14 days": round(sum(map(len, p.days_off.values())) / len(p.staff) / p.days * 14, 2),
            "weekends allowed/weekends": round(sum(s.max_weekends for s in p.staff) / len(p.staff) / (p.days // 7), 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--staff", type=int, default=20)
    ap.add_argument("--shifts", type=int, default=3)
    ap.add_argument("--like", type=int, choices=sorted(HELD_OUT_SIZES), help="the size of a held-out instance")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calibrate", nargs="+", metavar="INSTANCE", help="print the calibration figures of files")
    args = ap.parse_args(argv)
    if args.calibrate:
        for path in args.calibrate:
            print(calibration(path))
        return 0
    days, staff, shifts = HELD_OUT_SIZES[args.like] if args.like else (args.days, args.staff, args.shifts)
    sys.stdout.write(generate(days, staff, shifts, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
