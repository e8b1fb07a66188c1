"""What a Tensor shares with a numpy array and involves no gradient: shape and dtype, comparisons
(elementwise, giving plain boolean arrays), conversions to numbers and arrays, and len().
"""
import numpy as np

from .op_checks import check_item, check_rows


def read_only(a: np.ndarray) -> np.ndarray:
    """A view of `a` that refuses writes (for arrays the graph may share, shown to user code)."""
    view = a.view()
    view.flags.writeable = False
    return view


def _raw(x):
    """The array behind a node, or x itself."""
    return x._data if hasattr(x, "backward_fn") else x


class ArrayLike:
    """A mixin over `self.data` (a numpy array): Tensor gets these from here, so tensor.py holds only ops."""

    __slots__ = ()

    # ---------------------------------------------------------------- comparisons: plain boolean arrays
    def __lt__(self, other):
        return self._data < _raw(other)

    def __le__(self, other):
        return self._data <= _raw(other)

    def __gt__(self, other):
        return self._data > _raw(other)

    def __ge__(self, other):
        return self._data >= _raw(other)

    def __eq__(self, other):
        return self._data == _raw(other)

    def __ne__(self, other):
        return self._data != _raw(other)

    # ---------------------------------------------------------------- conveniences
    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    def __len__(self) -> int:
        check_rows(self._data.ndim, "len() of")
        return len(self._data)

    def __iter__(self):
        """The rows t[0], t[1], ... (each a node of the graph, as t[i] is); a 0-d Tensor has none."""
        check_rows(self._data.ndim, "iteration over")
        return (self[i] for i in range(len(self._data)))

    def __contains__(self, value) -> bool:
        """`value in t`: whether any entry equals value (numpy's rule)."""
        return bool((self._data == _raw(value)).any())

    def __array__(self, dtype=None, copy=None):
        """np.asarray(t) gives the numbers (copied only when asked to, or when the dtype changes)."""
        if copy:
            return np.array(self._data, dtype=dtype, copy=True)
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared, not copied)."""
        return self._data

    def _single(self, what: str):
        """The one number of a 1-element Tensor (as a 0-d array); `what` names the caller in the error."""
        check_item(self._data.size, self._data.shape, what)
        return self._data.reshape(())

    def item(self) -> float:
        """The single number held by a 1-element Tensor."""
        return float(self._single("item()"))

    def __float__(self) -> float:
        return float(self._single("float()"))

    def __int__(self) -> int:
        return int(self._single("int()"))

    def __bool__(self) -> bool:
        return bool(self._single("bool()"))

    def __repr__(self) -> str:
        extra = "".join([f", name={self.name!r}" if self.name else "",
                         f", op={self.op!r}" if self.op else "",
                         ", requires_grad=True" if self.requires_grad else ""])
        body = np.array2string(self._data, precision=4, threshold=20, prefix="Tensor(")
        return f"Tensor({body}, dtype={self._data.dtype}{extra})"
