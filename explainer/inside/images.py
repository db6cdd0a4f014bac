"""Turn whatever the user gives us (a file, an upload, a drawing) into the input the model saw.

Two steps, kept apart so each can be tested on its own:

1. ``load_image`` -- *decode* safely. Accepts a file path, raw bytes, a ``PIL.Image``, a numpy
   array (what ``gr.Image(type="numpy")`` gives) or a ``gr.Sketchpad``/``gr.ImageEditor`` value
   (a dict with ``"composite"``). Sizes are checked *before* pixels are decoded: Pillow's
   ``Image.open`` only reads the header, so a 30000×30000 PNG of a few kilobytes (a
   "decompression bomb") is refused without allocating 900 MB.
2. ``prepare_fashion`` -- *preprocess* the way the training images were: grayscale → pad (or crop)
   to a square → invert if the object is dark on a light background (Fashion-MNIST is a light
   object on black) → antialiased resize to 28×28 → uint8 → ``data.to_model_input`` (bilinear
   upsampling to 96×96 and normalization). It also returns the exact 96×96 image the model sees.

Every bad input becomes a ``ValueError`` whose message a user can act on.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps, UnidentifiedImageError
from torch import Tensor

from explainer.i18n import tr
from explainer.training.fashion_mnist import INPUT_SIZE, NATIVE_SIZE, denormalize, to_model_input

# --- Limits (documented in the UI and the README) ------------------------------------------------
#: Largest accepted file: 10 MB is ample for a phone photo (JPEG ≈ 3–5 MB) and keeps memory bounded.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Largest accepted image: 40 megapixels (an RGBA image this size is 160 MB decoded).
MAX_PIXELS = 40_000_000
#: Decoders we trust with user files; everything Pillow can read beyond these is refused.
ALLOWED_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "MPO", "WEBP", "BMP", "GIF", "TIFF")

# Pillow's own limit is aligned with MAX_PIXELS, and truncated files made errors, by
# ``explainer.runtime.limit_pillow`` (applied by app.py); we check explicitly as well, before ``load()``.

InvertMode = Literal["auto", "yes", "no"]
FitMode = Literal["pad", "crop"]
INVERT_MODES: tuple[str, ...] = ("auto", "yes", "no")
FIT_MODES: tuple[str, ...] = ("pad", "crop")

_DECODE_ERRORS = (OSError, SyntaxError, EOFError, struct.error, zlib.error, IndexError, TypeError)


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


def _open_checked(fp: io.BytesIO | str | os.PathLike[str]) -> Image.Image:
    """``Image.open`` (header only) + format and pixel-count checks, before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            # Between 1× and 2× MAX_PIXELS Pillow only warns; _check_dimensions below refuses
            # those images with their size in the message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(fp)
    except Image.DecompressionBombError:
        raise ValueError(_too_many_pixels_message(None)) from None
    except UnidentifiedImageError:
        raise ValueError(
            tr("This file is not an image we can read (or it is damaged). "
               "Please upload a PNG, JPEG, WebP, BMP or GIF file.")
        ) from None
    except _DECODE_ERRORS as err:
        raise ValueError(tr("This image file is damaged and cannot be read ({error}).", error=err)) from None
    if im.format not in ALLOWED_FORMATS:
        if im.format:
            raise ValueError(tr("{format} images are not supported here; please upload a PNG, JPEG, WebP, BMP or GIF "
                                "file.", format=im.format))
        raise ValueError(tr("This image format is not supported here; please upload a PNG, JPEG, WebP, BMP or GIF "
                            "file."))
    _check_dimensions(*im.size)
    return im


def _too_many_pixels_message(size: tuple[int, int] | None) -> str:
    if size is None:
        return tr("This image is too large: the limit is {limit:.0f} megapixels. Please resize it before uploading.",
                  limit=MAX_PIXELS / 1e6)
    return tr(
        "This image is too large ({width}×{height} = {megapixels:.0f} megapixels): the limit is {limit:.0f} "
        "megapixels. Please resize it before uploading.",
        width=size[0], height=size[1], megapixels=size[0] * size[1] / 1e6, limit=MAX_PIXELS / 1e6,
    )


def _check_dimensions(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise ValueError(tr("This image has no pixels ({width}×{height}).", width=width, height=height))
    if width * height > MAX_PIXELS:
        raise ValueError(_too_many_pixels_message((width, height)))


def _check_bytes(n: int) -> None:
    if n == 0:
        raise ValueError(tr("The file is empty (0 bytes); please upload an image."))
    if n > MAX_UPLOAD_BYTES:
        raise ValueError(
            tr("The file is too big ({size:.1f} MB); the limit is {limit:.0f} MB.",
               size=n / 1e6, limit=MAX_UPLOAD_BYTES / 2**20)
        )


def _decode(im: Image.Image) -> Image.Image:
    """Decode the first frame, apply the EXIF orientation and return a 'L', 'RGB', 'RGBA' or 'F' image."""
    try:
        im.seek(0)  # animated GIF/WebP/APNG: the first frame only
        if im.format in ("JPEG", "MPO") and im.mode in ("RGB", "L", "CMYK"):
            # JPEG can decode at 1/2, 1/4, 1/8 scale: much faster for big photos, and we only need
            # a few hundred pixels per side (draft keeps at least this size on both sides).
            im.draft(im.mode, (4 * 224, 4 * 224))
        im.load()
        im = ImageOps.exif_transpose(im) or im  # phone photos store their rotation in EXIF
    except _DECODE_ERRORS as err:
        raise ValueError(
            tr("This image file is damaged or truncated and cannot be decoded ({error}).", error=err)
        ) from None
    return _normalize_mode(im)


def _normalize_mode(im: Image.Image) -> Image.Image:
    """Map Pillow's many modes onto 'L', 'RGB', 'RGBA' (8-bit) or 'F' (float, for 16/32-bit data)."""
    mode = im.mode
    if mode in ("L", "RGB", "RGBA"):
        return im
    if mode in ("P", "PA"):  # palette: transparency may live in the palette
        return im.convert("RGBA" if ("transparency" in im.info or mode == "PA") else "RGB")
    if mode == "LA" or mode == "La":
        return im.convert("RGBA")
    if mode == "1":
        return im.convert("L")
    if mode.startswith("I") or mode == "F":
        # 16-bit PNG/TIFF ('I;16', 'I;16B', 'I') or float: keep the precision, scale to [0, 1].
        arr = np.asarray(im, dtype=np.float64)
        if mode.startswith("I;16"):
            arr = arr / 65535.0
        elif mode == "I":
            hi = arr.max(initial=0.0)
            arr = arr / (255.0 if hi <= 255 else 65535.0 if hi <= 65535 else hi)
        else:
            arr = _unit_range(arr)
        return Image.fromarray(np.clip(arr, 0.0, 1.0).astype(np.float32))  # mode 'F'
    # CMYK, YCbCr, LAB, HSV, RGBX, RGBa, ...: Pillow knows how to get to RGB.
    try:
        return im.convert("RGBA" if "A" in mode or "a" in mode else "RGB")
    except ValueError as err:
        raise ValueError(tr("Images in colour mode {mode!r} are not supported ({error}).", mode=mode, error=err)) from None


def _unit_range(arr: np.ndarray) -> np.ndarray:
    """Floats already in [0, 1] stay; [0, 255]-style data is divided by 255; anything else min-max."""
    if not np.all(np.isfinite(arr)):
        raise ValueError(tr("The image contains NaN or infinite values."))
    lo, hi = float(arr.min(initial=0.0)), float(arr.max(initial=0.0))
    if lo >= 0.0 and hi <= 1.0:
        return arr
    if lo >= 0.0 and hi <= 255.0:
        return arr / 255.0
    return (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)


def _from_array(arr: np.ndarray) -> Image.Image:
    """numpy (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) → PIL image in a normalized mode."""
    arr = np.asarray(arr)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise ValueError(
            tr("An image array must be (H, W), (H, W, 3) or (H, W, 4); got shape {shape}.", shape=tuple(arr.shape))
        )
    _check_dimensions(arr.shape[1], arr.shape[0])
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8) * 255
    if arr.dtype != np.uint8:
        if not np.issubdtype(arr.dtype, np.number):
            raise ValueError(tr("An image array must hold numbers, not {dtype}.", dtype=arr.dtype))
        if np.issubdtype(arr.dtype, np.integer) and arr.max(initial=0) > 255:
            scaled = arr.astype(np.float64) / (65535.0 if arr.max() <= 65535 else float(arr.max()))
        else:
            scaled = _unit_range(arr.astype(np.float64))
        arr = np.round(np.clip(scaled, 0.0, 1.0) * 255.0).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(arr))  # infers 'L', 'RGB' or 'RGBA' from the shape


def load_image(source: Any) -> Image.Image:
    """Decode ``source`` into a PIL image in mode 'L', 'RGB', 'RGBA' or 'F' (values in [0, 1]).

    ``source``: a path (str or Path), raw file bytes, a ``PIL.Image.Image``, a numpy array
    (H, W[, 3|4]) or a Sketchpad/ImageEditor dict (its ``"composite"`` is used). Animated images
    give their first frame. Raises ``ValueError`` for empty, truncated, non-image, unsupported
    or oversized input; sizes are checked before the pixels are decoded.
    """
    if source is None:
        raise ValueError(tr("No image was given: upload a picture, pick an example or draw one."))
    if isinstance(source, dict):
        return _from_editor(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        _check_bytes(len(data))
        return _decode(_open_checked(io.BytesIO(data)))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ValueError(tr("The file {name!r} does not exist (the upload may have expired); please upload it again.",
                                name=path.name))
        _check_bytes(path.stat().st_size)
        # Read into memory (≤ MAX_UPLOAD_BYTES) so no file handle stays open after a failure.
        return _decode(_open_checked(io.BytesIO(path.read_bytes())))
    if isinstance(source, Image.Image):
        _check_dimensions(*source.size)
        return _decode(source)
    if isinstance(source, (np.ndarray, Tensor)):
        arr = source.detach().cpu().numpy() if isinstance(source, Tensor) else source
        return _from_array(arr)
    raise ValueError(tr("Cannot read an image from a {kind}.", kind=type(source).__name__))


def check_image_file(path: str | os.PathLike[str]) -> None:
    """The checks of ``load_image`` that need only the file's size and header, without decoding.

    For files another decoder will read first (Gradio's ImageEditor decodes every sketch file):
    ``ValueError`` for an empty, oversized, non-image, unsupported or too-many-pixels file.
    """
    _check_bytes(Path(path).stat().st_size)
    with open(path, "rb") as fh:
        _open_checked(fh).close()


def _from_editor(value: dict[str, Any]) -> Image.Image:
    """A ``gr.Sketchpad``/``gr.ImageEditor`` value: {"background", "layers", "composite"}."""
    composite = value.get("composite")
    if composite is None:
        raise EmptySketch(tr("The sketchpad is empty: draw something first."))
    im = load_image(composite)
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
    im = _normalize_mode(im)
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
    im = _normalize_mode(im)
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
