import datetime as dt

import pytest

from wfm.calendar import UnknownCountryError, day_calendar

D = dt.date


def _row(cal, d):
    return cal.set_index("date").loc[d]


def test_spring_festival_2026_and_makeup_saturdays():
    cal = day_calendar(D(2026, 2, 1), D(2026, 3, 8), "CN")
    for d in (D(2026, 2, 14), D(2026, 2, 28)):
        r = _row(cal, d)
        assert d.weekday() == 5
        assert r.is_makeup_workday and r.is_workday and not r.is_holiday and not r.holiday_period
    for i in range(15, 24):
        r = _row(cal, D(2026, 2, i))
        assert r.holiday_period and not r.is_workday
    assert _row(cal, D(2026, 2, 17)).is_holiday
    assert "Spring Festival" in _row(cal, D(2026, 2, 17)).holiday_name
    assert not _row(cal, D(2026, 2, 24)).holiday_period and _row(cal, D(2026, 2, 24)).is_workday
    # an ordinary Saturday is neither a workday nor a holiday
    r = _row(cal, D(2026, 3, 7))
    assert not r.is_workday and not r.is_holiday and not r.holiday_period


def test_national_day_2026_period_and_makeup():
    cal = day_calendar(D(2026, 9, 15), D(2026, 10, 12), "CN")
    assert all(_row(cal, D(2026, 10, i)).holiday_period for i in range(1, 8))
    assert _row(cal, D(2026, 10, 10)).is_makeup_workday
    assert _row(cal, D(2026, 9, 20)).is_makeup_workday


def test_user_days_and_overrides():
    cal = day_calendar(D(2026, 3, 1), D(2026, 3, 31), "CN", extra_holidays=[D(2026, 3, 10)],
                       extra_workdays=[D(2026, 3, 14)], special_days={D(2026, 3, 1): "bill date"})
    assert _row(cal, D(2026, 3, 10)).is_holiday and _row(cal, D(2026, 3, 10)).holiday_period
    assert _row(cal, D(2026, 3, 14)).is_workday and _row(cal, D(2026, 3, 14)).is_makeup_workday
    assert _row(cal, D(2026, 3, 1)).special == "bill date"
    assert _row(cal, D(2026, 3, 2)).special == ""


def test_other_countries_and_unknown():
    cal = day_calendar(D(2016, 7, 1), D(2016, 7, 5), "US")
    assert _row(cal, D(2016, 7, 4)).is_holiday
    assert not cal["is_makeup_workday"].any()
    with pytest.raises(UnknownCountryError):
        day_calendar(D(2026, 1, 1), D(2026, 1, 2), "XX")


def test_time_span_reads_wall_clock_times():
    import datetime as dt

    from wfm.calendar import time_span

    start = dt.datetime(2026, 12, 7, 9, 0)
    assert time_span(start, start + dt.timedelta(minutes=90)) == "09:00-10:30"
    assert time_span(start.replace(hour=22), start.replace(hour=22) + dt.timedelta(hours=9)) == "22:00-07:00"


def test_a_country_with_its_region_keeps_the_regional_holidays():
    # New Mexico gives the day after Thanksgiving off and does not keep Washington's Birthday
    nm = day_calendar(D(2024, 11, 28), D(2025, 2, 17), "US-NM")
    us = day_calendar(D(2024, 11, 28), D(2025, 2, 17), "US")
    assert _row(nm, D(2024, 11, 29)).is_holiday and not _row(us, D(2024, 11, 29)).is_holiday
    assert _row(us, D(2025, 2, 17)).is_holiday and not _row(nm, D(2025, 2, 17)).is_holiday
    assert _row(nm, D(2024, 11, 28)).is_holiday  # the national holidays stay
    # Bavaria keeps Epiphany, Germany as a whole does not; the region is read without case
    by = day_calendar(D(2025, 1, 6), D(2025, 1, 6), "de-by")
    assert _row(by, D(2025, 1, 6)).is_holiday
    assert not _row(day_calendar(D(2025, 1, 6), D(2025, 1, 6), "DE"), D(2025, 1, 6)).is_holiday
    with pytest.raises(UnknownCountryError, match="US-XX"):
        day_calendar(D(2025, 1, 1), D(2025, 1, 2), "US-XX")


def test_a_queue_named_after_the_centres_country_keeps_the_centres_regional_calendar():
    from wfm.forecast.countries import name_countries

    assert name_countries("us_billing", "US-NM") == []  # the centre's own country, given with its region
    assert name_countries("de_billing", "US-NM") == ["DE"]
