"""Why did the model decide that? Attribution maps computed by Captum, and two tests of trust.

Methods (all from ``captum.attr``; nothing here re-implements them):

* **Saliency** (Simonyan et al. 2014) -- |∂ logit / ∂ pixel|.
* **Integrated Gradients** (Sundararajan et al. 2017) -- gradients averaged along the straight path
  from a *baseline* (a black image: 0 in pixel space, ``(0 - MEAN) / STD`` after normalization) to
  the input, times (input − baseline). 50 steps, all in one batch.
* **Grad-CAM** (Selvaraju et al. 2017) -- ``LayerGradCam`` with ``relu_attributions=True`` (the
  paper's ReLU; Captum's default is off), at a layer you choose: a block's output (after its ReLU),
  its sum F(x)+x before the final ReLU, or its branch F(x) before the add. Upsampled bilinearly to
  the input size with ``LayerAttribution.interpolate``.
* **Occlusion** (Zeiler & Fergus 2014) -- slide a baseline-coloured square over the image and
  record how much the logit drops; many windows per forward pass (``perturbations_per_eval``).
* **SmoothGrad** (Smilkov et al. 2017) -- ``NoiseTunnel`` averaging Saliency (or IG) over noisy copies.

Trust:

* ``deletion_curve`` (Petsiuk et al. 2018, "RISE"): delete the most-attributed pixels first
  (replace them by the baseline) and watch the class probability fall; a faithful map makes it
  fall fast -- a small area under the curve -- compared with deleting pixels in random order.
* ``cascading_randomization`` (Adebayo et al. 2018, "Sanity checks for saliency maps"): re-initialise
  the weights from the top (fc) down to the stem and recompute each map; a map that explains *the
  model* must change (low Spearman rank correlation with the original). One that does not is
  showing the input, not the model.

Maps are returned as numpy (H, W) at the input resolution, summed over colour channels.
"""

from __future__ import annotations

import contextlib
import copy
import math
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, Sequence

import numpy as np
import torch
from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, NoiseTunnel, Occlusion, Saliency
from matplotlib import colormaps
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.inside.features import BLOCK_PARTS, BRANCH, SEP, SUM, block_names, layer_label
from explainer.models.blocks import block_parts
from explainer.runtime import seeded
from explainer.training.fashion_mnist import MEAN, STD, class_label

# Method names are API values (checkbox values, ``/attribute``): English ids, shown with ``method_label``.
SALIENCY = N_("Saliency")
IG = N_("Integrated Gradients")
GRADCAM = N_("Grad-CAM")
OCCLUSION = N_("Occlusion")
SMOOTHGRAD = N_("SmoothGrad")
METHODS: tuple[str, ...] = (SALIENCY, IG, GRADCAM, OCCLUSION, SMOOTHGRAD)
SMOOTHGRAD_BASES: tuple[str, ...] = (SALIENCY, IG)
# Methods whose map is signed (evidence for and against); the others are ≥ 0.
SIGNED: frozenset[str] = frozenset({IG, OCCLUSION})
#: The Fashion-MNIST baseline: a black pixel after normalization (the dataset's background).
FASHION_BASELINE = (0.0 - MEAN) / STD

ProgressFn = Callable[[float, str], None]
# Steps of the sanity check: English ids in ``SanityResult.steps``, shown with ``step_label``.
TRAINED = N_("trained")
STEM_UNIT = N_("stem (conv1, bn1)")


def method_label(method: str) -> str:
    """A method's name for display, in the current language ("Integrated Gradients" → "积分梯度")."""
    return tr(method)


def step_label(step: str) -> str:
    """A sanity-check step for display: "trained", "fc", "+ layer4", "+ stem (conv1, bn1)"."""
    return "+ " + tr(step[2:]) if step.startswith("+ ") else tr(step)


@dataclass(frozen=True)
class AttributionSettings:
    """Knobs of the methods; the defaults keep each map within about a second on 2 CPU cores."""

    ig_steps: int = 50  # Sundararajan et al. use 20–300; completeness error is small at 50
    ig_internal_batch: int = 50  # all steps in one batch: fastest on CPU, ~100 MB at 96×96
    gradcam_layer: str | None = None  # None: the last block's output (after its ReLU), as in the paper
    occlusion_window: int | None = None  # None: 1/6 of the image side (16 px at 96×96)
    occlusion_stride: int | None = None  # None: window × occlusion_stride_fraction
    occlusion_stride_fraction: float = 0.5  # 0.5: overlapping windows (smoother); 1.0: tiles (4× cheaper)
    occlusion_batch: int = 64  # windows per forward pass
    smoothgrad_base: str = SALIENCY
    smoothgrad_samples: int = 16
    smoothgrad_noise: float = 0.15  # σ as a fraction of the input's range (Smilkov et al.: 10–20 %)
    smoothgrad_ig_steps: int = 16  # IG inside SmoothGrad: fewer steps, it is averaged anyway
    seed: int = 0


#: Cheaper settings for the sanity check, which recomputes every map after each randomization step.
#: The sanity check compares *rankings* of pixels, for which 16 IG steps suffice.
SANITY_SETTINGS = AttributionSettings(
    ig_steps=16, ig_internal_batch=16, smoothgrad_samples=8, smoothgrad_ig_steps=8, occlusion_stride_fraction=1.0
)


@dataclass
class Attribution:
    """One attribution map. ``map``: float32 (H, W) at input resolution (channels summed)."""

    method: str
    target: int
    map: np.ndarray
    signed: bool
    layer: str | None = None  # Grad-CAM only
    delta: float | None = None  # IG only: Captum's convergence delta (completeness error)
    raw: Tensor | None = field(default=None, repr=False)  # Captum's output, (1, C, H, W)


# --- helpers ----------------------------------------------------------------------------------------


def baseline_like(x: Tensor, baseline: float | Tensor | None) -> Tensor:
    """The baseline image with x's shape (1, C, H, W); ``None`` → the Fashion-MNIST black."""
    value = FASHION_BASELINE if baseline is None else baseline
    if isinstance(value, Tensor):
        return value.to(x.dtype).expand_as(x).contiguous()
    return torch.full_like(x, float(value))


@contextlib.contextmanager
def frozen_weights(model: nn.Module) -> Iterator[None]:
    """Temporarily switch off weight gradients: Captum only needs ∂/∂input (≈ 1/3 less backward work)."""
    flags = [(p, p.requires_grad) for p in model.parameters()]
    for p, _ in flags:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)


def _check(model: nn.Module, x: Tensor) -> None:
    if model.training:
        raise ValueError("Call model.eval() first: in training mode BatchNorm uses the statistics of this one image.")
    if not isinstance(x, Tensor) or x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"Expected one image as a (1, C, H, W) tensor, got {getattr(x, 'shape', type(x))}.")


def resolve_target(model: nn.Module, x: Tensor, target: int | str | None) -> int:
    """``None`` or "predicted" → the predicted class; else a class index checked against the output size."""
    fc = getattr(model, "fc", None)
    if (target is None or target == "predicted") or not isinstance(fc, nn.Linear):
        with torch.no_grad():
            logits = model(x)
        if target is None or target == "predicted":
            return int(logits.argmax(dim=1)[0])
        num_classes = logits.shape[1]
    else:
        num_classes = fc.out_features  # no extra forward pass just to validate an index
    if isinstance(target, bool):
        raise ValueError(tr("The target class must be a class index or 'predicted', got {target!r}.", target=target))
    try:
        t = int(target)
    except (TypeError, ValueError):
        raise ValueError(tr("The target class must be a class index or 'predicted', got {target!r}.",
                            target=target)) from None
    if not 0 <= t < num_classes:
        raise ValueError(tr("The target class must be between 0 and {hi}, got {t}.", hi=num_classes - 1, t=t))
    return t


def gradcam_layers(model: nn.Module) -> list[str]:
    """Grad-CAM layer choices: per block its output, its pre-ReLU sum and its branch F(x), deepest first."""
    names = []
    for b in reversed(block_names(model)):
        names += [b, b + SEP + SUM, b + SEP + BRANCH]
    return names


def gradcam_layer_label(name: str) -> str:
    """Human label for a Grad-CAM layer choice (for dropdowns), in the current language."""
    base, _, part = name.partition(SEP)
    if part == SUM:
        return tr("{base} · F(x)+x, before the final ReLU", base=base)
    if part == BRANCH:
        return tr("{base} · branch F(x), before the add", base=base)
    return tr("{base} · block output (after the add and ReLU)", base=base)


def _layer_module(model: nn.Module, name: str) -> tuple[nn.Module, bool]:
    """(module, attribute_to_layer_input) for a Grad-CAM layer name."""
    base, _, part = name.partition(SEP)
    modules = dict(model.named_modules())
    if base not in modules or part not in ("", *BLOCK_PARTS) or base not in block_names(model):
        raise ValueError(tr("Unknown Grad-CAM layer {name!r}; choose a block such as 'layer4.1'.", name=name))
    last_bn, _, final_relu = block_parts(modules[base])
    if part == SUM:
        return final_relu, True  # the ReLU's input is F(x) + shortcut
    if part == BRANCH:
        return last_bn, False
    if part == "":
        return modules[base], False
    raise ValueError(tr("Grad-CAM cannot use the {part!r} of a block; choose its output, sum or branch.", part=part))


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    # NoiseTunnel and reset_parameters draw from torch's global RNG: fork it so results are
    # reproducible and the caller's RNG state is untouched, and keep other server threads' seeded
    # sections out meanwhile (explainer/rng.py).
    with seeded(seed):
        yield


def _occlusion_geometry(x: Tensor, settings: AttributionSettings) -> tuple[int, int]:
    side = min(x.shape[-2:])
    window = settings.occlusion_window or max(2, side // 6)
    stride = settings.occlusion_stride or max(1, round(window * settings.occlusion_stride_fraction))
    if not (1 <= stride <= window <= side):
        raise ValueError(f"Occlusion needs 1 ≤ stride ≤ window ≤ {side}; got window {window}, stride {stride}.")
    return window, stride


# --- attribution ------------------------------------------------------------------------------------


def attribute(
    model: nn.Module,
    x: Tensor,
    method: str,
    *,
    target: int | str | None = None,
    settings: AttributionSettings = AttributionSettings(),
    baseline: float | Tensor | None = None,
) -> Attribution:
    """One attribution map of ``method`` for image x (1, C, H, W) and class ``target`` (default: predicted).

    ``baseline``: the "absent" pixel value(s) in normalized units (float or (1, C, 1, 1));
    ``None`` is black for the Fashion-MNIST model. Returns an ``Attribution`` with map (H, W).
    """
    if method not in METHODS:
        raise ValueError(tr("Unknown method {method!r}; choose one of {choices}.", method=method,
                            choices=", ".join(METHODS)))
    _check(model, x)
    base = baseline_like(x, baseline)
    single_pass = method in (SALIENCY, GRADCAM) and (target is None or target == "predicted")
    if single_pass:
        # One forward pass instead of two: the forward itself picks the predicted class. Valid
        # because these methods evaluate the model once, on x itself (argmax is locally constant).
        forward, chosen = _predicted_logit(model)
        t = -1
    else:
        forward, chosen = model, {}
        t = resolve_target(model, x, target)
    # Gradient methods need ∂/∂input (Captum would switch it on with a warning); occlusion only
    # runs forward passes, which must not build an autograd graph.
    x = x.detach().clone().requires_grad_(method != OCCLUSION)
    delta = None
    layer = None
    with frozen_weights(model):
        if method == SALIENCY:
            raw = Saliency(forward).attribute(x, target=None if single_pass else t, abs=True)
        elif method == IG:
            raw, d = IntegratedGradients(model).attribute(
                x,
                baselines=base,
                target=t,
                n_steps=settings.ig_steps,
                internal_batch_size=settings.ig_internal_batch,
                return_convergence_delta=True,
            )
            delta = float(d.abs().max())
        elif method == GRADCAM:
            layer = settings.gradcam_layer or block_names(model)[-1]
            module, to_input = _layer_module(model, layer)
            cam = LayerGradCam(forward, module).attribute(
                x, target=None if single_pass else t, attribute_to_layer_input=to_input, relu_attributions=True
            )
            raw = LayerAttribution.interpolate(cam, tuple(x.shape[-2:]), interpolate_mode="bilinear")
        elif method == OCCLUSION:
            window, stride = _occlusion_geometry(x, settings)
            c = x.shape[1]
            raw = Occlusion(model).attribute(
                x,
                sliding_window_shapes=(c, window, window),
                strides=(c, stride, stride),
                baselines=base,
                target=t,
                perturbations_per_eval=settings.occlusion_batch,
            )
        else:  # SmoothGrad
            raw = _smoothgrad(model, x, t, base, settings)
    if single_pass:
        t = chosen["target"]
    attr_map = raw.detach().sum(dim=1)[0].float().numpy()
    return Attribution(method, t, attr_map, method in SIGNED, layer=layer, delta=delta, raw=raw.detach())


def _predicted_logit(model: nn.Module) -> tuple[Callable[[Tensor], Tensor], dict[str, int]]:
    """A forward function returning the logit of the class predicted for the first input, (N,)."""
    chosen: dict[str, int] = {}

    def forward(inp: Tensor) -> Tensor:
        out = model(inp)
        if "target" not in chosen:
            chosen["target"] = int(out[0].detach().argmax())
        return out[:, chosen["target"]]

    return forward, chosen


def _smoothgrad(model: nn.Module, x: Tensor, target: int, base: Tensor, settings: AttributionSettings) -> Tensor:
    if settings.smoothgrad_base not in SMOOTHGRAD_BASES:
        raise ValueError(tr("SmoothGrad averages Saliency or Integrated Gradients, not {base!r}.",
                            base=settings.smoothgrad_base))
    stdev = settings.smoothgrad_noise * float(x.detach().max() - x.detach().min()) or settings.smoothgrad_noise
    n = settings.smoothgrad_samples
    with _seeded(settings.seed):
        if settings.smoothgrad_base == SALIENCY:
            return NoiseTunnel(Saliency(model)).attribute(
                x, nt_type="smoothgrad", nt_samples=n, nt_samples_batch_size=n, stdevs=stdev, target=target, abs=True
            )
        # IG under noise: each noisy copy gets its own path integral; keep one noisy copy per batch
        # of (ig steps) images so memory stays like plain IG.
        raw = NoiseTunnel(IntegratedGradients(model)).attribute(
            x,
            nt_type="smoothgrad",
            nt_samples=n,
            nt_samples_batch_size=max(1, settings.ig_internal_batch // settings.smoothgrad_ig_steps),
            stdevs=stdev,
            target=target,
            baselines=base,
            n_steps=settings.smoothgrad_ig_steps,
            internal_batch_size=settings.ig_internal_batch,
        )
        return raw.abs()  # SmoothGrad shows magnitudes; signs of averaged noisy IG are unstable


def attribute_many(
    model: nn.Module,
    x: Tensor,
    methods: Sequence[str],
    *,
    target: int | str | None = None,
    settings: AttributionSettings = AttributionSettings(),
    baseline: float | Tensor | None = None,
    progress: ProgressFn | None = None,
) -> list[Attribution]:
    """``attribute`` for several methods (same target), reporting progress after each."""
    if not methods:
        raise ValueError(tr("Choose at least one attribution method."))
    t = resolve_target(model, x, target)
    out = []
    for i, m in enumerate(methods):
        if progress:
            progress(i / len(methods), f"{method_label(m)}…")
        out.append(attribute(model, x, m, target=t, settings=settings, baseline=baseline))
    if progress:
        progress(1.0, tr("done"))
    return out


# --- deletion curve ---------------------------------------------------------------------------------


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
    _check(model, x)
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
    _check(model, x)
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


# --- overlays ---------------------------------------------------------------------------------------


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


# --- sanity check (Adebayo et al. 2018) ---------------------------------------------------------------


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of two arrays (ties get average ranks); NaN if either is constant."""
    ra, rb = _rankdata(np.ravel(a)), _rankdata(np.ravel(b))
    ra -= ra.mean()
    rb -= rb.mean()
    denom = math.sqrt(float((ra * ra).sum()) * float((rb * rb).sum()))
    return float((ra * rb).sum() / denom) if denom > 0 else float("nan")


def _rankdata(a: np.ndarray) -> np.ndarray:
    """Average ranks (1-based) as ``scipy.stats.rankdata(method="average")``."""
    sorter = np.argsort(a, kind="mergesort")
    inv = np.empty(sorter.size, dtype=np.intp)
    inv[sorter] = np.arange(sorter.size)
    s = a[sorter]
    obs = np.r_[True, s[1:] != s[:-1]]
    dense = obs.cumsum()[inv]
    count = np.r_[np.nonzero(obs)[0], len(obs)]
    return 0.5 * (count[dense] + count[dense - 1] + 1).astype(np.float64)


def randomization_units(model: nn.Module, granularity: str = "stage") -> list[tuple[str, list[nn.Module]]]:
    """Top-down list of (name, modules) to re-initialise: fc, layer4 … layer1 (or each block), stem."""
    if granularity not in ("stage", "block"):
        raise ValueError(f"granularity must be 'stage' or 'block', got {granularity!r}.")
    modules = dict(model.named_modules())
    units: list[tuple[str, list[nn.Module]]] = [("fc", [model.fc])]
    if granularity == "stage":
        units += [(s, [modules[s]]) for s in reversed(model.stage_names)]
    else:
        units += [(b, [modules[b]]) for b in reversed(block_names(model))]
    units.append((STEM_UNIT, [model.conv1, model.bn1]))
    return units


def _reinitialize(modules: Sequence[nn.Module]) -> None:
    # Back to the initialization distribution (Adebayo et al.), incl. BN's running statistics.
    for root in modules:
        for m in root.modules():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()


@dataclass
class SanityResult:
    """Maps and rank correlations along the cascade; step 0 is the trained model."""

    methods: list[str]
    steps: list[str]  # "trained", then "fc", "+ layer4", …
    target: int
    maps: dict[str, list[np.ndarray]]
    correlations: dict[str, list[float]]  # Spearman(|map_step|, |map_trained|); NaN if a map is flat
    threshold: float
    decorrelated: dict[str, bool]
    text: str


def cascading_randomization(
    model: nn.Module,
    x: Tensor,
    methods: Sequence[str] = METHODS,
    *,
    target: int | str | None = None,
    settings: AttributionSettings = SANITY_SETTINGS,
    baseline: float | Tensor | None = None,
    granularity: str = "stage",
    threshold: float = 0.5,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> SanityResult:
    """Adebayo et al.'s cascading randomization on a copy of ``model`` (the original is untouched).

    After re-initialising each unit from the top down, every method's map is recomputed for the
    *original* target class and compared with the trained model's map by Spearman rank correlation
    of absolute values. A method "passes" when its mean |ρ| over the randomized steps
    (``randomized_similarity``) is below ``threshold``.
    """
    _check(model, x)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(tr("Choose methods among {choices}; got {methods!r}.", choices=", ".join(METHODS),
                            methods=list(methods)))
    t = resolve_target(model, x, target)
    work = copy.deepcopy(model).eval()
    units = randomization_units(work, granularity)
    total = (len(units) + 1) * len(methods)
    done = 0
    maps: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    steps = [TRAINED]

    def run_all(step_name: str) -> None:
        nonlocal done
        for m in methods:
            if progress:
                progress(done / total, f"{step_name}: {method_label(m)}")
            maps[m].append(attribute(work, x, m, target=t, settings=settings, baseline=baseline).map)
            done += 1

    run_all(tr("trained model"))
    for i, (name, mods) in enumerate(units):
        with _seeded(seed + i):
            _reinitialize(mods)
        steps.append(name if i == 0 else f"+ {name}")
        run_all(tr("randomized down to {name}", name=step_label(name)))
    if progress:
        progress(1.0, tr("done"))
    correlations = {m: [spearman(np.abs(v), np.abs(maps[m][0])) for v in maps[m]] for m in methods}
    decorrelated = {m: randomized_similarity(c) < threshold for m, c in correlations.items()}
    return SanityResult(
        list(methods), steps, t, maps, correlations, threshold, decorrelated,
        _verdict(correlations, steps, threshold),
    )


def randomized_similarity(correlations: Sequence[float]) -> float:
    """Mean |ρ| over the randomized steps (step 0, the trained model, excluded; NaN = flat map = 0).

    Averaging over the cascade rather than reading the last step alone matters for coarse maps:
    Grad-CAM at layer4 has 3×3 cells, so one step's ρ can swing between −0.7 and 0.8 by chance.
    """
    rest = np.nan_to_num(np.asarray(correlations[1:], dtype=np.float64), nan=0.0)
    return float(np.abs(rest).mean()) if rest.size else float("nan")


def _verdict(correlations: dict[str, list[float]], steps: list[str], threshold: float) -> str:
    lines = []
    for m, c in correlations.items():
        sim = randomized_similarity(c)
        final = c[-1]
        final_s = tr("undefined (the map became flat)") if np.isnan(final) else f"{final:.2f}"
        name = method_label(m)
        if sim < threshold:
            lines.append(tr(
                "- **{method}** passes: its map changes as the model is destroyed (mean |ρ| over the "
                "randomized steps {sim:.2f} < {threshold}; with all layers random ρ = {final}).",
                method=name, sim=sim, threshold=threshold, final=final_s,
            ))
        else:
            lines.append(tr(
                "- **{method}** does **not** decorrelate: with the weights randomized its map keeps a mean |ρ| of "
                "{sim:.2f} ≥ {threshold} with the trained one (all layers random: ρ = {final}) — it reflects the "
                "input more than what the model learned.",
                method=name, sim=sim, threshold=threshold, final=final_s,
            ))
        spread = float(np.nanstd(np.asarray(c[1:], dtype=np.float64))) if len(c) > 2 else 0.0
        if spread > 0.3:
            lines.append(tr(
                "  (ρ of {method} jumps from step to step, std {spread:.2f}: a coarse map gives a noisy "
                "correlation on one image — try a few images before concluding.)",
                method=name, spread=spread,
            ))
    return "\n".join(lines)


def sanity_maps_figure(result: SanityResult) -> Figure:
    """Rows: methods; columns: cascade steps; each panel the |map| scaled to its own maximum."""
    rows, cols = len(result.methods), len(result.steps)
    fig = Figure(figsize=(1.5 * cols + 1.2, 1.6 * rows + 0.8), dpi=100, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for r, m in enumerate(result.methods):
        for c, (step, amap) in enumerate(zip(result.steps, result.maps[m])):
            ax = axes[r, c]
            a = np.abs(amap)
            ax.imshow(a, cmap="inferno", vmin=0.0, vmax=float(a.max()) or 1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(step_label(step), fontsize=8)
            if c == 0:
                ax.set_ylabel(method_label(m), fontsize=8)
            if c > 0:
                ax.set_xlabel(f"ρ={result.correlations[m][c]:.2f}", fontsize=8)
    fig.suptitle(tr("Cascading randomization (top → bottom): maps should change as weights are randomized"),
                 fontsize=10)
    return fig


def sanity_curve_figure(result: SanityResult) -> Figure:
    """Spearman correlation to the trained map vs randomization step, one line per method."""
    fig = Figure(figsize=(6.8, 3.6), dpi=100, layout="constrained")
    ax = fig.subplots()
    xs = np.arange(len(result.steps))
    for m in result.methods:
        ax.plot(xs, np.nan_to_num(result.correlations[m], nan=0.0), marker="o", label=method_label(m))
    for sign in (1, -1):  # |ρ| below the threshold counts as decorrelated; strong negative ρ does not
        ax.axhline(sign * result.threshold, color="gray", linestyle="--", linewidth=1,
                   label=f"±{result.threshold}" if sign == 1 else None)
    ax.axhline(0.0, color="black", linewidth=0.5)
    ax.set_xticks(xs, [step_label(s) for s in result.steps], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(tr("Spearman ρ with trained map (|map|)"))
    ax.set_ylim(-1.05, 1.05)
    ax.set_title(tr("Sanity check: a trustworthy map decorrelates when the model is destroyed"), fontsize=10)
    ax.legend(fontsize=8)
    return fig


def with_settings(settings: AttributionSettings, **changes: object) -> AttributionSettings:
    """A copy of ``settings`` with some fields changed (validated by the methods when used)."""
    return replace(settings, **changes)  # type: ignore[arg-type]
