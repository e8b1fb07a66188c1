"""Port the real PyTorch programs in tests/programs/*/original/ to the tinygrad_rnn.torch dialect.

The port rewrites import statements only, and only those that name the package `torch`:

    import torch                      ->  import tinygrad_rnn.torch as torch
    import torch.nn as nn             ->  import tinygrad_rnn.torch.nn as nn
    import torch.nn                   ->  import tinygrad_rnn.torch as torch; import tinygrad_rnn.torch.nn
    from torch.utils.data import X    ->  from tinygrad_rnn.torch.utils.data import X
    from torch import nn              ->  from tinygrad_rnn.torch import nn

Every other byte of every file is copied unchanged, so `ported/` is `original/` with its torch imports
pointed at the dialect. Import statements are found with `ast` (not by pattern), so text that merely
looks like an import (in a docstring or a comment) is left alone.

    python tests/programs/port.py            # regenerate every */ported/ from its */original/
    python tests/programs/port.py --check    # exit 1 if a checked-in ported/ file differs from the port
    python tests/programs/port.py --diff     # show the import lines that the port changes
"""
from __future__ import annotations

import argparse
import ast
import difflib
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "tinygrad_rnn.torch"
_FROM_TORCH = re.compile(r"^(\s*from\s+)torch(?=[\s.])")


def _is_torch(name: str | None) -> bool:
    return name is not None and (name == "torch" or name.startswith("torch."))


def _rewrite_import(node: ast.Import) -> str:
    statements: list[str] = []
    needs_torch_binding = False
    plain: list[str] = []
    for alias in node.names:
        if not _is_torch(alias.name):
            plain.append(alias.name + (f" as {alias.asname}" if alias.asname else ""))
            continue
        new = f"tinygrad_rnn.{alias.name}"
        if alias.asname:
            statements.append(f"import {new} as {alias.asname}")
        elif alias.name == "torch":
            statements.append(f"import {PACKAGE} as torch")
        else:  # `import torch.nn` binds the name `torch` to the top package
            statements.append(f"import {new}")
            needs_torch_binding = True
    if needs_torch_binding and f"import {PACKAGE} as torch" not in statements:
        statements.insert(0, f"import {PACKAGE} as torch")
    if plain:
        statements.insert(0, "import " + ", ".join(plain))
    return "; ".join(statements)


def port_source(source: str) -> str:
    """Return `source` with every torch import statement pointed at tinygrad_rnn.torch."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []  # (line index, start col, end col, new text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_is_torch(a.name) for a in node.names):
            if node.lineno != node.end_lineno:
                raise ValueError(f"line {node.lineno}: multi-line `import` of torch is not supported")
            edits.append((node.lineno - 1, node.col_offset, node.end_col_offset, _rewrite_import(node)))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_torch(node.module):
            i = node.lineno - 1
            line = lines[i]
            head, tail = line[:node.col_offset], line[node.col_offset:]
            new_tail, n = _FROM_TORCH.subn(r"\1" + PACKAGE, tail, count=1)
            if n != 1:
                raise ValueError(f"line {node.lineno}: could not find the module of {tail.strip()!r}")
            edits.append((i, 0, len(line), head + new_tail))
    # apply right-to-left so column offsets stay valid; whole-line edits carry their own newline
    for i, start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        line = lines[i]
        if start == 0 and end == len(line):
            lines[i] = text
        else:
            # ast column offsets count UTF-8 bytes; convert to str indices
            raw = line.encode("utf-8")
            s = len(raw[:start].decode("utf-8"))
            e = len(raw[:end].decode("utf-8"))
            lines[i] = line[:s] + text + line[e:]
    return "".join(lines)


def program_dirs() -> list[Path]:
    return sorted(p.parent for p in HERE.glob("*/original") if p.is_dir())


def expected_files(program: Path) -> dict[str, str | bytes]:
    """Relative path -> content that ported/ should hold."""
    out: dict[str, str | bytes] = {}
    for src in sorted((program / "original").rglob("*")):
        if src.is_dir() or "__pycache__" in src.parts:
            continue
        rel = str(src.relative_to(program / "original"))
        if src.suffix == ".py":
            out[rel] = port_source(src.read_text(encoding="utf-8"))
        else:
            out[rel] = src.read_bytes()
    return out


def write(program: Path) -> None:
    dest = program / "ported"
    if dest.exists():
        shutil.rmtree(dest)
    for rel, content in expected_files(program).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)


def check(program: Path) -> list[str]:
    problems = []
    want = expected_files(program)
    dest = program / "ported"
    have = {str(p.relative_to(dest)) for p in dest.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts} if dest.exists() else set()
    for rel in sorted(set(want) | have):
        path = dest / rel
        if rel not in want:
            problems.append(f"{path}: not produced by the port (extra file)")
        elif rel not in have:
            problems.append(f"{path}: missing")
        else:
            content = want[rel]
            actual = path.read_text(encoding="utf-8") if isinstance(content, str) else path.read_bytes()
            if actual != content:
                problems.append(f"{path}: differs from the port of original/{rel}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="verify ported/ instead of writing it")
    ap.add_argument("--diff", action="store_true", help="print the lines the port changes")
    args = ap.parse_args(argv)
    status = 0
    for program in program_dirs():
        if args.diff:
            for src in sorted((program / "original").rglob("*.py")):
                a = src.read_text(encoding="utf-8").splitlines()
                b = port_source(src.read_text(encoding="utf-8")).splitlines()
                for line in difflib.unified_diff(a, b, f"original/{src.name}", f"ported/{src.name}", n=0,
                                                 lineterm=""):
                    print(f"{program.name}: {line}")
        elif args.check:
            for problem in check(program):
                print(problem)
                status = 1
        else:
            write(program)
            print(f"ported {program.name}")
    return status


if __name__ == "__main__":
    sys.exit(main())
