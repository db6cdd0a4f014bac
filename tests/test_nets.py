"""Tests of explainer.degradation.nets: depth and init checks, plain/residual twins."""

from __future__ import annotations

import math

import pytest
import torch

from explainer.degradation import grad_norms, nets
from explainer.models.resnet import build_resnet, cifar_spec, count_parameters, residual_blocks


@pytest.mark.parametrize("depth", [8, 14, 56, 110, 122])
def test_valid_depths(depth: int) -> None:
    assert nets.check_depth(depth) == depth


@pytest.mark.parametrize("depth", [2, 7, 9, 57, 128, 1000, True, 56.0, "56", None])
def test_invalid_depths_raise_a_sentence(depth: object) -> None:
    with pytest.raises(ValueError, match="[Dd]epth|6n\\+2"):
        nets.check_depth(depth)


def test_not_6n_plus_2_suggests_neighbours() -> None:
    with pytest.raises(ValueError, match="try 56 or 62"):
        nets.check_depth(58)


def test_unknown_init_and_bad_batch() -> None:
    with pytest.raises(ValueError, match="initialization"):
        grad_norms.grad_norms(8, batch_norm=True, init="He")
    with pytest.raises(ValueError, match="batch"):
        grad_norms.grad_norms(8, batch_norm=True, init="Kaiming", batch=(torch.zeros(2, 3, 8, 8), torch.zeros(2, dtype=torch.long)))




def test_plain_twin_has_the_same_parameters_and_weights() -> None:
    """Option A shortcuts are parameter-free: the twins' state dicts are identical, key for key."""
    plain, residual = nets.build_pair(14, batch_norm=True, init="Xavier", seed=3)
    ps, rs = plain.state_dict(), residual.state_dict()
    assert set(ps) == set(rs)
    for k, v in ps.items():
        assert v.shape == rs[k].shape and torch.equal(v, rs[k]), k
    assert [n for n, _ in nets.weighted_layers(plain)] == [n for n, _ in nets.weighted_layers(residual)]
    assert len(nets.weighted_layers(plain)) == 14  # 6n+2 weighted layers, projections not counted


@pytest.mark.parametrize(("depth", "params"), [(20, 269_722), (32, 464_154), (44, 658_586), (56, 853_018),
                                               (110, 1_727_962)])
def test_cifar_twins_have_he_et_al_parameter_counts(depth: int, params: int) -> None:
    """He et al. §4.2 (Table 6: 0.27/0.46/0.66/0.85/1.7 M): ResNet-n and Plain-n alike, at 3×32×32, 10 classes."""
    residual = build_resnet(cifar_spec(depth, residual=True, in_channels=3, num_classes=10))
    plain = build_resnet(cifar_spec(depth, residual=False, in_channels=3, num_classes=10))
    assert count_parameters(residual) == count_parameters(plain) == params
    option_b = build_resnet(cifar_spec(depth, downsample="projection", in_channels=3, num_classes=10))
    # option B adds two 1×1 conv + BN projections: 16·32 + 2·32 and 32·64 + 2·64
    assert count_parameters(option_b) - params == 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64


@pytest.mark.parametrize("batch_norm", [True, False])
def test_twins_differ_exactly_by_the_skip(batch_norm: bool) -> None:
    """Same block weights, same input: residual = relu(F(x) + x), plain = relu(F(x)), F(x) identical."""
    plain, residual = nets.build_pair(14, batch_norm=batch_norm, init="Kaiming", seed=1)
    x = torch.relu(torch.randn(3, 16, 10, 10, generator=torch.Generator().manual_seed(0)))
    pb, rb = plain.layer1[1], residual.layer1[1]  # an identity block in both nets
    for blk in (pb, rb):
        blk.eval()
    branch: dict[str, torch.Tensor] = {}
    hp = pb.bn2.register_forward_hook(lambda m, i, o: branch.__setitem__("plain", o))
    hr = rb.bn2.register_forward_hook(lambda m, i, o: branch.__setitem__("residual", o))
    with torch.no_grad():
        yp, yr = pb(x), rb(x)
    hp.remove(), hr.remove()
    torch.testing.assert_close(branch["plain"], branch["residual"], rtol=0, atol=0)
    torch.testing.assert_close(yp, torch.relu(branch["plain"]))
    torch.testing.assert_close(yr, torch.relu(branch["residual"] + x))
    assert not torch.allclose(yp, yr)


def test_zero_init_only_touches_the_residual_net() -> None:
    plain, residual = nets.build_pair(8, batch_norm=True, init="Kaiming", zero_init_residual=True)
    assert torch.count_nonzero(residual.layer1[0].bn2.weight) == 0
    assert torch.all(plain.layer1[0].bn2.weight == 1)


def test_pytorch_default_init_differs_from_kaiming() -> None:
    _, a = nets.build_pair(8, init="PyTorch default", seed=0)
    _, b = nets.build_pair(8, init="Kaiming", seed=0)
    # reset_parameters: kaiming_uniform(a=√5) → weight std = 1/√(3·fan_in); He-normal fan_out is larger.
    fan_in = 16 * 9
    assert a.layer1[0].conv1.weight.std().item() == pytest.approx(1 / math.sqrt(3 * fan_in), rel=0.1)
    assert b.layer1[0].conv1.weight.std().item() == pytest.approx(math.sqrt(2 / fan_in), rel=0.1)




@pytest.mark.parametrize(("init", "batch_norm"), [("Kaiming", True), ("Xavier", False), ("PyTorch default", True)])
def test_preact_net_shares_every_conv_and_fc_with_the_residual_twin(init: str, batch_norm: bool) -> None:
    """build_preact: the residual net's 6n+2 weighted layers, weight for weight; only BN-ReLU placement differs."""
    _, residual = nets.build_pair(14, batch_norm=batch_norm, init=init, seed=4)
    preact = nets.build_preact(14, batch_norm=batch_norm, init=init, seed=4)
    assert [n for n, _ in nets.weighted_layers(preact)] == [n for n, _ in nets.weighted_layers(residual)]
    for (name, a), (_, b) in zip(nets.weighted_layers(preact), nets.weighted_layers(residual)):
        assert torch.equal(a.weight, b.weight), name
        assert (a.bias is None and b.bias is None) or torch.equal(a.bias, b.bias), name
    assert preact.spec.preact and not residual.spec.preact
    assert count_parameters(preact) == count_parameters(residual)
    assert all(type(b).__name__ == "PreActBasicBlock" for _, b in residual_blocks(preact))
    x = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert not torch.allclose(preact(x), residual(x))  # same weights, different placement, different function


def test_preact_zero_init_makes_every_block_the_identity() -> None:
    preact = nets.build_preact(14, zero_init_residual=True).train()
    pairs: list[tuple[torch.Tensor, torch.Tensor]] = []
    handles = [b.register_forward_hook(lambda m, i, o: pairs.append((i[0], o))) for _, b in residual_blocks(preact)]
    preact(torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(1)))
    for h in handles:
        h.remove()
    for x, out in pairs:
        if x.shape == out.shape:
            torch.testing.assert_close(out, x)
        else:  # a widening block: option A's subsampled, zero-padded x
            torch.testing.assert_close(out[:, : x.shape[1]], x[:, :, ::2, ::2])
            assert torch.count_nonzero(out[:, x.shape[1]:]) == 0
