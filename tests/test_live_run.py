"""Tests of explainer.degradation.live_run: the bounded side-by-side training."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure

from explainer.degradation import live_run


def test_live_run_yields_and_limits() -> None:
    images = torch.randint(0, 256, (128, 28, 28), dtype=torch.uint8)
    labels = torch.randint(0, 10, (128,))
    states = list(live_run.live_run(8, 4, images=images, labels=labels, every=2))
    assert [s.step for s in states] == [1, 2, 4]  # the first step at once, then every 2
    assert len(states[-1].plain_loss) == len(states[-1].residual_error) == 4
    assert isinstance(live_run.plot_live(states[-1]), Figure)
    with pytest.raises(ValueError, match="steps"):
        next(live_run.live_run(8, 301, images=images, labels=labels))
    with pytest.raises(ValueError, match="between 8 and 56"):
        next(live_run.live_run(110, 10, images=images, labels=labels))


def _old_live_losses(depth: int, steps: int, images: torch.Tensor, labels: torch.Tensor, lr: float = 0.05,
                     seed: int = 0) -> list[list[float]]:
    """The live run's loop before it used explainer.training.loop (the oracle): per-step losses and errors."""
    import torch.nn.functional as F

    from explainer.degradation.nets import IMAGE_SIZE, build_pair
    from explainer.training.fashion_mnist import to_model_input

    plain, residual = build_pair(depth, batch_norm=True, init="Kaiming", seed=seed)
    opts = [torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4) for m in (plain, residual)]
    warmup = max(1, steps // 10)
    g = torch.Generator().manual_seed(seed)
    out: list[list[float]] = [[], [], [], []]
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(images), (64,), generator=g)
        x, y = to_model_input(images[idx], size=IMAGE_SIZE), labels[idx]
        for k, (model, opt) in enumerate(zip((plain, residual), opts)):
            for group in opt.param_groups:
                group["lr"] = lr * min(1.0, step / warmup)
            model.train()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            out[2 * k].append(float(loss.detach()))
            out[2 * k + 1].append(float((logits.argmax(1) != y).float().mean()))
    return out


def test_live_run_replays_the_old_loop_exactly() -> None:
    g = torch.Generator().manual_seed(1)
    images = torch.randint(0, 256, (256, 28, 28), dtype=torch.uint8, generator=g)
    labels = torch.randint(0, 10, (256,), generator=g)
    last = list(live_run.live_run(8, 25, images=images, labels=labels, every=25))[-1]
    got = [last.plain_loss, last.plain_error, last.residual_loss, last.residual_error]
    assert got == _old_live_losses(8, 25, images, labels)  # bit for bit: same seed, same numbers


def _state(plain: list[float], residual: list[float], *, depth: int = 32, total: int = 150) -> live_run.LiveState:
    return live_run.LiveState(depth, len(plain), total, [2.0] * len(plain), plain, [2.0] * len(residual), residual,
                              seconds=12.0)


@pytest.mark.parametrize(
    ("plain", "residual", "stopped", "says"),
    [
        # Plain stuck near 60 % wrong, residual near 20 %: far beyond the batch noise.
        ([0.6, 0.62, 0.58, 0.61] * 5, [0.2, 0.22, 0.18, 0.21] * 5, False,
         ["**Finished:** 20 steps in 12 s.", "Plain-32 got 60.2 %", "ResNet-32 20.2 %", "residual net is ahead by 40.0"]),
        # Same means, noisy batches: no separation, and the stop says where it stopped.
        ([0.5, 0.3, 0.6, 0.4] * 5, [0.3, 0.5, 0.4, 0.6] * 5, True,
         ["**Stopped** at step 20 of 150 (12 s).", "does not separate the two nets"]),
        ([0.2, 0.22, 0.18, 0.21] * 5, [0.6, 0.62, 0.58, 0.61] * 5, False, ["plain net is ahead by 40.0"]),
        ([0.5], [0.4], True, ["Too few steps"]),
        # Only the last 20 steps count: an early gap that closed is not reported.
        ([0.9] * 30 + [0.3, 0.31] * 10, [0.3] * 30 + [0.3, 0.31] * 10, False, ["does not separate", "30.5 %"]),
    ],
)
def test_conclusion_is_computed_from_the_run(plain: list[float], residual: list[float], stopped: bool,
                                             says: list[str]) -> None:
    text = live_run.live_conclusion(_state(plain, residual), stopped=stopped)
    for phrase in says:
        assert phrase in text, (phrase, text)


def test_data_note_names_no_server_path(monkeypatch: pytest.MonkeyPatch) -> None:
    images = torch.zeros(64, 28, 28, dtype=torch.uint8)
    monkeypatch.setattr(live_run, "_live_source", lambda: (images, torch.zeros(64, dtype=torch.long), "/srv/secret/data"))
    _, _, note = live_run.live_data()
    assert "/srv" not in note and "64 images" in note
