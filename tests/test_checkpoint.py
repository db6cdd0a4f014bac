"""Loading the weights: round trip, clear errors, and the shipped checkpoint's accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from explainer.models.resnet import build_resnet, cifar_spec, d2l_resnet18_spec
from explainer.training.checkpoint import (
    DEFAULT_CARD,
    DEFAULT_WEIGHTS,
    REGENERATE,
    CheckpointError,
    cifar_downsample_of,
    load_card,
    load_model,
    load_weights_into,
    save_weights,
)
from explainer.training.samples import load_sample
from explainer.training.trainer import evaluate


def test_round_trip_fp32_and_fp16(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = build_resnet(cifar_spec(8, in_channels=1)).eval()
    x = torch.randn(2, 1, 28, 28)
    for half in (False, True):
        path = tmp_path / f"m{half}.safetensors"
        save_weights(model, path, half=half)
        copy = load_weights_into(build_resnet(cifar_spec(8, in_channels=1)), path).eval()
        assert copy.conv1.weight.dtype == torch.float32
        with torch.no_grad():
            assert torch.allclose(copy(x), model(x), atol=1e-2 if half else 0)
    assert not list(tmp_path.glob("*.partial")), "writes are atomic"


def test_missing_truncated_and_mismatched(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="nope.safetensors is missing"):
        load_model(tmp_path / "nope.safetensors")
    path = tmp_path / "small.safetensors"
    save_weights(build_resnet(cifar_spec(8, in_channels=1)), path)
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="truncated.safetensors cannot be read"):
        load_model(truncated)
    with pytest.raises(CheckpointError, match="small.safetensors does not match the model"):
        load_model(path)
    wide = tmp_path / "wide.safetensors"
    save_weights(build_resnet(cifar_spec(8, in_channels=3)), wide)
    with pytest.raises(CheckpointError, match="conv1.weight has shape"):
        load_weights_into(build_resnet(cifar_spec(8, in_channels=1)), wide)


def test_model_card_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="missing"):
        load_card(tmp_path / "card.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_card(tmp_path / "bad.json")


def test_shipped_checkpoint_is_small_and_accurate_on_the_bundled_sample() -> None:
    assert DEFAULT_WEIGHTS.stat().st_size <= 25 * 1024 * 1024
    model = load_model()
    sample = load_sample()
    assert len(sample) >= 1000
    accuracy, _ = evaluate(model, sample)
    assert accuracy >= 0.93
    card = load_card(DEFAULT_CARD)
    assert card["test_accuracy"] >= 0.94 and card["test_images"] == 10000
    assert card["class_names"][0] == "T-shirt/top" and len(card["confusion_matrix"]) == 10
    for key in ("per_class_accuracy", "epochs", "wall_time_seconds", "images_per_second", "torch_version",
                "git_commit", "command", "normalization", "input_size"):
        assert key in card, key


def test_shipped_card_matches_architecture() -> None:
    card = json.loads(DEFAULT_CARD.read_text())
    model = build_resnet(d2l_resnet18_spec())
    assert card["input_size"] == [1, 96, 96]
    assert model.fc.out_features == len(card["class_names"])


@pytest.mark.parametrize("downsample", ["projection", "zero-pad"])
def test_the_shortcut_kind_is_read_from_the_file(tmp_path: Path, downsample: str) -> None:
    """Option A and B weights each load into the net they were trained as (lesion study, Fig. 6 weights)."""
    torch.manual_seed(0)
    model = build_resnet(cifar_spec(8, in_channels=1, downsample=downsample)).eval()
    path = tmp_path / "net.safetensors"
    save_weights(model, path, half=False)
    assert cifar_downsample_of(path) == downsample
    twin = build_resnet(cifar_spec(8, in_channels=1, downsample=cifar_downsample_of(path)))
    x = torch.randn(2, 1, 28, 28)
    assert torch.equal(load_weights_into(twin, path).eval()(x), model(x))
    (tmp_path / "bad.safetensors").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="bad.safetensors"):
        cifar_downsample_of(tmp_path / "bad.safetensors")


def test_the_regeneration_hint_quotes_the_recorded_training_time() -> None:
    if not DEFAULT_CARD.is_file():
        pytest.skip("no shipped card")
    minutes = round(load_card()["wall_time_seconds"] / 60)
    assert f"took {minutes} min" in REGENERATE
