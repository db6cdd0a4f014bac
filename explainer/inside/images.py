"""Turn whatever the user gives us (a file, an upload, a drawing) into the input the model saw.

Two steps, kept apart so each can be tested on its own:

1. ``load_image`` -- *decode* safely (``explainer.inside.image_decoding``): a file path, raw bytes,
   a ``PIL.Image``, a numpy array or a ``gr.Sketchpad``/``gr.ImageEditor`` value (a dict with
   ``"composite"``). Sizes are checked *before* pixels are decoded, and big images are box-reduced
   to at most ``MAX_DECODED_SIDE`` per side while decoding, before any float conversion or padding.
2. ``prepare_fashion`` -- *preprocess* the way the training images were: grayscale → pad (or crop)
   to a square → invert if the object is dark on a light background (Fashion-MNIST is a light
   object on black) → antialiased resize to 28×28 → uint8 → ``data.to_model_input`` (bilinear
   upsampling to 96×96 and normalization). It also returns the exact 96×96 image the model sees.

Every bad input becomes a ``ValueError`` whose message a user can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from explainer.i18n import tr
from explainer.inside.image_decoding import (
    ALLOWED_FORMATS,
    MAX_DECODED_SIDE,
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    check_image_file,
    decode_image,
    normalize_mode,
)
from explainer.training.fashion_mnist import INPUT_SIZE, NATIVE_SIZE, denormalize, to_model_input

__all__ = ["ALLOWED_FORMATS", "EmptySketch", "MAX_DECODED_SIDE", "MAX_PIXELS", "MAX_UPLOAD_BYTES", "PreparedImage",
           "check_image_file", "load_image", "prepare_fashion"]

InvertMode = Literal["auto", "yes", "no"]
FitMode = Literal["pad", "crop"]
INVERT_MODES: tuple[str, ...] = ("auto", "yes", "no")
FIT_MODES: tuple[str, ...] = ("pad", "crop")

class EmptySketch(ValueError):
    """The sketchpad holds nothing to classify (no composite, or one colour everywhere).

    A subclass so callers can recognise it without matching the (translated) message.
    """


@dataclass
class PreparedImage:
    """The model input and everything the UI shows about how it was obtained.

    x: normalized model input (1, C, S, S) -- (1, 1, 96, 96) for Fashion-MNIST.
    display: what the model sees as uint8 pixels, (S, S) grayscale or (S, S, 3) RGB.
    native: the 28×28 uint8 image before upsampling (Fashion-MNIST only, else None).
    """

    x: Tensor
    display: np.ndarray
    native: np.ndarray | None
    inverted: bool
    source_size: tuple[int, int]  # (width, height) of the decoded image
    notes: list[str] = field(default_factory=list)


# --- decoding --------------------------------------------------------------------------------------


def load_image(source: Any) -> Image.Image:
    """Decode ``source`` (see ``image_decoding.decode_image``; a Sketchpad/ImageEditor dict gives its
    ``"composite"``) into a PIL image in mode 'L', 'RGB', 'RGBA' or 'F', at most ``MAX_DECODED_SIDE`` per side."""
    if isinstance(source, dict):
        return _from_editor(source)
    return decode_image(source)


def _from_editor(value: dict[str, Any]) -> Image.Image:
    """A ``gr.Sketchpad``/``gr.ImageEditor`` value: {"background", "layers", "composite"}."""
    composite = value.get("composite")
    if composite is None:
        raise EmptySketch(tr("The sketchpad is empty: draw something first."))
    im = decode_image(composite)
    gray = to_gray(im)
    if float(gray.max() - gray.min()) < 1e-3:
        # A blank canvas (one colour everywhere) carries nothing to classify.
        raise EmptySketch(tr("The sketchpad is empty: draw something first."))
    return im


# --- preprocessing ---------------------------------------------------------------------------------


def to_gray(im: Image.Image) -> np.ndarray:
    """PIL image (any normalized mode) → float32 (H, W) luminance in [0, 1].

    Transparent pixels are composited on whichever of black or white contrasts more with the
    opaque ones (a white shirt cut-out goes on black, a black boot on white); inversion later makes
    both a light object on black, as in Fashion-MNIST.
    """
    im = normalize_mode(im)
    if im.mode == "F":
        return np.asarray(im, dtype=np.float32)
    arr = np.asarray(im, dtype=np.float32) / 255.0
    if im.mode == "L":
        return arr
    # ITU-R 601 luma, as Pillow's convert("L").
    luma = arr[..., 0] * 0.299 + arr[..., 1] * 0.587 + arr[..., 2] * 0.114
    if im.mode == "RGB":
        return luma
    alpha = arr[..., 3]
    if float(alpha.min()) >= 1.0:
        return luma
    weight = float(alpha.sum())
    object_brightness = float((luma * alpha).sum() / weight) if weight > 0 else 0.0
    background = 0.0 if object_brightness >= 0.5 else 1.0
    return luma * alpha + background * (1.0 - alpha)


def to_rgb(im: Image.Image) -> Image.Image:
    """PIL image (any normalized mode) → 'RGB'; transparency is flattened onto white (photo convention)."""
    im = normalize_mode(im)
    if im.mode == "F":
        return Image.fromarray(np.round(np.asarray(im) * 255.0).astype(np.uint8)).convert("RGB")
    if im.mode == "RGBA":
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, im).convert("RGB")
    return im.convert("RGB")


def _border(gray: np.ndarray) -> np.ndarray:
    """The outer ring of pixels (≈ 1/16 of each side, at least one pixel)."""
    h, w = gray.shape
    t = max(1, min(h, w) // 16)
    return np.concatenate([gray[:t].ravel(), gray[-t:].ravel(), gray[:, :t].ravel(), gray[:, -t:].ravel()])


def square(gray: np.ndarray, fit: FitMode = "pad") -> np.ndarray:
    """(H, W) → (S, S): pad the short side with the background (border median), or centre-crop."""
    if fit not in FIT_MODES:
        raise ValueError(tr("fit must be 'pad' or 'crop', got {fit!r}.", fit=fit))
    h, w = gray.shape
    if h == w:
        return gray
    if fit == "crop":
        s = min(h, w)
        top, left = (h - s) // 2, (w - s) // 2
        return gray[top : top + s, left : left + s]
    s = max(h, w)
    out = np.full((s, s), float(np.median(_border(gray))), dtype=np.float32)
    top, left = (s - h) // 2, (s - w) // 2
    out[top : top + h, left : left + w] = gray
    return out


def should_invert(gray: np.ndarray) -> bool:
    """True when the border is bright, i.e. a dark object on a light background (a photo, a sketch)."""
    return float(_border(gray).mean()) > 0.5


def resize(gray: np.ndarray, size: int) -> np.ndarray:
    """(S, S) float → (size, size) float, antialiased when shrinking (no aliasing of fine texture)."""
    if gray.shape == (size, size):
        return np.array(gray, dtype=np.float32)  # a dataset image stays bit-exact
    t = torch.from_numpy(np.array(gray, dtype=np.float32))[None, None]  # a writable copy
    out = F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return out[0, 0].clamp_(0.0, 1.0).numpy()


def prepare_fashion(source: Any, *, invert: InvertMode | bool = "auto", fit: FitMode = "pad") -> PreparedImage:
    """Any image → the Fashion-MNIST model input (1, 1, 96, 96) and the 96×96 picture it shows.

    ``invert``: "auto" (when the border is bright), "yes"/True or "no"/False.
    """
    if isinstance(invert, bool):
        invert = "yes" if invert else "no"
    if invert not in INVERT_MODES:
        raise ValueError(tr("invert must be 'auto', 'yes' or 'no', got {invert!r}.", invert=invert))
    im = load_image(source)
    gray = square(to_gray(im), fit)
    notes: list[str] = []
    do_invert = should_invert(gray) if invert == "auto" else invert == "yes"
    if do_invert:
        gray = 1.0 - gray
        if invert == "auto":
            notes.append(tr("Inverted automatically: the background was light, Fashion-MNIST has light objects on black."))
    native = np.round(resize(gray, NATIVE_SIZE) * 255.0).astype(np.uint8)  # what a dataset image is
    x = to_model_input(torch.from_numpy(native)[None], INPUT_SIZE)  # (1, 1, 96, 96)
    display = np.round(denormalize(x.clone())[0, 0].numpy() * 255.0).astype(np.uint8)
    if float(native.max()) - float(native.min()) < 1:
        notes.append(tr("The image is uniform (a single grey level): the prediction means little."))
    return PreparedImage(x=x, display=display, native=native, inverted=do_invert, source_size=im.size, notes=notes)


def limits_text() -> str:
    """The upload limits as one sentence for the UI, in the current language (call it per request)."""
    return tr("PNG, JPEG, WebP, BMP or GIF (first frame); at most {mb:.0f} MB and {megapixels:.0f} megapixels.",
              mb=MAX_UPLOAD_BYTES / 2**20, megapixels=MAX_PIXELS / 1e6)
