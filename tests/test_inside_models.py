"""The Inside tab's model instances (issue 11): one per kind of work, never changed by a request."""

from __future__ import annotations

import hashlib
import threading

import pytest
import torch

from explainer.inside import images
from explainer.inside.attribution_methods import GRADCAM, IG, AttributionSettings, attribute
from explainer.models.resnet import build_resnet, d2l_resnet18_spec
from explainer.training.samples import example_paths
from explainer.ui import inside_handlers, inside_models, inside_results
from explainer.ui.inside_models import FASHION, HEAVY_WORK, QUICK_WORK, bundle

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def served(served_models: None) -> None:
    """The shipped model's instances, or untrained twins (conftest's ``served_models``)."""


def _state_hash(model: torch.nn.Module) -> str:
    """A fresh hash of every parameter and buffer (not the memoised ``weights_digest``)."""
    h = hashlib.sha256()
    for t in model.state_dict().values():
        h.update(t.detach().contiguous().numpy().tobytes())
    return h.hexdigest()


def test_each_kind_of_work_has_its_own_instance_with_equal_weights(served: None) -> None:
    quick, heavy = inside_models.fashion_model(QUICK_WORK), inside_models.fashion_model(HEAVY_WORK)
    assert quick is not heavy
    assert inside_models.fashion_model(QUICK_WORK) is quick  # loaded once
    assert all(p is not q for p, q in zip(quick.parameters(), heavy.parameters()))
    for (name, a), (_, b) in zip(quick.state_dict().items(), heavy.state_dict().items()):
        assert torch.equal(a, b), name
    assert inside_models.weights_digest(quick) == inside_models.weights_digest(heavy)
    assert bundle(FASHION, QUICK_WORK).key == bundle(FASHION, HEAVY_WORK).key  # results shared by content
    assert inside_models.instance_lock(quick) is not inside_models.instance_lock(heavy)
    for model in (quick, heavy):
        assert not model.training and not any(p.requires_grad for p in model.parameters())
    with pytest.raises(ValueError, match="kind of model work"):
        inside_models.fashion_model("fast")


def test_a_different_model_has_a_different_key() -> None:
    torch.manual_seed(1)
    a = build_resnet(d2l_resnet18_spec()).eval()
    torch.manual_seed(2)
    b = build_resnet(d2l_resnet18_spec()).eval()
    assert inside_models.weights_digest(a) != inside_models.weights_digest(b)


def _watch_flags(model: torch.nn.Module, stop: threading.Event, seen: list[tuple[bool, ...]]) -> None:
    while not stop.is_set():
        seen.append(tuple(p.requires_grad for p in model.parameters()))


def test_attributions_change_no_parameter_flags_of_any_instance(served: None) -> None:
    """While the HEAVY instance computes attributions in one thread, the flags of both instances stay as
    they are (the old ``frozen_weights`` flipped them on the one model every queue shared)."""
    quick, heavy = inside_models.fashion_model(QUICK_WORK), inside_models.fashion_model(HEAVY_WORK)
    torch.manual_seed(0)
    trainable = build_resnet(d2l_resnet18_spec()).eval()  # requires_grad on: attribute() must not touch it
    x = images.prepare_fashion(str(example_paths()[0]), invert="auto").x
    stop = threading.Event()
    seen: dict[str, list[tuple[bool, ...]]] = {"quick": [], "heavy": [], "trainable": []}
    watchers = [threading.Thread(target=_watch_flags, args=(m, stop, seen[k]))
                for k, m in (("quick", quick), ("heavy", heavy), ("trainable", trainable))]
    for w in watchers:
        w.start()
    try:
        for model in (heavy, trainable):
            for method in (GRADCAM, IG):
                attribute(model, x, method, settings=AttributionSettings(ig_steps=8))
    finally:
        stop.set()
        for w in watchers:
            w.join()
    assert seen["quick"] and {s for s in seen["quick"]} == {tuple(False for _ in quick.parameters())}
    assert {s for s in seen["heavy"]} == {tuple(False for _ in heavy.parameters())}
    assert {s for s in seen["trainable"]} == {tuple(True for _ in trainable.parameters())}
    assert all(p.grad is None for p in trainable.parameters())  # nothing accumulated either


def test_sanity_check_randomizes_a_copy(served: None) -> None:
    heavy = inside_models.fashion_model(HEAVY_WORK)
    before = _state_hash(heavy)
    b = bundle(FASHION, HEAVY_WORK)
    x = images.prepare_fashion(str(example_paths()[1]), invert="auto").x
    settings = AttributionSettings(ig_steps=4, ig_internal_batch=4)
    result = inside_results.sanity(b, x, (GRADCAM,), 0, settings)
    assert len(result.steps) > 2 and _state_hash(heavy) == before
    assert _state_hash(inside_models.fashion_model(QUICK_WORK)) == before


def test_handlers_use_the_instance_of_their_queue(served: None, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    real = inside_models.bundle

    def spy(choice: str | None, work: str = QUICK_WORK) -> inside_models.Bundle:
        used.append(work)
        return real(choice, work)

    monkeypatch.setattr(inside_handlers, "bundle", spy)
    path = str(example_paths()[2])
    inside_handlers.api_predict(path)
    inside_handlers.api_feature_maps(path, "layer1")
    assert used == [QUICK_WORK, QUICK_WORK]
    inside_handlers.api_attribute(path, GRADCAM)
    inside_handlers.branch_figures(path, None, "upload", FASHION, "auto", -1)
    assert used[2:] == [HEAVY_WORK, HEAVY_WORK]
