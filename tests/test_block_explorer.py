"""The block configurator: the generated code is the block, invalid configurations teach."""

from __future__ import annotations

import pytest
import torch

from explainer.models.blocks import make_block
from explainer.shapes.block_report import explore_block, rows_for_table


@pytest.mark.parametrize("block, shortcut, cin, cout, stride, bn", [
    ("basic", "identity", 16, 16, 1, True), ("basic", "projection", 16, 32, 2, True),
    ("bottleneck", "projection", 16, 64, 2, True), ("bottleneck", "identity", 64, 64, 1, False),
    ("basic", "none", 8, 16, 2, False),
])
def test_generated_code_rebuilds_exactly_this_block(block: str, shortcut: str, cin: int, cout: int, stride: int,
                                                    bn: bool, capsys: pytest.CaptureFixture[str]) -> None:
    report = explore_block(block, shortcut, cin, cout, stride, bn, 12, 12)
    namespace: dict = {}
    exec(report.code, namespace)  # noqa: S102 -- our own generated source
    generated = namespace["block"].eval()
    planes = cout // 4 if block == "bottleneck" else cout
    torch.manual_seed(0)
    ours = make_block(block, cin, planes, stride, shortcut=shortcut, batch_norm=bn).eval()
    generated.load_state_dict(ours.state_dict())  # strict: same names, same shapes
    x = torch.randn(2, cin, 12, 12)
    with torch.no_grad():
        assert torch.allclose(generated(x), ours(x), atol=1e-6)
    assert report.trace.total_params == sum(p.numel() for p in ours.parameters())
    assert report.output_shape == tuple(ours(x).shape[1:])


def test_identity_with_stride_and_channel_change_is_taught() -> None:
    report = explore_block("basic", "identity", 64, 128, 2, True, 56, 56)
    assert not report.valid
    assert "64×56×56" in report.explanation and "128×28×28" in report.explanation
    assert "projection" in report.explanation
    rows = rows_for_table(report)
    assert any("shapes differ" in str(r[1]) for r in rows)


def test_valid_block_mentions_the_add_and_shapes() -> None:
    report = explore_block("bottleneck", "projection", 256, 512, 2, True, 56, 56)
    assert report.valid and report.output_shape == (512, 28, 28)
    assert any(r.name == "add" for r in report.trace.rows)
    assert "expansion 4" in report.explanation


@pytest.mark.parametrize("args, words", [
    (("bottleneck", "projection", 64, 130, 1, True, 8, 8), "multiple of 4"),
    (("basic", "projection", 0, 16, 1, True, 8, 8), "at least 1"),
    (("basic", "projection", 16, 16, 3, True, 8, 8), "Stride"),
    (("basic", "projection", 16, 16, 1, True, 2048, 8), "between 1 and 1024"),
    (("basic", "projection", 16, 5000, 1, True, 8, 8), "limited to 4096"),
    (("triple", "projection", 16, 16, 1, True, 8, 8), "Unknown block"),
])
def test_bad_configurations_raise_a_sentence(args: tuple, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        explore_block(*args)
