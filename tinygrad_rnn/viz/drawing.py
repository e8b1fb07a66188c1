"""draw(): the recorded graph below a Value or Tensor as a graphviz.Digraph (no `dot` needed)."""
from __future__ import annotations

import warnings
from numbers import Integral

import graphviz

from ..autograd import Node
from .graph import Recorded
from .labels import Options
from .layout import Layout
from .scaffold import VARIANTS

DETAILS = ("auto", "op", "cell", "rolled")
PRESETS = ("readable", "plain")
AUTO_OP_LIMIT = 150     # 'auto' draws every op up to this many nodes, collapsed steps above it
MAX_NODES = 600         # above this, op detail collapses steps and cell detail folds time


def draw(root: Node, detail: str = "auto", show_grad: bool = False, show_data: bool | None = None,
         show_shapes: bool = True, max_nodes: int | None = MAX_NODES, preset: str = "readable",
         steps=None, legend: bool = True, **graph_attrs) -> graphviz.Digraph:
    """Draw the graph that computed `root` as the textbook's unrolled picture: time left to right,
    one box per step, inputs below, outputs and the loss above, each weight drawn once in the box of
    the layer that uses it, and a key to the styles under the picture.

    detail: 'op' draws every primitive (op name and output shape; LSTM gates i, f, g, o and GRU r,
    z, n, the states h, c and h0, c0 by name); 'cell' collapses each (layer, direction, step) box
    into one node (cell type, op count, step); 'rolled' folds time away, one node per cell with a
    self-loop labelled with the number of steps; 'auto' picks 'op' for graphs of up to
    AUTO_OP_LIMIT nodes and 'cell' above. Except at 'op', the loss after the last step (the ops
    outside every scope that use no weight) is one 'loss' node. A graph of `Value`s is drawn
    micrograd-style, a record with data and grad per value and the ops as bubbles between them.
    show_grad: after backward(), fill nodes by log10 of their gradient norm (cell detail: the norm of
    dL/dh_t, the step's output state) and add the colour scale. show_data: print the numbers (None:
    single numbers only, True: small arrays too, False: never). show_shapes: print Tensor shapes.
    max_nodes: past this many nodes op detail switches to cell and cell detail to rolled, with a
    warning (None: never). preset: 'readable' (steps in time order, layers stacked) or 'plain'
    (boxes only: the fallback for a dot that fails on the readable one).
    steps: None draws every step; k keeps the first k and the last k steps of every (layer,
    direction) and draws the ones between as one '⋯' node (a '⋯' box at op detail); a pair
    (first, last) keeps `first` at the start and `last` at the end. legend: the key (False: none).
    graph_attrs: extra Graphviz graph attributes, e.g. dpi=150, size='13.3,7.5'.
    Returns a Drawing, a graphviz.Digraph that Jupyter shows inline (without Graphviz's `dot` it
    shows the install help and the dot text instead); `.source` is the dot text; render() writes files.
    """
    layout, attrs, preset = prepare(root, detail, show_grad, show_data, show_shapes, max_nodes, preset,
                                    steps, legend, **graph_attrs)
    return layout.digraph(attrs, VARIANTS[0] if preset == "readable" else None)


def prepare(root: Node, detail: str = "auto", show_grad: bool = False, show_data: bool | None = None,
            show_shapes: bool = True, max_nodes: int | None = MAX_NODES, preset: str = "readable",
            steps=None, legend: bool = True, **graph_attrs) -> tuple:
    """Check draw()'s arguments, walk the graph, pick the detail: (Layout, graph_attrs, preset)."""
    if not isinstance(root, Node):
        raise TypeError(f"draw(root) expects a Value or Tensor, got {type(root).__name__}")
    if detail not in DETAILS:
        raise ValueError(f"draw(detail={detail!r}): expected one of {', '.join(map(repr, DETAILS))}")
    if max_nodes is not None and (not isinstance(max_nodes, Integral) or isinstance(max_nodes, bool) or max_nodes < 1):
        raise ValueError(f"draw(max_nodes={max_nodes!r}): expected a positive int or None")
    unknown = sorted(set(graph_attrs) - GRAPH_ATTRIBUTES)
    if unknown:
        raise TypeError(f"draw() got an unexpected keyword argument {unknown[0]!r}: neither an option of draw() "
                        "nor a Graphviz graph attribute (such as dpi, size, ratio, rankdir, nodesep)")
    if preset not in PRESETS:
        raise ValueError(f"draw(preset={preset!r}): expected one of {', '.join(map(repr, PRESETS))}")
    keep = check_steps(steps)
    rec = Recorded(root)
    if show_grad and all(n._grad is None for n in rec.nodes):
        warnings.warn("draw(show_grad=True): no node has a gradient yet; call backward() first", stacklevel=3)
    opts = Options(show_grad, show_data, show_shapes, bool(legend))
    layout = Layout(rec, choose_detail(rec, detail, max_nodes), opts, collapse_loss=detail == "auto", keep=keep)
    return layout, graph_attrs, preset


GRAPH_ATTRIBUTES = frozenset(
    "_background bb beautify bgcolor center charset class clusterrank colorscheme comment compound concentrate "
    "Damping defaultdist dim dimen diredgeconstraints dpi epsilon esep fontcolor fontname fontnames fontpath "
    "fontsize forcelabels gradientangle href id imagepath inputscale K label label_scheme labeljust labelloc "
    "landscape layerlistsep layers layerselect layersep layout levels levelsgap lheight linelength lp lwidth "
    "margin maxiter mclimit mindist mode model newrank nodesep nojustify normalize notranslate nslimit "
    "nslimit1 oneblock ordering orientation outputorder overlap overlap_scaling overlap_shrink pack packmode "
    "pad page pagedir quadtree quantum rankdir ranksep ratio remincross repulsiveforce resolution root rotate "
    "rotation scale searchsize sep showboxes size smoothing sortv splines start style stylesheet target "
    "TBbalance tooltip truecolor URL viewport voro_margin xdotversion".split())    # Graphviz's graph attributes


def check_steps(steps) -> tuple | None:
    """steps= as (first, last): None (draw all), k (k at each end) or a pair; raises on anything else."""
    if steps is None:
        return None
    pair = (steps, steps) if isinstance(steps, Integral) and not isinstance(steps, bool) else steps
    if (isinstance(pair, tuple) and len(pair) == 2
            and all(isinstance(k, Integral) and not isinstance(k, bool) and k >= 1 for k in pair)):
        return int(pair[0]), int(pair[1])
    raise ValueError(f"draw(steps={steps!r}): expected None, a positive int (steps kept at each end) "
                     "or a pair (first, last) of positive ints")


def choose_detail(rec: Recorded, detail: str, max_nodes: int | None) -> str:
    """Resolve 'auto', then step down a level (with a warning) while the drawing exceeds max_nodes."""
    size = len(rec.nodes)
    if detail == "auto":
        detail = "op" if size <= AUTO_OP_LIMIT or not rec.has_steps else "cell"
    if max_nodes is None:
        return detail
    if detail == "op" and size > max_nodes:
        if not rec.has_steps:
            warnings.warn(f"draw: {size} nodes exceed max_nodes={max_nodes} and the graph has no time-step "
                          "scopes to collapse; drawing every op (dot may be slow)", stacklevel=3)
            return detail
        warnings.warn(f"draw: {size} nodes exceed max_nodes={max_nodes}; drawing at detail='cell' "
                      "(one node per time step) instead", stacklevel=3)
        detail = "cell"
    if detail == "cell":
        size = len(rec.units("cell")[0])
        if size > max_nodes:
            warnings.warn(f"draw: {size} nodes at detail='cell' still exceed max_nodes={max_nodes}; drawing "
                          "at detail='rolled' (time folded into one node per cell) instead", stacklevel=3)
            detail = "rolled"
    return detail
