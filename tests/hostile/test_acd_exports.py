"""Chinese ACD exports read as they come (issue 19): 时间段 as a time range, date and time in separate columns,
percentages with `%`, totals rows skipped with a warning, and a warning for a history too short for weekly patterns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook

from wfm.errors import InputError
from wfm.readers import read_history

HEADER = "日期,时间段,技能组,呼入量,接通量,平均处理时长,服务水平"


def _range(i: int, minutes: int = 15, sep: str = "-") -> str:
    a, b = i * minutes, (i + 1) * minutes
    return f"{a // 60:02d}:{a % 60:02d}{sep}{b // 60 % 24 if b < 1440 else 24:02d}:{b % 60:02d}"


def acd_rows(days=("2026-11-02",), queues=("账务", "故障"), intervals=8, sep="-", joined=False) -> list[str]:
    rows = []
    for day in days:
        for q in queues:
            for i in range(intervals):
                when = f"{day} {_range(i, sep=sep)}" if joined else f"{day},{_range(i, sep=sep)}"
                rows.append(f"{when},{q},{10 + i},{9 + i},240,85.3%")
    return rows


def write_gbk(path, lines: list[str]):
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    return path


def warnings_text(h) -> str:
    return "\n".join(str(w) for w in h.warnings)


def test_gbk_export_with_ranges_percentages_and_totals_row(tmp_path):
    p = write_gbk(tmp_path / "acd.csv", [HEADER] + acd_rows() + ["合计,,,100,90,240,85.0%"])
    h = read_history(p)
    assert h.interval_minutes == 15
    billing = h.frame[h.frame["queue"] == "账务"]
    assert billing["interval_start"].tolist() == list(pd.date_range("2026-11-02 00:00", periods=8, freq="15min"))
    assert billing["offered"].tolist() == list(range(10, 18))
    assert billing["handled"].tolist() == list(range(9, 17))
    assert h.frame["service_level"].tolist() == pytest.approx([0.853] * 16)
    assert h.frame["aht_s"].eq(240).all()
    totals = [str(w) for w in h.warnings if "totals row" in str(w)]
    assert len(totals) == 1 and "合计" in totals[0] and "row 18" in totals[0]
    assert "1 totals row" in totals[0]


def test_date_and_range_in_one_column(tmp_path):
    header = "时间段,技能组,呼入量,接通量,平均处理时长,服务水平"
    p = write_gbk(tmp_path / "joined.csv", [header] + acd_rows(joined=True) + ["总计,,100,90,240,85.0%"])
    h = read_history(p)
    assert h.frame["interval_start"].min() == pd.Timestamp("2026-11-02 00:00")
    assert h.frame["interval_start"].max() == pd.Timestamp("2026-11-02 01:45")
    assert len(h.frame) == 16 and h.interval_minutes == 15
    assert "totals row" in warnings_text(h) and "总计" in warnings_text(h)
    # a range after a date is not read as a UTC offset
    assert "UTC offset" not in warnings_text(h)


@pytest.mark.parametrize("sep", ["~", "～", "—", " - ", " ~ ", "至"])
def test_range_separators(tmp_path, sep):
    p = write_gbk(tmp_path / "sep.csv", [HEADER] + acd_rows(sep=sep, intervals=4))
    h = read_history(p)
    assert h.frame["interval_start"].drop_duplicates().tolist() == list(
        pd.date_range("2026-11-02 00:00", periods=4, freq="15min"))
    assert h.warnings == []


def test_hour_ranges_give_the_interval_length_even_with_one_row_per_queue(tmp_path):
    p = write_gbk(tmp_path / "hour.csv", ["日期,时间段,技能组,呼入量", "2026/11/2,09:00-10:00,账务,40",
                                          "2026/11/2,10:00-11:00,故障,30", "2026/11/2,23:00-24:00,投诉,3"])
    h = read_history(p)
    assert h.interval_minutes == 60
    assert sorted(h.frame["interval_start"].dt.hour) == [9, 10, 23]


def test_range_length_not_the_interval_is_a_warning(tmp_path):
    lines = [HEADER] + acd_rows(intervals=6)
    lines[3] = lines[3].replace("00:30-00:45", "00:30-01:30")
    p = write_gbk(tmp_path / "len.csv", lines)
    h = read_history(p)
    msg = warnings_text(h)
    assert "1 time range not 15 minutes long" in msg and "00:30-01:30" in msg and "row 4" in msg
    assert pd.Timestamp("2026-11-02 00:30") in set(h.frame["interval_start"])


def test_utc_offsets_are_still_offsets(tmp_path):
    text = ("interval_start,queue,offered\n2026-11-02T08:00:00-05:00,q,1\n2026-11-02T08:15:00-05:00,q,2\n"
            "2026-11-02 08:30:00-05:00,q,3\n")
    p = tmp_path / "offsets.csv"
    p.write_text(text, encoding="utf-8")
    h = read_history(p)
    assert h.frame["interval_start"].tolist() == list(pd.date_range("2026-11-02 08:00", periods=3, freq="15min"))
    h = read_history(p, timezone="Asia/Shanghai")
    assert h.frame["interval_start"].iloc[0] == pd.Timestamp("2026-11-02 21:00")


def test_a_time_without_a_date_is_an_error_not_today(tmp_path):
    p = write_gbk(tmp_path / "nodate.csv", ["时间段,技能组,呼入量", "08:00-08:15,账务,3", "08:15-08:30,账务,4"])
    with pytest.raises(InputError) as exc:
        read_history(p)
    msgs = [str(e) for e in exc.value.errors]
    assert len(msgs) == 2 and all("a time without a date" in m for m in msgs)
    # a date missing on one row of a date + time export
    lines = [HEADER] + acd_rows(intervals=3)
    lines[2] = lines[2].replace("2026-11-02", "", 1)
    with pytest.raises(InputError) as exc:
        read_history(write_gbk(tmp_path / "gap.csv", lines))
    assert any("row 3, column '日期': missing date" in str(e) for e in exc.value.errors)


def test_subtotals_in_the_queue_or_time_column_and_english_totals(tmp_path):
    lines = [HEADER] + acd_rows(intervals=4)
    lines.insert(5, "2026-11-02,小计,账务,46,42,240,85.3%")
    lines.insert(6, "2026-11-02,,小计,46,42,240,85.3%")
    lines.append("2026-11-02,,Total:,92,84,240,85.3%")
    lines.append("Grand Total,,,92,84,240,85.3%")
    h = read_history(write_gbk(tmp_path / "subtotals.csv", lines))
    assert len(h.frame) == 8
    totals = [str(w) for w in h.warnings if "totals row" in str(w)]
    assert len(totals) == 1 and totals[0].count("4 totals rows") == 1 and "row 6" in totals[0]


def test_totals_rows_do_not_block_but_other_errors_keep_their_file_rows(tmp_path):
    lines = [HEADER, "合计,,,100,90,240,85.0%"] + acd_rows(intervals=4)
    lines[4] = lines[4].replace(",12,", ",-12,")
    with pytest.raises(InputError) as exc:
        read_history(write_gbk(tmp_path / "bad.csv", lines))
    errors = [str(e) for e in exc.value.errors]
    assert "row 5, column 'offered': negative value" in errors[0]
    assert all("row 5," in e for e in errors)  # the totals row above is skipped, the row numbers stay the file's


def test_xlsx_export_with_date_cells(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["统计日期", "时间段", "技能组", "呼入量", "服务水平"])
    for i in range(4):
        ws.append([dt.datetime(2026, 11, 2), _range(i, 30), "账务", 5 + i, "90%"])
    ws.append(["汇总", None, None, 26, "90%"])
    wb.save(tmp_path / "acd.xlsx")
    h = read_history(tmp_path / "acd.xlsx")
    assert h.interval_minutes == 30
    assert h.frame["interval_start"].tolist() == list(pd.date_range("2026-11-02", periods=4, freq="30min"))
    assert h.frame["service_level"].tolist() == pytest.approx([0.9] * 4)
    assert "totals row" in warnings_text(h)


def test_short_history_warning(tmp_path):
    one_day = write_gbk(tmp_path / "short.csv", [HEADER] + acd_rows())
    h = read_history(one_day, min_days=14)
    short = [str(w) for w in h.warnings if "of history" in str(w)]
    assert len(short) == 1 and "1 day of history" in short[0] and "weekly and holiday patterns" in short[0]
    one_row = write_gbk(tmp_path / "row.csv", [HEADER] + acd_rows(queues=("账务",), intervals=1))
    assert any("1 day of history (1 row)" in str(w) for w in read_history(one_row, min_days=14).warnings)
    days = [d.date().isoformat() for d in pd.date_range("2026-11-02", periods=14)]
    enough = write_gbk(tmp_path / "enough.csv", [HEADER] + acd_rows(days=days, intervals=2))
    assert not any("of history" in str(w) for w in read_history(enough, min_days=14).warnings)


def test_forecast_from_an_acd_export(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    days = [d.date().isoformat() for d in pd.date_range("2026-11-02", periods=3)]
    lines = [HEADER] + acd_rows(days=days, intervals=96) + ["合计,,,100,90,240,85.0%"]
    write_gbk(tmp_path / "acd.csv", lines)
    code, out, err = cli("forecast", "--history", "acd.csv", "--country", "CN", "--start", "2026-11-05",
                         "--days", "7")
    assert code == 0, err
    assert "totals row" in err
    fc = pd.read_csv(tmp_path / "forecasts" / "forecast_2026-11-05_7d.csv", parse_dates=["interval_start"])
    assert set(fc["queue"]) == {"账务", "故障"}
    assert len(fc) == 2 * 7 * 96
    assert fc["interval_start"].min() == pd.Timestamp("2026-11-05 00:00")
    assert (fc["calls"] >= 0).all()


def test_only_totals_rows_is_an_error(tmp_path):
    with pytest.raises(InputError) as exc:
        read_history(write_gbk(tmp_path / "totals.csv", [HEADER, "合计,,,100,90,240,85.0%"]))
    assert any("only totals rows" in str(e) for e in exc.value.errors)


def test_a_range_beside_a_date_column_is_never_an_offset(tmp_path):
    # `00:00-00:00` looks like a time and an offset of -00:00; in a time-only column it is a (wrong) range
    lines = [HEADER] + acd_rows(intervals=3)
    lines[1] = lines[1].replace("00:00-00:15", "00:00-00:00")
    h = read_history(write_gbk(tmp_path / "zero.csv", lines))
    assert "time range not 15 minutes long" in warnings_text(h)
    assert h.frame["interval_start"].min() == pd.Timestamp("2026-11-02 00:00")


def test_acd_queue_names_mapped_to_the_config_queues(tmp_path):
    p = write_gbk(tmp_path / "names.csv", [HEADER] + acd_rows(queues=("10086账务", "Faults-CN"), intervals=2))
    h = read_history(p, queues={"billing", "faults"}, acd_names={"10086账务": "billing", "faults-cn": "faults"})
    assert sorted(h.frame["queue"].unique()) == ["billing", "faults"] and len(h.frame) == 4
    with pytest.raises(InputError) as exc:
        read_history(p, queues={"billing", "faults"}, acd_names={"10086账务": "billing"})
    assert any("queue 'Faults-CN' is not in the config or its acd_names" in str(e) for e in exc.value.errors)


CONFIG_WITH_ACD_NAMES = """
[centre]
interval_minutes = 15
country = "CN"

[queues.billing]
sl_target = 0.8
answer_time_s = 20
acd_names = ["账务", "话费查询"]

[queues.faults]
sl_target = 0.8
answer_time_s = 20
acd_names = ["故障"]
"""


def test_forecast_maps_the_acd_names_of_the_config(cli, tmp_path, monkeypatch):
    """The issue's target: a GBK export with 时间段 ranges, Chinese queue names mapped in the config, `%`
    columns and a 合计 row reads with warnings and forecasts, under the config's queue names."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(CONFIG_WITH_ACD_NAMES, encoding="utf-8")
    days = [d.date().isoformat() for d in pd.date_range("2026-11-02", periods=3)]
    write_gbk(tmp_path / "acd.csv", [HEADER] + acd_rows(days=days, intervals=96) + ["合计,,,100,90,240,85.0%"])
    code, out, err = cli("forecast", "--history", "acd.csv", "--config", "config.toml", "--start", "2026-11-05",
                         "--days", "7")
    assert code == 0, err
    assert "totals row" in err
    fc = pd.read_csv(tmp_path / "forecasts" / "forecast_2026-11-05_7d.csv")
    assert set(fc["queue"]) == {"billing", "faults"}
    code, out, err = cli("validate", "--config", "config.toml", "--history", "acd.csv")
    assert code == 0, out + err


@pytest.mark.parametrize("names, message", [
    ('["账务", ""]', "must be a list of non-empty names"),
    ('"账务"', "must be a list of non-empty names"),
])
def test_bad_acd_names_are_config_errors(tmp_path, names, message):
    from wfm.config import load_config

    text = CONFIG_WITH_ACD_NAMES.replace('acd_names = ["故障"]', f"acd_names = {names}")
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_config(tmp_path / "config.toml")
    assert any(message in str(e) and "queues.faults.acd_names" in str(e) for e in exc.value.errors)


def test_one_acd_name_for_two_queues_is_a_config_error(tmp_path):
    from wfm.config import load_config

    text = CONFIG_WITH_ACD_NAMES.replace('acd_names = ["故障"]', 'acd_names = ["故障", "话费查询"]')
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_config(tmp_path / "config.toml")
    assert any("'话费查询' is also an ACD name of queue billing" in str(e) for e in exc.value.errors)


def test_title_rows_above_the_header_of_an_xlsx_report_are_skipped(tmp_path):
    # an ACD report as exported to Excel: its title, its period, a blank row, then the header on row 4
    wb = Workbook()
    ws = wb.active
    ws.append(["话务统计报表"])
    ws.append(["统计时间: 2026-11-02 至 2026-11-02"])
    ws.append([])
    ws.append(["日期", "时间段", "技能组", "呼入量", "服务水平"])
    for i in range(4):
        ws.append([dt.date(2026, 11, 2), _range(i), "账务", 10 + i, "85%"])
    ws.append(["合计", None, None, 46, "85%"])
    ws.append([dt.date(2026, 11, 2), "25:00-25:15", "账务", 1, "85%"])  # a bad time on row 10
    wb.save(tmp_path / "report.xlsx")
    with pytest.raises(InputError) as exc:
        read_history(tmp_path / "report.xlsx")
    assert [e.row for e in exc.value.errors] == [10], [str(e) for e in exc.value.errors]  # the sheet's row
    ws.delete_rows(10)
    wb.save(tmp_path / "report.xlsx")
    h = read_history(tmp_path / "report.xlsx")
    assert h.frame["offered"].tolist() == [10, 11, 12, 13]
    assert h.frame["interval_start"].tolist() == list(pd.date_range("2026-11-02 00:00", periods=4, freq="15min"))
    text = warnings_text(h)
    assert "header on row 4" in text and "3 rows above it" in text
    assert "row 9" in text and "合计" in text  # the totals row, by its row in the sheet


def test_title_rows_of_a_csv_saved_from_excel_are_skipped_and_a_table_without_header_is_not_guessed(tmp_path):
    lines = ["话务统计报表,,,", ",,,", "日期,时间段,技能组,呼入量"] + [f"2026-11-02,{_range(i)},账务,{5 + i}"
                                                               for i in range(3)]
    h = read_history(write_gbk(tmp_path / "report.csv", lines))
    assert h.frame["offered"].tolist() == [5, 6, 7] and "header on row 3" in warnings_text(h)
    # no row names the columns: the missing columns are reported as before, row 1
    p = write_gbk(tmp_path / "nohead.csv", ["a,b,c,d"] + [f"2026-11-02,{_range(i)},账务,{5 + i}" for i in range(3)])
    with pytest.raises(InputError) as exc:
        read_history(p)
    assert any("required column 'queue' is missing" in str(e) for e in exc.value.errors)


def test_handle_and_answer_times_written_as_durations_are_seconds(tmp_path):
    # ACD reports write 平均处理时长 as 00:03:45 (and Excel duration cells read back as 0:04:05); 3:45 is minutes and
    # seconds; 1小时2分3秒 / 3分45秒 as some Chinese exports spell them
    lines = ["日期,时间段,技能组,呼入量,接通量,平均处理时长,平均应答时长",
             "2026-11-02,08:00-08:15,账务,5,5,00:03:45,00:00:12",
             "2026-11-02,08:15-08:30,账务,7,7,0:04:05.5,0:00:08",
             "2026-11-02,08:30-08:45,账务,7,7,3:45,0:30",
             "2026-11-02,08:45-09:00,账务,7,7,1小时2分3秒,12秒",
             "2026-11-02,09:00-09:15,账务,7,7,3分45秒,240",
             "2026-11-02,09:15-09:30,账务,7,7,3:75,"]  # 75 seconds is no time: not a number
    h = read_history(write_gbk(tmp_path / "durations.csv", lines))
    assert h.frame["aht_s"].tolist()[:5] == pytest.approx([225, 245.5, 225, 3723, 225])
    assert h.frame["asa_s"].tolist()[:5] == pytest.approx([12, 8, 30, 12, 240])
    assert pd.isna(h.frame["aht_s"].iloc[5])
    text = warnings_text(h)
    assert "not a number" in text and "row 7" in text
    assert "durations" in text and "00:03:45" in text
