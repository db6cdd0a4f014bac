"""Is an attribution map faithful? The deletion metric (Petsiuk et al. 2018, "RISE").

Delete the most-attributed pixels first (replace them by the baseline) and watch the class
probability fall; a faithful map makes it fall fast -- a small area under the curve -- compared with
deleting pixels in random order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.i18n import tr
from explainer.inside.attribution_methods import baseline_like, check_model_and_image, method_label
from explainer.training.fashion_mnist import class_label


@dataclass
class DeletionCurve:
    """Class probability (S,) after deleting each fraction (S,) of pixels; ``auc`` = area under it."""

    fractions: np.ndarray
    probs: np.ndarray
    auc: float
    label: str = ""


def deletion_order(attr_map: np.ndarray, seed: int = 0) -> np.ndarray:
    """Pixel indices (H·W,) from most to least attributed; ties are broken at random (seeded) so a
    flat map (e.g. Grad-CAM all zero) deletes in random order rather than row by row."""
    flat = np.asarray(attr_map, dtype=np.float64).ravel()
    if not np.all(np.isfinite(flat)):
        raise ValueError("The attribution map contains NaN or infinite values.")
    tiebreak = np.random.default_rng(seed).random(flat.size)
    return np.lexsort((tiebreak, -flat))  # last key is primary: descending attribution


@torch.no_grad()
def _curve_for_orders(
    model: nn.Module, x: Tensor, orders: Sequence[np.ndarray], target: int, base: Tensor, steps: int, batch: int = 48
) -> np.ndarray:
    """Probabilities (len(orders), steps + 1) of ``target`` as pixels are deleted in each order."""
    _, c, h, w = x.shape
    fractions = np.linspace(0.0, 1.0, steps + 1)
    counts = np.round(fractions * h * w).astype(np.int64)
    images = []
    for order in orders:
        rank = np.empty(h * w, dtype=np.int64)
        rank[order] = np.arange(h * w)  # rank[p] = when pixel p is deleted
        masks = torch.from_numpy(rank[None, :] < counts[:, None]).view(-1, 1, h, w)  # (S, 1, H, W)
        images.append(torch.where(masks, base, x))  # (S, C, H, W)
    stack = torch.cat(images)
    probs = torch.cat([torch.softmax(model(chunk), dim=1)[:, target] for chunk in stack.split(batch)])
    return probs.view(len(orders), steps + 1).numpy()


def _auc(fractions: np.ndarray, probs: np.ndarray) -> float:
    return float(np.trapezoid(probs, fractions))


def deletion_curve(
    model: nn.Module,
    x: Tensor,
    attr_map: np.ndarray,
    target: int,
    *,
    baseline: float | Tensor | None = None,
    steps: int = 20,
    label: str = "",
) -> DeletionCurve:
    """Delete pixels of x (1, C, H, W) from most to least attributed (map (H, W)) in ``steps`` steps.

    Lower area = more faithful map: the evidence it points at is what the model relies on.
    """
    check_model_and_image(model, x)
    if attr_map.shape != tuple(x.shape[-2:]):
        raise ValueError(f"The map is {attr_map.shape} but the image is {tuple(x.shape[-2:])}.")
    probs = _curve_for_orders(model, x, [deletion_order(attr_map)], target, baseline_like(x, baseline), steps)[0]
    fractions = np.linspace(0.0, 1.0, steps + 1)
    return DeletionCurve(fractions, probs, _auc(fractions, probs), label)


def random_deletion_curve(
    model: nn.Module,
    x: Tensor,
    target: int,
    *,
    baseline: float | Tensor | None = None,
    steps: int = 20,
    repeats: int = 3,
    seed: int = 0,
) -> DeletionCurve:
    """The reference: pixels deleted in random order, averaged over ``repeats`` seeded orders."""
    check_model_and_image(model, x)
    h, w = x.shape[-2:]
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(h * w) for _ in range(repeats)]
    probs = _curve_for_orders(model, x, orders, target, baseline_like(x, baseline), steps).mean(axis=0)
    fractions = np.linspace(0.0, 1.0, steps + 1)
    return DeletionCurve(fractions, probs, _auc(fractions, probs), tr("random order (mean of {repeats})", repeats=repeats))


def deletion_figure(curves: Sequence[DeletionCurve], random: DeletionCurve, class_name: str) -> Figure:
    """Probability of ``class_name`` vs fraction of pixels deleted, one line per method + random.

    Curve labels that are method names and Fashion-MNIST class names are shown in the current language.
    """
    fig = Figure(figsize=(6.4, 3.6), dpi=100, layout="constrained")
    ax = fig.subplots()
    for c in curves:
        ax.plot(c.fractions, c.probs, marker=".", label=f"{method_label(c.label)} (AUC {c.auc:.3f})")
    ax.plot(random.fractions, random.probs, "k--", label=f"{method_label(random.label)} (AUC {random.auc:.3f})")
    ax.set_xlabel(tr("fraction of pixels deleted (most attributed first)"))
    ax.set_ylabel(f"P({class_label(class_name)})")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(tr("Deletion curves: lower area than random = the map finds what the model uses"), fontsize=10)
    ax.legend(fontsize=8)
    return fig
