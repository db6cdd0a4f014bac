"""One residual block drawn: the main path top to bottom, the shortcut beside it, the add where they meet."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from explainer.i18n import tr
from explainer.models.blocks import PREACT_TYPES
from explainer.shapes.layer_labels import BLOCK_NAMES, SHORTCUT_NAMES, format_shape, op_text
from explainer.shapes.tracer import LayerRow, TraceResult


def block_diagram(trace: TraceResult, block: str, shortcut: str, x_shape: tuple[int, int, int],
                  valid: bool) -> Figure:
    """Main path top to bottom, skip path on the right, the ⊕ where they meet; edges carry shapes."""
    main = [r for r in trace.rows if ".downsample" not in r.name and not r.name.startswith("downsample")
            and not r.name.endswith(".add") and r.name != "add"]
    # A post-activation block ends in a ReLU after the add; a pre-activation block ends with the add.
    final_relu = main.pop() if block not in PREACT_TYPES else None
    down = [r for r in trace.rows if r.name.startswith("downsample")]
    n = len(main) + 3  # input, layers…, add, final relu
    fig = Figure(figsize=(7.5, 0.62 * n + 1.2), dpi=110)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(-n - 0.6, 0.9)
    ax.axis("off")

    def box(x: float, y: float, text: str, color: str, width: float = 4.4) -> None:
        ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.27), width, 0.54, boxstyle="round,pad=0.04",
                                    fc=color, ec="#333333", lw=1))
        ax.text(x, y, text, ha="center", va="center", fontsize=9.5)

    def arrow(x0: float, y0: float, x1: float, y1: float, label: str = "", color: str = "#333333",
              rad: float = 0.0, label_x: float | None = None) -> None:
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12, color=color,
                                     connectionstyle=f"arc3,rad={rad}", lw=1.4))
        if label:
            ax.text(label_x if label_x is not None else (x0 + x1) / 2 + 0.12, (y0 + y1) / 2, label,
                    fontsize=8.5, color="#1f4e79", va="center")

    colors = {"Conv2d": "#cfe2f3", "BatchNorm2d": "#fff2cc", "ReLU": "#d9ead3"}
    mx = 3.2
    box(mx, 0, tr("input x  ({shape})", shape=format_shape(x_shape)), "#eeeeee")
    prev_shape = format_shape(x_shape)
    y = 0.0
    for row in main:
        y -= 1
        arrow(mx, y + 0.73, mx, y + 0.27, prev_shape, label_x=mx + 0.1)
        # A grouped conv (ResNeXt) gets its own colour: its groups never mix channels.
        color = "#d9d2e9" if ", groups " in row.op else colors.get(row.op.split()[0], "#f3f3f3")
        box(mx, y, f"{row.name.split('.')[-1]}: {op_text(row.op)}", color, width=5.0)
        prev_shape = row.shape_text
    y_add = y - 1
    arrow(mx, y - 0.27, mx, y_add + 0.3, f"F(x): {prev_shape}", label_x=mx + 0.1)
    # skip path
    sx = 8.3
    x_text = format_shape(x_shape)
    if shortcut == "none":
        ax.text(sx, (y_add) / 2, tr("no shortcut\n(plain twin)"), ha="center", va="center", fontsize=9,
                color="#777777")
        box(mx, y_add, tr("(no add)"), "#f3f3f3", width=2.0)
    else:
        ok_color = "#2e7d32" if valid else "#c62828"
        if down:
            ym = y_add / 2
            arrow(mx + 2.2, 0, sx, ym + 0.3, x_text, color=ok_color, rad=-0.2)
            box(sx, ym, shortcut_box_text(down, x_shape, preact=block in PREACT_TYPES), "#f4cccc", width=3.0)
            arrow(sx, ym - 0.3, mx + 0.35, y_add, down[-1].shape_text, color=ok_color, rad=-0.2)
        else:
            arrow(mx + 2.2, 0, mx + 0.35, y_add, tr("identity x: {shape}", shape=x_text), color=ok_color, rad=-0.55,
                  label_x=mx + 2.6)
        ax.add_patch(plt_circle(mx, y_add, ok_color))
        ax.text(mx, y_add, "+", ha="center", va="center", fontsize=16, color=ok_color, fontweight="bold")
        if not valid:
            ax.text(mx + 0.6, y_add - 0.02, tr("✗ cannot add {x} to {fx}", x=x_text, fx=prev_shape), fontsize=9.5,
                    color="#c62828", va="center", fontweight="bold")
    if final_relu is not None:
        y_final = y_add - 1
        arrow(mx, y_add - 0.3, mx, y_final + 0.27, prev_shape, label_x=mx + 0.1)
        box(mx, y_final, f"{final_relu.name.split('.')[-1]}: ReLU", colors["ReLU"])
        ax.text(mx, y_final - 0.75, tr("output {shape}", shape=final_relu.shape_text), ha="center", fontsize=9.5)
    else:
        ax.text(mx, y_add - 0.75, tr("output {shape} (nothing after the add)", shape=trace.rows[-1].shape_text),
                ha="center", fontsize=9.5)
    title = tr("{block}, {shortcut}", block=tr(BLOCK_NAMES[block]), shortcut=tr(SHORTCUT_NAMES[shortcut]))
    if not valid:
        title = tr("{title} — invalid", title=title)
    ax.text(0.2, 0.6, title, fontsize=11, fontweight="bold")
    return fig


def shortcut_box_text(down: list[LayerRow], x_shape: tuple[int, int, int], *, preact: bool = False) -> str:
    """What the skip path's box says: a projection (with BN or not) or the parameter-free zero padding."""
    first = down[0].op
    if first.startswith("ZeroPadShortcut"):
        zeros = down[-1].output_shape[0] - x_shape[0]
        stride = down[-1].jump[0]  # a block traced alone: the step between outputs is the shortcut's stride
        sub = tr("subsample ::{stride}", stride=stride) if stride != 1 else ""
        pad = tr("+{zeros} zero ch.", zeros=zeros) if zeros else ""
        return tr("{how}\n(no parameters)", how=", ".join(p for p in (sub, pad) if p))
    if preact:  # He et al. 2016: the projection sees x after the first BN-ReLU
        return tr("1×1 conv of relu1(bn1(x))\n(projection, no BN)")
    if any(r.op.startswith("BatchNorm2d") for r in down):
        return tr("1×1 conv + BN\n(projection)")
    return tr("1×1 conv, no BN\n(projection)")


def plt_circle(x: float, y: float, color: str) -> Circle:
    """The ⊕ of the add: a white disc with a ``color`` rim (green: shapes agree, red: they do not)."""
    return Circle((x, y), 0.3, fc="white", ec=color, lw=2)
