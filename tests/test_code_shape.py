"""Code shape: no function over MAX_LINES lines (docstring excluded) outside the tests.

Long functions hide several jobs; split them. The few that stay long are listed in
ALLOWED with the reason, so a new long function fails here instead of creeping in.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Code checked: the library packages and the two shells.
CHECKED = ("geo", "planning", "exports", "store", "sim", "ui", "app.py", "cli.py")
MAX_LINES = 60

#: Functions allowed to be longer, {qualified name: reason}. Keep it short.
ALLOWED: dict[str, str] = {
    "planning.plan.make_plan": (
        "the one planning pipeline, read top to bottom: each stage is already a helper; "
        "left whole while the perf work on this branch reorders its stages"
    ),
}

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def _files() -> list[Path]:
    out: list[Path] = []
    for name in CHECKED:
        path = ROOT / name
        out.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return out


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _docstring_lines(node: FunctionNode) -> int:
    first = node.body[0]
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    return (first.end_lineno or first.lineno) - first.lineno + 1 if is_doc else 0


def function_lengths(tree: ast.Module, module: str) -> dict[str, int]:
    """Lines per function (``def`` line to last line, docstring excluded), by qualified name."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}.{child.name}"
                end = child.end_lineno or child.lineno
                lengths[name] = end - child.lineno + 1 - _docstring_lines(child)
                visit(child, name)
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}.{child.name}")
            else:
                visit(child, prefix)

    visit(tree, module)
    return lengths


def _all_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        lengths.update(function_lengths(tree, _module_name(path)))
    return lengths


def test_no_function_is_longer_than_the_cap():
    lengths = _all_lengths()
    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES and name not in ALLOWED}
    listing = "\n".join(f"  {name}: {n} lines" for name, n in sorted(too_long.items()))
    assert not too_long, (
        f"Functions over {MAX_LINES} lines (docstring excluded); split them or add them "
        f"to ALLOWED in tests/test_code_shape.py with a reason:\n{listing}"
    )


def test_allowlist_has_reasons_and_no_stale_entries():
    lengths = _all_lengths()
    for name, reason in ALLOWED.items():
        assert reason.strip(), f"{name}: give the reason it may stay long"
        assert name in lengths, f"{name} no longer exists: remove it from ALLOWED"
        assert lengths[name] > MAX_LINES, f"{name} is short now: remove it from ALLOWED"


def test_the_checker_counts_lines_without_the_docstring():
    source = '''
class A:
    def f(self):
        """Doc
        string."""
        x = 1
        return x

def g():
    def inner():
        return 1
    return inner()
'''
    lengths = function_lengths(ast.parse(source), "m")
    assert lengths == {"m.A.f": 3, "m.g": 4, "m.g.inner": 2}


def test_ci_runs_the_static_checks_before_the_tests():
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    pytest_at = script.index("-m pytest")
    for check in ("ruff check .", "ruff format --check .", "lint-imports", "/mypy"):
        assert check in script, f"scripts/test.sh does not run {check!r}"
        assert script.index(check) < pytest_at, f"{check!r} must run before pytest"
    assert "set -euo pipefail" in script  # a failing check stops the run
