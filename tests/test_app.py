"""The real app through gradio_client: both shape endpoints, errors as messages, the app keeps serving."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

import app


def test_module_level_demo_has_three_tabs() -> None:
    assert app.demo is not None
    # Tab labels are gr.I18n keys (the English text), translated in the browser.
    labels = [getattr(getattr(b, "label", None), "key", None) for b in app.demo.blocks.values()]
    for tab in ("Blocks & shapes", "Degradation", "Inside ResNet-18"):
        assert tab in labels


def test_block_shapes_endpoint(app_client) -> None:  # noqa: ANN001
    table, diagram, explanation, code = app_client.predict("bottleneck", "projection", 256, 512, 2, True, 56, 56,
                                                           api_name="/block_shapes")
    rows = table["data"]
    assert table["headers"][:5] == ["layer", "operation", "output shape", "params", "MACs"]
    assert rows[-1][2] == "512×28×28"
    assert any(r[0] == "add" for r in rows)
    assert "expansion 4" in explanation and "class Bottleneck" in code
    assert diagram is not None


def test_invalid_block_is_explained_not_crashed(app_client) -> None:  # noqa: ANN001
    table, _, explanation, _ = app_client.predict("basic", "identity", 64, 128, 2, True, 56, 56, api_name="/block_shapes")
    assert "64×56×56" in explanation and "128×28×28" in explanation and "projection" in explanation
    assert any("shapes differ" in str(r[1]) for r in table["data"])


def test_network_shapes_endpoint_reproduces_d2l(app_client) -> None:  # noqa: ANN001
    layers, summary, stages, csv_path = app_client.predict("D2L ResNet-18", 1, 96, 96, 10, api_name="/network_shapes")
    assert [r[2] for r in stages["data"]] == ["64×24×24", "64×24×24", "128×12×12", "256×6×6", "512×3×3",
                                             "512×1×1", "512", "10"]
    assert "11,175,370 parameters" in summary
    assert len(layers["data"]) > len(stages["data"])
    with open(csv_path, encoding="utf-8") as fh:
        assert fh.readline().startswith("layer,operation,output shape")


@pytest.mark.parametrize("args, words", [
    (("AlexNet", 1, 28, 28, 10), "at least 65×65"),
    (("ResNet-18", 3, 224, 224, 0), "Number of classes must be between 1 and"),
    (("ResNet-18", 3, 5000, 224, 10), "Height must be between 1 and"),
    (("ResNet-18", 3.5, 224, 224, 10), "whole number"),
])
def test_bad_network_requests_get_a_sentence_and_the_app_keeps_serving(app_client, args: tuple, words: str) -> None:  # noqa: ANN001
    with pytest.raises(AppError, match=words):
        app_client.predict(*args, api_name="/network_shapes")
    _, summary, _, _ = app_client.predict("ResNet-20", 3, 32, 32, 10, api_name="/network_shapes")
    assert "ResNet-20" in summary
