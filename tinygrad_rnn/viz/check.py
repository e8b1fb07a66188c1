"""Checking the picture dot actually made: are the steps in time order, the layers stacked?

render() lays a drawing out with `dot -Tjson` first and reads back where the boxes went: each step
box is a cluster labelled 't = k' with a bounding box 'x0,y0,x1,y1' (y grows upwards, and so do
the layers).
"""
from __future__ import annotations

import re

_STEP = re.compile(r"t = (-?\d+)")
_LAYER = re.compile(r"(.+) layer (\d+)")


def _boxes(layout_json: dict) -> tuple:
    """(boxes, parent): {cluster index: (label, bb)} and {cluster index: parent cluster index}."""
    objects = layout_json.get("objects", [])
    parent = {child: i for i, o in enumerate(objects) for child in o.get("subgraphs", [])}
    boxes = {i: (o.get("label", ""), tuple(map(float, o["bb"].split(","))))
             for i, o in enumerate(objects) if "bb" in o}
    return boxes, parent


def steps_in_order(layout_json: dict) -> bool:
    """True if, in every box, the step boxes run left to right in time order with aligned tops."""
    boxes, parent = _boxes(layout_json)
    rows = {}
    for i, (label, bb) in boxes.items():
        match = _STEP.fullmatch(label)
        if match:
            rows.setdefault(parent.get(i), []).append((int(match.group(1)), bb))
    for row in rows.values():
        row.sort()
        lefts = [bb[0] for _, bb in row]
        tops = [bb[3] for _, bb in row]
        if lefts != sorted(lefts) or max(tops) - min(tops) > 1.0:
            return False
    return True


def stacked(layout_json: dict) -> bool:
    """True if each layer box sits above the one before it (inputs enter from below, so a layer reads
    the one under it) and each 'reverse' box above its 'forward' sibling: the bottom of the upper box
    is above the top of the lower one."""
    boxes, parent = _boxes(layout_json)
    siblings = {}
    for i, (label, bb) in boxes.items():
        match = _LAYER.fullmatch(label)
        key = (match.group(1), int(match.group(2))) if match else label
        siblings.setdefault(parent.get(i), {})[key] = bb
    for kids in siblings.values():
        pairs = [(kids["reverse"], kids["forward"])] if "forward" in kids and "reverse" in kids else []
        pairs += [(bb, kids[(n, k - 1)]) for (n, k), bb in
                  ((key, bb) for key, bb in kids.items() if isinstance(key, tuple)) if (n, k - 1) in kids]
        if any(lower[3] > upper[1] + 1.0 for upper, lower in pairs):
            return False
    return True
