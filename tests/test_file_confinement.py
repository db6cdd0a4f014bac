"""No file outside Gradio's upload folder and the shipped examples can be read or probed through an image input.

Unit level: ``file_inputs.file_source`` on hand-made payloads (what a client can send without ``meta``).
Live: the same payloads over raw HTTP against the running app -- every image input (uploads and
sketches) of every endpoint, public and undocumented, in English and Chinese -- one answer for all;
payloads *with* ``meta`` (refused by Gradio before our code) get the same one sentence, relative paths
included; and the file routes answer alike for existing and missing server files.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from explainer.i18n import CHINESE, ENGLISH, tr, use_language
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


@pytest.fixture(scope="module")
def raw(app_client):  # noqa: ANN001, ANN201
    from tests.support.bad_inputs import RawClient

    return RawClient(app_client.src)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_no_server_file_is_read_or_probed_over_http(raw, endpoint: str) -> None:  # noqa: ANN001
    answers = set()
    for path in OUTSIDE[:6]:
        ok, out = raw.call(endpoint, ({"path": path}, *ENDPOINTS[endpoint]))
        assert not ok, (path, out)
        answers.add(out)
    assert answers == {file_inputs.UNAVAILABLE}, answers


def _image_inputs() -> list[tuple[str, int]]:
    from tests.support.bad_inputs import IMAGE_INPUTS

    return [(endpoint, index) for endpoint, indices in IMAGE_INPUTS.items() for index in indices]


def _args(endpoint: str, index: int, payload: object) -> tuple[object, ...]:
    """The endpoint's valid arguments (images resolved by nobody: only ``payload`` is a file) with the
    image input ``index`` -- 0 the upload, 1 the sketch's composite -- set to ``payload``."""
    from tests.support.bad_inputs import VALID

    rest = VALID[endpoint][2:] if index == 1 else VALID[endpoint][1:]
    return (None, {"background": None, "layers": [], "composite": payload}, *rest) if index == 1 else (payload, *rest)


@pytest.mark.parametrize("language", [None, "zh-CN"])
@pytest.mark.parametrize("endpoint, index", _image_inputs())
def test_every_image_input_answers_alike_for_every_server_path(raw, endpoint: str, index: int,  # noqa: ANN001
                                                               language: str | None) -> None:
    """Existing, missing, outside, ``../`` out of the folders, a folder, a ``file://`` URL: one answer.

    Uploads get the one sentence (in the request's language); a sketch whose composite has no ``meta``
    is an empty canvas to the sketchpad, so the handler shows nothing -- the same for every path.
    """
    from tests.support.bad_inputs import file_payload, in_chinese, server_paths

    paths = server_paths()
    assert Path(paths["screenshot"]).is_file() and Path(paths["checkpoint"]).is_file() and Path(paths["folder"]).is_dir()
    answers = {key: raw.call(endpoint, _args(endpoint, index, file_payload(p)), language=language)
               for key, p in paths.items()}
    assert len({repr(a) for a in answers.values()}) == 1, answers
    ok, out = answers["screenshot"]
    if index == 0:
        assert not ok
        assert in_chinese(out) if language else out == file_inputs.UNAVAILABLE, out
    elif ok:
        assert not any(isinstance(v, str) and v for v in out), out  # nothing shown, no text about the file


@pytest.mark.parametrize("language", [None, "zh-CN"])
@pytest.mark.parametrize("endpoint", ["/predict", "/run_sanity"])
def test_payloads_with_meta_get_the_one_sentence_for_every_path(raw, endpoint, language) -> None:
    """Gradio checks a payload that carries ``meta`` before our widget sees it; its refusal (which named the
    path made absolute, so a relative path revealed the server's working directory) is replaced by the
    one sentence every other refused path gets (``gradio_patches.uniform_file_refusals``), in the
    request's language (``gradio_patches.events_in_request_language``)."""
    from tests.support.bad_inputs import in_chinese

    meta = {"meta": {"_type": "gradio.FileData"}}
    paths = [str(ROOT / "docs" / "screenshot.png"), "/etc/passwd", "/nonexistent/x.png", str(ROOT),
             "/tmp/gradio/../../etc/passwd", "app.py", "../../etc/passwd", "missing.png"]
    answers = set()
    for path in paths:
        ok, out = raw.call(endpoint, _args(endpoint, 0, {"path": path, **meta}), language=language)
        assert not ok
        assert os.getcwd() not in out and path not in out, out
        answers.add(out)
    with use_language(CHINESE if language else ENGLISH):
        assert answers == {tr(file_inputs.UNAVAILABLE)}, answers
    assert in_chinese(answers.pop()) == bool(language)


ROUTES = ("/gradio_api/file=", "/file=", "/gradio_api/file/")


@pytest.mark.parametrize("route", ROUTES)
def test_the_file_routes_serve_no_server_file_and_answer_alike(app_client, route: str) -> None:  # noqa: ANN001
    """Existing and missing server files, relative, ``../``, a folder: the same status and the same body
    (once the requested path itself is masked)."""
    import urllib.error
    import urllib.request

    paths = OUTSIDE[:4] + [os.path.relpath(ROOT / "app.py"), "missing.py", "../../etc/passwd", str(ROOT),
                           "/tmp/gradio/../../etc/passwd"]
    answers = set()
    for path in paths:
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(app_client.src.rstrip("/") + route + path, timeout=10)
        assert info.value.code in (403, 404)
        body = info.value.read().decode("utf-8", "replace")
        answers.add((info.value.code, body.replace(path, "<path>").replace(os.path.normpath(path), "<path>")))
    assert len(answers) == 1, answers
