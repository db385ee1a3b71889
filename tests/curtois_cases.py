"""Hand-made Curtois & Qu instances shared by the tests (the instance text format of ../shared/data/curtois)."""

# 7 days from a Monday, one 480-minute shift wanted once a day. Each may work 3-4 shifts, runs of 2-4 days,
# at least 2 days off in a row, one weekend; B must be off on day 0. Covering every day needs them to split the
# week into two runs (e.g. A days 0-3, B days 4-6), so 0 is the optimum; a roster that breaks any rule is
# caught by the curtois_scorer.
TWO_PEOPLE = """SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,1920,1440,4,2,2,1
B,D=7,1920,1440,4,2,2,1

SECTION_DAYS_OFF
B,0

SECTION_SHIFT_ON_REQUESTS

SECTION_SHIFT_OFF_REQUESTS

SECTION_COVER
0,D,1,100,1
1,D,1,100,1
2,D,1,100,1
3,D,1,100,1
4,D,1,100,1
5,D,1,100,1
6,D,1,100,1
"""
