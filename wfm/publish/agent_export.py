"""Per-agent schedules: a CSV and an iCalendar (.ics) file each, for agents who want their own shifts."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from wfm.atomic import csv_writer, text_writer, write_group
from wfm.calendar import time_span
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
                spans.append(f"{act} {time_span(ts, ts + step)}")
            prev_end, prev_act = ts + step, act
        off_phone.append("; ".join(spans))
    out = codes[["date", "code", "start", "end", "paid_h"]].copy()
    out["breaks"] = off_phone
    return out


_ICS_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # control characters a TEXT value cannot hold
_ICS_LINE_OCTETS = 75  # RFC 5545 3.1: longer lines are folded (CRLF + space)


def _ics_escape(value: object) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, a line break (CRLF, CR or LF)
    written as `\\n`, other control characters removed, so that no value can start a property of its own."""
    text = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _ICS_CONTROL.sub("", re.sub(r"\r\n|\r|\n", r"\\n", text))


def _ics_param(value: str) -> str:
    """A parameter value (TZID): quoted when it holds `:`, `;` or `,`; quotes and control characters removed."""
    value = _ICS_CONTROL.sub("", value.replace('"', ""))
    return f'"{value}"' if re.search(r"[:;,]", value) else value


def _fold(line: str) -> str:
    """A content line folded at 75 octets (UTF-8, never inside a character): CRLF and a space before each
    continuation."""
    if len(line.encode("utf-8")) <= _ICS_LINE_OCTETS:
        return line
    parts: list[str] = []
    chunk: list[str] = []
    size, room = 0, _ICS_LINE_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > room:
            parts.append("".join(chunk))
            chunk, size, room = [], 0, _ICS_LINE_OCTETS - 1  # the leading space counts
        chunk.append(ch)
        size += n
    parts.append("".join(chunk))
    return "\r\n ".join(parts)


def _utc_offset(offset: dt.timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    h, rest = divmod(abs(seconds), 3600)
    m, sec = divmod(rest, 60)
    return f"{sign}{h:02d}{m:02d}" + (f"{sec:02d}" if sec else "")


@functools.lru_cache(maxsize=16)
def _vtimezone(tzid: str, first: dt.date, last: dt.date) -> tuple[str, ...]:
    """A VTIMEZONE for `tzid` covering `first` to `last` (a day either side): the offset in force on the first
    day, then every change of offset in between (found in the IANA database), each as its own observance."""
    zone = ZoneInfo(tzid)
    utc = dt.timezone.utc
    t = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), zone).astimezone(utc)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), zone).astimezone(utc)

    def offset(when: dt.datetime) -> dt.timedelta:
        return when.astimezone(zone).utcoffset() or dt.timedelta(0)

    def observance(onset: dt.datetime, before: dt.timedelta) -> list[str]:
        local = onset.astimezone(zone)
        kind = "DAYLIGHT" if local.dst() else "STANDARD"
        return [f"BEGIN:{kind}", f"DTSTART:{(onset + before).replace(tzinfo=None):%Y%m%dT%H%M%S}",
                f"TZOFFSETFROM:{_utc_offset(before)}", f"TZOFFSETTO:{_utc_offset(offset(onset))}",
                f"TZNAME:{_ics_escape(local.tzname() or tzid)}", f"END:{kind}"]

    lines = ["BEGIN:VTIMEZONE", f"TZID:{_ics_escape(tzid)}", *observance(t, offset(t))]
    step = dt.timedelta(hours=6)
    while t < end:
        nxt = t + step
        if offset(nxt) != offset(t):
            lo, hi = t, nxt  # the change lies in (lo, hi]: find its second
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + dt.timedelta(seconds=(hi - lo).total_seconds() // 2)  # whole seconds
                if offset(mid) == offset(lo):
                    lo = mid
                else:
                    hi = mid
            lines += observance(hi, offset(lo))
        t = nxt
    return (*lines, "END:VTIMEZONE")


def schedule_ics(schedule: pd.DataFrame, agent: Agent, config: Config, *,
                 stamp: dt.datetime | None = None) -> str:
    """An RFC 5545 calendar with one event per shift, in the centre's time zone (with its VTIMEZONE): text
    escaped, lines folded at 75 octets, CRLF line ends; DTSTAMP is `stamp` (default now), in UTC."""
    tz = config.centre.timezone
    stamp = (stamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    dtstamp = f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}"
    tzid = _ics_param(tz)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//wfm//roster//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_escape(agent.name)} roster", f"X-WR-TIMEZONE:{_ics_escape(tz)}"]
    if len(schedule):
        first = min(pd.Timestamp(v) for v in schedule["start"]).date()
        last = max(pd.Timestamp(v) for v in schedule["end"]).date()
        lines += _vtimezone(tz, first, last)
    names = {t.code: t.name for t in config.shifts}
    for r in schedule.itertuples(index=False):
        uid = f"{agent.agent_id}-{r.date}-{r.code}@wfm"
        summary = f"{r.code} {names.get(r.code[:1], '')}".strip()
        lines += ["BEGIN:VEVENT", f"UID:{_ics_escape(uid)}", dtstamp,
                  f"DTSTART;TZID={tzid}:{r.start:%Y%m%dT%H%M%S}", f"DTEND;TZID={tzid}:{r.end:%Y%m%dT%H%M%S}",
                  f"SUMMARY:{_ics_escape(summary)}", f"DESCRIPTION:{_ics_escape(r.breaks)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


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
    stamp = dt.datetime.now(dt.timezone.utc)  # the time of export: every event's DTSTAMP
    items: list = []
    manifest: list[tuple[str, str]] = []
    for a in chosen:
        schedule = agent_schedule(roster, a.agent_id, config)
        csv = schedule.assign(start=schedule["start"].dt.strftime("%Y-%m-%dT%H:%M"),
                              end=schedule["end"].dt.strftime("%Y-%m-%dT%H:%M"))
        ics = text_writer(schedule_ics(schedule, a, config, stamp=stamp))
        for ext, writer in ((".csv", csv_writer(csv)), (".ics", ics)):
            items.append((out / f"{names[a.agent_id]}{ext}", writer))
            manifest.append((a.agent_id, f"{names[a.agent_id]}{ext}"))
    files = [p for p, _ in items]
    if len({p.name.casefold() for p in files} | {MANIFEST}) != len(files) + 1:
        raise AssertionError("agent export: two agents would share a file")
    items.append((out / MANIFEST, csv_writer(pd.DataFrame(manifest, columns=["agent_id", "file"]), sep="\t")))
    write_group(items, force=force)
    return files
