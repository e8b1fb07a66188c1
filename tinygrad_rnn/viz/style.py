"""The look of a drawing: Graphviz attributes for the graph, boxes, nodes and each kind of arrow.

Both presets draw upwards (rankdir=BT): inputs at the bottom, each step's ops bottom to top, the
loss on top. The readable preset lays time steps out left to right; a low `mclimit` keeps dot's
crossing minimiser short and `remincross=false` skips its last global pass, so the boxes keep the
order the scaffolding gives them (scaffold.py, which also adds `newrank`). Hidden-state arrows are
bold and `constraint=false`, so they do not push later steps further up; ranks sit close together
(`ranksep`) so a two-layer model fits a 16:9 slide. The plain preset (the fallback when dot fails on
the readable one) keeps the boxes, drops the rest.
"""
FONT = "Helvetica"

READABLE = {"rankdir": "BT", "mclimit": "0.05", "remincross": "false", "nodesep": "0.15", "ranksep": "0.15",
            "fontname": FONT, "fontsize": "11", "outputorder": "edgesfirst", "bgcolor": "white"}
PLAIN = {"rankdir": "BT", "fontname": FONT, "fontsize": "11", "bgcolor": "white"}
SCALAR = {"rankdir": "LR"}                        # a step-less Value graph reads left to right (micrograd)

NODE = {"shape": "box", "style": "rounded,filled", "fillcolor": "white", "fontname": FONT,
        "fontsize": "10", "margin": "0.07,0.03", "height": "0.3", "penwidth": "0.8"}
EDGE = {"arrowsize": "0.6", "penwidth": "0.8", "color": "#555555", "fontname": FONT, "fontsize": "9"}

PARAM = {"shape": "box", "style": "filled", "color": "#3f6fb0", "penwidth": "1.4", "fillcolor": "#dde8f6"}
LEAF = {"style": "rounded,filled,dashed"}
CELL = {"penwidth": "1.2", "margin": "0.1,0.04"}
SKIP = {"style": "rounded,filled,dashed", "fillcolor": "#f4f4f4", "margin": "0.1,0.04"}
LOSS = {"style": "rounded,filled", "fillcolor": "#fde7e0", "penwidth": "1.2", "margin": "0.1,0.04"}
VALUE = {"shape": "none", "margin": "0"}     # the HTML table draws the record itself
VALUE_OP = {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee", "margin": "0.02,0.01",
            "height": "0.25", "width": "0.3"}

ARROW = {"state": {"penwidth": "2.4", "color": "#222222", "arrowsize": "0.8", "constraint": "false"},
         "param": {"color": "#7d9ccb", "penwidth": "0.6", "arrowsize": "0.5"},
         "data": {}}
SELF_LOOP = {"penwidth": "2.4", "color": "#222222", "arrowsize": "0.8"}

STEP_BOX = {"style": "rounded,filled", "fillcolor": "#f4f4f4", "color": "#b8b8b8", "fontsize": "11",
            "labeljust": "c", "labelloc": "b", "margin": "6"}
GROUP_BOX = {"style": "rounded,dashed", "color": "#8c8c8c", "fontsize": "12", "labeljust": "l",
             "labelloc": "b", "margin": "8", "fillcolor": "white"}
BARE_BOX = {"peripheries": "0", "margin": "4"}
HIDDEN = {"style": "invis"}
ANCHOR = {"shape": "point", "style": "invis", "width": "0", "height": "0", "label": ""}
