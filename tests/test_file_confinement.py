"""No file outside Gradio's upload folder and the shipped examples can be read or probed through an image input.

Unit level: ``file_inputs.file_source`` on hand-made payloads (what a client can send without ``meta``).
Live: the same payloads over raw HTTP against the running app, every image endpoint, one answer for all.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from explainer.training.samples import example_paths
from explainer.ui import file_inputs
from explainer.ui.file_inputs import FilePayload

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = [str(ROOT / "docs" / "screenshot.png"), str(ROOT / "checkpoints" / "resnet18_fashion_mnist.json"),
           "/etc/passwd", "/nonexistent/x.png", "README.md", "/tmp/gradio/../../etc/passwd", str(ROOT),
           "", "\x00", 7, None, "x" * 5000]


def _refusal(path: object) -> str:
    with pytest.raises(ValueError) as info:
        file_inputs.file_source(FilePayload(path=path, url=None if path is not None else "http://x/y.png"))
    return str(info.value)


def test_every_path_outside_gets_one_and_the_same_sentence() -> None:
    answers = {_refusal(p) for p in OUTSIDE}
    assert answers == {file_inputs.UNAVAILABLE}, answers


def test_symlink_inside_the_upload_folder_pointing_out_is_refused(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "uploads"))
    (tmp_path / "uploads").mkdir()
    link = tmp_path / "uploads" / "shot.png"
    link.symlink_to(ROOT / "docs" / "screenshot.png")
    assert _refusal(str(link)) == file_inputs.UNAVAILABLE
    inside = tmp_path / "uploads" / "ok.png"
    inside.write_bytes(example_paths()[0].read_bytes())
    assert file_inputs.file_source(FilePayload(path=str(inside))) == str(inside.resolve())


def test_examples_and_data_urls_are_read() -> None:
    example = example_paths()[0]
    assert file_inputs.file_source(FilePayload(path=str(example))) == str(example.resolve())
    data = example.read_bytes()
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    assert file_inputs.file_source(FilePayload(url=url)) == data


def test_data_urls_obey_the_byte_limit_before_decoding() -> None:
    big = "data:image/png;base64," + "A" * (15 * 2**20)  # 11 MB once decoded
    with pytest.raises(ValueError, match="too big"):
        file_inputs.file_source(FilePayload(url=big))
    for bad in ("data:image/png,rawtext", "data:image/png;base64,!!!!", "data:;base64"):
        with pytest.raises(ValueError):
            file_inputs.file_source(FilePayload(url=bad))


ENDPOINTS = {"/predict": (), "/feature_maps": ("layer1",), "/attribute": ("Saliency",),
             "/analyse": (None, "Fashion-MNIST ResNet-18", "auto", "layer1", 4, "shared")}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_no_server_file_is_read_or_probed_over_http(app_client, endpoint: str) -> None:  # noqa: ANN001
    from tests.support.bad_inputs import RawClient

    raw = RawClient(app_client.src)
    answers = set()
    for path in OUTSIDE[:6]:
        ok, out = raw.call(endpoint, ({"path": path}, *ENDPOINTS[endpoint]))
        assert not ok, (path, out)
        answers.add(out)
    assert answers == {file_inputs.UNAVAILABLE}, answers


@pytest.mark.parametrize("path", OUTSIDE[:4] + [os.path.relpath(ROOT / "app.py")])
def test_the_file_route_serves_no_server_file(app_client, path: str) -> None:  # noqa: ANN001
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(app_client.src.rstrip("/") + "/gradio_api/file=" + path, timeout=10)
    assert info.value.code in (403, 404)
