"""What-if opening hours that cross midnight (`hours=billing:22:00-06:00`): one opening from 22:00 to 06:00
the next morning, which takes the calls of the closed day before it."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from wfm.config import parse_config
from wfm.scenarios import apply_scenario
from wfm.scenarios.spec import parse_scenario

CONFIG = """
[centre]
interval_minutes = 30
[queues.billing]
sl_target = 0.8
answer_time_s = 20
default_aht_s = 240
"""

# 2-hour intervals over two days; the night's shape 22:00 20, 00:00 10, 02:00 5, 04:00 5; 10 calls every
# closed interval (06:00 to 20:00: 8 intervals, 80 calls a day)
NIGHT = {22: 20.0, 0: 10.0, 2: 5.0, 4: 5.0}


def _forecast() -> pd.DataFrame:
    starts = pd.date_range("2027-03-01", periods=24, freq="2h")
    calls = [NIGHT.get(t.hour, 10.0) for t in starts]
    return pd.DataFrame({"interval_start": starts, "queue": "billing", "calls": calls, "aht_s": 240.0})


def _shifted(spec: str) -> dict[str, float]:
    config = parse_config(tomllib.loads(CONFIG), path="config.toml", text=CONFIG)
    f, _, _ = apply_scenario(_forecast(), config.queues, 0.1, parse_scenario(spec))
    return {t.strftime("%d %H"): c for t, c in zip(f["interval_start"], f["calls"]) if c}


def test_a_window_across_midnight_takes_the_closed_day_before_it():
    calls = _shifted("night:hours=billing:22:00-06:00")
    # 1 Mar 00-06 belong to the night of 28 Feb (no closed hours in the forecast): unchanged. The 80 closed
    # calls of 1 Mar go to the night 1 Mar 22:00 - 2 Mar 06:00 (40 calls there) in proportion: x3 each.
    # The 80 of 2 Mar go to that evening's 22:00, the only interval of its night in the forecast.
    assert calls == {"01 00": 10.0, "01 02": 5.0, "01 04": 5.0, "01 22": 60.0,
                     "02 00": 30.0, "02 02": 15.0, "02 04": 15.0, "02 22": 100.0}
    assert sum(calls.values()) == pytest.approx(240.0)  # every call kept


def test_drop_across_midnight_keeps_the_night_as_it_is():
    calls = _shifted("night:hours=billing:22:00-06:00/drop")
    assert calls == {"01 00": 10.0, "01 02": 5.0, "01 04": 5.0, "01 22": 20.0,
                     "02 00": 10.0, "02 02": 5.0, "02 04": 5.0, "02 22": 20.0}


def test_a_day_window_moves_calls_within_its_calendar_day():
    calls = _shifted("day:hours=billing:08:00-12:00")
    # open 08:00 and 10:00 (10 calls each); the day's other 100 calls split evenly: 60 each
    assert calls == {"01 08": 60.0, "01 10": 60.0, "02 08": 60.0, "02 10": 60.0}


def test_centre_hours_across_midnight_are_refused_saying_what_to_do_instead(tmp_path):
    from wfm.config import load_config
    from wfm.errors import InputError

    path = tmp_path / "config.toml"
    path.write_text(CONFIG.replace("interval_minutes = 30", 'interval_minutes = 30\nopen = "22:00"\nclose = "06:00"'),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(path)
    [problem] = err.value.errors
    assert problem.message.startswith('centre.close: must be after open (use close = "24:00" for midnight); hours '
                                      'that cross midnight cannot be configured for the centre')
    assert "wfm whatif hours=22:00-06:00" in problem.message
