"""A Chinese workbook reads Chinese throughout: every word on Roster, Detail, Coverage and Summary (cells, page
headers, chart titles) comes from the language table or the centre's own files, never English."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from wfm.publish import write_roster_workbook
from wfm.publish.readback import read_roster_workbook
from wfm.sample import build_sample
from test_workbook_print import START, synthetic_roster

# Latin words a Chinese reader may meet, each for a reason: shift codes HR types (OFF, LEAVE, TRN), the
# currency code of the config (CNY) and the command a note names (wfm simulate)
ALLOWED = {"OFF", "LEAVE", "TRN", "CNY", "wfm", "simulate"}
ZH_LABELS = {"billing": "话费咨询", "faults": "故障申报", "vip": "贵宾专席", "complaints": "投诉处理",
             "english": "英语专席", "data": "数据业务"}
ZH_SHIFTS = {"E": "早班", "D": "白班", "L": "晚班", "N": "夜班", "P": "兼职班"}


@pytest.fixture(scope="module")
def zh_book(tmp_path_factory):
    sample = build_sample(START, days=7, small=True)
    c = sample.config
    config = replace(c, centre=replace(c.centre, language="zh", name="示例热线"),
                     queues={k: replace(q, label=ZH_LABELS.get(k, q.label)) for k, q in c.queues.items()},
                     shifts=tuple(replace(t, name=ZH_SHIFTS.get(t.code, t.name)) for t in c.shifts))
    roster = synthetic_roster(sample, 7)
    work = roster[roster["activity"] == "work"].groupby(["interval_start", "queue"]).size()
    req = work.rename("heads").reset_index()
    req["agents"] = req["heads"]
    req["calls"] = req["heads"] * 8.0
    req["aht_s"] = 240.0
    path = tmp_path_factory.mktemp("zh") / "roster.xlsx"
    write_roster_workbook(path, roster, sample.agents, config, start=START, days=7, requirements=req)
    return path, sample, config


def latin_words(value: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", value)


def test_no_english_word_on_the_sheets_people_read(zh_book):
    path, sample, _ = zh_book
    ids = {a.agent_id for a in sample.agents} | {a.team for a in sample.agents}
    code = re.compile(r"[A-Z]\d{4}|[A-Z](hhmm)?")  # a shift code, a template letter, a queue or activity mark
    wb = load_workbook(path)
    assert wb.sheetnames == ["排班表", "明细", "覆盖", "汇总", "Data"]
    found = {}
    for ws in wb.worksheets[:4]:
        texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        texts += [ws.oddHeader.center.text or "", ws.oddFooter.center.text or ""]
        for t in texts:
            for token in re.split(r"[\s，、：；（）()·/\\-]+", t):
                if token in ids or code.fullmatch(token):
                    continue
                for w in latin_words(token):
                    if w not in ALLOWED:
                        found.setdefault(ws.title, set()).add(t)
    assert not found, found


def test_chinese_weekdays_queue_labels_and_chart_titles(zh_book):
    path, _, config = zh_book
    wb = load_workbook(path)
    header = [c.value for c in wb["排班表"][3]]
    assert header[6:13] == [f"{w}\n{(START + dt.timedelta(days=i)):%m-%d}"
                            for i, w in enumerate(["周一", "周二", "周三", "周四", "周五", "周六", "周日"])]
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        titles = [re.search(r"<a:t>([^<]*)</a:t>", z.read(n).decode()).group(1) for n in charts]
        for n in charts:
            assert not [w for w in latin_words(re.sub(r"<[^>]+>", " ", z.read(n).decode()))
                        if w not in ALLOWED], n
    assert titles == ["全部队列"] + [ZH_LABELS[q] for q in config.queues]


def test_legend_gives_start_end_and_paid_hours_in_chinese(zh_book):
    path, _, _ = zh_book
    cells = [v for row in load_workbook(path)["排班表"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    # the night shift starts 22:00 and runs 9 h to 07:00 the next day, 8 h paid with its 60 min unpaid lunch
    assert "N2200 夜班：22:00 至 07:00（次日），计薪 8 小时（午餐 60 分钟不计薪）" in cells


def test_chinese_workbook_reads_back(zh_book):
    path, sample, config = zh_book
    book = read_roster_workbook(path, sample.agents, config)
    assert book.edits.empty and len(book.codes) == 7 * len(sample.agents)
