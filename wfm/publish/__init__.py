"""Publishing rosters: the Excel workbook HR uses, reading it back after hand edits, per-agent exports."""

from wfm.publish.codes import parse_code, plan_from_code, shift_codes
from wfm.publish.workbook import write_roster_workbook

__all__ = ["parse_code", "plan_from_code", "shift_codes", "write_roster_workbook"]
