"""The documents cannot rot: their code runs, their file:line references hold, their examples work.

- Every ```python block of docs/*.md, CONTRIBUTING.md and README.md runs, in order, one namespace per file, in a
  scratch directory. Blocks that import torch run only where torch is installed. ```py blocks are
  quotes that are not run (a method body out of its class, one line of a cell).
- A ```python or ```py block whose first line is `# PATH.py` (a file of the repository) is an
  excerpt: the rest must appear verbatim in that file, so the code the reader sees is the real code.
- Every `tinygrad_rnn/...py:N` reference names an existing line; in a table with `code` and
  `symbols` columns, each `backticked` symbol must appear on the referenced line.
- The worked extensions of docs/extending.md (docs/examples/mgu_cell.py, docs/examples/new_op.py)
  are checked against plain-numpy oracles and central differences, plugged into the library's
  sequence layer, drawing and truncated BPTT without any library file edited.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn import viz
from tinygrad_rnn.autograd import topological_order
from tinygrad_rnn.train import tbptt

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [p for p in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "CONTRIBUTING.md", ROOT / "README.md"]
             if p.exists()]
HAS_TORCH = importlib.util.find_spec("torch") is not None
REFERENCE = re.compile(r"(tinygrad_rnn/[\w/]+\.py):(\d+)")
IMPORTS_TORCH = re.compile(r"^\s*(import torch|from torch\b)", re.MULTILINE)
EXCERPT = re.compile(r"# ((?:tinygrad_rnn|docs|demos|tests|benchmarks)/[\w/]+\.py)\n")


# ---------------------------------------------------------------- reading the markdown
def python_blocks(path: Path, fences: tuple = ("python",)) -> list:
    """(first code line number, code) of every block fenced as ```python (or another of `fences`)."""
    blocks, start, lines = [], None, path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if start is None and line.strip()[3:] in fences and line.strip().startswith("```"):
            start, body = number + 1, []
        elif start is not None and line.strip() == "```":
            blocks.append((start, "\n".join(body) + "\n"))
            start = None
        elif start is not None:
            body.append(line)
    assert start is None, f"{path.name}: a code block opened before line {start} is never closed"
    return blocks


def table_rows(path: Path) -> list:
    """(line number, {column: cell}) for each data row of every table with `code` and `symbols` columns."""
    rows, header = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
        elif not set("".join(cells)) <= set("-: ") and {"code", "symbols"} <= set(header):
            assert len(cells) == len(header), f"{path.name}:{number}: {len(cells)} cells, the header {len(header)}"
            rows.append((number, dict(zip(header, cells))))
    return rows


def source_line(file: str, number: int) -> str | None:
    """Line `number` (1-based) of a file in the repository, or None past its end."""
    lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
    return lines[number - 1] if 1 <= number <= len(lines) else None


def lines_with(file: str, symbols: list) -> list:
    """The line numbers of `file` that contain every symbol (where a moved reference went)."""
    lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, start=1) if all(s in line for s in symbols)]


# ---------------------------------------------------------------- the documents
def test_the_documents_exist():
    names = {p.name for p in DOC_FILES}
    assert {"tour.md", "equations.md", "extending.md", "pytorch.md", "CONTRIBUTING.md"} <= names


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.name)
def test_python_blocks_run(path, tmp_path, monkeypatch):
    """Each block runs after the ones before it in the same namespace; a failure points at its line
    in the markdown file (the code is padded so the traceback's line numbers are the file's)."""
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs_{path.stem}"}
    state = tr.rng.default_generator().bit_generator.state
    try:
        for start, code in python_blocks(path):
            if IMPORTS_TORCH.search(code) and not HAS_TORCH:
                continue
            exec(compile("\n" * (start - 1) + code, str(path), "exec"), namespace)
    finally:
        tr.rng.default_generator().bit_generator.state = state


def test_torch_blocks_skipped_only_without_torch():
    torch_blocks = [(p.name, start) for p in DOC_FILES for start, code in python_blocks(p)
                    if IMPORTS_TORCH.search(code)]
    assert torch_blocks, "docs/pytorch.md should show the round trip through PyTorch"
    if not HAS_TORCH:
        pytest.skip(f"torch is not installed: {len(torch_blocks)} blocks not run ({torch_blocks})")


def test_excerpts_are_verbatim():
    found = 0
    for path in DOC_FILES:
        for start, code in python_blocks(path, fences=("python", "py")):
            match = EXCERPT.match(code)
            if match:
                found += 1
                source = (ROOT / match.group(1)).read_text(encoding="utf-8")
                assert code[match.end():] in source, \
                    f"{path.name}:{start}: this excerpt is no longer a verbatim part of {match.group(1)}"
    assert found >= 5, "docs/extending.md quotes both worked examples, CONTRIBUTING.md the style's examples"


def test_file_line_references_exist():
    checked = 0
    for path in DOC_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for file, ref in REFERENCE.findall(line):
                checked += 1
                assert (ROOT / file).exists(), f"{path.name}:{number}: {file} does not exist"
                assert source_line(file, int(ref)) is not None, f"{path.name}:{number}: {file} has no line {ref}"
    assert checked >= 50


def test_referenced_lines_hold_their_symbols():
    rows = table_rows(ROOT / "docs" / "equations.md")
    assert len(rows) >= 50
    for number, row in rows:
        refs = REFERENCE.findall(row["code"])
        symbols = re.findall(r"`([^`]+)`", row["symbols"])
        assert len(refs) == 1 and symbols, f"equations.md:{number}: need one file:line and some `symbols`"
        file, ref = refs[0]
        line = source_line(file, int(ref))
        missing = [s for s in symbols if s not in line]
        assert not missing, (f"equations.md:{number}: {file}:{ref} reads {line.strip()!r}, without {missing}; "
                             f"lines with all the symbols now: {lines_with(file, symbols)}")


# ---------------------------------------------------------------- the worked extensions
def load_example(name: str):
    """Import docs/examples/NAME.py by path (docs/ is not a package)."""
    path = ROOT / "docs" / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mgu():
    return load_example("mgu_cell")


@pytest.fixture(scope="module")
def new_op():
    return load_example("new_op")


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def mgu_numpy(x, h, w_ih, w_hh, b_ih, b_hh):
    """The MGU step of Zhou et al. (2016), plain numpy: one gate f both resets and updates."""
    H = h.shape[-1]
    a = x @ w_ih.T + b_ih
    f = sigmoid(a[..., :H] + h @ w_hh[:H].T + b_hh[:H])
    n = np.tanh(a[..., H:] + (f * h) @ w_hh[H:].T + b_hh[H:])
    return (1 - f) * h + f * n


def cell_weights(cell) -> tuple:
    return cell.weight_ih.data, cell.weight_hh.data, cell.bias_ih.data, cell.bias_hh.data


@pytest.mark.parametrize("batch", [None, 3])
def test_mgu_cell_matches_the_paper(mgu, batch):
    tr.manual_seed(1)
    cell = mgu.MGUCell(4, 5)
    rng = np.random.default_rng(0)
    shape = (4,) if batch is None else (batch, 4)
    x, h = rng.standard_normal(shape), rng.standard_normal(shape[:-1] + (5,))
    out = cell(tr.Tensor(x), tr.Tensor(h))
    np.testing.assert_allclose(out.data, mgu_numpy(x, h, *cell_weights(cell)), rtol=1e-12, atol=1e-12)
    assert cell.weight_ih.shape == (10, 4) and cell.weight_hh.shape == (10, 5)


def test_mgu_layer_gradients_stacked_bidirectional_with_lengths(mgu):
    tr.manual_seed(2)
    layer = mgu.MGU(2, 2, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(1)
    x = tr.Tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)      # (T, B, I)
    h0 = tr.Tensor(rng.standard_normal((4, 2, 2)), requires_grad=True)     # (L*D, B, H)

    def run(x, h0, *parameters):          # gradcheck nudges the parameters in place, the layer reads them
        out, h_n = layer(x, h0, lengths=[3, 2])
        return tr.concatenate([out.reshape(-1), h_n.reshape(-1)])
    assert tr.gradcheck(run, x, h0, *layer.parameters())


def test_mgu_lengths_equal_each_sequence_alone(mgu):
    tr.manual_seed(3)
    layer = mgu.MGU(2, 3, bidirectional=True)
    x = np.random.default_rng(2).standard_normal((5, 3, 2))
    lengths = [2, 5, 3]
    out, h_n = layer(tr.Tensor(x), lengths=lengths)
    for b, n in enumerate(lengths):
        alone, h_alone = layer(tr.Tensor(x[:n, b]))                           # unbatched: (T, I)
        np.testing.assert_allclose(out.data[:n, b], alone.data, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(out.data[n:, b], 0.0)
        np.testing.assert_allclose(h_n.data[:, b], h_alone.data, rtol=1e-12, atol=1e-12)


def test_mgu_bidirectional_and_stacked_are_the_plain_layers_composed(mgu):
    """Layer k of a 2-layer bidirectional stack is a forward MGU plus an MGU run on the reversed
    sequence, each with that layer's weights, their outputs concatenated and fed to layer k + 1."""
    tr.manual_seed(4)
    deep = mgu.MGU(2, 3, num_layers=2, bidirectional=True, batch_first=True)
    x = np.random.default_rng(3).standard_normal((2, 4, 2))                # (B, T, I)
    out, h_n = deep(tr.Tensor(x))
    state = deep.state_dict()
    for k in range(2):
        halves = []
        for d, suffix in enumerate(("", "_reverse")):
            single = mgu.MGU(x.shape[-1], 3, batch_first=True)
            single.load_state_dict({key: state[key.replace("_l0", f"_l{k}") + suffix]       # layer k's weights
                                    for key in single.state_dict()})
            seq = x if d == 0 else x[:, ::-1]
            half, h_last = single(tr.Tensor(seq))
            halves.append(half.data if d == 0 else half.data[:, ::-1])
            np.testing.assert_allclose(h_n.data[2 * k + d], h_last.data[0], rtol=1e-12, atol=1e-12)
        x = np.concatenate(halves, axis=2)                                   # (B, T, 2H): layer k+1's input
    np.testing.assert_allclose(out.data, x, rtol=1e-12, atol=1e-12)


def test_mgu_parameters_have_pytorch_names(mgu):
    layer = mgu.MGU(2, 3, num_layers=2, bidirectional=True)
    names = list(layer.state_dict())
    assert names[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert "weight_hh_l1_reverse" in names and len(names) == 16
    assert layer.state_dict()["weight_ih_l1"].shape == (6, 6)                # (2H, D*H)


def test_mgu_steps_are_scoped_and_drawn(mgu):
    tr.manual_seed(5)
    layer = mgu.MGU(2, 3, num_layers=2, bidirectional=True)
    out, _ = layer(tr.Tensor(np.ones((3, 1, 2))))
    loss = out.sum()
    steps = {n.scope for n in topological_order(loss, only_grad=False) if len(n.scope) == 3}
    expected = {(f"MGU.l{k}", d, f"t={t}") for k in range(2) for d in ("forward", "reverse") for t in (1, 2, 3)}
    assert steps == expected
    source = viz.draw(loss, detail="cell").source
    assert source.count(">MGU<") == 12 and "MGU layer 1" in source           # T * L * D collapsed steps


def test_mgu_truncated_bptt(mgu):
    """tbptt with k1 = k2 = T is full BPTT; with k1 = k2 = 2 it is BPTT with the state detached every
    2 steps, written out here by hand."""
    tr.manual_seed(6)
    cell, head = mgu.MGUCell(2, 3), tr.nn.Linear(3, 1)
    xs = [tr.Tensor(x) for x in np.random.default_rng(4).standard_normal((6, 1, 2))]

    def step(x, h):
        h = cell(x, h)
        return (head(h) ** 2).sum(), h

    def grads(k):
        cell.zero_grad()
        head.zero_grad()
        tbptt(step, xs, cell.init_state(1), k1=k, k2=k)
        return [p.grad.copy() for p in cell.parameters()]

    def by_hand(chunk):
        cell.zero_grad()
        h = cell.init_state(1)
        for start in range(0, len(xs), chunk):
            h, total = h.detach(), None
            for x in xs[start:start + chunk]:
                loss, h = step(x, h)
                total = loss if total is None else total + loss
            total.backward()
        return [p.grad.copy() for p in cell.parameters()]

    for k in (6, 2):
        for a, b in zip(grads(k), by_hand(k)):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_softplus_forward_and_extremes(new_op):
    a = np.array([-800.0, -3.0, 0.0, 2.0, 800.0])
    x = tr.Tensor(a, requires_grad=True)
    y = new_op.softplus(x)
    np.testing.assert_allclose(y.data[1:4], np.log1p(np.exp(a[1:4])), rtol=1e-14)
    assert y.data[0] == 0.0 and y.data[-1] == 800.0
    y.sum().backward()
    e = np.exp(-np.abs(a))                                                  # no overflow either side
    sigmoid_a = np.where(a >= 0, 1 / (1 + e), e / (1 + e))
    np.testing.assert_allclose(x.grad, sigmoid_a, rtol=1e-14)               # softplus' = sigmoid


def test_softplus_gradcheck_inside_a_network(new_op):
    rng = np.random.default_rng(5)
    w = tr.Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    x = tr.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    assert tr.gradcheck(lambda x, w: new_op.softplus(x @ w) * new_op.softplus(x @ w), x, w)


def test_softplus_label_dtype_and_errors(new_op):
    x = tr.Tensor(np.ones((2, 2), dtype=np.float32), requires_grad=True)
    y = new_op.softplus(x)
    y.sum().backward()
    assert y.op == "softplus" and y.dtype == np.float32 and x.grad.dtype == np.float32
    assert ">softplus<" in viz.draw(y.sum(), detail="op").source
    with tr.no_grad():
        assert not new_op.softplus(x).requires_grad
    with pytest.raises(TypeError, match=r"softplus\(x\) expects a Tensor, got list"):
        new_op.softplus([1.0, 2.0])


def test_pictures_the_documents_show_exist():
    shown = 0
    for path in DOC_FILES:
        for src in re.findall(r'<img src="([^"]+)"|!\[[^\]]*\]\(([^)]+)\)', path.read_text()):
            target = path.parent / (src[0] or src[1])
            assert target.is_file(), f"{path.name} shows {src[0] or src[1]}, which does not exist"
            shown += 1
    assert shown >= 20                     # README: drawings and one picture per demo; the tour's drawings


def test_every_demo_has_a_readme_picture():
    spec = importlib.util.spec_from_file_location("demo_pictures", ROOT / "scripts" / "demo_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    demos = {p.stem for p in (ROOT / "demos").glob("*.py") if not p.stem.startswith("_")} - {"text_data"}
    assert set(module.PICTURES) == demos
    readme = (ROOT / "README.md").read_text()
    assert all(f"docs/img/demos/{name}." in readme for name in demos)


def test_every_name_in_the_dialect_table_exists():
    """docs/pytorch.md's table of the PyTorch dialect names only what tinygrad_rnn.torch has."""
    import importlib
    text = (ROOT / "docs" / "pytorch.md").read_text(encoding="utf-8")
    table = text[text.index("### What is supported"):text.index("### Where the dialect lives")]
    names = re.findall(r"`(torch\.[\w.]+)`", table)
    assert len(names) > 150
    missing = []
    for name in names:
        obj = importlib.import_module("tinygrad_rnn.torch")
        for part in name.split(".")[1:]:
            obj = getattr(obj, part, None)
        if obj is None:
            missing.append(name)
    assert not missing, f"docs/pytorch.md lists names the dialect does not have: {missing}"
