"""Tests of explainer.degradation.lesion: deleting blocks from trained nets."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from matplotlib.figure import Figure

from explainer.degradation import lesion
from explainer.models.resnet import build_resnet, cifar_spec, residual_blocks
from explainer.training.checkpoint import DEFAULT_WEIGHTS, save_weights
from explainer.training.fig6_experiment import PLAIN20_WEIGHTS


def _net(residual: bool, depth: int = 14):
    torch.manual_seed(0)
    return build_resnet(cifar_spec(depth, residual=residual, in_channels=1, num_classes=10)).eval()


def test_removable_kinds() -> None:
    kinds = [lesion.removable(b) for _, b in residual_blocks(_net(True))]
    assert kinds == ["identity shortcut", "identity shortcut", "downsampling: 1×1 projection kept",
                     "identity shortcut", "downsampling: 1×1 projection kept", "identity shortcut"]
    plain = [lesion.removable(b) for _, b in residual_blocks(_net(False))]
    assert plain == ["plain block → identity", "plain block → identity", None, "plain block → identity", None,
                     "plain block → identity"]


def test_lesion_accuracies_match_a_model_with_the_block_swapped_out() -> None:
    """Oracle: replace the block in the Sequential by its Shortcut and run the whole model normally."""
    model = _net(True)
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(40, 1, 16, 16, generator=g), torch.randint(0, 10, (40,), generator=g)
    base, accs = lesion.lesion_accuracies(model, x, y, batch_size=16, bf16=False)
    with torch.no_grad():
        assert base == pytest.approx(float((model(x).argmax(1) == y).float().mean()))
        for k, (name, block) in enumerate(residual_blocks(model)):
            stage, idx = name.split(".")
            seq = getattr(model, stage)
            seq[int(idx)] = lesion.Shortcut(block)
            expected = float((model(x).argmax(1) == y).float().mean())
            seq[int(idx)] = block
            assert accs[k] == pytest.approx(expected), name


def test_shortcut_of_identity_block_is_identity_on_relu_outputs() -> None:
    block = _net(True).layer1[0]
    x = torch.relu(torch.randn(2, 16, 8, 8))
    assert torch.equal(lesion.Shortcut(block)(x), x)


def test_missing_checkpoints_name_file_and_command(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="python -m explainer.training.trainer"):
        lesion.lesion_study(tmp_path / "r18.safetensors", tmp_path / "p20.safetensors", tmp_path / "r20.safetensors")
    fake18 = tmp_path / "r18.safetensors"
    fake18.write_bytes(b"x")  # existence is checked first; the Plain-20 is missing
    with pytest.raises(ValueError, match=r"p20\.safetensors is missing.*python -m explainer\.training\.fig6_experiment"):
        lesion.lesion_study(fake18, tmp_path / "p20.safetensors", tmp_path / "r20.safetensors")


def test_plain20_checkpoint_round_trip(tmp_path: Path) -> None:
    model = _net(False, 20)
    path = tmp_path / "p20.safetensors"
    save_weights(model, path)
    loaded = lesion._cifar20(False, path)
    x = torch.randn(2, 1, 28, 28)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x), rtol=1e-2, atol=1e-2)  # fp16 storage


@pytest.mark.skipif(not (DEFAULT_WEIGHTS.is_file() and PLAIN20_WEIGHTS.is_file()),
                    reason="shipped ResNet-18 (python -m explainer.training.trainer) or Plain-20 "
                           "(python -m explainer.training.fig6_experiment) checkpoint not present yet")
def test_lesion_study_on_shipped_checkpoints() -> None:
    res = lesion.lesion_study()
    r18 = [r for r in res.rows if r.model == "ResNet-18"]
    p20 = [r for r in res.rows if r.model == "Plain-20"]
    assert len(r18) == 8 and len(p20) == 9
    assert sum(r.kind.startswith("downsampling") for r in r18) == 3
    assert [r.block for r in p20 if r.accuracy is None] == ["layer2.0", "layer3.0"]
    assert res.baselines["ResNet-18"] > 0.85 and res.images == 2000
    # Graceful vs catastrophic is what the data says; here we only check the numbers are sane.
    assert all(0.0 <= r.accuracy <= 1.0 for r in res.rows if r.accuracy is not None)
    assert isinstance(lesion.plot_lesion(res), Figure)
    assert "ResNet-18" in lesion.explain_lesion(res)
