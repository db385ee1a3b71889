"""Benchmark: writing the roster workbook for 600 agents x 4 weeks (target: under 60 s on 2 cores).

The roster is built from shift codes (each agent a rotating pattern, lunch and breaks placed by the rules),
so this measures the workbook writer alone. Prints a table and updates benchmarks/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.results import update_section  # noqa: E402
from wfm.publish import plan_from_code, write_roster_workbook  # noqa: E402
from wfm.readers.agents import Agent  # noqa: E402
from wfm.sample import build_sample  # noqa: E402

START = dt.date(2026, 11, 30)
CODES = ["E0700", "D0900", "L1330", "N2200", "E0800", "L1400", "D1000"]


def big_roster(agents: list[Agent], config, days: int) -> pd.DataFrame:
    plans = {}
    rows = []
    for i, a in enumerate(agents):
        for d in range(days):
            if (i + d) % 7 in (5, 6):
                continue
            code = "P1000" if a.contract_hours_week < 40 else CODES[(i + d // 7) % len(CODES)]
            key = (a.agent_id, code)
            day = START + dt.timedelta(days=d)
            if key not in plans:
                plans[key] = plan_from_code(a, START, code, config)
            p = plans[key]
            rows.append(p.assign(date=day, interval_start=p["interval_start"] + pd.Timedelta(days=d)))
    return pd.concat(rows, ignore_index=True)


def printed_pages(sample, days: int) -> tuple[int | None, str]:
    """Pages of the PDF LibreOffice renders of the workbook (what printing the workbook gives) and the smallest
    text size in it, read from the PDF's text operators (`/F1 8 Tf`); (None, "no LibreOffice") without it."""
    import re
    import shutil
    import subprocess
    import zlib

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None, "no LibreOffice"
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "roster.xlsx"
        write_roster_workbook(path, big_roster(sample.agents, sample.config, days), sample.agents, sample.config,
                              start=START, days=days)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{d}/lo", "--convert-to", "pdf",
                        "--outdir", d, str(path)], capture_output=True, timeout=600)
        pdf = (Path(d) / "roster.pdf").read_bytes()
    sizes = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            sizes += [float(x) for x in re.findall(rb"/F\d+ ([\d.]+) Tf", zlib.decompress(m.group(1)))]
        except zlib.error:
            continue
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)), f"{min(sizes):.1f} pt" if sizes else "?"


def main() -> None:
    sample = build_sample(START, days=28)
    base = sample.agents
    agents = [replace(a, agent_id=f"{a.agent_id}-{k}") for k in range(4) for a in base][:600]
    rows = []
    for n_agents, days in ((150, 7), (600, 28)):
        roster = big_roster(agents[:n_agents], sample.config, days)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "roster.xlsx"
            t0 = time.perf_counter()
            write_roster_workbook(path, roster, agents[:n_agents], sample.config, start=START, days=days)
            seconds = time.perf_counter() - t0
            size_mb = path.stat().st_size / 1e6
        rows.append((n_agents, days, len(roster), seconds, size_mb))
        print(f"{n_agents:>4} agents x {days:>2} days: {len(roster):>9,} roster rows, {seconds:6.1f} s, {size_mb:5.1f} MB")
    printed = [(days, *printed_pages(sample, days)) for days in (7, 28)]
    load = os.getloadavg()[0]
    lines = ["## Publish (`benchmarks/bench_publish.py`)", "",
             "Roster workbook (Roster, Detail, Coverage with a chart per queue and the total, Summary, Data) written "
             "with openpyxl in streaming mode. Target: 600 agents x 4 weeks in under 60 s.", "",
             "| agents | days | roster rows | time | workbook size |", "|---|---|---|---|---|"]
    lines += [f"| {a} | {d} | {n:,} | {s:.1f} s | {mb:.1f} MB |" for a, d, n, s, mb in rows]
    lines += ["", f"Printed with LibreOffice (the workbook converted to PDF) for the sample hotline ({len(base)} "
              "agents, 8 teams, 6 queues). Target: a week in at most 40 pages, no text under 8 pt.", "",
              "| days | pages | smallest text |", "|---|---|---|"]
    lines += [f"| {d} | {pages} | {small} |" for d, pages, small in printed]
    lines += ["", f"- Machine: {os.cpu_count()} CPUs, load average {load:.1f} during the run."]
    update_section("publish", "\n".join(lines))


if __name__ == "__main__":
    main()
