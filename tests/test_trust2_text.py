"""Text tables as other tools write them: UTF-16 with a byte-order mark (Excel's "Unicode text", ACD tools),
numbers with a decimal comma (European or Chinese Excel locales); ambiguous or binary input is still refused."""

from __future__ import annotations

import pytest

from wfm.errors import InputError
from wfm.readers.agents import read_agents
from wfm.readers.history import read_history
from wfm.validate import validate_inputs

HISTORY = [("interval_start", "queue", "offered", "aht_s"),
           ("2026-11-02 08:00", "billing", "12", "300"),
           ("2026-11-02 08:15", "billing", "7", "280"),
           ("2026-11-02 08:00", "faults", "3", "410")]


def _text(rows, sep: str) -> str:
    return "\r\n".join(sep.join(r) for r in rows) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_unicode_text_export_is_read_like_utf8(tmp_path, encoding):
    path = tmp_path / "history.txt.csv"
    bom = "\ufeff".encode(encoding)  # Excel's "Unicode text": a byte-order mark, tab-separated, CRLF
    path.write_bytes(bom + _text(HISTORY, "\t").encode(encoding))
    frame = read_history(path, interval_minutes=15).frame.sort_values(["queue", "interval_start"])
    assert frame["queue"].tolist() == ["billing", "billing", "faults"]
    assert frame["offered"].tolist() == [12, 7, 3]
    assert frame["aht_s"].tolist() == [300.0, 280.0, 410.0]
    assert [str(t) for t in frame["interval_start"]] == ["2026-11-02 08:00:00", "2026-11-02 08:15:00",
                                                         "2026-11-02 08:00:00"]


def test_utf16_agents_with_chinese_headers_and_names(tmp_path):
    path = tmp_path / "agents.csv"
    rows = [("工号", "姓名", "班组", "技能", "周工时"), ("A001", "李娜", "一组", "billing", "40")]
    path.write_bytes(_text(rows, ",").encode("utf-16"))  # Python's utf-16 writes the mark
    [agent] = read_agents(path)
    assert (agent.agent_id, agent.name, agent.team, agent.contract_hours_week) == ("A001", "李娜", "一组", 40.0)


def test_utf16_without_a_byte_order_mark_says_so(tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(_text(HISTORY, "\t").encode("utf-16-le"))
    with pytest.raises(InputError, match="looks like UTF-16 text without a byte-order mark"):
        read_history(path)


def test_true_binary_is_still_refused(tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="the file is binary"):
        read_history(path)
    bom_only = tmp_path / "empty.csv"
    bom_only.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="the history file is empty"):
        read_history(bom_only)


AGENTS = "agent_id,name,team,skills,contract_hours_week,max_hours_week,service_years\n"


def test_a_decimal_comma_is_read_and_counted(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text(AGENTS + 'A001,Li,T1,billing,"37,5","40,5",3\n'
                             'A002,Wang,T1,billing,40,44,"2,25"\n'
                             'A003,Zhao,T1,billing,"20,0",,1\n', encoding="utf-8")
    found: list = []
    agents = read_agents(path, warnings=found)
    assert [a.contract_hours_week for a in agents] == [37.5, 40.0, 20.0]
    assert [a.max_hours_week for a in agents] == [40.5, 44.0, None]
    assert [a.service_years for a in agents] == [3.0, 2.25, 1.0]
    by_column = {w.column: w.message for w in found}
    assert by_column["contract_hours_week"].startswith("2 values written with a decimal comma read as decimal "
                                                       "(e.g. '37,5' = 37.5), first at row 2")
    assert by_column["max_hours_week"].startswith("1 value written")
    assert "first at row 3" in by_column["service_years"]
    problems, _ = validate_inputs_without_config(path)
    assert sorted(p.column for p in problems if p.severity == "warning") == [
        "contract_hours_week", "max_hours_week", "service_years"]


def validate_inputs_without_config(path):
    """`wfm validate`'s agents problems (the config given is missing: its error is dropped)."""
    problems, summary = validate_inputs(path.with_name("no_config.toml"), agents_path=path)
    return [p for p in problems if p.file == str(path)], summary


@pytest.mark.parametrize("value, message", [
    ("1,234,5", "'1,234,5' is not a number: write it with one decimal point or one decimal comma"),
    ("1.234,5", "'1.234,5' is not a number: write it with one decimal point or one decimal comma"),
    ("37,500", "'37,500' is ambiguous: a decimal comma or a thousands separator? Write it with a decimal point "
               "(37.500) or without the comma (37500)"),
    ("4_0", "'4_0' is not a number"),
])
def test_ambiguous_numbers_are_refused_naming_row_and_column(tmp_path, value, message):
    path = tmp_path / "agents.csv"
    path.write_text(AGENTS + f'A001,Li,T1,billing,40,,1\nA002,Wang,T1,billing,"{value}",,1\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_agents(path)
    [problem] = err.value.errors
    assert (problem.row, problem.column) == (3, "contract_hours_week")
    assert problem.message.startswith(message)


@pytest.mark.parametrize("value", ["1,5", "12,34", "1,234,5"])
def test_a_count_with_a_comma_that_groups_no_thousands_is_not_a_number(tmp_path, value):
    path = tmp_path / "history.csv"
    path.write_text(f'interval_start,queue,offered\n2026-11-02 08:00,billing,"{value}"\n'
                    f'2026-11-02 08:15,billing,"1,234"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_history(path)
    [problem] = err.value.errors
    assert (problem.row, problem.column) == (2, "offered")
    assert problem.message == "not a number: a comma here is no thousands separator (1,234)"


def test_utf16_that_does_not_decode_names_the_line(tmp_path):
    path = tmp_path / "history.csv"
    good = _text(HISTORY[:3], "\t").encode("utf-16-le")
    path.write_bytes(b"\xff\xfe" + good + b"\x00\xd8" + "x\t1\r\n".encode("utf-16-le"))  # a lone surrogate
    with pytest.raises(InputError) as err:
        read_history(path)
    [problem] = err.value.errors
    assert problem.row == 4 and "starts like UTF-16 text (a byte-order mark) but does not decode" in problem.message


def test_history_measurements_with_a_decimal_comma_are_read_and_counted(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text('interval_start;queue;offered;aht_s\n2026-11-02 08:00;billing;12;300\n'
                    '2026-11-02 08:15;billing;7;280,5\n2026-11-02 08:30;billing;9;301,25\n', encoding="utf-8")
    history = read_history(path, interval_minutes=15)
    assert history.frame["aht_s"].tolist() == [300.0, 280.5, 301.25]
    [warning] = [w for w in history.warnings if w.column == "aht_s"]
    assert warning.message == "2 values written with a decimal comma read as decimal (e.g. '280,5'), first at row 3"


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row(tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(b"\xef\xbb\xbfsep=;\r\ninterval_start;queue;offered\r\n2026-11-02 08:00;billing;12\r\n"
                     b"2026-11-02 08:15;billing;7\r\n")
    frame = read_history(path, interval_minutes=15).frame
    assert frame["offered"].tolist() == [12, 7]
    path.write_bytes(b"sep=,\ninterval_start,queue,offered\n2026-11-02 08:00,billing,12\n2026-11-02 08:15,billing,x\n")
    with pytest.raises(InputError) as err:
        read_history(path, interval_minutes=15)
    [problem] = err.value.errors
    assert (problem.row, problem.column) == (3, "offered")  # the row Excel shows: it hides the sep line


def test_the_commands_print_the_agents_warnings(tmp_path, capsys):
    """`wfm roster`, `staff`, `export`, ... read the agents through `read_agents_noted`: the decimal-comma count
    reaches the terminal, not only `wfm validate`."""
    from wfm.cli.app import read_agents_noted

    path = tmp_path / "agents.csv"
    path.write_text(AGENTS + 'A001,Li,T1,billing,"37,5",40,3\n', encoding="utf-8")
    agents = read_agents_noted(path)
    assert agents[0].contract_hours_week == 37.5
    err = capsys.readouterr().err
    assert "1 value written with a decimal comma read as decimal (e.g. '37,5' = 37.5)" in err
    assert "contract_hours_week" in err
