"""Architecture rules that import-linter cannot express: only cli.py writes to stdout.

(Import boundaries themselves are import-linter contracts in .importlinter, run by scripts/test.sh.)
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "podwhy"


def _writes_stdout(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        # print(..., file=stream) to a stream the caller handed in is not stdout
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print" \
                and not any(k.arg == "file" for k in node.keywords):
            lines.append(node.lineno)
        if isinstance(node, ast.Attribute) and node.attr == "stdout" and isinstance(node.value, ast.Name) \
                and node.value.id == "sys":
            lines.append(node.lineno)
    return lines


def test_only_cli_writes_stdout() -> None:
    offenders = {}
    for path in SRC.rglob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        lines = _writes_stdout(ast.parse(path.read_text(), str(path)))
        if lines:
            offenders[str(path.relative_to(SRC))] = lines
    assert offenders == {}
