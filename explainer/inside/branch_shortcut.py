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

from explainer.i18n import N_, tr
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
    clamped = channel is not None and any(int(channel) >= c.sum.shape[0] for c in comparisons)
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
            # A block narrower than the channel asked for shows its last channel: each row names its own.
            what = (tr("channel {ch} where the block has it; narrower blocks show their last channel, named on "
                       "the left", ch=int(channel)) if clamped else tr("channel {ch}", ch=int(channel)))
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
                shown = "" if channel is None else " · " + tr("ch {c} of {n}", c=ch, n=comp.sum.shape[0])
                ax.set_ylabel(f"{comp.name}{shown}\n‖F‖/‖x‖={comp.ratio:.2f}", fontsize=9)
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


# --- reading the ratios -----------------------------------------------------------------------------

#: Below this ‖F(x)‖/‖shortcut‖ a block is "close to the identity", above ``LARGE_RATIO`` its branch
#: dominates; in between the branch is about as large as what it is added to. This app's convention.
SMALL_RATIO = 0.5
LARGE_RATIO = 2.0
# Conclusions of ``ratio_conclusion`` (ids; ``tr`` shows them).
ALL_NEAR_IDENTITY = N_("Every block stays close to the identity on this image: the shortcut carries most of "
                       "the signal and each branch adds a small correction.")
ALL_COMPARABLE = N_("No block is close to the identity on this image: every branch is about as large as the "
                    "input it is added to, so each block changes its input substantially, while the shortcut "
                    "still passes the input on unchanged (or projected, orange) beside it.")
SOME_DOMINATE = N_("In some blocks the branch outweighs the shortcut: there the block rewrites its input rather "
                   "than correcting it.")
MIXED = N_("Some blocks stay close to the identity while others change their input substantially.")


def ratio_counts(ratios: Sequence[float]) -> tuple[int, int, int]:
    """How many ratios are below ``SMALL_RATIO``, between the two cut-offs, above ``LARGE_RATIO``."""
    small = sum(r < SMALL_RATIO for r in ratios)
    large = sum(r > LARGE_RATIO for r in ratios)
    return small, len(ratios) - small - large, large


def ratio_conclusion(ratios: Sequence[float]) -> str:
    """The conclusion id for a list of ‖F(x)‖/‖shortcut‖ ratios, from ``ratio_counts``."""
    if not ratios:
        raise ValueError("There are no ratios to read.")
    small, comparable, large = ratio_counts(ratios)
    if large:
        return SOME_DOMINATE
    if small == len(ratios):
        return ALL_NEAR_IDENTITY
    if comparable == len(ratios):
        return ALL_COMPARABLE
    return MIXED


def ratio_reading(comparisons: Sequence[BlockComparison]) -> str:
    """Markdown a student can repeat: the range of ‖F(x)‖/‖shortcut‖, the counts per band, the conclusion,
    and what a ratio does not say."""
    if not comparisons:
        raise ValueError("This model has no residual blocks to compare.")
    ratios = [c.ratio for c in comparisons]
    lo, hi = min(range(len(ratios)), key=ratios.__getitem__), max(range(len(ratios)), key=ratios.__getitem__)
    small, comparable, large = ratio_counts(ratios)
    return "\n\n".join([
        tr("**Reading the ratios.** ‖F(x)‖/‖shortcut‖ ranges from {lo:.2f} ({lo_block}) to {hi:.2f} ({hi_block}) "
           "over the {n} blocks: {small} below {small_cut} (close to the identity), {comparable} between "
           "{small_cut} and {large_cut} (branch about as large as its input), {large} above {large_cut} (branch "
           "dominates). These cut-offs are this app's convention.",
           lo=ratios[lo], lo_block=comparisons[lo].name, hi=ratios[hi], hi_block=comparisons[hi].name,
           n=len(ratios), small=small, comparable=comparable, large=large, small_cut=SMALL_RATIO,
           large_cut=LARGE_RATIO),
        tr(ratio_conclusion(ratios)),
        tr("A ratio says how much a block changes the signal on this one image, not how much the network needs "
           "that block: deleting blocks (the lesion study on the Degradation tab) answers that."),
    ])
