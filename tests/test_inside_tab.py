"""The "Inside ResNet-18" tab end to end: its public API through gradio_client, and building it without a checkpoint."""

from __future__ import annotations

import os

import pytest
import torch

from explainer.models.resnet import build_resnet, d2l_resnet18_spec
from explainer.training.checkpoint import DEFAULT_WEIGHTS
from explainer.training.fashion_mnist import CLASS_NAMES
from explainer.training.samples import example_paths

pytestmark = pytest.mark.usefixtures("one_thread")


def test_tab_api_through_gradio_client(monkeypatch, tmp_path):
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio as gr
    from gradio_client import Client, handle_file

    from explainer.ui import inside_models, inside_tab

    if not DEFAULT_WEIGHTS.is_file():  # develop against an untrained twin until the checkpoint exists
        torch.manual_seed(0)
        for work in inside_models.WORKS:
            monkeypatch.setitem(inside_models._CACHE, ("fashion", work), build_resnet(d2l_resnet18_spec()).eval())
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
        # Issue 13 items 3-4: the references and the verdict are returned beside the old fields.
        for key in ("intensity_auc", "insertion_auc", "random_insertion_auc", "intensity_insertion_auc"):
            assert 0.0 <= score[key] <= 1.0, key
        from explainer.inside.deletion_metric import FaithfulnessScores, faithfulness_verdict

        assert score["verdict"] == faithfulness_verdict(FaithfulnessScores(
            score["deletion_auc"], score["random_auc"], score["intensity_auc"], score["insertion_auc"],
            score["random_insertion_auc"], score["intensity_insertion_auc"]))
        assert score["better_than_intensity"] == (score["deletion_auc"] < score["intensity_auc"])
        assert score["completeness"] is None  # Grad-CAM has no completeness axiom
        _, ig = client.predict(image, "Integrated Gradients", api_name="/attribute")
        c = ig["completeness"]
        assert c["gap"] == pytest.approx(c["attribution_sum"] - c["logit_difference"], abs=2e-4)
        assert c["relative_gap"] == pytest.approx(abs(c["gap"]) / abs(c["logit_difference"]), abs=1e-3)

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


def test_tab_builds_without_checkpoint(monkeypatch):
    """A missing checkpoint shows a message; building the tab must not raise."""
    import gradio as gr

    from explainer.training.checkpoint import CheckpointError
    from explainer.ui import inside_handlers, inside_models, inside_tab

    def missing(work="quick"):
        raise CheckpointError("Checkpoint x.safetensors is missing. Regenerate it.")

    monkeypatch.setattr(inside_models, "fashion_model", missing)
    with gr.Blocks() as demo:
        inside_tab.build()
    texts = [str(getattr(b, "value", "")) for b in demo.blocks.values() if isinstance(b, gr.Markdown)]
    assert any("not available yet" in t for t in texts)
    assert not any("x.safetensors" in t for t in texts)  # the server's file name stays in its log
    with pytest.raises(gr.Error, match="missing"):
        inside_handlers.api_predict(str(example_paths()[0]))


def _initial_inputs(refresh) -> list:
    """The values a freshly loaded page sends for a Refresh's inputs (the widgets' initial values)."""
    import gradio as gr

    values = []
    for c in refresh.inputs:
        v = c.value
        if isinstance(c, gr.State) or v is None:
            values.append(v)
        elif isinstance(c, gr.Image):
            values.append(c.preprocess(c.data_model(**v)))
        else:
            values.append(c.preprocess(v))
    return values


def test_tab_opens_with_default_results_from_warm_up(monkeypatch):
    """Every section shows the first example's results on page load, answered from what warm_up computed."""
    import gradio as gr

    from explainer.ui import compute_once, inside_tab

    first = example_paths()[:1]
    monkeypatch.setattr(inside_tab, "example_paths", lambda: first)  # warm the lesson steps of one example only
    inside_tab.warm_up()
    with gr.Blocks():
        refreshes = inside_tab.build()
    sections = [r for r in refreshes if r.every_load and r.fn is not inside_tab._translated_notes]
    assert len(sections) == 4
    misses = compute_once.NUMBERS.misses
    for r in sections:
        outputs = r.fn(*_initial_inputs(r))
        assert all(o is not None and not (isinstance(o, str) and o == "") for o in outputs), r.fn.__name__
    assert compute_once.NUMBERS.misses == misses  # all from the cache
    assert inside_tab.default_example() == str(first[0])


def test_new_image_or_model_clears_attributions_and_sanity_check():
    """Stale results (issue 13): a new image, sketch, invert mode or model empties the maps of the old one."""
    import gradio as gr

    from explainer.ui import inside_tab

    with gr.Blocks() as demo:
        inside_tab.build()
    clear = [f for f in demo.fns.values() if f.fn is inside_tab._clear_dependents]
    assert len(clear) == 1
    assert len(clear[0].targets) == 4 and {event for _, event in clear[0].targets} == {"change"}
    kinds = sorted(type(o).__name__ for o in clear[0].outputs)
    assert kinds == ["Markdown", "Markdown", "Plot", "Plot", "Plot", "Plot", "State"]
    assert inside_tab._clear_dependents() == (None, None, "", None, None, None, "")


def test_choice_labels_are_translated_and_never_equal_a_value(monkeypatch):
    """Issue 13 item 13: choices show translated labels, the API values stay English -- and no gr.I18n key may
    equal a value (the browser would translate the value too, ui/boundary.py)."""
    import gradio as gr
    from gradio.i18n import I18nData

    from explainer.inside import imagenet
    from explainer.ui import inside_tab
    from explainer.ui.boundary import I18N

    monkeypatch.setattr(imagenet, "imagenet_status", lambda: (False, "unavailable"))
    with gr.Blocks() as demo:
        refreshes = inside_tab.build()
    choosers = [b for b in demo.blocks.values() if isinstance(b, (gr.Radio, gr.Dropdown, gr.CheckboxGroup))]
    values = {v for b in choosers for _, v in b.choices}
    assert {"predicted", "auto", "shared", "Saliency", "Integrated Gradients"} <= values
    keys = set(I18N.translations["en"])
    assert not values & keys
    methods = next(b for b in choosers if {v for _, v in b.choices} == set(inside_tab.METHODS))
    assert all(isinstance(label, I18nData) for label, _ in methods.choices)
    # Without ImageNet weights there is nothing to choose: the model radio is hidden, no reason or path shown.
    radio = next(b for b in choosers if b.label is not None and getattr(b.label, "key", "") == "Model")
    assert radio.visible is False and radio.choices == [("Fashion-MNIST ResNet-18", "Fashion-MNIST ResNet-18")]
    assert radio.info is None
    # Server-made labels (targets, Grad-CAM layers, the Upload/Draw tabs) in the page's language.
    from explainer.i18n import CHINESE, use_language

    notes = next(r for r in refreshes if r.fn is inside_tab._translated_notes)
    with use_language(CHINESE):
        _limits, upload, draw, target, layers = notes.fn("Fashion-MNIST ResNet-18")
    assert upload.label == "上传" and draw.label == "绘制"
    assert target["choices"][0] == ("预测的类别", "predicted") and ("裤子", "Trouser") in target["choices"]
    assert layers["choices"][0][1] == "layer4.1" and "残差块输出" in layers["choices"][0][0]
