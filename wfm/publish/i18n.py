"""Every heading and label of the roster workbook, in English and Chinese, in one place."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # sheet names (the Data sheet keeps its name in every language: scripts read it)
    "sheet_roster": ("Roster", "排班表"),
    "sheet_detail": ("Detail", "明细"),
    "sheet_coverage": ("Coverage", "覆盖"),
    "sheet_summary": ("Summary", "汇总"),
    # roster sheet
    "title": ("Roster", "排班表"),
    "agent_id": ("Agent ID", "工号"),
    "name": ("Name", "姓名"),
    "team": ("Team", "班组"),
    "skills": ("Skills", "技能"),
    "contract": ("Contract h/week", "合同工时/周"),
    "week_hours": ("Week {n} h", "第{n}周工时"),
    "total_hours": ("Total h", "总工时"),
    "vs_contract": ("vs contract h", "与合同差"),
    "legend": ("Legend", "图例"),
    "off": ("Day off", "休息"),
    "leave": ("Leave", "休假"),
    "training_day": ("Training day", "培训日"),
    "holiday": ("Holiday", "节假日"),
    "weekend": ("Weekend", "周末"),
    # detail
    "work": ("on the phone", "接线"),
    "break": ("break", "小休"),
    "lunch": ("lunch", "午餐"),
    "training": ("training", "培训"),
    "meeting": ("meeting", "会议"),
    "coaching": ("coaching", "辅导"),
    "detail_title": ("Day detail: who does what in each interval", "每日明细：各时段安排"),
    # coverage
    "interval": ("Interval", "时段"),
    "date": ("Date", "日期"),
    "time": ("Time", "时间"),
    "required": ("required", "需求"),
    "scheduled": ("scheduled", "排班"),
    "gap": ("gap", "差额"),
    "all_queues": ("all queues", "全部"),
    "coverage_chart": ("{day} required vs scheduled", "{day} 需求与排班"),
    # summary
    "period": ("Period", "周期"),
    "centre": ("Centre", "中心"),
    "agents_rostered": ("Agents", "人数"),
    "paid_hours": ("Paid hours", "计薪工时"),
    "contract_hours": ("Contract hours", "合同工时"),
    "overtime_hours": ("Overtime hours", "加班工时"),
    "fte": ("FTE", "全职当量"),
    "cost": ("Cost", "成本"),
    "queue": ("Queue", "队列"),
    "target": ("Target", "目标"),
    "expected_sl": ("Expected service level", "预计服务水平"),
    "sl_source": ("(from staffing, with the scheduled agents less unplaced shrinkage)",
                  "（按排班人数扣除未排产损耗，由话务模型计算）"),
    "sl_source_sim": ("(simulated: calls routed by skill and queue priority, {n} replications, seed {seed}, absences "
                      "drawn at the unplaced shrinkage; wfm simulate gives the same figures. Scheduled counts every "
                      "on-phone agent holding the queue's skill, so a multi-skilled agent counts in each of its queues)",
                      "（仿真：按技能与队列优先级路由，{n} 次重复，随机种子 {seed}，按未排产损耗随机缺勤；与 wfm simulate "
                      "结果一致。排班人次按在线且具备该技能的坐席计，多技能坐席在其每个技能队列中各计一次）"),
    "sl_source_sim_by_hand": ("(simulated: each agent answers the queue it is given first, then its other skills, "
                              "{n} replications, seed {seed}, absences drawn at the unplaced shrinkage; wfm simulate "
                              "gives the same figures)",
                              "（仿真：坐席先接所排队列，再接其他技能，{n} 次重复，随机种子 {seed}，按未排产损耗随机缺勤；"
                              "与 wfm simulate 结果一致）"),
    "sl_hw": ("± (95%)", "±（95%）"),
    "pay_bands": ("Paid hours by pay band", "分档计薪工时"),
    "pay_bands_value": ("{normal:g} h normal, {overtime_workday:g} h overtime (150%), {overtime_rest_day:g} h on rest "
                        "days (200%), {statutory_holiday:g} h on statutory holidays (300%)",
                        "正常 {normal:g} 小时，工作日加班 {overtime_workday:g} 小时（150%），休息日加班 "
                        "{overtime_rest_day:g} 小时（200%），法定节假日 {statutory_holiday:g} 小时（300%）"),
    "abandon_rate": ("Abandon rate", "放弃率"),
    "required_intervals": ("Required agent-intervals", "需求人次"),
    "scheduled_intervals": ("Scheduled agent-intervals", "排班人次"),
    "under": ("Under-staffed", "缺员"),
    "over": ("Over-staffed", "超员"),
    "preferences": ("Shift preferences met", "班次偏好满足"),
    "requests": ("Days-off requests honoured", "休假申请满足"),
    "fairness": ("Fairness per team (spread = most minus fewest per agent)", "各班组公平性（极差）"),
    "nights_spread": ("Night shifts spread", "夜班极差"),
    "weekend_spread": ("Weekend days worked spread", "周末班极差"),
    "rule_check": ("Rule check", "规则检查"),
    "rules_ok": ("All hard rules hold", "全部硬性规则满足"),
    "violations": ("{n} violation(s)", "{n} 项违规"),
    "rule": ("Rule", "规则"),
    "message": ("What is wrong", "问题"),
    "not_checked": ("not checked", "未检查"),
    "simulated_sl": ("Simulated service level", "仿真服务水平"),
}

WEEKDAYS = (("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), ("一", "二", "三", "四", "五", "六", "日"))


def text(key: str, language: str = "en", **kw: object) -> str:
    """The label `key` in `language` (`en` or `zh`), formatted with `kw`."""
    en, zh = TEXT[key]
    return (zh if language == "zh" else en).format(**kw)


def weekday(d, language: str = "en") -> str:
    """Short weekday name of date `d`."""
    return WEEKDAYS[1 if language == "zh" else 0][d.weekday()]
