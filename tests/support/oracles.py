"""Reference implementations the code is checked and measured against (never used by the app itself)."""

from __future__ import annotations

from torch.utils.flop_counter import FlopCounterMode


class FlopCounterOracle(FlopCounterMode):
    """torch's ``FlopCounterMode`` with ``MacCounter``'s interface (``flops``): the tracer's former counter.

    Put in place of ``explainer.shapes.tracer.MacCounter`` (e.g. ``monkeypatch.setattr``), it makes
    ``trace_model`` count as it did before issue 11 -- with process-wide module hooks, so one thread only.
    """

    def __init__(self) -> None:
        super().__init__(display=False)

    @property
    def flops(self) -> int:
        return self.get_total_flops()
