"""The Curtois section of benchmarks/RESULTS.md, from the runs recorded by `benchmarks/curtois.py` and the
bounds recorded by `benchmarks/curtois_bound.py` (both in benchmarks/_work/, git-ignored)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from benchmarks.curtois_synth import HELD_OUT_SIZES
from benchmarks.results import update_section

WORK = Path(__file__).resolve().parent / "_work"
BOUNDS = WORK / "curtois_bounds.json"


def _key(name: str) -> int:
    mt = re.search(r"(\d+)", name)
    return int(mt.group(1)) if mt else 0


def real_table(rows: list[dict]) -> list[str]:
    """The published instances against their best known values."""
    lines = [
        "| instance | time limit | best known | ours | gap | bound (first phase) | scorer | LNS steps | load | date |",
        "|---|---:|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for r in rows:
        bk, ours = r["best_known"], r["objective"]
        gap = f"{100.0 * (ours - bk) / bk:.2f}%" if bk and ours is not None else "n/a"
        opt = " (opt)" if r["optimal"] else ""
        bound = f"{r['bound']:.0f}" if r["bound"] is not None else "-"
        lines.append(f"| {r['instance']} | {r['time_limit']:g} s | {bk if bk is not None else 'n/a'} | "
                     f"{ours if ours is not None else '-'}{opt} | {gap} | {bound} | {r['check']} | {r['rounds']} | "
                     f"{r['load'][0]}→{r['load'][1]} | {r['date']} |")
    return lines


def synthetic_table(rows: list[dict], runs: dict, bounds: dict) -> list[str]:
    """Synthetic instances (no best known): the gap against a lower bound (the better of the LP relaxation and
    HiGHS's MIP dual bound) and against the best value any recorded run or the MIP reached."""
    lines = [
        "| instance (staff x days x types) | time limit | ours | lower bound (kind) | gap to bound | best reached "
        "(how) | gap to best | phases (s) | LNS steps | scorer | load | date |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|---|",
    ]
    for r in rows:
        name, ours = r["instance"], r["objective"]
        b = bounds.get(name, {})
        cands = [(b.get("lp_bound"), "LP"), (b.get("mip_bound"), f"MIP {b.get('mip_s', 0):.0f} s")]
        if r["optimal"] and r["bound"] is not None:
            cands.append((r["bound"], "CP-SAT proof"))
        lb, kind = max(((v, k) for v, k in cands if v is not None), default=(None, ""))
        seen = [(o["objective"], f"run {o['time_limit']:g} s" + (f" at {o['code']}" if o.get("code") else ""))
                for o in runs.values() if o["instance"] == name and o["objective"] is not None]
        if b.get("mip_value") is not None:
            seen.append((b["mip_value"], "MIP"))
        best, how = min(seen) if seen else (None, "")
        def gap(ref, ours=ours):
            return f"{100.0 * (ours - ref) / ref:.1f}%" if ours is not None and ref else "n/a"

        phases = ", ".join(f"{k} {v:g}" for k, v in r.get("phases", {}).items())
        days, staff, types = HELD_OUT_SIZES.get(_key(name), ("?", "?", "?"))
        lines.append(f"| {name} ({staff}x{days}x{types}) | {r['time_limit']:g} s | {ours if ours is not None else '-'} | "
                     f"{'-' if lb is None else f'{lb:,.0f}'} ({kind}) | {gap(lb)} | "
                     f"{'-' if best is None else f'{best:,}'} ({how}) | {gap(best)} | {phases} | {r['rounds']} | "
                     f"{r['check']} | {r['load'][0]}→{r['load'][1]} | {r['date']} |")
    return lines


def write_section(runs: dict) -> None:
    """Rewrite the `curtois` section of RESULTS.md from every recorded run (latest per instance and limit)."""
    bounds = json.loads(BOUNDS.read_text()) if BOUNDS.exists() else {}
    # rows with a `code` are runs of an earlier commit, kept for "best reached" only
    rows = sorted((r for r in runs.values() if not r.get("code")), key=lambda r: (r["time_limit"], _key(r["instance"])))
    real = [r for r in rows if not r["instance"].startswith("Synth")]
    synth = sorted((r for r in rows if r["instance"].startswith("Synth")),
                   key=lambda r: (_key(r["instance"]), r["time_limit"]))
    lines = [
        "## Curtois & Qu shift scheduling (`benchmarks/curtois.py`)",
        "",
        ("Instances and best known (optimal) values from `../shared/data/curtois/`. CP-SAT (OR-Tools 9.15), "
         "2 cores, the search engine `wfm/roster/lns.py`: on instances of at most 12,000 (employee, day, shift "
         "type) options a solve of the whole model (2 workers, one of them LP-heavy) gives the first roster, on "
         "larger ones a construction one employee at a time (two at once); then LNS, two single-worker "
         "sub-solves running at a time, each freeing a group of employees (random, or those around an "
         "under/over-covered slot), a window of days, or both, with everything else fixed to the incumbent. "
         "Every objective is re-scored by the independent `../shared/tools/curtois_eval.py` (column *scorer*: "
         "feasible and equal). The machine's 2 cores were shared with other work: *load* is the 1-minute load "
         "average at the start and end of each instance (2.0 = both cores busy), so times are wall-clock under "
         "that load. Seed 1. *(opt)*: CP-SAT proved the value optimal. Target: within 2% of best known at 600 s."),
        "",
        *real_table(real),
        "",
        "### Synthetic instances of the held-out sizes (Instance13-24)",
        "",
        SYNTH_INTRO,
        "",
        *synthetic_table(synth, runs, bounds),
    ]
    update_section("curtois", "\n".join(lines) + "\n\n" + SYNTH_NOTES + "\n" + NOTES)


SYNTH_INTRO = (
    "Generated by `benchmarks/curtois_synth.py --like N` (seed 1): the staff, days and shift types of the held-out "
    "InstanceN, rule parameters like Instance1-12 (see its docstring). They have no best known value, so each "
    "run is compared with a *lower bound* of the same model, the better of its LP relaxation and the dual bound of "
    "HiGHS's branch and bound after 150 s (`benchmarks/curtois_bound.py`, run at nice 15 beside the runs, so with "
    "fewer CPU seconds than that; *CP-SAT proof*: the run proved its value optimal), and with the *best reached*: "
    "the lowest objective of any recorded run of ours or HiGHS's MIP incumbent. Neither is the optimum: the gap "
    "to the bound over-states the distance to it, the gap to the best reached may under-state it. Runs at 120 s, "
    "2 workers, `nice -n 5`, on the shared machine (load column)."
)
SYNTH_NOTES = """Why the large instances did badly at 120 s, and what changed (2026-11-29):

- Before (commit 37c4af4) every instance up to 200,000 options started with CP-SAT on the whole model. On the
  Instance13-size synthetic (120 x 28 x 18, 33k options) building that model alone took most of its 24 s share
  and gave 25,896; LNS then brought it to 2,636 at 120 s (CP-SAT bound 104). On 182-day ones (50 x 182 x 6, 100 x
  182 x 8) the root LP never finished (bound 250 and 0) and the runs ended at 9,986 and 20,970.
- Now above 12,000 options the first roster is the construction, two employees at a time (rows are independent
  under the hard rules, so solving two against the same snapshot and merging both stays feasible), each row
  proved optimal against the rows already built, without the LP on horizons up to 8 weeks (0.04 s a row
  instead of 0.11 s): 3 s for Instance13's size, 7,445 before any LNS. On long horizons each row uses the LP
  while the construction is within its budget (30% of the time), and without it after that.
- LNS steps run asynchronously (a new step starts as soon as one ends, not when both have), and a finished step is
  merged into the incumbent when none of its employees changed meanwhile; large staffs draw day-window
  neighbourhoods less often and shorter (they free every employee).
- Side by side at the same load (A/B, 60 s, load 3.5-5): Instance8 1,629 before and 1,517 after, Instance12
  5,147 and 5,076 (Instance12 from the construction instead: 4,932). The 60 s rows of Instance5-12 in the table
  above were re-run at load 5.6-7.8 (the earlier ones at 0.5-1.7), which is why some are worse than before.

Before and after at 120 s on the synthetics (objective; 1-minute load at start -> end). Before: commit 37c4af4,
run 2026-11-29 03:45-04:03. After: this change; the rows for 13, 14, 16-18, 20, 21 ran an earlier state of it
(threshold 6,000 options, the LP in every long row of the construction, no fallback when two LNS steps overlap),
15, 19, 22 and 23 the final one.

| instance (staff x days x types) | before | after | after: first roster |
|---|---:|---:|---|
| Synth13 (120 x 28 x 18) | 2,636 (3.9→6.7) | 527 (3.3→5.9) | construction, 3.1 s |
| Synth14 (32 x 42 x 4) | 4,140, proved optimal at 77 s (6.7→5.0) | 4,141 (5.9→6.3) | whole model |
| Synth15 (45 x 42 x 6) | 117 (5.0→7.2) | 115 (5.1→4.9); from the construction: 139 | whole model |
| Synth16 (20 x 56 x 3) | 9,995 (7.3→5.6) | 9,996 (7.5→6.7) | whole model |
| Synth17 (32 x 56 x 4) | 5,189 (5.6→6.8) | 5,198 (6.7→6.7) | whole model |
| Synth18 (22 x 84 x 3) | 17,570 (6.8→6.4) | 17,572 (6.7→7.6) | whole model |
| Synth19 (40 x 84 x 5) | 810 (6.4→6.4) | 461 (4.9→4.0); from the construction: 1,070 | whole model |
| Synth20 (50 x 182 x 6) | 9,986 (6.4→6.9) | 3,875 (6.8→6.1) | construction, 29.9 s |
| Synth21 (100 x 182 x 8) | 20,970 (6.8→6.1) | 15,150 (6.1→6.0) | construction, 48.6 s |
| Synth22 (50 x 364 x 10) | - | 23,013 (4.0→4.5); LP in every row: 22,050 in 120.2 s | construction, 35.7 s |
| Synth23 (100 x 364 x 16) | - | 125,372 in 121.7 s (3.4→4.2); LP in every row: 142,602 in 160.5 s | construction, 76.5 s |
| Synth24 (150 x 364 x 32) | - | no roster in 120 s: the final code's construction completes at 302 s (236,918, scorer ok, load 2.9→2.5) | construction, 302 s |

Not met, and why:

- The targets (mean gap at most 10%, each at most 25%) hold against the best reached but not against the lower
  bound on the synthetics whose objective is small (Synth13, 15, 19: a few hundred points of requests with the
  cover met, where the LP-based bound is weak and our runs are also further off: Synth13 reaches 235 at 600 s,
  27.7% above the bound, against 527 at 120 s). The generator gives these
  sizes about 14% more staff capacity than cover, while the real Instance1-12 have cover equal to capacity
  (Instance12: 1,007 shifts required, 1,008 at most): the real objectives are in the thousands (best known 3,831
  for 15, 3,149 for 19), so the synthetic gaps in % are not those the held-out instances would show.
- 364-day instances: the construction solves one CP-SAT model per employee, and at Instance23-24's sizes that
  does not fit 120 s well: Synth23 (100 x 364 x 16) 125,372 in 121.7 s with 76.5 s of construction, and Synth24
  (150 x 364 x 32) found no complete roster in 120 s (the construction alone took 302 s there at load 2.5-2.9).
"""

NOTES = """Why plain CP-SAT is far off on the larger instances, and what this does about it:

- The LP relaxation of the model is tight (on Instance7 CP-SAT's LP bound reaches 1043-1046 against the optimum
  1056; on Instance11 3434 against 3443), but CP-SAT's default 2-worker portfolio runs no LP-heavy worker: its bound
  stays near 0 (29 on Instance7 after 30 s) and nothing guides the search. Putting `max_lp` in the 2-worker
  portfolio proves Instance2 and 3 optimal in about 2 s; the LNS sub-solves use linearization level 2.
- On 40-60 staff (Instance10-12) even the root LP takes longer than the first phase (the *bound* column is the
  first phase's bound, near 0 there), and CP-SAT's first solutions are poor (about 11,000-12,000 on Instance12,
  optimum 4,040). Generic LNS improves them slowly; the structured LNS here (groups of employees who could
  fill an under/over-covered slot, day windows) with two single-worker sub-solves in parallel gets Instance10 and
  11 within 0.2% in 60 s. Instance12 (10 shift types) is the one still far off at 60 s.

History of the large-instance path: building the whole model of the Instance24-size synthetic took 4.6 GB and
found no solution in its share of 300 s, so above 200,000 options the search started from the construction, and
on horizons over 8 weeks LNS frees 28-day windows (31,593 at 600 s on that synthetic, under 0.5 GB). The
threshold is now 12,000 options, for the reasons measured above.

Rule pieces (`wfm/roster/rules.py`):

- shared with the hotline roster, the same classes the hotline model runs, driven through a thin adapter
  (`_RuleContext` in `benchmarks/curtois.py`, a stand-in for the hotline instance carrying each employee's
  parameters): `ContractHours` (MinTotalMinutes / MaxTotalMinutes as hours averaged over the period),
  `MaxConsecutiveDays` (MaxConsecutiveShifts), `WeekendsOff` (MaxWeekends worked = weekends off needed).
  Required days off are handled as the hotline handles requested days off, by offering no shift that day.
- new general functions added to rules.py (the hotline model does not call them yet): `max_shifts_of_kind`
  (MaxShifts per type; the hotline's max nights is a special case), `forbidden_successions` (shift rotation as
  forbidden day-to-day pairs; the hotline's `MinRest` derives such pairs from shift times), `min_run_length`
  (min consecutive shifts and min consecutive days off, open at the horizon's edges), `soft_requests` (shift
  on/off requests), `soft_cover` (weighted under/over cover slack). The objective is exactly the README's;
  `objective()` in the script recomputes it and the scorer confirms it.
"""


