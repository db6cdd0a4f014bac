"""Count the FLOPs of the aten operators one thread runs, without touching any other thread.

Why not ``torch.utils.flop_counter.FlopCounterMode``: besides its dispatch mode it enters a
``ModuleTracker``, which registers *process-wide* ``nn.Module`` forward hooks and puts multi-grad hooks
on module outputs. In a threaded server every model running meanwhile -- a Captum attribution, a
gradient-norm or shattered-gradient run -- goes through those hooks, and a backward pass in another
thread could fail ("RuntimeError: A leaf node was passed to _will_engine_execute_node", issue 11: the
first attribution after start-up, and about 1 in 11 while others loaded shape tables).

``MacCounter`` is only the dispatch-mode half of ``FlopCounterMode``. Torch keeps the dispatch-mode
stack per thread, so ops run by other threads never reach it. For every op it sees it does what
``_FlopCounterMode.__torch_dispatch__`` does (torch 2.13): size/stride queries are left to the default
implementation, an op with a CompositeImplicitAutograd decomposition is decomposed and its parts
counted, any other op is run and counted with the formula that ``torch.utils.flop_counter`` registers
for its overload packet (convolutions, matmuls, attention; ops without a formula count 0). So the
totals are the same numbers (``tests/test_mac_counter.py`` compares the two on every preset).

What it leaves out: the per-module breakdown (the tracer counts per fx node itself, by reading
``flops`` before and after each node), and higher-order operators (``torch.cond``, Triton kernels),
which no traced model here contains -- they pass through uncounted.

``flop_registry`` is a module-level dict of ``torch.utils.flop_counter``, not documented API; if a torch
release renames it, ``MacCounter()`` raises a RuntimeError that says so instead of counting zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.utils import flop_counter
from torch.utils._python_dispatch import TorchDispatchMode

#: Queries FlopCounterMode answers with the default implementation (NotImplemented), as it does.
_NOT_COUNTED_NAMES = (
    "aten.sym_is_contiguous.default", "aten.is_contiguous.default", "aten.is_contiguous.memory_format",
    "aten.is_strides_like_format.default", "aten.is_non_overlapping_and_dense.default", "aten.size.default",
    "aten.sym_size.default", "aten.stride.default", "aten.sym_stride.default", "aten.storage_offset.default",
    "aten.sym_storage_offset.default", "aten.numel.default", "aten.sym_numel.default", "aten.dim.default",
    "prim.layout.default",
)


def _op(dotted: str) -> Any:
    namespace, name, overload = dotted.split(".")
    return getattr(getattr(getattr(torch.ops, namespace), name, None), overload, None)


_NOT_COUNTED = frozenset(op for op in map(_op, _NOT_COUNTED_NAMES) if op is not None)
_DEVICE_QUERY = _op("prim.device.default")


def flop_formulas() -> dict[Any, Callable[..., int]]:
    """``torch.utils.flop_counter``'s formulas: overload packet → f(*args, out_val=out, **kwargs) -> FLOPs.

    Raises RuntimeError if this torch has no such registry (it is a module attribute, not documented API).
    """
    registry = getattr(flop_counter, "flop_registry", None)
    if not isinstance(registry, dict) or not registry:
        raise RuntimeError(
            f"explainer.shapes.mac_counter reads torch.utils.flop_counter.flop_registry (torch 2.13), "
            f"which torch {torch.__version__} does not have: re-read torch/utils/flop_counter.py and adapt "
            f"MacCounter to it."
        )
    return dict(registry)  # a snapshot, as FlopCounterMode takes one when it is built


class MacCounter(TorchDispatchMode):
    """``with MacCounter() as c: ...`` → ``c.flops``: FLOPs of the aten ops this thread ran inside.

    Multiply-adds are ``c.flops // 2`` (one multiply-add = 2 FLOPs, torch's convention). Not re-entrant:
    enter one instance once at a time.
    """

    def __init__(self) -> None:
        super().__init__()
        self.formulas = flop_formulas()
        self.flops = 0

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if func in _NOT_COUNTED:
            return NotImplemented
        # FlopCounterMode tries a decomposition for every op overload (its registry is keyed by overload
        # packets, so its "not in registry" test is always true); so do we, to count exactly what it counts.
        if func is not _DEVICE_QUERY:
            with self:
                decomposed = func.decompose(*args, **kwargs)
            if decomposed is not NotImplemented:
                return decomposed
        out = func(*args, **kwargs)
        formula = self.formulas.get(func.overloadpacket)
        if formula is not None:
            self.flops += formula(*args, **kwargs, out_val=out)
        return out
