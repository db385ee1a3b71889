"""Problems found in user input, collected so that all of them are reported at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem in an input file. `row` is the 1-based row as a spreadsheet shows it (header = row 1)."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class Problems:
    """An accumulator of problems for one or more files."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str | Path, message: str, row: int | None = None, column: str | None = None) -> None:
        self.items.append(Problem(str(file), message, row, column, "error"))

    def warning(self, file: str | Path, message: str, row: int | None = None, column: str | None = None) -> None:
        self.items.append(Problem(str(file), message, row, column, "warning"))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.items)


class WfmError(Exception):
    """Base class of errors the CLI reports without a traceback."""

    exit_code = 2


class InputError(WfmError):
    """Bad input: carries every problem found (errors and warnings)."""

    def __init__(self, problems: list[Problem] | str, file: str | Path | None = None):
        if isinstance(problems, str):
            problems = [Problem(str(file) if file else "input", problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class EmptyTableError(InputError):
    """A table file with its header and no rows (an error for most inputs; today's actuals before the first
    interval is over may be empty)."""


class OutputExistsError(WfmError):
    """The output file exists and `--force` was not given."""

    def __init__(self, path: Path):
        super().__init__(f"{path} exists; pass --force to overwrite it")
