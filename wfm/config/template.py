"""Commented TOML text of config tables, generated from the keys' declarations (`wfm.config.fields`): each key's
default (or a given value), its comment, and the notes above it. `wfm.sample.config_template` lays out the file
`wfm init` and the demo write with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, field
from typing import Any

from wfm.config.fields import Spec, spec, specs

COMMENT_COLUMN = 29  # a key's comment starts here; a longer `key = value` is followed by two spaces


def toml_value(value: Any, kind: str | None = None, *, decimals: bool = False) -> str:
    """`value` as TOML text: clock minutes as "HH:MM", floats as 2 (or 2.0 with `decimals`), lists, tables."""
    if kind in ("clock", "clock24"):
        from wfm.calendar import clock  # lazy: the config package loads without pandas and the holiday tables

        return f'"{clock(value)}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return repr(value) if decimals else f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v, decimals=decimals) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{k} = {toml_value(v, decimals=decimals)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"no TOML text for {value!r}")


def key_lines(s: Spec, value: Any = MISSING, *, left_out: bool = False, gap: int | None = None,
              decimals: bool = False, comment: bool = True) -> list[str]:
    """The lines of one key: its notes, `key = value` (commented out when `left_out`) and its comment, at
    `COMMENT_COLUMN` or `gap` spaces after the value. The value is the declared default (or example, for a key
    left out) unless given."""
    if value is MISSING:
        value = s.example if left_out and s.example is not None else s.default
    text = f"{'# ' if left_out else ''}{s.key} = {toml_value(value, s.kind, decimals=decimals)}"
    lines = [f"# {n}" for n in s.note.splitlines()] if comment else []
    docs = s.doc.splitlines() if comment else []
    if not docs:
        return lines + [text]
    if gap is not None:
        text += " " * gap
    else:
        text = text.ljust(COMMENT_COLUMN) if len(text) < COMMENT_COLUMN else text + "  "
    return lines + [f"{text}# {docs[0]}"] + [" " * COMMENT_COLUMN + f"# {d}" for d in docs[1:]]


@dataclass(frozen=True)
class Table:
    """How a config table is written: its header, the schema class declaring its keys, comment text above and
    below the header, the keys shown first in this order (the rest follow as declared), the keys shown commented out,
    values that differ from the defaults, keys whose floats keep their decimals, and comment gaps by key."""

    header: str
    cls: type
    above: str = ""
    below: str = ""
    order: Sequence[str] = ()
    left_out: Sequence[str] = ()
    values: Mapping[str, Any] = field(default_factory=dict)
    decimals: Sequence[str] | bool = False
    gaps: Mapping[str, int] = field(default_factory=dict)

    def text(self) -> str:
        """The table's lines, each ending in a newline."""
        names = list(self.order) + [s.name for s in specs(self.cls) if s.name not in self.order]
        lines = [f"# {line}" if line else "" for line in self.above.splitlines()] + [self.header]
        lines += [f"# {line}" for line in self.below.splitlines()]
        for name in names:
            decimals = self.decimals if isinstance(self.decimals, bool) else name in self.decimals
            lines += key_lines(spec(self.cls, name), self.values.get(name, MISSING), left_out=name in self.left_out,
                               gap=self.gaps.get(name), decimals=decimals)
        return "".join(f"{line}\n" for line in lines)


def array_text(header: str, cls: type, entries: Sequence[Mapping[str, Any]], *, above: str = "") -> str:
    """An array of tables (`[[shifts]]`): the entries' keys in the order given, the first entry commented."""
    out = [f"# {line}" for line in above.splitlines()]
    for i, entry in enumerate(entries):
        out += ([""] if i else []) + [header]
        for name, value in entry.items():
            out += key_lines(spec(cls, name), value, comment=i == 0)
    return "".join(f"{line}\n" for line in out)


def _default_text(s: Spec) -> str:
    if s.required:
        return "(required)"
    if s.default is None or s.default == "":
        return "not set"
    if isinstance(s.default, Mapping) and len(s.default) > 3:
        return f"{len(s.default)} built-in entries"
    return f"`{toml_value(s.default, s.kind)}`"


def _accepted_text(s: Spec) -> str:
    if s.choices:
        return ", ".join(f"`{c}`" for c in s.choices)
    if s.lo is not None and s.hi is not None:
        return f"{s.lo:g} to {s.hi:g}"
    return {"clock": "HH:MM", "clock24": "HH:MM, 24:00", "bool": "true, false"}.get(s.kind or "", "")


def reference_markdown(tables: Mapping[str, type]) -> str:
    """Every key of `tables` (TOML table name -> schema class) as Markdown rows: key, default, accepted values and
    what it does, all from the declarations. The README's key reference is this text."""
    rows = ["| key | default | accepts | what |", "|---|---|---|---|"]
    for table, cls in tables.items():
        for s in specs(cls):
            what = (s.note or s.doc).replace("\n", " ")  # a note explains the key in full
            rows.append(f"| `{table}.{s.key}` | {_default_text(s)} | {_accepted_text(s)} | "
                        f"{what.replace('|', '/')} |")
    return "\n".join(rows) + "\n"


REFERENCE_START, REFERENCE_END = "<!-- config-keys:start -->", "<!-- config-keys:end -->"


def update_readme(path: str = "README.md") -> bool:
    """Rewrite the README's key reference (between the config-keys markers) from the schema; True if it changed."""
    from pathlib import Path

    from wfm.config.schema import TABLES

    readme = Path(path)
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(REFERENCE_START)
    _, _, tail = rest.partition(REFERENCE_END)
    new = f"{head}{REFERENCE_START}\n{reference_markdown(TABLES)}{REFERENCE_END}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python -m wfm.config.template: the README's key reference from the schema
    print("README.md updated" if update_readme() else "README.md already up to date")
