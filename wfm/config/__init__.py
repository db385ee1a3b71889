"""The centre configuration (TOML), validated into typed, frozen objects.

Every problem is collected (file, line, key) before anything is raised; unknown keys are errors.

The package by job: `schema` (the dataclasses and the values they accept), `values` (typed values read with the
line of their key), `sections_centre` and `sections_work` (each table's checks), `loading` (the file itself).
Every public name is importable from `wfm.config`.
"""

from wfm.config.loading import MAX_CONFIG_BYTES, load_config, load_config_lenient, parse_config
from wfm.config.schema import (ADHERENCE_ACTIVITIES, ANNUAL_DAYS, CYCLE_MONTHS, DATE_MAX, DATE_MIN, DEFAULT_STATES,
                               HOURS_AVERAGING, LANGUAGES, LEAVE_TYPES, NO_NIGHTS_CAP, SEED_MAX, TIME_LIMIT_MAX_S,
                               TRAINING_FREQUENCIES, WEEKDAY_NAMES, AdherenceConfig, BreaksConfig, CalendarConfig,
                               CapacityConfig, CentreConfig, Config, CostsConfig, LeaveConfig, QueueConfig,
                               RotationConfig, RulesConfig, ShiftTemplate, ShrinkageConfig, SolverConfig,
                               TrainingActivity, acd_name_map, extended_template)
from wfm.config.sections_centre import QUEUE_ASSIGNMENTS, QUEUE_KEYS
from wfm.config.values import parse_clock

__all__ = [
    "ADHERENCE_ACTIVITIES", "ANNUAL_DAYS", "CYCLE_MONTHS", "DATE_MAX", "DATE_MIN", "DEFAULT_STATES",
    "HOURS_AVERAGING", "LANGUAGES", "LEAVE_TYPES", "MAX_CONFIG_BYTES", "NO_NIGHTS_CAP", "QUEUE_ASSIGNMENTS",
    "QUEUE_KEYS", "SEED_MAX", "TIME_LIMIT_MAX_S", "TRAINING_FREQUENCIES", "WEEKDAY_NAMES",
    "AdherenceConfig", "BreaksConfig", "CalendarConfig", "CapacityConfig", "CentreConfig", "Config", "CostsConfig",
    "LeaveConfig", "QueueConfig", "RotationConfig", "RulesConfig", "ShiftTemplate", "ShrinkageConfig",
    "SolverConfig", "TrainingActivity",
    "acd_name_map", "extended_template", "load_config", "load_config_lenient", "parse_clock", "parse_config",
]
