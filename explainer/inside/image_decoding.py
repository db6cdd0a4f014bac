"""Decode whatever the user gives us (a file, bytes, an upload, a drawing) into a small PIL image, safely.

Three promises, each checked by tests:

1. *Sizes before pixels.* Pillow's ``Image.open`` reads only the header, so an oversized file, a
   non-image, an unsupported format or a 30000×30000 PNG of a few kilobytes (a "decompression bomb")
   is refused before any pixel is decoded.
2. *Memory bounded by the model's input, not by the file.* A file is decoded once in its own
   (integer) mode -- at most ``MAX_PIXELS`` × 4 bytes = 160 MB -- and, when a side is longer than
   ``MAX_DECODED_SIDE``, box-reduced strip by strip to at most that side *before* anything is
   converted to floats or padded to a square. A 1×16000 PNG becomes 1×2000, not a 16000×16000 float
   array. JPEGs are decoded at a reduced scale by libjpeg itself (``draft``). Images within the bound
   are not touched, so ordinary pictures reach the model exactly as before.
3. *Every refusal is a sentence.* Any failure is a ``ValueError`` with a translated sentence; no
   library's own (English, technical) exception text is passed on.
"""

from __future__ import annotations

import io
import math
import os
import struct
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from torch import Tensor

from explainer.i18n import tr

# --- Limits (documented in the UI and the README) ------------------------------------------------
#: Largest accepted file: 10 MB is ample for a phone photo (JPEG ≈ 3–5 MB) and keeps memory bounded.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Largest accepted image: 40 megapixels (an RGBA image this size is 160 MB decoded).
MAX_PIXELS = 40_000_000
#: Longest side kept after decoding: 8× the ImageNet model's 256-pixel resize, 73× Fashion-MNIST's 28.
#: A 12-megapixel phone JPEG (4032×3024, decoded at half scale: 2016×1512) stays below it, untouched.
MAX_DECODED_SIDE = 2048
#: Decoders we trust with user files; everything Pillow can read beyond these is refused.
ALLOWED_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "MPO", "WEBP", "BMP", "GIF", "TIFF")
#: What libjpeg's ``draft`` keeps at least on both sides (it decodes at 1/2, 1/4 or 1/8 scale).
JPEG_DRAFT_SIZE = (4 * 224, 4 * 224)

# Pillow's own limit is aligned with MAX_PIXELS, and truncated files made errors, by
# ``explainer.runtime.limit_pillow`` (applied by app.py); we check explicitly as well, before ``load()``.

# What Pillow's decoders raise on damaged or hostile files (ValueError included: e.g. a PNG text
# chunk that decompresses beyond Pillow's limit). Their text is English and technical: never shown.
_DECODE_ERRORS = (OSError, SyntaxError, EOFError, struct.error, zlib.error, IndexError, TypeError, ValueError,
                  KeyError)
#: Bytes of one strip converted and reduced at a time (see ``_shrink``).
_STRIP_BYTES = 8 * 2**20
#: EXIF orientation → the transpose that undoes it (as ``ImageOps.exif_transpose``).
_ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
                4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270,
                7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}


def _not_an_image() -> ValueError:
    return ValueError(tr("This file is not an image we can read (or it is damaged). "
                         "Please upload a PNG, JPEG, WebP, BMP or GIF file."))


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
        raise _not_an_image() from None
    except _DECODE_ERRORS:
        raise ValueError(tr("This image file is damaged and cannot be read.")) from None
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


def check_bytes(n: int) -> None:
    """``ValueError`` for an empty file or one over ``MAX_UPLOAD_BYTES`` (``n`` bytes)."""
    if n == 0:
        raise ValueError(tr("The file is empty (0 bytes); please upload an image."))
    if n > MAX_UPLOAD_BYTES:
        raise ValueError(
            tr("The file is too big ({size:.1f} MB); the limit is {limit:.0f} MB.",
               size=n / 1e6, limit=MAX_UPLOAD_BYTES / 2**20)
        )


def _decode(im: Image.Image) -> Image.Image:
    """Decode the first frame, at most ``MAX_DECODED_SIDE`` per side, upright (EXIF), in a normalized mode."""
    try:
        im.seek(0)  # animated GIF/WebP/APNG: the first frame only
        if im.format in ("JPEG", "MPO") and im.mode in ("RGB", "L", "CMYK"):
            # JPEG can decode at 1/2, 1/4, 1/8 scale: much faster for big photos, and we only need
            # a few hundred pixels per side (draft keeps at least this size on both sides).
            im.draft(im.mode, JPEG_DRAFT_SIZE)
        orientation = im.getexif().get(0x0112, 1)  # phone photos store their rotation in EXIF
        im.load()
        if max(im.size) > MAX_DECODED_SIDE:
            im = _shrink(im)
        method = _ORIENTATION.get(orientation) if isinstance(orientation, int) else None
        if method is not None:
            im = im.transpose(method)
    except _DECODE_ERRORS:
        raise _damaged() from None
    return normalize_mode(im)


def _damaged() -> ValueError:
    return ValueError(tr("This image file is damaged or truncated and cannot be decoded."))


def _working_mode(mode: str) -> str:
    """The mode a big image is reduced in: one Pillow can box-reduce and ``normalize_mode`` accepts."""
    if mode in ("L", "RGB", "RGBA", "I", "F"):
        return mode
    if mode.startswith("I;16"):
        return "I"  # 16-bit: reduced as 32-bit integers, the same values
    if mode in ("P", "PA", "LA", "La") or "A" in mode or "a" in mode:
        return "RGBA"
    return "L" if mode == "1" else "RGB"


def _shrink(im: Image.Image) -> Image.Image:
    """A decoded image with a side over ``MAX_DECODED_SIDE`` → box-reduced to at most that side.

    Strip by strip: each strip of rows is converted to the working mode and reduced on its own, so
    besides the decoded image only one strip (≤ 8 MB) and the small result are ever in memory --
    no full-size RGBA or float copy. Strips are a multiple of the reduction factor high, so the
    result is exactly what reducing the whole image at once would give.
    """
    factor = math.ceil(max(im.size) / MAX_DECODED_SIDE)
    width, height = im.size
    mode = _working_mode(im.mode)
    if mode == "RGBA" and im.mode == "P" and "transparency" not in im.info:
        mode = "RGB"
    out = Image.new(mode, (math.ceil(width / factor), math.ceil(height / factor)))
    rows = max(1, _STRIP_BYTES // (16 * width * factor)) * factor  # ≤ 16 bytes per pixel while converting
    for top in range(0, height, rows):
        strip = im.crop((0, top, width, min(height, top + rows)))
        strip = strip if strip.mode == mode else strip.convert(mode)
        out.paste(strip.reduce(factor), (0, top // factor))
    out.info = {k: v for k, v in im.info.items() if k == "transparency"}
    if im.mode.startswith("I;16"):
        out.info["sixteen_bit"] = True
    return out


def normalize_mode(im: Image.Image) -> Image.Image:
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
        if mode.startswith("I;16") or im.info.get("sixteen_bit"):
            arr = arr / 65535.0
        elif mode == "I":
            hi = arr.max(initial=0.0)
            arr = arr / (255.0 if hi <= 255 else 65535.0 if hi <= 65535 else hi)
        else:
            arr = unit_range(arr)
        return Image.fromarray(np.clip(arr, 0.0, 1.0).astype(np.float32))  # mode 'F'
    # CMYK, YCbCr, LAB, HSV, RGBX, RGBa, ...: Pillow knows how to get to RGB.
    try:
        return im.convert("RGBA" if "A" in mode or "a" in mode else "RGB")
    except ValueError:
        raise ValueError(tr("Images in colour mode {mode!r} are not supported.", mode=mode)) from None


def unit_range(arr: np.ndarray) -> np.ndarray:
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
            scaled = unit_range(arr.astype(np.float64))
        arr = np.round(np.clip(scaled, 0.0, 1.0) * 255.0).astype(np.uint8)
    im = Image.fromarray(np.ascontiguousarray(arr))  # infers 'L', 'RGB' or 'RGBA' from the shape
    return _shrink(im) if max(im.size) > MAX_DECODED_SIDE else im


def decode_image(source: Any) -> Image.Image:
    """Decode ``source`` into a PIL image in mode 'L', 'RGB', 'RGBA' or 'F' (values in [0, 1]), with no side
    longer than ``MAX_DECODED_SIDE`` (bigger images are box-reduced while decoding).

    ``source``: a path (str or Path), raw file bytes, a ``PIL.Image.Image`` or a numpy array
    (H, W[, 3|4]) (``images.load_image`` also reads a Sketchpad's value). Animated images
    give their first frame. Raises ``ValueError`` for empty, truncated, non-image, unsupported
    or oversized input; sizes are checked before the pixels are decoded.

    A path is opened as given: a server that takes paths from users must confine them first
    (``explainer.ui.file_inputs``).
    """
    if source is None:
        raise ValueError(tr("No image was given: upload a picture, pick an example or draw one."))
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        check_bytes(len(data))
        return _decode(_open_checked(io.BytesIO(data)))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ValueError(tr("The file {name!r} does not exist (the upload may have expired); please upload it again.",
                                name=path.name))
        check_bytes(path.stat().st_size)
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

    ``ValueError`` for an empty, oversized, non-image, unsupported or too-many-pixels file.
    """
    check_bytes(Path(path).stat().st_size)
    with open(path, "rb") as fh:
        _open_checked(fh).close()


