"""The block diagram (explainer.shapes.block_diagram): every layer drawn, the add green or red."""

from __future__ import annotations

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
