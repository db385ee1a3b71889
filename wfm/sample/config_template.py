"""The sample hotline's config, written fully commented so a scheduler can adapt it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueSpec:
    """A sample queue: its target and the shape of its demand."""

    name: str
    label: str
    sl_target: float
    answer_time_s: int
    patience_s: int
    priority: int
    max_occupancy: float
    aht_s: float
    daily_calls: float  # a typical Wednesday outside holidays, before trend and season
    opens: int  # hour the queue takes calls (0 = 24/7)
    closes: int
    month_start_lift: float  # extra share of calls on the 1st of the month (bills issued)
    answer_rate_target: float | None = None  # share of offered calls answered by an agent (人工接通率)


# Answer-rate targets (人工接通率) as a provincial hotline sets them: 90-92% on the main desks, 95% for VIP.
QUEUES = (
    QueueSpec("billing", "话费咨询 Billing", 0.80, 20, 120, 3, 0.88, 230, 2800, 0, 24, 0.40, 0.92),
    QueueSpec("faults", "故障申报 Faults", 0.80, 20, 150, 3, 0.88, 340, 1100, 0, 24, 0.05, 0.92),
    QueueSpec("complaints", "投诉处理 Complaints", 0.85, 20, 180, 2, 0.85, 520, 220, 8, 22, 0.15, 0.92),
    QueueSpec("vip", "VIP/全球通 优先接入", 0.90, 15, 90, 5, 0.85, 300, 450, 8, 22, 0.20, 0.95),
    QueueSpec("english", "英语专席 English", 0.80, 30, 150, 2, 0.85, 400, 70, 8, 22, 0.05, 0.90),
    QueueSpec("data", "数据专席 Data services", 0.80, 20, 120, 2, 0.88, 310, 380, 8, 22, 0.15, 0.90),
)


def config_text(queues: tuple[QueueSpec, ...] = QUEUES, *, name: str = "Sample provincial hotline 10086",
                time_limit_s: float = 60.0) -> str:
    """The TOML text of a centre config with every key commented: the tables in the order a scheduler reads them."""
    return "".join((_centre(name), _CALENDAR, _queues(queues), _SHRINKAGE, _SHIFTS, _BREAKS, _RULES, _TRAINING,
                    _ROTATION, _solver(time_limit_s), _COSTS, _LEAVE, _CAPACITY, _ADHERENCE))


def _centre(name: str) -> str:
    return f'''# wfm centre configuration. Every key is optional unless marked (required).
# Times are the centre's local wall-clock time; durations in seconds (_s), minutes or hours (_h) as named.

[centre]
name = "{name}"              # shown on reports
interval_minutes = 15        # (required) interval length of history, forecast and roster: 5, 10, 15, 20, 30 or 60
open = "00:00"               # opening time; open = "00:00" with close = "24:00" is a 24/7 centre
close = "24:00"              # closing time ("24:00" = midnight)
timezone = "Asia/Shanghai"   # IANA time zone of the centre; history timestamps with UTC offsets are converted to it
country = "CN"               # public-holiday calendar (ISO code); CN includes make-up working days (调休)
language = "en"              # language of the roster workbook: "en" or "zh"
# how calls reach agents: "routing" = the ACD gives any waiting call to an idle agent holding its skill (highest
# queue priority first), so multi-skilled agents are shared and staffed as pools; "by_hand" = team leaders assign
# each agent one queue at a time, so each queue is staffed alone
queue_assignment = "routing"  # "routing" (default) or "by_hand", as explained above
closed_weekdays = []         # weekdays the centre is closed, e.g. ["Sat", "Sun"] (a make-up working day is open)
closed_on_holidays = false   # closed on public holidays and the days off moved around them (a paid day, not owed)
weekday_hours = {{}}           # a weekday's own opening hours, e.g. {{ Sat = "09:00-13:00" }} (others: open/close)

'''


def _queues(queues: tuple[QueueSpec, ...]) -> str:
    tables = "\n".join(_queue_table(q) for q in queues)
    return f'''# One table per queue (skill). sl_target of calls answered within answer_time_s is the service target.
{tables}
'''


def _queue_table(q: QueueSpec) -> str:
    answer_rate = (f"answer_rate_target = {q.answer_rate_target:g}" if q.answer_rate_target is not None
                   else "# answer_rate_target = 0.92").ljust(29)
    return f'''[queues.{q.name}]
label = "{q.label}"  # name shown on reports
sl_target = {q.sl_target:g}            # (required) share of calls answered within answer_time_s
answer_time_s = {q.answer_time_s}          # (required) seconds
# asa_target_s = 30          # optional: also keep the average speed of answer at or below this
max_occupancy = {q.max_occupancy:g}        # cap on the share of time agents are busy
patience_s = {q.patience_s}            # mean caller patience; set = staff with Erlang A (abandonment), omit = Erlang C
{answer_rate}# share of offered calls an agent answers (人工接通率); needs patience_s
# max_abandon_rate = 0.08    # optional: cap on the share of offered calls abandoned; needs patience_s
priority = {q.priority}                 # routing priority, higher first; weights under-staffing in the roster
min_agents = 1               # floor of agents while calls are expected
default_aht_s = {q.aht_s:g}          # handle time used when the history has no aht_s
# acd_names = ["{q.label}"]   # the queue's names in ACD exports (技能组), read as this queue
'''


def _solver(time_limit_s: float) -> str:
    return f'''[solver]
time_limit_s = {time_limit_s:g}          # roster search time limit; the best roster found so far is kept
workers = 2                  # search threads
seed = 0                     # fixed seed: the same inputs give the same roster

'''


_CALENDAR = '''\
[calendar]
extra_holidays = []          # dates treated as holidays in addition to the country's, e.g. ["2026-12-31"]
extra_workdays = []          # dates treated as working days, e.g. a make-up Saturday not yet in the calendar
# special days with their own forecast effect (bill dates, campaigns, planned outages): "YYYY-MM-DD" = "label"
special_days = {}

'''

_SHRINKAGE = '''\
[shrinkage]
# Shares of paid time lost to what the roster does NOT place itself. Breaks, lunch and training are placed by
# the roster and are not counted here again. heads = ceil(agents / (1 - sum of these)).
absence = 0.05               # sickness and unplanned absence
leave = 0.05                 # annual leave
meetings = 0.02              # team meetings not in the roster
other = 0.0                  # anything else

'''

_SHIFTS = '''\
# Shift templates: a one-letter code (used in shift codes such as E0700), allowed start times, and the
# elapsed length in hours including an unpaid lunch. Night shifts are followed by the rest_after_night_h rule.
[[shifts]]
code = "E"                   # one capital letter: the roster shows E0700 for an Early shift starting 07:00
name = "Early"               # shown in the roster legend
start_times = ["07:00", "07:30", "08:00"]  # allowed start times, on the interval grid
length_h = 9                 # elapsed hours from start to end, lunch included
night = false                # a night shift: counts toward the night caps and needs rest after it

[[shifts]]
code = "D"
name = "Day"
start_times = ["09:00", "09:30", "10:00"]
length_h = 9
night = false

[[shifts]]
code = "L"
name = "Late"
start_times = ["13:00", "13:30", "14:00"]
length_h = 9
night = false

[[shifts]]
code = "N"
name = "Night"
start_times = ["22:00"]
length_h = 9
night = true

[[shifts]]
code = "P"
name = "Part-time"
start_times = ["10:00", "11:00", "17:00", "18:00"]
length_h = 5
night = false

'''

_BREAKS = '''\
[breaks]
break_minutes = 15           # length of each short break
breaks_per_shift = 2         # short breaks in a full shift (one in shifts of 6 h or less)
lunch_minutes = 60           # meal break in shifts longer than lunch_if_shift_over_h
lunch_paid = false           # an unpaid lunch does not count toward hours
lunch_if_shift_over_h = 6    # shifts longer than this many hours get a lunch
lunch_window_h = [3, 5.5]    # lunch starts between these hours after the shift start
min_work_between_breaks_h = 1.0  # least work between two breaks, and before the first

'''

_RULES = '''\
[rules]
hours_per_week = 40          # standard hours (Chinese labour law: 8 h/day, 40 h/week)
max_hours_day = 8            # paid hours in a day before overtime
max_overtime_h_day = 3       # overtime cap per day
max_overtime_h_month = 36    # overtime cap per month
hours_averaging = "week"     # "week": contract hours every week; "period": averaged over the roster period;
                             # "month", "quarter", "year": 综合计算工时, overtime only above the cycle's total
# max_shift_h_averaged = 12  # paid hours a shift may hold under a month/quarter/year cycle (12-hour shifts)
# week_start = "Mon"         # weekly rules on calendar weeks from this weekday (the default), or "period": 7-day
                             # blocks from the roster's first day
max_consecutive_days = 6     # working days in a row
min_days_off_week = 2        # days off in every calendar week
min_rest_h = 12              # rest between the end of one shift and the start of the next
max_nights_week = 4          # night shifts per agent in each week of the period (consecutive periods join up)
# max_nights_month = 16      # or per calendar month (the previous roster's nights in the month counted)
# max_nights_period = 8      # or a cap per roster period (default 8; no period cap when a week/month cap is set)
rest_after_night_h = 24      # rest after the last night shift of a run
min_weekends_off_period = 1  # full weekends (Saturday and Sunday) off per 4 weeks
supervisor_on_duty = true    # at least one supervisor on duty whenever the centre is open

'''

_TRAINING = '''\
# Off-phone activities the roster places in low-volume intervals.
[[training]]
name = "daily learning (每日一学)"
minutes = 15                 # length of each session
frequency = "daily"          # daily, weekly or once per roster period
who = "all"                  # all, new_hires, or a team name
group = false                # true: the team attends together
activity = "training"        # training, meeting or coaching

[[training]]
name = "weekly case review (每周一案)"
minutes = 60
frequency = "weekly"
who = "all"
group = true
activity = "meeting"

[[training]]
name = "new-hire product training"
minutes = 240
frequency = "weekly"
who = "new_hires"
group = true
activity = "training"

'''

_ROTATION = '''\
[rotation]
fair_shift_types = true      # share early/late/night shifts fairly within each team
fair_weekends = true         # share weekend work fairly within each team
queue_rotation_weeks = 0     # rotate agents' primary queue every N weeks (0 = off)

'''

_COSTS = '''\
[costs]
hourly_wage = 32.0           # paid cost per agent hour
overtime_multiplier = 1.5    # overtime hours on working days cost this multiple (Labour Law art. 44: 150%)
rest_day_multiplier = 2.0    # hours beyond the contract worked on a rest day (200%)
holiday_multiplier = 3.0     # hours worked on a statutory holiday (300%)
night_allowance_per_h = 0.0  # 夜班补贴 per paid hour worked between 22:00 and 06:00
on_cost_share = 0.0          # employer's social insurance and housing fund (五险一金) as a share of pay, e.g. 0.3
currency = "CNY"             # shown with costs

'''

_LEAVE = '''\
[leave]
# approved leave comes from the agents table's leave column (2026-12-01..2026-12-03:annual); every type is paid
# (counts in the paid hours) except these: annual, sick, personal, marriage, maternity, compensatory
unpaid = ["personal"]        # leave types that are not paid
annual_days = [[1, 5], [10, 10], [20, 15]]  # years of work (agents' service_years) -> days of annual leave a year
max_per_team_day = 0         # most of one team on leave the same day (0 = no cap); over it is a warning

'''

_CAPACITY = '''\
[capacity]
# how much of an on-phone interval goes to calls (roster, simulation and what-if count them the same way)
supervisor_phone_share = 1.0 # a supervisor's share on the phones; the rest is floor support (e.g. 0.5)
nesting_share = 1.0          # a new hire up to training_until (nesting), as a share of a trained agent (e.g. 0.6)

'''

_ADHERENCE = '''\
[adherence]
# ACD agent states (wfm adherence --states) -> roster activity: work, break, lunch, training, meeting, coaching,
# other (an off-phone state nobody planned) or off (logged out). Common states are known already (Available,
# Talking, ACW, Break, Lunch, Not Ready, Logged Out, 示闲, 通话, 小休, 示忙, 签出, ...); add your ACD's own here.
states = {}                  # e.g. { "Aux 3" = "training", "Aux 7" = "meeting" }
'''
