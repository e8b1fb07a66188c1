"""Tests for tinygrad_rnn.viz: structure read off the Digraph source (no dot needed), the layout dot
actually makes (step boxes in time order), real SVG/PNG/PDF files, and the missing-dot error.

Graphs come from two sources: hand-written loops (an Elman RNN and an LSTM cell written in Tensor ops
under the layers' scope convention), whose op counts and hidden states the tests know independently,
and the library's own sequence layers.
"""
import contextlib
import json
import math
import re
import sys
import time
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.viz as viz
from tinygrad_rnn.nn import Module, Parameter
from tinygrad_rnn.viz import check, rendering as render_module
from tinygrad_rnn.viz.colour import GradScale, luminance
from tinygrad_rnn.viz.drawing import AUTO_OP_LIMIT

ELMAN_STEP_OPS = 8      # index x[t], transpose W_ih, matmul, transpose W_hh, matmul, add, add, tanh


class Cell(Module):
    """Parameters of a hand-written Elman or LSTM cell (G = 1 or 4 gates)."""

    def __init__(self, inputs: int, hidden: int, gates: int, scale: float = 1.0):
        rng = np.random.default_rng(0)
        self.weight_ih = Parameter(rng.uniform(-0.5, 0.5, (gates * hidden, inputs)))
        self.weight_hh = Parameter(scale * rng.uniform(-0.5, 0.5, (gates * hidden, hidden)))
        self.bias = Parameter(np.zeros(gates * hidden))


class Net(Module):
    """Holds a cell or layer as `rnn`, so its parameters are named rnn.weight_ih etc."""

    def __init__(self, rnn: Module):
        self.rnn = rnn


def elman(steps=3, hidden=3, batch=2, scopes=("RNN.l0", "forward"), base=1, scale=1.0):
    """Loss of an Elman RNN unrolled by hand; returns (loss, net, [h_1 .. h_T])."""
    net = Net(Cell(2, hidden, 1, scale))
    x = tr.Tensor(np.random.default_rng(1).normal(size=(steps, batch, 2)))
    h, hs = tr.Tensor(np.zeros((batch, hidden))), []
    with contextlib.ExitStack() as outer:
        for name in scopes:
            outer.enter_context(tr.scope(name))
        for t in range(steps):
            with tr.scope(f"t={t + base}"):
                h = (x[t] @ net.rnn.weight_ih.T + h @ net.rnn.weight_hh.T + net.rnn.bias).tanh()
                hs.append(h)
    return (h * h).sum(), net, hs


def lstm(steps=4, hidden=3, batch=2):
    """Loss of an LSTM unrolled by hand (gates i, f, g, o); returns (loss, [h_t], [c_t])."""
    net = Net(Cell(2, hidden, 4))
    x = tr.Tensor(np.random.default_rng(2).normal(size=(steps, batch, 2)))
    h = c = tr.Tensor(np.zeros((batch, hidden)))
    hs, cs, H = [], [], hidden
    with tr.scope("LSTM.l0"), tr.scope("forward"):
        for t in range(steps):
            with tr.scope(f"t={t + 1}"):
                a = x[t] @ net.rnn.weight_ih.T + h @ net.rnn.weight_hh.T + net.rnn.bias
                i, f = a[:, :H].sigmoid(), a[:, H:2 * H].sigmoid()
                g, o = a[:, 2 * H:3 * H].tanh(), a[:, 3 * H:].sigmoid()
                c = f * c + i * g
                h = o * c.tanh()
                hs.append(h)
                cs.append(c)
    return (h * h).sum(), hs, cs


def layer_loss(kind="LSTM", steps=3, layers=1, bidirectional=False):
    """out.sum() of a library sequence layer on random data (every step reaches the loss)."""
    tr.manual_seed(0)
    model = Net(getattr(tr.nn, kind)(2, 3, num_layers=layers, bidirectional=bidirectional))
    out, _ = model.rnn(tr.Tensor(np.random.default_rng(3).normal(size=(steps, 2, 2))))
    return out.sum()


def clusters(source: str) -> list:
    """The labels of the clusters in declaration order."""
    return re.findall(r'label="?([^"\n]*?)"? labeljust', source)


def node_lines(source: str, text: str) -> list:
    """Declarations (not edges) of nodes whose label contains `text`."""
    return [line for line in source.splitlines() if "->" not in line and text in line]


def edges_from(source: str, name: str) -> list:
    """Edge lines leaving node `name`."""
    return [line for line in source.splitlines() if re.match(rf"\s*{name} -> ", line)]


def node_name(source: str, text: str) -> str:
    (line,) = node_lines(source, text)
    return line.split()[0]


# ---------------------------------------------------------------- structure, from the source
def test_one_box_per_step_nested_in_layer_and_direction_in_time_order():
    loss, _, _ = elman(steps=4)
    src = viz.draw(loss, detail="op").source
    assert clusters(src) == ["RNN layer 0", "forward", "t = 1", "t = 2", "t = 3", "t = 4"]


def test_a_bare_user_loop_counting_from_zero_gets_boxes_in_time_order():
    loss, _, _ = elman(steps=3, scopes=(), base=0)
    assert [c for c in clusters(viz.draw(loss, detail="op").source) if c.startswith("t")] == \
        ["t = 0", "t = 1", "t = 2"]


def test_layers_and_directions_each_get_their_steps():
    src = viz.draw(layer_loss("GRU", steps=3, layers=2, bidirectional=True), detail="op").source
    boxes = clusters(src)
    assert boxes.count("forward") == boxes.count("reverse") == 2
    assert sorted(c for c in boxes if c.startswith("t = ")) == sorted([f"t = {t}" for t in (1, 2, 3)] * 4)
    assert {"GRU layer 0", "GRU layer 1"} <= set(boxes)


def test_each_parameter_is_drawn_once_with_one_arrow_per_step():
    steps = 5
    loss, _, _ = elman(steps=steps)
    for detail in ("op", "cell"):
        src = viz.draw(loss, detail=detail).source
        for name in ("rnn.weight_ih", "rnn.weight_hh", "rnn.bias"):
            assert len(node_lines(src, f"<B>{name}</B>")) == 1
            assert len(edges_from(src, node_name(src, f"<B>{name}</B>"))) == steps


def test_a_layer_shares_its_weights_across_steps_and_projects_the_inputs_once():
    src = viz.draw(layer_loss("LSTM", steps=4), detail="cell").source
    assert len(edges_from(src, node_name(src, "<B>rnn.weight_hh_l0</B>"))) == 4
    assert len(edges_from(src, node_name(src, "<B>rnn.weight_ih_l0</B>"))) == 1   # x W_ih^T for all t


def test_collapsed_cells_are_steps_times_layers_times_directions():
    src = viz.draw(layer_loss("LSTM", steps=3, layers=2, bidirectional=True), detail="cell").source
    cells = node_lines(src, "<B>LSTM</B>")
    assert len(cells) == 3 * 2 * 2
    assert sorted(re.search(r"t = (\d)", line).group(1) for line in cells) == sorted("123" * 4)


def test_a_collapsed_cell_counts_the_ops_of_one_step():
    loss, _, _ = elman(steps=3)
    cell_src, op_src = viz.draw(loss, detail="cell").source, viz.draw(loss, detail="op").source
    assert len(re.findall(rf"{ELMAN_STEP_OPS} ops", cell_src)) == 3
    # the same number, counted on the op-level drawing: the op nodes inside box t = 2
    box = op_src.split('label="t = 2"')[1].split("subgraph")[0]
    assert len([line for line in box.splitlines() if "<B>" in line and "constant" not in line]) == ELMAN_STEP_OPS


def test_the_rolled_view_has_one_node_and_one_self_loop_per_cell():
    steps = 4
    src = viz.draw(layer_loss("RNN", steps=steps, layers=2, bidirectional=True), detail="rolled").source
    loops = re.findall(rf"(u\d+) -> \1 \[label=\" {steps} steps\"", src)
    assert len(loops) == len(set(loops)) == 4
    assert len(node_lines(src, "ops per step")) == 4
    assert "t = " not in src


def test_labels_carry_shapes_and_module_paths():
    src = viz.draw(layer_loss("LSTM"), detail="op").source
    assert "<B>rnn.weight_hh_l0</B><BR/><FONT POINT-SIZE=\"9\">(12, 3)</FONT>" in src
    assert "<B>linear</B><BR/><FONT POINT-SIZE=\"9\">(2, 12)</FONT>" in src
    assert "(12, 3)" not in viz.draw(layer_loss("LSTM"), detail="op", show_shapes=False).source


def test_a_scalar_graph_is_drawn_micrograd_style():
    a, b = tr.Value(2.0, name="a"), tr.Value(-3.0, name="b")
    out = a * a + b
    out.backward()
    src = viz.draw(out).source
    assert "rankdir=LR" in src
    assert "<TD><FONT COLOR=\"#000000\">a</FONT></TD><TD><FONT COLOR=\"#000000\">data 2.0000</FONT></TD>" \
           "<TD><FONT COLOR=\"#000000\">grad 4.0000</FONT></TD>" in src
    bubble = node_name(src, "<B>*</B>")
    a_node = node_name(src, ">a<")
    assert len([line for line in src.splitlines() if re.match(rf"\s*{a_node} -> {bubble}\b", line)]) == 2  # a * a


def test_auto_picks_op_detail_for_small_graphs_and_cells_for_large_ones():
    small, _, _ = elman(steps=2)
    assert "t = 1" in clusters(viz.draw(small).source)
    large, _, _ = elman(steps=AUTO_OP_LIMIT // ELMAN_STEP_OPS + 2)
    src = viz.draw(large).source
    assert not any(c.startswith("t = ") for c in clusters(src)) and f"{ELMAN_STEP_OPS} ops" in src


def test_too_many_nodes_switch_op_detail_to_cells_then_time_is_folded():
    loss, _, _ = elman(steps=6)
    with pytest.warns(UserWarning, match=r"exceed max_nodes=20; drawing at detail='cell'"):
        src = viz.draw(loss, detail="op", max_nodes=20).source
    assert len(re.findall(r"<B>RNN</B>", src)) == 6
    with pytest.warns(UserWarning, match=r"at detail='cell' still exceed max_nodes=5; drawing at detail='rolled'"):
        src = viz.draw(loss, detail="cell", max_nodes=5).source
    assert " 6 steps" in src


def test_a_large_graph_without_steps_is_drawn_whole_with_a_warning():
    v = tr.Value(1.0)
    for _ in range(30):
        v = v * 1.5
    with pytest.warns(UserWarning, match="no time-step scopes to collapse"):
        viz.draw(v, max_nodes=10)


def test_a_hundred_thousand_node_graph_is_walked_without_recursion():
    v = tr.Value(0.5)
    for block in range(100):
        with tr.scope(f"t={block}"):
            for _ in range(500):
                v = v * 1.0 + 0.0              # 4 nodes per line: 2 constants, 2 ops
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        with pytest.warns(UserWarning, match="drawing at detail='cell'"):
            src = viz.draw(v, detail="op").source
    finally:
        sys.setrecursionlimit(limit)
    assert len(re.findall(r"<B>cell</B>", src)) == 100


# ---------------------------------------------------------------- gradients
def test_cell_colour_is_the_norm_of_the_steps_hidden_state_not_its_cell_state():
    loss, hs, cs = lstm(steps=4)
    loss.backward()
    src = viz.draw(loss, detail="cell", show_grad=True).source
    for t, (h, c) in enumerate(zip(hs, cs), start=1):
        line = next(line for line in node_lines(src, "<B>LSTM</B>") if f"t = {t}<" in line)
        shown = float(re.search(r"‖g‖ ([0-9.e+-]+)", line).group(1))
        assert shown == pytest.approx(np.linalg.norm(h.grad), rel=0.05)
        if t < 4:
            assert not math.isclose(shown, np.linalg.norm(c.grad), rel_tol=0.05)


def test_gradient_colours_darken_monotonically_with_the_norm():
    loss, _, _ = elman(steps=6, scale=0.3)
    loss.backward()
    src = viz.draw(loss, detail="cell", show_grad=True).source
    shown = [(float(re.search(r"‖g‖ ([0-9.e+-]+)", line).group(1)), re.search(r'fillcolor="(#\w+)"', line).group(1))
             for line in node_lines(src, "<B>RNN</B>")]
    shown.sort()
    lum = [luminance(colour) for _, colour in shown]
    assert all(a > b for a, b in zip(lum, lum[1:]))             # larger norm, darker fill
    assert shown[0][0] < shown[-1][0] / 100                     # and the fading is real
    assert "gradient norm ‖g‖" in src                           # the legend


def test_the_scale_spans_a_fixed_number_of_decades_below_the_largest_norm():
    scale = GradScale([1e-9, 1e-3, 1.0, None])
    assert scale.position(1.0) == 1.0 and scale.position(1e-9) == 0.0 and scale.position(0.0) == 0.0
    norms = np.logspace(-6, 0.5, 40)
    lum = [luminance(scale.fill(n)[0]) for n in norms]
    assert all(a >= b for a, b in zip(lum, lum[1:])) and lum[0] > lum[-1]
    assert scale.fill(None) == ("#ffffff", "#000000")
    assert scale.fill(math.inf)[0] == scale.fill(math.nan)[0] != scale.fill(1.0)[0]


def test_show_grad_before_backward_warns():
    loss, _, _ = elman()
    with pytest.warns(UserWarning, match=r"no node has a gradient yet; call backward\(\) first"):
        viz.draw(loss, show_grad=True)


# ---------------------------------------------------------------- argument errors
@pytest.mark.parametrize("kwargs, error, message", [
    (dict(detail="steps"), ValueError, r"draw\(detail='steps'\): expected one of 'auto', 'op', 'cell', 'rolled'"),
    (dict(max_nodes=0), ValueError, r"draw\(max_nodes=0\): expected a positive int or None"),
    (dict(preset="pretty"), ValueError, r"draw\(preset='pretty'\): expected one of 'readable', 'plain'"),
])
def test_bad_arguments_are_named(kwargs, error, message):
    loss, _, _ = elman()
    with pytest.raises(error, match=message):
        viz.draw(loss, **kwargs)


def test_draw_needs_a_value_or_tensor():
    with pytest.raises(TypeError, match=r"draw\(root\) expects a Value or Tensor, got list"):
        viz.draw([1.0])


def test_render_names_the_formats_it_can_write(tmp_path):
    loss, _, _ = elman()
    with pytest.raises(ValueError, match=r"cannot write format 'jpg'; use a path ending in .svg, .png or .pdf"):
        viz.render(loss, tmp_path / "x.jpg")


# ---------------------------------------------------------------- with dot: real files, real layouts
def laid_out(graph: graphviz.Digraph) -> dict:
    return json.loads(graph.pipe(format="json"))


def test_render_writes_valid_svg_png_and_pdf(tmp_path):
    loss, _, _ = elman(steps=2)
    loss.backward()
    svg = viz.render(loss, tmp_path / "a.svg", show_grad=True)
    assert svg == str(tmp_path / "a.svg")
    assert ET.parse(svg).getroot().tag.endswith("svg")
    png = (tmp_path / "sub" / "b.png")
    assert viz.render(loss, png, detail="cell") == str(png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 100 < width < 5000 and 100 < height < 5000 and len(data) > 2000
    pdf = viz.render(loss, tmp_path / "c.out", format="pdf")
    assert open(pdf, "rb").read(5) == b"%PDF-"


def test_dot_lays_the_steps_out_left_to_right_in_time_order():
    loss, _, _ = elman(steps=5)
    placed = laid_out(viz.draw(loss, detail="op"))
    assert check.steps_in_order(placed)
    xs = [o["bb"].split(",")[0] for o in placed["objects"] if o.get("label", "").startswith("t = ")]
    assert len(xs) == 5


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_each_library_layer_drawn_op_by_op_keeps_its_steps_in_order(kind):
    assert check.steps_in_order(laid_out(viz.draw(layer_loss(kind, steps=4), detail="op")))


def test_collapsed_cells_are_laid_out_in_time_order_with_reverse_under_forward():
    graph = viz.draw(layer_loss("LSTM", steps=5, layers=2, bidirectional=True), detail="cell")
    placed = laid_out(graph)
    where = {o["name"]: tuple(map(float, o["pos"].split(","))) for o in placed["objects"] if "pos" in o}
    src = graph.source
    for box in src.split("subgraph cluster_")[1:]:
        row = re.search(r"rank=same\s+((?:u\d+\s+)+)", box)
        if row:
            cells = set(re.findall(r"(u\d+) \[label=<<FONT COLOR=\"#\w+\"><B>LSTM</B>", src))
            xs = [where[name][0] for name in row.group(1).split() if name in cells]
            assert xs == sorted(xs) and len(xs) == 5
    assert check.stacked(placed)


def test_render_tries_another_arrangement_until_the_steps_are_in_order(monkeypatch, tmp_path):
    seen = []
    real = render_module.run_dot

    def first_one_scrambled(graph, fmt):
        seen.append(fmt)
        if fmt == "json" and len(seen) == 1:
            return json.dumps({"objects": [{"label": "t = 2", "bb": "0,0,1,1"},
                                           {"label": "t = 1", "bb": "5,0,6,1"}]}).encode()
        return real(graph, fmt)
    monkeypatch.setattr(render_module, "run_dot", first_one_scrambled)
    loss, _, _ = elman(steps=2)
    viz.render(loss, tmp_path / "x.svg", detail="op")
    assert seen == ["json", "json", "svg"]


def test_a_dot_that_fails_on_the_readable_layout_gets_the_plain_one(monkeypatch, tmp_path):
    real = render_module.run_dot

    def crash_on_scaffolding(graph, fmt):
        if "remincross" in graph.source:          # the readable preset's scaffolding
            raise graphviz.CalledProcessError(1, ["dot"], stderr=b"Error: trouble in init_rank\n")
        return real(graph, fmt)
    monkeypatch.setattr(render_module, "run_dot", crash_on_scaffolding)
    loss, _, _ = elman(steps=3)
    with pytest.warns(UserWarning, match=r"dot failed on the readable layout \(Error: trouble in init_rank\); "
                                         r"retrying with the plain preset"):
        out = viz.render(loss, tmp_path / "x.svg", detail="cell")
    assert ET.parse(out).getroot().tag.endswith("svg")


def test_without_dot_render_leaves_the_source_and_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")
    loss, _, _ = elman(steps=2)
    with pytest.raises(viz.GraphvizNotFoundError, match=r"(?s)not on PATH.*x\.gv.*sudo apt-get install graphviz"
                       r".*sudo dnf install graphviz.*brew install graphviz.*conda install -c conda-forge graphviz"):
        viz.render(loss, tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()
    assert (tmp_path / "x.gv").read_text().startswith("digraph")
    assert viz.draw(loss).source.startswith("digraph")             # draw never needs dot


def test_a_two_layer_lstm_unrolled_a_hundred_steps_renders_in_seconds(tmp_path):
    tr.manual_seed(0)
    model = tr.nn.LSTM(4, 8, num_layers=2)
    out, _ = model(tr.Tensor(np.random.default_rng(0).normal(size=(100, 2, 4))))
    loss = out[-1].sum()
    loss.backward()
    start = time.perf_counter()
    path = viz.render(loss, tmp_path / "long.svg", detail="cell", show_grad=True)
    assert time.perf_counter() - start < 10.0
    assert ET.parse(path).getroot().tag.endswith("svg")
