"""Tests of explainer.degradation.lesion: deleting blocks from trained nets."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from matplotlib.figure import Figure

from explainer.degradation import lesion
from explainer.models.resnet import build_resnet, cifar_spec, residual_blocks
from explainer.training.artifacts import PLAIN20_WEIGHTS
from explainer.training.checkpoint import DEFAULT_WEIGHTS, save_weights


def _net(residual: bool, depth: int = 14):
    torch.manual_seed(0)
    return build_resnet(cifar_spec(depth, residual=residual, in_channels=1, num_classes=10)).eval()


def test_removable_kinds() -> None:
    kinds = [lesion.removable(b) for _, b in residual_blocks(_net(True))]
    zero_pad = "downsampling: zero-pad shortcut kept"  # He et al.'s option A, the CIFAR default
    assert kinds == ["identity shortcut", "identity shortcut", zero_pad, "identity shortcut", zero_pad,
                     "identity shortcut"]
    torch.manual_seed(0)
    option_b = build_resnet(cifar_spec(14, residual=True, in_channels=1, num_classes=10, downsample="projection"))
    assert [lesion.removable(b) for _, b in residual_blocks(option_b)][2] == "downsampling: 1×1 projection kept"
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


def _table(drops: dict[str, list[float | None]], base: dict[str, float], images: int = 2000) -> lesion.LesionResult:
    """A LesionResult from drops in points per model; block 2 of 6 and 4 of 6 downsample (None: not deletable)."""
    rows = []
    for model, ds in drops.items():
        for i, d in enumerate(ds):
            kind = ("downsampling: zero-pad shortcut kept" if i in (2, 4) and model.startswith("ResNet")
                    else "identity shortcut")
            acc = None if d is None else base[model] - d / 100
            rows.append(lesion.LesionRow(model, f"layer{i // 2 + 1}.{i % 2}", kind, acc, base[model]))
    return lesion.LesionResult(rows, base, images)


@pytest.mark.parametrize(
    ("drops", "says", "never"),
    [
        # Every drop inside the sampling noise (2 SE at 90 % on 2000 images = 1.3 points).
        ({"ResNet-20": [0.2, 0.5, 1.0, 0.1, 0.3, 0.4]}, ["no block is essential on its own", "within 1.3 points"],
         ["near chance", "downsampling blocks cost more"]),
        # The shipped ResNet-18 kind of result: one early block costs ~30 points; downsampling no worse.
        ({"ResNet-20": [29.7, 2.0, 3.0, 1.0, 2.5, 0.5]}, ["largest: layer1.0, 60.3% left", "cost no more than the others",
                                                          "No single deletion takes it near chance"],
         ["no block is essential"]),
        # Veit et al.'s pattern: downsampling blocks cost more than all others.
        ({"ResNet-20": [1.0, 2.0, 30.0, 1.5, 40.0, 0.5]}, ["every downsampling block costs more than every other block"],
         []),
        # Deletions that break the net.
        ({"ResNet-20": [75.0, 2.0, 3.0, 1.0, 80.0, 0.5]}, ["2 of 6 deletions leave it near chance (layer1.0, layer3.0)"],
         ["No single deletion"]),
    ],
)
def test_lesion_reading_is_a_function_of_the_drops(drops: dict, says: list[str], never: list[str]) -> None:
    text = lesion.explain_lesion(_table(drops, {"ResNet-20": 0.9}))
    for phrase in says:
        assert phrase in text, phrase
    for phrase in never:
        assert phrase not in text, phrase


@pytest.mark.parametrize(
    ("plain", "residual", "says"),
    [
        ([60.0, 70.0, None, 65.0, None, 50.0], [1.0, 2.0, 5.0, 1.5, 4.0, 0.5], "costs the plain net more (median 62.5"),
        ([1.0, 2.0, None, 1.5, None, 0.5], [1.2, 1.8, 5.0, 1.0, 4.0, 0.6], "does not separate them"),
        ([1.0, 2.0, None, 1.5, None, 0.5], [20.0, 30.0, 5.0, 25.0, 4.0, 10.0], "does not show Veit et al.'s contrast"),
    ],
)
def test_lesion_conclusion_compares_the_same_size_nets(plain: list, residual: list, says: str) -> None:
    res = _table({"Plain-20": plain, "ResNet-20": residual}, {"Plain-20": 0.9, "ResNet-20": 0.9})
    text = lesion.explain_lesion(res)
    assert says in text and "not deletable (shape changes, no shortcut): layer2.0, layer3.0" in text
