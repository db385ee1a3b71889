"""`wfm adherence` measures the shifts the agent-state export covers: a day's export does not count every other
day of the roster as absence."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.adherence import adherence
from wfm.cli.adherence import covered_shifts
from wfm.errors import InputError
from wfm.readers.agents import Agent

AGENTS = [Agent("A1", "One", "T1", {"billing": 1.0}, 40.0)]


def _roster() -> pd.DataFrame:
    """A1 works 09:00-10:00 on 8, 9 and 10 December (2 half-hours a day)."""
    rows = [("A1", dt.date(2026, 12, d), pd.Timestamp(f"2026-12-{d:02d} {hm}"), "work", "billing")
            for d in (8, 9, 10) for hm in ("09:00", "09:30")]
    return pd.DataFrame(rows, columns=["agent_id", "date", "interval_start", "activity", "queue"])


def _states(*spans: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([("A1", pd.Timestamp(s), pd.Timestamp(e), "Available", "work") for s, e in spans],
                        columns=["agent_id", "start", "end", "state", "activity"])


def test_an_export_of_one_day_measures_that_day_only():
    states = _states(("2026-12-09 08:55", "2026-12-09 09:45"), ("2026-12-09 09:50", "2026-12-09 18:00"))
    roster, left_out = covered_shifts(_roster(), states, 30)
    assert sorted(set(roster["date"])) == [dt.date(2026, 12, 9)] and left_out == 2
    res = adherence(roster, states, AGENTS, 30)
    # on the 9th: 60 min planned work, worked 09:00-09:45 and 09:50-10:00 = 55 min
    assert res.agents[["scheduled_min", "adherent_min"]].values.tolist() == [[60, 55]]
    assert res.days["date"].tolist() == [dt.date(2026, 12, 9)]


def test_a_shift_still_on_when_the_export_was_taken_is_left_out():
    states = _states(("2026-12-08 09:00", "2026-12-08 10:00"), ("2026-12-10 09:00", "2026-12-10 09:40"))
    roster, left_out = covered_shifts(_roster(), states, 30)
    assert sorted(set(roster["date"])) == [dt.date(2026, 12, 8), dt.date(2026, 12, 9)] and left_out == 1


def test_an_export_that_covers_no_shift_is_an_error():
    with pytest.raises(InputError, match="covers no shift"):
        covered_shifts(_roster(), _states(("2026-12-11 09:00", "2026-12-11 10:00")), 30)
