"""Checks of the arguments of the pools (pooling.py), 1-D and 2-D, with PyTorch's messages (PyTorch 2.14). As in
PyTorch, avg_pool1d and max_pool2d / avg_pool2d share one check of sizes (a 1-D pool as a 2-D one of height 1).
Each check returns the arguments as plain ints once they pass."""
from .conv_checks import check_float_input, int_list, pooled_length


def _check_pool_dims(input, fn: str) -> None:
    """avg_pool1d and the adaptive pools take (C, L) or (N, C, L)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {fn})")


def _one_int(value, fn: str, name: str, position: int) -> int:
    """An int, or a sequence of one int (avg_pool1d's and the adaptive pools' size arguments)."""
    items = int_list(value, fn, name, position)
    if len(items) != 1:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(items)})")
    return items[0]


def _default_stride(stride, kernel_size):
    """stride None, () or [] means kernel_size."""
    return kernel_size if stride is None or stride == () or stride == [] else stride


def _check_pool2d_sizes(shape: list, k: tuple, s: tuple, p: tuple, d: tuple, ceil_mode: bool) -> tuple:
    """PyTorch's pooling_output_shape per dim (height, then width) and pool2d_shape_check, for an input of
    `shape` (C, H, W) or (N, C, H, W) and (height, width) sizes; returns the output's (height, width)."""
    for kernel, stride, pad, dilation in zip(k, s, p, d):
        for ok, message in ((stride != 0, "stride should not be zero"),
                            (pad >= 0, f"pad must be non-negative, but got pad: {pad}"),
                            (pad <= ((kernel - 1) * dilation + 1) // 2, "pad should be at most half of effective "
                             f"kernel size, but got pad={pad}, kernel_size={kernel} and dilation={dilation}")):
            if not ok:
                raise RuntimeError(message)
    for ok, message in ((min(k) > 0, f"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}"),
                        (min(s) > 0, f"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}"),
                        (min(d) > 0, f"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: "
                                     f"{d[1]}"),
                        (len(shape) in (3, 4) and 0 not in shape[-3:], "Expected 3D or 4D (batch mode) tensor "
                         f"with optional 0 dim batch size for input, but got:{shape}")):
        if not ok:
            raise RuntimeError(message)
    counts = tuple(pooled_length(n, *sizes, ceil_mode) for n, *sizes in zip(shape[-2:], k, s, p, d))
    if min(counts) < 1:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, shape[-3:]))}). Calculated output size: "
                           f"({'x'.join(map(str, [shape[-3], *counts]))}). Output size is too small")
    return counts


def check_pool2d(input, fn: str, kernel_size, stride, padding, dilation, ceil_mode: bool,
                 divisor_override=None) -> tuple:
    """max_pool2d's or avg_pool2d's (dilation 1; a divisor_override, None or not 0) arguments, each an int or a pair
    (stride None or () means kernel_size); returns (kernel, stride, padding, dilation, output (height, width)), each a
    pair."""
    if fn == "avg_pool2d":          # PyTorch averages integers by integer division; the dialect refuses them
        check_float_input(input, fn)
    stride = _default_stride(stride, kernel_size)
    given = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "dilation": dilation}
    sizes = {name: int_list(v, fn, name, position, 2) for position, (name, v) in enumerate(given.items(), 2)}
    for name, value in sizes.items():
        if len(value) not in (1, 2):
            words = {"stride": "must either be omitted, a single int,", "dilation": "must be either a single int,"}
            raise RuntimeError(f"{fn}: {name} {words.get(name, 'must either be a single int,')} or a tuple of two "
                               "ints")
        sizes[name] = value * 2 if len(value) == 1 else value
    if fn == "avg_pool2d" and input.dim() < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.dim()}, {input.dim() - 1}], "
                         "but got -3)")
    if fn == "max_pool2d" and input.dim() not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    k, s, p, d = sizes.values()
    return k, s, p, d, _check_pool2d_sizes(list(input.shape), k, s, p, d, ceil_mode)


_MAX_POOL_SIZES = {"kernel_size": "an int, list of ints or tuple of ints", "stride": "None, an int, list of ints, or "
                   "tuple of ints", "padding": "an int, list of ints, or tuple of ints",
                   "dilation": "an int, list of ints or tuple of ints"}


def check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode: bool) -> tuple:
    """max_pool1d's arguments (stride None or () means kernel_size); returns (kernel, stride, padding,
    dilation, output length)."""
    check_float_input(input, "max_pool1d_impl")
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    given = {"kernel_size": kernel_size, "stride": _default_stride(stride, kernel_size), "padding": padding,
             "dilation": dilation}
    sizes = {name: int_list(v, "max_pool1d", name, position) for position, (name, v) in enumerate(given.items(), 2)}
    for name, value in sizes.items():
        if len(value) != 1:
            raise RuntimeError(f"max_pool1d() {name} must be {_MAX_POOL_SIZES[name]} of size 1 but got size "
                               f"{len(value)}")
    (k,), (s,), (p,), (d,) = sizes.values()
    for name, value, least in (("kernel_size", k, 1), ("stride", s, 1), ("padding", p, 0), ("dilation", d, 1)):
        if value < least:
            raise RuntimeError(f"max_pool1d() {name} must be {'greater than zero' if least else 'non-negative'}, "
                               f"but got {value}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    count = pooled_length(input.shape[-1], k, s, p, d, ceil_mode)
    if count < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {count}")
    return k, s, p, d, count


def check_avg_pool1d(input, kernel_size, stride, padding, ceil_mode: bool) -> tuple:
    """avg_pool1d's arguments (stride None or () means kernel_size); returns (kernel, stride, padding, output
    length)."""
    check_float_input(input, "avg_pool1d")
    _check_pool_dims(input, "avg_pool1d")
    k, s, p = (_one_int(v, "avg_pool1d", name, position) for position, (name, v) in
               enumerate((("kernel_size", kernel_size), ("stride", _default_stride(stride, kernel_size)),
                          ("padding", padding)), 2))
    shape = list(input.shape[:-1]) + [1, input.shape[-1]]         # as avg_pool2d sees it
    return k, s, p, _check_pool2d_sizes(shape, (1, k), (1, s), (0, p), (1, 1), ceil_mode)[1]


def check_adaptive(input, output_size, fn: str) -> int:
    """The adaptive pools' input and output size (an int, or a sequence of one int, at least 0); returns it.
    adaptive_max_pool1d also wants every channel non-empty, adaptive_avg_pool1d the length."""
    check_float_input(input, fn.replace("1d", "2d"))
    size = _one_int(output_size, fn, "output_size", 2)
    _check_pool_dims(input, fn)
    if size < 0:
        raise RuntimeError(f"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
                           f"received {{1, {size}}}" if fn == "adaptive_avg_pool1d" else
                           f"Trying to create tensor with negative dimension {size}: "
                           f"{list(input.shape[:-1]) + [1, size]}")
    if fn == "adaptive_max_pool1d":                     # every non-batch dim, of the input as given
        kernel, shape, dims = fn, list(input.shape), range(input.dim() - 2, input.dim())
    else:                                               # the length only, of the input as a 2-D pool sees it
        kernel, shape, dims = "adaptive_avg_pool2d", list(input.shape[:-1]) + [1, input.shape[-1]], [input.dim()]
    empty = [d for d in dims if not shape[d]]
    if empty:
        raise RuntimeError(f"{kernel}(): Expected input to have non-zero size for non-batch dimensions, but input "
                           f"has sizes {shape} with dimension {empty[0]} being empty")
    return size
