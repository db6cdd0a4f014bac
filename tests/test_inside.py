"""Predictions, feature maps, branch vs shortcut -- and the tab itself through gradio_client."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from explainer.inside import branch_shortcut, features
from explainer.inside.images import prepare_fashion
from explainer.models.resnet import build_resnet, d2l_resnet18_spec
from explainer.training.checkpoint import DEFAULT_WEIGHTS, load_model
from explainer.training.fashion_mnist import CLASS_NAMES
from explainer.training.samples import example_paths
from tests.support.factories import tiny_model

SHIPPED = pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(), reason=f"shipped checkpoint {DEFAULT_WEIGHTS.name} not trained yet")


pytestmark = pytest.mark.usefixtures("one_thread")




@pytest.fixture(scope="module")
def model() -> nn.Module:
    return tiny_model()


@pytest.fixture(scope="module")
def x() -> torch.Tensor:
    return torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(1))


def no_hooks_left(model: nn.Module) -> bool:
    return all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


def test_predict_and_top_classes(model, x):
    probs = features.predict(model, x)
    assert probs.shape == (10,) and torch.all(probs >= 0)
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-5)
    top = features.top_classes(probs)
    assert set(top) == set(CLASS_NAMES) and len(top) == 10
    values = list(top.values())
    assert values == sorted(values, reverse=True)
    assert list(features.top_classes(probs, k=3)) == list(top)[:3]
    with pytest.raises(ValueError):
        features.predict(model, torch.zeros(2, 1, 32, 32))
    with pytest.raises(ValueError, match="channel"):
        features.predict(model, torch.zeros(1, 3, 32, 32))


def test_predict_and_capture_is_one_forward(model, x):
    calls = []
    handle = model.register_forward_hook(lambda *a: calls.append(1))
    probs, maps = features.predict_and_capture(model, x, ["stem", "layer2"])
    handle.remove()
    assert len(calls) == 1
    torch.testing.assert_close(probs, features.predict(model, x))
    assert set(maps) == {"stem", "layer2"}


def test_feature_map_names_d2l():
    names = features.feature_map_names(build_resnet(d2l_resnet18_spec()))
    assert names[:3] == ["stem", "layer1", "layer1.0"]
    for block in ("layer1.0", "layer2.0", "layer4.1"):
        for part in ("branch F(x)", "shortcut", "sum (before ReLU)"):
            assert f"{block}: {part}" in names
    assert len(names) == 1 + 4 + 8 * 4


def test_d2l_stage_shapes_at_96():
    """D2L's printed shapes at 1×96×96: 64×24×24 → 64×24×24 → 128×12×12 → 256×6×6 → 512×3×3."""
    m = build_resnet(d2l_resnet18_spec()).eval()
    maps = features.feature_maps(m, torch.randn(1, 1, 96, 96), ["stem", "layer1", "layer2", "layer3", "layer4"])
    assert [tuple(v.shape) for v in maps.values()] == [(64, 24, 24), (64, 24, 24), (128, 12, 12), (256, 6, 6), (512, 3, 3)]
    assert no_hooks_left(m)


def test_branch_plus_shortcut_is_the_sum(model, x):
    comps = branch_shortcut.compare_blocks(model, x)
    assert [c.name for c in comps] == ["layer1.0", "layer2.0"]
    assert [c.projection for c in comps] == [False, True]
    names = features.feature_map_names(model)
    maps = features.feature_maps(model, x, names)
    for c in comps:
        torch.testing.assert_close(c.branch + c.shortcut, c.sum)
        torch.testing.assert_close(maps[c.name], torch.relu(c.sum))  # block output = ReLU(sum)
        assert c.ratio == pytest.approx(float(c.branch.norm() / c.shortcut.norm()))
    # Identity shortcut: what is added is exactly the block's input (the stem output here).
    torch.testing.assert_close(maps["layer1.0: shortcut"], maps["stem"])
    # Projection shortcut: the 1×1 conv + BN of the block input.
    with torch.no_grad():
        proj = model.layer2[0].downsample(maps["layer1.0"][None])[0]
    torch.testing.assert_close(maps["layer2.0: shortcut"], proj)
    assert no_hooks_left(model)


def test_unknown_layer_and_hooks_removed_on_error(model, x):
    with pytest.raises(ValueError, match="Unknown layer"):
        features.feature_maps(model, x, ["layer9"])
    with pytest.raises(ValueError):
        features.feature_maps(model, torch.zeros(1, 1, 2), ["stem"])
    assert no_hooks_left(model)


def test_grid_and_figures(model, x):
    fmap = features.feature_maps(model, x, ["layer1.0: sum (before ReLU)"])["layer1.0: sum (before ReLU)"]
    top = features.most_active_channels(fmap, 4)
    strengths = fmap.abs().mean(dim=(1, 2))
    assert top == torch.argsort(strengths, descending=True)[:4].tolist()
    for scale in ("shared", "per-map"):
        fig = features.feature_grid_figure(fmap, "sum", k=6, scale=scale)
        assert isinstance(fig, Figure)
        titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
        assert titles[:2] == [f"ch {top[0]}", f"ch {top[1]}"]
        img = features.feature_grid_image(fmap, "sum", k=6, scale=scale)
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    with pytest.raises(ValueError, match="scale"):
        features.feature_grid_image(fmap, "sum", scale="global")
    comps = branch_shortcut.compare_blocks(model, x)
    assert isinstance(branch_shortcut.branch_shortcut_figure(comps), Figure)
    assert isinstance(branch_shortcut.branch_shortcut_figure(comps, channel=999), Figure)  # clamped
    fig = branch_shortcut.norm_ratio_figure(comps)
    assert len(fig.axes[0].patches) == len(comps)
    assert features.figure_to_array(fig).shape[2] == 3


@SHIPPED
def test_shipped_model_classifies_the_examples():
    """The preprocessing of uploads matches training: the bundled example PNGs are recognised."""
    model = load_model()
    correct = 0
    for c, path in enumerate(example_paths()):
        probs = features.predict(model, prepare_fashion(path).x)
        correct += int(probs.argmax()) == c
    assert correct >= 8, f"only {correct}/10 examples classified correctly"
    comps = branch_shortcut.compare_blocks(model, prepare_fashion(example_paths()[0]).x)
    assert len(comps) == 8 and all(np.isfinite(c.ratio) for c in comps)


# --- the tab, end to end through gradio_client ---------------------------------------------------------


def test_tab_api_through_gradio_client(monkeypatch, tmp_path):
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio as gr
    from gradio_client import Client, handle_file

    from explainer.ui import inside_tab

    if not DEFAULT_WEIGHTS.is_file():  # develop against an untrained twin until the checkpoint exists
        torch.manual_seed(0)
        monkeypatch.setitem(inside_tab._CACHE, "fashion", build_resnet(d2l_resnet18_spec()).eval())
    with gr.Blocks() as demo:
        with gr.Tab("Inside ResNet-18"):
            inside_tab.build()
    demo.queue()
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True)
    client = Client(url, verbose=False)
    try:
        api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        assert {"/predict", "/feature_maps", "/attribute"} <= set(api)
        assert len(api["/predict"]["parameters"]) == 1
        assert len(api["/feature_maps"]["parameters"]) == 2
        assert len(api["/attribute"]["parameters"]) == 2
        image = handle_file(str(example_paths()[9]))

        label = client.predict(image, api_name="/predict")
        assert {c["label"] for c in label["confidences"]} == set(CLASS_NAMES)
        assert label["label"] in CLASS_NAMES

        grid_path = client.predict(image, "layer4", api_name="/feature_maps")
        from PIL import Image

        assert Image.open(grid_path).size[0] > 200

        overlay_path, score = client.predict(image, "Grad-CAM", api_name="/attribute")
        assert Image.open(overlay_path).size == (96, 96)
        assert score["method"] == "Grad-CAM" and 0.0 <= score["deletion_auc"] <= 1.0
        assert 0.0 <= score["random_auc"] <= 1.0

        bad = tmp_path / "photo.png"
        bad.write_text("not an image")
        with pytest.raises(Exception, match="not an image"):
            client.predict(handle_file(str(bad)), api_name="/predict")
        from tests.support.factories import png_header_only

        bomb = tmp_path / "bomb.png"
        bomb.write_bytes(png_header_only(30000, 30000))
        with pytest.raises(Exception, match="too large"):
            client.predict(handle_file(str(bomb)), api_name="/predict")
        assert client.predict(image, api_name="/predict")["label"] in CLASS_NAMES  # still works
    finally:
        client.close()
        demo.close()


def test_tab_handlers_directly(monkeypatch):
    """The UI handlers (not exposed as public API) on an example, incl. the sanity check."""
    from explainer.ui import inside_tab

    if not DEFAULT_WEIGHTS.is_file():
        torch.manual_seed(0)
        monkeypatch.setitem(inside_tab._CACHE, "fashion", build_resnet(d2l_resnet18_spec()).eval())
    path = str(example_paths()[0])
    display, info, label, grid = inside_tab.analyse(path, None, "upload", inside_tab.FASHION, "auto", "layer2.0", 8, "shared")
    assert display.shape == (288, 288) and set(label) <= set(CLASS_NAMES) and grid.ndim == 3
    branch, ratio = inside_tab.branch_figures(path, None, "upload", inside_tab.FASHION, "auto", -1)
    assert isinstance(branch, Figure) and isinstance(ratio, Figure)
    noop = lambda *a, **k: None  # noqa: E731 -- stands in for gr.Progress
    maps, deletion, table, state = inside_tab.run_attributions(
        path, None, "upload", inside_tab.FASHION, "auto", ["Saliency", "Grad-CAM"], "Trouser", "layer4.1", 0.5,
        "Saliency", progress=noop)
    assert isinstance(maps, Figure) and "Saliency" in table and state["class_name"] == "Trouser"
    assert isinstance(inside_tab.restyle_overlays(state, 0.2), Figure)
    grid_fig, curve_fig, text = inside_tab.run_sanity(
        path, None, "upload", inside_tab.FASHION, "auto", ["Grad-CAM"], "predicted", "layer4.1", progress=noop)
    assert isinstance(grid_fig, Figure) and "Grad-CAM" in text
    import gradio as gr

    # A cleared input shows nothing (no error toast); an explicit request without an image explains.
    assert inside_tab.analyse(None, None, "upload", inside_tab.FASHION, "auto", "layer1", 8, "shared")[0] is None
    with pytest.raises(gr.Error, match="No image"):
        inside_tab.run_attributions(None, None, "upload", inside_tab.FASHION, "auto", ["Saliency"], "predicted",
                                    "layer4.1", 0.5, "Saliency", progress=noop)
    from explainer.inside.imagenet import imagenet_status

    if not imagenet_status()[0]:
        with pytest.raises(gr.Error, match="unavailable"):
            inside_tab.on_model_change(inside_tab.IMAGENET)


def test_tab_builds_without_checkpoint(monkeypatch):
    """A missing checkpoint shows a message; building the tab must not raise."""
    import gradio as gr

    from explainer.training.checkpoint import CheckpointError
    from explainer.ui import inside_tab

    def missing():
        raise CheckpointError("Checkpoint x.safetensors is missing. Regenerate it.")

    monkeypatch.setattr(inside_tab, "fashion_model", missing)
    with gr.Blocks() as demo:
        inside_tab.build()
    texts = [getattr(b, "value", "") for b in demo.blocks.values() if isinstance(b, gr.Markdown)]
    assert any("not available yet" in str(t) for t in texts)
    with pytest.raises(gr.Error, match="missing"):
        inside_tab.api_predict(str(example_paths()[0]))
