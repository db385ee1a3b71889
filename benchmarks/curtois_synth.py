"""Synthetic instances in the Curtois & Qu format, at the sizes of the held-out Instance13-24, to test that
`benchmarks/curtois.py` scales (model size, first solution, memory) without seeing those instances.

    python benchmarks/curtois_synth.py --days 364 --staff 150 --shifts 32 --seed 1 > big.txt

Parameters follow the published instances 1-12: 480-720-minute shifts, later shifts may not be followed by
earlier ones, about 4-4.5 shifts a week per person (min and max total minutes), runs of 2-5 shifts, at least
2 days off in a row, at most half the weekends, a required day off every two weeks, on/off requests with
weights 1-3, and a cover per day and shift type (under-cover weight 100, over-cover 1).
"""

from __future__ import annotations

import argparse
import math
import random
import sys

# the held-out instances' sizes, from Curtois & Qu (2014): instance -> (days, staff, shift types)
HELD_OUT_SIZES = {13: (28, 120, 18), 14: (42, 32, 4), 15: (42, 45, 6), 16: (56, 20, 3), 17: (56, 32, 4),
                  18: (84, 22, 3), 19: (84, 40, 5), 20: (182, 50, 6), 21: (182, 100, 8), 22: (364, 50, 10),
                  23: (364, 100, 16), 24: (364, 150, 32)}


def _staff_id(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def generate(days: int, staff: int, shifts: int, seed: int = 1) -> str:
    """The text of one instance."""
    rng = random.Random(seed)
    ids = [f"s{t}" for t in range(shifts)]
    length = {t: rng.choice((480, 480, 480, 540, 600, 720)) for t in ids}
    lines = ["SECTION_HORIZON", str(days), "", "SECTION_SHIFTS"]
    for i, t in enumerate(ids):  # ids run from early to late: a late shift may not be followed by an early one
        forbidden = [u for u in ids[: max(0, i - shifts // 3)]] if i >= shifts // 2 else []
        lines.append(f"{t},{length[t]},{'|'.join(forbidden)}")
    weekends = sum(1 for d in range(days - 1) if d % 7 == 5)
    lines += ["", "SECTION_STAFF"]
    people = [_staff_id(i) for i in range(staff)]
    allowed: dict[str, list[str]] = {}
    for p in people:
        k = max(1, round(shifts * rng.uniform(0.4, 0.8)))
        allowed[p] = sorted(rng.sample(ids, k), key=ids.index)
        if allowed[p] == [ids[-1]] and shifts > 1:  # the last (night-like) type alone cannot fill the hours
            allowed[p].insert(0, ids[0])
        limits = "|".join(f"{t}={(days if t != ids[-1] else days // 7) if t in allowed[p] else 0}" for t in ids)
        mean_len = min(length[t] for t in allowed[p])
        hi = int(days / 7 * 4.5 * mean_len)
        lo = int(days / 7 * 3.9 * mean_len)
        lines.append(f"{p},{limits},{hi},{lo},5,2,2,{math.ceil(weekends / 2)}")
    lines += ["", "SECTION_DAYS_OFF"]
    for p in people:
        off = sorted(rng.sample(range(days), max(1, days // 14)))
        lines.append(",".join([p, *map(str, off)]))
    lines += ["", "SECTION_SHIFT_ON_REQUESTS"]
    for p in people:
        for d in sorted(rng.sample(range(days), max(1, days * 5 // 28))):
            lines.append(f"{p},{d},{rng.choice(allowed[p])},{rng.randint(1, 3)}")
    lines += ["", "SECTION_SHIFT_OFF_REQUESTS"]
    for p in people:
        for d in sorted(rng.sample(range(days), max(1, days * 2 // 28))):
            lines.append(f"{p},{d},{rng.choice(ids)},{rng.randint(1, 3)}")
    lines += ["", "SECTION_COVER"]
    # about 0.6 of the staff on duty a day, spread over the shift types (more on early types)
    share = [1.0 / (1 + 0.1 * i) for i in range(shifts)]
    total = sum(share)
    for d in range(days):
        on_duty = staff * 0.6 * (0.8 if d % 7 >= 5 else 1.0)
        for i, t in enumerate(ids):
            need = max(0, round(on_duty * share[i] / total + rng.uniform(-0.5, 0.5)))
            lines.append(f"{d},{t},{need},100,1")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--staff", type=int, default=20)
    ap.add_argument("--shifts", type=int, default=3)
    ap.add_argument("--like", type=int, choices=sorted(HELD_OUT_SIZES), help="the size of a held-out instance")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    days, staff, shifts = HELD_OUT_SIZES[args.like] if args.like else (args.days, args.staff, args.shifts)
    sys.stdout.write(generate(days, staff, shifts, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
