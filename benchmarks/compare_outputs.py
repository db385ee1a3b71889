"""Compare two output folders (e.g. `wfm demo` before and after a refactoring): every cell of every sheet of each
xlsx workbook, every CSV and TOML byte for byte. Prints one line per file and `RESULT: identical` or how many
files differ; exit code 0 when identical, 1 otherwise.

    python benchmarks/compare_outputs.py BEFORE_DIR AFTER_DIR

The demo's workbooks hold no timestamps or wall times, so no cell is ignored.
"""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

import openpyxl


def compare_workbooks(a: Path, b: Path, show: int = 15) -> tuple[int, int, list[str]]:
    """(cells compared, cells that differ, the first `show` differences) of two workbooks."""
    wa, wb = openpyxl.load_workbook(a), openpyxl.load_workbook(b)
    if wa.sheetnames != wb.sheetnames:
        return 0, 1, [f"sheets {wa.sheetnames} != {wb.sheetnames}"]
    cells = differ = 0
    notes: list[str] = []
    for name in wa.sheetnames:
        sa, sb = wa[name], wb[name]
        for r in range(1, max(sa.max_row, sb.max_row) + 1):
            for c in range(1, max(sa.max_column, sb.max_column) + 1):
                va, vb = sa.cell(r, c).value, sb.cell(r, c).value
                cells += 1
                if va != vb:
                    differ += 1
                    if len(notes) < show:
                        notes.append(f"{name}!{sa.cell(r, c).coordinate}: {va!r} != {vb!r}")
    return cells, differ, notes


def main(before: Path, after: Path) -> int:
    bad = 0
    files = sorted(p.relative_to(before) for p in before.rglob("*")
                   if p.is_file() and p.suffix in {".xlsx", ".csv", ".toml"})
    for rel in files:
        pa, pb = before / rel, after / rel
        if not pb.exists():
            print(f"MISSING {rel}")
            bad += 1
        elif pa.suffix == ".xlsx":
            cells, differ, notes = compare_workbooks(pa, pb)
            print(f"{'same' if not differ else 'DIFF'} {rel}: {cells:,} cells compared, {differ:,} differ")
            for n in notes:
                print(f"  {n}")
            bad += differ > 0
        else:
            same = filecmp.cmp(pa, pb, shallow=False)
            print(f"{'same' if same else 'DIFF'} {rel}")
            bad += not same
    print("RESULT: identical" if not bad else f"RESULT: {bad} file(s) differ")
    return 0 if not bad else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
