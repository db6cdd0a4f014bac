"""The new decoder (``inside/image_decoding.py``, issue 12) gives ordinary images the model input they had.

Issue 12 rewrote decoding to bound memory (images over 2048 px a side are box-reduced strip by
strip). For every image at most 2048 px a side after Pillow's JPEG draft -- the shipped examples and
8 ordinary pictures (a phone-size JPEG, a screenshot, an RGBA cut-out, WebP noise, 16-bit grey, a
palette PNG, a GIF, a wide strip) -- the 28×28 image and the (1, 1, 96, 96) model input must be
bit-for-bit those of the code before it. The oracle is that code's path, written out here with
Pillow and numpy only (``git show 9ff8f2a:explainer/images.py``): decode the first frame (JPEG
drafted to ≥ 896 px), apply EXIF orientation, map the mode, grey (alpha on the contrasting
background), pad to a square with the border median, invert when the border is bright,
antialiased bilinear resize to 28×28, round to uint8, then the dataset's own ``to_model_input``.
Nothing is stored: both sides are computed on the images generated below.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

from explainer.inside import images
from explainer.training.fashion_mnist import INPUT_SIZE, NATIVE_SIZE, to_model_input
from explainer.training.samples import example_paths


def _encode(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def ordinary_images() -> dict[str, bytes]:
    """8 deterministic pictures of the kinds users upload (the largest drafts to 1000×750)."""
    rng = np.random.default_rng(12)
    h, w = 3000, 4000
    yy, xx = np.mgrid[0:h, 0:w]
    photo = np.stack([(xx * 255 // w), (yy * 255 // h), ((xx + yy) % 256)], -1).astype(np.uint8)
    photo[1000:2000, 1500:2500] = 30
    rgba = np.zeros((1000, 1500, 4), np.uint8)
    rgba[200:800, 400:1100] = (240, 240, 240, 255)
    return {
        "photo 4000x3000 jpeg": _encode(Image.fromarray(photo), "JPEG", quality=85),
        "screenshot 1920x1080 png": _encode(Image.fromarray(photo[:1080, :1920]), "PNG"),
        "cutout 1500x1000 rgba png": _encode(Image.fromarray(rgba), "PNG"),
        "noise 300x200 webp": _encode(Image.fromarray(rng.integers(0, 256, (200, 300, 3), dtype=np.uint8)), "WEBP",
                                      lossless=True),
        "16-bit 90x120 png": _encode(Image.fromarray(rng.integers(0, 65536, (120, 90)).astype(np.uint16)), "PNG"),
        "palette 700x500 png": _encode(Image.fromarray(photo[:500, :700]).quantize(32), "PNG"),
        "gif 200x150": _encode(Image.fromarray(photo[:150, :200]).convert("P"), "GIF"),
        "wide 2000x100 png": _encode(Image.fromarray(photo[:100, :2000, 0]), "PNG"),
    }


# --- the oracle: the previous code path, for images ≤ 2048 px a side ---------------------------------


def _old_gray(data: bytes) -> np.ndarray:
    """Decode and grey as before: float32 (H, W) in [0, 1]."""
    im = Image.open(io.BytesIO(data))
    im.seek(0)
    if im.format in ("JPEG", "MPO") and im.mode in ("RGB", "L", "CMYK"):
        im.draft(im.mode, (4 * 224, 4 * 224))
    im.load()
    im = ImageOps.exif_transpose(im) or im
    assert max(im.size) <= 2048, "the oracle covers the path of images up to 2048 px a side"
    if im.mode.startswith("I;16"):
        return np.clip(np.asarray(im, dtype=np.float64) / 65535.0, 0.0, 1.0).astype(np.float32)
    if im.mode in ("P", "PA"):
        im = im.convert("RGBA" if ("transparency" in im.info or im.mode == "PA") else "RGB")
    elif im.mode in ("LA", "La"):
        im = im.convert("RGBA")
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode not in ("L", "RGB", "RGBA"):
        im = im.convert("RGB")
    arr = np.asarray(im, dtype=np.float32) / 255.0
    if im.mode == "L":
        return arr
    luma = arr[..., 0] * 0.299 + arr[..., 1] * 0.587 + arr[..., 2] * 0.114
    if im.mode == "RGB" or float(arr[..., 3].min()) >= 1.0:
        return luma
    alpha = arr[..., 3]
    weight = float(alpha.sum())
    brightness = float((luma * alpha).sum() / weight) if weight > 0 else 0.0
    return luma * alpha + (0.0 if brightness >= 0.5 else 1.0) * (1.0 - alpha)


def _border(gray: np.ndarray) -> np.ndarray:
    t = max(1, min(gray.shape) // 16)
    return np.concatenate([gray[:t].ravel(), gray[-t:].ravel(), gray[:, :t].ravel(), gray[:, -t:].ravel()])


def old_fashion_input(data: bytes) -> tuple[np.ndarray, torch.Tensor]:
    """(the 28×28 uint8 image, the (1, 1, 96, 96) model input) as the previous code made them."""
    gray = _old_gray(data)
    h, w = gray.shape
    if h != w:
        s = max(h, w)
        padded = np.full((s, s), float(np.median(_border(gray))), dtype=np.float32)
        padded[(s - h) // 2 : (s - h) // 2 + h, (s - w) // 2 : (s - w) // 2 + w] = gray
        gray = padded
    if float(_border(gray).mean()) > 0.5:
        gray = 1.0 - gray
    if gray.shape != (NATIVE_SIZE, NATIVE_SIZE):
        t = torch.from_numpy(np.array(gray, dtype=np.float32))[None, None]
        gray = F.interpolate(t, size=(NATIVE_SIZE, NATIVE_SIZE), mode="bilinear", align_corners=False,
                             antialias=True)[0, 0].clamp_(0.0, 1.0).numpy()
    native = np.round(np.asarray(gray, dtype=np.float32) * 255.0).astype(np.uint8)
    return native, to_model_input(torch.from_numpy(native)[None], INPUT_SIZE)


SOURCES = {**{f"example {p.name}": p for p in example_paths()}, **{name: name for name in ordinary_images()}}


@pytest.fixture(scope="module")
def ordinary() -> dict[str, bytes]:
    return ordinary_images()


@pytest.mark.parametrize("name", list(SOURCES))
def test_model_input_is_what_the_previous_decoder_made(name: str, ordinary: dict[str, bytes]) -> None:
    source = SOURCES[name]
    data = ordinary[source] if isinstance(source, str) else source.read_bytes()
    native, x = old_fashion_input(data)
    prepared = images.prepare_fashion(data)
    assert prepared.x.shape == (1, 1, INPUT_SIZE, INPUT_SIZE)
    assert np.array_equal(prepared.native, native)
    assert torch.equal(prepared.x, x)


def test_the_oracle_is_not_trivially_equal() -> None:
    """A changed step shows: the oracle on a flipped image differs from the app on the original."""
    data = ordinary_images()["screenshot 1920x1080 png"]
    flipped = _encode(Image.open(io.BytesIO(data)).transpose(Image.Transpose.FLIP_TOP_BOTTOM), "PNG")
    assert not torch.equal(images.prepare_fashion(data).x, old_fashion_input(flipped)[1])
