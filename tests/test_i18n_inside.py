"""The "Inside ResNet-18" logic speaks the request's language: errors, notes, verdicts, figure text.

English stays the default (the other test files assert English sentences); here the same code runs
inside ``use_language("zh-CN")`` and must produce the Chinese catalogue's sentences with the same
numbers, while ids (class names, method names, step names) stay English.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from explainer.i18n import CHINESE, has_cjk_font, tr, use_language
from explainer.inside import (
    attribution_methods,
    attribution_overlays,
    branch_shortcut,
    deletion_metric,
    features,
    imagenet,
    images,
    sanity_check,
)
from explainer.locales.zh_CN import MESSAGES
from explainer.training.fashion_mnist import CLASS_NAMES, class_label
from tests.support.factories import tiny_model

pytestmark = pytest.mark.usefixtures("one_thread")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _error(fn, *args, **kwargs) -> ValueError:
    with pytest.raises(ValueError) as info:
        fn(*args, **kwargs)
    return info.value


def test_bad_upload_errors_follow_the_language() -> None:
    english = _error(images.load_image, b"definitely not an image")
    with use_language(CHINESE):
        chinese = _error(images.load_image, b"definitely not an image")
    assert "not an image" in str(english)
    assert str(chinese) == MESSAGES[str(english)]
    assert "PNG、JPEG" in str(chinese)


def test_too_big_upload_in_chinese_keeps_the_numbers() -> None:
    with use_language(CHINESE):
        err = _error(images.load_image, bytes(11 * 2**20))
    assert "11.5 MB" in str(err) and "10 MB" in str(err) and HAN.search(str(err))


def test_blank_sketch_is_recognisable_without_its_sentence() -> None:
    blank = {"composite": np.full((40, 40, 4), 255, np.uint8)}
    with use_language(CHINESE):
        with pytest.raises(images.EmptySketch, match="画板是空的"):
            images.load_image(blank)


def test_preprocessing_notes_and_limits_in_chinese() -> None:
    light = np.full((40, 40), 230, np.uint8)
    light[10:30, 15:25] = 20
    with use_language(CHINESE):
        notes = images.prepare_fashion(light).notes
        limits = images.limits_text()
    assert notes and notes[0].startswith("已自动反色")
    assert "10 MB" in limits and "40 百万像素" in limits
    assert images.limits_text().startswith("PNG, JPEG")  # back to English outside the block


def test_sanity_verdict_in_chinese_keeps_the_numbers() -> None:
    correlations = {attribution_methods.SALIENCY: [1.0, 0.3, 0.1, 0.05], attribution_methods.IG: [1.0, 0.9, 0.85, 0.8], attribution_methods.GRADCAM: [1.0, 0.9, -0.4, float("nan")]}
    english = sanity_check.sanity_verdict(correlations, ["trained", "fc", "+ layer2", "+ layer1"], 0.5)
    with use_language(CHINESE):
        chinese = sanity_check.sanity_verdict(correlations, ["trained", "fc", "+ layer2", "+ layer1"], 0.5)
    lines = chinese.splitlines()
    assert lines[0].startswith("- **显著图** 通过") and "0.15 < 0.5" in lines[0] and "ρ = 0.05" in lines[0]
    assert lines[1].startswith("- **积分梯度** **没有**去相关") and "0.85 ≥ 0.5" in lines[1]
    assert "无定义" in chinese  # Grad-CAM's last map is flat (ρ = NaN)
    assert "塌缩" in chinese and "本应用的约定" in chinese  # flat steps named; the cut-off is ours
    # Same verdicts, same numbers, in both languages.
    numbers = re.compile(r"-?\d+\.\d+")
    assert numbers.findall(chinese) == numbers.findall(english)


def test_sanity_check_end_to_end_in_chinese_keeps_ids_english() -> None:
    model, x = tiny_model(), torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(1))
    progress: list[str] = []
    with use_language(CHINESE):
        result = sanity_check.cascading_randomization(model, x, [attribution_methods.SALIENCY], settings=sanity_check.SANITY_SETTINGS,
                                           progress=lambda f, d: progress.append(d))
        fig = sanity_check.sanity_maps_figure(result)
    assert result.steps[0] == "trained" and result.steps[-1] == "+ stem (conv1, bn1)"  # ids, not display text
    assert result.methods == [attribution_methods.SALIENCY] and "**显著图**" in result.text
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0] == "已训练" and titles[-1] == "+ stem 层（conv1, bn1）"
    assert progress[0] == "训练好的模型: 显著图" and progress[-1] == "完成"


def test_attribution_and_deletion_figures_in_chinese() -> None:
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (32, 32), dtype=np.uint8)
    attrs = [attribution_methods.Attribution(attribution_methods.IG, 9, rng.standard_normal((32, 32)).astype(np.float32), True),
             attribution_methods.Attribution(attribution_methods.GRADCAM, 9, rng.random((32, 32)).astype(np.float32), False, layer="layer2.0: branch F(x)")]
    curve = deletion_metric.DeletionCurve(np.linspace(0, 1, 5), np.linspace(0.9, 0.1, 5), 0.5, attribution_methods.IG)
    with use_language(CHINESE):
        fig = attribution_overlays.attribution_figure(image, attrs, class_name="Ankle boot", scores={attribution_methods.IG: 0.123})
        random = deletion_metric.DeletionCurve(curve.fractions, curve.probs, 0.6, deletion_metric.RANDOM)
        bright = deletion_metric.DeletionCurve(curve.fractions, curve.probs, 0.4, deletion_metric.INTENSITY)
        deletion = deletion_metric.deletion_figure([curve], [random, bright], "Ankle boot")
    assert fig.texts[0].get_text() == "是什么让模型判断为“短靴”"
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["输入", "积分梯度\n删除 AUC 0.123", "Grad-CAM 类激活图\nlayer2.0: 分支 F(x)"]
    ax = deletion.axes[0]
    assert ax.get_ylabel() == "P(短靴)" and HAN.search(ax.get_xlabel())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "积分梯度 (AUC 0.500)", "随机顺序 (AUC 0.600)", "按亮度排序（不用模型） (AUC 0.400)"]
    assert ax.get_title() == "删除：面积越小越好"


def test_branch_figure_and_user_errors_of_inside_in_chinese() -> None:
    model, x = tiny_model(), torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(2))
    comps = branch_shortcut.compare_blocks(model, x)
    with use_language(CHINESE):
        fig = branch_shortcut.branch_shortcut_figure(comps, channel=3)
        err = _error(features.feature_maps, model, x, ["layer9"])
        label = attribution_methods.gradcam_layer_label("layer2.0: sum (before ReLU)")
    assert fig.texts[0].get_text().startswith("每个残差块把分支 F(x) 加到快捷连接上（通道 3）")
    assert [ax.get_title() for ax in fig.axes[:4]] == ["分支 F(x)", "快捷连接 x（恒等映射）", "和 F(x)+x", "输出 = ReLU(和)"]
    assert fig.axes[0].get_ylabel().startswith("layer1.0 · 通道 3（共 8 个）")
    assert str(err).startswith("没有名为 'layer9' 的层")
    assert label == "layer2.0 · F(x)+x，最后的 ReLU 之前"


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font installed (Debian: fonts-wqy-microhei)")
def test_feature_grid_image_draws_chinese_labels() -> None:
    fmap = torch.randn(8, 6, 6, generator=torch.Generator().manual_seed(3))
    english = features.feature_grid_image(fmap, "layer1.0: branch F(x)", k=8, tile=32)
    with use_language(CHINESE):
        chinese = features.feature_grid_image(fmap, "layer1.0: branch F(x)", k=8, tile=32)
    assert chinese.shape == english.shape
    assert not np.array_equal(chinese[:24], english[:24])  # the heading is drawn differently …
    head = 24 + 16  # … while the tiles themselves are the same pixels
    assert np.array_equal(chinese[head : head + 32, 6 : 6 + 32], english[head : head + 32, 6 : 6 + 32])


def test_readings_of_the_inside_tab_in_chinese() -> None:
    """Issue 13: the faithfulness verdicts, the completeness line, the low-target warning and the ratio reading
    keep their numbers in Chinese."""
    scores = deletion_metric.FaithfulnessScores(0.1, 0.5, 0.2, 0.8, 0.4, 0.6)
    c = attribution_methods.Completeness(3.1, 3.0)
    english = attribution_methods.completeness_text(c, 50)
    with use_language(CHINESE):
        verdict = tr(deletion_metric.faithfulness_verdict(scores))
        chinese = attribution_methods.completeness_text(c, 50)
        warning = features.low_target_warning(0.012, "裤子")
        reading = tr(branch_shortcut.ratio_conclusion([0.9, 1.5]))
    assert verdict.startswith("在两条曲线上都优于两个参照") and HAN.search(chinese)
    numbers = re.compile(r"-?\d+\.\d+")
    assert numbers.findall(chinese) == numbers.findall(english)
    assert "1.2%" in warning and "裤子" in warning
    assert reading.startswith("在这张图像上，没有哪个残差块接近恒等映射")


def test_class_labels_translate_but_class_names_stay() -> None:
    assert CLASS_NAMES[0] == "T-shirt/top" and CLASS_NAMES[-1] == "Ankle boot"
    assert [class_label(n) for n in CLASS_NAMES] == list(CLASS_NAMES)
    with use_language(CHINESE):
        labels = [class_label(n) for n in CLASS_NAMES]
        assert class_label("goldfish") == "goldfish"  # ImageNet names have no translation: unchanged
    assert labels == ["T恤/上衣", "裤子", "套头衫", "连衣裙", "外套", "凉鞋", "衬衫", "运动鞋", "包", "短靴"]


def test_imagenet_reason_is_not_cached_across_languages(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # an empty hub cache: the model is unavailable
    with use_language(CHINESE):
        ok_zh, reason_zh = imagenet.imagenet_status()
    ok_en, reason_en = imagenet.imagenet_status()
    assert not ok_zh and not ok_en
    assert reason_zh.startswith("ImageNet ResNet-18 不可用") and str(tmp_path) not in reason_zh
    assert reason_en.startswith("The ImageNet ResNet-18 is unavailable")
