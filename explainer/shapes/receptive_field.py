"""What a receptive field means for the input it is measured on -- in particular one larger than the input.

The tracer computes the *theoretical* receptive field: the window of input pixels that can influence one
output, grown layer by layer by (kernel − 1) · dilation · stride-so-far. Nothing stops it from exceeding
the image (ResNet-18's last conv sees 435×435 pixels; on a 96×96 input most of that window is zero
padding). Whether one output then sees *all* of the input depends on where its window is centred: an
output's centre lies on an input pixel (true for the padded convs and pools of every network here), so

* ``rf < size``: no output sees the whole input along that axis;
* ``size ≤ rf < 2·size − 1``: an output near the middle sees all of it, one near the border does not;
* ``rf ≥ 2·size − 1``: the half-window (rf − 1)/2 reaches from any pixel to both borders, so *every*
  output sees the whole input.

The effective receptive field -- the pixels whose gradients actually matter -- is much smaller and
roughly Gaussian around the centre (Luo et al. 2016, "Understanding the Effective Receptive Field").
"""

from __future__ import annotations

from typing import Literal

from explainer.i18n import tr

Coverage = Literal["part", "middle", "every", "global"]


def _axis(rf: int, size: int) -> int:
    # 0: part of the input, 1: the middle outputs see all of it, 2: every output sees all of it
    if rf >= 2 * size - 1:
        return 2
    return 1 if rf >= size else 0


def rf_coverage(rf: tuple[int, int] | None, input_hw: tuple[int, int]) -> Coverage:
    """How much of an H×W input one output sees, from its receptive field (h, w); ``None`` = global pooling."""
    if rf is None:
        return "global"
    level = min(_axis(rf[0], input_hw[0]), _axis(rf[1], input_hw[1]))  # both axes must be covered
    return ("part", "middle", "every")[level]


def rf_sentence(rf: tuple[int, int] | None, input_hw: tuple[int, int]) -> str:
    """One sentence on what an output with this receptive field sees of the input ("" if nothing to add)."""
    h, w = input_hw
    coverage = rf_coverage(rf, input_hw)
    if coverage == "part" or rf is None:
        return ""  # smaller than the input (nothing to explain) or global pooling ("whole input" says it)
    size = f"{rf[0]}×{rf[1]}"
    if coverage == "middle":
        return tr(
            "The receptive field ({rf}) is at least as large as the {h}×{w} input: an output near the middle "
            "sees all of the input, one near the border sees only the part of its window inside the image "
            "(the rest is zero padding).", rf=size, h=h, w=w,
        )
    return tr(
        "The receptive field ({rf}) is larger than the {h}×{w} input (at least 2×size − 1), so every output's "
        "window covers the whole input; the rest of the window is zero padding. That is the theoretical "
        "field: in practice the pixels near the window's centre dominate (the effective receptive field, "
        "Luo et al. 2016).", rf=size, h=h, w=w,
    )
