"""`wfm intraday` reads today's intervals so far: actuals of another day are never read as a quiet morning."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.cli.intraday import _today
from wfm.errors import InputError


@pytest.fixture
def centre(tmp_path, cli):
    code, _, err = cli("init", tmp_path / "c")
    assert code == 0, err
    (tmp_path / "c" / "actuals.csv").write_text(
        "interval_start,queue,offered\n2026-12-01T08:00:00,billing,30\n2026-12-01T08:15:00,billing,34\n")
    return tmp_path / "c"


def test_actuals_of_another_day_than_date_is_an_error(centre, cli):
    code, out, err = cli("intraday", centre / "no-roster-needed.xlsx", "--actuals", centre / "actuals.csv",
                         "--now", "10:30", "--date", "2026-12-02", "--config", centre / "config.toml",
                         "--agents", centre / "agents.xlsx", "-o", centre / "out.xlsx")
    assert code == 2
    assert "actuals.csv" in err and "no rows on 2026-12-02" in err and "2026-12-01" in err
    assert "Traceback" not in out + err and not (centre / "out.xlsx").exists()


def test_rows_of_the_day_before_are_left_out_with_a_warning(capsys):
    seen = pd.DataFrame({"interval_start": pd.to_datetime(["2026-11-30 23:30", "2026-11-30 23:45",
                                                           "2026-12-01 08:00"]),
                         "queue": "billing", "offered": [5, 4, 30]})
    today, cutoff = _today(seen, None, "actuals.csv", "08:15", 8 * 60 + 15)
    assert str(today) == "2026-12-01" and cutoff == pd.Timestamp("2026-12-01 08:15")
    err = " ".join(capsys.readouterr().err.split())  # rich wraps the line
    assert "2 row(s)" in err and "2026-11-30" in err and "left out" in err


def test_actuals_of_today_only_are_read_without_a_word(capsys):
    seen = pd.DataFrame({"interval_start": pd.to_datetime(["2026-12-01 08:00"]), "queue": "billing",
                         "offered": [30]})
    assert str(_today(seen, "2026-12-01", "actuals.csv", "08:15", 495)[0]) == "2026-12-01"
    assert capsys.readouterr().err == ""
    with pytest.raises(InputError, match="at or after --now"):
        _today(seen, "2026-12-01", "actuals.csv", "08:00", 480)


def test_actuals_name_queues_as_the_acd_does(tmp_path):
    from wfm.cli.intraday import read_actuals
    from wfm.config import load_config

    (tmp_path / "config.toml").write_text(
        '[centre]\ninterval_minutes = 30\n\n[queues.billing]\nsl_target = 0.8\nanswer_time_s = 20\n'
        'acd_names = ["10086账务"]\n\n[[shifts]]\ncode = "D"\nstart_times = ["09:00"]\nlength_h = 9\n',
        encoding="utf-8")
    (tmp_path / "actuals.csv").write_text("时间段,技能组,呼入量\n2026-12-01 08:00-08:30,10086账务,41\n"
                                          "2026-12-01 08:30-09:00,10086账务,57\n", encoding="gbk")
    seen = read_actuals(tmp_path / "actuals.csv", load_config(tmp_path / "config.toml"))
    assert seen[["queue", "offered"]].values.tolist() == [["billing", 41], ["billing", 57]]
    assert seen["interval_start"].dt.strftime("%H:%M").tolist() == ["08:00", "08:30"]


def test_actuals_with_a_header_only_are_a_morning_with_nothing_seen_yet(tmp_path, centre):
    """At opening, before the first interval is over, the ACD's export has its header and no rows: that is today
    with no calls seen (with --date), not a refused file."""
    from wfm.cli.intraday import read_actuals
    from wfm.config import load_config

    path = tmp_path / "empty.csv"
    path.write_text("interval_start,queue,offered\n")
    seen = read_actuals(path, load_config(centre / "config.toml"))
    assert seen.empty and {"interval_start", "queue", "offered"} <= set(seen.columns)
    today, cutoff = _today(seen, "2026-12-01", path, "08:00", 8 * 60)
    assert str(today) == "2026-12-01" and cutoff == pd.Timestamp("2026-12-01 08:00")
    with pytest.raises(InputError, match="give today with --date"):
        _today(seen, None, path, "08:00", 8 * 60)


def test_a_one_day_export_written_day_first_is_read_near_the_day_asked_about(tmp_path):
    """`01/12/2026` alone cannot say day or month first; read for a roster of December it is 1 December (it was
    read as 12 January with a warning, then refused as outside the roster)."""
    from wfm.readers import read_history

    path = tmp_path / "actuals.csv"
    path.write_text("interval_start,queue,offered\n01/12/2026 08:00,billing,30\n01/12/2026 08:15,billing,34\n")
    near = read_history(path, near=pd.Timestamp("2026-11-30").date())
    assert near.frame["interval_start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-12-01 08:00",
                                                                                   "2026-12-01 08:15"]
    assert not any("day or month first" in str(w) for w in near.warnings)
    alone = read_history(path)  # no day to go by: month first, with a warning
    assert alone.frame["interval_start"].dt.date.astype(str).tolist() == ["2026-01-12", "2026-01-12"]
    assert any("day or month first" in str(w) for w in alone.warnings)
