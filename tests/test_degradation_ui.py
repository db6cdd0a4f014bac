"""The Degradation tab: it builds, its public endpoints exist and answer through gradio_client."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from gradio_client import Client  # noqa: E402

from explainer.degradation import live_run  # noqa: E402
from explainer.i18n import CHINESE, use_language  # noqa: E402
from explainer.locales import zh_CN  # noqa: E402
from explainer.training.artifacts import PLAIN20_WEIGHTS  # noqa: E402
from explainer.training.checkpoint import DEFAULT_WEIGHTS  # noqa: E402
from explainer.ui import degradation_tab  # noqa: E402


def _demo() -> gr.Blocks:
    with gr.Blocks() as demo:
        with gr.Tab("Degradation"):
            degradation_tab.build()
    return demo


def test_handlers_turn_bad_input_into_gr_error() -> None:
    with pytest.raises(gr.Error, match="6n\\+2"):
        degradation_tab.grad_norms_handler(57, True, "Kaiming")
    with pytest.raises(gr.Error, match="between 8 and"):
        degradation_tab.grad_norms_handler(500, True, "Kaiming")
    with pytest.raises(gr.Error, match="initialization"):
        degradation_tab.grad_norms_handler(8, True, "LeCun")
    with pytest.raises(gr.Error, match="Steps"):
        list(degradation_tab.live_handler(8, 10_000))


def test_public_endpoints_answer_through_gradio_client() -> None:
    demo = _demo()
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        client = Client(demo.local_url, verbose=False)
        api = client.view_api(return_format="dict", print_info=False)
        named = set(api["named_endpoints"])
        assert {"/grad_norms", "/shattered", "/lesion", "/highway"} <= named
        params = [p["parameter_name"] for p in api["named_endpoints"]["/grad_norms"]["parameters"]]
        assert params == ["depth", "batch_norm", "init"]  # zero-init travels in a State, not in the API
        assert api["named_endpoints"]["/shattered"]["parameters"][0]["parameter_name"] == "depth"
        assert api["named_endpoints"]["/lesion"]["parameters"] == []

        plot, table = client.predict(8, True, "Kaiming", api_name="/grad_norms")
        assert plot is not None
        assert table["headers"] == ["layer", "plain", "residual"]
        assert len(table["data"]) == 8 and table["data"][0][0] == "1 conv1"

        _, text = client.predict(8, api_name="/shattered")
        assert "Autocorrelation at lag 1" in text

        if DEFAULT_WEIGHTS.is_file() and PLAIN20_WEIGHTS.is_file():
            _, lesion_table, _ = client.predict(api_name="/lesion")
            assert lesion_table["headers"][0] == "model"
        else:
            with pytest.raises(Exception, match="missing"):
                client.predict(api_name="/lesion")
        client.close()
    finally:
        demo.close()


def test_live_run_ends_and_stops_with_a_conclusion(monkeypatch: pytest.MonkeyPatch) -> None:
    images = torch.randint(0, 256, (128, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    labels = torch.randint(0, 10, (128,), generator=torch.Generator().manual_seed(1))
    monkeypatch.setattr(live_run, "live_data", lambda: (images, labels, "the test images"))
    outputs = list(degradation_tab.live_handler(8, 20))
    assert [o[2].step for o in outputs] == [1, 10, 20]
    assert "**Finished:** 20 steps" in outputs[-1][1] and "**Finished:**" not in outputs[1][1]
    assert "**Stopped** at step 10 of 20" in degradation_tab.live_stopped(outputs[1][2])
    assert "**Finished:**" in degradation_tab.live_stopped(outputs[-1][2])  # Stop after the end: the end's verdict
    assert degradation_tab.live_stopped(None) == "Stopped before the first measurement."


def test_pages_name_no_server_paths_and_quote_recorded_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reproduce = degradation_tab._reproduce()
    assert "python -m explainer.training.fig6_experiment" in reproduce and "about" not in reproduce
    monkeypatch.setattr(degradation_tab, "RESULTS_PATH", tmp_path / "missing.json")
    fig, text, rows = degradation_tab._shipped_curves()
    assert fig is None and rows == [] and str(tmp_path) not in text and "Reproduce" in text


def test_lesion_table_headers_are_translated_before_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(degradation_tab, "has_numbers", lambda fn: False)
    with use_language(CHINESE):
        _, table, text = degradation_tab.lesion_if_ready()
    assert table["headers"] == [zh_CN.MESSAGES[h] for h in degradation_tab.LESION_HEADERS] and table["data"] == []
    assert "half a minute" not in text
