"""Why did the model decide that? Attribution maps computed by Captum.

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

Maps are returned as numpy (H, W) at the input resolution, summed over colour channels. Whether a
map can be trusted: ``explainer.inside.deletion_metric`` and ``explainer.inside.sanity_check``;
drawing it over the input: ``explainer.inside.attribution_overlays``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, Sequence

import numpy as np
import torch
from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, NoiseTunnel, Occlusion, Saliency
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.inside.features import BLOCK_PARTS, BRANCH, SEP, SUM, block_names
from explainer.models.blocks import block_parts
from explainer.runtime import seeded
from explainer.training.fashion_mnist import MEAN, STD

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
#: Sundararajan et al. (2017, §3) suggest checking that IG's attributions add up to within 5 % of
#: f(x) − f(baseline), and raising the number of steps otherwise.
COMPLETENESS_TOLERANCE = 0.05

ProgressFn = Callable[[float, str], None]


def method_label(method: str) -> str:
    """A method's name for display, in the current language ("Integrated Gradients" → "积分梯度")."""
    return tr(method)


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


@dataclass(frozen=True)
class Completeness:
    """Integrated Gradients' completeness axiom, measured: Σ attributions vs f(x) − f(baseline), where f
    is the target class's logit (Sundararajan et al. 2017). Captum's convergence delta is their difference."""

    attribution_sum: float
    output_difference: float  # logit_t(x) − logit_t(baseline)

    @property
    def gap(self) -> float:
        """Σ attributions − (f(x) − f(baseline)): what the finite number of path steps misses."""
        return self.attribution_sum - self.output_difference

    @property
    def relative_gap(self) -> float:
        """|gap| / |f(x) − f(baseline)| (inf when the difference is 0 and the gap is not)."""
        if self.output_difference == 0:
            return 0.0 if self.gap == 0 else float("inf")
        return abs(self.gap) / abs(self.output_difference)


def completeness_text(c: Completeness, steps: int) -> str:
    """One Markdown sentence: the two sides of the axiom, their gap and what it means (``COMPLETENESS_TOLERANCE``)."""
    numbers = tr("**Integrated Gradients, completeness**: Σ attributions = {total:.3f}; logit(x) − logit(black "
                 "image) = {diff:.3f}; gap {gap:+.3f} ({rel:.1%}) with {steps} path steps.",
                 total=c.attribution_sum, diff=c.output_difference, gap=c.gap, rel=c.relative_gap, steps=steps)
    if c.relative_gap <= COMPLETENESS_TOLERANCE:
        reading = tr("Within {tol:.0%}: the attributions account for the whole change of the logit, as the axiom "
                     "requires.", tol=COMPLETENESS_TOLERANCE)
    else:
        reading = tr("More than {tol:.0%} apart: the path integral is too coarse here; more steps would close the "
                     "gap (Sundararajan et al.).", tol=COMPLETENESS_TOLERANCE)
    return numbers + " " + reading


@dataclass
class Attribution:
    """One attribution map. ``map``: float32 (H, W) at input resolution (channels summed)."""

    method: str
    target: int
    map: np.ndarray
    signed: bool
    layer: str | None = None  # Grad-CAM only
    delta: float | None = None  # IG only: |Captum's convergence delta| (completeness error)
    completeness: Completeness | None = None  # IG only: both sides of the completeness axiom
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
    """Temporarily switch off weight gradients, for a ``.backward()`` that needs only ∂/∂input.

    It changes the parameters' ``requires_grad`` flags, which every thread using ``model`` sees: use it
    only on a model no other thread is using (benchmarks). ``attribute`` does not need it: Captum takes
    its gradients with ``torch.autograd.grad(outputs, inputs)``, which computes only what leads to the
    inputs (no weight gradients, nothing accumulated in ``.grad``); measured the same speed (issue 11).
    """
    flags = [(p, p.requires_grad) for p in model.parameters()]
    for p, _ in flags:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)


def check_model_and_image(model: nn.Module, x: Tensor) -> None:
    """``ValueError`` unless the model is in eval mode and x is one image (1, C, H, W)."""
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
    # NoiseTunnel draws from torch's global RNG: fork it so results are reproducible and the caller's
    # RNG state is untouched, and keep other server threads' seeded sections out meanwhile
    # (explainer/runtime.py).
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
    check_model_and_image(model, x)
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
    completeness = None
    layer = None
    # Captum differentiates with torch.autograd.grad(outputs, inputs): no weight gradient is computed or
    # stored: the parameters (their flags, their .grad) are left as they are.
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
        total = float(raw.detach().double().sum())
        # Captum's delta = Σ attributions − (f(x) − f(baseline)), so the logit difference is recovered exactly.
        completeness = Completeness(total, total - float(d.detach().double().sum()))
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
    return Attribution(method, t, attr_map, method in SIGNED, layer=layer, delta=delta, completeness=completeness,
                       raw=raw.detach())


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


def with_settings(settings: AttributionSettings, **changes: object) -> AttributionSettings:
    """A copy of ``settings`` with some fields changed (validated by the methods when used)."""
    return replace(settings, **changes)  # type: ignore[arg-type]
