"""Per-agent schedules: a CSV and an iCalendar (.ics) file each, for agents who want their own shifts."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pandas as pd

from wfm.atomic import csv_writer, text_writer, write_group
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


MANIFEST = "manifest.tsv"  # not .csv: `*.csv` in the folder are the agents' schedules
_SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\Z")
_RESERVED = {"con", "prn", "aux", "nul", "manifest", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}  # Windows device names, and the manifest's own name


def _hashed_name(agent_id: str, digits: int) -> str:
    ascii_part = unicodedata.normalize("NFKD", agent_id).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_part.lower()).strip("_")[:32] or "agent"
    return f"{slug}~{hashlib.sha256(agent_id.encode('utf-8')).hexdigest()[:digits]}"


def export_file_names(agent_ids: list[str]) -> dict[str, str]:
    """The file name (without extension) of each agent's schedule: unique even where file names ignore case.

    A readable ASCII id (letters, digits, `_ . -`, up to 64 characters, not a Windows device name) is kept as it
    is, unless another id differs from it only in case; every other id gets `slug~hash`: its ASCII letters and
    digits (lower case) and the first hex digits of the SHA-256 of the id. `~` never occurs in a kept id, so the
    two kinds cannot meet; `manifest.tsv` in the export folder maps the names back to the ids."""
    ids = list(dict.fromkeys(agent_ids))
    folded: dict[str, int] = {}
    for a in ids:
        folded[a.casefold()] = folded.get(a.casefold(), 0) + 1

    def keep(a: str) -> bool:
        return (bool(_SAFE_ID.match(a)) and not a.endswith(".") and folded[a.casefold()] == 1
                and a.split(".")[0].casefold() not in _RESERVED)

    for digits in (10, 16, 64):
        names = {a: a if keep(a) else _hashed_name(a, digits) for a in ids}
        if len({n.casefold() for n in names.values()}) == len(ids):
            return names
    raise AssertionError("agent export: two agent ids map to one file name")  # pragma: no cover (SHA-256)


def export_agent_schedules(roster: pd.DataFrame, agents: list[Agent], config: Config, out_dir: str | Path, *,
                           force: bool = False) -> list[Path]:
    """Write each rostered agent's schedule as `<name>.csv` and `<name>.ics` into `out_dir`, with `manifest.tsv`
    (`agent_id, file`, one row per file) mapping the files to the agents; names from `export_file_names`.
    All files are written to temporaries first and put in place together (`wfm.atomic.write_group`): an error
    leaves the previous export as it was. Without `force` no existing file is replaced. Returns the agents'
    files (two per agent, CSV then .ics), not the manifest."""
    out = Path(out_dir)
    rostered = set(roster["agent_id"])
    chosen = list({a.agent_id: a for a in reversed(agents) if a.agent_id in rostered}.values())[::-1]
    names = export_file_names([a.agent_id for a in chosen])
    items: list = []
    manifest: list[tuple[str, str]] = []
    for a in chosen:
        schedule = agent_schedule(roster, a.agent_id, config)
        csv = schedule.assign(start=schedule["start"].dt.strftime("%Y-%m-%dT%H:%M"),
                              end=schedule["end"].dt.strftime("%Y-%m-%dT%H:%M"))
        for ext, writer in ((".csv", csv_writer(csv)), (".ics", text_writer(schedule_ics(schedule, a, config)))):
            items.append((out / f"{names[a.agent_id]}{ext}", writer))
            manifest.append((a.agent_id, f"{names[a.agent_id]}{ext}"))
    files = [p for p, _ in items]
    if len({p.name.casefold() for p in files} | {MANIFEST}) != len(files) + 1:
        raise AssertionError("agent export: two agents would share a file")
    items.append((out / MANIFEST, csv_writer(pd.DataFrame(manifest, columns=["agent_id", "file"]), sep="\t")))
    write_group(items, force=force)
    return files
