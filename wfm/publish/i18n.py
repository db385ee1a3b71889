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
    "role": ("Role", "角色"),
    "role_supervisor": ("Supervisor", "主管"),
    "role_trainee": ("Trainee", "学员"),
    "contract": ("Contract h/week", "合同周工时"),
    "team_heading": ("Team {team}: {n} people", "班组 {team}：{n} 人"),
    "header": ("{centre} · {sheet} · {first} to {last}", "{centre} · {sheet} · {first} 至 {last}"),
    "footer": ("Page &P of &N", "第 &P 页，共 &N 页"),
    "week_hours": ("Week {n} h", "第{n}周工时"),
    "total_hours": ("Total h", "总工时"),
    "vs_contract": ("Over/under h", "与合同差"),
    "legend": ("Legend", "图例"),
    "off": ("Day off", "休息"),
    "leave": ("Leave", "休假"),
    "training_day": ("Training day", "培训日"),
    "holiday": ("Holiday", "节假日"),
    "weekend": ("Weekend", "周末"),
    "legend_shift": ("{name}: {start} to {end}{next_day}, {paid:g} h paid{lunch}",
                     "{name}：{start} 至 {end}{next_day}，计薪 {paid:g} 小时{lunch}"),
    "next_day": (" next day", "（次日）"),
    "lunch_unpaid": (" ({m} min lunch unpaid)", "（午餐 {m} 分钟不计薪）"),
    "lunch_paid": (" ({m} min lunch paid)", "（午餐 {m} 分钟计薪）"),
    "starts_at": ("starts {times}", "开始时间 {times}"),
    "legend_queues": ("Queues (letters in the Skills column and on the Detail sheet)",
                      "队列（技能列与明细表中的简称）"),
    "legend_activities": ("Off the phone (Detail sheet)", "离线活动（明细表）"),
    "code_pattern": ("{letter}hhmm", "{letter}时分"),
    "invalid_code": ("Not a shift code", "无效班次代码"),
    "invalid_code_hint": ("Use a code from the list: a template letter and start time (E0700) or OFF, LEAVE, TRN",
                          "请从列表选择：班次字母加开始时间（如 E0700），或 OFF、LEAVE、TRN"),
    # detail
    "work": ("on the phone", "接线"),
    "break": ("break", "小休"),
    "lunch": ("lunch", "午餐"),
    "training": ("training", "培训"),
    "meeting": ("meeting", "会议"),
    "coaching": ("coaching", "辅导"),
    "detail_title": ("Day detail: who does what in each interval", "每日明细：各时段安排"),
    "shift": ("Shift", "班次"),
    "detail_block": ("{day} · team {team}", "{day} · 班组 {team}"),
    "mark_break": ("b", "休"),
    "mark_lunch": ("l", "餐"),
    "mark_training": ("t", "培"),
    "mark_meeting": ("m", "会"),
    "mark_coaching": ("c", "导"),
    # coverage
    "interval": ("Interval", "时段"),
    "date": ("Date", "日期"),
    "time": ("Time", "时间"),
    "required": ("required", "需求"),
    "scheduled": ("scheduled", "排班"),
    "gap": ("gap", "差额"),
    "all_queues": ("All queues", "全部队列"),
    "weekday": ("Day", "星期"),
    "req_short": ("req.", "需求"),
    "sched_short": ("sched.", "排班"),
    "coverage_chart": ("{queue}", "{queue}"),
    "agents_axis": ("agents", "人数"),
    "coverage_note": ("Printing this sheet prints the charts; the table beside them is for the screen.",
                      "打印本表只打印图表，左侧表格供屏幕查看。"),
    # summary
    "period": ("Period", "周期"),
    "period_value": ("{first} to {last} ({n} days)", "{first} 至 {last}（{n} 天）"),
    "what_it_means": ("What it means", "说明"),
    "not_reproducible": ("Not reproducible on this run: the machine was too busy to spend the search budget before "
                         "the time cap, so the same inputs may give another roster; run it again on a quieter "
                         "machine for a result that repeats.",
                         "本次结果不可复现：机器过于繁忙，搜索预算未能在时限内用完，相同的输入可能得到不同的排班；"
                         "请在较空闲的机器上重新运行，以得到可重复的结果。"),
    "explain_agents": ("People with at least one paid hour in the period", "本期至少有 1 小时计薪的人数"),
    "explain_paid_hours": ("Hours of the shifts less unpaid lunch, plus paid leave and paid holidays",
                           "班次时长减去不计薪午餐，加上带薪休假和带薪节假日"),
    "explain_contract_hours": ("Each person's weekly contract hours, over the period", "各人每周合同工时折算到本期"),
    "explain_overtime_hours": ("Paid hours above the contract, week by week", "逐周超出合同工时的计薪工时"),
    "explain_fte": ("Paid hours divided by a full-time week ({h:g} h) over the period",
                    "计薪工时除以本期全职工时（每周 {h:g} 小时）"),
    "explain_cost": ("Paid hours times the hourly cost of each pay band, plus the night allowance, with the "
                     "employer's on-costs", "各计薪档工时乘以对应时薪，加夜班补贴，含单位社保公积金"),
    "explain_pay_bands": ("Chinese labour law pay bands of the paid hours", "按劳动法计薪档划分的工时"),
    "explain_preferences": ("Shifts of people who stated a shift preference: how many are of a preferred type, "
                            "of all their shifts", "填写了班次偏好的人：所排班次中符合偏好的班次数 / 其全部班次数"),
    "explain_requests": ("Days off asked for in the agents file that are rest days or leave, of all asked",
                         "人员表中申请休息的日子里，实际安排休息或休假的天数 / 申请天数"),
    "explain_coverage": ("Required, scheduled, under and over count agent-intervals: one person on the phone for "
                         "one {iv}-minute interval. Under-staffed counts "
                         "the agents missing interval by interval, over-staffed the agents beyond the need",
                         "需求、排班、缺员、超员均以人次计：1 人在线接听 1 个 {iv} 分钟时段。"
                         "缺员为逐时段缺少的人次，超员为逐时段超出需求的人次"),
    "explain_spread": ("Spread: in each team, the most night shifts (weekend days) one person works minus the fewest; "
                       "0 is perfectly even", "极差：同一班组内，夜班（周末班）最多的人减去最少的人；0 表示完全平均"),
    "centre": ("Centre", "中心"),
    "agents_rostered": ("Agents", "人数"),
    "paid_hours": ("Paid hours", "计薪工时"),
    "contract_hours": ("Contract hours", "合同工时"),
    "overtime_hours": ("Overtime hours", "加班工时"),
    "fte": ("FTE", "全职当量"),
    "cost": ("Cost", "成本"),
    "queue": ("Queue", "队列"),
    "target": ("Target", "目标"),
    "expected_sl": ("Service level", "预计服务水平"),
    "sl_source": ("(from staffing, with the scheduled agents less unplaced shrinkage)",
                  "（按排班人数扣除未排产损耗，由话务模型计算）"),
    "sl_source_sim": ("(simulated: calls routed by skill and queue priority, {n} replications, seed {seed}, "
                      "absences drawn at the unplaced shrinkage; wfm simulate gives the same figures. Scheduled "
                      "counts every on-phone agent holding the queue's skill, so a multi-skilled agent counts in "
                      "each of its queues)",
                      "（仿真：按技能与队列优先级路由，{n} 次重复，随机种子 {seed}，按未排产损耗随机缺勤；"
                      "与 wfm simulate 结果一致。排班人次按在线且具备该技能的坐席计，"
                      "多技能坐席在其每个技能队列中各计一次）"),
    "sl_source_sim_by_hand": ("(simulated: each agent answers the queue it is given first, then its other skills, "
                              "{n} replications, seed {seed}, absences drawn at the unplaced shrinkage; wfm simulate "
                              "gives the same figures)",
                              "（仿真：坐席先接所排队列，再接其他技能，{n} 次重复，随机种子 {seed}，"
                              "按未排产损耗随机缺勤；与 wfm simulate 结果一致）"),
    "sl_hw": ("± (95%)", "±（95%）"),
    "pay_bands": ("Paid hours by pay band", "分档计薪工时"),
    "band_normal": ("normal pay (100%)", "正常工时（100%）"),
    "band_overtime_workday": ("overtime on working days (150%)", "工作日加班（150%）"),
    "band_overtime_rest_day": ("work on rest days (200%)", "休息日加班（200%）"),
    "band_statutory_holiday": ("work on statutory holidays (300%)", "法定节假日加班（300%）"),
    "pay_bands_value": ("{normal:g} h normal, {overtime_workday:g} h overtime (150%), {overtime_rest_day:g} h on rest "
                        "days (200%), {statutory_holiday:g} h on statutory holidays (300%)",
                        "正常 {normal:g} 小时，工作日加班 {overtime_workday:g} 小时（150%），休息日加班 "
                        "{overtime_rest_day:g} 小时（200%），法定节假日 {statutory_holiday:g} 小时（300%）"),
    "abandon_rate": ("Abandon rate", "放弃率"),
    "required_intervals": ("Required", "需求人次"),
    "scheduled_intervals": ("Scheduled", "排班人次"),
    "under": ("Under", "缺员"),
    "over": ("Over", "超员"),
    "preferences": ("Shift preferences met", "班次偏好满足"),
    "requests": ("Days-off requests honoured", "休假申请满足"),
    "fairness": ("Fairness per team", "各班组公平性"),
    "nights_spread": ("Night shifts spread", "夜班极差"),
    "weekend_spread": ("Weekend days worked spread", "周末班极差"),
    "rule_check": ("Rule check", "规则检查"),
    "rules_ok": ("All hard rules hold", "全部硬性规则满足"),
    "score": ("Objective by term (points)", "目标分项（分）"),
    "explain_score": ("What the roster search weighs, measured on this roster by the checker: 1 point is the cost of "
                      "one agent paid for one interval; the search makes the total as small as it can (a negative "
                      "term is a gain).",
                      "排班求解所权衡的各项，由检查程序在本排班上计量：1 分 = 一名员工一个时段的工时成本；"
                      "求解使总分尽量小（负分为收益）。"),
    "score_term": ("Term", "分项"), "score_points": ("Points", "分"), "score_amount": ("Amount", "数量"),
    "score_total": ("Total", "合计"),
    "term_under_staffing": ("Under-staffing", "缺员"), "term_paid_time": ("Paid time", "计薪工时"),
    "term_overtime": ("Overtime", "加班"), "term_preferences": ("Shift preferences", "班次偏好"),
    "term_fairness": ("Fairness", "公平性"),
    "amount_under_staffing": ("{amount} agent-intervals short of {of} required",
                              "缺员 {amount} 人次（需求 {of} 人次）"),
    "amount_paid_time": ("{amount} h paid", "计薪 {amount} 小时"),
    "amount_overtime": ("{amount} h", "{amount} 小时"),
    "amount_preferences": ("{amount} of {of} shifts with a preference", "{of} 个有偏好的班次中满足 {amount} 个"),
    "amount_fairness": ("{amount} shifts of spread", "极差合计 {amount} 个班次"),
    "violations": ("{n} violation(s)", "{n} 项违规"),
    "rule": ("Rule", "规则"),
    "message": ("What is wrong", "问题"),
    "not_checked": ("not checked", "未检查"),
    # a queue the roster's simulation check leaves under target (`wfm.roster.stats.short_queue_text`)
    "short_level": ("{q}: simulated service level {sl:.0%} (±{hw:.0f} points) against its {target:.0%} target",
                    "{q}：仿真服务水平 {sl:.0%}（±{hw:.0f} 个百分点），目标 {target:.0%}"),
    "short_abandon": (", {rate:.0%} of calls abandoned against at most {cap:.0%}",
                      "，放弃率 {rate:.0%}，上限 {cap:.0%}"),
    "short_holders": ("; {n} of {of} agents hold {q}", "；{of} 名坐席中有 {n} 名具备 {q} 技能"),
    "short_first": (", who also answer {first} (routed before {q})", "，他们同时接听 {first}（优先于 {q} 分配）"),
    "short_skill": (". More agents holding {q} would help: agents without it cannot answer its calls",
                    "。增加具备 {q} 技能的坐席会有帮助：不具备该技能的坐席无法接听其来电"),
    "short_people": (". Every agent holds {q}: more agents on the phone at its busy times would help",
                     "。所有坐席都具备 {q} 技能：在其繁忙时段增加在线坐席会有帮助"),
    "short_heading": ("Below target in the roster's simulation check:", "排班仿真校验中未达标："),
    "simulated_sl": ("Simulated service level", "仿真服务水平"),
}

WEEKDAYS = (("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), ("周一", "周二", "周三", "周四", "周五", "周六", "周日"))


def text(key: str, language: str = "en", **kw: object) -> str:
    """The label `key` in `language` (`en` or `zh`), formatted with `kw`."""
    en, zh = TEXT[key]
    return (zh if language == "zh" else en).format(**kw)


def weekday(d, language: str = "en") -> str:
    """Short weekday name of date `d`."""
    return WEEKDAYS[1 if language == "zh" else 0][d.weekday()]


def join(items: list[str], language: str = "en") -> str:
    """A list of names as one text: `a, b` in English, `a、b` in Chinese."""
    return ("、" if language == "zh" else ", ").join(items)


ACTIVITIES = ("break", "lunch", "training", "meeting", "coaching")


def queue_label(config, queue: str) -> str:
    """The queue's name for people: its config `label`, else its key."""
    q = config.queues.get(queue)
    return (q.label if q is not None and q.label else queue).strip() or queue


def marks(config, language: str = "en") -> dict[str, str]:
    """One-character marks for the Detail sheet and the Skills column: each activity's from the language table,
    each queue's the first free character of its label (a letter upper-cased; in English the first letter),
    else a digit."""
    out = {a: text(f"mark_{a}", language) for a in ACTIVITIES}
    taken = set(out.values())
    for q in config.queues:
        label = queue_label(config, q)
        letters = [c for c in label if c.isascii() and c.isalpha()] if language != "zh" else []
        chars = letters + [c for c in label + q if not c.isspace() and c not in "/;,()（）"]
        pick = next((c.upper() for c in chars if c.upper() not in taken), None)
        if pick is None:
            pick = next(str(d) for d in range(10 * (len(config.queues) + 1)) if str(d) not in taken)
        out[q] = pick
        taken.add(pick)
    return out
