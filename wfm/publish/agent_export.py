"""Per-agent schedules: a CSV and an iCalendar (.ics) file each, for agents who want their own shifts."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from wfm.atomic import write_csv, write_text
from wfm.config import Config
from wfm.publish.codes import shift_codes
from wfm.readers.agents import Agent


def agent_schedule(roster: pd.DataFrame, agent_id: str, config: Config) -> pd.DataFrame:
    """One row per shift: `date, code, start, end, paid_h, breaks` (breaks and lunch as HH:MM-HH:MM)."""
    mine = roster[roster["agent_id"] == agent_id]
    codes = shift_codes(mine, config)
    step = pd.Timedelta(minutes=config.centre.interval_minutes)
    off_phone = []
    for day in codes["date"]:
        rows = mine[(mine["date"] == day) & (mine["activity"] != "work")].sort_values("interval_start")
        spans: list[str] = []
        prev_end, prev_act = None, None
        for ts, act in zip(rows["interval_start"], rows["activity"]):
            if prev_end is not None and ts == prev_end and act == prev_act:
                spans[-1] = spans[-1].rsplit("-", 1)[0] + f"-{ts + step:%H:%M}"
            else:
                spans.append(f"{act} {ts:%H:%M}-{ts + step:%H:%M}")
            prev_end, prev_act = ts + step, act
        off_phone.append("; ".join(spans))
    out = codes[["date", "code", "start", "end", "paid_h"]].copy()
    out["breaks"] = off_phone
    return out


def _ics_escape(value: str) -> str:
    return re.sub(r"([,;\\])", r"\\\1", value).replace("\n", "\\n")


def schedule_ics(schedule: pd.DataFrame, agent: Agent, config: Config) -> str:
    """An RFC 5545 calendar with one event per shift, in the centre's time zone."""
    tz = config.centre.timezone
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//wfm//roster//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_ics_escape(agent.name)} roster"]
    names = {t.code: t.name for t in config.shifts}
    for r in schedule.itertuples(index=False):
        uid = f"{agent.agent_id}-{r.date}-{r.code}@wfm"
        summary = f"{r.code} {names.get(r.code[:1], '')}".strip()
        lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{pd.Timestamp(r.date):%Y%m%dT000000Z}",
                  f"DTSTART;TZID={tz}:{r.start:%Y%m%dT%H%M%S}", f"DTEND;TZID={tz}:{r.end:%Y%m%dT%H%M%S}",
                  f"SUMMARY:{_ics_escape(summary)}", f"DESCRIPTION:{_ics_escape(r.breaks)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def export_agent_schedules(roster: pd.DataFrame, agents: list[Agent], config: Config, out_dir: str | Path, *,
                           force: bool = False) -> list[Path]:
    """Write `<agent_id>.csv` and `<agent_id>.ics` per rostered agent into `out_dir`; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    rostered = set(roster["agent_id"])
    for a in agents:
        if a.agent_id not in rostered:
            continue
        schedule = agent_schedule(roster, a.agent_id, config)
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", a.agent_id)
        csv = schedule.assign(start=schedule["start"].dt.strftime("%Y-%m-%dT%H:%M"),
                              end=schedule["end"].dt.strftime("%Y-%m-%dT%H:%M"))
        paths.append(write_csv(csv, out / f"{safe}.csv", force=force))
        paths.append(write_text(schedule_ics(schedule, a, config), out / f"{safe}.ics", force=force))
    return paths
