"""Code shape of the `wfm` package (issue 20): modules over 400 lines, functions over 80 lines, import cycles.
Plain script; prints a table and writes the code-shape section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/code_shape.py [--no-write]

Lines are physical lines of the file; a function's length runs from its `def` (decorators excluded) to its last
line. Import cycles are between modules of `wfm`, counting module-level imports only (an import inside a function
runs when called and does not tie the modules at import time); a package's `__init__` counts as its own module.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results import update_section  # noqa: E402

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def long_functions(tree: ast.AST) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = (node.end_lineno or node.lineno) - node.lineno + 1
            if n > MAX_FUNCTION_LINES:
                out.append((node.name, n))
    return out


def imports(tree: ast.Module, name: str, is_package: bool, known: set[str]) -> set[str]:
    deps: set[str] = set()
    base = name if is_package else name.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.Import):
            deps.update(a.name for a in node.names if a.name.startswith("wfm"))
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                up = base.split(".")[: len(base.split(".")) - node.level + 1]
                mod = ".".join(up + ([mod] if mod else []))
            if mod.startswith("wfm"):
                subs = {f"{mod}.{a.name}" for a in node.names} & known
                deps.update(subs)
                if len(subs) < len(node.names):  # some names are the module's own attributes
                    deps.add(mod)
    # a module's own parent packages are imported before it anyway: not a tie between modules
    return {d for d in deps if not name.startswith(d + ".")}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def measure() -> tuple[list[tuple[str, int]], list[tuple[str, str, int]], list[list[str]], int]:
    files = sorted((ROOT / "wfm").rglob("*.py"))
    big, long_fns, graph = [], [], {}
    known = {module_name(f) for f in files}
    for f in files:
        text = f.read_text(encoding="utf-8")
        name = module_name(f)
        n = len(text.splitlines())
        if n > MAX_MODULE_LINES:
            big.append((name, n))
        tree = ast.parse(text)
        long_fns += [(name, fn, k) for fn, k in long_functions(tree)]
        graph[name] = {d for d in imports(tree, name, f.name == "__init__.py", known) if d in known and d != name}
    return sorted(big, key=lambda x: -x[1]), sorted(long_fns, key=lambda x: -x[2]), cycles(graph), len(files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    big, long_fns, cyc, n_files = measure()
    lines = [f"`benchmarks/code_shape.py`: {n_files} modules in `wfm/`. Targets: no module over {MAX_MODULE_LINES} "
             f"lines, no function over {MAX_FUNCTION_LINES}, no import cycle.", "",
             f"- modules over {MAX_MODULE_LINES} lines: {len(big)}"
             + (": " + ", ".join(f"`{m}` {n}" for m, n in big) if big else ""),
             f"- functions over {MAX_FUNCTION_LINES} lines: {len(long_fns)}"
             + (": " + ", ".join(f"`{m}.{f}` {n}" for m, f, n in long_fns) if long_fns else ""),
             f"- import cycles (module-level imports): {len(cyc)}"
             + (": " + "; ".join(" <-> ".join(c) for c in cyc) if cyc else "")]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        update_section("code-shape", "## Code shape (issue 20)\n\n" + text + "\n")


if __name__ == "__main__":
    main()
