"""The Lesson tab: answers computed from numbers (table-driven), the steps served from the tabs' own caches,
and links (explainer/ui/deep_links.py) that only name settings the page has, with values it accepts."""

from __future__ import annotations

import math
from urllib.parse import parse_qsl

import gradio as gr
import pytest

from explainer.i18n import CHINESE, use_language
from explainer.lesson import steps as lesson
from explainer.ui import compute_once, deep_links, lesson_tab

pytestmark = pytest.mark.usefixtures("one_thread")

# --- answers: functions of the numbers --------------------------------------------------------------


@pytest.mark.parametrize(("residual_keeps", "plain_keeps", "expected"), [
    (True, False, lesson.RESIDUAL), (True, True, lesson.BOTH), (False, True, lesson.PLAIN), (False, False, lesson.NEITHER),
])
def test_function_class_answer(residual_keeps: bool, plain_keeps: bool, expected: str) -> None:
    assert lesson.answer_function_classes(residual_keeps, plain_keeps) == expected


@pytest.mark.parametrize(("plain", "residual", "expected"), [
    (1e-9, 0.3, lesson.RESIDUAL), (0.3, 1e-9, lesson.PLAIN), (0.2, 0.2, lesson.EQUAL),
    (math.nan, 0.1, lesson.RESIDUAL), (math.inf, 5.0, lesson.PLAIN), (0.0, 0.0, lesson.EQUAL),
])
def test_first_gradient_answer(plain: float, residual: float, expected: str) -> None:
    assert lesson.answer_first_gradient(plain, residual) == expected


@pytest.mark.parametrize(("plain", "residual", "expected"), [(1, 9, lesson.RESIDUAL), (4, 2, lesson.PLAIN), (3, 3, lesson.EQUAL)])
def test_correlation_answer(plain: int, residual: int, expected: str) -> None:
    assert lesson.answer_longer_correlation(plain, residual) == expected


ROWS = [["downsample.0", "Conv2d 1×1", "128×28×28", "8,192", 1, "1×1", "2"],
        ["downsample.1", "BatchNorm2d", "128×28×28", 256, 0, "1×1", "2"],
        ["conv1", "Conv2d 3×3", "128×28×28", 73728, 1, "3×3", "2"],
        ["relu2", "ReLU", "128×28×27", 0, 0, "7×7", "2"]]


def test_table_answers() -> None:
    assert lesson.answer_output_shape(ROWS) == "128×28×27"  # the last row, whatever it says
    assert lesson.answer_projection_params(ROWS) == "8,448"
    assert lesson.answer_projection_params(ROWS[2:]) == "0"
    stages = [["stem (b1)", "", "64×56×56"], ["layer2 (b3)", "", "128×28×28"], ["layer3 (b4)", "", "256×14×14"]]
    assert lesson.answer_stage_shape(stages, "b3") == "128×28×28"
    assert lesson.answer_stage_shape(stages, "b4") == "256×14×14"
    with pytest.raises(ValueError):
        lesson.answer_stage_shape(stages, "b5")
    with pytest.raises(ValueError):
        lesson.answer_output_shape([])


def test_error_and_class_answers() -> None:
    assert lesson.answer_higher_error({"Plain-20": 0.05, "Plain-56": 0.09}, ("Plain-20", "Plain-56")) == "Plain-56"
    assert lesson.answer_higher_error({"Plain-20": 0.09, "Plain-56": 0.05}, ("Plain-20", "Plain-56")) == "Plain-20"
    assert lesson.answer_top_class({"Bag": 0.2, "Coat": 0.7, "Shirt": 0.1}) == "Coat"


@pytest.mark.parametrize(("guess", "answer", "start"), [
    ("residual", "residual", "✅"), ("plain", "residual", "❌"), (None, "residual", "**Answer"), ("", "8,448", "**Answer"),
])
def test_verdict(guess: str | None, answer: str, start: str) -> None:
    text = lesson.verdict(guess, answer, "why")
    assert text.startswith(start) and lesson.choice_label(answer) in text and text.endswith("why")


def test_every_step_is_complete() -> None:
    assert len(lesson.STEPS) == 8 and len(set(lesson.STEP_KEYS)) == 8
    for s in lesson.STEPS:
        assert 2 <= len(s.choices) and len(set(s.choices)) == len(s.choices)
        assert 2 <= s.text.count(". ") + 1 <= 4  # two or three sentences
    with pytest.raises(ValueError, match="Unknown lesson step"):
        lesson.step("../../etc/passwd")


# --- the steps, served from the tabs' caches --------------------------------------------------------


@pytest.mark.parametrize("key", ["residual_block", "projection", "resnet18"])
def test_a_step_is_answered_from_the_tabs_cache_and_its_answer_is_a_choice(key: str) -> None:
    plot, _image, text, rows = lesson_tab.lesson_view(key)
    assert text and (plot["visible"] or rows["visible"])
    from explainer.shapes.network_report import trace_preset

    def hits() -> int:  # the blocks' views are in compute_once.VIEWS, the network traces in trace_preset's cache
        return compute_once.VIEWS.hits + trace_preset.cache_info().hits

    before = hits()
    lesson_tab.lesson_view(key)  # the same view again: from memory
    assert hits() > before
    answer, _why = lesson_tab._answer(key)
    choices = lesson.step(key).choices
    assert answer in choices
    letter = lesson_tab.GUESS_KEYS[choices.index(answer)]
    other = next(k for k in lesson_tab.GUESS_KEYS[:len(choices)] if k != letter)
    assert lesson_tab.lesson_reveal(key, letter).startswith("✅")
    assert lesson_tab.lesson_reveal(key, other).startswith("❌")
    assert lesson_tab.lesson_reveal(key, None).startswith("**") and lesson_tab.lesson_reveal(key, "Z").startswith("**")


def test_the_tabs_answers_are_the_ones_d2l_prints() -> None:
    # Oracles: D2L's printed shapes (GUIDE §2) and 64·128 + 2·128 parameters of conv1x1 + BN.
    assert lesson_tab._answer("residual_block")[0] == "64×56×56"
    assert lesson_tab._answer("projection")[0] == f"{64 * 128 + 2 * 128:,}"
    assert lesson_tab._answer("resnet18")[0] == "128×28×28"


def test_a_step_in_chinese_and_a_bad_step_name() -> None:
    with use_language(CHINESE):
        text, question, guess, answer = lesson_tab.lesson_step("gradients")
    assert "第一个卷积层" in question
    assert "梯度" in text and "?tab=degradation" in text and answer == ""
    assert guess["choices"] == [("普通网络", "A"), ("残差网络", "B")]
    with pytest.raises(gr.Error, match="Unknown lesson step"):
        lesson_tab.lesson_view({"not": "a step"})


# --- links --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def linked() -> list[deep_links.Linked]:
    from explainer.ui.page import build_demo

    return build_demo().linked_controls


def _query(link: str) -> dict[str, str]:
    return dict(parse_qsl(link, keep_blank_values=True))


def test_every_lesson_link_names_settings_the_page_has(linked: list[deep_links.Linked]) -> None:
    from explainer.ui.page import TABS

    tab_ids = {deep_links.tab_key(m): m for _, m in TABS}
    links = [s.link for s in lesson.STEPS] + [link for _, link in lesson.EXERCISES]
    for link in links:
        tab, values, ignored = deep_links.apply_query(_query(link), linked, tab_ids)
        assert tab is not None and ignored == [], (link, ignored)
        assert sum(v is not None for v in values) == len(_query(link)) - 1


@pytest.mark.parametrize(("query", "applied", "ignored"), [
    ({"tab": "degradation", "degradation.depth_6n_2_layers": "110"}, {"degradation.depth_6n_2_layers": 110}, []),
    ({"degradation.depth_6n_2_layers": "9999"}, {}, ["degradation.depth_6n_2_layers (out of range)"]),
    ({"degradation.depth_6n_2_layers": "nan"}, {}, ["degradation.depth_6n_2_layers (out of range)"]),
    ({"degradation.batch_norm": "1"}, {"degradation.batch_norm": True}, []),
    ({"degradation.batch_norm": "maybe"}, {}, ["degradation.batch_norm (not a yes/no value)"]),
    ({"blocks.block_stride": "1"}, {"blocks.block_stride": 1}, []),
    ({"blocks.block_stride": "3"}, {}, ["blocks.block_stride (not one of the choices)"]),
    ({"blocks.network": "/etc/passwd"}, {}, ["blocks.network (not one of the choices)"]),
    ({"lesson.step": "shattered", "present": "1"}, {"lesson.step": "shattered"}, []),
    ({"tab": "../app.py"}, {}, ["tab (no such tab)"]),
    ({"inside.image": "/etc/passwd"}, {}, ["inside.image (unknown setting)"]),
    ({"blocks.height": "1" * 200}, {}, ["blocks.height (too long)"]),
])
def test_links_apply_what_fits_and_list_the_rest(linked: list[deep_links.Linked], query: dict[str, str],
                                                  applied: dict[str, object], ignored: list[str]) -> None:
    _tab, values, notes = deep_links.apply_query(query, linked, {"degradation": "degradation_tab"})
    got = {item.key: v for item, v in zip(linked, values) if v is not None}
    assert got == applied and notes == ignored


def test_no_image_or_text_control_can_be_linked(linked: list[deep_links.Linked]) -> None:
    kinds = {type(item.component).__mro__[1] if type(item.component).__name__.startswith("Checked")
             else type(item.component) for item in linked}
    assert kinds <= set(deep_links.LINKABLE)
    assert len({item.key for item in linked}) == len(linked)
    assert {"lesson.step", "blocks.block_stride", "degradation.depth_2"} <= {item.key for item in linked}
