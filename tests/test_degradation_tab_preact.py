"""The Degradation tab's pre-activation option (issue 14 item 4): handlers, tables, both languages, and
public endpoints that keep their parameters (the option travels in a gr.State)."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pytest  # noqa: E402

from explainer.i18n import CHINESE, use_language  # noqa: E402
from explainer.locales import zh_CN  # noqa: E402
from explainer.ui import degradation_tab  # noqa: E402


def test_grad_norms_with_preact_adds_a_column_and_a_reading() -> None:
    plot, rows, res = degradation_tab.grad_norms_handler(8, True, "Kaiming", False, True)
    assert plot is not None and res.preact is not None and res.preact.name == "PreAct ResNet-8"
    assert rows["headers"] == ["layer", "plain", "residual", "pre-activation"]
    assert len(rows["data"]) == 8 and all(len(r) == 4 for r in rows["data"])
    text, blocks = degradation_tab.grad_norms_details(res)
    assert "**Pre-activation:**" in text and blocks["headers"][-1] == "pre-activation ‖∂L/∂h‖"
    # Without the option: the two nets of the public endpoint, as before.
    _, rows2, res2 = degradation_tab.grad_norms_handler(8, True, "Kaiming")
    assert res2.preact is None and rows2["headers"] == ["layer", "plain", "residual"]
    assert [r[:3] for r in rows["data"]] == rows2["data"]  # the pair's numbers do not move


def test_shattered_with_preact_reads_the_third_trace() -> None:
    _, text = degradation_tab.shattered_handler(8, True)
    assert "**Pre-activation:** PreAct ResNet-8" in text
    _, plain_text = degradation_tab.shattered_handler(8)
    assert "Pre-activation" not in plain_text


def test_preact_option_in_chinese() -> None:
    with use_language(CHINESE):
        _, rows, res = degradation_tab.grad_norms_handler(8, True, "Kaiming", False, True)
        text, _ = degradation_tab.grad_norms_details(res)
        _, sweep = degradation_tab.shattered_handler(8, True)
    assert rows["headers"][-1] == zh_CN.MESSAGES["pre-activation"]
    assert "**预激活**" in text and "**预激活**" in sweep and "PreAct ResNet-8" in sweep


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_preact_flag_must_be_a_boolean(value: object) -> None:
    with pytest.raises(gr.Error, match="pre-activation"):
        degradation_tab.grad_norms_handler(8, True, "Kaiming", False, value)
    with pytest.raises(gr.Error, match="pre-activation"):
        degradation_tab.shattered_handler(8, value)


def test_public_endpoints_keep_their_parameters() -> None:
    with gr.Blocks() as demo:
        with gr.Tab("Degradation"):
            degradation_tab.build()
    api = demo.get_api_info()["named_endpoints"]
    assert [p["parameter_name"] for p in api["/grad_norms"]["parameters"]] == ["depth", "batch_norm", "init"]
    assert [p["parameter_name"] for p in api["/shattered"]["parameters"]] == ["depth"]
