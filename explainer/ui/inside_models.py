"""The models of the "Inside ResNet-18" tab: the shipped Fashion-MNIST ResNet-18 (loaded once) and the
optional ImageNet one, each bundled with how to feed it, and the lock that serialises their use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
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

# Forward hooks (ours and Captum's) live on the shared model's modules: two requests running at
# once would see each other's activations. One lock serialises the model work of this tab; on a
# 2-core machine a single request already uses both cores, so little is lost.
MODEL_LOCK = threading.Lock()
_CACHE: dict[str, nn.Module] = {}


@dataclass
class Bundle:
    """A model and how to feed it."""

    name: str
    model: nn.Module
    class_names: tuple[str, ...]
    prepare: Callable[[Any, str], images.PreparedImage]
    baseline: float | Tensor
    settings: AttributionSettings = AttributionSettings()


def fashion_model() -> nn.Module:
    """The shipped model, loaded once; ``CheckpointError`` (a ValueError) while it is missing.

    Failures are not cached, so the tab starts working as soon as the checkpoint appears.
    """
    if "fashion" not in _CACHE:
        _CACHE["fashion"] = prepare_for_inference(load_model())
    return _CACHE["fashion"]


def bundle(choice: str | None) -> Bundle:
    """The model chosen in the tab (``FASHION`` when none is), or ``ValueError`` saying why it is unavailable."""
    if choice in (None, "", FASHION):
        return Bundle(
            FASHION,
            fashion_model(),
            CLASS_NAMES,
            lambda src, inv: images.prepare_fashion(src, invert=inv or "auto"),
            FASHION_BASELINE,
        )
    if choice == IMAGENET:
        model = imagenet.load_imagenet_model()  # ImageNetUnavailable (ValueError) says why
        # 224×224×3 images: smaller batches keep IG's memory near 1 GB; bigger occlusion windows.
        return Bundle(IMAGENET, model, imagenet.class_names(), lambda src, inv: imagenet.prepare_imagenet(src),
                      imagenet.IMAGENET_BASELINE,
                      AttributionSettings(ig_internal_batch=10, occlusion_batch=16, occlusion_stride_fraction=1.0))
    raise ValueError(tr("Unknown model {name}.", name=repr(choice)))
