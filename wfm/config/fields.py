"""The one declaration of a config key: `setting()` puts its default, accepted values and documentation on the
schema's dataclass field; `spec()` reads them back for the table readers, the `wfm init` template and anything
else that needs a default (e.g. what-if's `Plan`).

A plain field table rather than pydantic or attrs + cattrs: the readers keep their own messages ("must be
between 0.0 and 0.9, not 1.5", with the key's line, every problem at once), which a validation library's
messages would have to be translated back into, and the config needs no new dependency.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, dataclass
from typing import Any

KINDS = ("int", "float", "str", "bool", "clock", "clock24")  # clock: "HH:MM" as minutes; clock24 allows "24:00"


@dataclass(frozen=True)
class Spec:
    """A config key as declared: `key` is its name in the TOML file, `default` what it reads as when absent or
    bad, `doc` the comment the template writes beside it (continued on further lines after a newline), `note`
    the comment lines written above it, `example` a value the template shows for a key that is left out."""

    name: str
    key: str
    kind: str | None
    default: Any
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] | None = None
    required: bool = False
    doc: str = ""
    note: str = ""
    example: Any = None


def setting(default: Any = MISSING, *, kind: str | None = None, key: str | None = None, lo: float | None = None,
            hi: float | None = None, choices: tuple[str, ...] | None = None, required: bool = False,
            doc: str = "", note: str = "", example: Any = None, fallback: Any = MISSING) -> Any:
    """A dataclass field declaring a config key. `kind` is taken from the default's type when not given;
    `fallback` is the value read for a required key (whose field has no default) when it is missing or bad."""
    if kind is None and default is not MISSING and default is not None:
        kind = {bool: "bool", int: "int", float: "float", str: "str"}.get(type(default))
    assert kind is None or kind in KINDS, kind
    meta = {"wfm": dict(kind=kind, key=key, lo=lo, hi=hi, choices=choices, required=required, doc=doc,
                        note=note, example=example, fallback=fallback)}
    if isinstance(default, (dict, list)):
        value = default
        return dataclasses.field(default_factory=lambda: type(value)(value), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def spec(cls: type, name: str) -> Spec:
    """The declared key behind field `name` of schema dataclass `cls`."""
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    m = dict(f.metadata["wfm"])
    fallback = m.pop("fallback")
    if f.default is not MISSING:
        default = f.default
    elif f.default_factory is not MISSING:
        default = f.default_factory()
    else:
        default = None if fallback is MISSING else fallback
    return Spec(name=name, key=m.pop("key") or name, default=default, **m)


def specs(cls: type) -> list[Spec]:
    """Every declared key of `cls`, in declaration order."""
    return [spec(cls, f.name) for f in dataclasses.fields(cls) if "wfm" in f.metadata]


def keys(cls: type) -> set[str]:
    """The TOML keys a table of `cls` accepts."""
    return {s.key for s in specs(cls)}
