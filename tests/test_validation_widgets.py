"""explainer.ui.widgets' choice widgets and examples: Gradio's behaviour for every valid value, a sentence naming
the field (at most ~40 characters of the value echoed, in the user's language) for everything else.

Called directly here (``preprocess`` / ``load``); over HTTP, in both languages, in tests/test_bad_input.py.
"""

from __future__ import annotations

import time
from typing import Any

import gradio as gr
import pytest

from explainer.i18n import CHINESE, use_language
from explainer.training.samples import example_paths
from explainer.ui.boundary import T
from explainer.ui.validation import ECHO_CHARS, echo
from explainer.ui.widgets import CheckedCheckboxGroup, CheckedDropdown, CheckedExamples, CheckedRadio

METHODS = ["Saliency", "Integrated Gradients", "Grad-CAM"]
HUGE = "x" * 2**20


def _radio(**kw: Any) -> CheckedRadio:
    return CheckedRadio([("one", 1), ("two", 2)], value=2, label=T("Stride"), **kw)


def _group(**kw: Any) -> CheckedCheckboxGroup:
    return CheckedCheckboxGroup(METHODS, value=["Saliency"], label=T("Methods"), **kw)


def _dropdown(**kw: Any) -> CheckedDropdown:
    return CheckedDropdown([(T("Shortcut"), "identity"), ("projection", "projection")], value="identity",
                           label=T("Shortcut"), **kw)


def _refusal(widget: Any, payload: Any) -> str:
    with pytest.raises(gr.Error) as info:
        widget.preprocess(payload)
    return info.value.message


# (widget, payload, what preprocess returns) -- Gradio's own answers for valid values
VALID = [
    (_radio, 1, 1), (_radio, 2.0, 2), (_radio, None, None), (lambda: _radio(type="index"), 2, 1),
    (_dropdown, "projection", "projection"), (lambda: _dropdown(type="index"), "projection", 1),
    (lambda: _dropdown(multiselect=True), ["projection", "projection"], ["projection"]),
    (lambda: _dropdown(multiselect=True), ["projection", "identity"], ["projection", "identity"]),
    (lambda: _dropdown(allow_custom_value=True), "mine", "mine"),
    (lambda: _dropdown(allow_custom_value=True), 2.5, 2.5),
    (lambda: _dropdown(allow_custom_value=True, type="index"), "mine", None),
    (_group, ["Grad-CAM", "Saliency"], ["Grad-CAM", "Saliency"]), (_group, ["Saliency", "Saliency"], ["Saliency"]),
    (_group, [], []), (_group, None, []), (lambda: _group(type="index"), ["Grad-CAM", "Saliency"], [2, 0]),
]


@pytest.mark.parametrize(("make", "payload", "expected"), VALID, ids=[f"{i}-{v[1]!r}" for i, v in enumerate(VALID)])
def test_valid_values_get_gradios_answer(make: Any, payload: Any, expected: Any) -> None:
    got = make().preprocess(payload)
    assert got == expected and type(got) is type(expected)


# (widget, payload, the start of the refusal)
REFUSED = [
    (_radio, True, "Stride must be one of 1, 2, got True."),  # Python's True == 1: not a JSON choice
    (_radio, "1", "Stride must be one of 1, 2, got '1'."),
    (_radio, 3, "Stride must be one of 1, 2, got 3."),
    (_radio, float("nan"), "Stride must be one of 1, 2, got nan."),
    (_radio, 10**400, "Stride must be one of 1, 2, got 1000000000"),
    (_radio, ["basic"], "Stride must be one of 1, 2, got ['basic']."),
    (_radio, {"name": 1}, "Stride must be one of 1, 2, got {'name': 1}."),
    (_radio, HUGE, "Stride must be one of 1, 2, got 'xxxx"),
    (_dropdown, "none", "Shortcut must be one of identity, projection, got 'none'."),
    (_dropdown, ["identity"], "Shortcut must be one of identity, projection, got ['identity']."),
    (lambda: _dropdown(multiselect=True), "identity", "Shortcut must be a list of names, got 'identity'."),
    (lambda: _dropdown(multiselect=True, max_choices=1), ["identity", "projection"], "Shortcut: at most 1 names, got 2."),
    (lambda: _dropdown(allow_custom_value=True), ["mine"], "Shortcut must be a name or a number, got ['mine']."),
    (lambda: _dropdown(allow_custom_value=True), HUGE, "Shortcut must be a name or a number, got 'xxx"),
    (lambda: _dropdown(allow_custom_value=True), 10**400, "Shortcut must be a name or a number, got 1000"),
    (lambda: _dropdown(allow_custom_value=True), float("inf"), "Shortcut must be a name or a number, got inf."),
    (_group, "Saliency", "Methods must be a list of names, got 'Saliency'."),  # Gradio reads it letter by letter
    (_group, {"Saliency": 1}, "Methods must be a list of names, got {'Saliency': 1}."),
    (_group, ["Saliency", "nope"], "Methods must be one of Saliency, Integrated Gradients, Grad-CAM, got 'nope'."),
    (_group, [None, 1], "Methods must be one of Saliency, Integrated Gradients, Grad-CAM, got None."),
    (_group, [HUGE], "Methods must be one of Saliency, Integrated Gradients, Grad-CAM, got 'xxx"),
    (_group, ["Saliency"] * 4, "Methods: at most 3 names, got 4."),
    (_group, ["Saliency"] * 10**6, "Methods: at most 3 names, got 1000000."),
]


@pytest.mark.parametrize(("make", "payload", "start"), REFUSED, ids=[f"{i}-{v[2][:30]}" for i, v in enumerate(REFUSED)])
def test_other_values_are_refused_with_a_short_sentence_naming_the_field(make: Any, payload: Any, start: str) -> None:
    t0 = time.perf_counter()
    message = _refusal(make(), payload)
    assert time.perf_counter() - t0 < 0.5
    assert message.startswith(start), message
    assert len(message) <= len(start.split(" got ")[0]) + len(" got ") + ECHO_CHARS + 2, message


def test_refusals_answer_in_the_current_language() -> None:
    with use_language(CHINESE):
        assert _refusal(_group(), "Saliency") == "方法必须是名称列表，收到的是 'Saliency'。"
        assert _refusal(_radio(), 3) == "步幅必须是 1, 2 之一，收到的是 3。"


def test_a_long_choice_list_is_cut_in_the_refusal() -> None:
    names = [f"layer{i}" for i in range(40)]
    message = _refusal(CheckedDropdown(names, value=names[0], label="layer"), "nope")
    assert "layer11, …" in message and "layer12" not in message


def test_choices_updated_for_a_session_are_the_ones_checked() -> None:
    """Gradio preprocesses with the session's copy of the component; ``gr.update(choices=...)`` changes it."""
    widget = _dropdown()
    widget.choices = [("other", "other")]
    assert widget.preprocess("other") == "other"
    assert "got 'identity'" in _refusal(widget, "identity")


def test_echo_never_builds_a_megabyte() -> None:
    values = [HUGE, [HUGE] * 1000, list(range(10**6)), {i: HUGE for i in range(1000)}]
    t0 = time.perf_counter()
    texts = [echo(v) for v in values]
    assert time.perf_counter() - t0 < 0.1  # repr() of the last three takes seconds (1.5 s, 90 s, 90 s here)
    assert all(len(t) <= ECHO_CHARS + 1 for t in texts), texts


# --- examples ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples() -> CheckedExamples:
    paths = [[str(p)] for p in example_paths()[:3]]
    if not paths:
        pytest.skip("no shipped examples")
    with gr.Blocks():
        image = gr.Image(type="filepath")
        return CheckedExamples(examples=paths, inputs=[image], label=T("Examples from the Fashion-MNIST test split"))


def test_an_example_loads_by_its_index(examples: CheckedExamples) -> None:
    for i in range(len(examples.samples)):
        update = examples.load(i)
        assert update["value"] == examples.processed[i][0]
        assert update["value"]["orig_name"] == examples.samples[i][0].rsplit("/", 1)[1]


@pytest.mark.parametrize("index", [-1, 3, 10**6, 10**400, "abc", "1", None, True, 1.5, [0], {"path": "/etc/passwd"}])
def test_only_the_indices_shown_are_loaded(examples: CheckedExamples, index: object) -> None:
    """-1 is not Python's last example; everything else gets a sentence instead of Python's text."""
    with pytest.raises(ValueError, match="^Example number must be"):
        examples.load(index)
    with use_language(CHINESE), pytest.raises(ValueError, match="^示例编号必须"):
        examples.load(index)


def test_the_loader_keeps_gradios_endpoint() -> None:
    paths = [[str(p)] for p in example_paths()[:2]]
    with gr.Blocks() as demo:
        CheckedExamples(examples=paths, inputs=[gr.Image(type="filepath")])
    (fn,) = [f for f in demo.fns.values() if f.api_name == "load_example"]
    assert fn.api_visibility == "undocumented" and not fn.queue and not fn.postprocess
