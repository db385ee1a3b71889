"""The agents table: one row per agent with skills, contract and requests. The `Agent` it reads into (and the
contract limits) are the domain's, in `wfm.agents`; importable from here too."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from wfm.agents import PART_TIME_DAY_H, PART_TIME_WEEK_H, ROLES, Agent
from wfm.calendar import clock
from wfm.config import Config, parse_clock
from wfm.errors import Problem, Problems
from wfm.readers.tables import normalise_columns, read_table
from wfm.readers.xlsx import EXCEL_ERRORS

__all__ = ["PART_TIME_DAY_H", "PART_TIME_WEEK_H", "ROLES", "Agent", "agents_frame", "parse_leave", "parse_skills",
           "read_agents"]

REQUIRED = ["agent_id", "name", "team", "skills", "contract_hours_week"]
OPTIONAL = ["role", "min_hours_week", "max_hours_week", "available_from", "available_to", "days_off_requested",
            "shift_preference", "training_until", "leave", "contract_type", "service_years", "annual_leave_taken"]
CONTRACT_TYPES = {"full_time": "full_time", "part_time": "part_time", "全日制": "full_time", "非全日制": "part_time"}
ALIASES = {"工号": "agent_id", "员工编号": "agent_id", "姓名": "name", "班组": "team", "组别": "team",
           "技能": "skills", "技能组": "skills", "合同工时": "contract_hours_week", "周工时": "contract_hours_week",
           "角色": "role", "岗位": "role", "用工形式": "contract_type", "合同类型": "contract_type",
           "工龄": "service_years", "累计工作年限": "service_years", "已休年假": "annual_leave_taken"}


MAX_LEAVE_DAYS = 366
LEAVE_WORDS = {"年假": "annual", "病假": "sick", "事假": "personal", "婚假": "marriage", "产假": "maternity",
               "调休": "compensatory"}


def _iso_date(text: str) -> dt.date | None:
    """`2026-12-01` or `2026/12/01` (1900-2199); anything else (`1/12`, `Dec 1`) is None, never a guess."""
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: 00:00(?::00)?)?", text)
    if not m or not 1900 <= int(m.group(1)) <= 2199:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_leave(text: str) -> list[tuple[dt.date, str]]:
    """`2026-12-01..2026-12-03:annual;2026-12-10:sick` -> [(date, type), ...]; the type defaults to annual.
    Raises ValueError with the offending part."""
    from wfm.config import LEAVE_TYPES

    out: list[tuple[dt.date, str]] = []
    # a date cell Excel made of a typed date reads `2026-12-02 00:00:00`: its time is no leave type
    text = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})[ T]00:00(?::00(?:\.0+)?)?", r"\1", text or "")
    for part in filter(None, (p.strip() for p in re.split(r"[;；]", text))):
        m = re.fullmatch(r"(.+?)(?::\s*(\w+))?", part)
        span, kind = m.group(1), (m.group(2) or "annual").lower()
        kind = LEAVE_WORDS.get(kind, kind)
        if kind not in LEAVE_TYPES:
            raise ValueError(f"leave type {kind!r} in {part!r} is not one of {', '.join(LEAVE_TYPES)}")
        first, dots, last = span.partition("..")
        if dots and not last.strip():
            raise ValueError(f"{part!r}: a range needs its end date (START..END)")
        d0, d1 = _iso_date(first.strip()), _iso_date((last or first).strip())
        if d0 is None or d1 is None:
            raise ValueError(f"{part!r} is not a date or a range START..END (YYYY-MM-DD), with an optional :type")
        if d1 < d0 or (d1 - d0).days >= MAX_LEAVE_DAYS:
            raise ValueError(f"{part!r}: the end must be on or after the start and within a year of it")
        out += [(d0 + dt.timedelta(days=i), kind) for i in range((d1 - d0).days + 1)]
    return out


def parse_skills(text: str) -> dict[str, float]:
    """'billing;english:0.7' -> {'billing': 1.0, 'english': 0.7}; raises ValueError when malformed."""
    skills: dict[str, float] = {}
    for part in re.split(r"[;,，；|]", text):
        part = part.strip()
        if not part:
            continue
        name, _, level = part.partition(":")
        name = name.strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"{part!r} is not a queue name")
        value = 1.0
        if level.strip():
            try:
                value = float(level)
            except ValueError:
                raise ValueError(f"proficiency {level.strip()!r} of {name} is not a number") from None
            if not 0 < value <= 1:
                raise ValueError(f"proficiency of {name} must be in (0, 1], not {value:g}")
        if name in skills:
            raise ValueError(f"skill {name} is listed twice")
        skills[name] = value
    if not skills:
        raise ValueError("no skills listed")
    return skills


def read_agents(path: str | Path, config: Config | None = None, *,
                warnings: list[Problem] | None = None) -> list[Agent]:
    """Read and validate the agents table (XLSX first sheet or CSV); raises `InputError` with every problem.
    The warnings found (e.g. numbers read with a decimal comma) are added to `warnings` when it is given."""
    path = Path(path)
    problems = Problems()
    raw = read_table(path, what="agents")
    raw = normalise_columns(raw, path=path, aliases=ALIASES, required=REQUIRED, optional=OPTIONAL,
                            problems=problems)
    problems.raise_if_errors()
    raw = _read_decimal_commas(raw, path, problems)
    queues = set(config.queues) if config else None
    shift_codes = {s.code for s in config.shifts} if config else None
    agents: list[Agent] = []
    seen: dict[str, int] = {}
    for idx, rec in raw.iterrows():
        row = int(idx) + 2
        agent_id = _agent_id(rec)
        if agent_id in seen:
            problems.error(path, f"agent_id '{agent_id}' is also on row {seen[agent_id]}", row=row,
                           column="agent_id")
        elif agent_id:
            seen[agent_id] = row
        agent = _parse_row(rec, row, path, queues, shift_codes, problems)
        if agent is not None:
            agents.append(agent)
    if config and config.rules.supervisor_on_duty and agents and not any(a.is_supervisor for a in agents):
        problems.warning(path, "no agent has role 'supervisor', but rules.supervisor_on_duty is set", column="role")
    problems.raise_if_errors()
    if warnings is not None:
        warnings += problems.warnings
    return agents


NUMBER_COLUMNS = ("contract_hours_week", "min_hours_week", "max_hours_week", "service_years", "annual_leave_taken")
DECIMAL_COMMA = r"[+-]?\d+,\d+"
THOUSANDS_OR_DECIMAL = r"[+-]?\d{1,3},\d{3}"  # 1,234: a thousands separator or a decimal comma


def _read_decimal_commas(raw: pd.DataFrame, path: Path, problems: Problems) -> pd.DataFrame:
    """Numbers written with one decimal comma (`37,5`, from a European or Chinese Excel locale) read with a
    decimal point, with a warning per column counting them. `1,234` (a thousands separator as well) and more
    than one separator are left for `_number` to refuse, naming row and column."""
    raw = raw.copy()
    for col in (c for c in NUMBER_COLUMNS if c in raw.columns):
        text = raw[col].astype("string").str.strip()
        comma = (text.str.fullmatch(DECIMAL_COMMA) & ~text.str.fullmatch(THOUSANDS_OR_DECIMAL)).fillna(False)
        if not comma.any():
            continue
        first = comma.idxmax()
        raw[col] = raw[col].where(~comma, text.str.replace(",", ".", regex=False))
        n = int(comma.sum())
        problems.warning(path, f"{n} value{'s' if n > 1 else ''} written with a decimal comma read as decimal "
                               f"(e.g. '{text[first]}' = {raw.at[first, col]}), first at row {int(first) + 2}",
                         column=col)
    return raw




def _cell(rec: pd.Series, col: str) -> str:
    v = rec.get(col)
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    return str(v).strip()


def _agent_id(rec: pd.Series) -> str:
    agent_id = _cell(rec, "agent_id")
    if agent_id.endswith(".0") and agent_id[:-2].isdigit():
        agent_id = agent_id[:-2]  # Excel turned a numeric id into a float
    return agent_id


def _number(rec, col, row, path, problems, *, lo: float, hi: float, required: bool) -> float | None:
    text = _cell(rec, col)
    if not text:
        if required:
            problems.error(path, "missing value", row=row, column=col)
        return None
    try:
        if "_" in text:  # float() reads 4_0 as 40
            raise ValueError(text)
        value = float(text)
    except ValueError:
        problems.error(path, _not_a_number(text), row=row, column=col)
        return None
    if not lo <= value <= hi:
        problems.error(path, f"{value:g} is out of range ({lo:g} to {hi:g})", row=row, column=col)
        return None
    return value


def _not_a_number(text: str) -> str:
    if re.fullmatch(THOUSANDS_OR_DECIMAL, text):
        return (f"{text!r} is ambiguous: a decimal comma or a thousands separator? Write it with a decimal point "
                f"({text.replace(',', '.')}) or without the comma ({text.replace(',', '')})")
    if re.fullmatch(r"[+-]?[\d.,]+", text):
        return (f"{text!r} is not a number: write it with one decimal point or one decimal comma and no "
                f"thousands separators (e.g. 37.5 or 37,5)")
    return f"{text!r} is not a number"


def _date(text: str) -> dt.date | None:
    try:
        return pd.Timestamp(text).date()
    except (ValueError, TypeError):
        return None


def _preference(rec) -> str:
    """The shift codes preferred in one form, "E;L" (the model, the score and the Summary split on ";" alone),
    whatever separates them: ";", ",", "，", "；" or spaces."""
    codes = [c for c in re.split(r"[;,，；\s]+", _cell(rec, "shift_preference").upper()) if c]
    return ";".join(dict.fromkeys(codes))


def _parse_row(rec, row, path, queues, shift_codes, problems) -> Agent | None:
    n_before = len(problems.errors)
    agent_id = _agent_id(rec)
    if not agent_id:
        problems.error(path, "missing agent_id", row=row, column="agent_id")
    for col in ("agent_id", "name", "team"):
        if _cell(rec, col).upper() in EXCEL_ERRORS:
            problems.error(path, f"{_cell(rec, col)} is an Excel error value (a formula that failed in the source "
                                 "sheet), not a value", row=row, column=col)
    name = _cell(rec, "name") or agent_id
    team = _cell(rec, "team")
    if not team:
        problems.error(path, "missing team", row=row, column="team")
    skills: dict[str, float] = {}
    try:
        skills = parse_skills(_cell(rec, "skills"))
    except ValueError as exc:
        problems.error(path, str(exc), row=row, column="skills")
    if queues is not None:
        for s in skills:
            if s not in queues:
                problems.error(path, f"skill '{s}' is not a queue in the config (queues: {', '.join(sorted(queues))})",
                               row=row, column="skills")
    contract = _number(rec, "contract_hours_week", row, path, problems, lo=1, hi=60, required=True)
    lo = _number(rec, "min_hours_week", row, path, problems, lo=0, hi=60, required=False)
    hi = _number(rec, "max_hours_week", row, path, problems, lo=1, hi=72, required=False)
    if contract is not None and lo is not None and lo > contract:
        problems.error(path, f"min_hours_week {lo:g} is above contract_hours_week {contract:g}", row=row,
                       column="min_hours_week")
    if contract is not None and hi is not None and hi < contract:
        problems.error(path, f"max_hours_week {hi:g} is below contract_hours_week {contract:g}", row=row,
                       column="max_hours_week")
    role = (_cell(rec, "role") or "agent").lower()
    if role not in ROLES:
        problems.error(path, f"role must be agent or supervisor, not {role!r}", row=row, column="role")
    times = {}
    for col in ("available_from", "available_to"):
        text = _cell(rec, col)
        if text:
            m = parse_clock(text[:5] if re.fullmatch(r"\d{1,2}:\d{2}:\d{2}", text) else text, allow_24=True)
            if m is None:
                problems.error(path, f"{text!r} is not a time HH:MM", row=row, column=col)
            times[col] = m
    if times.get("available_from") is not None and times.get("available_to") is not None \
            and times["available_to"] <= times["available_from"]:
        problems.error(path, "available_to must be after available_from", row=row, column="available_to")
    days_off = []
    for part in re.split(r"[;,，；]", _cell(rec, "days_off_requested")):
        if part.strip():
            d = _date(part.strip())
            if d is None:
                problems.error(path, f"{part.strip()!r} is not a date (YYYY-MM-DD)", row=row,
                               column="days_off_requested")
            else:
                days_off.append(d)
    pref = _preference(rec)
    for code in pref.split(";") if pref and shift_codes is not None else []:
        if code not in shift_codes:
            problems.error(path, f"shift_preference {code!r} is not a shift code in the config "
                                 f"({', '.join(sorted(shift_codes))})", row=row, column="shift_preference")
    training_until = None
    if _cell(rec, "training_until"):
        training_until = _date(_cell(rec, "training_until"))
        if training_until is None:
            problems.error(path, f"{_cell(rec, 'training_until')!r} is not a date", row=row, column="training_until")
    leave: list[tuple[dt.date, str]] = []
    try:
        leave = parse_leave(_cell(rec, "leave"))
    except ValueError as exc:
        problems.error(path, str(exc), row=row, column="leave")
    kind = _contract_type(rec, row, path, problems, contract, hi)
    service = _number(rec, "service_years", row, path, problems, lo=0, hi=70, required=False)
    taken = _number(rec, "annual_leave_taken", row, path, problems, lo=0, hi=366, required=False)
    if len(problems.errors) > n_before:
        return None
    return Agent(agent_id, name, team, skills, float(contract), role, lo, hi, times.get("available_from"),
                 times.get("available_to"), tuple(days_off), pref, training_until, tuple(leave), kind, service,
                 float(taken or 0.0))


def _contract_type(rec, row, path, problems, contract: float | None, hi: float | None) -> str:
    """`full_time` (the default) or `part_time`, whose weekly hours the law caps at 24."""
    text = _cell(rec, "contract_type")
    kind = CONTRACT_TYPES.get(text.lower() if text.isascii() else text) if text else "full_time"
    if kind is None:
        problems.error(path, f"contract_type must be full_time or part_time (全日制/非全日制), not {text!r}", row=row,
                       column="contract_type")
        return "full_time"
    if kind == "part_time":
        for col, value in (("contract_hours_week", contract), ("max_hours_week", hi)):
            if value is not None and value > PART_TIME_WEEK_H:
                problems.error(path, f"{col} {value:g} is above the {PART_TIME_WEEK_H:g} h a week a part-time "
                                     "(非全日制) contract allows", row=row, column=col)
    return kind


def agents_frame(agents: list[Agent]) -> pd.DataFrame:
    """The agents as a table with the contract's columns (skills written back as `queue:level;...`)."""
    rows = []
    for a in agents:
        rows.append({
            "agent_id": a.agent_id, "name": a.name, "team": a.team,
            "skills": ";".join(q if lv == 1.0 else f"{q}:{lv:g}" for q, lv in a.skills.items()),
            "contract_hours_week": a.contract_hours_week, "role": a.role,
            "min_hours_week": a.min_hours_week, "max_hours_week": a.max_hours_week,
            "available_from": _clock(a.available_from), "available_to": _clock(a.available_to),
            "days_off_requested": ";".join(d.isoformat() for d in a.days_off_requested),
            "shift_preference": a.shift_preference,
            "training_until": a.training_until.isoformat() if a.training_until else None,
            "leave": ";".join(f"{d.isoformat()}:{kind}" for d, kind in a.leave),
            "contract_type": a.contract_type,
            "service_years": a.service_years, "annual_leave_taken": a.annual_leave_taken or None,
        })
    return pd.DataFrame(rows, columns=REQUIRED + OPTIONAL)


def _clock(m: int | None) -> str | None:
    return None if m is None else clock(m)
