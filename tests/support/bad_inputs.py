"""Malformed inputs for every endpoint and control: the files, one table of cases, and how to send them.

Shared by ``tests/test_bad_input.py`` (asserts a clear message and that the app keeps serving) and
``scripts/bad_input_report.py`` (times each case against a running ``python app.py`` and reports the
server's peak memory). Neither pytest nor gradio is imported here; ``gradio_client`` only inside
``run_case``.

Argument order is what ``gradio_client`` expects: ``gr.State`` inputs are left out (the server keeps
them per session), so e.g. ``/analyse`` takes (upload, sketch, model, invert, layer, k, scale).

Inputs ``gradio_client`` would never send go with ``RawClient`` (Gradio's HTTP queue protocol,
standard library only) to check the *server*: NaN (not valid JSON, but Python's parser on the server
accepts the literal), uploads over the size limit, file payloads without ``meta`` naming server files
(``ServerPath``), ``data:`` URLs (``DataUrl``), JSON of the wrong type where names, numbers and
booleans belong, requests in another language (``Case.language``), and the private triggers the page
itself calls by ``fn_index`` (``/live_handler``, ``/preset_defaults`` …: private means undocumented,
not uncallable).
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import struct
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

import numpy as np
from PIL import Image

# --- bad files -------------------------------------------------------------------------------------

BOMB_SIDE = 30_000  # 900 megapixels: 112 MB as 1-bit, 2.7 GB as RGB -- 110 kB on disk
BIG_SIDE = 7_000  # 49 megapixels: over our 40 MP limit, under Pillow's own 2× refusal (Pillow only warns)
OVERSIZE_BYTES = 11 * 1024 * 1024  # just over the 10 MB upload limit


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def zlib_zeros(size: int, block: int = 2**20) -> bytes:
    """A zlib stream that inflates to ``size`` zero bytes, made in milliseconds (compressing 256 MB of zeros
    takes seconds): one ``block`` of zeros compressed up to a *full flush* -- after which the compressor
    refers to nothing before it, so the next block's bytes are the same -- repeated, the remainder compressed
    once, then an empty final block (fixed Huffman, ``03 00``) and the Adler-32 of the whole."""
    whole, rest = divmod(size, block)
    z = zlib.compressobj(9)
    first = z.compress(bytes(block)) + z.flush(zlib.Z_FULL_FLUSH)  # with the 2-byte zlib header
    again = z.compress(bytes(block)) + z.flush(zlib.Z_FULL_FLUSH)
    tail = z.compress(bytes(rest)) + z.flush(zlib.Z_FULL_FLUSH) if rest else b""
    adler, zeros = 1, bytes(block)
    for _ in range(whole):
        adler = zlib.adler32(zeros, adler)
    adler = zlib.adler32(bytes(rest), adler)
    body = (first + again * (whole - 1) + tail) if whole else b"\x78\xda" + tail
    return body + b"\x03\x00" + struct.pack(">I", adler)


def png_zeros(width: int, height: int) -> bytes:
    """A *complete*, valid 1-bit black ``width``×``height`` PNG: small on disk, width × height pixels when
    decoded (a bomb, a 1×N strip or an N×1 column). Made without ever holding the decoded rows."""
    idat = zlib_zeros(height * (1 + (width + 7) // 8))  # each row: filter byte 0 + packed bits, all zero
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grayscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def png_bomb(side: int = BOMB_SIDE) -> bytes:
    """A complete side×side PNG of zeros (``png_zeros``): 110 kB on disk for ``BOMB_SIDE``."""
    return png_zeros(side, side)


TEXT_BOMB_BYTES = 256 * 2**20  # what the text chunk decompresses to (≈ 260 kB compressed)


def png_text_bomb(png: bytes, kind: Literal["zTXt", "iTXt"]) -> bytes:
    """``png`` with a compressed text chunk that inflates to ``TEXT_BOMB_BYTES``, inserted after IHDR."""
    text = zlib_zeros(TEXT_BOMB_BYTES)
    if kind == "zTXt":  # keyword NUL, method 0, compressed text
        chunk = _chunk(b"zTXt", b"Comment\x00\x00" + text)
    else:  # keyword NUL, compressed flag 1, method 0, language NUL, translated keyword NUL, text
        chunk = _chunk(b"iTXt", b"Comment\x00\x01\x00en\x00Comment\x00" + text)
    end_of_ihdr = 8 + 12 + 13
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


def _shirt(size: int = 28) -> np.ndarray:
    """A light "garment" on black, uint8 (size, size): a plausible Fashion-MNIST-like input."""
    arr = np.zeros((size, size), np.uint8)
    arr[size // 5 : 4 * size // 5, size // 4 : 3 * size // 4] = 220
    arr[size // 5 : size // 2, size // 8 : 7 * size // 8] = 200  # sleeves
    return arr


def _encode(im: Image.Image, fmt: str, **kw: Any) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _files() -> dict[str, tuple[str, Callable[[], bytes]]]:
    """name → (file name, bytes factory). File names carry the extension a user's file would have."""
    shirt = _shirt()
    rng = np.random.default_rng(0)
    photo = Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    jpeg = _encode(photo, "JPEG", quality=90)

    def animated_gif() -> bytes:
        frames = [Image.fromarray(np.roll(shirt, 3 * i, axis=1)).convert("P") for i in range(4)]
        return _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    def sixteen_bit() -> bytes:
        return _encode(Image.fromarray(shirt.astype(np.uint16) * 257), "PNG")  # opens as mode "I;16"

    return {
        "valid": ("shirt.png", lambda: _encode(Image.fromarray(shirt), "PNG")),
        "random bytes .png": ("random.png", lambda: rng.bytes(4096)),
        "text .png": ("notes.png", lambda: b"hello, this is not a picture\n" * 20),
        "truncated jpeg": ("truncated.jpg", lambda: jpeg[: len(jpeg) // 2]),
        "0-byte": ("empty.png", lambda: b""),
        "bomb 30000x30000 png": ("bomb.png", png_bomb),
        "49 MP png": ("big.png", lambda: png_bomb(BIG_SIDE)),
        "over 10 MB": ("huge.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(OVERSIZE_BYTES)),
        "animated gif": ("animated.gif", animated_gif),
        "cmyk jpeg": ("cmyk.jpg", lambda: _encode(photo.convert("CMYK"), "JPEG")),
        "16-bit png": ("gray16.png", sixteen_bit),
        "palette png": ("palette.png", lambda: _encode(Image.fromarray(shirt).convert("RGB").quantize(16), "PNG")),
        "1x1 png": ("one.png", lambda: _encode(Image.new("L", (1, 1), 200), "PNG")),
        "1x16000 png": ("strip.png", lambda: png_zeros(16_000, 1)),
        "60000x1 png": ("column.png", lambda: png_zeros(1, 60_000)),
        "1x39000000 png": ("thin_bomb.png", lambda: png_zeros(39_000_000, 1)),  # under 40 MP, 39 MB decoded
        "1x50000000 png": ("thin_over.png", lambda: png_zeros(50_000_000, 1)),  # over 40 MP
        "zTXt bomb png": ("ztxt.png", lambda: png_text_bomb(_encode(Image.fromarray(shirt), "PNG"), "zTXt")),
        "iTXt bomb png": ("itxt.png", lambda: png_text_bomb(_encode(Image.fromarray(shirt), "PNG"), "iTXt")),
    }


def write_bad_files(directory: str | os.PathLike[str]) -> dict[str, Path]:
    """Write every test file into ``directory``; returns name → path (≈ 12 MB, ≈ 2 s)."""
    out = {}
    for name, (filename, make) in _files().items():
        path = Path(directory) / filename
        path.write_bytes(make())
        out[name] = path
    return out


@dataclass(frozen=True)
class BadFile:
    """Placeholder in a case's arguments for one of the generated files."""

    name: str


@dataclass(frozen=True)
class Sketch:
    """Placeholder for a sketchpad value whose composite is one of the generated files."""

    name: str


@dataclass(frozen=True)
class DataUrl:
    """Placeholder for ``{"url": "data:image/png;base64,…"}`` holding one of the generated files (no ``meta``)."""

    name: str


@dataclass(frozen=True)
class ServerPath:
    """Placeholder for a file payload *without* ``meta`` naming a server path (a key of ``server_paths()``)."""

    key: str


@dataclass(frozen=True)
class Composite:
    """Placeholder for a sketch whose composite is ``inner`` (a ``DataUrl`` or ``ServerPath``)."""

    inner: Any


_ROOT = Path(__file__).resolve().parents[2]


def server_paths() -> dict[str, Any]:
    """key → a path a hand-made payload may name: files of the server that must stay unread and
    unprobed, existing or not, absolute, relative, through ``..`` out of the allowed folders, a folder.
    Computed at call time: the upload folder is ``GRADIO_TEMP_DIR`` as the server sees it."""
    from explainer.training.artifacts import EXAMPLES_DIR  # the shipped examples: an allowed folder

    upload = os.environ.get("GRADIO_TEMP_DIR") or str(Path(tempfile.gettempdir()) / "gradio")
    return {
        "screenshot": str(_ROOT / "docs" / "screenshot.png"),  # an image of the server, outside the folders
        "checkpoint": str(next(iter(sorted((_ROOT / "checkpoints").glob("*"))), _ROOT / "checkpoints" / "x.pt")),
        "/etc/passwd": "/etc/passwd",
        "missing": "/nonexistent/picture.png",
        "relative": "app.py",
        "../ from uploads": upload + "/../../etc/passwd",
        "../ from examples": str(EXAMPLES_DIR) + "/../../../app.py",
        "folder": str(_ROOT),
        "file:// url": {"url": "file:///etc/passwd"},
    }


def file_payload(value: Any) -> dict[str, Any]:
    """A ``server_paths()`` value as a file payload without ``meta``."""
    return value if isinstance(value, dict) else {"path": value}


# --- the table -------------------------------------------------------------------------------------

Expect = Literal["error", "ok", "either"]


@dataclass(frozen=True)
class Case:
    """One malformed input to one endpoint.

    expect: "error" -- the server must answer with a clear message; "ok" -- the app legitimately
    accepts it (e.g. converts a palette PNG); "either" -- a lenient default is fine too, but an
    error must still be a clear message.
    """

    endpoint: str
    case: str
    args: tuple[Any, ...]
    expect: Expect = "error"
    raw: bool = False  # sent with RawClient as JSON, exactly as given (after placeholders)
    language: str | None = None  # the request's Accept-Language (the answer must be in that language)
    known_gap: str | None = None  # why the app still fails this case (the test expects it to fail)

    @property
    def id(self) -> str:
        return f"{self.endpoint} {self.case}" + (f" [{self.language}]" if self.language else "")


NAN = math.nan
NUMBERS: tuple[tuple[str, Any], ...] = (
    ("negative", -3), ("zero", 0), ("NaN", NAN), ("huge", 10**12), ("non-integer", 2.5), ("text", "abc"),
    ("400 digits", 10**400), ("true", True), ("'64'", "64"),
)
#: Wrong JSON types and sizes where a name (preset, method, layer…) belongs.
NAMES: tuple[tuple[str, Any], ...] = (("a list", ["basic"]), ("a dict", {"name": "basic"}), ("1 MB", "x" * 2**20))
FASHION = "Fashion-MNIST ResNet-18"
V = BadFile("valid")

#: A valid call per endpoint (tiny inputs): the request that must succeed after each bad one.
VALID: dict[str, tuple[Any, ...]] = {
    "/block_shapes": ("basic", "projection", 8, 16, 2, True, 8, 8, 32),  # the last: groups (ResNeXt only)
    "/network_shapes": ("ResNet-20", 3, 32, 32, 10),
    "/compare_networks": ("ResNet-20", "Plain-20", 3, 32, 32, 10),
    "/compare_pair": ("basic vs bottleneck",),
    "/grad_norms": (8, True, "Kaiming"),
    "/shattered": (8,),
    "/highway": (8,),
    "/lesion": (),
    "/predict": (V,),
    "/feature_maps": (V, "layer1"),
    "/attribute": (V, "Saliency"),
    "/analyse": (V, None, FASHION, "auto", "layer1", 4, "shared"),
    "/branch_figures": (V, None, FASHION, "auto", -1),
    "/update_feature_maps": (V, None, FASHION, "auto", "layer1", 4, "shared"),
    "/on_model_change": (FASHION,),
    "/run_attributions": (V, None, FASHION, "auto", ["Saliency"], "predicted", "layer4.1", 0.6, "Saliency"),
    "/restyle_overlays": (0.6,),
    "/run_sanity": (V, None, FASHION, "auto", ["Saliency"], "predicted", "layer4.1"),
    # private triggers the page calls by fn_index (raw HTTP only: gradio_client does not list them)
    "/preset_defaults": ("ResNet-20",),
    "/groups_visible": ("ResNeXt",),
    "/network_shapes_on_preset": ("ResNet-20", 3, 32, 32, 10),
    "/live_handler": (8, 10),
    "/load_example": (0,),
    "/grad_norms_section": (8, True, "Kaiming"),  # what a page load computes (plot, tables, explanation)
    "/shattered_handler": (8,),
    "/highway_handler": (8,),
    "/_translated_notes": (FASHION,),  # the Inside tab's server-made labels (page load, language switch)
    # the Lesson tab (private): a step's text and question, its view, the computed answer
    "/lesson_step": ("residual_block",),
    "/lesson_view": ("residual_block",),
    "/lesson_reveal": ("residual_block", "A"),  # guesses are letters, whatever the step
}
#: Endpoints ``gradio_client`` does not offer: every case to them goes over raw HTTP.
PRIVATE: tuple[str, ...] = ("/preset_defaults", "/groups_visible", "/network_shapes_on_preset", "/live_handler", "/load_example",
                            "/grad_norms_section", "/shattered_handler", "/highway_handler", "/_translated_notes",
                            "/lesson_step", "/lesson_view", "/lesson_reveal")
#: Callable triggers with inputs left out of the table: a checkbox mirrored into a state by
#: ``lambda v: bool(v)`` (any JSON value is a valid answer) and the browser-only language switch.
NOT_IN_TABLE: tuple[str, ...] = ("/lambda", "/js_fn")


#: Endpoints whose valid call takes seconds (the lesion study: ~40 s on first use): the table has
#: only arguments that fail in validation for them, and one valid call is made per endpoint.
SLOW: tuple[str, ...] = ("/lesion", "/grad_norms", "/shattered", "/highway", "/run_sanity", "/live_handler",
                         "/grad_norms_section", "/shattered_handler", "/highway_handler", "/lesson_reveal")

# Files the app legitimately accepts (converted to the model's input): a valid result is expected.
ACCEPTED: tuple[str, ...] = ("animated gif", "cmyk jpeg", "16-bit png", "palette png", "1x1 png")
REFUSED: tuple[str, ...] = ("random bytes .png", "text .png", "truncated jpeg", "0-byte", "bomb 30000x30000 png",
                            "49 MP png", "over 10 MB")


def _with(endpoint: str, index: int, value: Any) -> tuple[Any, ...]:
    """The valid arguments of ``endpoint`` with argument ``index`` replaced by ``value``."""
    args = list(VALID[endpoint])
    args[index] = value
    return tuple(args)


def _names(endpoint: str, index: int, control: str) -> list[Case]:
    """``NAMES`` (a list, a dict, a 1 MB string) where a name belongs, as raw JSON."""
    return [Case(endpoint, f"{control}={label}", _with(endpoint, index, value), raw=True) for label, value in NAMES]


#: Every image input: endpoint → argument indices of the upload and (undocumented endpoints) the sketch.
IMAGE_INPUTS: dict[str, tuple[int, ...]] = {
    "/predict": (0,), "/feature_maps": (0,), "/attribute": (0,), "/analyse": (0, 1), "/branch_figures": (0, 1),
    "/update_feature_maps": (0, 1), "/run_attributions": (0, 1), "/run_sanity": (0, 1)}


def _at(endpoint: str, index: int, value: Any) -> tuple[Any, ...]:
    """Valid arguments with image input ``index`` set to ``value``; index 1 is the sketch: ``value`` becomes
    its composite (a file placeholder its ``Sketch``), and the upload is empty."""
    if index == 1:
        return (None, Sketch(value.name) if isinstance(value, BadFile) else Composite(value), *VALID[endpoint][2:])
    return _with(endpoint, index, value)


def _boundary(endpoint: str, paths: tuple[str, ...], urls: dict[str, Expect], files: dict[str, Expect],
              language: str | None = None) -> list[Case]:
    """Server paths without ``meta``, data URLs and uploaded files at every image input of ``endpoint``."""
    t = []
    for index in IMAGE_INPUTS[endpoint]:
        where = "sketch" if index == 1 else "image"
        # A sketch's composite without ``meta`` fails the sketchpad's data model and counts as an empty
        # canvas: the handler shows nothing (an empty answer, the same for every path) -- or refuses.
        sketch: Expect | None = "either" if index == 1 else None
        t += [Case(endpoint, f"{where}=server path {k}", _at(endpoint, index, ServerPath(k)), sketch or "error",
                   raw=True, language=language) for k in paths]
        t += [Case(endpoint, f"{where}=data URL {f}", _at(endpoint, index, DataUrl(f)), sketch or expect, raw=True,
                   language=language) for f, expect in urls.items()]
        t += [Case(endpoint, f"{where}={f}", _at(endpoint, index, BadFile(f)), expect,
                   raw=language is not None, language=language) for f, expect in files.items()]
    return t


ALL_PATHS = ("screenshot", "checkpoint", "/etc/passwd", "missing", "relative", "../ from uploads",
             "../ from examples", "folder", "file:// url")
SOME_PATHS = ("screenshot", "/etc/passwd", "../ from uploads")
REFUSED_URLS: dict[str, Expect] = {"over 10 MB": "error", "text .png": "error", "1x50000000 png": "error"}
#: Thin strips and text-chunk bombs: accepted or refused, with a sentence and bounded memory either way.
ODD_FILES: dict[str, Expect] = {"1x16000 png": "either", "60000x1 png": "either", "1x39000000 png": "either",
                                "1x50000000 png": "error", "zTXt bomb png": "either", "iTXt bomb png": "either"}


def build_boundary_table() -> list[Case]:
    """Issue 12: what a hand-made request can send that the widgets never would, on every endpoint."""
    t: list[Case] = []
    # Images: every image input gets server paths, data URLs and the odd files --------------------------
    t += _boundary("/predict", ALL_PATHS, {"valid": "ok", "1x39000000 png": "either", **REFUSED_URLS}, ODD_FILES)
    t += _boundary("/predict", ("screenshot", "missing"), {"over 10 MB": "error"},
                   {"zTXt bomb png": "either", "iTXt bomb png": "either", "text .png": "error"}, language="zh-CN")
    t += _boundary("/analyse", ALL_PATHS, {"valid": "ok", **REFUSED_URLS}, {"1x16000 png": "either",
                                                                             "60000x1 png": "either"})
    for e in ("/feature_maps", "/attribute", "/branch_figures", "/update_feature_maps", "/run_attributions"):
        t += _boundary(e, SOME_PATHS, {"valid": "ok", "over 10 MB": "error", "text .png": "error"},
                       {"zTXt bomb png": "either"})
    t += _boundary("/run_sanity", SOME_PATHS, {"over 10 MB": "error", "text .png": "error"}, {})
    # Names: wrong JSON types and a 1 MB string (echoed at most ~40 characters) -------------------------
    for e, i, control in (("/block_shapes", 0, "block"), ("/block_shapes", 1, "shortcut"),
                          ("/network_shapes", 0, "preset"), ("/grad_norms", 2, "init"),
                          ("/feature_maps", 1, "layer"), ("/attribute", 1, "method"), ("/analyse", 2, "model"),
                          ("/analyse", 3, "invert"), ("/analyse", 4, "layer"), ("/analyse", 6, "scale"),
                          ("/on_model_change", 0, "model"), ("/run_attributions", 4, "methods"),
                          ("/run_attributions", 5, "target"), ("/run_attributions", 6, "gradcam_layer"),
                          ("/run_attributions", 8, "smoothgrad_base"), ("/run_sanity", 4, "methods"),
                          ("/run_sanity", 5, "target"), ("/preset_defaults", 0, "preset"),
                          ("/network_shapes_on_preset", 0, "preset")):
        t += _names(e, i, control)
    # Booleans: the string "false" (a checkbox takes any truthy value as "on": either is fine) ----------
    t += [Case(e, "batch_norm='false'", _with(e, i, "false"), "either", raw=True)
          for e, i in (("/block_shapes", 5), ("/grad_norms", 1))]
    # Method lists: duplicated, unknown, nested ---------------------------------------------------------
    e = "/run_attributions"
    t += [Case(e, "methods=duplicated", _with(e, 4, ["Saliency", "Saliency"]), "either", raw=True),
          Case(e, "methods=known+unknown", _with(e, 4, ["Saliency", "no-such-method"]), raw=True),
          Case(e, "methods=[None, 1]", _with(e, 4, [None, 1]), raw=True),
          Case(e, "methods=[1 MB]", _with(e, 4, ["x" * 2**20]), raw=True),
          Case(e, "methods=100000 items", _with(e, 4, ["Saliency"] * 100_000), raw=True)]
    e = "/run_sanity"  # slow when valid: only refusals
    t += [Case(e, "methods=duplicated+unknown", _with(e, 4, ["Saliency", "Saliency", "no-such-method"]), raw=True),
          Case(e, "methods=[None, 1]", _with(e, 4, [None, 1]), raw=True),
          Case(e, "methods=[1 MB]", _with(e, 4, ["x" * 2**20]), raw=True)]
    # Choices refused before the handler (the widgets' own check) answer in the request's language ----------
    t += [Case("/block_shapes", "block='no-such-name'", _with("/block_shapes", 0, "no-such-name"), language="zh-CN"),
          Case("/run_attributions", "methods='Saliency'", _with("/run_attributions", 4, "Saliency"),
               language="zh-CN")]
    # Private triggers (called by the page with fn_index) ------------------------------------------------
    t += _choices("/preset_defaults", 0, "preset")
    t += _choices("/_translated_notes", 0, "model") + _names("/_translated_notes", 0, "model")
    e = "/network_shapes_on_preset"
    t += _choices(e, 0, "preset")
    for i, name in ((1, "in_channels"), (2, "height"), (3, "width"), (4, "num_classes")):
        t += _numbers(e, i, name)
    for e in ("/grad_norms_section", "/shattered_handler", "/highway_handler"):
        t += _numbers(e, 0, "depth")
    t += _choices("/grad_norms_section", 2, "init", ("no-such-name", 7)) + _names("/grad_norms_section", 2, "init")
    t += [Case("/grad_norms_section", "batch_norm='false'", _with("/grad_norms_section", 1, "false"), "either")]
    t += _numbers("/live_handler", 0, "depth") + _numbers("/live_handler", 1, "steps")
    t += [Case("/live_handler", "depth=62 (over the live limit)", (62, 10)),
          Case("/live_handler", "steps=301 (over the limit)", (8, 301))]
    # gr.Examples' loader: only the indices shown (-1 is not Python's last example), answered in Chinese too
    t += [Case("/load_example", f"index={v!r}"[:40], (v,)) for v in (-1, 10**6, 10**400, "abc", None, True, 2.5,
                                                                      {"path": "/etc/passwd"}, [0])]
    t += [Case("/load_example", "index=-1", (-1,), language="zh-CN"), Case("/load_example", "index=1", (1,), "ok")]
    return [c if c.endpoint not in PRIVATE else replace(c, raw=True) for c in t]


def _images(endpoint: str, files: tuple[str, ...] = REFUSED + ACCEPTED, index: int = 0) -> list[Case]:
    return [Case(endpoint, f"image={f}", _with(endpoint, index, BadFile(f)), "ok" if f in ACCEPTED else "error")
            for f in files]


def _numbers(endpoint: str, index: int, control: str, valid: tuple[str, ...] = ()) -> list[Case]:
    """``NUMBERS`` at argument ``index``; labels in ``valid`` are legitimate values there."""
    return [Case(endpoint, f"{control}={label}", _with(endpoint, index, value), "ok" if label in valid else "error")
            for label, value in NUMBERS]


def _choices(endpoint: str, index: int, control: str, values: tuple[Any, ...] = ("no-such-name", 7, None)
             ) -> list[Case]:
    # None is what a cleared widget sends: falling back to the default is as fine as a message.
    return [Case(endpoint, f"{control}={v!r}", _with(endpoint, index, v), "either" if v is None else "error")
            for v in values]


def _shared_controls(endpoint: str) -> list[Case]:
    """The sketch, model and invert controls every image handler of the tab shares with /analyse."""
    rest = VALID[endpoint][2:]
    return [Case(endpoint, "sketch=random bytes .png", (None, Sketch("random bytes .png"), *rest)),
            Case(endpoint, "model='no-such-name'", _with(endpoint, 2, "no-such-name")),
            Case(endpoint, "invert='no-such-name'", _with(endpoint, 3, "no-such-name"))]


def build_table() -> list[Case]:
    """Every endpoint × every control × the malformed values that make sense for it."""
    t: list[Case] = []
    # Blocks & shapes ------------------------------------------------------------------------------
    e = "/block_shapes"
    t += _choices(e, 0, "block") + _choices(e, 1, "shortcut")
    for i, name in ((2, "in_channels"), (3, "out_channels"), (6, "height"), (7, "width")):
        t += _numbers(e, i, name)
    t += _numbers(e, 4, "stride") + [Case(e, "stride=3", _with(e, 4, 3))]
    t += [Case(e, "batch_norm='maybe'", _with(e, 5, "maybe"), "either")]
    t += [Case(e, "in_channels=5000 (over 4096)", _with(e, 2, 5000)), Case(e, "height=1025", _with(e, 6, 1025))]
    t += _numbers(e, 8, "groups") + [Case(e, "ResNeXt with groups=3 (does not divide 8)",
                                          ("ResNeXt", "projection", 8, 16, 2, True, 8, 8, 3))]
    t += _choices("/groups_visible", 0, "block") + _names("/groups_visible", 0, "block")
    e = "/compare_networks"
    t += _choices(e, 0, "preset_a") + _choices(e, 1, "preset_b")
    for i, name in ((2, "in_channels"), (3, "height"), (4, "width"), (5, "num_classes")):
        t += _numbers(e, i, name)
    t += [Case(e, "AlexNet at 28x28 (too small for network B)", ("ResNet-20", "AlexNet", 1, 28, 28, 10))]
    t += _choices("/compare_pair", 0, "pair") + _names("/compare_pair", 0, "pair")
    e = "/network_shapes"
    t += _choices(e, 0, "preset")
    for i, name in ((1, "in_channels"), (2, "height"), (3, "width"), (4, "num_classes")):
        t += _numbers(e, i, name)
    t += [Case(e, "num_classes=100001", _with(e, 4, 100_001)),
          Case(e, "AlexNet at 28x28 (too small for the net)", ("AlexNet", 1, 28, 28, 10))]
    # Degradation (slow endpoints: validation failures only) ---------------------------------------
    for e in ("/grad_norms", "/shattered", "/highway"):
        t += _numbers(e, 0, "depth") + [Case(e, "depth=9 (not 6n+2)", _with(e, 0, 9)),
                                        Case(e, "depth=56.5", _with(e, 0, 56.5)),
                                        Case(e, "depth=116 (6n+2, over 110)", _with(e, 0, 116))]
    t += _choices("/grad_norms", 2, "init") + [Case("/grad_norms", "batch_norm='maybe'", _with("/grad_norms", 1, "maybe"),
                                                    "either")]  # a checkbox takes any truthy value as "on"
    # Inside ResNet-18: public API ------------------------------------------------------------------
    t += _images("/predict") + [Case("/predict", "image=None", (None,))]
    t += _images("/feature_maps", REFUSED + ("palette png", "1x1 png"))
    t += _choices("/feature_maps", 1, "layer", ("no-such-layer", 7))
    t += _images("/attribute", REFUSED + ("cmyk jpeg", "1x1 png"))
    t += _choices("/attribute", 1, "method")
    # Inside ResNet-18: the UI's undocumented endpoints -----------------------------------------------
    e = "/analyse"
    t += _images(e)
    t += [Case(e, f"sketch={f}", (None, Sketch(f), *VALID[e][2:]), "ok" if f in ACCEPTED else "error")
          for f in ("random bytes .png", "truncated jpeg", "0-byte", "bomb 30000x30000 png", "49 MP png",
                    "16-bit png", "1x1 png")]
    t += _choices(e, 2, "model") + _choices(e, 3, "invert") + _choices(e, 4, "layer", ("no-such-layer",))
    t += _numbers(e, 5, "k") + [Case(e, "k=5.5", _with(e, 5, 5.5))] + _choices(e, 6, "scale")
    e = "/branch_figures"
    t += _images(e, ("random bytes .png", "bomb 30000x30000 png", "16-bit png")) + _shared_controls(e)
    t += _numbers(e, 4, "channel", valid=("zero",)) + [Case(e, "channel=511 (more than a block has)",
                                                            _with(e, 4, 511), "either")]
    e = "/update_feature_maps"
    t += _images(e, ("random bytes .png", "0-byte", "bomb 30000x30000 png")) + [Case(e, "no image", _with(e, 0, None))]
    t += _shared_controls(e)
    t += _choices(e, 4, "layer", ("no-such-layer",))
    t += _numbers(e, 5, "k") + _choices(e, 6, "scale")
    t += _choices("/on_model_change", 0, "model")
    e = "/run_attributions"
    t += _images(e, ("random bytes .png", "truncated jpeg", "bomb 30000x30000 png")) + _shared_controls(e)
    t += _choices(e, 4, "methods", ([], ["no-such-method"], "Saliency"))
    t += _choices(e, 5, "target", ("no-such-class", 7))
    t += _choices(e, 6, "gradcam_layer", ("no-such-layer",))
    t += _numbers(e, 7, "opacity", valid=("zero",))
    t += _choices(e, 8, "smoothgrad_base", ("no-such-base",))
    t += _numbers("/restyle_overlays", 0, "opacity", valid=("zero",))
    e = "/run_sanity"
    t += _images(e, ("random bytes .png", "bomb 30000x30000 png")) + _shared_controls(e)
    t += _choices(e, 4, "methods", ([], ["no-such-method"])) + _choices(e, 5, "target", ("no-such-class",))
    t += _choices(e, 6, "gradcam_layer", ("no-such-layer",))
    # Lesson ----------------------------------------------------------------------------------------
    for e in ("/lesson_step", "/lesson_view", "/lesson_reveal"):
        t += _choices(e, 0, "step") + _names(e, 0, "step")
    t += _choices("/lesson_reveal", 1, "guess", ("no-such-guess", 7))
    return t + build_boundary_table()


#: The live mini-run is a private generator (not callable over the API): these go to the function.
LIVE_CASES: tuple[tuple[str, Any, Any], ...] = tuple(
    [(f"depth={label}", value, 10) for label, value in NUMBERS]
    + [("depth=9 (not 6n+2)", 9, 10), ("depth=62 (over the live limit)", 62, 10)]
    + [(f"steps={label}", 8, value) for label, value in NUMBERS]
    + [("steps=301 (over the limit)", 8, 301), ("steps=15.5", 8, 15.5)]
)
LIVE_VALID: tuple[int, int] = (8, 10)


# --- messages --------------------------------------------------------------------------------------


#: How much of a client's own text an answer may repeat (the app echoes at most 40 characters).
MAX_ECHO = 60


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def echoed(message: str, sent: Any) -> bool:
    """True when ``message`` repeats more than ``MAX_ECHO`` consecutive characters of a string in ``sent``."""
    long = [s for s in _strings(sent) if len(s) > MAX_ECHO]
    n = MAX_ECHO + 1
    return any(message[i:i + n] in s for s in long for i in range(len(message) - n + 1))


def message_problem(message: str, sent: Any = ()) -> str | None:
    """Why an error message is not a clear sentence for a user, or None when it is.

    ``sent``: the request's arguments; an answer repeating more than ``MAX_ECHO`` characters of them
    (a megabyte name sent back) is a problem too.
    """
    text = (message or "").strip()
    if not text:
        return "empty message"
    if text in ("Error", "None") or "could not preprocess" in text.lower():
        return "Gradio's generic error"
    if text.startswith("Something went wrong on the server"):
        return "the app's apology for an unexpected exception (a bug)"
    for leak in ("Traceback", 'File "', "site-packages", "/tmp/", "gradio/", "\n  "):
        if leak in text:
            return f"internal detail leaked ({leak!r})"
    for raw in ("object has no attribute", "not supported between instances", "invalid literal for",
                "cannot convert float", "index out of range", "unhashable type", "object is not",
                "positional argument", "KeyError", "could not convert string", "didn't receive enough"):
        if raw in text:
            return f"raw Python exception text ({raw!r})"
    if echoed(text, sent):
        return f"echoes more than {MAX_ECHO} characters of the request"
    return None


def in_chinese(message: str) -> bool:
    """True when ``message`` holds CJK ideographs (the zh_CN catalogue's answers do)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


# --- sending ---------------------------------------------------------------------------------------


class RawClient:
    """Gradio's HTTP queue protocol with the standard library, for what ``gradio_client`` won't send.

    ``call`` JSON-encodes with ``allow_nan=True`` (``NaN`` literals, which Python's JSON parser on
    the server accepts); ``upload`` posts a file as a browser would, without a client-side size check.
    """

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        with urllib.request.urlopen(self.url + "/config", timeout=30) as r:
            config = json.load(r)
        self.api = self.url + config.get("api_prefix", "/gradio_api")
        types = {c["id"]: c["type"] for c in config["components"]}
        self.deps = {"/" + d["api_name"]: (d["id"], [types[i] == "state" for i in d["inputs"]])
                     for d in config["dependencies"] if d.get("api_name")}
        self.session = uuid.uuid4().hex
        self.uploaded: dict[str, tuple[int, Any]] = {}  # path → the upload's answer

    def upload(self, path: str | os.PathLike[str]) -> tuple[int, Any]:
        """(HTTP status, FileData dict on success or the server's message). Each file is posted once; later
        calls reuse the server's answer (the server keeps an upload until its cache expires, and refuses
        an oversized one at its door, before any endpoint sees it)."""
        key = str(path)
        if key not in self.uploaded:
            self.uploaded[key] = self._post(path)
        status, answer = self.uploaded[key]
        return status, dict(answer) if isinstance(answer, dict) else answer

    def _post(self, path: str | os.PathLike[str]) -> tuple[int, Any]:
        boundary = uuid.uuid4().hex
        name = Path(path).name
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + Path(path).read_bytes() + \
            f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.api + "/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                server_path = json.load(r)[0]
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace")
        return 200, {"path": server_path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}

    def call(self, api_name: str, args: tuple[Any, ...], timeout: float = 120.0,
             language: str | None = None) -> tuple[bool, Any]:
        """(success, output data or error message) of one event, state inputs filled with null.

        ``language``: the ``Accept-Language`` header of the request (as a browser set to it sends)."""
        fn_index, is_state = self.deps[api_name]
        values = iter(args)
        data = [None if state else next(values) for state in is_state]
        body = json.dumps({"data": data, "fn_index": fn_index, "session_hash": self.session,
                           "event_data": None, "trigger_id": None}).encode()  # NaN stays NaN
        headers = {"Content-Type": "application/json"}
        if language:
            headers["Accept-Language"] = language
        req = urllib.request.Request(self.api + "/queue/join", data=body, method="POST", headers=headers)
        with urllib.request.urlopen(req, timeout=30) as r:
            event_id = json.load(r)["event_id"]
        url = f"{self.api}/queue/data?session_hash={self.session}"
        with urllib.request.urlopen(url, timeout=timeout) as stream:
            for line in stream:
                if not line.startswith(b"data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") == event_id and msg.get("msg") == "process_completed":
                    out = msg.get("output") or {}
                    if msg.get("success"):
                        return True, out.get("data")
                    return False, str(out.get("error"))
        return False, "the event stream ended without a result"


@dataclass
class Result:
    """What one call got: "ok" (a value) or "error" (a message), and how long it took."""

    kind: Literal["ok", "error"]
    message: str
    seconds: float
    value: Any = None


def has_nan(args: tuple[Any, ...]) -> bool:
    return any(isinstance(a, float) and a != a for a in args)


def _raw_value(a: Any, raw: RawClient, files: dict[str, Path]) -> Any:
    """A placeholder as the JSON a hand-made request carries (uploads over ``raw``), or ``Result`` if refused."""
    if isinstance(a, Composite):
        return {"background": None, "layers": [], "composite": _raw_value(a.inner, raw, files)}
    if isinstance(a, ServerPath):
        return file_payload(server_paths()[a.key])
    if isinstance(a, DataUrl):
        return {"url": "data:image/png;base64," + base64.b64encode(files[a.name].read_bytes()).decode()}
    if isinstance(a, (BadFile, Sketch)):
        status, uploaded = raw.upload(files[a.name])
        if status != 200:  # refused at the door: the upload never reaches a handler
            return Result("error", str(uploaded), 0.0)
        return uploaded if isinstance(a, BadFile) else {"background": None, "layers": [], "composite": uploaded}
    return a


def run_case(client: Any, raw: RawClient, endpoint: str, args: tuple[Any, ...], files: dict[str, Path], *,
             raw_http: bool = False, language: str | None = None) -> Result:
    """Send one call over ``raw`` -- what a browser sends: uploads through ``/upload``, then the event --
    or, when a ``client`` (``gradio_client.Client``) is given, through it for the calls it can make (public
    endpoints, no NaN, no oversized upload, no hand-made JSON, no language). The raw protocol is faster
    per call (measured 0.3-0.4 s vs 2-4 s for the same refusal in a probe on the loaded 2-core machine)."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    t0 = time.perf_counter()
    big = [a for a in args if isinstance(a, (BadFile, Sketch)) and files[a.name].stat().st_size > 10 * 2**20]
    try:
        if client is None or big or has_nan(args) or raw_http or language or endpoint in PRIVATE:
            resolved = [_raw_value(a, raw, files) for a in args]
            refused = next((r for r in resolved if isinstance(r, Result)), None)
            if refused:
                return Result("error", refused.message, time.perf_counter() - t0)
            ok, out = raw.call(endpoint, tuple(resolved), language=language)
            return Result("ok" if ok else "error", "" if ok else out, time.perf_counter() - t0, out if ok else None)
        value = client.predict(*resolve(args, files, handle_file), api_name=endpoint)
        return Result("ok", "", time.perf_counter() - t0, value)
    except AppError as err:
        return Result("error", str(err), time.perf_counter() - t0)


def run(client: Any, raw: RawClient, case: Case, files: dict[str, Path]) -> Result:
    """``run_case`` for one table ``case``."""
    return run_case(client, raw, case.endpoint, case.args, files, raw_http=case.raw, language=case.language)


def resolve(args: tuple[Any, ...], files: dict[str, Path], upload: Callable[[str], Any]) -> tuple[Any, ...]:
    """Replace ``BadFile``/``Sketch`` markers by ``upload(path)`` (e.g. ``gradio_client.handle_file``)."""

    def one(a: Any) -> Any:
        if isinstance(a, BadFile):
            return upload(str(files[a.name]))
        if isinstance(a, Sketch):
            return {"background": None, "layers": [], "composite": upload(str(files[a.name]))}
        return a

    return tuple(one(a) for a in args)
