"""Memory of the worst images the server accepts (or refuses after reading the header): each decoded in a
fresh subprocess, its peak RSS over the idle process measured (Linux: ``/proc/self/clear_refs`` resets
VmHWM after the imports). The budget is the issue's: any input ≤ 300 MB over idle.

``python tests/test_image_memory.py`` prints the table the README's "Limits" section quotes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 300

# Runs in the subprocess: decode + preprocess one file for both models, print MB over idle.
_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from explainer.inside import images, imagenet
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
data = open(sys.argv[2], "rb").read()
open("/proc/self/clear_refs", "w").write("5")  # reset the peak: measure from idle
idle = status("VmRSS")
outcome = "accepted"
try:
    images.prepare_fashion(data)
    imagenet.prepare_imagenet(data)
except ValueError as err:
    outcome = "refused: " + str(err)[:60]
print(json.dumps({"over_idle_mb": status("VmHWM") - idle, "outcome": outcome}))
"""


def _png_rows(width: int, height: int, color_type: int, bit_depth: int, channels: int, value: int = 0) -> bytes:
    """A valid PNG of constant rows, compressed row by row (never the whole image in memory)."""
    import struct

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes([value]) * (width * channels * bit_depth // 8)
    z = zlib.compressobj(9)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _jpeg_40mp() -> bytes:
    im = Image.new("RGB", (8000, 5000), (200, 120, 40))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=50)
    return buf.getvalue()


def _palette_40mp() -> bytes:
    im = Image.new("P", (8000, 5000), 3)
    im.putpalette(list(np.arange(768) % 256))
    buf = io.BytesIO()
    im.save(buf, "PNG", transparency=0)
    return buf.getvalue()


#: name → bytes factory: the worst accepted images (and the refused 49 MP one).
CASES = {
    "1x60000 PNG (gray)": lambda: _png_rows(1, 60000, 0, 8, 1, 200),
    "60000x1 PNG (gray)": lambda: _png_rows(60000, 1, 0, 8, 1, 200),
    "1x16000 PNG (RGBA)": lambda: _png_rows(1, 16000, 6, 8, 4, 200),
    "40 MP RGBA PNG (8000x5000)": lambda: _png_rows(8000, 5000, 6, 8, 4, 200),
    "40 MP 16-bit gray PNG": lambda: _png_rows(8000, 5000, 0, 16, 1, 100),
    "40 MP palette PNG with transparency": _palette_40mp,
    "40 MP JPEG (draft)": _jpeg_40mp,
    "49 MP PNG (refused)": lambda: _png_rows(7000, 7000, 0, 8, 1, 0),
}


def measure(name: str, tmp: Path) -> dict:
    path = tmp / "input.bin"
    path.write_bytes(CASES[name]())
    out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), str(path)], capture_output=True, text=True,
                         timeout=300, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("name", list(CASES))
def test_worst_images_stay_within_the_memory_budget(name: str, tmp_path: Path) -> None:
    result = measure(name, tmp_path)
    assert result["over_idle_mb"] <= BUDGET_MB, result
    assert result["outcome"].startswith("refused") == ("refused" in name), result


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            r = measure(case, Path(tmp))
            print(f"{case:<40} {r['over_idle_mb']:7.0f} MB over idle  {r['outcome']}", flush=True)
