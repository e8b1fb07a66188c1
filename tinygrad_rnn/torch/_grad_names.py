"""The class names PyTorch gives the backward of each op (what `t.grad_fn` prints), where they differ from
the op's own name here: by the op's variant ("sum(dim)" is SumBackward1), or, for matrix products and
linear, by the operands' dims, since PyTorch reaches a different kernel (and so a different last op) for
each: x @ W of a vector and a matrix ends in a squeeze, a batch in a view."""
# The backward of ops whose name here differs, or that come in variants; any other op `name` is NameBackward0.
NAMES = {"concat": "CatBackward0", "reshape": "ViewBackward0", "astype": "ToCopyBackward0",
         "backward_hook_function": "BackwardHookFunctionBackward", "copy_slices": "CopySlices",
         "index_put": "IndexPutBackward0",
         "fill": "FillBackward2", "fill(tensor)": "FillBackward3", "copy_": "CopyBackwards",
         "norm": "LinalgVectorNormBackward0", "clamp": "ClampBackward1", "rsub": "RsubBackward1",
         "sum(dim)": "SumBackward1", "mean(dim)": "MeanBackward1", "prod(dim)": "ProdBackward1",
         "max": "MaxBackward1", "min": "MinBackward1", "max(dim)": "MaxBackward0", "min(dim)": "MinBackward0",
         "squeeze(dim)": "SqueezeBackward1", "transpose(int)": "TransposeBackward1",
         "pow": "PowBackward1", "rpow": "PowBackward2", "div(floor)": "DivBackward2", "div(trunc)": "DivBackward2",
         "squeeze_": "SqueezeBackward3", "squeeze_(dim)": "SqueezeBackward4", "unsqueeze_": "UnsqueezeBackward1",
         "transpose_": "TransposeBackward1", "t_": "TBackward1"}
# a @ b by (a.ndim, b.ndim) for the 1-D and 2-D cases; a batch ends in a view, or in a clone when PyTorch
# folds it the other way round (a matrix, or a batch of one, times a batch of three dims)
_MATMUL = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}
# linear by (x.ndim capped at 3, with a bias)
_LINEAR = {(1, True): "ViewBackward0", (2, True): "AddmmBackward0", (3, True): "ViewBackward0",
           (1, False): "SqueezeBackward4", (2, False): "MmBackward0", (3, False): "UnsafeViewBackward0"}


def matmul_name(a: tuple, b: tuple) -> str:
    """The backward of a @ b for operands of shapes a and b."""
    if (len(a), len(b)) in _MATMUL:
        return _MATMUL[(len(a), len(b))]
    folded_back = len(a) == 2 or (len(a) == len(b) == 3 and a[0] == 1 < b[0])
    return "CloneBackward0" if folded_back else "UnsafeViewBackward0"


def backward_name(node, base: str) -> str:
    """PyTorch's class name for the backward of `node`, whose op without its variant is `base`."""
    shapes = [p._data.shape for p in node.parents]
    if base == "matmul":
        return matmul_name(*shapes)
    if node.op == "linear":
        return _LINEAR[(min(len(shapes[0]), 3), len(shapes) == 3)]
    return NAMES.get(node.op) or base.title().replace("_", "") + "Backward0"
