"""What each residual block adds to its input: branch F(x) vs shortcut x, read from one forward pass.

``compare_blocks`` captures every block's branch, shortcut and sum (``explainer.inside.features``'s
hooks); the figures show them side by side and the ratio ‖F(x)‖/‖x‖ per block. Figures are
``matplotlib.figure.Figure`` objects built without pyplot (thread safety in the app).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.i18n import tr
from explainer.inside.features import BLOCK_PARTS, BRANCH, SEP, SHORTCUT, SUM, block_names, feature_maps
from explainer.models.blocks import block_parts


@dataclass
class BlockComparison:
    """One residual block's add, branch F(x) + shortcut = sum, each (C, H, W)."""

    name: str
    branch: Tensor
    shortcut: Tensor
    sum: Tensor
    projection: bool  # True when the shortcut is a 1×1 conv + BN (the shape changes)

    @property
    def ratio(self) -> float:
        """‖F(x)‖ / ‖shortcut‖ (Frobenius norms): ≪ 1 means the block stays close to the identity."""
        return float(self.branch.norm() / self.shortcut.norm().clamp_min(1e-12))


def compare_blocks(model: nn.Module, x: Tensor) -> list[BlockComparison]:
    """Branch, shortcut and sum of every residual block for one image x (1, C, H, W), in one pass."""
    names = block_names(model)
    wanted = [n + SEP + p for n in names for p in BLOCK_PARTS]
    maps = feature_maps(model, x, wanted)
    modules = dict(model.named_modules())
    return [
        BlockComparison(
            name=n,
            branch=maps[n + SEP + BRANCH],
            shortcut=maps[n + SEP + SHORTCUT],
            sum=maps[n + SEP + SUM],
            projection=block_parts(modules[n])[1] is not None,
        )
        for n in names
    ]


def branch_shortcut_figure(comparisons: Sequence[BlockComparison], channel: int | None = None) -> Figure:
    """One row per block: branch F(x), shortcut, sum (before ReLU) and the block output after ReLU.

    ``channel=None`` shows the mean over channels -- linear, so the third panel is exactly the sum of
    the first two; an integer shows that channel (clamped to the block's width). The colour scale is
    shared within a row and centred on 0 (the branch and the sum are signed).
    """
    if not comparisons:
        raise ValueError("This model has no residual blocks to compare.")
    rows = len(comparisons)
    # No constrained layout: it triples the drawing time of this 8×4 grid; fixed margins suffice.
    fig = Figure(figsize=(8.6, 1.9 * rows + 0.6), dpi=100)
    fig.subplots_adjust(left=0.1, right=0.92, top=1 - 0.8 / (1.9 * rows + 0.6), bottom=0.02, wspace=0.08, hspace=0.12)
    axes = fig.subplots(rows, 4, squeeze=False)
    for r, comp in enumerate(comparisons):
        if channel is None:
            panels = [t.mean(0) for t in (comp.branch, comp.shortcut, comp.sum)]
            what = tr("mean over channels")
        else:
            ch = min(max(0, int(channel)), comp.sum.shape[0] - 1)
            panels = [t[ch] for t in (comp.branch, comp.shortcut, comp.sum)]
            what = tr("channel {ch}", ch=ch)
        panels.append(panels[2].clamp_min(0))
        lim = max(float(p.abs().max()) for p in panels) or 1.0
        shortcut_name = tr("1×1 projection of x") if comp.projection else tr("shortcut x (identity)")
        titles = [tr("branch F(x)"), shortcut_name, tr("sum F(x)+x"), tr("output = ReLU(sum)")]
        for c, (ax, p, t) in enumerate(zip(axes[r], panels, titles)):
            ax.imshow(p.numpy(), cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(t if r == 0 else "", fontsize=9)
            if c == 0:
                ax.set_ylabel(f"{comp.name}\n‖F‖/‖x‖={comp.ratio:.2f}", fontsize=9)
        axes[r, 3].text(1.04, 0.5, f"±{lim:.2g}", transform=axes[r, 3].transAxes, fontsize=8, va="center")
    fig.suptitle(tr("Each block adds its branch F(x) to its shortcut ({what}); red > 0 > blue", what=what),
                 fontsize=10, y=0.998)
    return fig


def norm_ratio_figure(comparisons: Sequence[BlockComparison]) -> Figure:
    """Bar chart of ‖F(x)‖/‖x‖ per block: small bars are blocks that barely change their input."""
    fig = Figure(figsize=(7.0, 3.2), dpi=100, layout="constrained")
    ax = fig.subplots()
    names = [c.name for c in comparisons]
    ratios = [c.ratio for c in comparisons]
    colors = ["tab:orange" if c.projection else "tab:blue" for c in comparisons]
    ax.bar(names, ratios, color=colors)
    ax.axhline(1.0, color="gray", linestyle="--", linewidth=1)
    for i, r in enumerate(ratios):
        ax.text(i, r, f"{r:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(tr("‖F(x)‖ / ‖shortcut‖"))
    ax.set_title(tr("How much each block changes its input (orange: 1×1 projection shortcut)"), fontsize=10)
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    return fig
