"""Tests for the slide-ready drawing (tinygrad_rnn.viz): the textbook orientation (time left to right,
inputs below, outputs above), the loss as one node, named gates and states, the key, elided steps,
weights grouped per layer, the size of a long two-layer model on a 16:9 slide, and the notebook
display without Graphviz's `dot`. Each property is read off the dot source or the layout dot makes
(`dot -Tjson`, coordinates in points with y growing upwards)."""
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.viz as viz
from tinygrad_rnn.autograd import topological_order
from tinygrad_rnn.nn.functional import cross_entropy, mse_loss
from tinygrad_rnn.viz.drawing import prepare
from tinygrad_rnn.viz.scaffold import VARIANTS

STATE = 'penwidth=2.4'          # the bold hidden/cell-state arrows (style.ARROW["state"])


def model_loss(kind="LSTM", steps=3, layers=1, bidirectional=False, loss="ce", **options):
    """A sequence layer, a Linear read-out of every step and a loss, after backward()."""
    tr.manual_seed(0)
    layer = getattr(tr.nn, kind)(3, 4, num_layers=layers, bidirectional=bidirectional, **options)
    head = tr.nn.Linear(4 * (2 if bidirectional else 1), 5)
    x = tr.Tensor(np.random.default_rng(0).normal(size=(steps, 2, 3)))
    out, _ = layer(x)
    logits = head(out.reshape(steps * 2, -1))
    total = (cross_entropy(logits, np.arange(steps * 2) % 5) if loss == "ce"
             else mse_loss(logits, np.zeros((steps * 2, 5))))
    total.backward()
    return total, layer


def placed(graph) -> tuple:
    """dot's layout: ({name: node or cluster}, [edges])."""
    layout = json.loads(graph.pipe(format="json"))
    return {o["name"]: o for o in layout["objects"]}, layout.get("edges", [])


def xy(obj) -> tuple:
    """A node's (x, y) in points, y upwards."""
    return tuple(map(float, obj["pos"].split(",")))


def declared(source: str, text: str) -> list:
    """Names of the nodes whose declaration contains `text`."""
    return [line.split()[0] for line in source.splitlines() if re.match(r"\s*u\d+ \[", line) and text in line]


# ---------------------------------------------------------------- orientation
def test_cells_run_left_to_right_with_the_state_flat_inputs_below_outputs_and_loss_above():
    layout, _, _ = prepare(model_loss("LSTM", steps=5)[0], detail="cell")
    graph = layout.digraph({}, VARIANTS[0])
    src, (where, _) = graph.source, placed(graph)
    cells = [f"u{k}" for _, k in sorted((u.t, k) for k, u in enumerate(layout.units) if u.kind == "step")]
    xs, ys = zip(*(xy(where[n]) for n in cells))
    assert list(xs) == sorted(xs) and max(ys) - min(ys) < 1                    # one row, in time order
    (part,), (outs,), (loss,) = (declared(src, t) for t in ("input part", "outputs, all t", "<B>loss</B>"))
    assert xy(where[part])[1] < min(ys) and max(ys) < xy(where[outs])[1] < xy(where[loss])[1]
    flat = [line for line in src.splitlines() if STATE in line]
    assert len(flat) == 2 * 4                                                  # h and c, between 5 cells
    for line in flat:
        tail, head = re.match(r"\s*(\w+) -> (\w+)", line).groups()
        assert abs(xy(where[tail])[1] - xy(where[head])[1]) < 1                  # horizontal


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_op_level_state_arrows_stay_between_their_two_steps(kind):
    """Every bold arrow's curve stays inside the x range of the step boxes it joins: none detours
    around the whole group (the old drawing looped h_t over to the far right and back)."""
    where, edges = placed(viz.draw(model_loss(kind, steps=3)[0], detail="op"))
    boxes = sorted(tuple(map(float, o["bb"].split(","))) for o in where.values()
                   if re.fullmatch(r"t = \d", o.get("label", "")) and "bb" in o)
    assert len(boxes) == 3
    bold = [e for e in edges if e.get("penwidth") == "2.4"]
    assert bold
    for edge in bold:
        xs = [p[0] for op in edge.get("_draw_", []) for p in op.get("points", [])]
        inside = [k for k, (x0, _, x1, _) in enumerate(boxes) if x0 - 30 <= min(xs) and max(xs) <= x1 + 30]
        spans = [k for k in range(2) if boxes[k][0] - 30 <= min(xs) and max(xs) <= boxes[k + 1][2] + 30]
        assert inside or spans, f"a state arrow spans x {min(xs):.0f}..{max(xs):.0f}, boxes {boxes}"


# ---------------------------------------------------------------- the loss, names
def test_the_loss_is_one_node_at_cell_and_auto_detail_and_every_op_at_op_detail():
    loss, _ = model_loss("LSTM", steps=3)
    leaf = tr.Tensor(np.zeros((6, 5)), requires_grad=True)                     # the same loss on its own
    ops = sum(1 for n in topological_order(cross_entropy(leaf, np.arange(6) % 5), only_grad=False) if n.op)
    for detail in ("cell", "auto"):
        src = viz.draw(loss, detail=detail).source
        (name,) = declared(src, "<B>loss</B>")
        assert f"{ops} ops" in next(line for line in src.splitlines() if line.split()[:1] == [name])
        assert "<B>exp</B>" not in src and "<B>log</B>" not in src
    src = viz.draw(loss, detail="op").source
    assert "<B>loss</B>" not in src and "<B>exp</B>" in src and "<B>log</B>" in src


def test_initial_states_and_targets_are_named_not_constant():
    src = viz.draw(model_loss("LSTM", loss="mse")[0], detail="op").source
    assert len(declared(src, "<B>h0</B>")) == len(declared(src, "<B>c0</B>")) == 1
    assert len(declared(src, "<B>target</B>")) == 1
    assert not [line for line in src.splitlines() if "<B>constant</B>" in line and "(2, 4)" in line]
    assert not [line for line in src.splitlines() if "<B>constant</B>" in line and "(6, 5)" in line]


def gate_values(layout, step: int) -> dict:
    """{name: data} of the named activations in step `step` of the layout's graph."""
    rec = layout.rec
    return {name: rec.nodes[i].data for i, name in layout.gates.items() if rec.step[i][1] == step}


def test_lstm_gates_carry_their_names_and_their_own_rows():
    loss, layer = model_loss("LSTM", steps=2)
    layout, _, _ = prepare(loss, detail="op")
    x = np.random.default_rng(0).normal(size=(2, 2, 3))[0]
    a = x @ layer.weight_ih_l0.data.T + layer.bias_ih_l0.data + layer.bias_hh_l0.data    # h0 = 0
    sig = lambda v: 1 / (1 + np.exp(-v))                                                  # noqa: E731
    expected = {"i": sig(a[:, :4]), "f": sig(a[:, 4:8]), "g": np.tanh(a[:, 8:12]), "o": sig(a[:, 12:])}
    shown = gate_values(layout, 1)
    assert set(shown) == set(expected)
    for name in expected:
        np.testing.assert_allclose(shown[name], expected[name], rtol=1e-12)
    src = viz.draw(loss, detail="op").source
    for gate, op in (("i", "sigmoid"), ("f", "sigmoid"), ("g", "tanh"), ("o", "sigmoid")):
        assert len(declared(src, f'<B>{gate}</B><BR/><FONT POINT-SIZE="9">{op} (2, 4)')) == 2   # one per step
    assert len(declared(src, "<B>c</B>")) == len(declared(src, "<B>h</B>")) == 2


@pytest.mark.parametrize("options, gates", [
    (dict(reset_after=True), {"r", "z", "n"}), (dict(reset_after=False), {"r", "z", "n"})])
def test_gru_gates_carry_their_names_in_both_forms(options, gates):
    loss, _ = model_loss("GRU", steps=2, **options)
    layout, _, _ = prepare(loss, detail="op")
    assert set(gate_values(layout, 1)) == set(gate_values(layout, 2)) == gates
    assert all(layout.rec.nodes[i].op == ("tanh" if g == "n" else "sigmoid") for i, g in layout.gates.items())


@pytest.mark.parametrize("variant, gates", [("peephole", "ifgo"), ("coupled", "fgo"), ("no_forget", "igo")])
def test_lstm_variants_name_the_gates_they_have(variant, gates):
    layout, _, _ = prepare(model_loss("LSTM", steps=2, variant=variant)[0], detail="op")
    assert set(gate_values(layout, 2)) == set(gates)


# ---------------------------------------------------------------- the key
def test_the_key_lists_the_styles_in_the_picture_and_can_be_left_out():
    loss, _ = model_loss("LSTM", steps=6, layers=2)
    cell = viz.draw(loss, detail="cell", steps=2).source
    for entry in (">weight<", "time step", "steps left out", "<B>loss</B></FONT></TD>", "state h, c", "weight use"):
        assert entry in cell
    full = viz.draw(loss, detail="op").source
    assert "<B>key</B>" in full and "steps left out" not in full and "time step" not in full
    assert "<B>key</B>" not in viz.draw(loss, detail="cell", legend=False).source


# ---------------------------------------------------------------- elided steps
def test_steps_keeps_the_ends_of_every_layer_and_draws_the_middle_as_one_node():
    loss, _ = model_loss("LSTM", steps=100, layers=2)
    layout, _, _ = prepare(loss, detail="cell", steps=3)
    where, _ = placed(layout.digraph({}, VARIANTS[0]))
    for layer in ("LSTM.l0", "LSTM.l1"):
        row = [(xy(where[f"u{k}"])[0], u.kind, u.t if u.kind == "step" else min(u.steps))
               for k, u in enumerate(layout.units) if u.kind in ("step", "skip") and u.group[0] == layer]
        assert [(kind, t) for _, kind, t in sorted(row)] == \
            [("step", 1), ("step", 2), ("step", 3), ("skip", 4), ("step", 98), ("step", 99), ("step", 100)]
    src = viz.draw(loss, detail="cell", steps=3).source
    assert len(declared(src, "t = 4 … 97")) == 2 and len(declared(src, "<B>LSTM</B>")) == 12
    assert len(declared(viz.draw(loss, detail="cell", steps=(2, 1)).source, "t = 3 … 99")) == 2
    op = viz.draw(loss, detail="op", steps=1, max_nodes=None).source     # op detail: a '⋯' box per group
    assert op.count('label="t = 2 … 99"') == 2 and op.count('label="t = 100"') == 2


@pytest.mark.parametrize("steps", [0, -1, 1.5, True, (1,), (1, 0), "3"])
def test_bad_steps_are_named(steps):
    loss, _ = model_loss("RNN", steps=2)
    message = (f"draw(steps={steps!r}): expected None, a positive int (steps kept at each end) or a pair "
               "(first, last) of positive ints")
    with pytest.raises(ValueError, match=re.escape(message)):
        viz.draw(loss, steps=steps)


def test_a_hundred_step_two_layer_model_fits_a_16_9_slide_with_labels_of_10_px(tmp_path):
    loss, _ = model_loss("LSTM", steps=100, layers=2)
    svg = ET.parse(viz.render(loss, tmp_path / "long.svg", steps=3, show_grad=True)).getroot()
    width, height = (float(svg.get(k).removesuffix("pt")) for k in ("width", "height"))
    sizes = [float(e.get("font-size")) for e in svg.iter() if e.get("font-size")]
    scale = min(1280 / width, 720 / height)             # px per pt when fitted to a 1280 x 720 slide
    assert min(sizes) * scale >= 10, (width, height, min(sizes))


# ---------------------------------------------------------------- weights per layer
def test_weights_sit_in_their_own_layer_and_direction_box():
    loss, layer = model_loss("GRU", steps=4, layers=2, bidirectional=True)
    layout, _, _ = prepare(loss, detail="cell")
    boxes = {layout.rec.nodes[u.members[0]].name: layout.paths[k] for k, u in enumerate(layout.units)
             if u.kind == "node" and layout.rec.param[u.members[0]]}
    for name, _ in layer.named_parameters():
        k, reverse = re.search(r"_l(\d)", name).group(1), name.endswith("_reverse")
        assert boxes[name] == (f"GRU.l{k}", "reverse" if reverse else "forward"), name
    assert boxes["weight"] == boxes["bias"] == ()                    # the read-out's, outside the layers
    (where, _), rows = placed(layout.digraph({}, VARIANTS[0])), {}
    for k, u in enumerate(layout.units):
        if u.kind == "node" and layout.rec.param[u.members[0]]:
            rows.setdefault(round(xy(where[f"u{k}"])[1]), []).append(k)
    assert max(len(r) for r in rows.values()) <= 4                   # the old drawing: 16 in one row


# ---------------------------------------------------------------- notebooks without dot
def test_without_dot_a_notebook_shows_the_install_help_and_the_source(monkeypatch):
    loss, _ = model_loss("RNN", steps=2)
    drawing = viz.draw(loss)
    assert drawing._repr_mimebundle_()["image/svg+xml"].lstrip().startswith("<?xml")   # with dot: the picture
    monkeypatch.setenv("PATH", "")
    bundle = drawing._repr_mimebundle_()
    assert "sudo apt-get install graphviz" in bundle["text/plain"] and drawing.source in bundle["text/plain"]
    assert "conda install -c conda-forge graphviz" in bundle["text/html"]
    from IPython.core.interactiveshell import InteractiveShell
    data, _ = InteractiveShell.instance().display_formatter.format(drawing)   # what Jupyter calls
    assert "sudo apt-get install graphviz" in data["text/plain"]
