"""Upload decoding and preprocessing: every bad input is a ValueError with a sentence, quickly."""

from __future__ import annotations

import io
import time
import tracemalloc

import numpy as np
import pytest
import torch
from PIL import Image

from explainer.inside import images
from explainer.training.fashion_mnist import INPUT_SIZE, denormalize, to_model_input
from explainer.training.samples import example_paths
from tests.support.factories import png_header_only

pytestmark = pytest.mark.usefixtures("one_thread")


def encode(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()




def shirt(size: tuple[int, int] = (40, 60), fg: int = 220, bg: int = 0) -> np.ndarray:
    """A light rectangle ("garment") on a dark background, uint8 (H, W)."""
    w, h = size
    arr = np.full((h, w), bg, np.uint8)
    arr[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = fg
    return arr


def assert_valid(p: images.PreparedImage) -> None:
    assert p.x.shape == (1, 1, INPUT_SIZE, INPUT_SIZE)
    assert p.x.dtype == torch.float32 and torch.isfinite(p.x).all()
    assert p.display.shape == (INPUT_SIZE, INPUT_SIZE) and p.display.dtype == np.uint8
    assert p.native is not None and p.native.shape == (28, 28)


# --- the happy path ---------------------------------------------------------------------------------


def test_dataset_example_goes_through_unchanged():
    """A 28×28 Fashion-MNIST PNG must give exactly the tensor the model saw in training."""
    path = example_paths()[0]
    raw = np.array(Image.open(path))  # writable copy
    p = images.prepare_fashion(path)
    assert_valid(p)
    assert not p.inverted
    np.testing.assert_array_equal(p.native, raw)
    torch.testing.assert_close(p.x, to_model_input(torch.from_numpy(raw)[None]))
    expected_display = np.round(denormalize(p.x.clone())[0, 0].numpy() * 255).astype(np.uint8)
    np.testing.assert_array_equal(p.display, expected_display)


@pytest.mark.parametrize("source_kind", ["path", "str", "bytes", "pil", "numpy"])
def test_accepts_what_gradio_gives(source_kind, tmp_path):
    arr = shirt()
    path = tmp_path / "shirt.png"
    Image.fromarray(arr).save(path)
    source = {
        "path": path,
        "str": str(path),
        "bytes": path.read_bytes(),
        "pil": Image.open(path),
        "numpy": np.stack([arr] * 3, axis=-1),
    }[source_kind]
    p = images.prepare_fashion(source)
    assert_valid(p)
    assert p.native[14, 14] > 200 and p.native[0, 0] < 10  # light object, black background kept


def test_dark_on_light_is_inverted_automatically_and_on_request():
    dark_on_light = shirt(fg=30, bg=250)
    auto = images.prepare_fashion(dark_on_light)
    assert auto.inverted and auto.native[0, 0] < 10 and auto.native[14, 14] > 200
    assert any("Inverted" in n for n in auto.notes)
    kept = images.prepare_fashion(dark_on_light, invert="no")
    assert not kept.inverted and kept.native[0, 0] > 240
    forced = images.prepare_fashion(shirt(), invert=True)
    assert forced.inverted and forced.native[0, 0] > 240
    with pytest.raises(ValueError, match="invert"):
        images.prepare_fashion(shirt(), invert="maybe")


def test_wide_image_is_padded_with_background_or_cropped():
    wide = np.zeros((30, 120), np.uint8)
    wide[:, 50:70] = 255  # a bright bar in the middle
    padded = images.prepare_fashion(wide, fit="pad")
    assert padded.native[0, 14] < 10  # padding rows are background, the bar is not stretched
    cropped = images.prepare_fashion(wide, fit="crop")
    assert cropped.native[0, 14] > 200  # the centre crop keeps the bar over the full height
    with pytest.raises(ValueError, match="fit"):
        images.prepare_fashion(wide, fit="stretch")


def test_big_photo_is_resized_with_antialiasing():
    """A fine checkerboard must average to grey, not alias into stripes."""
    board = (np.indices((1000, 1000)).sum(0) % 2 * 255).astype(np.uint8)
    p = images.prepare_fashion(board, invert="no")
    assert 100 < p.native.mean() < 155 and p.native.std() < 20


# --- formats and modes --------------------------------------------------------------------------------


def test_rgba_is_composited_to_contrast_with_the_object():
    light = np.zeros((40, 40, 4), np.uint8)
    light[10:30, 10:30] = (240, 240, 240, 255)  # white shirt on transparent
    p = images.prepare_fashion(encode(Image.fromarray(light)))
    assert not p.inverted and p.native[0, 0] < 10 and p.native[14, 14] > 200
    dark = np.zeros((40, 40, 4), np.uint8)
    dark[10:30, 10:30] = (10, 10, 10, 255)  # black boot on transparent: composited on white, then inverted
    q = images.prepare_fashion(encode(Image.fromarray(dark)))
    assert q.inverted and q.native[0, 0] < 10 and q.native[14, 14] > 200


def test_palette_png_with_transparency():
    im = Image.fromarray(shirt()).convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    im.info["transparency"] = 0
    p = images.prepare_fashion(encode(im, transparency=0))
    assert_valid(p)


def test_16bit_png_keeps_its_range():
    arr16 = shirt().astype(np.uint16) * 257  # 220 → 56540
    im = Image.fromarray(arr16)
    assert im.mode.startswith("I;16")
    p = images.prepare_fashion(encode(im))
    ref = images.prepare_fashion(shirt())
    np.testing.assert_allclose(p.native.astype(int), ref.native.astype(int), atol=1)


def test_cmyk_jpeg_webp_bmp_and_gif_first_frame():
    cmyk = Image.fromarray(shirt()).convert("RGB").convert("CMYK")
    assert_valid(images.prepare_fashion(encode(cmyk, "JPEG")))
    assert_valid(images.prepare_fashion(encode(Image.fromarray(shirt()), "WEBP", lossless=True)))
    assert_valid(images.prepare_fashion(encode(Image.fromarray(shirt()), "BMP")))
    frames = [Image.fromarray(shirt(fg=v)) for v in (250, 10, 120)]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(gif)).n_frames == 3
    p = images.prepare_fashion(gif)
    assert p.native[14, 14] > 200  # the first frame (250), not the second (10)


def test_one_by_one_image_is_a_valid_uniform_input():
    p = images.prepare_fashion(encode(Image.new("L", (1, 1), 200)))
    assert_valid(p)
    assert any("uniform" in n for n in p.notes)


def test_numpy_float_and_bad_arrays():
    assert_valid(images.prepare_fashion(shirt().astype(np.float32) / 255.0))
    with pytest.raises(ValueError, match="shape"):
        images.load_image(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(ValueError, match="NaN"):
        images.load_image(np.full((4, 4), np.nan))
    with pytest.raises(ValueError, match="too large"):
        images.load_image(np.broadcast_to(np.uint8(0), (10_000, 5_000)))


def test_sketchpad_value():
    canvas = np.zeros((280, 280, 4), np.uint8)  # transparent canvas
    canvas[60:220, 100:180] = (0, 0, 0, 255)  # black strokes
    value = {"background": None, "layers": [canvas], "composite": canvas}
    p = images.prepare_fashion(value)
    assert p.inverted and p.native[14, 14] > 200 and p.native[0, 0] < 10
    with pytest.raises(ValueError, match="sketchpad is empty"):
        images.prepare_fashion({"background": None, "layers": [], "composite": np.zeros((280, 280, 4), np.uint8)})
    with pytest.raises(ValueError, match="sketchpad is empty"):
        images.prepare_fashion({"background": None, "layers": [], "composite": None})


# --- bad input --------------------------------------------------------------------------------------

GOOD_PNG = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)))
GOOD_JPEG = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)), "JPEG")

BAD = {
    "empty": (b"", "empty"),
    "text": (b"hello, I am not an image at all", "not an image"),
    "truncated png": (GOOD_PNG[: len(GOOD_PNG) // 3], "damaged|truncated"),
    "truncated jpeg": (GOOD_JPEG[: len(GOOD_JPEG) // 3], "damaged|truncated"),
    "jpeg header only": (GOOD_JPEG[:40], "damaged|truncated|not an image"),
    "30000x30000 png": (png_header_only(30000, 30000), "too large"),
    "7000x7000 png": (png_header_only(7000, 7000), "too large.*7000×7000"),
    "unsupported format": (encode(Image.new("RGB", (8, 8)), "PPM"), "not supported"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_bytes_give_a_clear_value_error_quickly(name):
    data, pattern = BAD[name]
    start = time.perf_counter()
    with pytest.raises(ValueError, match=pattern):
        images.prepare_fashion(data)
    assert time.perf_counter() - start < 1.0


def test_decompression_bomb_is_refused_without_allocating(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(30000, 30000))  # 900 megapixels, a few hundred bytes
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="too large"):
            images.prepare_fashion(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # decoding it would need 900 MB


def test_file_problems(tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_text("definitely not a PNG")
    with pytest.raises(ValueError, match="not an image"):
        images.prepare_fashion(fake)
    with pytest.raises(ValueError, match="does not exist"):
        images.prepare_fashion(tmp_path / "missing.png")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        images.prepare_fashion(empty)
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (images.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ValueError, match="too big"):
        images.prepare_fashion(big)
    with pytest.raises(ValueError, match="No image"):
        images.prepare_fashion(None)
    with pytest.raises(ValueError, match="Cannot read"):
        images.prepare_fashion(12345)


def test_limits_are_documented():
    assert images.MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    assert images.MAX_PIXELS == 40_000_000
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS
    assert "10 MB" in images.limits_text() and "40 megapixels" in images.limits_text()


def test_next_request_works_after_errors():
    for data, _ in BAD.values():
        with pytest.raises(ValueError):
            images.prepare_fashion(data)
    assert_valid(images.prepare_fashion(example_paths()[1]))
