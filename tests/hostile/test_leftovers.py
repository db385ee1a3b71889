"""Issue 19, leftovers: the roster workbook goes through the input guard (`wfm check`, `export`, `simulate`);
`wfm whatif` never replaces an output without --force; `wfm forecast --no-xlsx` leaves no stale workbook beside
its CSV; the `.ics` export is valid RFC 5545 and no text in it can add a property."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from test_input_limits import deadline  # the FIFO guard these cases share

from wfm import atomic
from wfm.atomic import clean_folder, write_group
from wfm.errors import InputError, OutputExistsError
from wfm.publish import plan_from_code, write_roster_workbook
from wfm.publish.agent_export import agent_schedule, export_agent_schedules, schedule_ics
from wfm.publish.readback import read_roster_workbook
from wfm.readers.agents import agents_frame
from wfm.readers.roster import read_roster_data
from wfm.sample import build_sample

START = dt.date(2026, 11, 30)
CODES = ["E0700", "D0900", "L1330", "E0800"]


@pytest.fixture(scope="module")
def sample():
    return build_sample(START, days=3, small=True)


@pytest.fixture(scope="module")
def roster(sample):
    rows = [plan_from_code(a, START + dt.timedelta(days=d), CODES[(i + d) % len(CODES)], sample.config)
            for i, a in enumerate(sample.agents) for d in range(3) if (i + d) % 4 != 3]
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, sample, roster):
    """config.toml, agents.csv and a roster workbook written by wfm."""
    folder = tmp_path_factory.mktemp("ws")
    (folder / "config.toml").write_text(sample.config_text, encoding="utf-8")
    agents_frame(sample.agents).to_csv(folder / "agents.csv", index=False)
    write_roster_workbook(folder / "roster.xlsx", roster, sample.agents, sample.config, start=START, days=3)
    return folder


# ------------------------------------------------------------------------------ 1. the roster workbook's guard

def _with_part(source: Path, target: Path, part: str, edit) -> Path:
    """A copy of the workbook `source` with the XML of `part` replaced by `edit(xml)`."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data)
    return target


def _sheet_part(workbook: Path, name: str) -> str:
    """The zip part of sheet `name`, read from the workbook's own XML (not through wfm)."""
    with zipfile.ZipFile(workbook) as zf:
        wb = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(rf'<sheet [^>]*name="{re.escape(name)}"[^>]*r:id="([^"]+)"', wb).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"


def _far_cell(xml: str) -> str:
    """One value in the last cell of an Excel sheet, and a dimension that says so (a 2 KB 'memory bomb')."""
    xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
    cell = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace("</sheetData>", cell + "</sheetData>")


def _hostile_rosters(folder: Path, workspace: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    fifo = folder / "fifo.xlsx"
    os.mkfifo(fifo)
    huge = folder / "huge.xlsx"  # over WFM_MAX_XLSX_MB=1 (set by the tests)
    with open(huge, "wb") as fh:
        fh.write(b"PK\x03\x04" + b"\0" * (2 << 20))
    bomb = folder / "bomb.xlsx"  # unpacks beyond WFM_MAX_XLSX_XML_MB=2; a few KB as stored
    with zipfile.ZipFile(workspace / "roster.xlsx") as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info.filename, zin.read(info.filename))
        z.writestr("xl/padding.xml", " " * (3 << 20))
    return {"a folder": folder / "dir.xlsx", "a FIFO": fifo, "a huge file": huge, "a zip bomb": bomb}


@pytest.fixture
def hostile(tmp_path, workspace, monkeypatch):
    monkeypatch.setenv("WFM_MAX_XLSX_MB", "1")
    monkeypatch.setenv("WFM_MAX_XLSX_XML_MB", "2")
    cases = _hostile_rosters(tmp_path / "bad", workspace)
    cases["a folder"].mkdir()
    return cases


EXPECTED = {"a folder": "got a folder", "a FIFO": "named pipe", "a huge file": "over the limit",
            "a zip bomb": "zip bomb"}


@pytest.mark.parametrize("command", ["check", "export", "simulate", "simulate-long"])
def test_commands_refuse_a_hostile_roster_workbook(cli, hostile, workspace, tmp_path, command):
    common = ["--config", workspace / "config.toml"]
    for kind, path in hostile.items():
        if command == "check":
            args = ["check", path, "--agents", workspace / "agents.csv", *common]
        elif command == "export":
            args = ["export", path, "--agents", workspace / "agents.csv", *common, "--out", tmp_path / "out"]
        elif command == "simulate":
            args = ["simulate", path, "--agents", workspace / "agents.csv", *common,
                    "--forecast", tmp_path / "none.csv", "-o", tmp_path / "sim.csv"]
        else:  # without --agents: only the Data sheet is read
            args = ["simulate", path, *common, "--forecast", tmp_path / "none.csv", "-o", tmp_path / "sim.csv"]
        with deadline(30):
            code, out, err = cli(*args)
        assert code == 2, (kind, out, err)
        assert str(path) in err and EXPECTED[kind] in err, (kind, err)
        assert "Traceback" not in err + out
    assert not (tmp_path / "out").exists() and not (tmp_path / "sim.csv").exists()


def test_readers_refuse_a_hostile_roster_workbook(hostile, sample):
    for kind, path in hostile.items():
        for read in (lambda p: read_roster_data(p),
                     lambda p: read_roster_workbook(p, sample.agents, sample.config)):
            with deadline(30), pytest.raises(InputError) as exc:
                read(path)
            text = "\n".join(str(p) for p in exc.value.problems)
            assert str(path) in text and EXPECTED[kind] in text, (kind, text)


@pytest.mark.parametrize("sheet", ["Data", "Roster"])
def test_a_cell_at_the_end_of_a_roster_sheet_is_refused_in_bounded_memory(tmp_path, workspace, sheet):
    """The Data sheet and the Roster sheet (read for hand edits) are streamed within the limits: a sheet that
    declares A1:XFD1048576 is neither padded nor read into memory (the subprocess has 1 GB of address space)."""
    bomb = _with_part(workspace / "roster.xlsx", tmp_path / "far.xlsx",
                      _sheet_part(workspace / "roster.xlsx", sheet), _far_cell)
    assert bomb.stat().st_size < 1_000_000
    script = textwrap.dedent("""
        import resource, sys
        cap = 1 << 30
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        from wfm.cli.main import main
        main(sys.argv[1:])
    """)
    args = ["export", str(bomb), "--agents", str(workspace / "agents.csv"), "--config", str(workspace / "config.toml"),
            "--out", str(tmp_path / "out"), "--allow-violations"]  # a synthetic roster: rules are not the point
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    assert "Traceback" not in proc.stderr
    if sheet == "Data":  # the long table: a value beyond the column limit
        assert proc.returncode == 2, proc.stderr[-2000:]
        assert str(bomb) in proc.stderr and "200 columns" in proc.stderr and not (tmp_path / "out").exists()
    else:  # the Roster sheet's table ends at its first empty row: the far cell is never reached
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert len(list((tmp_path / "out").glob("*.ics"))) == len(read_roster_data(bomb)["agent_id"].unique())


def test_the_guarded_reader_reads_what_wfm_wrote(workspace, roster, sample):
    """The streamed reader returns the roster as written (hand edits on the Roster sheet still found)."""
    long = read_roster_data(workspace / "roster.xlsx")
    assert len(long) == len(roster)
    assert sorted(long["agent_id"].unique()) == sorted(roster["agent_id"].unique())
    assert long.groupby("activity").size().to_dict() == roster.groupby("activity").size().to_dict()
    book = read_roster_workbook(workspace / "roster.xlsx", sample.agents, sample.config)
    assert book.edits.empty and book.start == START and book.days == 3 and book.codes


# --------------------------------------------------------------------------------- 2. whatif and --force

@pytest.fixture
def whatif_ws(tmp_path, monkeypatch):
    from test_scenarios import CONFIG, small_forecast

    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    fc = small_forecast(7)
    fc.assign(interval_start=fc["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")).to_csv("forecast.csv",
                                                                                          index=False)
    return tmp_path


WHATIF = ["whatif", "--config", "config.toml", "--forecast", "forecast.csv", "--fte", "20", "--workers", "1",
          "--scenario", "up:volume=1.1", "-o", "w.csv", "--xlsx", "w.xlsx"]


def test_whatif_refuses_an_existing_xlsx_or_csv_without_force(cli, whatif_ws):
    (whatif_ws / "w.xlsx").write_text("mine", encoding="utf-8")
    code, out, err = cli(*WHATIF)
    assert code == 2 and "w.xlsx" in err and "--force" in err
    assert (whatif_ws / "w.xlsx").read_text(encoding="utf-8") == "mine" and not (whatif_ws / "w.csv").exists()
    (whatif_ws / "w.xlsx").unlink()
    (whatif_ws / "w.csv").write_text("mine", encoding="utf-8")
    code, out, err = cli(*WHATIF)
    assert code == 2 and "w.csv" in err and "--force" in err
    assert (whatif_ws / "w.csv").read_text(encoding="utf-8") == "mine" and not (whatif_ws / "w.xlsx").exists()
    code, out, err = cli(*WHATIF, "--force")
    assert code == 0, err
    assert pd.read_csv(whatif_ws / "w.csv")["scenario"].unique().tolist() == ["base", "up"]
    assert (whatif_ws / "w.xlsx").read_bytes().startswith(b"PK")


def test_whatif_never_replaces_a_file_that_appeared_while_it_ran(cli, whatif_ws, monkeypatch):
    """Another run (or a person) writes the output while the scenarios run: it is kept, nothing else written."""
    import wfm.scenarios as scenarios

    real = scenarios.run_scenarios

    def run_and_collide(*args, **kwargs):
        (whatif_ws / "w.xlsx").write_text("the other run's", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(scenarios, "run_scenarios", run_and_collide)
    code, out, err = cli(*WHATIF)
    assert code == 2 and "w.xlsx" in err and "--force" in err
    assert (whatif_ws / "w.xlsx").read_text(encoding="utf-8") == "the other run's"
    assert not (whatif_ws / "w.csv").exists()  # the pair is placed together or not at all
    assert [p.name for p in whatif_ws.iterdir() if ".wfm-" in p.name] == []


# ------------------------------------------------------------------------------ 3. forecast --no-xlsx

@pytest.fixture
def history(tmp_path, monkeypatch):
    """Five weeks of half-hourly calls on one queue, a daily and weekly shape."""
    monkeypatch.chdir(tmp_path)
    times = pd.date_range("2026-01-05", "2026-02-08 23:30", freq="30min")
    rng = np.random.default_rng(1)
    hours = np.asarray(times.hour + times.minute / 60)
    shape = 20 + 15 * np.sin((hours - 6) / 24 * 2 * np.pi).clip(0) * np.asarray(times.day_of_week < 5)
    frame = pd.DataFrame({"interval_start": times.strftime("%Y-%m-%dT%H:%M:%S"), "queue": "billing",
                          "offered": rng.poisson(shape)})
    frame.to_csv("history.csv", index=False)
    return tmp_path / "history.csv"


def test_forecast_no_xlsx_refuses_then_removes_a_stale_workbook(cli, history):
    args = ["forecast", "--history", history, "--start", "2026-02-09", "--days", "7", "--accuracy-folds", "0",
            "-o", "f.csv"]
    code, _, err = cli(*args)
    assert code == 0, err
    csv, xlsx = history.parent / "f.csv", history.parent / "f.xlsx"
    assert xlsx.is_file()
    first_csv = csv.read_bytes()
    csv.unlink()  # the CSV goes, the workbook of that run stays

    code, out, err = cli(*args, "--no-xlsx")
    assert code == 2 and "f.xlsx exists" in err and "--force" in err and "Traceback" not in err
    assert not csv.exists() and xlsx.is_file()  # nothing written, nothing removed

    code, out, err = cli(*args, "--no-xlsx", "--force")
    assert code == 0, err
    assert csv.read_bytes() == first_csv and not xlsx.exists()
    assert "removed" in out and "f.xlsx" in out
    assert [p.name for p in history.parent.iterdir() if ".wfm-" in p.name] == []

    code, out, err = cli(*args, "--force")  # and back: the pair again
    assert code == 0, err
    assert xlsx.is_file()


def test_a_group_removal_is_rolled_forward_after_a_kill(tmp_path, monkeypatch):
    """Killed after the new CSV is placed, before the stale XLSX is removed: the next run finishes the group."""
    csv, xlsx = tmp_path / "f.csv", tmp_path / "f.xlsx"
    csv.write_text("old", encoding="utf-8")
    xlsx.write_text("old", encoding="utf-8")

    def killed(path):
        raise KeyboardInterrupt
    monkeypatch.setattr(atomic, "_unlink_if_there", killed)
    with pytest.raises(KeyboardInterrupt):
        write_group([(csv, lambda p: p.write_text("new", encoding="utf-8")), (xlsx, None)], force=True)
    assert csv.read_text(encoding="utf-8") == "new" and xlsx.exists()
    monkeypatch.undo()
    monkeypatch.setattr(atomic, "_is_stale", lambda *a: True)  # the killed writer is gone
    clean_folder(tmp_path)
    assert csv.read_text(encoding="utf-8") == "new" and not xlsx.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv"]


def test_a_group_removal_without_force_is_a_collision(tmp_path):
    xlsx = tmp_path / "f.xlsx"
    xlsx.write_text("keep", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        write_group([(xlsx, None), (tmp_path / "f.csv", lambda p: p.write_text("new"))], force=False)
    assert xlsx.read_text() == "keep" and sorted(p.name for p in tmp_path.iterdir()) == ["f.xlsx"]


# ------------------------------------------------------------------------------------------------ 4. .ics

HOSTILE_NAME = "Eve\r\nATTENDEE:mailto:x@evil.example;ROLE=CHAIR,\\ \rX-INJECTED:1\n" + "长名字" * 20
HOSTILE_ID = "E1\r\nATTENDEE:mailto:y@evil.example"


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def _unescape(value: str) -> str:
    """RFC 5545 3.3.11 TEXT, by hand."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _check_rfc5545_shape(text: str) -> None:
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # folded between characters, never inside one
    names = [re.match(r"[A-Z0-9-]+", ln).group(0) for ln in _unfold(text)]
    assert "ATTENDEE" not in names and "X-INJECTED" not in names
    assert names.count("BEGIN") == names.count("END")


def test_ics_is_valid_and_text_cannot_inject_properties(sample):
    import icalendar

    config = replace(sample.config, centre=replace(sample.config.centre, timezone="Europe/Berlin"))
    agent = replace(sample.agents[0], agent_id=HOSTILE_ID, name=HOSTILE_NAME)
    days = [dt.date(2027, 3, 27) + dt.timedelta(days=d) for d in range(3)]  # summer time begins on the 28th
    roster = pd.concat([plan_from_code(agent, d, "E0700", config) for d in days], ignore_index=True)
    stamp = dt.datetime(2026, 12, 1, 9, 30, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    text = schedule_ics(agent_schedule(roster, HOSTILE_ID, config), agent, config, stamp=stamp)
    _check_rfc5545_shape(text)

    cal = icalendar.Calendar.from_ical(text)
    assert all(not c.errors for c in cal.walk())
    calname = next(ln for ln in _unfold(text) if ln.startswith("X-WR-CALNAME:"))
    assert _unescape(calname.split(":", 1)[1]) == HOSTILE_NAME.replace("\r\n", "\n").replace("\r", "\n") + " roster"
    events = cal.walk("VEVENT")
    assert len(events) == 3
    vtz = cal.walk("VTIMEZONE")
    assert len(vtz) == 1 and str(vtz[0]["TZID"]) == "Europe/Berlin"
    zone = vtz[0].to_tz()  # the calendar's own definition, not the zone database
    utc = dt.timezone.utc
    # 07:00 in Berlin: CET (UTC+1) on the 27th, CEST (UTC+2) from the 28th
    expected = [dt.datetime(2027, 3, 27, 6, tzinfo=utc), dt.datetime(2027, 3, 28, 5, tzinfo=utc),
                dt.datetime(2027, 3, 29, 5, tzinfo=utc)]
    starts = [e["DTSTART"].dt.replace(tzinfo=zone).astimezone(utc) for e in events]
    assert starts == expected
    for e in events:
        assert e["DTSTAMP"].dt == dt.datetime(2026, 12, 1, 1, 30, 15, tzinfo=utc)  # in UTC
        assert str(e["UID"]).startswith(HOSTILE_ID.replace("\r\n", "\n"))
        assert e["DTEND"].dt > e["DTSTART"].dt
        assert "ATTENDEE" not in e


def test_every_exported_ics_parses(cli, workspace, tmp_path):
    import icalendar

    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    code, out, err = cli("export", workspace / "roster.xlsx", "--agents", workspace / "agents.csv",
                         "--config", workspace / "config.toml", "--out", tmp_path / "cal", "--allow-violations")
    after = dt.datetime.now(dt.timezone.utc)
    assert code == 0, err
    files = sorted((tmp_path / "cal").glob("*.ics"))
    assert files
    shifts = pd.read_csv(tmp_path / "cal" / "manifest.tsv", sep="\t")
    assert len(files) == shifts["file"].str.endswith(".ics").sum()
    for path in files:
        text = path.read_bytes().decode("utf-8")
        _check_rfc5545_shape(text)
        cal = icalendar.Calendar.from_ical(text)
        assert all(not c.errors for c in cal.walk()), path
        assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
        schedule = pd.read_csv(path.with_suffix(".csv"))
        events = cal.walk("VEVENT")
        assert len(events) == len(schedule)
        for e, start in zip(events, schedule["start"]):
            assert e["DTSTART"].dt.replace(tzinfo=None) == dt.datetime.fromisoformat(start)
            assert before <= e["DTSTAMP"].dt <= after


def test_export_with_hostile_ids_and_names_gives_valid_calendars(tmp_path, sample, roster):
    import icalendar

    first = sample.agents[0]
    hostile = replace(first, agent_id=HOSTILE_ID, name=HOSTILE_NAME)
    table = roster.assign(agent_id=roster["agent_id"].replace({first.agent_id: HOSTILE_ID}))
    export_agent_schedules(table, [hostile, *sample.agents[1:]], sample.config, tmp_path)
    for path in tmp_path.glob("*.ics"):
        text = path.read_bytes().decode("utf-8")
        _check_rfc5545_shape(text)
        assert all(not c.errors for c in icalendar.Calendar.from_ical(text).walk())
