"""Is an attribution map faithful? Deletion and insertion curves (Petsiuk et al. 2018, "RISE"), with two
references -- random order and a model-free brightness order -- that a map must beat.

* **Deletion**: delete the most-attributed pixels first (replace them by the baseline, black for
  Fashion-MNIST) and watch the class probability fall; a small area under the curve (AUC) is good.
* **Insertion**: start from a heavily blurred copy of the image and put the most-attributed pixels back
  first; the probability should rise fast -- a large AUC is good. As in RISE, the blurred start keeps
  the image's overall colours, so what comes back is detail, not just "some bright pixels on black".

Why two references. On Fashion-MNIST the object is bright and the background black: deleting pixels to
black removes the object *whatever the order*, so almost any order "beats random" -- ordering pixels by
their brightness, with no model at all, beats random on every shipped example. Beating random is
therefore necessary, not sufficient; ``faithfulness_verdict`` also asks the map to beat the brightness
order, on both curves. Where we depart from RISE: the references (RISE compares methods with each
other), and a Gaussian blur scaled to the image (σ = 10 % of its side, RISE used σ = 5 px at 224 px).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.inside.attribution_methods import baseline_like, check_model_and_image, method_label
from explainer.training.fashion_mnist import class_label

# Curve kinds and reference orders: English ids kept in ``DeletionCurve`` (cached results hold no
# language), shown with ``curve_label``.
DELETION = N_("deletion")
INSERTION = N_("insertion")
RANDOM = N_("random order")
INTENSITY = N_("brightness order (no model)")
REFERENCES: tuple[str, ...] = (RANDOM, INTENSITY)
#: σ of the insertion curve's blurred start, as a fraction of the image side (9.6 px at 96×96).
BLUR_SIGMA_FRACTION = 0.1
#: AUC differences smaller than this count as a tie (this app's convention: on one image a curve of 21
#: points moves by about 0.01 between two random orders).
AUC_MARGIN = 0.01

# Verdicts of ``faithfulness_verdict``, from worst to best (ids; ``tr`` shows them).
FAILS_RANDOM = N_("fails the necessary check: on at least one curve it is not better than random order")
RANDOM_ONLY = N_("beats random only: no better than ranking pixels by brightness, which needs no model")
ONE_CURVE = N_("beats the brightness order on one curve only: weak evidence")
BOTH = N_("beats both references on both curves: evidence (not proof) that it ranks pixels the model uses")


@dataclass
class DeletionCurve:
    """Class probability (S,) after changing each fraction (S,) of pixels; ``auc`` = area under it.

    ``kind``: ``DELETION`` (lower area is better) or ``INSERTION`` (higher is better); ``label``: a method
    id or a reference id (``RANDOM``, ``INTENSITY``).
    """

    fractions: np.ndarray
    probs: np.ndarray
    auc: float
    label: str = ""
    kind: str = DELETION


def curve_label(label: str) -> str:
    """A curve's name for display: a method's or a reference's, in the current language."""
    return tr(label) if label in REFERENCES else method_label(label)


def deletion_order(attr_map: np.ndarray, seed: int = 0) -> np.ndarray:
    """Pixel indices (H·W,) from most to least attributed; ties are broken at random (seeded) so a
    flat map (e.g. Grad-CAM all zero) deletes in random order rather than row by row."""
    flat = np.asarray(attr_map, dtype=np.float64).ravel()
    if not np.all(np.isfinite(flat)):
        raise ValueError("The attribution map contains NaN or infinite values.")
    tiebreak = np.random.default_rng(seed).random(flat.size)
    return np.lexsort((tiebreak, -flat))  # last key is primary: descending attribution


def intensity_map(x: Tensor, baseline: float | Tensor | None = None) -> np.ndarray:
    """The model-free "map" (H, W): each pixel's distance from the baseline, |x − baseline| summed over
    channels -- on Fashion-MNIST, the pixel's brightness. Ordering by it needs no model at all."""
    return (x.detach() - baseline_like(x, baseline)).abs().sum(dim=1)[0].double().numpy()


def blurred(x: Tensor, sigma_fraction: float = BLUR_SIGMA_FRACTION) -> Tensor:
    """x (1, C, H, W) under a separable Gaussian blur (σ = ``sigma_fraction`` × the shorter side,
    reflected borders): the insertion curve's start, which keeps colours but loses detail."""
    sigma = max(0.5, sigma_fraction * min(x.shape[-2:]))
    radius = min(round(3 * sigma), min(x.shape[-2:]) - 1)  # reflect padding needs radius < side
    r = torch.arange(-radius, radius + 1, dtype=x.dtype)
    g = torch.exp(-(r**2) / (2 * sigma**2))
    g = g / g.sum()
    c = x.shape[1]
    out = F.pad(x.detach(), (radius, radius, radius, radius), mode="reflect")
    out = F.conv2d(out, g.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(out, g.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


@torch.no_grad()
def _curve_for_orders(
    model: nn.Module, start: Tensor, end: Tensor, orders: Sequence[np.ndarray], target: int, steps: int,
    batch: int = 48,
) -> np.ndarray:
    """Probabilities (len(orders), steps + 1) of ``target`` as pixels switch from ``start`` to ``end``
    (both (1, C, H, W)) in each order: deletion goes from x to the baseline, insertion from the blur to x."""
    _, _, h, w = start.shape
    fractions = np.linspace(0.0, 1.0, steps + 1)
    counts = np.round(fractions * h * w).astype(np.int64)
    images = []
    for order in orders:
        rank = np.empty(h * w, dtype=np.int64)
        rank[order] = np.arange(h * w)  # rank[p] = when pixel p switches
        masks = torch.from_numpy(rank[None, :] < counts[:, None]).view(-1, 1, h, w)  # (S, 1, H, W)
        images.append(torch.where(masks, end, start))  # (S, C, H, W)
    stack = torch.cat(images)
    probs = torch.cat([torch.softmax(model(chunk), dim=1)[:, target] for chunk in stack.split(batch)])
    return probs.view(len(orders), steps + 1).numpy()


def _auc(fractions: np.ndarray, probs: np.ndarray) -> float:
    return float(np.trapezoid(probs, fractions))


def _endpoints(x: Tensor, kind: str, baseline: float | Tensor | None) -> tuple[Tensor, Tensor]:
    if kind == DELETION:
        return x, baseline_like(x, baseline)
    if kind == INSERTION:
        return blurred(x), x
    raise ValueError(f"kind must be {DELETION!r} or {INSERTION!r}, got {kind!r}.")


def _curve(model: nn.Module, x: Tensor, orders: Sequence[np.ndarray], target: int, kind: str,
           baseline: float | Tensor | None, steps: int, label: str) -> DeletionCurve:
    start, end = _endpoints(x, kind, baseline)
    probs = _curve_for_orders(model, start, end, orders, target, steps).mean(axis=0)
    fractions = np.linspace(0.0, 1.0, steps + 1)
    return DeletionCurve(fractions, probs, _auc(fractions, probs), label, kind)


def deletion_curve(
    model: nn.Module,
    x: Tensor,
    attr_map: np.ndarray,
    target: int,
    *,
    baseline: float | Tensor | None = None,
    steps: int = 20,
    label: str = "",
    kind: str = DELETION,
) -> DeletionCurve:
    """Delete (or, ``kind=INSERTION``, insert) pixels of x (1, C, H, W) from most to least attributed
    (map (H, W)) in ``steps`` steps. Deletion: lower area = better; insertion: higher area = better."""
    check_model_and_image(model, x)
    if attr_map.shape != tuple(x.shape[-2:]):
        raise ValueError(f"The map is {attr_map.shape} but the image is {tuple(x.shape[-2:])}.")
    return _curve(model, x, [deletion_order(attr_map)], target, kind, baseline, steps, label)


def insertion_curve(model: nn.Module, x: Tensor, attr_map: np.ndarray, target: int, *,
                    baseline: float | Tensor | None = None, steps: int = 20, label: str = "") -> DeletionCurve:
    """``deletion_curve(..., kind=INSERTION)``: from the blurred image, most-attributed pixels back first."""
    return deletion_curve(model, x, attr_map, target, baseline=baseline, steps=steps, label=label, kind=INSERTION)


def random_deletion_curve(
    model: nn.Module,
    x: Tensor,
    target: int,
    *,
    baseline: float | Tensor | None = None,
    steps: int = 20,
    repeats: int = 3,
    seed: int = 0,
    kind: str = DELETION,
) -> DeletionCurve:
    """The first reference: pixels in random order, averaged over ``repeats`` seeded orders."""
    check_model_and_image(model, x)
    h, w = x.shape[-2:]
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(h * w) for _ in range(repeats)]
    return _curve(model, x, orders, target, kind, baseline, steps, RANDOM)


def intensity_curve(model: nn.Module, x: Tensor, target: int, *, baseline: float | Tensor | None = None,
                    steps: int = 20, kind: str = DELETION) -> DeletionCurve:
    """The second, model-free reference: pixels ordered by ``intensity_map`` (brightest first on Fashion-MNIST)."""
    check_model_and_image(model, x)
    return _curve(model, x, [deletion_order(intensity_map(x, baseline))], target, kind, baseline, steps, INTENSITY)


# --- reading the numbers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FaithfulnessScores:
    """One map's AUCs and those of the two references, on both curves (deletion: lower is better;
    insertion: higher is better)."""

    deletion: float
    deletion_random: float
    deletion_intensity: float
    insertion: float
    insertion_random: float
    insertion_intensity: float

    def beats(self, reference: str) -> tuple[bool, bool]:
        """(better on deletion, better on insertion) than ``reference`` by more than ``AUC_MARGIN``."""
        if reference == RANDOM:
            d, i = self.deletion_random, self.insertion_random
        elif reference == INTENSITY:
            d, i = self.deletion_intensity, self.insertion_intensity
        else:
            raise ValueError(f"reference must be one of {REFERENCES}, got {reference!r}.")
        return self.deletion < d - AUC_MARGIN, self.insertion > i + AUC_MARGIN


def faithfulness_verdict(scores: FaithfulnessScores) -> str:
    """The verdict id for one map, a function of its AUCs and the references' (see the module docstring).

    Beating random on both curves is the necessary check; then the map must also beat the model-free
    brightness order: on both curves ``BOTH``, on one ``ONE_CURVE``, on neither ``RANDOM_ONLY``.
    """
    if not all(scores.beats(RANDOM)):
        return FAILS_RANDOM
    wins = sum(scores.beats(INTENSITY))
    return BOTH if wins == 2 else ONE_CURVE if wins == 1 else RANDOM_ONLY


def scores_of(deletion: DeletionCurve, insertion: DeletionCurve, references: dict[tuple[str, str], DeletionCurve]
              ) -> FaithfulnessScores:
    """``FaithfulnessScores`` from a method's two curves and the references keyed by (kind, reference)."""
    return FaithfulnessScores(
        deletion.auc, references[DELETION, RANDOM].auc, references[DELETION, INTENSITY].auc,
        insertion.auc, references[INSERTION, RANDOM].auc, references[INSERTION, INTENSITY].auc,
    )


def _versus(beats_random: bool, beats_intensity: bool) -> str:
    """Which references one AUC beats, in words."""
    if beats_random and beats_intensity:
        return tr("beats both")
    if beats_random:
        return tr("beats random only")
    return tr("beats brightness only") if beats_intensity else tr("beats neither")


def scores_markdown(rows: list[tuple[str, FaithfulnessScores]], refs: dict[tuple[str, str], DeletionCurve],
                     class_name: str) -> str:
    """Markdown for the page: the references, then each method's deletion and insertion AUC (in words: which
    references it beats) and its verdict, then why beating random is not enough. ``rows``: (method, scores);
    ``refs`` keyed by (kind, reference); ``class_name`` already in the user's language."""
    lines = [
        tr("**Faithfulness** for *{class_name}*. Deletion: area under the probability curve as the most attributed "
           "pixels are blacked out (lower is better). Insertion: area as they are put back into a blurred copy "
           "(higher is better). References — random order: deletion **{dr:.3f}**, insertion **{ir:.3f}**; "
           "brightness order (no model at all): deletion **{di:.3f}**, insertion **{ii:.3f}**.",
           class_name=class_name, dr=refs[DELETION, RANDOM].auc, ir=refs[INSERTION, RANDOM].auc,
           di=refs[DELETION, INTENSITY].auc, ii=refs[INSERTION, INTENSITY].auc),
        "",
        tr("| method | deletion AUC ↓ | insertion AUC ↑ | verdict |"),
        "|---|---|---|---|",
    ]
    for method, sc in rows:
        (dr, ir), (di, ii) = sc.beats(RANDOM), sc.beats(INTENSITY)
        lines.append(f"| {method_label(method)} | {sc.deletion:.3f} ({_versus(dr, di)}) | "
                     f"{sc.insertion:.3f} ({_versus(ir, ii)}) | {tr(faithfulness_verdict(sc))} |")
    lines += ["", tr("Beating random order is necessary, not sufficient: on a black background, blacking out the "
                     "brightest pixels first removes the object with no model at all. Differences under {margin} "
                     "count as ties.", margin=AUC_MARGIN)]
    return "\n".join(lines)


def deletion_figure(curves: Sequence[DeletionCurve], references: Sequence[DeletionCurve], class_name: str) -> Figure:
    """Probability of ``class_name`` vs fraction of pixels changed: deletion on the left, insertion on the
    right (each drawn when given), methods as solid lines, references dashed (random) and dotted (brightness).

    Curve labels that are method names and Fashion-MNIST class names are shown in the current language.
    """
    kinds = [k for k in (DELETION, INSERTION) if any(c.kind == k for c in (*curves, *references))]
    fig = Figure(figsize=(4.2 * max(1, len(kinds)) + 0.6, 3.8), dpi=100, layout="constrained")
    axes = fig.subplots(1, max(1, len(kinds)), squeeze=False)[0]
    styles = {RANDOM: "k--", INTENSITY: "k:"}
    for ax, kind in zip(axes, kinds):
        for c in (c for c in curves if c.kind == kind):
            ax.plot(c.fractions, c.probs, marker=".", label=f"{curve_label(c.label)} (AUC {c.auc:.3f})")
        for r in (r for r in references if r.kind == kind):
            ax.plot(r.fractions, r.probs, styles.get(r.label, "k-."), label=f"{curve_label(r.label)} (AUC {r.auc:.3f})")
        if kind == DELETION:
            ax.set_xlabel(tr("fraction of pixels deleted (most attributed first)"))
            ax.set_title(tr("Deletion: a low area is good"), fontsize=10)
        else:
            ax.set_xlabel(tr("fraction of pixels restored into the blurred image"))
            ax.set_title(tr("Insertion: a high area is good"), fontsize=10)
        ax.set_ylabel(f"P({class_label(class_name)})")
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=7)
    fig.suptitle(tr("Beating random order is necessary, not sufficient: a map should also beat the brightness order"),
                 fontsize=10)
    return fig
