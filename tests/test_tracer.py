"""explainer.shapes.tracer on its own: the caller's model is never changed; the labels of its rows."""

from __future__ import annotations

import torch

from explainer.models.resnet import build_resnet, cifar_spec
from explainer.shapes.layer_labels import describe_module, format_count, format_shape
from explainer.shapes.tracer import symbolic_trace, trace_model


def test_tracing_leaves_the_callers_model_on_cpu_with_the_same_parameters() -> None:
    torch.manual_seed(0)
    model = build_resnet(cifar_spec(20))  # on the CPU, in training mode
    before = {k: v.clone() for k, v in model.state_dict().items()}
    gm = symbolic_trace(model)  # its graph shares the model's submodules
    for trace in (trace_model(model, (3, 32, 32)), trace_model(model, (3, 32, 32), gm=gm)):
        assert trace.rows[-1].output_shape == (10,)
        assert trace.total_params == sum(p.numel() for p in model.parameters())
    after = model.state_dict()
    assert all(t.device.type == "cpu" for t in after.values())
    assert after.keys() == before.keys() and all(torch.equal(before[k], after[k]) for k in before)
    assert all(m.training for m in model.modules())  # not switched to eval behind the caller's back
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)  # and still runs on real data


def test_a_graph_already_on_meta_and_in_eval_is_traced_as_it_is() -> None:
    with torch.device("meta"):
        model = build_resnet(cifar_spec(20)).eval()
    trace = trace_model(model, (3, 32, 32))
    assert trace.rows[-1].output_shape == (10,)
    assert all(p.is_meta for p in model.parameters())


def test_labels() -> None:
    assert format_count(1_234_567) == "1.23 M" and format_count(999) == "999"
    assert format_shape((64, 56, 56)) == "64×56×56"
    assert describe_module(torch.nn.Conv2d(3, 64, 7, stride=2)) == "Conv2d 7×7, stride 2, 3→64 ch"


def test_a_trace_installs_no_process_wide_module_hooks(monkeypatch) -> None:
    # FlopCounterMode's ModuleTracker registered global nn.Module hooks, which broke backward passes in
    # other server threads (issue 11); the tracer must leave the global hook registries alone.
    from torch.nn.modules import module as nn_module

    from explainer.shapes import tracer

    registries = ("_global_forward_pre_hooks", "_global_forward_hooks", "_global_backward_pre_hooks",
                  "_global_backward_hooks", "_global_module_registration_hooks")
    seen: list[int] = []
    run_node = tracer._TraceInterpreter.run_node

    def spying_run_node(self, n):
        seen.append(sum(len(getattr(nn_module, r, {})) for r in registries))
        return run_node(self, n)

    monkeypatch.setattr(tracer._TraceInterpreter, "run_node", spying_run_node)
    with torch.device("meta"):
        model = build_resnet(cifar_spec(20)).eval()
    trace_model(model, (3, 32, 32))
    assert seen and set(seen) == {0}


def test_option_a_shortcut_is_one_row_with_its_stride() -> None:
    # He et al.'s zero padding is one idea, one row (not fx's getitem + pad); its step between outputs
    # doubles like the stride-2 conv's, and the CIFAR ResNet-20 (option A) has only the add beyond Plain-20.
    ordered = trace_model(build_resnet(cifar_spec(20)), (3, 32, 32)).rows
    rows = {r.name: r for r in ordered}
    down = rows["layer2.0.downsample"]
    before = ordered[[r.name for r in ordered].index("layer2.0.downsample") - 1]  # x, the block's input
    assert down.op == "ZeroPadShortcut, stride 2, 16→32 ch" and down.params == 0 and down.macs == 0
    assert down.output_shape == rows["layer2.0.conv1"].output_shape == (32, 16, 16)
    assert down.jump == rows["layer2.0.conv1"].jump == (2, 2)
    assert down.receptive_field == before.receptive_field  # a 1×1 window adds nothing to x's field
    assert rows["layer3.0.downsample"].jump == (4, 4)
    assert not any("getitem" in name or name.endswith(".pad") for name in rows)


def test_an_eval_model_on_meta_is_traced_as_it_is_not_copied() -> None:
    """The graph follows its model's mode, so the cached presets (meta, eval) skip the deep copy."""
    from explainer.shapes import tracer

    with torch.device("meta"):
        # Nested: the graph makes its own container Module for the dotted path "0" ("0.0", "0.1").
        model = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4)),
                                    torch.nn.ReLU())
    model.eval()
    gm = tracer.symbolic_trace(model)
    assert not any(m.training for m in gm.modules())
    assert tracer._meta_eval_copy(gm) is gm
    model.train()
    gm_train = tracer.symbolic_trace(model)
    assert gm_train.training is True and tracer._meta_eval_copy(gm_train) is not gm_train
    assert all(m.training for m in model.modules())  # the caller's model is left in its mode
    model[0].eval()  # mixed modes: the graph's own containers follow the root, the model's keep theirs
    tracer.symbolic_trace(model)
    assert model.training and not model[0].training and not model[0][1].training
