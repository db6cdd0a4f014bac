"""Trace a network layer by layer: output shape, parameters, multiply-adds, receptive field.

PyTorch does the work: ``torch.fx.symbolic_trace`` turns the model into a graph in which the
residual add and every activation are nodes of their own (hook-based tools such as torchinfo only
see modules, so they miss the add); an ``fx.Interpreter`` propagates *meta* tensors -- shapes without
data, so even ResNet-152 at 1024×1024 costs no memory -- while ``MacCounter``, a dispatch mode seen by
this thread only, counts FLOPs per node with torch's own formulas (``FlopCounterMode`` would install
process-wide module hooks, see ``explainer.shapes.mac_counter``). Only the receptive field is
bookkeeping of our own (kernel, stride and dilation per layer).

Nothing here changes process-wide state except fx's own patch of ``nn.Module`` during
``symbolic_trace`` (serialised by ``explainer.runtime.FX_TRACE_LOCK``, other threads passed through);
``with torch.device("meta")`` in the callers is a torch-function mode, which torch keeps per thread.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import threading
from dataclasses import dataclass
from itertools import chain
from typing import Any

import torch
from torch import fx, nn

from explainer.i18n import ENGLISH, tr, use_language
from explainer.models.blocks import RESIDUAL_BLOCKS, ZeroPadShortcut
from explainer.runtime import FX_TRACE_LOCK
from explainer.shapes.layer_labels import describe_module, format_count, format_shape, op_text, pair
from explainer.shapes.mac_counter import MacCounter


class _OneThreadTracer(fx.Tracer):
    """``fx.Tracer`` that records only the thread running the trace.

    While tracing, fx replaces ``torch.nn.Module.__call__`` and ``__getattr__`` *process-wide*; a model
    running in another server thread (an attribution, a gradient measurement) would be routed into this
    trace and fail with "NameError: module is not installed as a submodule" (reproduced under load:
    thousands of failed forward passes in a few seconds). Calls from other threads pass straight through.
    """

    def trace(self, root: Any, concrete_args: dict[str, Any] | None = None) -> fx.Graph:
        self._owner = threading.get_ident()
        return super().trace(root, concrete_args)

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        # He et al.'s option A is one idea (subsample + zero channels), so it is one row of the table,
        # not fx's "getitem" and "pad" nodes; as a leaf the receptive-field code also sees its stride.
        return isinstance(m, ZeroPadShortcut) or super().is_leaf_module(m, module_qualified_name)

    def call_module(self, m: nn.Module, forward: Any, args: Any, kwargs: Any) -> Any:
        if threading.get_ident() != self._owner:
            return forward(*args, **kwargs)
        return super().call_module(m, forward, args, kwargs)

    def getattr(self, attr: str, attr_val: Any, parameter_proxy_cache: dict[str, Any]) -> Any:
        if threading.get_ident() != self._owner:
            return attr_val
        return super().getattr(attr, attr_val, parameter_proxy_cache)


def symbolic_trace(model: nn.Module) -> fx.GraphModule:
    """``torch.fx.symbolic_trace`` that is safe in a threaded server (see ``_OneThreadTracer``).

    One trace at a time (``FX_TRACE_LOCK``): two overlapping traces would restore each other's patches
    in the wrong order and leave ``nn.Module.__call__`` patched for good.
    """
    with FX_TRACE_LOCK:
        tracer = _OneThreadTracer()
        graph = tracer.trace(model)
    gm = fx.GraphModule(tracer.root, graph, type(model).__name__)
    # The GraphModule and the containers it makes for dotted paths ("layer1" holding "layer1.0.conv1") are new
    # Modules, in training mode; they follow the model's mode, so that an eval-mode model on meta is traced as
    # it is (``_meta_eval_copy``) instead of deep-copied (~120-230 ms for ResNet-152). The model's own modules,
    # shared with the graph, are left as they are.
    own = {id(m) for m in model.modules()}
    for m in gm.modules():
        if id(m) not in own:
            m.training = model.training
    return gm


@dataclass(frozen=True)
class LayerRow:
    """One node of the traced graph (batch dimension dropped from shapes)."""

    name: str  # qualified module name, e.g. "layer1.0.conv1"; "layer1.0.add" for the residual add
    op: str  # human description, e.g. "Conv2d 3×3, stride 2"
    stage: str  # top-level group used by the collapsed view: "stem", "layer1", "fc", …
    output_shape: tuple[int, ...]
    params: int
    macs: int  # multiply-accumulates (FLOPs / 2), batch 1
    receptive_field: tuple[int, int] | None  # (h, w) in input pixels; None = the whole input
    jump: tuple[int, int]  # stride from the input: distance in input pixels between neighbouring outputs

    @property
    def shape_text(self) -> str:
        return format_shape(self.output_shape)

    @property
    def rf_text(self) -> str:
        if self.receptive_field is None:
            return tr("whole input")
        h, w = self.receptive_field
        return f"{h}×{w}"

    @property
    def jump_text(self) -> str:
        h, w = self.jump
        return str(h) if h == w else f"{h}×{w}"


@dataclass
class TraceResult:
    """All rows of a trace plus totals. ``rows`` are in execution order."""

    rows: list[LayerRow]
    input_shape: tuple[int, ...]  # (C, H, W)
    total_params: int
    total_macs: int
    activation_bytes: int  # fp32 bytes of every node's output at batch 1 (what training keeps)

    COLUMNS: tuple[str, ...] = (
        "layer", "operation", "output shape", "params", "MACs", "receptive field", "stride from input",
    )

    @property
    def warnings(self) -> list[str]:
        """Sentences about the input size, in the request's language.

        Computed on access rather than stored: traces are cached across requests (and languages).
        """
        return _collapse_warnings(self)

    def stage_rows(self) -> list[LayerRow]:
        """One row per top-level stage: the stage's last output, summed params and MACs."""
        grouped: list[LayerRow] = []
        for row in self.rows:
            if grouped and grouped[-1].stage == row.stage:
                last = grouped[-1]
                grouped[-1] = LayerRow(
                    row.stage, last.op if last.op.startswith("stage") else "stage",
                    row.stage, row.output_shape, last.params + row.params, last.macs + row.macs,
                    row.receptive_field, row.jump,
                )
            else:
                grouped.append(LayerRow(row.stage, "stage", row.stage, row.output_shape, row.params,
                                        row.macs, row.receptive_field, row.jump))
        # A stage made of a single row keeps that row's own description.
        singles = {r.stage: r for r in self.rows}
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r.stage] = counts.get(r.stage, 0) + 1
        return [singles[g.stage] if counts[g.stage] == 1 else g for g in grouped]

    def table(self, *, collapsed: bool = False) -> list[list[Any]]:
        """Rows for a table widget, in the order of ``COLUMNS`` (descriptions in the request's language)."""
        rows = self.stage_rows() if collapsed else self.rows
        return [[r.name, op_text(r.op), r.shape_text, r.params, r.macs, r.rf_text, r.jump_text] for r in rows]

    def to_csv(self, *, collapsed: bool = False) -> str:
        """The table as CSV text (header + rows + a totals line).

        Always English, like its header: a data file for scripts, not a page to read.
        """
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(self.COLUMNS)
        with use_language(ENGLISH):
            writer.writerows(self.table(collapsed=collapsed))
        writer.writerow(["total", "", "", self.total_params, self.total_macs, "", ""])
        return buf.getvalue()

    def summary(self) -> str:
        """One paragraph of totals for humans."""
        c, h, w = self.input_shape
        out = self.rows[-1].shape_text if self.rows else "?"
        return tr(
            "Input {c}×{h}×{w} → output {out}. {params:,} parameters ({mb:.1f} MB in fp32), "
            "{macs} multiply-adds per image, {act_mb:.1f} MB of activations per image "
            "(fp32, every layer's output).",
            c=c, h=h, w=w, out=out, params=self.total_params, mb=self.total_params * 4 / 1e6,
            macs=format_count(self.total_macs), act_mb=self.activation_bytes / 1e6,
        )


_SHAPE_PRESERVING = (nn.BatchNorm2d, nn.BatchNorm1d, nn.ReLU, nn.Identity, nn.Dropout, nn.Sigmoid, nn.Tanh)


class _TraceInterpreter(fx.Interpreter):
    """Runs the graph on meta tensors, recording shape, FLOPs and receptive field per node."""

    def __init__(self, gm: fx.GraphModule, counter: MacCounter, stage_of: dict[str, str],
                 root_type: type) -> None:
        super().__init__(gm)
        self.root_type = root_type
        self.counter = counter
        self.stage_of = stage_of
        self.rows: list[LayerRow] = []
        self.rf: dict[str, tuple[tuple[int, int] | None, tuple[int, int]]] = {}
        self.input_hw: tuple[int, int] = (1, 1)
        self.failed_node: fx.Node | None = None

    def call_module(self, target: Any, args: Any, kwargs: Any) -> Any:
        m = self.module.get_submodule(str(target))
        if isinstance(m, _SHAPE_PRESERVING) and len(args) == 1 and not kwargs:
            # Output shape = input shape and no multiply-adds (torch's formulas count none for
            # these either), so skip the call: it halves the time of a ResNet-152 trace.
            return args[0]
        return super().call_module(target, args, kwargs)

    def run_node(self, n: fx.Node) -> Any:
        before = self.counter.flops
        try:
            result = super().run_node(n)
        except Exception:
            self.failed_node = n
            raise
        flops = self.counter.flops - before
        if n.op == "placeholder":
            self.input_hw = tuple(result.shape[-2:]) if result.dim() >= 3 else (1, 1)  # type: ignore[assignment]
            self.rf[n.name] = ((1, 1), (1, 1))
            return result
        if n.op == "output" or not isinstance(result, torch.Tensor):
            return result
        rf, jump = self._receptive_field(n, result)
        self.rf[n.name] = (rf, jump)
        name, op, params = self._describe(n)
        self.rows.append(LayerRow(
            name=name, op=op, stage=self._stage(n), output_shape=tuple(result.shape[1:]),
            params=params, macs=int(flops // 2), receptive_field=rf, jump=jump,
        ))
        return result

    # -- descriptions ---------------------------------------------------------------------------
    def _describe(self, n: fx.Node) -> tuple[str, str, int]:
        if n.op == "call_module":
            m = self.module.get_submodule(str(n.target))
            return str(n.target), describe_module(m), sum(p.numel() for p in m.parameters())
        stack = n.meta.get("nn_module_stack") or {}
        owner_name, owner_type = (list(stack.values())[-1] if stack else ("", None))
        fn = getattr(n.target, "__name__", str(n.target))
        if fn in ("add", "iadd", "add_") and owner_type is None and self.root_type in RESIDUAL_BLOCKS:
            owner_type = self.root_type  # a block traced on its own: the add is in the root module
        if fn in ("add", "iadd", "add_") and owner_type in RESIDUAL_BLOCKS:
            return (f"{owner_name}.add" if owner_name else "add"), "add: F(x) + shortcut", 0
        prefix = f"{owner_name}." if owner_name else ""
        return f"{prefix}{n.name}", fn, 0

    def _stage(self, n: fx.Node) -> str:
        stack = n.meta.get("nn_module_stack") or {}
        if stack:
            top = list(stack.values())[0][0]
        elif n.op == "call_module":
            top = str(n.target).split(".")[0]
        else:
            top = n.name
        return self.stage_of.get(top, top)

    # -- receptive field --------------------------------------------------------------------------
    def _receptive_field(self, n: fx.Node, result: torch.Tensor) -> tuple[tuple[int, int] | None, tuple[int, int]]:
        inputs = [self.rf[a.name] for a in n.all_input_nodes if a.name in self.rf]
        if not inputs:
            return (1, 1), (1, 1)
        if any(rf is None for rf, _ in inputs):
            return None, max(j for _, j in inputs)
        rf_in = max(rf for rf, _ in inputs if rf is not None)
        j_in = max(j for _, j in inputs)
        if n.op == "call_module":
            m = self.module.get_submodule(str(n.target))
            if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
                k, s = pair(m.kernel_size), pair(m.stride)
                d = pair(getattr(m, "dilation", 1))
                rf = tuple(rf_in[i] + (k[i] - 1) * d[i] * j_in[i] for i in range(2))
                return rf, (j_in[0] * s[0], j_in[1] * s[1])  # type: ignore[return-value]
            if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
                if result.dim() == 4 and tuple(result.shape[-2:]) == (1, 1):
                    return None, j_in  # global pooling: every output sees the whole input
                return rf_in, j_in
            if isinstance(m, nn.Linear):
                return None, j_in
            if isinstance(m, ZeroPadShortcut):  # keeps every stride-th pixel: a 1×1 window, a longer step
                return rf_in, (j_in[0] * m.stride, j_in[1] * m.stride)
        if result.dim() < 4 and n.op != "call_module":
            # flatten & co.: spatial positions are merged; the next Linear sees them all
            return rf_in, j_in
        return rf_in, j_in


def default_stage_map(model: nn.Module) -> dict[str, str]:
    """Top-level names → display stage. ResNet's conv1/bn1/relu/maxpool form the "stem" (D2L's b1)."""
    mapping: dict[str, str] = {}
    names = {n for n, _ in model.named_children()}
    if {"conv1", "layer1"} <= names:  # (a pre-activation ResNet's stem has no BN-ReLU of its own)
        for n in ("conv1", "bn1", "relu", "maxpool"):
            mapping[n] = "stem"
        d2l = getattr(getattr(model, "spec", None), "stage_names", ())
        if d2l:
            mapping["conv1"] = mapping["bn1"] = mapping["relu"] = mapping["maxpool"] = "stem (b1)"
            for i, label in enumerate(d2l, start=1):
                mapping[f"layer{i}"] = f"layer{i} ({label})"
    return mapping


def _meta_like(t: torch.Tensor) -> torch.Tensor:
    empty = torch.empty_like(t, device="meta")
    return nn.Parameter(empty, requires_grad=t.requires_grad) if isinstance(t, nn.Parameter) else empty


def _meta_eval_copy(gm: fx.GraphModule) -> fx.GraphModule:
    """``gm`` with its tensors on the meta device and in eval mode, without changing ``gm``.

    A GraphModule shares its submodules with the model it was traced from, so ``gm.to("meta").eval()``
    would move the caller's weights to meta and switch its BatchNorms to eval. A graph already on meta
    and in eval mode (the cached presets) is used as it is; any other is deep-copied with meta
    stand-ins in the memo, so no weight's data is copied. Eval: BN uses running stats, so a batch of 1
    at 1×1 is fine.
    """
    tensors = list(chain(gm.parameters(), gm.buffers()))
    if all(t.is_meta for t in tensors) and not any(m.training for m in gm.modules()):
        return gm
    memo: dict[int, Any] = {id(t): _meta_like(t) for t in tensors}
    return copy.deepcopy(gm, memo).eval()


def trace_model(model: nn.Module, input_shape: tuple[int, int, int], *, gm: fx.GraphModule | None = None,
                label: str | None = None) -> TraceResult:
    """Trace ``model`` on a meta tensor of shape (1, C, H, W).

    ``model`` (and ``gm``, its traced graph, if given) are never changed: the graph runs on a meta
    copy in eval mode unless it already is one. Build on the meta device (``with torch.device("meta"):
    model = ...``, then ``model.eval()``) to skip even that copy; a real model works too.
    Raises ``ValueError`` when a layer cannot run, e.g. the input is too small for its downsampling;
    ``label`` names the model in that sentence (default: "this network", translated).
    """
    label = label if label is not None else tr("this network")
    gm = _meta_eval_copy(gm if gm is not None else symbolic_trace(model))
    counter = MacCounter()
    interp = _TraceInterpreter(gm, counter, default_stage_map(model), type(model))
    x = torch.empty((1, *input_shape), device="meta")
    try:
        with counter:
            interp.run(x)
    except (RuntimeError, ValueError, IndexError) as err:
        raise _too_small_error(interp, input_shape, label, err) from err
    total_params = sum(p.numel() for p in model.parameters())
    activation = sum(math.prod(r.output_shape) for r in interp.rows) * 4
    return TraceResult(interp.rows, tuple(input_shape), total_params, sum(r.macs for r in interp.rows), activation)


def _too_small_error(interp: _TraceInterpreter, input_shape: tuple[int, int, int], label: str,
                     err: Exception) -> ValueError:
    c, h, w = input_shape
    node = interp.failed_node
    if node is None:
        return ValueError(tr("{label} cannot run on a {c}×{h}×{w} input: {error}", label=label, c=c, h=h, w=w,
                             error=err))
    where = str(node.target) if node.op == "call_module" else node.name
    before = interp.rows[-1].shape_text if interp.rows else f"{c}×{h}×{w}"
    what = ""
    if node.op == "call_module":
        what = f" ({op_text(describe_module(interp.module.get_submodule(str(node.target))))})"
    if "channels" in str(err) or "size mismatch" in str(err) or "shape" in str(err).lower() and "small" not in str(err):
        return ValueError(tr(
            "{label} cannot run on a {c}×{h}×{w} input: layer '{where}'{what} received {before} "
            "and failed ({error}).",
            label=label, c=c, h=h, w=w, where=where, what=what, before=before, error=str(err).splitlines()[0],
        ))
    return ValueError(tr(
        "A {c}×{h}×{w} input is too small for {label}: at layer '{where}'{what} the feature map is "
        "already {before}, and this layer would shrink it below 1×1. Use a larger input.",
        c=c, h=h, w=w, label=label, where=where, what=what, before=before,
    ))


def _collapse_warnings(result: TraceResult) -> list[str]:
    """Warn when downsampling shrinks the map to 1×1 while convolutions still follow.

    Not an error -- the layers run -- but spatial layout is gone, which is rarely what you want.
    """
    spatial = [i for i, r in enumerate(result.rows) if len(r.output_shape) == 3]
    for i in spatial:
        row = result.rows[i]
        if row.output_shape[1:] != (1, 1) or "Adaptive" in row.op:
            continue
        convs_after = [r for r in result.rows[i + 1:] if r.op.startswith("Conv2d")]
        if convs_after:
            _, h, w = result.input_shape
            return [tr(
                "The feature map is already 1×1 at '{layer}' (stride {stride} from the "
                "{h}×{w} input), yet {convs} convolution(s) follow: they see no spatial "
                "layout any more. This network downsamples more than a {h}×{w} input allows.",
                layer=row.name, stride=row.jump_text, h=h, w=w, convs=len(convs_after),
            )]
        break
    return []
