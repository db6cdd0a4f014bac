"""Whole networks traced (explainer.shapes.network_report): D2L's printed tables, torchinfo's totals, the add and the receptive field."""

from __future__ import annotations

import csv
import io

import pytest
import torch
import torchinfo
from torch import nn

from explainer.i18n import CHINESE, use_language
from explainer.models.presets import PRESETS, build_preset
from explainer.shapes.network_report import network_summary, trace_preset

D2L_224 = ["64×56×56", "64×56×56", "128×28×28", "256×14×14", "512×7×7", "512×1×1", "512", "10"]
D2L_96 = ["64×24×24", "64×24×24", "128×12×12", "256×6×6", "512×3×3", "512×1×1", "512", "10"]


@pytest.mark.parametrize("side, expected", [(224, D2L_224), (96, D2L_96)])
def test_reproduces_d2ls_printed_table(side: int, expected: list[str]) -> None:
    stages = trace_preset("D2L ResNet-18", 1, side, side, 10).table(collapsed=True)
    assert [row[2] for row in stages] == expected
    assert [row[0] for row in stages][:5] == ["stem (b1)", "layer1 (b2)", "layer2 (b3)", "layer3 (b4)", "layer4 (b5)"]


@pytest.mark.parametrize("name, shape, classes", [("ResNet-18", (3, 224, 224), 1000), ("ResNet-50", (3, 224, 224), 1000),
                                                  ("D2L ResNet-18", (1, 96, 96), 10), ("ResNet-20", (3, 32, 32), 10)])
def test_params_and_macs_agree_with_torchinfo(name: str, shape: tuple[int, int, int], classes: int) -> None:
    model = build_preset(name, in_channels=shape[0], height=shape[1], width=shape[2], num_classes=classes)
    info = torchinfo.summary(model, input_size=(1, *shape), verbose=0, device="cpu")
    trace = trace_preset(name, *shape, classes)
    assert trace.total_params == info.total_params
    # torchinfo adds one "mult-add" per BN parameter and per Linear bias; convs and matmuls agree exactly.
    extra = sum(p.numel() for m in model.modules() if isinstance(m, nn.BatchNorm2d) for p in m.parameters())
    extra += sum(m.bias.numel() for m in model.modules() if isinstance(m, nn.Linear) and m.bias is not None)
    assert trace.total_macs == info.total_mult_adds - extra


def test_published_reference_numbers() -> None:
    assert trace_preset("ResNet-18", 3, 224, 224, 1000).total_macs == pytest.approx(1.814e9, rel=1e-3)
    assert trace_preset("D2L ResNet-18", 1, 96, 96, 10).total_macs == pytest.approx(318.7e6, rel=1e-3)
    assert trace_preset("D2L ResNet-18", 1, 28, 28, 10).total_macs == pytest.approx(33.0e6, rel=2e-2)


def test_the_residual_add_and_every_relu_are_rows() -> None:
    rows = trace_preset("ResNet-18", 3, 224, 224, 1000).rows
    adds = [r for r in rows if r.name.endswith(".add")]
    assert [r.name for r in adds] == [f"layer{s}.{b}.add" for s in range(1, 5) for b in range(2)]
    assert all(r.op == "add: F(x) + shortcut" for r in adds)
    assert sum(r.op == "ReLU" for r in rows) == 1 + 2 * 8
    plain = trace_preset("Plain-20", 3, 32, 32, 10).rows
    assert not any(r.name.endswith(".add") for r in plain)


def test_receptive_field_and_stride_from_input() -> None:
    rows = {r.name: r for r in trace_preset("ResNet-18", 3, 224, 224, 1000).rows}
    assert rows["conv1"].receptive_field == (7, 7) and rows["conv1"].jump == (2, 2)
    assert rows["maxpool"].receptive_field == (11, 11) and rows["maxpool"].jump == (4, 4)
    assert rows["layer4.1.conv2"].receptive_field == (435, 435)  # the published ResNet-18 value
    assert rows["fc"].receptive_field is None and rows["fc"].rf_text == "whole input"


def test_csv_has_every_row_and_totals() -> None:
    trace = trace_preset("ResNet-20", 3, 32, 32, 10)
    rows = list(csv.reader(io.StringIO(trace.to_csv())))
    assert rows[0][:3] == ["layer", "operation", "output shape"]
    assert len(rows) == len(trace.rows) + 2
    assert rows[-1][0] == "total" and int(rows[-1][3]) == trace.total_params


def test_input_too_small_is_explained() -> None:
    with pytest.raises(ValueError, match="at least 65×65"):
        trace_preset("AlexNet", 1, 28, 28, 10)
    with use_language(CHINESE), pytest.raises(ValueError, match="至少要有 65×65 像素"):  # said by the shapes layer
        trace_preset("AlexNet", 1, 28, 28, 10)
    summary = network_summary("ResNet-18", trace_preset("ResNet-18", 3, 16, 16, 10))
    assert "already 1×1" in summary


def test_huge_but_allowed_sizes_cost_no_memory() -> None:
    trace = trace_preset("ResNet-152", 3, 1024, 1024, 1000)  # meta tensors: shapes only
    assert trace.rows[-1].output_shape == (1000,)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_traces_at_its_default_input(name: str) -> None:
    p = PRESETS[name]
    trace = trace_preset(name, p.in_channels, p.height, p.width, p.num_classes)
    assert trace.rows[-1].output_shape == (p.num_classes,)
    assert trace.total_params > 0


def test_unknown_preset() -> None:
    with pytest.raises(ValueError, match="Unknown network"):
        trace_preset("ResNet-19", 3, 32, 32, 10)
    assert torch.get_default_device().type == "cpu"  # tracing must not leak the meta device
