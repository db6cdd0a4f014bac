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
    CheckpointError,
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
