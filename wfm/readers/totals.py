"""The labels of a totals row (合计, 总计, 小计, 汇总, Total, Sum): a sum of other rows, never data."""

from __future__ import annotations

import re

# Totals rows an ACD export appends (per day, per queue or at the end), or HR adds below a table
TOTALS = re.compile(r"(合\s*计|总\s*计|小\s*计|汇\s*总|total|sum|grand\s*total|sub-?\s*total)\s*[:：]?"
                    r"\s*([(（].*[)）])?", re.IGNORECASE)


def is_totals_label(value: object) -> bool:
    """Whether a cell holds a totals row's label."""
    return isinstance(value, str) and TOTALS.fullmatch(value.strip()) is not None
