"""Reading and checking torch.einsum's equation (torch/_einsum.py), with PyTorch's messages: the subscripts of
each operand and of the output as plain letters, '...' replaced by letters of its own."""
import string

from . import _dtype


def _term(text: str, start: int, who: str) -> list:
    """One term's subscripts, '...' as the one item '.', spaces dropped; `start` is where the term begins in
    the equation (to name the place of a bad character)."""
    items, i = [], 0
    while i < len(text):
        if text.startswith("...", i):
            if "." in items:
                raise RuntimeError(f"einsum(): found '.' for {who} for which an ellipsis was already found")
            items.append(".")
            i += 3
            continue
        if text[i] == ".":
            raise RuntimeError(f"einsum(): found '.' for {who} that is not part of any ellipsis (...)")
        if text[i] not in string.ascii_letters + " ":
            raise RuntimeError(f"einsum(): invalid subscript given at index {start + i} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
        if text[i] != " ":
            items.append(text[i])
        i += 1
    return items


def _terms(equation: str) -> tuple:
    """(the operands' terms, the output's term or None when the equation has no '->')."""
    lhs, arrow, rhs = equation.partition("->")
    terms, start = [], 0
    for k, text in enumerate(lhs.split(",")):
        terms.append(_term(text, start, f"operand {k}"))
        start += len(text) + 1
    return terms, (_term(rhs, len(lhs) + 2, "output") if arrow else None)


def check_einsum(equation, operands: tuple) -> tuple:
    """(terms, output, sizes): each operand's subscripts and the output's as strings of letters (the
    ellipsis dims as letters unused by the equation, right-aligned as they broadcast), and each letter's
    size; operands of one dtype, their dims matching the subscripts and sizes broadcasting."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' (position 1) must be str, not {type(equation).__name__}")
    terms, out = _terms(equation)
    if len(terms) != len(operands):
        more = "fewer" if len(operands) < len(terms) else "more"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the equation")
    for x in operands[1:]:
        if x._data.dtype != operands[0]._data.dtype:
            raise RuntimeError(f"expected scalar type {_dtype.scalar_name(_dtype.of_array(operands[0]._data))} "
                               f"but found {_dtype.scalar_name(_dtype.of_array(x._data))}")
    widths = []
    for k, (term, x) in enumerate(zip(terms, operands)):
        named = len(term) - ("." in term)
        if "." not in term and named != x._data.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does not match the "
                               f"number of dimensions ({x._data.ndim}) for operand {k} and no ellipsis was given")
        if named > x._data.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) is more than the "
                               f"number of dimensions ({x._data.ndim}) for operand {k}")
        widths.append(x._data.ndim - named if "." in term else 0)
    dots = "".join([c for c in string.ascii_letters if c not in equation][:max(widths, default=0)])
    letters = ["".join(dots[len(dots) - w:] if c == "." else c for c in term) for term, w in zip(terms, widths)]
    sizes = _sizes(letters, operands)
    if out is None:                      # implicit output: the ellipsis, then the letters used once, sorted
        once = sorted(c for c in sizes if c not in dots and sum(t.count(c) for t in letters) == 1)
        return letters, dots + "".join(once), sizes
    for c in out:
        if c != "." and c not in sizes:
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input operand")
        if c != "." and out.count(c) > 1:
            raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    return letters, "".join(dots if c == "." else c for c in out), sizes


def _sizes(letters: list, operands: tuple) -> dict:
    """Each letter's size: equal in every operand, or 1 where it broadcasts."""
    sizes = {}
    for k, (term, x) in enumerate(zip(letters, operands)):
        for c, n in zip(term, x._data.shape):
            seen = sizes.setdefault(c, n)
            if n != seen and 1 not in (n, seen):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not broadcast "
                                   f"with previously seen size {seen}")
            sizes[c] = n if seen == 1 else seen
    return sizes
