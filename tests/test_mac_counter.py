"""explainer.shapes.mac_counter counts what torch's FlopCounterMode counts, without its process-wide hooks.

``FlopCounterMode`` serves as the oracle here only (one thread, no server): every preset at its default
input size and a grid of blocks are traced with both counters, and every row must agree exactly.
"""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn
from torch.utils import flop_counter
from torch.utils.flop_counter import FlopCounterMode

from explainer.models.blocks import make_block
from explainer.models.presets import PRESETS
from explainer.shapes import network_report, tracer
from explainer.shapes.mac_counter import MacCounter, flop_formulas
from tests.support.oracles import FlopCounterOracle


def _trace_both(model: nn.Module, shape: tuple[int, int, int], gm: torch.fx.GraphModule | None,
                monkeypatch: pytest.MonkeyPatch) -> tuple[tracer.TraceResult, tracer.TraceResult]:
    new = tracer.trace_model(model, shape, gm=gm)
    with monkeypatch.context() as patch:
        patch.setattr(tracer, "MacCounter", FlopCounterOracle)
        old = tracer.trace_model(model, shape, gm=gm)
    return new, old


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_counts_exactly_what_flop_counter_mode_counts(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    p = PRESETS[name]
    shape = (p.in_channels, p.height, p.width)
    model, gm = network_report._graph(name, *shape, p.num_classes)
    new, old = _trace_both(model, shape, gm, monkeypatch)
    assert new.total_macs > 0
    assert [(r.name, r.macs) for r in new.rows] == [(r.name, r.macs) for r in old.rows]
    assert new.rows == old.rows and new.total_macs == old.total_macs


BLOCKS = [
    (block, shortcut, stride, bn)
    for block, shortcut, stride, bn in itertools.product(
        ("basic", "bottleneck"), ("identity", "projection", "none"), (1, 2), (True, False))
    if not (shortcut == "identity" and stride == 2)  # cannot be added: make_block refuses it
]


@pytest.mark.parametrize("block, shortcut, stride, batch_norm", BLOCKS)
def test_blocks_count_exactly_what_flop_counter_mode_counts(block: str, shortcut: str, stride: int,
                                                            batch_norm: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    planes = 16
    inplanes = planes * (4 if block == "bottleneck" else 1)  # identity shortcut: same channels in and out
    with torch.device("meta"):
        module = make_block(block, inplanes, planes, stride, shortcut=shortcut, batch_norm=batch_norm)
    new, old = _trace_both(module, (inplanes, 28, 28), None, monkeypatch)
    assert new.total_macs > 0 and new.rows == old.rows


def test_a_forward_and_backward_on_real_tensors_counts_the_same() -> None:
    # Beyond the tracer's meta forward: real data, autograd, linear layers and their gradients.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 8 * 8, 5))
    x = torch.randn(2, 3, 16, 16, requires_grad=True)
    with MacCounter() as new:
        model(x).sum().backward()
    with FlopCounterMode(display=False) as old:
        model(x).sum().backward()
    assert new.flops == old.get_total_flops() > 0


def test_the_counter_is_seen_by_its_own_thread_only() -> None:
    import threading

    counted: list[int] = []

    def other() -> None:
        torch.mm(torch.ones(4, 4), torch.ones(4, 4))  # 2·4·4·4 = 128 FLOPs, run while the counter is active

    with MacCounter() as counter:
        t = threading.Thread(target=other)
        t.start()
        t.join()
        counted.append(counter.flops)
        torch.mm(torch.ones(2, 3), torch.ones(3, 2))  # 2·2·3·2 = 24 FLOPs in this thread
    assert counted == [0] and counter.flops == 24


def test_a_torch_without_the_formula_registry_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    assert flop_formulas()  # this torch has it
    monkeypatch.delattr(flop_counter, "flop_registry")
    with pytest.raises(RuntimeError, match="flop_registry"):
        MacCounter()
