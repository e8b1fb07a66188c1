"""Checks of the 2-D adaptive pools' arguments (adaptive_pool2d.py), with PyTorch's errors and messages (PyTorch
2.14): the Python layer's (output_size an int or a sequence, None entries taken from the input) and the kernel's."""
from .conv_checks import check_float_input


def check_adaptive2d(input, output_size, fn: str) -> tuple:
    """adaptive_avg_pool2d's or adaptive_max_pool2d's input (C, H, W) or (N, C, H, W) of floats and output_size
    (an int, or two ints or None, None keeping the input's size); returns the output's (height, width)."""
    if not isinstance(output_size, (int, tuple, list)):
        raise TypeError(f"object of type '{type(output_size).__name__}' has no len()")     # PyTorch's words
    if not isinstance(output_size, int):
        if len(input.shape) <= len(output_size):
            raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
        output_size = [n if s is None else s for s, n in zip(output_size, input.shape[-len(output_size):])]
    check_float_input(input, fn)
    sizes = [output_size] * 2 if isinstance(output_size, int) else list(output_size)
    if len(sizes) != 2:
        raise RuntimeError(f"{fn}: output_size must be 2" if fn == "adaptive_avg_pool2d" else
                           f"{fn}(): internal error: output_size.size() must be 2")
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{fn}(): Expected 3D or 4D tensor, but got{':' if 'max' in fn else ''} "
                           f"{list(input.shape)}")
    if min(sizes) < 0:
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{sizes[0]}, {sizes[1]}}}" if fn == "adaptive_avg_pool2d" else
                           f"Trying to create tensor with negative dimension {min(sizes)}: "
                           f"{list(input.shape[:-2]) + sizes}")
    dims = range(input.dim() - 3 if "max" in fn else input.dim() - 2, input.dim())   # the max pool: channels too
    empty = [d for d in dims if not input.shape[d]]
    if empty:
        raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input "
                           f"has sizes {list(input.shape)} with dimension {empty[0]} being empty")
    return tuple(int(s) for s in sizes)
