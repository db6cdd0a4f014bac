"""Attribution maps drawn over the input: heat-map blending and the side-by-side figure."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from explainer.i18n import tr
from explainer.inside.attribution_methods import Attribution, method_label
from explainer.inside.features import layer_label
from explainer.training.fashion_mnist import class_label


def _normalized(attr_map: np.ndarray, signed: bool) -> np.ndarray:
    """Scale to [-1, 1] (signed) or [0, 1] by the 99.5th percentile of |map| (one hot pixel must not
    wash out the rest)."""
    m = attr_map.astype(np.float64) if signed else np.abs(attr_map).astype(np.float64)
    scale = float(np.percentile(np.abs(m), 99.5)) or float(np.abs(m).max()) or 1.0
    return np.clip(m / scale, -1.0, 1.0)


def overlay(image: np.ndarray, attr_map: np.ndarray, *, opacity: float = 0.6, signed: bool = False) -> np.ndarray:
    """Blend the map onto the image: uint8 (H, W) or (H, W, 3) + map (H, W) → uint8 (H, W, 3).

    Each pixel's heat colour is mixed in proportionally to opacity × |normalized attribution|, so
    unattributed pixels show the input unchanged. Signed maps: red = for the class, blue = against.
    """
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(tr("Opacity must be between 0 and 1, got {opacity}.", opacity=opacity))
    img = np.asarray(image, dtype=np.float64) / 255.0
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    if img.shape[:2] != attr_map.shape:
        raise ValueError(f"The map is {attr_map.shape} but the image is {img.shape[:2]}.")
    m = _normalized(attr_map, signed)
    if signed:
        heat = colormaps["bwr"]((m + 1.0) / 2.0)[..., :3]
    else:
        heat = colormaps["jet"](m)[..., :3]
    alpha = opacity * np.abs(m)[..., None]
    return np.round((img * (1.0 - alpha) + heat * alpha) * 255.0).astype(np.uint8)


def attribution_figure(
    image: np.ndarray,
    attributions: Sequence[Attribution],
    *,
    opacity: float = 0.6,
    class_name: str = "",
    scores: dict[str, float] | None = None,
) -> Figure:
    """The input and each method's overlay side by side; titles carry the deletion AUC when given."""
    n = len(attributions) + 1
    fig = Figure(figsize=(2.3 * n, 2.8), dpi=100, layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    axes[0].imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=255)
    axes[0].set_title(tr("input"), fontsize=9)
    for ax, a in zip(axes[1:], attributions):
        ax.imshow(overlay(image, a.map, opacity=opacity, signed=a.signed))
        title = method_label(a.method) if a.layer is None else f"{method_label(a.method)}\n{layer_label(a.layer)}"
        if scores and a.method in scores:
            title += "\n" + tr("deletion AUC {auc:.3f}", auc=scores[a.method])
        ax.set_title(title, fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(tr("What made the model say {class_name!r}", class_name=class_label(class_name)) if class_name
                 else tr("Attributions"), fontsize=10)
    return fig
