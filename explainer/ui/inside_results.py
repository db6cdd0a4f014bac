"""Results of the "Inside ResNet-18" tab, computed once per content and served to every request (issue 11).

A class of 40 clicking the same example asks for the same prediction, Grad-CAM and Integrated
Gradients 40 times. Each of these is a pure function of the model's weights (``Bundle.key``), the
prepared input tensor (``input_digest``: sha256 of its bytes) and the method's arguments, so it is kept
in ``compute_once.NUMBERS`` under those: the first request computes it (on *its* queue's model
instance, under that instance's lock), the requests arriving meanwhile wait for that computation,
later ones read it from memory. Gradient work is ``heavy`` (one at a time, ``compute_once.HEAVY_SLOT``);
forward passes are not.

The tensor and the model are not part of the key (a key keeps its values alive): only their digests
are, which is why this module calls ``NUMBERS.get`` with its own keys rather than ``numbers(fn, *args)``.
Cached values hold no language; what the page shows is rendered per language by ``rendered`` (``VIEWS``).
Callers must not modify a returned value: it is shared by every request.

Locks: a heavy computation takes ``HEAVY_SLOT`` and then its instance's lock; nothing here asks for a
cached value while holding either, so the two are always taken in that order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from torch import Tensor

from explainer.i18n import current_language
from explainer.inside import features
from explainer.inside.attribution_methods import Attribution, AttributionSettings, attribute, resolve_target
from explainer.inside.branch_shortcut import BlockComparison, compare_blocks
from explainer.inside.deletion_metric import (
    DELETION,
    INSERTION,
    INTENSITY,
    RANDOM,
    DeletionCurve,
    deletion_curve,
    insertion_curve,
    intensity_curve,
    random_deletion_curve,
)
from explainer.inside.sanity_check import SanityResult, cascading_randomization
from explainer.ui.compute_once import NUMBERS, VIEWS
from explainer.ui.presenter import presenting
from explainer.ui.inside_models import Bundle

T = TypeVar("T")
ProgressFn = Callable[[float, str], None]


def input_digest(x: Tensor) -> str:
    """sha256 of a prepared input (1, C, H, W): dtype, shape and values (~20 µs at 96×96)."""
    h = hashlib.sha256(f"{x.dtype}{tuple(x.shape)}".encode())
    h.update(x.detach().contiguous().cpu().numpy().tobytes())
    return h.hexdigest()


def _cached(kind: str, b: Bundle, x: Tensor, args: tuple[Hashable, ...], compute: Callable[[], T], *,
            heavy: bool) -> T:
    def on_this_instance() -> T:
        with b.lock:  # hooks live on the instance's modules: one request at a time on it
            return compute()

    return NUMBERS.get(("inside", kind, b.key, input_digest(x), *args), on_this_instance, heavy=heavy)


def rendered(kind: str, b: Bundle, x: Tensor, args: tuple[Hashable, ...], render: Callable[[], T]) -> T:
    """What ``render()`` shows for these results, drawn once per language and presenter mode (``compute_once.VIEWS``)."""
    return VIEWS.get(("inside", kind, b.key, input_digest(x), *args, current_language(), presenting()), render)


def prediction(b: Bundle, x: Tensor) -> Tensor:
    """Class probabilities (num_classes,) of one image x (1, C, H, W)."""
    return _cached("prediction", b, x, (), lambda: features.predict(b.model, x), heavy=False)


def prediction_and_map(b: Bundle, x: Tensor, layer: str) -> tuple[Tensor, Tensor]:
    """Probabilities (num_classes,) and the activation (C, H', W') of ``layer``, from one forward pass."""

    def compute() -> tuple[Tensor, Tensor]:
        probs, maps = features.predict_and_capture(b.model, x, [layer])
        return probs, maps[layer]

    return _cached("prediction_and_map", b, x, (layer,), compute, heavy=False)


def predicted_class(b: Bundle, x: Tensor) -> int:
    """The predicted class index (argmax of the logits)."""
    return _cached("predicted_class", b, x, (), lambda: resolve_target(b.model, x, "predicted"), heavy=False)


def block_comparison(b: Bundle, x: Tensor) -> list[BlockComparison]:
    """Branch, shortcut and sum of every residual block (one forward pass)."""
    return _cached("blocks", b, x, (), lambda: compare_blocks(b.model, x), heavy=False)


def attribution(b: Bundle, x: Tensor, method: str, target: int | str, settings: AttributionSettings) -> Attribution:
    """``attribute(model, x, method, target=target, ...)`` with the bundle's baseline; ``target`` as given
    ("predicted" or a class index), so the result equals the uncached call's."""
    return _cached("attribution", b, x, (method, target, settings),
                   lambda: attribute(b.model, x, method, target=target, settings=settings, baseline=b.baseline),
                   heavy=True)


def deletion(b: Bundle, x: Tensor, a: Attribution, target: int | str, settings: AttributionSettings,
             label: str = "") -> DeletionCurve:
    """The deletion curve of ``a``, the result of ``attribution(b, x, a.method, target, settings)``."""
    return _cached("deletion", b, x, (a.method, target, settings, label),
                   lambda: deletion_curve(b.model, x, a.map, a.target, baseline=b.baseline, label=label), heavy=True)


def insertion(b: Bundle, x: Tensor, a: Attribution, target: int | str, settings: AttributionSettings,
              label: str = "") -> DeletionCurve:
    """The insertion curve of ``a`` (from the blurred image, most-attributed pixels back first)."""
    return _cached("insertion", b, x, (a.method, target, settings, label),
                   lambda: insertion_curve(b.model, x, a.map, a.target, baseline=b.baseline, label=label), heavy=True)


def random_deletion(b: Bundle, x: Tensor, target: int) -> DeletionCurve:
    """The random-order reference curve for class ``target``."""
    return _cached("random_deletion", b, x, (target,),
                   lambda: random_deletion_curve(b.model, x, target, baseline=b.baseline), heavy=True)


def references(b: Bundle, x: Tensor, target: int) -> dict[tuple[str, str], DeletionCurve]:
    """The reference curves for class ``target``, keyed by (kind, reference): random order and the
    model-free brightness order, each for deletion and insertion."""

    def other(kind: str, reference: str) -> DeletionCurve:
        if reference == RANDOM:
            return random_deletion_curve(b.model, x, target, baseline=b.baseline, kind=kind)
        return intensity_curve(b.model, x, target, baseline=b.baseline, kind=kind)

    out = {(DELETION, RANDOM): random_deletion(b, x, target)}
    for kind, reference in ((DELETION, INTENSITY), (INSERTION, RANDOM), (INSERTION, INTENSITY)):
        out[kind, reference] = _cached("reference", b, x, (target, kind, reference),
                                       lambda k=kind, r=reference: other(k, r), heavy=True)
    return out


def sanity(b: Bundle, x: Tensor, methods: tuple[str, ...], target: int, settings: AttributionSettings,
           progress: ProgressFn | None = None) -> SanityResult:
    """Cascading randomization (on a deep copy of the instance, made under its lock). ``SanityResult.text``
    is in the language of the request that computed it: render it afresh (``sanity_check._verdict``)."""
    return _cached("sanity", b, x, (methods, target, settings),
                   lambda: cascading_randomization(b.model, x, methods, target=target, settings=settings,
                                                   baseline=b.baseline, progress=progress), heavy=True)
