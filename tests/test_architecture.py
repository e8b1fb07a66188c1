"""The shape of the package, as issue 12 fixed it: a small engine that names no op, strict layers with
no import cycle (function-level imports count), and files short enough to read."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tinygrad_rnn"
OPS = {"sub", "mul", "div", "neg", "pow", "exp", "log", "tanh", "sigmoid", "relu", "sum", "max", "mean",
       "matmul", "linear", "reshape", "transpose", "index", "getitem", "astype", "concatenate", "stack", "where",
       "IndexedGrad", "ProductGrad", "np", "numpy", "softmax", "cross_entropy"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set:
    """Every tinygrad_rnn module `path` imports, at any depth of its code."""
    name, found = module_name(path), set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("tinygrad_rnn"):
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if (PACKAGE.parent / (sub.replace(".", "/") + ".py")).exists()
                              or (PACKAGE.parent / sub.replace(".", "/")).is_dir() else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("tinygrad_rnn")}
    return found - {name}


def graph() -> dict:
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def test_no_module_imports_one_that_imports_it_back():
    edges = graph()
    # a package's __init__ gathers its modules for users; it is not a layer of its own
    edges = {m: {t for t in ts if t not in {"tinygrad_rnn", "tinygrad_rnn.nn", "tinygrad_rnn.viz"}}
             for m, ts in edges.items()}
    state, cycles = {}, []

    def visit(m, path):
        state[m] = "open"
        for t in sorted(edges.get(m, ())):
            if state.get(t) == "open":
                cycles.append(path[path.index(t):] + [t])
            elif t not in state:
                visit(t, path + [t])
        state[m] = "done"
    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert not cycles, f"import cycles: {cycles}"


def test_the_engine_is_at_the_bottom():
    edges = graph()
    assert edges["tinygrad_rnn.checks"] == set() and edges["tinygrad_rnn.op_checks"] <= {"tinygrad_rnn.checks"}
    assert edges["tinygrad_rnn.modes"] <= {"tinygrad_rnn.checks"}
    assert edges["tinygrad_rnn.hooks"] == set()
    assert edges["tinygrad_rnn.autograd"] <= {"tinygrad_rnn.checks", "tinygrad_rnn.modes", "tinygrad_rnn.hooks"}
    for low in ("tinygrad_rnn.shape_ops", "tinygrad_rnn.matmul", "tinygrad_rnn.broadcast"):
        assert not any(t.startswith(("tinygrad_rnn.tensor", "tinygrad_rnn.nn", "tinygrad_rnn.viz")) for t in edges[low])


def code_lines(path: Path) -> int:
    """Lines that are neither blank, comments nor docstrings."""
    source = path.read_text()
    docs = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            docs.update(range(body[0].lineno, body[0].end_lineno + 1))
    return sum(1 for i, line in enumerate(source.splitlines(), 1)
               if line.strip() and not line.strip().startswith("#") and i not in docs)


def test_the_engine_is_small_and_names_no_op():
    engine = PACKAGE / "autograd.py"
    assert code_lines(engine) <= 120
    names = {n.id for n in ast.walk(ast.parse(engine.read_text())) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(ast.parse(engine.read_text())) if isinstance(n, ast.Attribute)}
    assert not names & OPS, f"autograd.py names {names & OPS}"     # ("add" is also set.add: not listed)


def test_every_library_file_is_at_most_250_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 250}
    assert not long, long


def test_ops_raise_nothing_of_their_own_outside_their_checks():
    """Validation lives in the checkers: an op module raises only to reword numpy's own refusal."""
    for name in ("tensor.py", "scalar.py", "shape_ops.py", "matmul.py", "join.py", "nn/functional.py"):
        tree = ast.parse((PACKAGE / name).read_text())
        handlers = {id(r) for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler)
                    for r in ast.walk(h) if isinstance(r, ast.Raise)}
        stray = [r.lineno for r in ast.walk(tree) if isinstance(r, ast.Raise) and id(r) not in handlers]
        assert not stray, f"{name} raises at lines {stray}"
