"""Hostile but honest files: dates written day first (01/11/2026, as Excel in Europe or a Chinese export
set to DD/MM exports them) are read in one order for the whole column, never half one way and half the other."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.readers import read_history


def _csv(tmp_path, lines: list[str], name="history.csv"):
    p = tmp_path / name
    p.write_text("\n".join(["interval_start,queue,offered", *lines]) + "\n", encoding="utf-8")
    return p


def _days(n: int, fmt: str) -> list[str]:
    """One 08:00 interval a day from 2026-11-01 for n days, the date written with `fmt`."""
    return [f"{(pd.Timestamp('2026-11-01') + pd.Timedelta(days=d)).strftime(fmt)} 08:00,billing,{d}"
            for d in range(n)]


def test_day_first_dates_are_read_day_first_in_every_row(tmp_path):
    h = read_history(_csv(tmp_path, _days(20, "%d/%m/%Y")), queues={"billing"}, interval_minutes=15)
    got = h.frame.sort_values("offered")["interval_start"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    assert got == [f"2026-11-{d:02d} 08:00" for d in range(1, 21)]


def test_month_first_dates_stay_month_first(tmp_path):
    h = read_history(_csv(tmp_path, _days(20, "%m/%d/%Y")), queues={"billing"}, interval_minutes=15)
    got = h.frame.sort_values("offered")["interval_start"].dt.strftime("%Y-%m-%d").tolist()
    assert got == [f"2026-11-{d:02d}" for d in range(1, 21)]


def test_dates_that_never_pass_12_take_the_order_that_keeps_them_together(tmp_path):
    # 01.11.2026 .. 10.11.2026: month first they would be 10 months of the year, day first 10 days in a row
    h = read_history(_csv(tmp_path, _days(10, "%d.%m.%Y")), queues={"billing"}, interval_minutes=15)
    got = h.frame.sort_values("offered")["interval_start"].dt.strftime("%Y-%m-%d").tolist()
    assert got == [f"2026-11-{d:02d}" for d in range(1, 11)]


def test_both_orders_in_one_column_is_an_error(tmp_path):
    path = _csv(tmp_path, ["13/11/2026 08:00,billing,1", "11/14/2026 08:00,billing,2"])
    with pytest.raises(InputError, match="day first.*month first|month first.*day first"):
        read_history(path, queues={"billing"}, interval_minutes=15)


def test_agent_states_written_day_first(tmp_path):
    from wfm.readers.states import read_states
    p = tmp_path / "states.csv"
    p.write_text("agent_id,start,end,state\nA1,01/12/2026 08:00,01/12/2026 09:30,Available\n"
                 "A1,02/12/2026 08:00,02/12/2026 17:00,Available\nA1,13/12/2026 08:00,13/12/2026 08:30,Break\n")
    got = read_states(p, {"available": "work", "break": "break"}, {"A1"})
    assert got["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-12-01 08:00", "2026-12-02 08:00",
                                                                   "2026-12-13 08:00"]
    assert got["end"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-12-01 09:30", "2026-12-02 17:00",
                                                                 "2026-12-13 08:30"]


def test_rows_of_bare_delimiters_that_excel_leaves_at_the_end_are_not_rows(tmp_path):
    p = tmp_path / "history.csv"
    p.write_bytes(b"interval_start,queue,offered\r\n2026-11-02T08:00:00,billing,12\r\n"
                  b"2026-11-02T08:15:00,billing,15\r\n,,\r\n,,\r\n , ,\r\n")
    h = read_history(p, queues={"billing"}, interval_minutes=15)
    assert h.frame["offered"].tolist() == [12, 15]


def test_a_row_of_bare_delimiters_between_rows_is_still_an_error_naming_its_row(tmp_path):
    p = tmp_path / "history.csv"
    p.write_bytes(b"interval_start,queue,offered\n2026-11-02T08:00:00,billing,12\n,,\n"
                  b"2026-11-02T08:30:00,billing,15\n")
    with pytest.raises(InputError, match=r"row 3, column 'queue': missing"):
        read_history(p, queues={"billing"}, interval_minutes=15)


def test_queue_names_written_in_another_case_are_the_config_queues(tmp_path):
    p = _csv(tmp_path, ["2026-11-02T08:00:00,BILLING,12", "2026-11-02T08:00:00,Faults,3",
                        "2026-11-02T08:15:00, billing ,15"])
    h = read_history(p, queues={"billing", "faults"}, interval_minutes=15)
    assert sorted(zip(h.frame["queue"], h.frame["offered"])) == [("billing", 12), ("billing", 15), ("faults", 3)]


def test_two_digit_years_day_first(tmp_path):
    h = read_history(_csv(tmp_path, ["1/11/26 8:00,billing,1", "13/11/26 8:00,billing,2"]), queues={"billing"},
                     interval_minutes=15)
    assert h.frame.sort_values("offered")["interval_start"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-01",
                                                                                               "2026-11-13"]


def test_leave_export_dates_with_one_digit_days_and_a_midnight_time(tmp_path):
    import datetime as dt

    from wfm.readers.agents import Agent
    from wfm.readers.leave import read_leave

    p = tmp_path / "leave.csv"
    p.write_text("agent_id,start,end,type\nA1,2026/12/1 0:00,2026/12/3,sick\nA1,2026-12-9 00:00:00,,\n")
    got = read_leave(p, [Agent("A1", "One", "T1", {"billing": 1.0}, 40.0)])[0].leave
    assert got == ((dt.date(2026, 12, 1), "sick"), (dt.date(2026, 12, 2), "sick"), (dt.date(2026, 12, 3), "sick"),
                   (dt.date(2026, 12, 9), "annual"))
