"""The what-if scenario keys, their syntax and meaning: one table for `wfm whatif --help`, the parser's
messages and the docs. Kept apart from `wfm.scenarios` (no imports) so that the command line can show it
without loading the evaluation stack."""

from __future__ import annotations

# key -> (value syntax, meaning): the one table behind `wfm whatif --help` (`keys_help`) and the docs
KEY_HELP: dict[str, tuple[str, str]] = {
    "volume": ("[QUEUE:]FACTOR[@FROM..TO]", "calls x FACTOR, all queues or one, optionally between two dates"),
    "aht": ("[QUEUE:]FACTOR[@FROM..TO]", "handle time x FACTOR"),
    "sl": ("[QUEUE:]TARGET/SECONDS", "service target, e.g. 0.9/15 = 90% within 15 s"),
    "shrinkage": ("SHARE", "shrinkage the roster does not place (absence, leave, meetings; config [shrinkage])"),
    "ivr": ("QUEUE:SHARE[@FROM..TO]", "share of the queue's calls diverted to self-service"),
    "pool": ("QUEUE+QUEUE[+...]", "queues served as one pool (centralisation)"),
    "add": ("NAME:LIKE[:FACTOR]", "a new queue with LIKE's targets and FACTOR x LIKE's calls"),
    "remove": ("QUEUE[>INTO]", "queue closed; its calls vanish, or move into queue INTO"),
    "hours": ("[QUEUE:]HH:MM-HH:MM[/shift|/drop]", "opening hours; calls outside are shifted into the same "
                                                  "day's open intervals (default) or dropped"),
    "hire": ("N@DATE[/TRAINWEEKS[+RAMPWEEKS]]", "a class of N full-time agents starting on DATE"),
    "attrition": ("MONTHLY_RATE", "share of agents leaving per month, compounding"),
    "training_weeks": ("WEEKS", "default training weeks of hires (4)"),
    "ramp_weeks": ("WEEKS", "default weeks to ramp from 0 to full productivity after training (4)"),
}


def keys_help() -> str:
    """`KEY=SYNTAX` for every key, in order, as one line of text."""
    return ", ".join(f"{key}={syntax}" for key, (syntax, _) in KEY_HELP.items())
