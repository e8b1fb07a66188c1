"""What a Tensor shares with a numpy array and involves no gradient: shape and dtype, comparisons
(elementwise, giving plain boolean arrays), conversions to numbers and arrays, and len().
"""
import numpy as np

from .op_checks import check_item, check_rows


def _raw(x):
    """The array behind a node, or x itself."""
    return getattr(x, "data", x) if hasattr(x, "backward_fn") else x


class ArrayLike:
    """A mixin over `self.data` (a numpy array): Tensor gets these from here, so tensor.py holds only ops."""

    __slots__ = ()

    # ---------------------------------------------------------------- comparisons: plain boolean arrays
    def __lt__(self, other):
        return self.data < _raw(other)

    def __le__(self, other):
        return self.data <= _raw(other)

    def __gt__(self, other):
        return self.data > _raw(other)

    def __ge__(self, other):
        return self.data >= _raw(other)

    def __eq__(self, other):
        return self.data == _raw(other)

    def __ne__(self, other):
        return self.data != _raw(other)

    # ---------------------------------------------------------------- conveniences
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        check_rows(self.data.ndim, "len() of")
        return len(self.data)

    def __iter__(self):
        """The rows t[0], t[1], ... (each a node of the graph, as t[i] is); a 0-d Tensor has none."""
        check_rows(self.data.ndim, "iteration over")
        return (self[i] for i in range(len(self.data)))

    def __contains__(self, value) -> bool:
        """`value in t`: whether any entry equals value (numpy's rule)."""
        return bool((self.data == _raw(value)).any())

    def __array__(self, dtype=None, copy=None):
        """np.asarray(t) gives the numbers (copied only when asked to, or when the dtype changes)."""
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared, not copied)."""
        return self.data

    def _single(self, what: str):
        """The one number of a 1-element Tensor (as a 0-d array); `what` names the caller in the error."""
        check_item(self.data.size, self.data.shape, what)
        return self.data.reshape(())

    def item(self) -> float:
        """The single number held by a 1-element Tensor."""
        return float(self._single("item()"))

    def __float__(self) -> float:
        return float(self._single("float()"))

    def __int__(self) -> int:
        return int(self._single("int()"))

    def __bool__(self) -> bool:
        return bool(self._single("bool()"))
