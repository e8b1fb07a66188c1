"""How big is a model? count_parameters(module) and summary(module), a table of every parameter.

Parameters are found the way Module finds them (by walking attributes), so both work for any Module.
A Parameter reachable under two names (a weight tied between two layers, or an RNN's cells, which hold
the very Parameters the layer registers under PyTorch's names) is counted once: where it first appears
in named_parameters() order. Later appearances are listed as shared and add nothing.
"""
from __future__ import annotations

from .module import Module, Parameter


def _check_module(caller: str, module) -> None:
    """Raise TypeError naming `caller` unless `module` is a Module."""
    if not isinstance(module, Module):
        raise TypeError(f"{caller}: expected a Module, got {type(module).__name__}")


def count_parameters(module: Module) -> int:
    """The number of trainable numbers in `module` (a shared Parameter counts once)."""
    _check_module("count_parameters", module)
    return sum(p._data.size for p in module.parameters())


def _rows(module: Module, path: str, depth: int, seen: dict) -> tuple:
    """(rows, new numbers) for the parameters and sub-modules of `module`, depth first.

    A row is (indent, name, shape text, count text); `seen` maps each Parameter already listed to its
    name, so a second sighting is marked shared instead of counted again.
    """
    rows, total, pad = [], 0, "  " * depth
    for key, value in vars(module).items():
        if isinstance(value, Parameter):
            name = f"{path}.{key}" if path else key
            if value in seen:
                rows.append((pad, name, str(value.shape), f"shared with {seen[value]}"))
            else:
                seen[value] = name
                total += value._data.size
                rows.append((pad, name, str(value.shape), f"{value._data.size:,}"))
    for key, child in module.named_children():
        name = f"{path}.{key}" if path else key
        label = f"{name} ({type(child).__name__})"
        own = list(child.parameters())
        if own and all(p in seen for p in own):              # e.g. an RNN's cells: listed above already
            rows.append((pad, label, "", "all shared"))
            continue
        below, count = _rows(child, name, depth + 1, seen)
        rows += [(pad, label, "", f"{count:,}")] + below
        total += count
    return rows, total


def summary(module: Module) -> str:
    """A table of each parameter's dotted name, shape and count, each sub-module's total, and the total.

    Sub-modules are rows in their own right (name and class, with the numbers below them); a shared
    Parameter is counted where it first appears. The last line gives the total count and its size in memory.
    """
    _check_module("summary", module)
    rows, total = _rows(module, "", 0, {})
    body = [(pad + name, shape, count) for pad, name, shape, count in rows]
    header = ("name", "shape", "parameters")
    width = [max(len(r[i]) for r in body + [header]) for i in range(3)]

    def line(row: tuple) -> str:
        return f"{row[0]:<{width[0]}}  {row[1]:<{width[1]}}  {row[2]:>{width[2]}}".rstrip()

    params = module.parameters()
    size = sum(p._data.nbytes for p in params)
    memory = f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"
    rule = "-" * (sum(width) + 4)
    foot = f"total: {total:,} parameters in {len(params)} tensors, {memory}"
    return "\n".join([type(module).__name__, line(header), rule] + [line(r) for r in body] + [rule, foot])
