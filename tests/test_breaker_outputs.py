"""An output named for another format is refused before any work: a CSV written under a name ending in .xlsx
(or a workbook under .csv) is a file Excel refuses to open."""

from __future__ import annotations

import pytest


@pytest.fixture
def centre(tmp_path, cli):
    code, _, err = cli("init", tmp_path / "c")
    assert code == 0, err
    c = tmp_path / "c"
    lines = ["interval_start,queue,calls,aht_s"] + [f"2026-12-01T{h:02d}:{m:02d}:00,billing,12,240"
                                                    for h in range(8, 10) for m in (0, 15, 30, 45)]
    (c / "forecast.csv").write_text("\n".join(lines) + "\n")
    return c


@pytest.mark.parametrize("name", ["requirements.xlsx", "requirements.XLS"])
def test_staff_refuses_a_workbook_name_for_its_csv(centre, cli, name):
    code, out, err = cli("staff", "--forecast", centre / "forecast.csv", "--config", centre / "config.toml",
                         "-o", centre / name)
    assert code == 2 and name in "".join(err.split()) and "endingin.csv" in "".join(err.split())  # rich wraps
    assert "Traceback" not in out + err
    assert not (centre / name).exists()


def test_staff_writes_a_csv_name_and_a_name_without_a_suffix(centre, cli):
    for name in ("req.csv", "req"):
        code, out, err = cli("staff", "--forecast", centre / "forecast.csv", "--config", centre / "config.toml",
                             "-o", centre / name)
        assert code == 0, err
        assert (centre / name).read_text().startswith("interval_start,queue,calls,aht_s,erlangs,agents,heads")


def test_roster_refuses_a_csv_name_for_its_workbook(centre, cli):
    code, _, err = cli("staff", "--forecast", centre / "forecast.csv", "--config", centre / "config.toml",
                       "-o", centre / "req.csv")
    assert code == 0, err
    code, out, err = cli("roster", "--requirements", centre / "req.csv", "--agents", centre / "agents.xlsx",
                         "--config", centre / "config.toml", "--start", "2026-12-01", "--days", "1",
                         "-o", centre / "roster.csv")
    assert code == 2 and "roster.csv" in "".join(err.split()) and "endingin.xlsx" in "".join(err.split())
    assert not (centre / "roster.csv").exists()
