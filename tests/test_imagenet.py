"""The optional ImageNet ResNet-18: available only from the torch hub cache, never downloaded."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from explainer.inside import imagenet
from explainer.models.resnet import build_resnet, torchvision_spec
from explainer.training.samples import example_paths

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture()
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)  # an earlier set_dir() must not win over TORCH_HOME
    return tmp_path


@pytest.fixture(scope="module")
def random_state() -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    return build_resnet(torchvision_spec(18)).state_dict()


def fake_cache(root, state) -> None:
    folder = root / "hub" / "checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(state, folder / imagenet.WEIGHTS_FILE)


def test_unavailable_with_an_empty_cache(empty_cache, caplog):
    with caplog.at_level("WARNING", logger=imagenet.log.name):
        ok, reason = imagenet.imagenet_status()
    assert not ok and "unavailable" in reason
    # The user reads one plain sentence (issue 13 item 10); the file, folder and URL go to the server log.
    for detail in (imagenet.WEIGHTS_FILE, str(empty_cache), imagenet.WEIGHTS_URL, "/"):
        assert detail not in reason
    assert str(empty_cache) in caplog.text and imagenet.WEIGHTS_URL in caplog.text
    with pytest.raises(ValueError, match="unavailable"):
        imagenet.load_imagenet_model()


def test_available_with_a_faked_cache(empty_cache, random_state):
    fake_cache(empty_cache, random_state)
    assert imagenet.weights_path() == empty_cache / "hub" / "checkpoints" / imagenet.WEIGHTS_FILE
    ok, reason = imagenet.imagenet_status()
    assert ok, reason
    assert str(empty_cache) not in reason  # no server path in a status line
    model = imagenet.load_imagenet_model()
    assert not model.training
    for key, value in random_state.items():
        torch.testing.assert_close(model.state_dict()[key], value)
    x = imagenet.prepare_imagenet(example_paths()[0]).x
    with torch.no_grad():
        assert model(x).shape == (1, 1000)
    names = imagenet.class_names()
    assert len(names) == 1000 and len(set(names)) > 990  # torchvision's names, or "class N"


def test_corrupt_or_wrong_weights_are_reported(empty_cache, random_state):
    folder = empty_cache / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    (folder / imagenet.WEIGHTS_FILE).write_bytes(b"truncated download")
    ok, reason = imagenet.imagenet_status()
    assert not ok and "cannot be used" in reason and str(folder) not in reason
    wrong = {k: v for k, v in random_state.items() if not k.startswith("fc.")}
    torch.save(wrong, folder / imagenet.WEIGHTS_FILE)
    ok, reason = imagenet.imagenet_status()
    assert not ok and "cannot be used" in reason and str(folder) not in reason


def test_matches_torchvision_when_it_imports(empty_cache, random_state):
    """Oracle: the same state dict in torchvision's own resnet18 gives the same logits."""
    try:
        from explainer.runtime import import_torchvision

        tv = import_torchvision()
    except Exception as err:  # noqa: BLE001
        pytest.skip(f"torchvision unavailable: {err}")
    fake_cache(empty_cache, random_state)
    ours = imagenet.load_imagenet_model()
    ref = tv.models.resnet18()
    ref.load_state_dict(random_state)
    ref.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), ref(x))
    assert imagenet.class_names()[0] == "tench"


def test_imagenet_preprocessing():
    wide = Image.new("RGBA", (640, 320), (0, 0, 0, 0))  # transparent → flattened on white
    p = imagenet.prepare_imagenet(wide)
    assert p.x.shape == (1, 3, 224, 224) and p.display.shape == (224, 224, 3)
    np.testing.assert_array_equal(p.display[100, 100], [255, 255, 255])
    expected = (1.0 - imagenet.IMAGENET_MEAN) / imagenet.IMAGENET_STD
    torch.testing.assert_close(p.x[:, :, 50, 50], expected.view(1, 3))
    gray16 = Image.fromarray((np.arange(300 * 300).reshape(300, 300) % 65535).astype(np.uint16))
    assert imagenet.prepare_imagenet(gray16).x.shape == (1, 3, 224, 224)
    with pytest.raises(ValueError):
        imagenet.prepare_imagenet(b"")
