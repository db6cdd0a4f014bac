"""The trainer on a tiny synthetic dataset: artifacts, resume, and 2-process DistributedDataParallel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import explainer.training.trainer as train_module
from explainer.training.loop import augment
from explainer.training.trainer import main
from tests.support.factories import write_tiny

TINY = ["--epochs", "1", "--batch-size", "4", "--input-size", "32", "--low-res-size", "32", "--tiny-data"]


def test_augment_crops_and_flips_without_changing_shape() -> None:
    g = torch.Generator().manual_seed(0)
    images = torch.arange(28 * 28, dtype=torch.int64).reshape(1, 28, 28).repeat(64, 1, 1).to(torch.uint8)
    out = augment(images, 2, True, g)
    assert out.shape == images.shape and out.dtype == torch.uint8
    assert not torch.equal(out, images)  # some crop or flip happened
    same = augment(images, 0, False, g)
    assert torch.equal(same, images)


def test_one_epoch_writes_weights_and_card(tmp_path: Path) -> None:
    write_tiny(tmp_path, n_train=16, n_test=8)
    main([*TINY, "--data-dir", str(tmp_path), "--out", str(tmp_path / "run")])
    card = json.loads((tmp_path / "run.json").read_text())
    assert (tmp_path / "run.safetensors").is_file()
    assert 0.0 <= card["test_accuracy"] <= 1.0 and card["epochs"] == 1 and len(card["history"]) == 1
    assert card["command"].startswith("python -m explainer.training.trainer")


def test_resume_continues_an_interrupted_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tiny(tmp_path, n_train=16, n_test=8)
    args = ["--epochs", "2", *TINY[2:], "--data-dir", str(tmp_path), "--out", str(tmp_path / "run")]
    calls = {"n": 0}
    real_evaluate = train_module.evaluate

    def crash_in_epoch_two(*a, **k):  # the end-of-epoch check of epoch 2: "the machine went down"
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_evaluate(*a, **k)

    monkeypatch.setattr(train_module, "evaluate", crash_in_epoch_two)
    with pytest.raises(KeyboardInterrupt):
        main(args)
    assert not (tmp_path / "run.safetensors").exists()
    monkeypatch.setattr(train_module, "evaluate", real_evaluate)
    main([*args, "--resume"])
    card = json.loads((tmp_path / "run.json").read_text())
    assert [h["epoch"] for h in card["history"]] == [1, 2]
    with pytest.raises(ValueError, match="epochs"):
        main(["--epochs", "3", *TINY[2:], "--data-dir", str(tmp_path), "--out", str(tmp_path / "run"), "--resume"])


def test_epoch_monitor_evaluates_at_the_epochs_input_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tiny(tmp_path, n_train=16, n_test=8)
    sizes: list[int | None] = []
    real_evaluate = train_module.evaluate

    def record(model, split, **kw):  # noqa: ANN001, ANN202
        sizes.append(kw.get("input_size"))
        return real_evaluate(model, split, **kw)

    monkeypatch.setattr(train_module, "evaluate", record)
    main(["--epochs", "2", "--batch-size", "4", "--input-size", "32", "--low-res-size", "24", "--low-res-epochs", "1",
          "--tiny-data", "--data-dir", str(tmp_path), "--out", str(tmp_path / "run")])
    card = json.loads((tmp_path / "run.json").read_text())
    assert [h["input_size"] for h in card["history"]] == [24, 32]
    assert sizes[:2] == [24, 32]  # the per-epoch monitor; the last call is the shipped model's test at full size


@pytest.mark.slow
def test_torchrun_two_processes(tmp_path: Path) -> None:
    write_tiny(tmp_path, n_train=16, n_test=8)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "-m", "explainer.training.trainer", *TINY, "--data-dir", str(tmp_path), "--out", str(tmp_path / "ddp")]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    card = json.loads((tmp_path / "ddp.json").read_text())
    assert card["processes"] == 2
