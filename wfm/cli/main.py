"""Entry point: registers the commands and turns known errors into exit codes without tracebacks."""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()  # when this run began (reset by `main`): a command's time promise counts from it
STARTED_CPU = time.process_time()  # the process's CPU time then: wall over CPU since says how busy the machine is
from collections.abc import Sequence  # noqa: E402 - STARTED first: the time promise counts the imports

import typer  # noqa: E402

try:  # typer >= 0.22 ships its own copy of click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exc

from wfm.cli import app as app_module  # noqa: E402
from wfm.errors import InputError, WfmError  # noqa: E402

# Command modules register themselves on `app` when imported.
from wfm.cli import workspace  # noqa: F401,E402
from wfm.cli import forecast  # noqa: F401,E402
from wfm.cli import staff  # noqa: F401,E402
from wfm.cli import roster  # noqa: F401,E402
from wfm.cli import export  # noqa: F401,E402
from wfm.cli import simulate  # noqa: F401,E402
from wfm.cli import whatif  # noqa: F401,E402
from wfm.cli import intraday  # noqa: F401,E402
from wfm.cli import adherence  # noqa: F401,E402


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; exit 0 done, 1 ran but fell short, 2 bad input or usage."""
    global STARTED, STARTED_CPU
    STARTED, STARTED_CPU = time.perf_counter(), time.process_time()
    command = typer.main.get_command(app_module.app)
    try:
        code = command.main(args=list(argv) if argv is not None else None, prog_name="wfm", standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        app_module.err_console.print("aborted")
        code = 1
    except click_exc.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except InputError as exc:
        app_module.print_problems(exc.problems)
        n = len(exc.errors)
        app_module.err_console.print(f"{n} error{'s' if n != 1 else ''} in the input; nothing was written.")
        code = 2
    except WfmError as exc:
        app_module.err_console.print(f"error: {exc}", markup=False, highlight=False)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = 130
    if code == 130:  # Ctrl-C (typer returns it as exit code 130): every output is written atomically at the end
        app_module.err_console.print("interrupted (Ctrl-C): the step under way wrote nothing")
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
