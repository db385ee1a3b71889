"""History reader: real malformed exports give every problem with file, row and column; gaps are warnings."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from wfm.errors import InputError
from wfm.readers import read_history

GOOD = """interval_start,queue,offered,aht_s
2026-11-02T08:00:00,billing,12,240.5
2026-11-02T08:15:00,billing,15,230
2026-11-02T08:30:00,billing,9,250
2026-11-02T08:00:00,faults,3,300
2026-11-02T08:15:00,faults,0,
2026-11-02T08:30:00,faults,4,310
"""


def write(tmp_path, text: str, name="history.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def problems(path, **kw) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_history(path, **kw)
    msgs = [str(p) for p in exc.value.errors]
    assert all(str(path) in m for m in msgs), "every error names the file"
    return msgs


def test_a_utc_export_across_the_end_of_daylight_saving_is_read_on_the_centres_clock(tmp_path):
    # a cloud ACD's export in UTC: 00:00Z and 01:00Z are both 01:00 in London on 25 October 2026; the 01:00
    # interval of that day lasted an hour on the clock: 3 + 5 calls, AHT weighted by the calls handled
    # (3 x 200 + 5 x 300) / 8 = 262.5 s, service level by the calls offered (3 x 0.9 + 5 x 0.5) / 8 = 0.65
    text = ("interval_start,queue,offered,handled,aht_s,service_level\n"
            "2026-10-24T23:30:00Z,q,2,2,100,100%\n2026-10-25T00:00:00Z,q,3,3,200,90%\n"
            "2026-10-25T00:30:00Z,q,4,4,,80%\n2026-10-25T01:00:00Z,q,5,5,300,50%\n2026-10-25T01:30:00Z,q,6,6,400,70%\n")
    h = read_history(write(tmp_path, text, name="utc.csv"), timezone="Europe/London")
    f = h.frame.set_index("interval_start")
    assert f.index.tolist() == list(pd.date_range("2026-10-25 00:30", periods=3, freq="30min"))
    assert f["offered"].tolist() == [2, 3 + 5, 4 + 6] and f["handled"].tolist() == [2, 8, 10]
    assert f.loc["2026-10-25 01:00", "aht_s"] == pytest.approx(262.5)
    assert f.loc["2026-10-25 01:00", "service_level"] == pytest.approx(0.65)
    # 01:30 local: 00:30Z (4 calls, no AHT) and 01:30Z (6 calls at 400 s): the AHT of the calls that have one
    assert f.loc["2026-10-25 01:30", "aht_s"] == pytest.approx(400.0)
    text = "\n".join(str(w) for w in h.warnings)
    assert "daylight saving" in text and "2 intervals" in text and "rows 3 and 5" in text


def test_reads_a_good_export(tmp_path):
    h = read_history(write(tmp_path, GOOD), queues={"billing", "faults"})
    assert h.interval_minutes == 15
    assert len(h.frame) == 6 and h.frame["offered"].dtype == "int64"
    assert h.frame.loc[h.frame["queue"] == "billing", "offered"].tolist() == [12, 15, 9]
    assert h.warnings == []


def test_every_bad_cell_reported_with_row_and_column(tmp_path):
    text = GOOD.replace("2026-11-02T08:15:00,billing,15", "2026-11-02T08:15:00,billing,-3") \
               .replace("2026-11-02T08:30:00,billing,9", "2026-11-02T08:30:00,billing,9.5") \
               .replace("faults,4,310", "faults,four,310") \
               .replace("2026-11-02T08:00:00,faults", "yesterday,faults")
    msgs = problems(write(tmp_path, text))
    assert any("row 3, column 'offered': negative value" in m for m in msgs)
    assert any("row 4, column 'offered': not a whole number" in m for m in msgs)
    assert any("row 7, column 'offered': not a number" in m for m in msgs)
    assert any("row 5, column 'interval_start': not a date-time" in m for m in msgs)
    assert len(msgs) == 4


def test_missing_and_renamed_columns(tmp_path):
    msgs = problems(write(tmp_path, GOOD.replace("offered", "offerd", 1)))
    assert any("'offered' is missing" in m and "'offerd'" in m for m in msgs)


def test_duplicates_grid_and_unknown_queue(tmp_path):
    text = GOOD + "2026-11-02T08:15:00,billing,15,230\n2026-11-02T08:20:00,billing,2,230\n" \
                  "2026-11-02T08:00:00,roaming,1,100\n"
    msgs = problems(write(tmp_path, text), queues={"billing", "faults"})
    assert any("row 8" in m and "duplicate interval" in m for m in msgs)
    assert any("row 9" in m and "not on the 15-minute interval grid" in m for m in msgs)
    assert any("queue 'roaming' is not in the config" in m for m in msgs)


def test_gaps_are_warnings_not_zero_demand(tmp_path):
    rows = ["interval_start,queue,offered"]
    for day in pd.date_range("2026-10-01", "2026-10-20"):
        if day.day in (10, 11):  # the export lost two days
            continue
        for slot in pd.date_range(day + pd.Timedelta(hours=8), periods=8, freq="15min"):
            if day.day == 15 and slot.hour == 9:  # and an hour on the 15th
                continue
            rows.append(f"{slot.isoformat()},billing,5")
    h = read_history(write(tmp_path, "\n".join(rows)))
    text = "\n".join(str(w) for w in h.warnings)
    assert "no data for 2026-10-10 to 2026-10-11" in text
    assert "4 interval(s) missing from 2026-10-15T09:00:00" in text
    assert not (h.frame["offered"] == 0).any()


def test_gbk_export_with_chinese_headers(tmp_path):
    text = "时间段,技能组,呼入量,平均处理时长\n2026-11-02 08:00,billing,12,240\n2026-11-02 08:15,billing,7,200\n"
    h = read_history(write(tmp_path, text, encoding="gbk"))
    assert h.frame["offered"].tolist() == [12, 7] and h.frame["aht_s"].tolist() == [240.0, 200.0]


def test_semicolon_and_tab_delimiters(tmp_path):
    for sep in (";", "\t"):
        h = read_history(write(tmp_path, GOOD.replace(",", sep), name=f"h{ord(sep)}.csv"))
        assert len(h.frame) == 6


def test_xlsx_export(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["interval_start", "queue", "offered"])
    ws.append(["2026-11-02T08:00:00", "billing", 3])
    ws.append(["2026-11-02T08:15:00", "billing", 4])
    wb.save(tmp_path / "h.xlsx")
    assert read_history(tmp_path / "h.xlsx").frame["offered"].sum() == 7


def test_file_that_is_not_what_its_extension_says(tmp_path):
    wb = Workbook()
    wb.save(tmp_path / "real.xlsx")
    (tmp_path / "fake.csv").write_bytes((tmp_path / "real.xlsx").read_bytes())
    assert "is an Excel workbook" in problems(tmp_path / "fake.csv")[0]
    write(tmp_path, GOOD, name="fake.xlsx")
    assert "not an Excel workbook" in problems(tmp_path / "fake.xlsx")[0]


def test_empty_and_header_only(tmp_path):
    assert "empty" in problems(write(tmp_path, ""))[0]
    assert "no rows" in problems(write(tmp_path, "interval_start,queue,offered\n", name="h2.csv"))[0]


def test_out_of_range(tmp_path):
    msgs = problems(write(tmp_path, GOOD.replace(",12,", ",5000000,")))
    assert any("'offered': out of range" in m for m in msgs)


def test_implausible_measurements_are_warnings_and_left_out(tmp_path):
    # a stuck call of 5 h, an AHT of 0 s with calls handled, a negative ASA, a non-number, percentages
    text = ("interval_start,queue,offered,handled,aht_s,asa_s,service_level\n"
            "2026-11-02T08:00:00,billing,3,3,19247,12,85%\n"
            "2026-11-02T08:15:00,billing,4,4,0,-3,90%\n"
            "2026-11-02T08:30:00,billing,4,4,n/a,5,0.9\n"
            "2026-11-02T08:45:00,billing,5,4,200,5,\n")
    h = read_history(write(tmp_path, text))
    assert h.frame["offered"].tolist() == [3, 4, 4, 5]  # every row kept
    assert h.frame["aht_s"].isna().tolist() == [True, True, True, False]
    assert h.frame["asa_s"].isna().tolist() == [False, True, False, False]
    assert h.frame["service_level"].tolist()[:3] == [0.85, 0.90, 0.9]
    text = "\n".join(str(w) for w in h.warnings)
    assert "row 2" in text and "19247" in text and "more than 7200 s" in text  # count, example row and value
    assert "AHT of 0 s" in text and "negative" in text and "not a number" in text
    assert all(w.severity == "warning" for w in h.warnings)


def test_utc_offsets_converted_and_dst_confusion(tmp_path):
    # one fixed offset: wall-clock kept as written
    text = "interval_start,queue,offered\n2026-11-02T08:00:00+08:00,billing,1\n2026-11-02T08:15:00+08:00,billing,2\n"
    h = read_history(write(tmp_path, text))
    assert h.frame["interval_start"].iloc[0] == pd.Timestamp("2026-11-02 08:00")
    # a DST change: two offsets in one file, without a timezone to read them in
    text = ("interval_start,queue,offered\n2026-10-25T00:45:00+01:00,q,1\n2026-10-25T01:00:00+01:00,q,1\n"
            "2026-10-25T01:00:00+00:00,q,1\n")
    assert any("different UTC offsets" in m for m in problems(write(tmp_path, text, name="dst.csv")))
    # with the centre's timezone the offsets become local wall-clock time; the hour repeated when daylight saving
    # ends is two instants at one time of the centre's clock: one interval, its calls added, with a warning
    h = read_history(write(tmp_path, text, name="dst2.csv"), timezone="Europe/London")
    assert h.frame["interval_start"].tolist() == [pd.Timestamp("2026-10-25 00:45"), pd.Timestamp("2026-10-25 01:00")]
    assert h.frame["offered"].tolist() == [1, 2]
    assert any("daylight saving" in str(w) and "rows 3 and 4" in str(w) for w in h.warnings)
    # the same instant twice is still a duplicate (a doubled export)
    doubled = text + "2026-10-25T01:00:00+00:00,q,1\n"
    msgs = problems(write(tmp_path, doubled, name="dst3.csv"), timezone="Europe/London")
    assert any("duplicate interval" in m and "row 5" in m for m in msgs), msgs


def test_a_finer_history_is_summed_to_the_configs_intervals_and_a_coarser_one_is_refused(tmp_path):
    # 15-minute rows read for a 30-minute centre: 08:00 + 08:15 is the 08:00 interval, 5 + 7 = 12 calls, AHT
    # weighted by the calls handled (5 x 200 + 7 x 260) / 12 = 235 s; validate said "it will be summed"
    text = ("interval_start,queue,offered,handled,aht_s\n"
            "2026-11-02T08:00:00,billing,5,5,200\n2026-11-02T08:15:00,billing,7,7,260\n"
            "2026-11-02T08:30:00,billing,0,0,\n2026-11-02T08:45:00,billing,4,4,300\n"
            "2026-11-02T08:00:00,faults,1,1,100\n2026-11-02T08:15:00,faults,2,2,400\n")
    h = read_history(write(tmp_path, text, name="fine.csv"), interval_minutes=30)
    assert h.interval_minutes == 30
    f = h.frame.set_index(["queue", "interval_start"])
    assert f.loc[("billing", pd.Timestamp("2026-11-02 08:00")), "offered"] == 12
    assert f.loc[("billing", pd.Timestamp("2026-11-02 08:00")), "aht_s"] == pytest.approx(235.0)
    assert f.loc[("billing", pd.Timestamp("2026-11-02 08:30")), "offered"] == 4
    assert f.loc[("billing", pd.Timestamp("2026-11-02 08:30")), "aht_s"] == pytest.approx(300.0)
    assert f.loc[("faults", pd.Timestamp("2026-11-02 08:00")), "aht_s"] == pytest.approx(300.0)  # (100 + 800) / 3
    assert len(h.frame) == 3
    assert any("15-minute intervals" in str(w) and "summed" in str(w) for w in h.warnings)
    # 30-minute rows for a 15-minute centre: the forecast gave 3.3 calls at 10:00 and 0 at 10:15, 10:45, ...
    text = "interval_start,queue,offered\n" + "".join(
        f"2026-11-02T{h:02d}:{m:02d}:00,billing,{3 + m // 30}\n" for h in range(8, 18) for m in (0, 30))
    msgs = problems(write(tmp_path, text, name="coarse.csv"), interval_minutes=15)
    assert any("30-minute intervals" in m and "15-minute" in m for m in msgs), msgs
    # a 15-minute history without its quiet intervals is not a coarser one: two rows 45 minutes apart, or a sparse
    # queue whose few rows fall on the half hours, read as they are
    text = "interval_start,queue,offered\n2026-11-02T00:00:00,billing,3\n2026-11-02T00:45:00,billing,1\n"
    assert len(read_history(write(tmp_path, text, name="sparse.csv"), interval_minutes=15).frame) == 2
    text = "interval_start,queue,offered\n" + "".join(
        f"2026-11-02T{h:02d}:{m:02d}:00,vip,1\n" for h, m in ((8, 0), (9, 30), (11, 0), (11, 30), (15, 0)))
    assert len(read_history(write(tmp_path, text, name="sparse2.csv"), interval_minutes=15).frame) == 5
    # a stray row off the grid of a 15-minute history is still an error, not a reason to sum
    msgs = problems(write(tmp_path, GOOD + "2026-11-02T08:20:00,billing,2,230\n", name="stray.csv"),
                    interval_minutes=15)
    assert any("row 8" in m and "not on the 15-minute interval grid" in m for m in msgs)
