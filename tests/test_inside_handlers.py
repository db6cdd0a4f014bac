"""The handlers of the "Inside ResNet-18" tab called directly, as the widgets call them."""

from __future__ import annotations

import pytest
import torch
from gradio.components.plot import PlotData
from matplotlib.figure import Figure

from explainer.models.resnet import build_resnet, d2l_resnet18_spec
from explainer.training.checkpoint import DEFAULT_WEIGHTS
from explainer.training.fashion_mnist import CLASS_NAMES
from explainer.training.samples import example_paths

pytestmark = pytest.mark.usefixtures("one_thread")


def test_tab_handlers_directly(monkeypatch):
    """The UI handlers (not exposed as public API) on an example, incl. the sanity check."""
    from explainer.ui import inside_handlers, inside_models
    from explainer.ui.inside_models import FASHION, IMAGENET

    if not DEFAULT_WEIGHTS.is_file():
        torch.manual_seed(0)
        for work in inside_models.WORKS:
            monkeypatch.setitem(inside_models._CACHE, ("fashion", work), build_resnet(d2l_resnet18_spec()).eval())
    path = str(example_paths()[0])
    display, info, label, grid = inside_handlers.analyse(path, None, "upload", FASHION, "auto", "layer2.0", 8, "shared")
    assert display.shape == (288, 288) and set(label) <= set(CLASS_NAMES) and grid.ndim == 3
    branch, ratio, reading = inside_handlers.branch_figures(path, None, "upload", FASHION, "auto", -1)
    assert isinstance(branch, PlotData) and isinstance(ratio, PlotData)  # pre-rendered once (compute_once)
    assert reading.startswith("**Reading the ratios.**")
    noop = lambda *a, **k: None  # noqa: E731 -- stands in for gr.Progress
    maps, deletion, table, state = inside_handlers.run_attributions(
        path, None, "upload", FASHION, "auto", ["Saliency", "Grad-CAM"], "Trouser", "layer4.1", 0.5,
        "Saliency", progress=noop)
    assert isinstance(maps, PlotData) and "Saliency" in table and state["class_name"] == "Trouser"
    assert "brightness order" in table and "| method | deletion AUC ↓ | insertion AUC ↑ | verdict |" in table
    assert "completeness" not in table  # no Integrated Gradients asked for
    assert isinstance(inside_handlers.restyle_overlays(state, 0.2), Figure)
    grid_fig, curve_fig, text = inside_handlers.run_sanity(
        path, None, "upload", FASHION, "auto", ["Grad-CAM"], "predicted", "layer4.1", progress=noop)
    assert isinstance(grid_fig, PlotData) and "Grad-CAM" in text
    import gradio as gr

    from explainer.ui import inside_results

    # A target class the model gives < 5 % gets a warning; the predicted class does not (issue 13 item 11).
    b = inside_models.bundle(FASHION, inside_models.HEAVY_WORK)
    probs = inside_results.prediction(b, b.prepare(path, "auto").x)
    warned = "does not see" in table
    assert warned == (float(probs[CLASS_NAMES.index("Trouser")]) < 0.05)
    _, _, table_ig, _ = inside_handlers.run_attributions(
        path, None, "upload", FASHION, "auto", ["Integrated Gradients"], "predicted", "layer4.1", 0.5,
        "Saliency", progress=noop)
    assert "**Integrated Gradients, completeness**" in table_ig and "does not see" not in table_ig

    # A cleared input shows nothing (no error toast); an explicit request without an image explains.
    assert inside_handlers.analyse(None, None, "upload", FASHION, "auto", "layer1", 8, "shared")[0] is None
    with pytest.raises(gr.Error, match="No image"):
        inside_handlers.run_attributions(None, None, "upload", FASHION, "auto", ["Saliency"], "predicted",
                                         "layer4.1", 0.5, "Saliency", progress=noop)
    from explainer.inside.imagenet import imagenet_status

    if not imagenet_status()[0]:
        with pytest.raises(gr.Error, match="unavailable"):
            inside_handlers.on_model_change(IMAGENET)
