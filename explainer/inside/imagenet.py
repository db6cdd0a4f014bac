"""torchvision's ImageNet ResNet-18 as an optional second model, for photos.

Offered only when ``resnet18-f37072fd.pth`` (``ResNet18_Weights.IMAGENET1K_V1``, 44.7 MB) is already
in the torch hub cache (``$TORCH_HOME/hub/checkpoints`` or ``~/.cache/torch/hub/checkpoints``):
nothing is downloaded at run time. The weights load into *our* ``build_resnet(torchvision_spec(18))``
-- the state-dict names are torchvision's -- so torchvision itself is not needed for the model; it is
only asked (if importable) for the 1000 class names. Any problem makes the model "unavailable"
with a reason; the app never fails to start because of it.

The reasons a user reads are plain sentences without server paths or URLs (the tab hides the option
when the model is unavailable); the details -- which file, which folder, where to fetch it
(``WEIGHTS_URL``) -- go to the server log, once per file state.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from explainer.i18n import tr
from explainer.inside.images import PreparedImage, load_image, to_rgb
from explainer.models.resnet import ResNet, build_resnet, torchvision_spec

log = logging.getLogger(__name__)

WEIGHTS_FILE = "resnet18-f37072fd.pth"
WEIGHTS_URL = "https://download.pytorch.org/models/resnet18-f37072fd.pth"
# torchvision's ImageNet preprocessing (ResNet18_Weights.IMAGENET1K_V1.transforms()).
RESIZE = 256
CROP = 224
#: Longest side, in short sides, kept before resizing: any image resizes to at most 256×1024 pixels.
MAX_ASPECT = 4
IMAGENET_MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
IMAGENET_STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
#: The attribution baseline: a black image after normalization, (1, 3, 1, 1).
IMAGENET_BASELINE = (0.0 - IMAGENET_MEAN) / IMAGENET_STD


class ImageNetUnavailable(ValueError):
    """The ImageNet weights are not in the cache or cannot be loaded; the message says why."""


def weights_path() -> Path:
    """Where torch.hub keeps the file (honours $TORCH_HOME at call time)."""
    return Path(torch.hub.get_dir()) / "checkpoints" / WEIGHTS_FILE


def imagenet_status() -> tuple[bool, str]:
    """(available, reason): True when the cached weights load into our ResNet-18; never raises.

    The reason is in the current language: call it per request, do not keep it (the model itself
    is cached, the sentences are not).
    """
    try:
        load_imagenet_model()
    except ImageNetUnavailable as err:
        return False, str(err)
    except Exception as err:  # noqa: BLE001 -- availability must never crash the app
        log.exception("ImageNet model check failed")
        return False, tr("The ImageNet ResNet-18 could not be loaded ({error}).", error=type(err).__name__)
    return True, tr("The ImageNet ResNet-18 is installed.")


def load_imagenet_model() -> ResNet:
    """The ImageNet ResNet-18 in eval mode (cached while the file is unchanged); ``ImageNetUnavailable``."""
    path = weights_path()
    if not path.is_file():
        _log_once(f"ImageNet ResNet-18 unavailable: {WEIGHTS_FILE} is not in {path.parent}; this app does not "
                  f"download at run time. To enable it, fetch {WEIGHTS_URL} into that folder (or set TORCH_HOME).")
        raise ImageNetUnavailable(tr("The ImageNet ResNet-18 is unavailable: its weights are not installed on this "
                                     "server."))
    stat = path.stat()
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _log_once(message: str) -> None:
    """Log a developer's detail (paths, URL) once, not on every request that finds the model missing."""
    log.warning(message)


def _unusable(detail: str) -> ImageNetUnavailable:
    """The user's sentence for weights that are present but unusable; ``detail`` (with the path) is logged."""
    _log_once(detail)
    return ImageNetUnavailable(tr("The ImageNet ResNet-18 is unavailable: its weights file on this server cannot "
                                  "be used."))


@functools.lru_cache(maxsize=1)
def _load_cached(path: str, mtime_ns: int, size: int) -> ResNet:
    # Only the model is cached; lru_cache does not keep exceptions, so each failing call raises its
    # sentence afresh in the language of the request that asked.
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)  # no pickle code execution
    except Exception as err:  # noqa: BLE001 -- torch raises many types for corrupt files
        raise _unusable(f"The ImageNet weights {path} cannot be read ({type(err).__name__}: {err}).") from err
    if not isinstance(state, dict):
        raise _unusable(f"The ImageNet weights {path} do not hold a state dict.")
    model = build_resnet(torchvision_spec(18))
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise _unusable(f"The ImageNet weights {path} do not fit ResNet-18 ({str(err)[:300]}).") from err
    return model.eval().to(memory_format=torch.channels_last)  # faster CPU convolutions


@functools.lru_cache(maxsize=1)
def class_names() -> tuple[str, ...]:
    """The 1000 ImageNet class names from torchvision's metadata, or neutral "class 123" labels."""
    try:
        from explainer.runtime import import_torchvision

        tv = import_torchvision()
        names = tuple(tv.models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"])
        if len(names) == 1000:
            return names
    except Exception as err:  # noqa: BLE001 -- names are a nicety; the model works without them
        log.warning("ImageNet class names unavailable (%s); using 'class N'", err)
    return tuple(f"class {i}" for i in range(1000))


def prepare_imagenet(source: Any) -> PreparedImage:
    """Any image → (1, 3, 224, 224) normalized as torchvision does: resize the short side to 256,
    centre-crop 224, scale to [0, 1], subtract the ImageNet mean and divide by its std."""
    im = load_image(source)
    size = im.size
    w, h = im.size
    if max(w, h) > MAX_ASPECT * min(w, h):
        # A 1×2000 strip would be resized to 256×512000 (393 MB) only to keep its centre 224 pixels:
        # keep the centre at most MAX_ASPECT× the short side long first (the crop below keeps less).
        keep = MAX_ASPECT * min(w, h)
        left, top = (w - min(w, keep)) // 2, (h - min(h, keep)) // 2
        im = im.crop((left, top, left + min(w, keep), top + min(h, keep)))
    rgb = to_rgb(im)
    w, h = rgb.size
    scale = RESIZE / min(w, h)
    rgb = rgb.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BILINEAR)
    w, h = rgb.size
    left, top = (w - CROP) // 2, (h - CROP) // 2
    rgb = rgb.crop((left, top, left + CROP, top + CROP))
    display = np.asarray(rgb, dtype=np.uint8).copy()  # (224, 224, 3)
    x = torch.from_numpy(display).permute(2, 0, 1)[None].float() / 255.0
    x = (x - IMAGENET_MEAN) / IMAGENET_STD
    return PreparedImage(x=x, display=display, native=None, inverted=False, source_size=size, notes=[])
