"""The block diagram (explainer.shapes.block_diagram): every layer drawn, the add green or red."""

from __future__ import annotations

import pytest
from matplotlib.patches import Circle

from explainer.shapes.block_report import explore_block


def _texts(fig) -> list[str]:  # noqa: ANN001 -- a matplotlib Figure
    return [t.get_text() for t in fig.axes[0].texts]


def _add_colour(fig) -> tuple[float, ...]:  # noqa: ANN001
    (circle,) = [p for p in fig.axes[0].patches if isinstance(p, Circle)]
    return tuple(round(c, 3) for c in circle.get_edgecolor()[:3])


def test_projection_block_draws_every_layer_the_projection_and_a_green_add() -> None:
    report = explore_block("basic", "projection", 64, 128, 2, True, 56, 56)
    texts = _texts(report.diagram)
    assert "input x  (64×56×56)" in texts and "output 128×28×28" in texts
    for layer in ("conv1", "bn1", "relu1", "conv2", "bn2", "relu2"):
        assert any(t.startswith(f"{layer}: ") for t in texts), layer
    assert "1×1 conv + BN\n(projection)" in texts
    assert _add_colour(report.diagram) == (0.18, 0.49, 0.196)  # #2e7d32


def test_impossible_add_is_drawn_in_red_and_the_plain_twin_has_no_add() -> None:
    invalid = explore_block("basic", "identity", 64, 128, 2, True, 56, 56)
    assert "✗ cannot add 64×56×56 to 128×28×28" in _texts(invalid.diagram)
    assert _add_colour(invalid.diagram) == (0.776, 0.157, 0.157)  # #c62828
    plain = explore_block("basic", "none", 64, 128, 2, True, 56, 56)
    assert "(no add)" in _texts(plain.diagram)
    assert not [p for p in plain.diagram.axes[0].patches if isinstance(p, Circle)]


def _skip_box(fig) -> str:  # the text of the box on the skip path (x beyond the main path)
    (text,) = [t.get_text() for t in fig.axes[0].texts if t.get_position()[0] > 7 and "\n" in t.get_text()]
    return text


@pytest.mark.parametrize("block, shortcut, cin, cout, stride, bn, box", [
    ("basic", "projection", 64, 128, 2, True, "1×1 conv + BN\n(projection)"),
    ("basic", "projection", 64, 128, 2, False, "1×1 conv, no BN\n(projection)"),  # issue 13 item 12
    ("bottleneck", "projection", 64, 256, 1, False, "1×1 conv, no BN\n(projection)"),
    ("basic", "zero-pad", 64, 128, 2, True, "subsample ::2, +64 zero ch.\n(no parameters)"),
    ("basic", "zero-pad", 16, 16, 2, False, "subsample ::2\n(no parameters)"),
    ("bottleneck", "zero-pad", 64, 256, 1, True, "+192 zero ch.\n(no parameters)"),
])
def test_the_skip_path_box_names_what_is_on_it(block: str, shortcut: str, cin: int, cout: int, stride: int,
                                                bn: bool, box: str) -> None:
    report = explore_block(block, shortcut, cin, cout, stride, bn, 16, 16)
    assert _skip_box(report.diagram) == box
    layers_on_skip = [r for r in report.trace.rows if r.name.startswith("downsample")]
    has_params = sum(r.params for r in layers_on_skip) > 0
    assert has_params == (shortcut == "projection")  # "no parameters" is what the trace counted
    assert ("BN" in box and "no BN" not in box) == any(r.op.startswith("BatchNorm2d") for r in layers_on_skip)


def test_zero_pad_without_a_shape_change_is_drawn_as_the_identity() -> None:
    report = explore_block("basic", "zero-pad", 16, 16, 1, True, 8, 8)
    assert "identity x: 16×8×8" in _texts(report.diagram)
    assert _add_colour(report.diagram) == (0.18, 0.49, 0.196)
