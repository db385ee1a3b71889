"""The Curtois & Qu benchmark's instance format, read into a `CurtoisProblem`, and its objective (as
../shared/data/curtois/README.md defines them); the solution CSV writer and the table of best known values."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "curtois"


@dataclass
class Staff:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_consecutive_off: int
    max_weekends: int


@dataclass
class CurtoisProblem:
    name: str
    days: int
    shifts: list[str]
    minutes: dict[str, int]
    forbidden_next: dict[str, set[str]]
    staff: list[Staff]
    days_off: dict[str, set[int]]
    on_requests: list[tuple[str, int, str, int]]  # employee, day, shift, weight
    off_requests: list[tuple[str, int, str, int]]
    cover: dict[tuple[int, str], tuple[int, int, int]]  # (day, shift) -> requirement, under w, over w
    staff_index: dict[str, int] = field(default_factory=dict)
    _gains: dict[tuple[int, int], list[tuple[str, int]]] | None = field(default=None, repr=False, compare=False)

    def can_work(self, e: int, d: int, t: str) -> bool:
        s = self.staff[e]
        return d not in self.days_off.get(s.id, ()) and s.max_shifts.get(t, self.days) > 0

    def request_gains(self) -> dict[tuple[int, int], list[tuple[str, int]]]:
        """(employee index, day) -> [(shift, what working it that day takes off the request penalties: an
        on-request's weight, minus an off-request's)], computed once."""
        if self._gains is None:
            gains: dict[tuple[int, int], list[tuple[str, int]]] = {}
            for emp, d, t, w in self.on_requests:
                gains.setdefault((self.staff_index[emp], d), []).append((t, w))
            for emp, d, t, w in self.off_requests:
                gains.setdefault((self.staff_index[emp], d), []).append((t, -w))
            self._gains = gains
        return self._gains


def parse(path: Path) -> CurtoisProblem:
    sections: dict[str, list[list[str]]] = {}
    cur = None
    for raw in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            cur = sections.setdefault(line, [])
            continue
        if cur is None:
            raise ValueError(f"{path}: data before the first SECTION_ header")
        cur.append([p.strip() for p in line.split(",")])
    days = int(sections["SECTION_HORIZON"][0][0])
    shifts, minutes, forbidden = [], {}, {}
    for row in sections["SECTION_SHIFTS"]:
        shifts.append(row[0])
        minutes[row[0]] = int(row[1])
        forbidden[row[0]] = {s for s in (row[2].split("|") if len(row) > 2 else []) if s}
    staff = []
    for row in sections["SECTION_STAFF"]:
        ms = {t: days for t in shifts}
        for item in filter(None, row[1].split("|")):
            k, _, v = item.partition("=")
            ms[k.strip()] = int(v)
        staff.append(Staff(row[0], ms, int(row[2]), int(row[3]), int(row[4]), int(row[5]), int(row[6]),
                           int(row[7])))
    days_off = {s.id: set() for s in staff}
    for row in sections.get("SECTION_DAYS_OFF", []):
        days_off[row[0]].update(int(d) for d in row[1:] if d)
    def req(name):
        return [(r[0], int(r[1]), r[2], int(r[3])) for r in sections.get(name, [])]

    cover = {(int(r[0]), r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in sections["SECTION_COVER"]}
    p = CurtoisProblem(Path(path).stem, days, shifts, minutes, forbidden, staff, days_off,
                       req("SECTION_SHIFT_ON_REQUESTS"), req("SECTION_SHIFT_OFF_REQUESTS"), cover)
    p.staff_index = {s.id: i for i, s in enumerate(staff)}
    return p


def cover_penalty(assigned: int, required: int, w_under: int, w_over: int) -> int:
    """The benchmark's penalty of one cover slot with `assigned` employees on it."""
    return w_under * max(0, required - assigned) + w_over * max(0, assigned - required)


def objective(p: CurtoisProblem, roster: dict[tuple[int, int], str]) -> int:
    """The benchmark's objective of a roster ((employee, day) -> shift), as the README defines it: every
    on-request's weight, less the request gains of the shifts worked, plus the cover penalties."""
    val = sum(w for *_, w in p.on_requests)
    for cell, gains in p.request_gains().items():
        worked = roster.get(cell)
        if worked is not None:
            val -= sum(g for t, g in gains if t == worked)
    count = Counter((d, t) for (_e, d), t in roster.items())
    for slot, (r, wu, wo) in p.cover.items():
        val += cover_penalty(count[slot], r, wu, wo)
    return val


def best_known() -> dict[str, int]:
    """Best known values from the data README's table (| InstanceN | ... | best | sha |)."""
    out = {}
    readme = DATA / "README.md"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 3 and re.fullmatch(r"Instance\d+", cells[0]) and cells[-2].isdigit():
                out[cells[0]] = int(cells[-2])
    return out


def write_csv(p: CurtoisProblem, roster: dict[tuple[int, int], str], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["employee", "day", "shift"])
        for (e, d), t in sorted(roster.items()):
            w.writerow([p.staff[e].id, d, t])
