"""The minimal roster workbook: a `Roster` sheet (agent rows x day columns of shift codes) and the `Data` sheet
(the long table). The Excel issue will add the Detail, Coverage and Summary sheets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wfm.atomic import write_atomic
from wfm.errors import InputError, Problem

DATA_COLUMNS = ["agent_id", "date", "interval_start", "activity", "queue"]


def write_roster_workbook(path: str | Path, data: pd.DataFrame, codes: pd.DataFrame, *, force: bool = True,
                          extra: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write Roster and Data sheets (plus `extra` sheets before Data) atomically."""
    out = data.copy()
    out["date"] = [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in out["date"]]
    out["interval_start"] = pd.to_datetime(out["interval_start"]).dt.strftime("%Y-%m-%dT%H:%M:%S")
    out["queue"] = out["queue"].astype(object).where(out["queue"].notna(), None)

    def writer(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            codes.to_excel(xw, sheet_name="Roster", index=False)
            for name, frame in (extra or {}).items():
                frame.to_excel(xw, sheet_name=name, index=False)
            out.to_excel(xw, sheet_name="Data", index=False)

    return write_atomic(path, writer, force=force)


@dataclass
class RosterBook:
    data: pd.DataFrame
    codes: dict[tuple[str, dt.date], str] | None
    start: dt.date | None
    days: int | None


def read_roster_workbook(path: str | Path) -> RosterBook:
    """Read the Data sheet (required) and the Roster sheet's shift codes (optional)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"roster workbook not found: {path}", file=path)
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(f"cannot read the roster workbook: {exc}", file=path) from None
    if "Data" not in sheets:
        raise InputError([Problem(str(path), "the workbook has no 'Data' sheet (the long table agent_id, date, "
                                             "interval_start, activity, queue)")])
    data = sheets["Data"]
    data.columns = [str(c).strip().lower() for c in data.columns]
    missing = [c for c in DATA_COLUMNS if c not in data.columns]
    if missing:
        raise InputError([Problem(str(path), f"the Data sheet lacks column(s): {', '.join(missing)}")])
    data = data[DATA_COLUMNS].dropna(how="all").reset_index(drop=True)
    codes = start = days = None
    roster = next((sheets[n] for n in sheets if n == "Roster"), None)
    if roster is None and len(sheets) and list(sheets)[0] != "Data":
        roster = sheets[list(sheets)[0]]  # a translated Roster sheet name: it is the first sheet
    if roster is not None and "agent_id" in [str(c).strip().lower() for c in roster.columns]:
        roster.columns = [str(c).strip() for c in roster.columns]
        idcol = next(c for c in roster.columns if c.lower() == "agent_id")
        date_cols = {}
        for c in roster.columns:
            try:
                date_cols[c] = dt.date.fromisoformat(str(c)[:10])
            except ValueError:
                continue
        if date_cols:
            codes = {}
            for _, row in roster.iterrows():
                aid = str(row[idcol]).strip()
                if aid.endswith(".0") and aid[:-2].isdigit():
                    aid = aid[:-2]
                for c, d in date_cols.items():
                    v = row[c]
                    codes[aid, d] = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()
            start = min(date_cols.values())
            days = (max(date_cols.values()) - start).days + 1
    data["agent_id"] = data["agent_id"].map(lambda v: str(v)[:-2] if str(v).endswith(".0") and str(v)[:-2].isdigit()
                                            else str(v).strip())
    return RosterBook(data, codes, start, days)
