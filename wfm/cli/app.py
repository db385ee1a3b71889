"""The Typer application and the helpers every command shares."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

from wfm.errors import InputError, Problem

app = typer.Typer(
    name="wfm",
    help="Workforce management for customer-service hotlines: forecast, staff, roster, publish, what-if.\n\n"
    "Example: wfm demo --out sample",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

console = Console()
err_console = Console(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        from wfm import __version__

        console.print(f"wfm {__version__}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def _options(version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                          help="Print the version and exit.")) -> None:
    """Workforce management for customer-service hotlines: forecast, staff, roster, publish, what-if."""


TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls")


def output_path(given: Path | None, default: Path, force: bool) -> Path:
    """The path to write: `given` or `default`. Checked before any long work (exit 2, plain message): a given
    name ending in another table format than the output's (`.xlsx` for a CSV) is refused; the path must
    not exist unless `force` (`OutputExistsError`), and its folder must exist or be creatable and be writable
    (`wfm.atomic.OutputError`). Writing it later is exclusive without `force` (`wfm.atomic.write_group`), so a
    concurrent run that placed the file first still wins."""
    from wfm.atomic import check_writable
    from wfm.atomic_steps import OutputError

    path = Path(given) if given is not None else Path(default)
    writes, named = Path(default).suffix.lower(), path.suffix.lower()
    if named in TABLE_SUFFIXES and writes in TABLE_SUFFIXES and named != writes:
        raise OutputError(f"cannot write {path}: this output is a {writes} file (a {writes} file named {named} "
                          f"does not open in Excel); give a name ending in {writes}")
    check_writable(path, force)
    return path


def print_problems(problems: list[Problem]) -> None:
    """Print errors and warnings to stderr, errors first."""
    for p in sorted(problems, key=lambda p: p.severity != "error"):
        style = "red" if p.severity == "error" else "yellow"
        err_console.print(str(p), style=style, markup=False, highlight=False, soft_wrap=True)


def read_agents_noted(path: Path, config=None):
    """`wfm.readers.agents.read_agents` with its warnings (e.g. numbers read with a decimal comma) printed."""
    from wfm.readers.agents import read_agents

    warnings: list[Problem] = []
    agents = read_agents(path, config, warnings=warnings)
    print_problems(warnings)
    return agents


def read_roster_book(path: Path, config=None, agents=None, *, earlier: bool = False):
    """`wfm.publish.readback.read_roster` with its notes (e.g. a Roster sheet it could not read) printed."""
    from wfm.publish.readback import read_roster

    book = read_roster(path, config, agents, earlier=earlier)
    for note in book.notes:
        err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
    return book


def parse_date(text: str, option: str) -> dt.date:
    """A YYYY-MM-DD option value; bad input names the option (exit 2)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError([Problem(option, f"{text!r} is not a date (YYYY-MM-DD)")]) from None
