"""The generated code of a configured block (explainer.shapes.block_code) is exactly that block."""

from __future__ import annotations

import pytest
import torch

from explainer.models.blocks import EXPANSION, make_block
from explainer.shapes.block_report import explore_block


@pytest.mark.parametrize("block, shortcut, cin, cout, stride, bn, groups", [(*case, 1) for case in [
    ("basic", "identity", 16, 16, 1, True), ("basic", "projection", 16, 32, 2, True),
    ("bottleneck", "projection", 16, 64, 2, True), ("bottleneck", "identity", 64, 64, 1, False),
    ("basic", "none", 8, 16, 2, False), ("basic", "zero-pad", 8, 16, 2, True), ("bottleneck", "zero-pad", 16, 64, 1, True),
    ("basic", "zero-pad", 16, 16, 2, False), ("basic", "zero-pad", 16, 16, 1, True),
    ("pre-activation basic", "projection", 16, 32, 2, True), ("pre-activation basic", "identity", 16, 16, 1, False),
    ("pre-activation bottleneck", "zero-pad", 16, 64, 2, True), ("pre-activation bottleneck", "projection", 16, 64, 1, True),
    ("pre-activation basic", "none", 16, 32, 2, True),
]] + [("ResNeXt", "projection", 16, 64, 2, True, 4), ("ResNeXt", "identity", 64, 64, 1, True, 32)])
def test_generated_code_rebuilds_exactly_this_block(block: str, shortcut: str, cin: int, cout: int, stride: int,
                                                    bn: bool, groups: int, capsys: pytest.CaptureFixture[str]) -> None:
    report = explore_block(block, shortcut, cin, cout, stride, bn, 12, 12, groups)
    namespace: dict = {}
    exec(report.code, namespace)  # noqa: S102 -- our own generated source
    generated = namespace["block"].eval()
    planes = cout // EXPANSION[block]
    torch.manual_seed(0)
    ours = make_block(block, cin, planes, stride, shortcut=shortcut, batch_norm=bn, groups=groups).eval()
    for m in ours.modules():  # non-trivial BN statistics, so a misplaced BN would show
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
    generated.load_state_dict(ours.state_dict())  # strict: same names, same shapes
    x = torch.randn(2, cin, 12, 12)
    with torch.no_grad():
        assert torch.allclose(generated(x), ours(x), atol=1e-6)
    assert report.trace.total_params == sum(p.numel() for p in ours.parameters())
    assert report.output_shape == tuple(ours(x).shape[1:])
    # Run as a script, it prints the shape its last comment announces: the traced one.
    printed = capsys.readouterr().out.strip()
    assert printed == f"torch.Size({[1, *report.output_shape]})"
    assert report.code.rstrip().endswith(f"# {printed}")
