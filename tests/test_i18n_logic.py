"""Server-made text of the "shapes" and "degradation" areas in English and in Chinese.

The catalogue test (test_i18n.py) only checks that entries exist; these check that the logic
modules really produce them at request time, keep the measured numbers, use the D2L vocabulary,
and that cached results do not carry one request's language into the next.
"""

from __future__ import annotations

import re

import pytest

from explainer.i18n import CHINESE, ENGLISH, use_language

HAN = re.compile(r"[\u4e00-\u9fff]")


def numbers(text: str) -> list[str]:
    """The numbers of a text, in order (thousands separators kept: both languages use them)."""
    return [n.rstrip(",.") for n in re.findall(r"\d[\d,.]*(?:e[+-]\d+)?", text)]


def test_block_explanation_in_chinese_uses_d2l_terms_and_the_same_numbers() -> None:
    from explainer.shapes.block_report import explore_block

    args = ("bottleneck", "projection", 64, 256, 2, True, 56, 56)
    english = explore_block(*args).explanation
    with use_language(CHINESE):
        chinese = explore_block(*args).explanation
    assert not HAN.search(english)
    for term in ("瓶颈块", "步幅", "投影快捷连接", "1×1 卷积层", "参数量", "乘加运算量", "感受野"):
        assert term in chinese, term
    # Every number the English explanation gives (shapes, channels, parameters, MACs) is in the Chinese one.
    assert len(numbers(english)) > 10 and set(numbers(english)) <= set(numbers(chinese))
    assert "64×56×56 → 256×28×28" in chinese


# The shortcut mismatch in Chinese: tests/test_block_report.py (the shapes layer renders the model's error).


def test_depth_error_in_chinese_names_the_nearest_depths() -> None:
    from explainer.degradation.nets import check_depth

    with use_language(CHINESE), pytest.raises(ValueError) as err:
        check_depth(21)
    assert "6n+2" in str(err.value) and "20 或 26" in str(err.value)
    assert HAN.search(str(err.value))


def test_cached_trace_does_not_keep_the_language_of_the_first_request() -> None:
    from explainer.shapes.network_report import network_summary, trace_preset

    trace_preset.cache_clear()
    with use_language(CHINESE):
        trace = trace_preset("ResNet-18", 3, 16, 16, 10)
        chinese = network_summary("ResNet-18", trace)
        rows = trace.table()
    assert "特征图已经是 1×1" in chinese and "参数量 11,181,642" in chinese
    assert rows[0][1] == "Conv2d 7×7, 步幅 2, 3→64 通道"
    # Same cached object, now for an English request: nothing Chinese left.
    again = trace_preset("ResNet-18", 3, 16, 16, 10)
    assert again is trace
    english = network_summary("ResNet-18", again)
    assert "already 1×1" in english and not HAN.search(english)
    assert again.table()[0][1] == "Conv2d 7×7, stride 2, 3→64 ch"
    with use_language(CHINESE):
        csv_text = again.to_csv()
    assert not HAN.search(csv_text)  # the CSV export is data: English like its header


def test_lesion_table_and_summary_translate_the_cached_english_kinds() -> None:
    from explainer.degradation.lesion import LesionResult, LesionRow, explain_lesion

    res = LesionResult(
        rows=[LesionRow("ResNet-20", "layer1.0", "identity shortcut", 0.85, 0.891),
              LesionRow("ResNet-20", "layer2.0", "downsampling: 1×1 projection kept", 0.5, 0.891),
              LesionRow("Plain-20", "layer2.0", "skipped: shape changes (no shortcut to keep)", None, 0.88)],
        baselines={"ResNet-20": 0.891, "Plain-20": 0.88}, images=2000,
    )
    with use_language(CHINESE):
        table = res.table()
        text = explain_lesion(res)
    assert [row[2] for row in table] == ["恒等快捷连接", "下采样块：保留 1×1 投影", "跳过：形状会改变（没有可保留的快捷连接）"]
    assert res.rows[0].kind == "identity shortcut"  # the data keeps English
    assert "完整网络 89.1%" in text and "layer2.0，剩 50.0%" in text and "没有可以删除的块" in text  # from the numbers, in Chinese
    assert res.table()[0][2] == "identity shortcut"


def test_degradation_plots_have_chinese_titles_and_labels() -> None:
    from explainer.degradation.curves import plot_training_curves
    from explainer.degradation.live_run import LiveState, plot_live

    state = LiveState(depth=20, step=3, total_steps=10, plain_loss=[2.3, 2.2, 2.1], plain_error=[0.9, 0.8, 0.7],
                      residual_loss=[2.3, 2.0, 1.8], residual_error=[0.9, 0.7, 0.6], seconds=4.0)
    runs = [{"name": f"{'ResNet' if r else 'Plain'}-{d}", "residual": r, "depth": d, "x": [1, 2],
             "train_error": [0.5, 0.4], "test_error": [0.6, None]} for r in (False, True) for d in (20, 56)]
    with use_language(CHINESE):
        live = plot_live(state)
        curves = plot_training_curves(runs, x_axis="epoch")
    assert live._suptitle.get_text() == "实时：第 3/10 步，4 秒"
    assert live.axes[0].get_ylabel() == "训练损失（最近 10 步的平均）"
    assert [ax.get_title() for ax in curves.axes] == ["普通网络", "残差网络"]
    assert curves.axes[0].get_xlabel() == "轮次" and curves.axes[0].get_ylabel() == "误差（%）"
    legend = [t.get_text() for t in curves.axes[0].get_legend().get_texts()]
    assert legend == ["Plain-20 训练误差", "Plain-20 测试误差", "Plain-56 训练误差", "Plain-56 测试误差"]
    with use_language(ENGLISH):
        assert plot_live(state)._suptitle.get_text() == "Live: step 3/10, 4 s"
