"""The models of the "Inside ResNet-18" tab: the shipped Fashion-MNIST ResNet-18 and the optional
ImageNet one, each bundled with how to feed it -- one instance per kind of work (issue 11).

Forward hooks (ours for feature maps, Captum's for Grad-CAM) live on a model's own modules: two
requests running on one instance at once would see each other's activations. Instead of one lock
for the whole tab (the fast queue then waited for seconds-long attributions), every kind of work
has its own instance, loaded once (≈45 MB each):

* ``QUICK_WORK``: forward passes (prediction, feature maps) -- the ``QUICK`` queue and page loads;
* ``HEAVY_WORK``: gradients and randomization (attributions, deletion curves, sanity check, branch
  comparison) -- the ``HEAVY`` queue.

Each instance has a lock of its own (``instance_lock``), held only around that instance's model
work: a QUICK request never waits for a HEAVY one. The served instances' parameters never change:
``requires_grad`` is switched off once at load, before any request sees them (Captum only needs
∂/∂input), and the sanity check randomizes a deep copy.

``Bundle.key`` names a model by the content of its weights, so results cached by content
(``explainer.ui.inside_results``) are shared by the two instances and never mix two models.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

from torch import Tensor, nn

from explainer.i18n import tr
from explainer.inside import imagenet, images
from explainer.inside.attribution_methods import FASHION_BASELINE, AttributionSettings
from explainer.inside.features import prepare_for_inference
from explainer.training.checkpoint import load_model
from explainer.training.fashion_mnist import CLASS_NAMES

FASHION = "Fashion-MNIST ResNet-18"
IMAGENET = "ImageNet ResNet-18"
QUICK_WORK = "quick"
HEAVY_WORK = "heavy"
WORKS: tuple[str, ...] = (QUICK_WORK, HEAVY_WORK)

# The loaded instances by (model, work), e.g. ("fashion", "quick"); tests put their own models here.
_CACHE: dict[tuple[str, str], nn.Module] = {}
# ImageNet instances by work: (the loader's cached model they were copied from, our copy).
_IMAGENET: dict[str, tuple[nn.Module, nn.Module]] = {}
# Held while loading only (two first requests must not load twice), never during model work.
_LOAD_LOCK = threading.Lock()
_REGISTRY_LOCK = threading.Lock()
_LOCKS: weakref.WeakKeyDictionary[nn.Module, threading.Lock] = weakref.WeakKeyDictionary()
_DIGESTS: weakref.WeakKeyDictionary[nn.Module, str] = weakref.WeakKeyDictionary()


@dataclass
class Bundle:
    """A model instance and how to feed it. ``key``: (name, digest of the weights) for result caches."""

    name: str
    model: nn.Module
    class_names: tuple[str, ...]
    prepare: Callable[[Any, str], images.PreparedImage]
    baseline: float | Tensor
    settings: AttributionSettings = AttributionSettings()
    key: tuple[str, str] = field(default=("", ""))

    def __post_init__(self) -> None:
        if self.key == ("", ""):
            self.key = (self.name, weights_digest(self.model))

    @property
    def lock(self) -> threading.Lock:
        """The lock of this instance (not of the other work's instance)."""
        return instance_lock(self.model)


def _check_work(work: str) -> None:
    if work not in WORKS:
        raise ValueError(f"Unknown kind of model work {work!r}; expected one of {WORKS}.")


def _served(model: nn.Module) -> nn.Module:
    """Eval mode, channels-last, parameters constant: done once, before any request uses the instance."""
    model = prepare_for_inference(model)
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def instance_lock(model: nn.Module) -> threading.Lock:
    """The lock serialising the model work (hooks, forward passes) on this one instance."""
    with _REGISTRY_LOCK:
        lock = _LOCKS.get(model)
        if lock is None:
            lock = _LOCKS[model] = threading.Lock()
        return lock


def weights_digest(model: nn.Module) -> str:
    """sha256 of the model's state (names, shapes and values), computed once per instance (~0.1 s)."""
    with _REGISTRY_LOCK:
        known = _DIGESTS.get(model)
    if known is not None:
        return known
    h = hashlib.sha256()
    for name, t in model.state_dict().items():
        h.update(f"{name}{tuple(t.shape)}{t.dtype}".encode())
        h.update(t.detach().contiguous().cpu().numpy().tobytes())
    digest = h.hexdigest()
    with _REGISTRY_LOCK:
        _DIGESTS[model] = digest
    return digest


def fashion_model(work: str = QUICK_WORK) -> nn.Module:
    """The shipped model's instance for ``work``, loaded once; ``CheckpointError`` (a ValueError) while
    it is missing. Failures are not cached, so the tab starts working as soon as the checkpoint appears.
    """
    _check_work(work)
    key = ("fashion", work)
    if key not in _CACHE:
        with _LOAD_LOCK:
            if key not in _CACHE:
                _CACHE[key] = _served(load_model())
    return _CACHE[key]


def imagenet_model(work: str = QUICK_WORK) -> nn.Module:
    """The ImageNet ResNet-18's instance for ``work`` (a copy of the loader's); ``ImageNetUnavailable``."""
    _check_work(work)
    source = imagenet.load_imagenet_model()  # says why it is unavailable; cached while the file is unchanged
    with _LOAD_LOCK:
        known = _IMAGENET.get(work)
        if known is None or known[0] is not source:
            known = _IMAGENET[work] = (source, _served(copy.deepcopy(source)))
    return known[1]


def bundle(choice: str | None, work: str = QUICK_WORK) -> Bundle:
    """The model chosen in the tab (``FASHION`` when none is) for ``work``, or ``ValueError`` saying why it
    is unavailable."""
    if choice in (None, "", FASHION):
        return Bundle(
            FASHION,
            fashion_model(work),
            CLASS_NAMES,
            lambda src, inv: images.prepare_fashion(src, invert=inv or "auto"),
            FASHION_BASELINE,
        )
    if choice == IMAGENET:
        model = imagenet_model(work)
        # 224×224×3 images: smaller batches keep IG's memory near 1 GB; bigger occlusion windows.
        return Bundle(IMAGENET, model, imagenet.class_names(), lambda src, inv: imagenet.prepare_imagenet(src),
                      imagenet.IMAGENET_BASELINE,
                      AttributionSettings(ig_internal_batch=10, occlusion_batch=16, occlusion_stride_fraction=1.0))
    raise ValueError(tr("Unknown model {name}.", name=repr(choice)))
